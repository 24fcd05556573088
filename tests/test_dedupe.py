"""One measure, one entry: identical and near-identical mitigations across sources are linked and clustered."""

from __future__ import annotations

import pytest

from airm import dedupe

MIT = "https://w3id.org/airm/id/mit-mitigation/"
NIST = "https://w3id.org/airm/id/nist-ai-600-1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
G_MIT, G_NIST = dedupe.COMPILATIONS[0], "https://w3id.org/airm/graph/import/nist-ai-600-1"


def rec(iri, graph, text):
    return dedupe.Record(iri, graph, dedupe.normalise(text))


def test_normalise_ignores_layout_case_and_split_words():
    assert dedupe.normalise("Implement G AI co nfigurations .") == dedupe.normalise("implement GAI\nconfigurations")
    assert dedupe.normalise("AI-generated") == dedupe.normalise("AI generated")


def test_identical_text_is_an_exact_match_and_the_original_stands_for_the_cluster():
    recs = [rec(MIT + "A1", G_MIT, "Align GAI use with the law."),
            rec(NIST + "X-1", G_NIST, "Align G AI use with the law")]
    matches = dedupe.find_matches(recs)
    assert [(m.subject, m.predicate, m.object, m.score) for m in matches] == [
        (NIST + "X-1", SKOS + "exactMatch", MIT + "A1", 1.0)]
    assert dedupe.representatives(recs, matches) == {MIT + "A1": NIST + "X-1", NIST + "X-1": NIST + "X-1"}


def test_appended_remark_is_a_close_match_and_unrelated_text_is_none():
    base = "Use feedback from internal and external AI Actors to assess impact of AI-generated content."
    recs = [rec(MIT + "A1", G_MIT, base + " (AI Deployment, Operation and Monitoring)."),
            rec(NIST + "X-1", G_NIST, base),
            rec(NIST + "X-2", G_NIST, "Re-evaluate safety features of fine-tuned models when risk exceeds tolerance.")]
    matches = dedupe.find_matches(recs)
    assert len(matches) == 1 and matches[0].predicate == SKOS + "closeMatch"
    assert dedupe.CLOSE_THRESHOLD / 100 <= matches[0].score < 1


def test_records_of_one_source_are_never_linked_to_each_other():
    recs = [rec(MIT + "A1", G_MIT, "Same words."), rec(MIT + "A2", G_MIT, "Same words.")]
    assert dedupe.find_matches(recs) == []


def test_too_many_pairs_links_identical_texts_only(monkeypatch):
    monkeypatch.setattr(dedupe, "MAX_COMPARISONS", 0)
    recs = [rec(MIT + "A1", G_MIT, "Alpha beta gamma delta."), rec(NIST + "X-1", G_NIST, "Alpha beta gamma delta"),
            rec(MIT + "A2", G_MIT, "Alpha beta gamma delta epsilon (remark)")]
    assert [m.object for m in dedupe.find_matches(recs)] == [MIT + "A1"]


def test_links_carry_score_method_and_version_in_their_own_graph():
    import pyoxigraph as ox

    store = ox.Store()
    for iri, g, text in ((MIT + "A1", G_MIT, "Do the thing well."), (NIST + "X-1", G_NIST, "Do the thing well")):
        store.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode("https://w3id.org/airm#Mitigation"), ox.NamedNode(g)))
        store.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode("http://purl.org/dc/terms/description"), ox.Literal(text),
                          ox.NamedNode(g)))
    assert dedupe.materialise(store) == 1
    assert dedupe.materialise(store) == 1  # recomputed, not added twice
    rows = list(store.query("""
        SELECT ?score ?just ?version WHERE { GRAPH <https://w3id.org/airm/graph/duplicates> {
          ?x <http://www.w3.org/2004/02/skos/core#exactMatch> ?y .
          ?map <https://w3id.org/sssom/subject_id> ?x ; <https://w3id.org/sssom/object_id> ?y ;
               <https://w3id.org/sssom/similarity_score> ?score ; <https://w3id.org/sssom/mapping_justification> ?just ;
               <https://w3id.org/sssom/mapping_tool_version> ?version } }"""))
    assert len(rows) == 1
    assert rows[0]["just"].value == "https://w3id.org/semapv/vocab/LexicalMatching"
    assert float(rows[0]["score"].value) == 1.0 and rows[0]["version"].value == dedupe.METHOD_VERSION


@pytest.fixture(scope="module")
def all_sources(five_sources):
    import airm

    return five_sources, airm.load(workspace=five_sources)


@pytest.mark.slow
def test_mit_copies_of_nist_actions_are_one_cluster_each(all_sources):
    _ws, kg = all_sources
    recs = dedupe.records(kg.store)
    matches = dedupe.find_matches(recs)
    reps = dedupe.representatives(recs, matches)
    assert reps[MIT + "A0388"] == NIST + "GV-1.1-001"
    exact = sum(m.predicate == SKOS + "exactMatch" for m in matches)
    assert exact >= 160  # the count of word-for-word copies
    assert len(set(reps.values())) == 203  # the MIT database's records extracted from NIST AI 600-1
    assert all(m.subject.startswith(NIST) and m.object.startswith(MIT) for m in matches)
    # precision and recall against the MIT database's own attribution: every MIT record linked is one it says it took
    # from NIST AI 600-1, and every one of those is linked
    rows = kg.sparql("SELECT ?m WHERE { "
                     "?m airm:extractedFrom <https://w3id.org/airm/id/mit-mitigation-document/NIST.AI.600-1> }")
    from_nist = {r["m"].value for r in rows.rows}
    assert {m.object for m in matches} == from_nist
