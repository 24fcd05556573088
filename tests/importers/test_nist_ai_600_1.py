"""The NIST AI 600-1 importer (IBM AI Atlas Nexus data): counts and links computed here from the YAML files, known
actions field by field, and a fixture with one entry per edge case."""

from __future__ import annotations

import collections

import pytest
import yaml

from airm.errors import InputFileError
from airm.importers import nist_ai_600_1 as nist

from .conftest import FIXTURES, Index, term, validate_outcome

EDGE = FIXTURES / "nist-ai-600-1" / "edge"
KG = "knowledge_graph"
FUNCTIONS = {"GV": "rmf:govern", "MP": "rmf:map", "MS": "rmf:measure", "MG": "rmf:manage"}


@pytest.fixture(scope="module")
def risks(nexus_data) -> list[dict]:
    return yaml.safe_load((nexus_data / KG / "nist_ai_rmf_data.yaml").read_text(encoding="utf-8"))["entries"]


@pytest.fixture(scope="module")
def actions(nexus_data) -> list[dict]:
    return yaml.safe_load((nexus_data / KG / "nist_ai_rmf_actions_data.yaml").read_text(encoding="utf-8"))["actions"]


@pytest.fixture(scope="module")
def outcome(nexus_dir):
    return nist.read(nexus_dir)


@pytest.fixture(scope="module")
def g(outcome) -> Index:
    return Index(outcome.triples)


def test_counts_match_the_yaml(risks, actions, g, outcome):
    assert len(risks) == 12 and len(actions) == 212
    assert {n.value for n in g.instances("airm:RiskCategory")} == {term(f"nistgai:{r['id']}").value for r in risks}
    mitigations = g.instances("airm:Mitigation")
    assert {n.value for n in mitigations} == {term(f"nistgai:{a['id']}").value for a in actions}
    assert (outcome.rows_read, outcome.rows_imported) == (224, 224)
    assert outcome.review == []


def test_counts_per_function(actions, g):
    expected = collections.Counter(FUNCTIONS[a["id"][:2]] for a in actions)
    got = collections.Counter(t.object.value for t in g.triples if t.predicate == term("airm:riskManagementFunction"))
    assert got == {term(k).value: v for k, v in expected.items()}
    assert expected["rmf:measure"] == 72


def test_risk_links_are_the_union_of_both_directions(risks, actions, g):
    links = {(a["id"], r) for a in actions for r in a.get("hasRelatedRisk") or []}
    links |= {(aid, r["id"]) for r in risks for aid in r.get("hasRelatedAction") or []}
    statements = g.instances("airm:RiskAddressing")
    assert len(statements) == len(links) == 358
    got = set()
    for s in statements:
        (action,) = g.subjects("airm:hasRiskAddressing", s)
        (risk,) = g.objects(s, "airm:addressedRisk")
        got.add((action.value.rsplit("/", 1)[-1], risk.value.rsplit("/", 1)[-1]))
        assert g.objects(s, "prov:wasDerivedFrom") == {term("ref:nist-ai-600-1")}
        assert g.objects(s, "airm:curationMethod") == {term("curation:source-classification")}
    assert got == links
    per_risk = collections.Counter(r for _, r in links)
    assert per_risk["nist-information-integrity"] == 72
    assert "nist-environmental-impacts" not in per_risk  # the Nexus data links no action to it


def test_action_gv_1_1_001(actions, g):
    (a,) = [a for a in actions if a["id"] == "GV-1.1-001"]
    m = "nistgai:GV-1.1-001"
    # a readable label from the action's own words; the code stays its notation and identifier
    assert g.values(m, "rdfs:label") == {
        "Align GAI development and use with applicable laws and regulations, including those…"}
    assert g.values(m, "skos:notation") == g.values(m, "dcterms:identifier") == {"GV-1.1-001"}
    assert g.values(m, "dcterms:description") == {a["description"].strip()}
    assert g.objects(m, "airm:extractedFrom") == {term("ref:nist-ai-600-1")}
    assert g.objects(m, "airm:riskManagementFunction") == {term("rmf:govern")}
    assert g.objects(m, "airm:mitigationCategory") == {term("nistgai:GV-1.1")}
    assert g.objects("nistgai:GV-1.1", "skos:broader") == {term("nistgai:GV-1")}
    assert g.values(m, "airm:sourceHeading") == {"GOVERN 1.1"}
    assert g.values(m, "airm:aiActorTask") == {"Governance and Oversight"}
    assert g.objects(m, "airm:actorType") == {term("actor:unable-to-classify")}
    assert g.objects(m, "airm:lifecycleStage") == {term("lifecycle:unable-to-classify")}
    risks = {g.one(s, "airm:addressedRisk") for s in g.objects(m, "airm:hasRiskAddressing")}
    assert risks == {term("nistgai:nist-data-privacy"), term("nistgai:nist-intellectual-property")}


def test_actor_tasks_map_where_plain(actions, g):
    plain = {"AI Development": "actor:developer", "AI Deployment": "actor:deployer", "End-Users": "actor:user",
             "End Users": "actor:user", "Affected Individuals and Communities": "actor:affected-stakeholder"}
    for a in actions:
        tasks = a.get("hasAiActorTask") or []
        expected = {term(plain[t]) for t in tasks if t in plain} or {term("actor:unable-to-classify")}
        assert g.objects(f"nistgai:{a['id']}", "airm:actorType") == expected, a["id"]
        # the names are kept in the source's own spelling, never respelled (issue 12 item 11)
        assert g.values(f"nistgai:{a['id']}", "airm:aiActorTask") == set(tasks)


def test_risks(risks, g):
    (r,) = [r for r in risks if r["id"] == "nist-data-privacy"]
    node = "nistgai:nist-data-privacy"
    assert g.values(node, "skos:prefLabel") == {"Data Privacy"}
    assert g.values(node, "skos:definition") == {r["description"].strip()}
    assert g.objects(node, "skos:inScheme") == {term("nistgai:gai-risks")}
    assert g.objects(node, "skos:topConceptOf") == {term("nistgai:gai-risks")}
    assert len(g.objects("nistgai:gai-risks", "skos:hasTopConcept")) == 12


def test_wheel_gives_the_same_graph(nexus_wheel, outcome):
    from_wheel = nist.read(nexus_wheel)
    assert set(from_wheel.triples) == set(outcome.triples)
    assert from_wheel.provenance.version == "ai-atlas-nexus 1.2.5"


# --- edge cases -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge():
    return nist.read(EDGE)


@pytest.fixture(scope="module")
def eg(edge) -> Index:
    return Index(edge.triples)


def test_edge_rows_add_up(edge):
    assert (edge.rows_read, edge.rows_imported) == (14, 8)
    rejected = {r.row for r in edge.review if "not imported" in r.reason and "link" not in r.reason}
    assert len(rejected) == edge.rows_read - edge.rows_imported


def test_edge_task_spellings_and_unknown_tasks(eg, edge):
    m = "nistgai:MS-2.7-001"  # the id was written in lower case
    assert eg.values(m, "airm:aiActorTask") == {"third-party entities", "End Users", "AI Development",
                                                 "ai deployment", "Astrologers"}  # as spelt
    assert eg.objects(m, "airm:actorType") == {term("actor:developer"), term("actor:deployer"), term("actor:user")}
    assert eg.objects(m, "airm:lifecycleStage") == {term("lifecycle:build-and-use-model"), term("lifecycle:deploy")}
    assert [r.value for r in edge.review if r.field == "hasAiActorTask"] == ["Astrologers", "{'not': 'a list'}"]
    assert eg.objects("nistgai:MG-2.2-001", "airm:actorType") == {term("actor:unable-to-classify")}
    assert eg.objects("nistgai:MG-2.2-001", "airm:lifecycleStage") == {term("lifecycle:plan-and-design")}
    assert eg.objects("nistgai:MP-4.1-002", "airm:actorType") == {term("actor:not-recorded")}


def test_edge_links_ids_and_duplicates(eg, edge):
    assert len(eg.instances("airm:RiskAddressing")) == 2
    assert eg.values("nistgai:nist-information-security", "skos:prefLabel") == {" Information   Security "}  # as spelt
    assert eg.values("nistgai:nist-no-name", "skos:prefLabel") == {"nist-no-name"}
    assert eg.values("nistgai:nist-data-privacy", "skos:prefLabel") == {"Data Privacy"}  # the first of two
    reasons = " | ".join(f"{r.value}: {r.reason}" for r in edge.review)
    for expected in ("nist-unknown-risk: no imported risk", "MG-9.9-999: no imported action",
                     "XX-1.1-001: XX is not a NIST AI RMF function code", "GV-1-001: not an action id",
                     "GV-1.1-001: the action is listed twice", "doc-Other2020: not NIST AI 600-1",
                     "not an id!: not an identifier"):
        assert expected in reasons


def test_edge_validates(edge, tmp_path):
    report = validate_outcome(edge, "nist-ai-600-1", tmp_path)
    assert report.conforms, report.to_text()
    assert {(p.focus, p.severity) for p in report.problems} == {
        ("nistgai:MS-2.7-002", "Warning"),  # no description
        ("nistgai:nist-no-name", "Warning"),  # no definition
    }


def test_bad_inputs(tmp_path):
    with pytest.raises(InputFileError, match="a single file"):
        nist.read(EDGE / "nist_ai_rmf_data.yaml")
    (tmp_path / "nist_ai_rmf_data.yaml").write_text("entries: 3\n", encoding="utf-8")
    (tmp_path / "nist_ai_rmf_actions_data.yaml").write_text("actions: []\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no 'entries' list of risks"):
        nist.read(tmp_path)
    (tmp_path / "nist_ai_rmf_data.yaml").write_text("entries:\n  - id: x\n    name: [\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"nist_ai_rmf_data\.yaml:\d+:\d+: not valid YAML"):
        nist.read(tmp_path)


def test_every_action_has_a_readable_label_of_its_own(actions, g):
    """No action is named by its code alone (issue 15): each label is the start of its own description, at most 90
    characters, and no two actions share one."""
    labels = {}
    for a in actions:
        (label,) = g.values(f"nistgai:{a['id']}", "rdfs:label")
        assert len(label) <= 90 and not label.startswith(a["id"]), (a["id"], label)
        assert " ".join(a["description"].split())[:20].replace(" .", ".") in " ".join(label.split()), a["id"]
        labels[label] = a["id"]
    assert len(labels) == len(actions)


def test_readable_label_cuts_at_a_clause_or_a_word():
    from airm.importers.toolkit import readable_label

    assert readable_label("Establish terms of use and terms of service for GAI systems.") == (
        "Establish terms of use and terms of service for GAI systems")
    # a colon that opens a list ends the clause, unless the words before it leave it hanging
    assert readable_label("Consider the following factors when decommissioning GAI systems: Data retention; x") == (
        "Consider the following factors when decommissioning GAI systems")
    long = readable_label("Conduct AI red-teaming to assess issues such as: Outputting of training data samples, "
                          "and subsequent reverse engineering, model extraction, and membership inference risks")
    assert long.startswith("Conduct AI red-teaming to assess issues such as: Outputting") and long.endswith("…")
    # asides in brackets go before anything is cut; no label ends on a dangling word or inside brackets
    assert readable_label("Define relevant groups of interest (e.g., demographic groups, subject matter experts, "
                          "experience with GAI technology) within the context of use as part of plans for gathering "
                          "structured public feedback.") == (
        "Define relevant groups of interest within the context of use as part of plans…")
    assert all(len(readable_label("word " * n)) <= 90 for n in range(1, 60))
