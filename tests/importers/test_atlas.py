"""The MITRE ATLAS importer against the reference ATLAS.yaml (counts and records checked against the YAML read
independently here), the curated ATLAS -> MIT 2.2 crosswalk, and small fixtures for each edge case."""

from __future__ import annotations

import collections
import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from airm.errors import InputFileError
from airm.importers import atlas
from airm.namespaces import expand
from helpers import run_cli as cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "atlas"
CURATED = Path(__file__).resolve().parents[2] / "data" / "mappings" / "atlas-to-mit-risk-domains.ttl"
A = "https://w3id.org/airm/id/atlas/"


def N(curie: str) -> ox.NamedNode:
    return ox.NamedNode(expand(curie) if not curie.startswith("http") else curie)


def objects(triples, s, p) -> set:
    s, p = N(s) if isinstance(s, str) else s, N(p)
    return {t.object for t in triples if t.subject == s and t.predicate == p}


def instances(triples, cls: str) -> set:
    c, rdf_type = N(cls), N("rdf:type")
    return {t.subject for t in triples if t.predicate == rdf_type and t.object == c}


@pytest.fixture(scope="module")
def source(reference):
    return reference / "mitre-atlas" / "dist" / "ATLAS.yaml"


@pytest.fixture(scope="module")
def raw(source):
    return yaml.safe_load(source.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outcome(source):
    return atlas.read(source)


# --- the reference file ------------------------------------------------------------------------------------------


def test_counts_match_the_yaml(raw, outcome):
    matrix = raw["matrices"][0]
    techniques = matrix["techniques"]
    technique_ids = {t["id"] for t in techniques}
    links = [link for m in matrix["mitigations"] for link in m["techniques"]
             if isinstance(link, dict) and link.get("id") in technique_ids]
    expected = {
        "tactics": len(matrix["tactics"]),
        "techniques": sum(1 for t in techniques if "subtechnique-of" not in t),
        "sub-techniques": sum(1 for t in techniques if "subtechnique-of" in t),
        "mitigations": len(matrix["mitigations"]),
        "technique links": len(links),
        "case studies": len(raw["case-studies"]),
        "procedure steps": sum(len(c["procedure"]) for c in raw["case-studies"]),
    }
    assert outcome.counts == expected
    # the figures NOTE.md gives for this copy
    assert (expected["tactics"], expected["techniques"] + expected["sub-techniques"], expected["mitigations"],
            expected["technique links"], expected["case studies"]) == (16, 170, 35, 246, 57)
    t = outcome.triples
    assert len(instances(t, "airm:AttackTactic")) == expected["tactics"]
    assert len(instances(t, "airm:AttackTechnique")) == len(techniques)
    assert len(instances(t, "airm:Mitigation")) == expected["mitigations"]
    assert len(instances(t, "airm:CaseStudy")) == expected["case studies"]
    assert len(instances(t, "airm:ProcedureStep")) == expected["procedure steps"]
    # one qualified node per (mitigation, technique) pair; repeated pairs share it
    pairs = {(m["id"], link["id"]) for m in matrix["mitigations"] for link in m["techniques"]
             if isinstance(link, dict) and link.get("id") in technique_ids}
    assert len(instances(t, "airm:RiskAddressing")) == len(pairs)
    assert outcome.rows_read == outcome.rows_imported == 16 + 170 + 35 + 57


def test_categories_and_case_study_types_match_the_yaml(raw, outcome):
    t = outcome.triples
    by_category = collections.Counter(m["category"][0] for m in raw["matrices"][0]["mitigations"])
    got = collections.Counter()
    for m in instances(t, "airm:Mitigation"):
        (cat,) = objects(t, m, "airm:mitigationCategory")
        (label,) = objects(t, cat, "skos:prefLabel")
        got[label.value] += 1
    assert got == by_category
    types = collections.Counter(c["case-study-type"] for c in raw["case-studies"])
    got = collections.Counter(o.value for c in instances(t, "airm:CaseStudy")
                              for o in objects(t, c, "airm:caseStudyType"))
    assert got == types


def test_mitigation_m0015_field_by_field(raw, outcome):
    src = next(m for m in raw["matrices"][0]["mitigations"] if m["id"] == "AML.M0015")
    t = outcome.triples
    m = N("atlas:AML.M0015")
    assert objects(t, m, "rdfs:label") == {ox.Literal(src["name"], language="en")}
    assert objects(t, m, "dcterms:identifier") == {ox.Literal("AML.M0015")}
    assert objects(t, m, "airm:extractedFrom") == {N("atlas:ATLAS")}
    assert objects(t, m, "dcterms:created") == {ox.Literal(src["created_date"].isoformat(), datatype=N("xsd:date"))}
    assert objects(t, m, "airm:lifecycleStage") == {N(f"lifecycle:{atlas.LIFECYCLE_MAP[v.lower()]}")
                                                    for v in src["ml-lifecycle"]}
    assert objects(t, m, "airm:actorType") == {N("actor:not-recorded")}
    (category,) = objects(t, m, "airm:mitigationCategory")
    assert objects(t, category, "skos:prefLabel") == {ox.Literal("Technical - ML", language="en")}
    links = objects(t, m, "airm:hasRiskAddressing")
    assert len(links) == len(src["techniques"]) == 9
    for link in src["techniques"]:
        node = N(f"atlas:AML.M0015--{link['id']}")
        assert node in links
        assert objects(t, node, "airm:addressedRisk") == {N(f"atlas:{link['id']}")}
        assert objects(t, node, "airm:applicationNote") == {ox.Literal(link["use"], language="en")}  # as spelt
        assert objects(t, node, "prov:wasDerivedFrom") == {N("atlas:ATLAS")}
        assert objects(t, node, "airm:curationMethod") == {N("curation:source-classification")}


def test_repeated_technique_link_keeps_both_notes(raw, outcome):
    src = next(m for m in raw["matrices"][0]["mitigations"] if m["id"] == "AML.M0002")
    notes = {link["use"] for link in src["techniques"] if link["id"] == "AML.T0043.001"}
    assert len(notes) == 2
    node = N("atlas:AML.M0002--AML.T0043.001")
    assert {o.value for o in objects(outcome.triples, node, "airm:applicationNote")} == notes
    assert any(r.row == "AML.M0002" and "listed twice" in r.reason for r in outcome.review)


def test_dict_items_in_ml_lifecycle_go_to_review(raw, outcome):
    """AML.M0018 and AML.M0034 carry a technique link inside ml-lifecycle: reviewed, the rest imported."""
    for mid in ("AML.M0018", "AML.M0034"):
        src = next(m for m in raw["matrices"][0]["mitigations"] if m["id"] == mid)
        bad = [i for i, v in enumerate(src["ml-lifecycle"]) if isinstance(v, dict)]
        assert bad, f"{mid} no longer has the quirk this test is about"
        rows = [r for r in outcome.review if r.row == mid and r.field.startswith("ml-lifecycle")]
        assert [r.field for r in rows] == [f"ml-lifecycle[{i}]" for i in bad]
        assert "AML.T0052.001" in rows[0].value
        good = {atlas.LIFECYCLE_MAP[v.lower()] for v in src["ml-lifecycle"] if isinstance(v, str)}
        assert objects(outcome.triples, f"atlas:{mid}", "airm:lifecycleStage") == {N(f"lifecycle:{s}") for s in good}


def test_techniques_link_to_tactics_and_parents(raw, outcome):
    t = outcome.triples
    for tech in raw["matrices"][0]["techniques"]:
        node = N(f"atlas:{tech['id']}")
        assert objects(t, node, "airm:achievesTactic") == {N(f"atlas:{x}") for x in tech.get("tactics", [])}
        parent = tech.get("subtechnique-of")
        assert objects(t, node, "airm:subTechniqueOf") == ({N(f"atlas:{parent}")} if parent else set())
        assert objects(t, node, "skos:notation") == {ox.Literal(tech["id"])}
        assert objects(t, node, "airm:techniqueMaturity") == {ox.Literal(tech["maturity"])}


def test_tactics_keep_their_column_of_the_matrix(raw, outcome):
    """The matrix's columns follow the source's list of tactics, which is not the order of their ids."""
    listed = [t["id"] for t in raw["matrices"][0]["tactics"]]
    assert listed != sorted(listed)
    positions = {tid: [int(o.value) for o in objects(outcome.triples, A + tid, "schema:position")] for tid in listed}
    assert [positions[tid] for tid in listed] == [[i] for i in range(1, len(listed) + 1)]


def test_case_study_steps(raw, outcome):
    src = next(c for c in raw["case-studies"] if c["id"] == "AML.CS0000")
    t = outcome.triples
    cs = N("atlas:AML.CS0000")
    assert objects(t, cs, "rdfs:label") == {ox.Literal(src["name"], language="en")}
    dtype, width = atlas.DATE_GRANULARITY[src["incident-date-granularity"]]
    date = src["incident-date"].isoformat()[:width]
    assert objects(t, cs, "dcterms:date") == {ox.Literal(date, datatype=N(f"xsd:{dtype}"))}
    steps = objects(t, cs, "airm:hasProcedureStep")
    assert len(steps) == len(src["procedure"])
    for i, step in enumerate(src["procedure"], start=1):
        node = N(f"atlas:AML.CS0000--step-{i}")
        assert node in steps
        assert objects(t, node, "airm:stepTechnique") == {N(f"atlas:{step['technique']}")}
        assert objects(t, node, "airm:stepTactic") == {N(f"atlas:{step['tactic']}")}
        assert objects(t, node, "schema:position") == {ox.Literal(str(i), datatype=N("xsd:integer"))}


def test_provenance(source, outcome):
    p = outcome.provenance
    assert p.version == "5.6.0"
    assert p.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert p.license == "http://spdx.org/licenses/Apache-2.0"
    assert "MITRE" in p.attribution and "Copyright" in p.attribution


def test_folder_and_file_give_the_same_graph(reference, outcome):
    assert set(atlas.read(reference / "mitre-atlas").triples) == set(outcome.triples)


def test_stored_import_validates_and_answers_question_2(source, tmp_path):
    """Through the workspace: the graph conforms, and MIT 2.2 reaches every ATLAS mitigation through the curated
    tactic -> 2.2 broad matches (technique -> tactic -> skos:broadMatch 2.2)."""
    import airm
    from airm.importers.store import import_source

    summary = import_source("atlas", source, workspace=tmp_path)
    assert summary.warnings == 0
    review_lines = (tmp_path / "review" / "atlas.tsv").read_text(encoding="utf-8").count("\n")
    assert review_lines == 1 + len(atlas.read(source).review)
    kg = airm.load(workspace=tmp_path)
    rows = kg.query("mitigations-for-risk", risk="2.2").values()
    via_atlas = {r["mitigation"] for r in rows if r["mitigation"].startswith(A)}
    assert len(via_atlas) == 35
    m15 = [r for r in rows if r["mitigation"] == A + "AML.M0015"]
    assert {r["reachedBy"] for r in m15} == {"crosswalk"}
    evidence = kg.query("mitigations-for-risk-evidence", risk="2.2").values()
    assert {r["path"] for r in evidence if r["mitigation"] == A + "AML.M0015"} == {"crosswalk: broad match"}
    assert {r["source"] for r in m15} == {A + "ATLAS"}


# --- the curated crosswalk -------------------------------------------------------------------------------------------


def test_curated_crosswalk_covers_every_tactic_with_provenance(raw):
    triples = list(ox.parse(path=str(CURATED), format=ox.RdfFormat.TURTLE))
    tactics = {t["id"] for t in raw["matrices"][0]["tactics"]}
    direct = {t.subject.value[len(A):] for t in triples
              if t.predicate == N("skos:broadMatch") and t.object == N("mitdom:2.2")}
    assert direct == tactics
    records = instances(triples, "airm:ConceptMapping")
    assert len(records) == len(tactics)
    for r in records:
        (subject,) = objects(triples, r, "sssom:subject_id")
        assert subject.value[len(A):] in tactics
        assert objects(triples, r, "sssom:predicate_id") == {N("skos:broadMatch")}
        assert objects(triples, r, "sssom:object_id") == {N("mitdom:2.2")}
        assert objects(triples, r, "sssom:mapping_justification") == {N("semapv:ManualMappingCuration")}
        assert objects(triples, r, "airm:curationMethod") == {N("curation:manual-curation")}
        assert len(objects(triples, r, "sssom:author_id")) == 1
        assert len(objects(triples, r, "sssom:mapping_date")) == 1
        (comment,) = objects(triples, r, "sssom:comment")
        assert len(comment.value) > 40


# --- edge cases -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge():
    return atlas.read(FIXTURES / "edge-cases.yaml")


def _review(outcome, row, field):
    return [r for r in outcome.review if r.row == row and r.field == field]


def test_edge_lifecycle_values(edge):
    t = edge.triples
    # stray whitespace, case and doubled spaces still map; a repeated stage is stated once
    assert objects(t, "atlas:AML.M0900", "airm:lifecycleStage") == {N("lifecycle:deploy"),
                                                                     N("lifecycle:build-and-use-model")}
    assert _review(edge, "AML.M0900", "ml-lifecycle[2]")[0].value == "Quantum Annealing"
    assert "structured item" in _review(edge, "AML.M0900", "ml-lifecycle[3]")[0].reason
    # no values at all / only unplaceable ones: explicit sentinels
    assert objects(t, "atlas:AML.M0901", "airm:lifecycleStage") == {N("lifecycle:not-recorded")}
    assert objects(t, "atlas:AML.M0902", "airm:lifecycleStage") == {N("lifecycle:unable-to-classify")}


def test_edge_categories(edge):
    t = edge.triples
    assert objects(t, "atlas:AML.M0900", "airm:mitigationCategory") == {N("atlas:category-technical-ml")}
    assert _review(edge, "AML.M0900", "category[1]")[0].value == "Policy"
    (unclassified,) = objects(t, "atlas:AML.M0901", "airm:mitigationCategory")
    assert N("airm:ClassificationSentinel") in objects(t, unclassified, "rdf:type")
    # "policy" and "Policy" are one category
    assert objects(t, "atlas:AML.M0902", "airm:mitigationCategory") == {N("atlas:category-policy")}


def test_edge_links_and_duplicates(edge):
    t = edge.triples
    assert {o.value for o in objects(t, "atlas:AML.M0900--AML.T0900", "airm:applicationNote")} == {
        "First note for the technique.\n", "Second note for the same technique."}  # as the file spells them
    assert objects(t, "atlas:AML.M0900", "airm:hasRiskAddressing") == {N("atlas:AML.M0900--AML.T0900"),
                                                                       N("atlas:AML.M0900--AML.T0900.000")}
    assert _review(edge, "AML.M0900", "techniques[3]") and _review(edge, "AML.M0900", "techniques[4]")
    # duplicated ids: the first record kept, the second reviewed
    assert objects(t, "atlas:AML.T0901", "skos:prefLabel") == {ox.Literal("Duplicated Technique", language="en")}
    assert objects(t, "atlas:AML.M0900", "rdfs:label") == {ox.Literal("Test Mitigation", language="en")}
    assert _review(edge, "AML.T0901", "id") and _review(edge, "AML.M0900", "id")
    assert _review(edge, "techniques[4]", "id")[0].value == "T0902"
    assert objects(t, "atlas:AML.T0900", "airm:achievesTactic") == {N("atlas:AML.TA0900"), N("atlas:AML.TA0901")}
    assert objects(t, "atlas:AML.T0900", "airm:techniqueMaturity") == {ox.Literal("demonstrated")}
    assert edge.rows_read == 13 and edge.rows_imported == 10


def test_edge_case_studies(edge):
    t = edge.triples
    assert objects(t, "atlas:AML.CS0900", "dcterms:date") == {ox.Literal("2021-03", datatype=N("xsd:gYearMonth"))}
    assert objects(t, "atlas:AML.CS0901", "dcterms:date") == {ox.Literal("2020", datatype=N("xsd:gYear"))}
    assert objects(t, "atlas:AML.CS0900", "airm:caseStudyType") == {ox.Literal("exercise")}
    assert len(objects(t, "atlas:AML.CS0900", "airm:hasProcedureStep")) == 2  # the step with no known technique is out
    assert objects(t, "atlas:AML.CS0900--step-2", "airm:stepTactic") == set()
    assert _review(edge, "AML.CS0900", "procedure[2]")
    assert objects(t, "atlas:AML.TA0901", "dcterms:modified") == set()
    assert _review(edge, "AML.TA0901", "modified_date")[0].value == "not a date"


@pytest.mark.parametrize("name, message, line", [
    ("truncated-mid-record.yaml", "not valid YAML", 15),
    ("truncated-before-case-studies.yaml", "no 'case-studies' list", None),
    ("not-atlas.csv", "top level is not a mapping", None),
    ("alias-bomb.yaml", "aliases", 3),
])
def test_bad_files_raise_a_clear_error(name, message, line):
    with pytest.raises(InputFileError) as e:
        atlas.read(FIXTURES / name)
    assert message in str(e.value) and name in str(e.value)
    assert "ATLAS.yaml" in str(e.value) or "alias" in str(e.value)
    assert e.value.line == line


def test_binary_and_missing_inputs(tmp_path):
    png = tmp_path / "ATLAS.yaml"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(InputFileError, match="ATLAS.yaml"):
        atlas.read(png)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFileError, match="no ATLAS.yaml under this folder"):
        atlas.read(empty)
    with pytest.raises(InputFileError, match="no such file"):
        atlas.read(tmp_path / "missing.yaml")


def test_read_writes_nothing(tmp_path):
    src = tmp_path / "ATLAS.yaml"
    shutil.copy(FIXTURES / "edge-cases.yaml", src)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    atlas.read(tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


# --- end to end, through the command line ----------------------------------------------------------------------------


def test_cli_import_then_query(reference, tmp_path):
    ws = str(tmp_path / "ws")
    code, out, err = cli("import", "atlas", str(reference / "mitre-atlas"), "--workspace", ws)
    assert code == 0, err
    assert "imported 278 of 278 rows" in out and "(5.6.0)" in out and "airm:Mitigation: 35" in out
    review = (tmp_path / "ws" / "review" / "atlas.tsv").read_text(encoding="utf-8").splitlines()
    assert review[0] == "row\tfield\tvalue\treason" and len(review) == 5
    code, out, err = cli("sources", "--workspace", ws, "--format", "json")
    assert code == 0, err
    (entry,) = json.loads(out)
    assert (entry["name"], entry["version"], entry["counts"]["technique links"]) == ("atlas", "5.6.0", 246)
    code, out, err = cli("query", "run", "mitigations-for-risk", "--param", "risk=2.2", "--format", "json",
                         "--workspace", ws)
    assert code == 0, err
    assert "AML.M0015" in out and '"reachedBy"' in out
    code, out, err = cli("query", "run", "mitigations-for-risk", "--long", "--param", "risk=2.2", "--format", "json",
                         "--workspace", ws)
    assert code == 0, err
    assert "AML.M0015" in out and "crosswalk: broad match" in out


def test_cli_refuses_a_wrong_file_cleanly(tmp_path):
    ws = tmp_path / "ws"
    code, out, err = cli("import", "atlas", str(FIXTURES / "not-atlas.csv"), "--workspace", str(ws))
    assert code == 2
    assert "not-atlas.csv" in err and "ATLAS.yaml" in err and "Traceback" not in err
    assert not (ws / "sources").exists()
