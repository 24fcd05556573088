"""Answers that say what they counted (issue 14 item 1) and the curated category-level crosswalk (item 3)."""

from __future__ import annotations

import json

import pytest

from helpers import ROOT, copy_workspace, run_cli

NIST = "https://w3id.org/airm/id/nist-ai-600-1/"
MIT = "https://w3id.org/airm/id/mit-mitigation/"
CROSSWALK = ROOT / "data" / "mappings" / "mit-mitigation-taxonomy-to-mit-risk-domains.ttl"


def test_a_follow_value_outside_the_list_is_a_user_error_not_an_empty_answer():
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=7.1", "-p", "follow=relatd")
    assert code == 2 and "not one of: none, related, category, candidates, all" in err and "Traceback" not in err


def test_an_answer_says_what_related_matches_would_add(kg):
    result = kg.query("mitigations-for-risk", risk="7.1")
    assert len(result) == 0
    assert result.notes == ["left out: 6 mitigation(s) reached only by related matches: --follow related"]
    related = kg.query("mitigations-for-risk", risk="7.1", follow="related")
    assert len({r["mitigation"] for r in related.rows}) == 6 and related.notes == []
    assert {r["reachedBy"].value for r in related.rows} == {"related match"}
    evidence = kg.query("mitigations-for-risk-evidence", risk="7.1", follow="related")
    assert {r["path"].value for r in evidence.rows} == {
        "related match (followed on request: the two risks only overlap)"}


def test_the_cli_prints_the_note_on_stderr_and_keeps_stdout_a_table():
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=7.1", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("risk,follow,mitigation")
    assert "note: left out: 6 mitigation(s) reached only by related matches" in err


def test_gaps_say_whether_anything_links_mitigations_to_the_scheme(kg):
    rows = kg.query("unmitigated-risks").values()
    assert rows and all(r["evidence"] for r in rows)
    assert all(r["evidence"].startswith("no linked evidence") == (r["linkingSources"] == 0) for r in rows)
    heat = kg.query("coverage-category-by-domain").values()
    assert all((r["mitigations"] > 0) == (r["cell"] == "linked mitigations") for r in heat)
    assert all(r["categoryLinked"] <= r["categoryMitigations"] for r in heat)


def test_a_scheme_nothing_links_mitigations_to_says_so(tmp_path):
    import airm

    ttl = tmp_path / "scheme.ttl"
    ttl.write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix airm: <https://w3id.org/airm#> .
<https://example.org/s> a skos:ConceptScheme ; skos:prefLabel "Example risks"@en .
<https://example.org/r1> a airm:Risk , skos:Concept ; skos:inScheme <https://example.org/s> ;
  skos:topConceptOf <https://example.org/s> ; skos:prefLabel "Example risk"@en .
""", encoding="utf-8")
    kg = airm.load(files=[ttl])
    gaps = kg.query("unmitigated-risks", scheme="https://example.org/s").values()
    assert [r["evidence"] for r in gaps] == ["no linked evidence: no source links mitigations to this scheme"]
    empty = kg.query("mitigations-for-risk", risk="https://example.org/r1")
    assert len(empty) == 0 and any("no source imported links mitigations to <https://example.org/s>" in n
                                   for n in empty.notes)


def test_the_category_crosswalk_covers_every_subcategory_with_a_reasoned_row():
    import pyoxigraph as ox

    from airm.resources import resource_dir

    store = ox.Store()
    store.load(path=str(CROSSWALK), format=ox.RdfFormat.TURTLE)
    store.load(path=str(resource_dir("data") / "taxonomies" / "mit-mitigation-taxonomy.ttl"),
               format=ox.RdfFormat.TURTLE)
    rows = list(store.query("""
      PREFIX sssom: <https://w3id.org/sssom/> PREFIX airm: <https://w3id.org/airm#>
      PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?sub (COUNT(?map) AS ?n) (MIN(?c) AS ?minConfidence) (MIN(STRLEN(?why)) AS ?shortest) WHERE {
        ?sub skos:broader ?top . ?top skos:topConceptOf ?scheme .
        OPTIONAL { ?map sssom:subject_id ?sub ; sssom:predicate_id airm:designedToAddress ; sssom:confidence ?c ;
                        sssom:comment ?why ; sssom:author_id ?who ; sssom:mapping_date ?when .
                   ?sub airm:designedToAddress ?risk . FILTER EXISTS { ?map sssom:object_id ?risk } }
      } GROUP BY ?sub"""))
    assert len(rows) == 23
    assert all(int(r["n"].value) >= 1 for r in rows), [r["sub"] for r in rows if int(r["n"].value) == 0]
    assert all(0 < float(r["minConfidence"].value) <= 1 and int(r["shortest"].value) > 40 for r in rows)


@pytest.fixture(scope="module")
def workspace(five_sources, tmp_path_factory):
    return copy_workspace(five_sources, tmp_path_factory.mktemp("coverage-all-sources"))


@pytest.fixture(scope="module")
def full(workspace):
    import airm

    return airm.load(workspace=workspace)


@pytest.mark.slow
def test_a0388_and_gv_1_1_001_are_one_measure_in_lists_and_counts(full):
    rows = full.query("browse-mitigations", category="mtax:4.1").values()
    hits = [r for r in rows if MIT + "A0388" in r["members"].split()]
    assert len(hits) == 1 and hits[0]["mitigation"] == NIST + "GV-1.1-001" and hits[0]["memberCount"] == 2
    assert not any(r["mitigation"] == MIT + "A0388" for r in rows)
    summary = {r["class"]: r for r in full.query("dataset-summary").values() if r["source"] is None}
    mitigations = summary["https://w3id.org/airm#Mitigation"]
    assert mitigations["instances"] == 1085 and mitigations["measures"] == 1085 - 203


@pytest.mark.slow
def test_category_level_steps_are_marked_and_only_on_request(full):
    plain = full.query("mitigations-for-risk", risk="7.1")
    assert any("category-level crosswalk: --follow category" in n for n in plain.notes)
    wide = full.query("mitigations-for-risk-evidence", risk="7.1", follow="category").values()
    steps = [r for r in wide if r["path"].startswith("category level")]
    assert steps and all(r["mappedFrom"].endswith("mit-mitigation-taxonomy/2.2") for r in steps)
    assert all(r["mappingJustification"] == "https://w3id.org/semapv/vocab/ManualMappingCuration" for r in steps)


@pytest.mark.slow
def test_sources_and_dataset_summary_report_link_coverage(workspace, full):
    code, out, err = run_cli("sources", "--format", "json", "--workspace", str(workspace))
    assert code == 0, err
    mit = next(s for s in json.loads(out) if s["name"] == "mit-mitigations")
    risk = next(c for c in mit["linkCoverage"] if c["axis"] == "risk")
    assert risk["mitigations"] == 831 and risk["linked"] == 0 and risk["inherited"] > 150 and risk["proposed"] == 0
    code, out, err = run_cli("sources", "--workspace", str(workspace))
    assert "link coverage" in out and "import/nist-ai-600-1" in out
    gaps = full.query("unmitigated-risks").values()
    assert all(r["evidence"].startswith("no linked evidence") == (r["linkingSources"] == 0) for r in gaps)
    owasp = [r for r in gaps if r["scheme"].endswith("owasp-llm-2.0")]
    assert all(r["linkingSources"] >= 1 for r in owasp)  # reached through the OWASP -> ATLAS crosswalk
    axes = {(r["source"], r["axis"]) for r in full.query("dataset-summary").values() if r["axis"]}
    assert ("https://w3id.org/airm/id/ref/nist-ai-600-1", "rmf-function") in axes


def test_the_owasp_crosswalk_places_all_ten_2025_entries():
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(ROOT / "data" / "mappings" / "owasp-llm-2025-to-atlas-techniques.ttl"),
               format=ox.RdfFormat.TURTLE)
    rows = list(store.query("""PREFIX sssom: <https://w3id.org/sssom/>
      SELECT DISTINCT ?s WHERE { ?m sssom:subject_id ?s ; sssom:confidence ?c ; sssom:comment ?why ;
                                    sssom:object_id ?o .
                                 FILTER(STRSTARTS(STR(?o), "https://w3id.org/airm/id/atlas/AML.T")) }"""))
    assert len(rows) == 10


@pytest.mark.slow
def test_an_owasp_entry_reaches_atlas_mitigations_through_the_crosswalk(full):
    rows = full.query("mitigations-for-risk-evidence", risk="owasp:llm072025-system-prompt-leakage").values()
    assert rows and all(r["mappedFrom"] == "https://w3id.org/airm/id/atlas/AML.T0056" for r in rows)
    assert all(r["mappingSet"].endswith("owasp-llm-2025-to-atlas-techniques") for r in rows)
    related_only = full.query("mitigations-for-risk", risk="owasp:llm062025-excessive-agency")
    assert len(related_only) == 0 and any("--follow related" in n for n in related_only.notes)


def test_follow_option_is_the_follow_parameter_and_is_refused_where_it_means_nothing():
    """`--follow related` (what the left-out note tells the user to type) gives the rows of `-p follow=related`."""
    code, by_option, _ = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=7.1", "--follow", "related",
                                 "--format", "csv")
    assert code == 0
    _, by_param, _ = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=7.1", "-p", "follow=related",
                             "--format", "csv")
    assert by_option == by_param and "related match" in by_option
    code, _, err = run_cli("query", "run", "browse-mitigations", "--follow", "all")
    assert code == 2 and "does not apply" in err and "mitigations-for-risk" in err
    code, _, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=7.1", "-p", "follow=all",
                           "--follow", "related")
    assert code == 2 and "disagree" in err
