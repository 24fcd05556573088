"""The stored-query catalog: every query has golden results, and gives the same answer on both embedded engines.

Golden files live in tests/golden/queries/<query>.<case>.tsv (SELECT, SPARQL TSV) or .nt (CONSTRUCT, sorted
N-Triples). Regenerate them after an intended change with ``pytest tests/test_catalog.py --update-golden`` and
review the diff.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from airm import answers, catalog
from helpers import FIXTURES, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "queries"
CAUSAL_FIXTURE = FIXTURES / "catalog" / "causal-risks.ttl"

# Cases beyond "default" (every query) and "example" (every query whose parameters have examples).
EXTRA_CASES = {
    "risks-by-causal-class": [
        ("fixture-all", {}, (CAUSAL_FIXTURE,)),
        ("fixture-ai", {"entity": "AI"}, (CAUSAL_FIXTURE,)),
    ],
    "unmitigated-risks": [("stage-and-actor", {"stage": "Build and Use Model", "actor": "developer"}, ())],
    "mitigations-by-stage-and-actor": [("stage", {"stage": "3"}, ())],
    "mitigations-for-risk": [("sub-risk", {"risk": "privacy"}, ()),
                             ("follow-all", {"risk": "7.1", "follow": "all"}, ())],
    "mitigations-for-risk-evidence": [("sub-risk", {"risk": "privacy"}, ()),
                                      ("follow-all", {"risk": "7.1", "follow": "all"}, ())],
    "technique-provenance": [("all", {}, ())],
    "consensus-categories": [("strict", {"minSources": 17}, ())],
}


def cases():
    out = []
    for name, q in sorted(catalog.catalog().items()):
        out += [(name, case, params, ()) for case, params in q.cases()]
        for case, params, files in EXTRA_CASES.get(name, []):
            out.append((name, case, params, files))
    return out


CASES = cases()
IDS = [f"{n}.{c}" for n, c, _p, _f in CASES]


@pytest.fixture(scope="module")
def graphs(kg):
    import airm

    loaded = {(): kg}

    def get(files):
        if files not in loaded:
            loaded[files] = airm.load(files=list(files))
        return loaded[files]

    return get


def _serialise(result) -> str:
    if result.kind == "construct":
        return "".join(sorted(line + "\n" for line in result.format("nt").splitlines() if line.strip()))
    return result.format("tsv")


def _rows(result) -> Counter:
    if result.kind == "construct":
        return Counter(tuple(t.n3() for t in triple) for triple in result.triples)
    return Counter(tuple(sorted((k, v.n3()) for k, v in row.items())) for row in result.rows)


@pytest.mark.parametrize(("name", "case", "params", "files"), CASES, ids=IDS)
def test_golden(name, case, params, files, graphs, request):
    result = graphs(files).query(name, **params)
    text = _serialise(result)
    suffix = "nt" if result.kind == "construct" else "tsv"
    golden = GOLDEN / f"{name}.{case}.{suffix}"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run pytest --update-golden and review it"
    assert text == golden.read_text(encoding="utf-8"), f"{name} ({case}) differs from {golden.name}"


@pytest.mark.parametrize(("name", "case", "params", "files"), CASES, ids=IDS)
def test_engines_agree(name, case, params, files, graphs):
    kg = graphs(files)
    fast = answers.run_named(kg, name, params, engine="oxigraph")
    reference = answers.run_named(kg, name, params, engine="rdflib")
    assert fast.kind == reference.kind
    if fast.kind == "select":
        assert fast.variables == reference.variables
    assert _rows(fast) == _rows(reference)


def test_every_golden_file_belongs_to_a_case():
    expected = {f"{n}.{c}" for n, c, _p, _f in CASES}
    stale = sorted(p.name for p in GOLDEN.glob("*.*") if p.name.rsplit(".", 1)[0] not in expected)
    assert not stale, f"golden files with no case (delete them): {stale}"


def test_goldens_are_not_all_empty():
    """A catalog whose answers are all empty would pass every golden test: most must have rows."""
    empty = [p.name for p in GOLDEN.glob("*.tsv") if len(p.read_text().splitlines()) < 2]
    assert len(empty) <= 3, f"too many empty golden results: {empty}"


def test_catalog_covers_the_competency_questions():
    names = set(catalog.catalog())
    assert len(names) >= 20
    for required in ("training-methods-for-risk", "mitigations-for-risk", "unmitigated-risks", "describe-entity",
                     "coverage-stage-by-actor", "taxonomy-tree", "search-mitigations"):
        assert required in names


def test_every_query_documents_what_it_returns():
    for q in catalog.catalog().values():
        assert q.returns, f"{q.name} has no 'returns' in its header"
        if q.kind == "select":
            result_vars = q.returns
            body = q.text.split("SELECT", 1)[1].split("WHERE", 1)[0]
            for var in result_vars:
                assert f"?{var}" in body, f"{q.name}: returns {var} but does not select it"


def test_cli_runs_every_query_in_every_format():
    for name, q in sorted(catalog.catalog().items()):
        params = []
        for p in q.params.values():
            if p.required and p.default is None:
                params += ["-p", f"{p.name}={p.example}"]
        formats = ("nt", "ttl", "jsonld") if q.kind == "construct" else ("json", "csv", "md")
        for fmt in formats:
            code, out, err = run_cli("query", "run", name, *params, "--format", fmt)
            assert code == 0, (name, fmt, err)
            assert out.strip(), (name, fmt)


def test_the_catalog_is_compiled_into_the_graph(kg):
    from airm.catalog_rdf import _body

    rows = kg.sparql(
        "SELECT ?name ?text WHERE { ?q a airm:StoredQuery ; dcterms:identifier ?name ; "
        "sh:select|sh:construct|sh:ask ?text }"
    )
    compiled = {r["name"].value: r["text"].value for r in rows.rows}
    queries = catalog.catalog()
    assert set(compiled) == set(queries)
    for name, q in queries.items():
        assert compiled[name] == _body(q.text)
        assert "#+" not in compiled[name].splitlines()[0]
    default = kg.sparql(
        "SELECT ?default WHERE { query:mitigations-for-risk sh:parameter ?p . "
        "?p sh:path qparam:risk ; sh:defaultValue ?default ; sh:class airm:Risk ; sh:optional true }"
    )
    assert [r["default"].value for r in default.rows] == ["https://w3id.org/airm/id/llm-safety-risk/value-misalignment"]


def test_a_compiled_query_runs_as_stored(kg):
    """The sh:select text stored in the graph is a complete query: run it and compare with the catalog's run."""
    text = kg.sparql("SELECT ?t WHERE { query:coverage-stage-by-actor sh:select ?t }").rows[0]["t"].value
    assert _rows(kg.sparql(text)) == _rows(kg.query("coverage-stage-by-actor"))


def test_a_broken_query_header_fails_the_build(tmp_path, monkeypatch):
    import shutil

    from airm import catalog as catalog_module
    from airm.resources import resource_dir

    queries = tmp_path / "queries"
    shutil.copytree(resource_dir("queries"), queries)
    (queries / "broken-header.rq").write_text("#+ title: [unclosed\n#+ description: x\nSELECT * WHERE { ?s ?p ?o }\n")
    original = catalog_module.catalog
    monkeypatch.setattr(catalog_module, "catalog", lambda directory=None: original(directory or queries))
    out = tmp_path / "out"
    code, _out, err = run_cli("build", "--out", str(out))
    assert code == 2
    assert "broken-header.rq" in err and "not valid YAML" in err
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_readme_lists_every_stored_query():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name for name in catalog.catalog() if f"`{name}`" not in readme]
    assert not missing, f"README's query catalog table lacks: {missing}"


LONG_FORMS = sorted((name, q.long) for name, q in catalog.catalog().items() if q.long)


def test_some_query_declares_a_long_form():
    assert ("mitigations-for-risk", "mitigations-for-risk-evidence") in LONG_FORMS


@pytest.mark.parametrize(("name", "long"), LONG_FORMS)
def test_a_query_with_a_long_form_lists_each_mitigation_once_and_the_same_ones(name, long, kg):
    """The short form folds the long form's rows: one row per mitigation, none lost or added, in every case."""
    for _case, params in catalog.get(name).cases() + [(c, p) for c, p, _f in EXTRA_CASES.get(name, [])]:
        short, full = kg.query(name, **params), kg.query(long, **params)
        mitigations = [r["mitigation"].value for r in short.rows]
        assert len(mitigations) == len(set(mitigations)), (name, params)
        assert set(mitigations) == {r["mitigation"].value for r in full.rows}, (name, params)
    assert len(full.rows) >= len(short.rows)


def test_query_run_long_runs_the_declared_long_form():
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--long", "--format", "csv")
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert "linkEvidence" in header and "path" in header
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--format", "csv")
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert "linkEvidence" not in header and {"description", "evidence", "addressedRisks"} <= set(header)


def test_a_long_form_that_is_not_a_stored_query_is_refused(tmp_path):
    from airm.errors import InputFileError

    text = catalog.get("mitigations-for-risk").path.read_text(encoding="utf-8")
    (tmp_path / "mitigations-for-risk.rq").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match="not a stored query"):
        catalog.catalog(tmp_path)
