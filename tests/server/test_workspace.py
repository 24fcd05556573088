"""``airm serve --workspace DIR`` serves the imported sources beside the embedded data: their records get pages,
their statements name the import they come from, and search, the browser and the endpoint see them."""

from __future__ import annotations

import json

import pytest

from .serving import start

G = "https://w3id.org/airm/graph/import/testsource"
ID = "https://w3id.org/airm/id/import/testsource/"
AIRM = "https://w3id.org/airm#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@pytest.fixture(scope="module")
def served(tmp_path_factory, _isolated_cache):
    ws = tmp_path_factory.mktemp("workspace")
    (ws / "sources").mkdir()
    m, doc = f"<{ID}m1>", f"<{ID}doc1>"
    lines = [
        f"{m} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{AIRM}Mitigation> <{G}> .",
        f'{m} <{RDFS}label> "Quokka-based red teaming"@en <{G}> .',
        f"{m} <{AIRM}extractedFrom> {doc} <{G}> .",
        f"{m} <{AIRM}lifecycleStage> <https://w3id.org/airm/id/lifecycle/deploy> <{G}> .",
        f"{m} <{AIRM}addresses> <https://w3id.org/airm/id/llm-safety-risk/privacy> <{G}> .",
        f"{doc} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://purl.org/ontology/bibo/Document> <{G}> .",
        f'{doc} <{RDFS}label> "A test source"@en <{G}> .',
    ]
    (ws / "sources" / "testsource.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    srv = start(tmp_path_factory.mktemp("serve-ws") / "requests.log", "--workspace", str(ws), "--workers", "1")
    yield srv
    srv.stop()


def test_imported_record_has_a_page_naming_its_import(served):
    page = served.get("/id/import/testsource/m1", accept="text/html")
    assert page.status == 200
    assert "Quokka-based red teaming" in page.text
    assert "import testsource" in page.text  # provenance of its statements
    assert 'href="/id/import/testsource/doc1"' in page.text


def test_search_browser_and_endpoint_see_imports(served):
    assert 'href="/id/import/testsource/m1"' in served.get("/search", accept="text/html", q="quokka").text
    csv_text = served.get("/mitigations", accept="text/csv", risk="value misalignment", stage="Deploy").text
    assert ID + "m1" in csv_text  # privacy sits under value misalignment: the sub-risk reach works on imports
    r = served.get("/sparql", accept="application/sparql-results+json",
                   query=f"SELECT ?g WHERE {{ GRAPH ?g {{ <{ID}m1> a airm:Mitigation }} }}")
    assert [b["g"]["value"] for b in json.loads(r.body)["results"]["bindings"]] == [G]
