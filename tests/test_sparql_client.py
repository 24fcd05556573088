"""The SPARQL Protocol client's reading of SPARQL JSON answers (airm.sparql.client, pyoxigraph's results parser):
the same terms the embedded engines give, and a bad answer named as the endpoint's."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from airm.results import RDF_LANGSTRING, XSD_STRING, Term
from airm.sparql.client import EndpointError, PartialAnswer, run_query

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture()
def canned():
    """A local endpoint that answers every POST with the (content type, body) put in ``answer``."""
    answer: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            ctype, body = answer["reply"]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            for name, value in answer.get("headers", {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    answer["url"] = f"http://127.0.0.1:{server.server_address[1]}/query"
    yield answer
    server.shutdown()
    server.server_close()


def _reply(canned, doc, ctype="application/sparql-results+json"):
    canned["reply"] = (ctype, doc if isinstance(doc, bytes) else json.dumps(doc).encode("utf-8"))


def test_terms_read_as_the_embedded_engines_give_them(canned):
    _reply(canned, {"head": {"vars": ["s", "b", "n", "l", "p", "unbound"]}, "results": {"bindings": [{
        "s": {"type": "uri", "value": "https://example.org/s"},
        "b": {"type": "bnode", "value": "b0"},
        "n": {"type": "literal", "value": "7", "datatype": XSD_INTEGER},
        "l": {"type": "literal", "value": "colour", "xml:lang": "EN-GB"},
        "p": {"type": "literal", "value": "plain"},
    }]}})
    res = run_query(canned["url"], "SELECT * WHERE { ?s ?p ?o }")
    assert res.kind == "select" and res.variables == ["s", "b", "n", "l", "p", "unbound"]
    assert res.rows == [{"s": Term("uri", "https://example.org/s"), "b": Term("bnode", "b0"),
                         "n": Term("literal", "7", XSD_INTEGER),
                         "l": Term("literal", "colour", RDF_LANGSTRING, "en-gb"),
                         "p": Term("literal", "plain", XSD_STRING)}]
    assert not res.truncated


@pytest.mark.parametrize("value", [True, False])
def test_an_ask_answer_is_a_boolean(canned, value):
    _reply(canned, {"head": {}, "boolean": value}, ctype="application/json")
    res = run_query(canned["url"], "ASK { ?s ?p ?o }")
    assert res.kind == "ask" and res.boolean is value


def test_rows_past_the_limit_are_cut_and_flagged(canned):
    rows = [{"n": {"type": "literal", "value": str(i), "datatype": XSD_INTEGER}} for i in range(5)]
    _reply(canned, {"head": {"vars": ["n"]}, "results": {"bindings": rows}})
    res = run_query(canned["url"], "SELECT ?n WHERE { ?s ?p ?n }", limit=3)
    assert [r["n"].value for r in res.rows] == ["0", "1", "2"] and res.truncated


@pytest.mark.parametrize("body", [
    b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "lit',  # cut short
    b'{"head": {"vars": ["a"]}}',  # neither results nor boolean
    b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "uri", "value": "not an iri"}}]}}',
    (b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "triple", "value": {'
     b'"subject": {"type": "uri", "value": "urn:s"}, "predicate": {"type": "uri", "value": "urn:p"},'
     b'"object": {"type": "uri", "value": "urn:o"}}}}]}}'),  # a triple term: no place for it in a table
    b"\xff\xfe",
])
def test_a_malformed_answer_names_the_endpoint(canned, body):
    _reply(canned, body)
    with pytest.raises(EndpointError, match=r"the SPARQL endpoint http://127\.0\.0\.1:\d+/query answered with "
                                            r"malformed SPARQL JSON"):
        run_query(canned["url"], "SELECT ?a WHERE { ?a ?p ?o }")


def test_an_answer_that_is_no_sparql_json_names_the_endpoint(canned):
    _reply(canned, b"<html>login</html>", ctype="text/html")
    with pytest.raises(EndpointError, match=r"http://127\.0\.0\.1:\d+/query answered text/html, not SPARQL JSON"):
        run_query(canned["url"], "SELECT ?a WHERE { ?a ?p ?o }")


# what Virtuoso 7.2 sent (tests/test_virtuoso.py asks a real one): an "anytime" answer, cut at its time limit, and an
# answer at its row cap, both with HTTP 200 and well-formed rows
_ANYTIME = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by "
            "result timeout.  Activity:  457.6K rnd  27.61M seq", "X-Exec-Milliseconds": "2002"}


@pytest.mark.parametrize(("headers", "words"), [
    (_ANYTIME, "partial results (X-SQL-State S1TAT: RC...: Returning incomplete results"),
    ({"X-SPARQL-MaxRows": "5"}, "answered 5 rows, its row cap (X-SPARQL-MaxRows)"),
])
@pytest.mark.parametrize("query", ["SELECT ?n WHERE { ?s ?p ?n }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_an_answer_the_endpoint_marks_incomplete_is_refused(canned, headers, words, query):
    rows = [{"n": {"type": "literal", "value": "1", "datatype": XSD_INTEGER}}]
    if query.startswith("SELECT"):
        _reply(canned, {"head": {"vars": ["n"]}, "results": {"bindings": rows}})
    else:
        _reply(canned, b"<urn:s> <urn:p> <urn:o> .\n", ctype="application/n-triples")
    canned["headers"] = headers
    with pytest.raises(PartialAnswer) as e:
        run_query(canned["url"], query)
    assert words in str(e.value) and canned["url"] in str(e.value)
    assert "virtuoso.ini" in e.value.hint


def test_a_complete_answer_with_a_success_state_is_read(canned):
    _reply(canned, {"head": {"vars": ["n"]}, "results": {"bindings": []}})
    canned["headers"] = {"X-SQL-State": "00000"}
    assert run_query(canned["url"], "SELECT ?n WHERE { ?s ?p ?n }").rows == []


def test_imports_run_downward_from_push_to_the_client():
    """endpoint (push) uses store_layout and the client; store_layout uses the client; airm.sparql uses neither."""
    import ast
    from pathlib import Path

    import airm

    src = Path(airm.__file__).parent

    def imported(path: Path) -> set[str]:
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found |= {(node.module or "").lstrip(".")} | {f"{node.module or ''}.{a.name}".lstrip(".")
                                                            for a in node.names}
        return found

    assert not {"endpoint", "airm.endpoint"} & imported(src / "store_layout.py")
    for path in (src / "sparql").glob("*.py"):
        above = {m for m in imported(path) if m.split(".")[-1] in ("endpoint", "store_layout", "engines", "catalog")}
        assert not above, f"{path.name} imports {above}"
