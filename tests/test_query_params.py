"""Parameters are checked, coerced and bound (never pasted); updates are refused; a timeout is an error, not a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from helpers import run_cli


def test_unknown_parameter_lists_the_known_ones():
    code, _, err = run_cli("query", "run", "mitigations-for-risk", "-p", "rsik=privacy")
    assert code == 2
    assert "no parameter 'rsik'" in err and "its parameters: risk" in err and "Traceback" not in err


def test_required_parameter_is_enforced_with_an_example():
    code, _, err = run_cli("query", "run", "search-mitigations")
    assert code == 2 and "needs parameter 'keyword'" in err and "reward model" in err


def test_malformed_parameter_argument():
    code, _, err = run_cli("query", "run", "search-mitigations", "-p", "keyword")
    assert code == 2 and "NAME=VALUE" in err


@pytest.mark.parametrize(("value", "ok"), [("17", True), (" 3 ", True), ("abc", False), ("2.5", False), ("", True)])
def test_integer_parameter_is_coerced(value, ok):
    code, out, err = run_cli("query", "run", "consensus-categories", "-p", f"minSources={value}", "--format", "json")
    if ok:
        assert code == 0, err
        rows = json.loads(out)["results"]["bindings"]
        expected = int(value) if value.strip() else 2  # blank falls back to the default
        assert all(int(r["minSources"]["value"]) == expected for r in rows)
    else:
        assert code == 2 and "must be a whole number" in err


@pytest.mark.parametrize("spelling", [
    "https://w3id.org/airm/id/mit-risk-domain/2.2", "<https://w3id.org/airm/id/mit-risk-domain/2.2>", "mitdom:2.2",
    "2.2", "AI system security vulnerabilities and attacks", "ai SYSTEM security   vulnerabilities and attacks",
])
def test_a_concept_parameter_accepts_iri_curie_code_or_label(kg, spelling):
    rows = kg.query("mitigations-for-risk", risk=spelling).rows
    assert {r["risk"].value for r in rows} == {"https://w3id.org/airm/id/mit-risk-domain/2.2"}
    assert {r["mitigation"].value for r in rows} == {"https://w3id.org/airm/id/mitigation/shi2024-robustness-to-attack"}


def test_a_parameter_is_checked_against_the_text_index_not_a_query_of_the_store(kg):
    """Which resources a parameter may name (class, scheme, a name or a code) is read from the text index kept with
    the cache: a union over every label of the class cost 1.5 s per CLI run on the five sources."""
    from airm import catalog

    class NoQueries:  # the store, except that asking it a SPARQL query fails the test
        def __init__(self, store):
            self._store = store

        def __getattr__(self, name):
            return getattr(self._store, name)

        def query(self, *_args, **_kwargs):
            pytest.fail("parameter checks queried the store")

    class Graph:  # the knowledge graph, with that store
        store = NoQueries(kg.store)

        def __getattr__(self, name):
            return getattr(kg, name)

    param = catalog.get("mitigations-for-risk").params["risk"]
    assert catalog.resolve_resource(Graph(), param, "mitdom:2.2") == "https://w3id.org/airm/id/mit-risk-domain/2.2"
    with pytest.raises(catalog.QueryError, match="is not a airm:Risk"):
        catalog.resolve_resource(Graph(), param, "mtax:2.2")


def test_a_concept_parameter_respects_the_declared_class():
    # 2.2 is also a code of the mitigation taxonomy, but the parameter wants a risk: no ambiguity
    code, _, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=mtax:2.2")
    assert code == 2 and "is not a airm:Risk" in err


def test_no_match_lists_the_closest_candidates():
    code, _, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=privacy compromis")
    assert code == 2 and "no airm:Risk matches 'privacy compromis'" in err
    assert "closest:" in err and "llmsr:privacy" in err


def test_ambiguous_label_lists_the_candidates(tmp_path):
    import airm
    from airm.errors import QueryError

    extra = tmp_path / "twins.ttl"
    extra.write_text("""@prefix airm: <https://w3id.org/airm#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/r1> a airm:Risk ; skos:prefLabel "Twin risk"@en .
<https://example.org/r2> a airm:Risk ; skos:prefLabel "twin RISK"@en .
""")
    kg = airm.load(files=[extra])
    with pytest.raises(QueryError) as e:
        kg.query("mitigations-for-risk", risk="twin risk")
    message = str(e.value)
    assert "matches several values" in message and "example.org/r1" in message and "example.org/r2" in message


@pytest.mark.parametrize("hostile", ['") } } DROP ALL ; SELECT * { ?s ?p ?o #', "'> } #", "\\\"\n}", "%22%7D"])
def test_string_parameters_cannot_change_the_query(kg, hostile):
    """A hostile keyword is only ever a literal: no error, no injected pattern, no rows."""
    result = kg.query("search-mitigations", keyword=hostile)
    assert result.rows == []
    assert result.variables == ["keyword", "mitigation", "mitigationLabel", "matchedIn", "text"]


def test_string_parameter_finds_what_it_should(kg):
    rows = kg.query("search-mitigations", keyword="REWARD model").rows
    assert [r["mitigation"].value for r in rows] == ["https://w3id.org/airm/id/mitigation/shi2024-alignment-training"]


@pytest.mark.parametrize("update", [
    "INSERT DATA { <https://e/a> <https://e/b> <https://e/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <https://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/airm/graph/entailments>",
    "CREATE GRAPH <https://e/g>",
    "PREFIX ex: <https://e/> INSERT { ?s ex:p 1 } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(update, kg):
    before = len(kg)
    code, _, err = run_cli("sparql", update)
    assert code == 2 and "updates" in err and "refused" in err and "Traceback" not in err
    assert len(kg) == before


def test_service_is_refused_even_nested():
    code, _, err = run_cli("sparql",
                           "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?q ?r } } }")
    assert code == 2 and "SERVICE is refused" in err and "--allow-service" in err


def test_syntax_error_is_reported_without_traceback():
    code, _, err = run_cli("sparql", "SELECT ?s WHERE { ?s ?p }")
    assert code == 2 and "syntax error" in err.lower() and "Traceback" not in err


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_query_that_runs_too_long_times_out(engine, tmp_path):
    """In a child process: the deadline must end the command promptly with exit 2 and a clear message."""
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
            "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i))) }")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", "from airm.cli import entry_point; entry_point()", "sparql", slow,
         "--timeout", "1", "--engine", engine],
        capture_output=True, text=True, env=env, timeout=120,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 2, proc.stderr
    assert "did not finish within 1 s" in proc.stderr and "--timeout" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert elapsed < 30


def test_row_cap_marks_the_result_truncated(kg):
    result = kg.sparql("SELECT * WHERE { ?s ?p ?o }", limit=10)
    assert len(result.rows) == 10 and result.truncated


def test_from_selects_the_dataset_on_oxigraph(kg):
    """Issue 12: FROM was silently ignored (the union default graph won); it now picks the default graph, and FROM
    NAMED alone leaves the default graph empty, as SPARQL says."""
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    graphs = [g.value for g in kg.store.named_graphs()]
    one = graphs[0]
    sizes = {g: len(list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))) for g in graphs}
    union = kg.sparql(count.format("")).values()[0]["n"]
    assert kg.sparql(count.format(f"FROM <{one}>")).values()[0]["n"] == sizes[one] < union
    assert kg.sparql(count.format(f"FROM NAMED <{one}>")).values()[0]["n"] == 0
    named = kg.sparql(f"SELECT DISTINCT ?g FROM NAMED <{one}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}").values()
    assert named == [{"g": one}]
    assert kg.sparql(count.format("FROM <https://example.org/no-such-graph>")).values()[0]["n"] == 0


def test_from_is_refused_on_the_rdflib_engine_only():
    query = "SELECT * FROM <https://example.org/remote.ttl> WHERE { ?s ?p ?o } LIMIT 1"
    code, _, err = run_cli("sparql", query, "--engine", "rdflib")
    assert code == 2 and "FROM / FROM NAMED are refused" in err
    code, _, err = run_cli("sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--engine", "rdflib")
    assert code == 0, err


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE " + "{" * 40 + "?s ?p ?o" + "}" * 40,
])
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_deeply_nested_queries_are_refused_not_crashed(query, engine):
    """Deep nesting crashed the process (Oxigraph's parser in a thread) or overflowed rdflib's: refuse it first."""
    code, _, err = run_cli("sparql", query, "--engine", engine)
    assert code == 2 and "levels deep" in err and "Traceback" not in err


def test_brackets_inside_strings_iris_and_comments_do_not_count(kg):
    text = ('SELECT ?x WHERE { BIND("' + "{(" * 100 + '" AS ?x) } # ' + "{" * 100)
    assert len(kg.sparql(text).rows) == 1


def test_an_oversized_query_is_refused():
    code, _, err = run_cli("sparql", "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_000_001)
    assert code == 2 and "characters long" in err


def test_syntax_error_positions_are_in_the_users_own_text():
    code, _, err = run_cli("sparql", "SELECT ?s\nWHERE {\n ?s rdfs:label ?l ;\n ?p }")
    assert code == 2 and "error at line 4, column 6:" in err and "\n     ?p }\n         ^\n" in err


def test_an_ad_hoc_binding_named_only_in_a_comment_or_string_is_refused(kg):
    import pyoxigraph as ox

    from airm.errors import QueryError

    text = 'SELECT ?x WHERE { ?x a airm:Mitigation # ?y is not used\n FILTER(?x != <https://e/?y>) BIND("?y" AS ?z) }'
    for engine in ("oxigraph", "rdflib"):
        with pytest.raises(QueryError, match="the query has no variable"):
            kg.sparql(text, bindings={"y": ox.Literal("1")}, engine=engine)


def test_a_stored_query_file_with_a_byte_order_mark_is_read(tmp_path):
    """Issue 12: a BOM before '#+' hid the header ("no '#+ ' header"); it is not part of the query."""
    from airm.catalog import parse_query_file

    path = tmp_path / "with-bom.rq"
    path.write_bytes(b"\xef\xbb\xbf#+ title: T\n#+ description: D\n#+ question: Q?\nASK { ?s ?p ?o }\n")
    q = parse_query_file(path)
    assert q.title == "T" and q.kind == "ask" and not q.text.startswith("\ufeff")


def test_a_stored_query_file_that_is_not_a_regular_file_is_refused(tmp_path):
    import os

    from airm.catalog import parse_query_file
    from airm.errors import InputFileError

    fifo = tmp_path / "pipe.rq"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="not a regular file"):
        parse_query_file(fifo)


def test_a_byte_order_mark_before_an_inline_query_is_not_syntax(kg):
    assert kg.sparql("\ufeffASK { ?s ?p ?o }").boolean is True
