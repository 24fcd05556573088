"""Conformance of ``airm serve``: the W3C SPARQL 1.1 Protocol tests, the SPARQL results formats, and the whole
stored-query catalog run differentially against ``oxigraph serve-read-only`` loaded with the same build.

The protocol tests are a rewrite of w3c/rdf-tests ``sparql/sparql11/protocol/manifest.ttl`` (W3C Test Suite License
and W3C 3-clause BSD License); see conformance/NOTE.md for the source and how each of the 34 entries applies.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml

from airm import catalog
from helpers import order_keys

HERE = Path(__file__).resolve().parent / "conformance"
PROTOCOL = yaml.safe_load((HERE / "protocol.yaml").read_text(encoding="utf-8"))
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES", "application/rdf+xml": "RDF_XML",
             "application/ld+json": "JSON_LD", "application/n-quads": "N_QUADS"}
XSD = "http://www.w3.org/2001/XMLSchema#"
SRX = "{http://www.w3.org/2005/sparql-results#}"


# --- the W3C SPARQL 1.1 Protocol tests ----------------------------------------------------------------------------

def send(server, request: dict):
    path = "/sparql"
    if request.get("params"):
        path += "?" + urllib.parse.urlencode([(str(k), str(v)) for k, v in request["params"]])
    body = None
    if "body" in request:
        body = request["body"].encode("utf-8")
    elif "body_utf16" in request:
        body = request["body_utf16"].encode("utf-16")  # with a byte-order mark, as the manifest says
    headers = dict(request.get("headers") or {})
    if body is not None and "Content-Type" not in headers:
        headers["Content-Type"] = ""  # the manifest's "missing media type": urllib would add a form type
    return server.request(path, method=request["method"], headers=headers, data=body)


def check(reply, expect: dict) -> None:
    status = expect["status"]
    if status == "2xx":
        assert 200 <= reply.status < 300, (reply.status, reply.text[:500])
    elif status == "4xx":
        assert 400 <= reply.status < 500, (reply.status, reply.text[:500])
        assert reply.text.startswith("error: "), reply.text[:300]  # a readable reason, not just a code
    else:
        assert reply.status == status, (reply.status, reply.text[:500])
    assert "Traceback" not in reply.body.decode("utf-8", "replace")
    if "message" in expect:
        assert expect["message"] in reply.text, reply.text[:500]
    result = expect.get("result")
    if result == "boolean":
        assert reply.type in BOOLEAN_TYPES, reply.type
        answer = parse_table(reply.body, reply.type).askAnswer
        if "boolean" in expect:
            assert answer is expect["boolean"]
    elif result == "tabular":
        assert reply.type in TABULAR_TYPES, reply.type
        parsed = parse_table(reply.body, reply.type)
        assert parsed.type == "SELECT"
        if "rows" in expect:
            assert len(list(parsed)) == expect["rows"]
    elif result == "rdf":
        import pyoxigraph as ox

        assert reply.type in RDF_TYPES, reply.type
        list(ox.parse(reply.body, format=getattr(ox.RdfFormat, RDF_TYPES[reply.type])))  # parses, or raises


def parse_table(body: bytes, media: str):
    from rdflib.query import Result

    fmt = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml", "text/csv": "csv",
           "text/tab-separated-values": "tsv"}[media]
    return Result.parse(io.BytesIO(body), format=fmt)


@pytest.mark.parametrize("test", PROTOCOL["tests"], ids=[t["id"] for t in PROTOCOL["tests"]])
def test_w3c_protocol(server, test):
    check(send(server, test["request"]), test["expect"])
    if "then" in test:
        check(send(server, test["then"]["request"]), test["then"]["expect"])


def test_the_rewrite_covers_the_whole_manifest():
    tests = PROTOCOL["tests"]
    assert len(tests) == 34 and len({t["id"] for t in tests}) == 34
    assert Counter(t["applies"] for t in tests) == {"w3c": 16, "refused": 13, "adapted": 5}
    note = (HERE / "NOTE.md").read_text(encoding="utf-8")
    assert "w3c/rdf-tests" in note and "W3C Test Suite License" in note


def test_relative_iris_resolve_against_the_endpoint_and_positions_stay_the_users(server):
    """The service defines the base IRI (the protocol's update_base_uri test): here the endpoint's own URL, taken
    from the socket the server listens on; the base put before the query does not move error positions."""
    r = server.request("/sparql", method="POST", data=b"SELECT ?o WHERE { BIND(<test> AS ?o) }",
                       headers={"Content-Type": "application/sparql-query",
                                "Accept": "application/sparql-results+json"})
    assert r.status == 200, r.text
    value = json.loads(r.body)["results"]["bindings"][0]["o"]["value"]
    assert value == server.url + "/test"
    r = server.get("/sparql", query="BASE <https://example.org/a/> SELECT ?o WHERE { BIND(<b> AS ?o) }",
                   accept="application/sparql-results+json")
    assert json.loads(r.body)["results"]["bindings"][0]["o"]["value"] == "https://example.org/a/b"  # the query's wins
    r = server.request("/sparql", method="GET", headers={"Host": "evil.example>"},
                       params={"query": "SELECT ?o WHERE { BIND(<x> AS ?o) }"})
    assert r.status == 200 and "evil" not in r.text  # never the client's Host header
    r = server.get("/sparql", query="SELECT * WHERE { ?s ?p }")
    assert "error at line 1, column 25:" in r.text, r.text  # the column in the user's text
    assert "\n    SELECT * WHERE { ?s ?p }\n    " + " " * 24 + "^\n" in r.text  # the caret under the user's own line


# --- the SPARQL results formats ---------------------------------------------------------------------------------
# In the manner of the W3C csv-tsv-res and json-res tests: IRIs, plain, language-tagged and typed literals, a blank
# node, an unbound variable and awkward characters, given inline so that a read-only endpoint can answer.

FORMAT_QUERY = """PREFIX : <http://example.org/>
SELECT ?s ?p ?o WHERE {
  { VALUES (?s ?p ?o) {
      (:s1 :p1 :s2)
      (:s2 :p2 "foo")
      (:s3 :p3 "bar"@en)
      (:s4 :p4 4)
      (:s5 :p5 5.5)
      (:s6 :p6 true)
      (:s7 :p7 "x"^^:dt)
      (:s8 :p8 "a,b \\"q\\" c\\nd\\te")
      (:s9 :p9 UNDEF)
  } }
  UNION { BIND(:s0 AS ?s) BIND(:p0 AS ?p) BIND(BNODE() AS ?o) }
} ORDER BY ?s"""

E = "http://example.org/"
# (s, p, o) with o as (type, value, lang, datatype); None for unbound
FORMAT_ROWS = [
    ("s0", "p0", ("bnode", None, None, None)),
    ("s1", "p1", ("uri", E + "s2", None, None)),
    ("s2", "p2", ("literal", "foo", None, None)),
    ("s3", "p3", ("literal", "bar", "en", None)),
    ("s4", "p4", ("literal", "4", None, XSD + "integer")),
    ("s5", "p5", ("literal", "5.5", None, XSD + "decimal")),
    ("s6", "p6", ("literal", "true", None, XSD + "boolean")),
    ("s7", "p7", ("literal", "x", None, E + "dt")),
    ("s8", "p8", ("literal", 'a,b "q" c\nd\te', None, None)),
    ("s9", "p9", None),
]


def fetch(server, accept: str, query: str = FORMAT_QUERY):
    r = server.get("/sparql", accept=accept, query=query)
    assert r.status == 200, r.text
    assert r.type == accept
    return r


def test_json_results_format(server):
    doc = json.loads(fetch(server, "application/sparql-results+json").body)
    assert doc["head"] == {"vars": ["s", "p", "o"]}
    rows = doc["results"]["bindings"]
    assert len(rows) == len(FORMAT_ROWS)
    for got, (s, p, o) in zip(rows, FORMAT_ROWS, strict=True):
        assert got["s"] == {"type": "uri", "value": E + s} and got["p"] == {"type": "uri", "value": E + p}
        if o is None:
            assert "o" not in got  # unbound: no key at all
            continue
        kind, value, lang, datatype = o
        want = {"type": kind}
        if value is not None:
            want["value"] = value
        if lang:
            want["xml:lang"] = lang
        if datatype:
            want["datatype"] = datatype
        if kind == "bnode":
            assert set(got["o"]) == {"type", "value"} and got["o"]["value"]
            got["o"].pop("value")
        assert got["o"] == want


def test_xml_results_format(server):
    root = ET.fromstring(fetch(server, "application/sparql-results+xml").body)
    assert root.tag == SRX + "sparql"
    assert [v.get("name") for v in root.find(SRX + "head")] == ["s", "p", "o"]
    results = root.find(SRX + "results").findall(SRX + "result")
    assert len(results) == len(FORMAT_ROWS)
    for result, (s, _p, o) in zip(results, FORMAT_ROWS, strict=True):
        bindings = {b.get("name"): b[0] for b in result.findall(SRX + "binding")}
        assert bindings["s"].tag == SRX + "uri" and bindings["s"].text == E + s
        if o is None:
            assert "o" not in bindings
            continue
        kind, value, lang, datatype = o
        term = bindings["o"]
        assert term.tag == SRX + kind
        if kind == "bnode":
            assert term.text
            continue
        assert term.text == value
        assert term.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert term.get("datatype") == datatype


def test_csv_results_format(server):
    r = fetch(server, "text/csv")
    assert r.body.startswith(b"s,p,o\r\n") and r.body.endswith(b"\r\n")  # CRLF line ends, bare variable names
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
    assert rows[0] == ["s", "p", "o"] and len(rows) == len(FORMAT_ROWS) + 1
    for got, (s, p, o) in zip(rows[1:], FORMAT_ROWS, strict=True):
        assert got[:2] == [E + s, E + p]
        if o is None:
            assert got[2] == ""
        elif o[0] == "bnode":
            assert got[2].startswith("_:")
        else:
            assert got[2] == o[1]  # IRIs and lexical forms only: CSV drops language and datatype
    assert b'"a,b ""q"" c\nd\te"' in r.body  # a field with a comma, quotes and a newline is quoted


def test_tsv_results_format(server):
    r = fetch(server, "text/tab-separated-values")
    lines = r.body.decode("utf-8").split("\n")
    assert lines[0] == "?s\t?p\t?o" and lines[-1] == ""
    want = {
        "s1": "<http://example.org/s2>", "s2": '"foo"', "s3": '"bar"@en',
        "s4": {'4', f'"4"^^<{XSD}integer>'}, "s5": {'5.5', f'"5.5"^^<{XSD}decimal>'},
        "s6": {'true', f'"true"^^<{XSD}boolean>'}, "s7": '"x"^^<http://example.org/dt>',
        "s8": '"a,b \\"q\\" c\\nd\\te"', "s9": "",
    }
    body = lines[1:-1]
    assert len(body) == len(FORMAT_ROWS)  # newlines and tabs inside values are escaped, never raw
    for line, (s, p, _o) in zip(body, FORMAT_ROWS, strict=True):
        cells = line.split("\t")
        assert cells[:2] == [f"<{E}{s}>", f"<{E}{p}>"]
        if s == "s0":
            assert cells[2].startswith("_:")
            continue
        expected = want[s]
        assert cells[2] in expected if isinstance(expected, set) else cells[2] == expected, (s, cells[2])


@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml",
                                   "text/tab-separated-values"])
def test_two_parsers_read_the_same_terms(server, media):
    """rdflib's and Oxigraph's result parsers both read every format back to the same terms."""
    import pyoxigraph as ox

    body = fetch(server, media).body
    fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV}[media]
    ox_rows = [sol["o"] for sol in ox.parse_query_results(body, format=fmt)]
    rdflib_rows = [row[2] for row in parse_table(body, media)]
    assert len(ox_rows) == len(rdflib_rows) == len(FORMAT_ROWS)
    for a, b, (_s, _p, o) in zip(ox_rows, rdflib_rows, FORMAT_ROWS, strict=True):
        if o is None:
            assert a is None and b is None
        elif o[0] == "bnode":
            assert isinstance(a, ox.BlankNode) and type(b).__name__ == "BNode"
        else:
            assert a.value == str(b) == o[1]
            if o[0] == "literal":
                assert (a.language or None) == (b.language or None) == o[2]
                if o[3]:
                    assert a.datatype.value == str(b.datatype) == o[3]


@pytest.mark.parametrize(("query", "answer"), [("ASK { }", True), ("ASK { FILTER(false) }", False)])
@pytest.mark.parametrize("media", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_boolean_results(server, query, answer, media):
    r = fetch(server, media, query)
    if media.endswith("json"):
        doc = json.loads(r.body)
        assert doc["boolean"] is answer and doc["head"] == {} and "results" not in doc
    else:
        root = ET.fromstring(r.body)
        assert root.find(SRX + "boolean").text == ("true" if answer else "false")
        assert root.find(SRX + "results") is None


# --- differential: the catalog on airm serve and on oxigraph serve-read-only ----------------------------------------

def catalog_cases():
    return [(name, case, params) for name, q in sorted(catalog.catalog().items()) for case, params in q.cases()]


CASES = catalog_cases()
FREE = [  # free SPARQL on /sparql, the same text on both
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class",
    "SELECT ?m ?label WHERE { ?m a airm:Mitigation ; rdfs:label ?label "
    "FILTER(LANG(?label) = '' || LANGMATCHES(LANG(?label), 'en')) } ORDER BY ?label ?m",
    "ASK { ?m a airm:Mitigation ; airm:addresses ?r }",
    "CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m a airm:Mitigation ; rdfs:label ?l }",
]


@pytest.fixture(scope="module")
def oxigraph_read_only(tmp_path_factory, kg):
    """``oxigraph load`` of the build's quads (the same store airm serve's workers load), then
    ``oxigraph serve-read-only --union-default-graph`` on a free loopback port."""
    import pyoxigraph as ox
    from oxigraph_server import OxigraphServer, require_binary

    binary = require_binary()
    folder = tmp_path_factory.mktemp("oxigraph-ro")
    dump = folder / "build.nq"
    kg.store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    location = folder / "store"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(dump)], check=True,
                   capture_output=True, timeout=300)
    server = OxigraphServer(location, read_only=True, timeout_s=60).start()
    yield server.query_url
    server.stop()


def oxigraph_query(url: str, text: str, accept: str) -> tuple[int, bytes]:
    from airm.namespaces import sparql_prologue

    req = urllib.request.Request(url, data=(sparql_prologue() + text).encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-query", "Accept": accept})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=120) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def table(body: bytes) -> tuple[list, list]:
    doc = json.loads(body)
    if "boolean" in doc:
        return ["?ask"], [doc["boolean"]]

    def term(b):
        if b is None:
            return None
        if b["type"] == "bnode":
            return ("bnode",)
        return (b["type"], b["value"], b.get("xml:lang"), b.get("datatype"))

    vars_ = doc["head"]["vars"]
    return vars_, [tuple(term(row.get(v)) for v in vars_) for row in doc["results"]["bindings"]]


def assert_same_table(ours: bytes, theirs: bytes, text: str) -> int:
    v1, rows1 = table(ours)
    v2, rows2 = table(theirs)
    assert v1 == v2
    assert Counter(rows1) == Counter(rows2), "airm serve and oxigraph serve-read-only give different rows"
    keys = order_keys(text)
    if keys:
        idx = [v1.index(k) for k in keys if k in v1]
        assert [tuple(r[i] for i in idx) for r in rows1] == [tuple(r[i] for i in idx) for r in rows2], \
            "rows come back in a different order"
    return len(rows1)


def assert_same_graph(ours: bytes, theirs: bytes) -> int:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    a = Graph().parse(data=ours.decode("utf-8"), format="nt")
    b = Graph().parse(data=theirs.decode("utf-8"), format="nt")
    assert len(a) == len(b) and isomorphic(a, b), "airm serve and oxigraph serve-read-only give different graphs"
    return len(a)


def test_both_servers_hold_the_same_build(server, oxigraph_read_only, kg):
    status, body = oxigraph_query(oxigraph_read_only, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  "application/sparql-results+json")
    assert status == 200
    theirs = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert theirs == len(kg.store) == json.loads(server.get("/health").body)["triples"]


@pytest.mark.parametrize(("name", "case", "params"), CASES, ids=[f"{n}.{c}" for n, c, _ in CASES])
def test_catalog_on_airm_serve_matches_oxigraph_serve_read_only(server, oxigraph_read_only, kg, name, case, params):
    from airm.sparql.binding import bind_values

    q = catalog.get(name)
    bound = catalog.bind_params(kg, q, params)
    text = bind_values(q.text, bound)  # the parameters as a VALUES block: the way any SPARQL server is given them
    accept = "application/n-triples" if q.kind == "construct" else "application/sparql-results+json"
    ours = server.get(f"/queries/{name}", accept=accept, **{k: str(v) for k, v in params.items()})
    assert ours.status == 200, ours.text
    status, theirs = oxigraph_query(oxigraph_read_only, text, accept)
    assert status == 200, theirs[:500]
    if q.kind == "construct":
        assert_same_graph(ours.body, theirs)
    else:
        assert_same_table(ours.body, theirs, q.text)


@pytest.mark.parametrize("text", FREE)
def test_free_sparql_on_airm_serve_matches_oxigraph_serve_read_only(server, oxigraph_read_only, text):
    construct = text.startswith("CONSTRUCT")
    accept = "application/n-triples" if construct else "application/sparql-results+json"
    ours = server.get("/sparql", accept=accept, query=text)
    assert ours.status == 200, ours.text
    status, theirs = oxigraph_query(oxigraph_read_only, text, accept)
    assert status == 200, theirs[:500]
    n = assert_same_graph(ours.body, theirs) if construct else assert_same_table(ours.body, theirs, text)
    assert n > 0


def test_the_differential_run_is_not_trivially_empty(server, kg):
    nonempty = 0
    for name, _case, params in CASES:
        result = kg.query(name, **params)
        nonempty += bool(result.triples if result.kind == "construct" else
                         (result.rows if result.kind == "select" else True))
    assert nonempty >= len(CASES) * 0.8
