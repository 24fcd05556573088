"""The browse index (airm.browse) answers what the stored query browse-mitigations answers: the same measures for
every filter, counted once each, with facet counts that follow the other filters and a risk's counts split into
curated and proposed. On the embedded graph, and (slow, reference data) on the five sources."""

from __future__ import annotations

import pytest

from airm import browse, catalog


def measures_of(kg, **params) -> set:
    return {row["mitigation"].value for row in kg.query("browse-mitigations", **params).rows}


def iri_of(kg, key: str, text: str) -> str:
    return catalog.resolve_param(kg, catalog.get("browse-mitigations").params[key], text).best.iri


@pytest.fixture(scope="module")
def index(kg):
    return browse.browse_index(kg)


def test_one_entry_per_measure_in_label_order(kg, index):
    assert {m.iri for m in index.measures} == measures_of(kg)
    assert len(index.measures) == len(measures_of(kg))
    labels = [m.label for m in index.measures]
    assert labels == sorted(labels)


@pytest.mark.parametrize("key,text", [("risk", "value misalignment"), ("risk", "privacy"), ("risk", "2.2"),
                                      ("category", "mtaxp:1"), ("category", "99.9"), ("stage", "3"),
                                      ("actor", "developer"), ("function", "Manage"),
                                      ("source", "ref:shi2024-llm-safety-survey")])
def test_each_filter_matches_the_stored_query(kg, index, key, text):
    found = {m.iri for m in browse.matching(index, {key: iri_of(kg, key, text)})}
    assert found == measures_of(kg, **{key: text})


def test_filters_combine_and_facet_counts_follow_the_others(kg, index):
    actor, function = iri_of(kg, "actor", "developer"), iri_of(kg, "function", "Manage")
    both = browse.matching(index, {"actor": actor, "function": function})
    assert {m.iri for m in both} == measures_of(kg, actor="developer", function="Manage")
    counts = browse.facet_counts(index, {"actor": actor})
    # a function's count is what choosing it would leave, the actor filter kept
    assert counts["function"][function] == len(both)
    # the actor facet itself is counted without the actor filter: every choice stays visible
    assert counts["actor"] == browse.facet_counts(index, {})["actor"]
    assert counts["actor"][actor] == len(measures_of(kg, actor="developer"))


def test_category_counts_reach_narrower_categories(kg, index):
    top = iri_of(kg, "category", "mtaxp:1")
    assert browse.facet_counts(index, {})["category"][top] == len(measures_of(kg, category="mtaxp:1"))


def test_risk_reach_evidence_and_navigator_counts(kg, index):
    vm = iri_of(kg, "risk", "value misalignment")
    listed = browse.matching(index, {"risk": vm})
    curated, proposed = index.risk_counts()
    assert curated[vm] == len(listed) and proposed[vm] == 0  # the embedded graph has no proposals
    paths = {e["path"] for m in listed for e in browse.evidence_for(index, m, vm)}
    assert {"direct", "sub-risk"} <= paths
    robustness = iri_of(kg, "risk", "2.2")  # MIT 2.2 is reached from the survey's robustness risk by a crosswalk
    (m,) = browse.matching(index, {"risk": robustness})
    (e,) = browse.evidence_for(index, m, robustness)
    assert e["path"].startswith("crosswalk: ") and e["stated"][0][1]  # with the section it is stated in


def test_navigator_tree_holds_every_risk_scheme_with_counts(kg, index):
    schemes = browse.risk_schemes(index)
    assert "https://w3id.org/airm/id/scheme/mit-risk-domain" in schemes
    tree = browse.scheme_tree(index, "https://w3id.org/airm/id/scheme/mit-risk-domain")
    codes = [n["code"] for n in tree if n["code"]]
    assert codes[:3] == ["1", "2", "3"]  # numeric order
    two = next(n for n in tree if n["code"] == "2")
    assert [c["code"] for c in two["children"]][:2] == ["2.1", "2.2"]
    assert two["curated"] == len(measures_of(kg, risk="mitdom:2"))


@pytest.mark.slow
@pytest.mark.reference
def test_five_sources_every_measure_and_subdomain_2_2(five_sources):
    import airm

    kg = airm.load(workspace=five_sources)
    index = browse.browse_index(kg)
    assert {m.iri for m in index.measures} == measures_of(kg)  # the whole list, not the first 1,000 rows
    two_two = iri_of(kg, "risk", "2.2")
    listed = browse.matching(index, {"risk": two_two})
    assert {m.iri for m in listed} == measures_of(kg, risk="2.2")
    assert len(listed) == len({r["mitigation"].value for r in kg.query("mitigations-for-risk", risk="2.2").rows})


def test_proposed_links_counted_apart(tmp_path):
    """A risk link proposed by airm classify (its own named graph, read from the workspace's proposals file) adds to
    the risk's proposed count and list, never to the curated ones."""
    import airm
    from airm.classify.graphs import PROPOSALS_GRAPH

    kg = airm.load()
    record = "https://w3id.org/airm/id/mitigation/shi2024-robustness-to-attack"
    privacy = "https://w3id.org/airm/id/llm-safety-risk/privacy"
    before = browse.build(kg)
    assert record not in {m.iri for m in browse.matching(before, {"risk": privacy})}
    proposals = tmp_path / "proposals.nq"
    proposals.write_text(f"<{record}> <https://w3id.org/airm#addresses> <{privacy}> <{PROPOSALS_GRAPH}> .\n")
    kg.proposals_file = proposals
    index = browse.build(kg)
    curated, proposed = index.risk_counts()
    assert curated[privacy] == before.risk_counts()[0][privacy]
    assert proposed[privacy] == 1
    assert [m.iri for m in browse.matching(index, {"risk": privacy}, proposed=True)] == [record]
    (e,) = browse.evidence_for(index, browse.matching(index, {"risk": privacy}, proposed=True)[0], privacy,
                               proposed=True)
    assert e["proposed"] and e["path"] == "direct"
