"""The stored-query catalog over HTTP: /queries and /queries/NAME answer what ``airm query`` answers, with the same
parameter checks and the same error messages."""

from __future__ import annotations

import io
import json

import pytest

from airm import catalog
from helpers import run_cli


def test_list_as_json_is_the_catalog(server):
    r = server.get("/queries", accept="application/json")
    assert r.status == 200
    assert json.loads(r.body) == [q.header() for q in catalog.catalog().values()]


def test_list_as_html_links_every_query(server):
    r = server.get("/queries", accept="text/html")
    assert r.status == 200 and r.type == "text/html"
    for name in catalog.catalog():
        assert f'href="/queries/{name}"' in r.text


def _cases():
    out = []
    for name, q in sorted(catalog.catalog().items()):
        if any(p.required and p.default is None for p in q.params.values()):
            out.append((name, {p.name: p.example for p in q.params.values() if p.example is not None}))
        else:
            out.append((name, {}))
    return out


@pytest.mark.parametrize(("name", "params"), _cases(), ids=[n for n, _ in _cases()])
def test_every_stored_query_gives_the_library_answer(server, kg, name, params):
    from rdflib.query import Result

    expected = kg.query(name, **params)
    if expected.kind == "construct":
        import pyoxigraph as ox

        r = server.get(f"/queries/{name}", accept="application/n-triples", **{k: str(v) for k, v in params.items()})
        assert r.status == 200, r.text
        got = {tuple(x.value for x in (t.subject, t.predicate, t.object))
               for t in ox.parse(r.body, format=ox.RdfFormat.N_TRIPLES)}
        assert got == {tuple(x.value for x in t) for t in expected.triples}
        return
    r = server.get(f"/queries/{name}", accept="application/sparql-results+json",
                   **{k: str(v) for k, v in params.items()})
    assert r.status == 200, r.text
    parsed = Result.parse(io.BytesIO(r.body), format="json")
    got = sorted(tuple(str(x) if x is not None else "" for x in row) for row in parsed)  # unbound: "" sorts
    want = sorted(tuple(row[v].value if v in row else "" for v in expected.variables) for row in expected.rows)
    assert got == want


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml", "json"])
def test_format_parameter(server, fmt):
    r = server.get("/queries/mitigations-for-risk", risk="value misalignment", format=fmt)
    assert r.status == 200
    assert "alignment-training" in r.text


def _error_of(err: str) -> str:
    """The CLI's stderr without the line naming the workspace (the server has no such line: it names it once)."""
    return "".join(line for line in err.splitlines(keepends=True) if not line.startswith("workspace: "))


@pytest.mark.parametrize(("args", "cli_params"), [
    ({"risk": "no such risk at all"}, ["-p", "risk=no such risk at all"]),
    ({"risky": "x"}, ["-p", "risky=x"]),
    ({"risk": "mitigation:shi2024-alignment-training"}, ["-p", "risk=mitigation:shi2024-alignment-training"]),
])
def test_parameter_errors_are_400_with_the_cli_message(server, args, cli_params):
    code, _out, err = run_cli("query", "run", "mitigations-for-risk", *cli_params)
    assert code == 2
    r = server.get("/queries/mitigations-for-risk", accept="application/sparql-results+json", **args)
    assert r.status == 400
    assert r.text == _error_of(err)
    html = server.get("/queries/mitigations-for-risk", accept="text/html", **args)
    assert html.status == 400
    assert "no such risk" in html.text or "risky" in html.text or "is not a" in html.text


def test_missing_required_parameter(server):
    code, _out, err = run_cli("query", "run", "search-mitigations")
    r = server.get("/queries/search-mitigations", accept="text/csv")
    assert r.status == 400 and r.text == _error_of(err)
    # a person opening the page without parameters gets the form, not an error
    page = server.get("/queries/search-mitigations", accept="text/html")
    assert page.status == 200 and 'name="keyword"' in page.text


def test_parameter_given_twice(server):
    r = server.request("/queries/mitigations-for-risk?risk=privacy&risk=toxicity", headers={"Accept": "text/csv"})
    assert r.status == 400 and "given twice" in r.text


def test_unknown_query_is_404_with_suggestions(server):
    r = server.get("/queries/mitigations-for-risks", accept="text/csv")
    assert r.status == 404
    assert "did you mean" in r.text and "mitigations-for-risk" in r.text


def test_html_results_are_a_table_with_links(server):
    r = server.get("/queries/mitigations-for-risk", accept="text/html", risk="value misalignment")
    assert r.status == 200
    assert "<table" in r.text
    assert 'href="/id/mitigation/shi2024-alignment-training"' in r.text
    assert 'format=csv' in r.text  # downloads of the same result


def test_graph_result_refuses_table_formats(server):
    r = server.get("/queries/describe-entity", format="csv")
    assert r.status == 400 and "ttl" in r.text
    ok = server.get("/queries/describe-entity", accept="text/turtle", entity="technique:dpo")
    assert ok.status == 200 and ok.type == "text/turtle"


def test_query_iri_redirects_to_its_page(server):
    r = server.get("/query/mitigations-for-risk")
    assert r.status == 303 and r.headers["location"] == "/queries/mitigations-for-risk"
