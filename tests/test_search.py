"""Full-text search: spellings of one phrase find the same, ranked; filters; the index is cached beside the graph."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli

AIRM = "https://w3id.org/airm#"


@pytest.mark.parametrize("text", ["red team", "red-teaming", "Red Teaming", "RED-TEAMS"])
def test_spellings_of_red_teaming_give_the_same_ranked_hits(kg, text):
    expected = [h.iri for h in kg.search("red teaming")]
    assert expected, "the embedded data mentions red teaming: the search must find it"
    assert [h.iri for h in kg.search(text)] == expected


def test_hits_carry_type_source_snippet_and_descending_scores(kg):
    hits = kg.search("reward model")
    assert hits[0].iri == "https://w3id.org/airm/id/technique/reward-modelling"  # the label match ranks first
    assert all(h.source and h.type and "[" in h.snippet for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_stemming_finds_other_forms(kg):
    assert {h.iri for h in kg.search("modelling rewards")} & {h.iri for h in kg.search("reward model")}


def test_type_and_source_filters(kg):
    hits = kg.search("feedback", types=["Technique"])
    assert hits and all(h.type == AIRM + "Technique" for h in hits)
    assert kg.search("feedback", sources=["no-such-source"]) == []
    assert all(h.source == "airm" for h in kg.search("feedback", sources=["AIRM"]))
    assert kg.search("feedback", types="Technique") == hits  # one name as a string, not its letters


def test_ontology_terms_only_when_asked(kg):
    assert all(h.source != "ontology" for h in kg.search("case study", limit=50))
    assert any(h.iri == AIRM + "CaseStudy" for h in kg.search("case study", sources=["ontology"]))


@pytest.mark.parametrize("hostile", ['"', "NEAR(a b)", "a OR b AND", "*", "label:x", "'); DROP TABLE docs; --"])
def test_fts_syntax_in_the_text_is_only_words(kg, hostile):
    from airm.errors import QueryError

    try:
        kg.search(hostile)
    except QueryError as e:
        assert "nothing to search for" in str(e)


def test_unknown_type_is_a_clear_error():
    code, _, err = run_cli("search", "feedback", "--type", "Nope")
    assert code == 2 and "no resource in the graph has type 'Nope'" in err and "Mitigation" in err


def test_cli_groups_hits_by_type_with_source(kg):
    code, out, err = run_cli("search", "reinforcement learning", "--limit", "5")
    assert code == 0, err
    assert out.splitlines()[0].startswith("airm:Technique (")
    assert "[airm]" in out and "[Reinforcement]" in out


def test_cli_json(kg):
    code, out, _ = run_cli("search", "rlhf", "--format", "json", "--type", "airm:Technique")
    hits = json.loads(out)
    assert code == 0 and hits and set(hits[0]) == {"iri", "label", "type", "source", "snippet", "score"}


def test_index_is_cached_beside_the_graph_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    import airm
    from airm.textindex import index_path

    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path))
    kg = airm.load()
    first = [h.iri for h in kg.search("red teaming")]
    path = index_path(tmp_path, kg.digest)
    assert path.is_file()
    path.write_bytes(b"not a database")
    assert [h.iri for h in airm.load().search("red teaming")] == first
    assert path.read_bytes()[:15] == b"SQLite format 3"


@pytest.mark.slow
def test_red_teaming_on_five_sources(five_sources):
    import airm

    kg = airm.load(workspace=five_sources)
    ranked = [[h.iri for h in kg.search(t, limit=30)] for t in ("red team", "red-teaming", "red teaming")]
    assert ranked[0] == ranked[1] == ranked[2] and len(ranked[0]) == 30
    atlas = kg.search("prompt injection", sources=["atlas"], types=["AttackTechnique"])
    assert atlas[0].iri == "https://w3id.org/airm/id/atlas/AML.T0051"


def test_cli_source_filter_and_no_match(kg):
    code, out, err = run_cli("search", "feedback", "--source", "airm", "--limit", "3")
    assert code == 0 and out.count("[airm]") == min(3, len(kg.search("feedback", sources=["airm"])))
    code, out, err = run_cli("search", "feedback", "--source", "atlas")  # not imported here
    assert code == 0 and out == "" and "no matches for 'feedback'" in err
