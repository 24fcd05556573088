"""ATLAS data format 6.x: the fixture (a subset of 5.6.0 laid out as format 6.0.0, see its README) read into the same
model as 5.x, records checked against the fixture's YAML read independently here; the catalog answers the same on a
subset of ids present in both; each kind of bad 6.x input gives a review row or a clear error."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from airm.errors import InputFileError
from airm.importers import atlas
from airm.namespaces import expand
from helpers import run_cli as cli

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "atlas-v6" / "ATLAS-2026.09-subset.yaml"
A = "https://w3id.org/airm/id/atlas/"
RELEASE_NAMED = {"sourceLabel"}  # "MITRE ATLAS 2026.09" against "MITRE ATLAS 5.6.0": the one column that should differ


def N(curie: str) -> ox.NamedNode:
    return ox.NamedNode(expand(curie))


def objects(triples, s: str, p: str) -> set:
    return {t.object for t in triples if t.subject == N(s) and t.predicate == N(p)}


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def v6():
    return atlas.read(FIXTURE)


def _edited(tmp_path, raw, change) -> Path:
    doc = yaml.safe_load(yaml.safe_dump(raw))
    change(doc)
    path = tmp_path / "ATLAS-edited.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_counts_match_the_fixture(raw, v6):
    subs = {t for t, rels in raw["relationships"].items() if "specializes" in rels}
    assert v6.counts["tactics"] == len(raw["tactics"])
    assert v6.counts["sub-techniques"] == len(subs)
    assert v6.counts["techniques"] == len(raw["techniques"]) - len(subs)
    assert v6.counts["mitigations"] == len(raw["mitigations"])
    assert v6.counts["technique links"] == sum(len(raw["relationships"][m]["mitigates"]) for m in raw["mitigations"])
    steps = [s for c in raw["case-studies"] for s in raw["relationships"][c]["employs"]]
    assert v6.counts["procedure steps"] == len(steps)
    assert v6.counts["step links"] == sum(len(s.get("leads-to", [])) for s in steps)
    assert v6.provenance.version == raw["collection"]["version"] == "2026.09"
    assert v6.review == []


def test_mitigates_descriptions_are_the_use_notes(raw, v6):
    for link in raw["relationships"]["AML.M0015"]["mitigates"]:
        node = f"atlas:AML.M0015--{link['target']}"
        assert objects(v6.triples, node, "airm:addressedRisk") == {N(f"atlas:{link['target']}")}
        assert {o.value for o in objects(v6.triples, node, "airm:applicationNote")} == {link["description"]}


def test_renamed_phases_and_categories_map_by_code(raw, v6):
    """'AI Model Engineering' is 5.x's 'ML Model Engineering'; 'Technical - AI' is the concept of 'Technical - ML'."""
    assert "AI Model Engineering" in raw["mitigations"]["AML.M0015"]["lifecycle"]
    assert N("lifecycle:build-and-use-model") in objects(v6.triples, "atlas:AML.M0015", "airm:lifecycleStage")
    assert raw["mitigations"]["AML.M0015"]["category"] == ["Technical - AI"]
    assert objects(v6.triples, "atlas:AML.M0015", "airm:mitigationCategory") == {N("atlas:category-technical-ml")}


def test_platforms_maturity_and_the_steps_chain(raw, v6):
    tech = raw["techniques"]["AML.T0043"]
    assert {o.value for o in objects(v6.triples, "atlas:AML.T0043", "airm:techniquePlatform")} == set(tech["platforms"])
    assert {o.value for o in objects(v6.triples, "atlas:AML.T0043", "airm:techniqueMaturity")} == {tech["maturity"]}
    employs = raw["relationships"]["AML.CS0000"]["employs"]
    for i, step in enumerate(employs, start=1):
        node = f"atlas:AML.CS0000--step-{i}"
        assert objects(v6.triples, node, "airm:stepTechnique") == {N(f"atlas:{step['target']}")}
        assert objects(v6.triples, node, "airm:leadsTo") == {N(f"atlas:AML.CS0000--step-{n}")
                                                             for n in step.get("leads-to", [])}


def _rows(workspace, risk: str, mitigations: set) -> set:
    import airm

    kg = airm.load(workspace=workspace)
    rows = kg.query("mitigations-for-risk", risk=risk).values()
    return {tuple(sorted((k, v) for k, v in r.items() if v is not None and k not in RELEASE_NAMED)) for r in rows
            if r["mitigation"] in mitigations}


def test_the_catalog_answers_the_same_on_both_formats(reference, raw, tmp_path):
    from airm.importers.store import import_source

    import_source("atlas", FIXTURE, workspace=tmp_path / "v6")
    import_source("atlas", reference / "mitre-atlas" / "dist" / "ATLAS.yaml", workspace=tmp_path / "v5")
    subset = {A + m for m in raw["mitigations"]}
    for risk in ("AML.T0043", "AML.T0015", "AML.TA0001"):
        v6_rows = _rows(tmp_path / "v6", risk, subset)
        assert v6_rows, risk
        assert v6_rows == _rows(tmp_path / "v5", risk, subset), risk


def test_identifiers_are_pinned_to_their_release(tmp_path):
    from airm.importers.store import import_source
    from airm.workspace import stored_triples

    import_source("atlas", FIXTURE, workspace=tmp_path)
    triples = stored_triples(tmp_path, "atlas")
    pinned = {t.subject.value: t.object.value for t in triples if t.predicate == N("airm:inRelease")}
    assert pinned[A + "AML.T0043"] == pinned[A + "AML.M0015"] == pinned[A + "AML.CS0000"] == "2026.09"
    assert A + "ATLAS" not in pinned  # the dataset node carries dcat:version


# --- bad input ------------------------------------------------------------------------------------------------------


def test_an_unknown_relationship_type_goes_to_review(raw, tmp_path):
    path = _edited(tmp_path, raw, lambda d: d["relationships"]["AML.M0015"].update({"detects": ["AML.T0043"]}))
    (row,) = atlas.read(path).review
    assert (row.row, row.field, row.damage) == ("AML.M0015", "relationships.detects", False)
    assert "relationship type airm does not know" in row.reason


def test_a_relationship_to_a_missing_object_goes_to_review(raw, tmp_path):
    path = _edited(tmp_path, raw, lambda d: d["relationships"]["AML.M0015"]["mitigates"].append(
        {"target": "AML.T0999", "description": "gone"}))
    outcome = atlas.read(path)
    (row,) = outcome.review
    assert row.row == "AML.M0015" and "AML.T0999" in row.reason and "skipped" in row.reason
    assert not [t for t in outcome.triples if "AML.T0999" in t.object.value]


def test_an_unknown_category_goes_to_review(raw, tmp_path):
    path = _edited(tmp_path, raw, lambda d: d["mitigations"]["AML.M0015"].update({"category": ["Technical - Quantum"]}))
    outcome = atlas.read(path)
    fields = {(r.row, r.field) for r in outcome.review}
    assert ("AML.M0015", "category[0]") in fields
    assert objects(outcome.triples, "atlas:AML.M0015", "airm:mitigationCategory") == {
        N("atlas:category-unable-to-classify")}


def test_sequences_add_to_the_steps_chain(raw, tmp_path):
    def change(d):
        for step in d["relationships"]["AML.CS0000"]["employs"]:
            step.pop("leads-to", None)
        d["relationships"]["AML.CS0000"]["sequences"] = [{"step-id": 1, "target": 3}, {"step-id": 2, "target": 99}]

    outcome = atlas.read(_edited(tmp_path, raw, change))
    assert objects(outcome.triples, "atlas:AML.CS0000--step-1", "airm:leadsTo") == {N("atlas:AML.CS0000--step-3")}
    (row,) = outcome.review
    assert (row.row, row.field) == ("AML.CS0000", "relationships.sequences[1]")


def test_a_relationship_from_the_wrong_kind_of_record_goes_to_review(raw, tmp_path):
    path = _edited(tmp_path, raw, lambda d: d["relationships"].update({"AML.TA0001": {"mitigates": ["AML.T0043"]},
                                                                      "AML.M9999": {"mitigates": ["AML.T0043"]}}))
    rows = {r.row: r.reason for r in atlas.read(path).review}
    assert "'AML.TA0001' is a tactic" in rows["AML.TA0001"]
    assert "'AML.M9999' is not in the file" in rows["AML.M9999"]


def test_a_6x_checkout_folder_reads_its_latest_release(raw, tmp_path, reference):
    dist = tmp_path / "atlas-data" / "dist"
    dist.mkdir(parents=True)
    (dist / "ATLAS.yaml").write_bytes((reference / "mitre-atlas" / "dist" / "ATLAS.yaml").read_bytes())
    (dist / "ATLAS-latest.yaml").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "atlas-data" / "LICENSE").write_text("Copyright 2021-2026 Test Holder\n", encoding="utf-8")
    outcome = atlas.read(tmp_path / "atlas-data")
    assert outcome.provenance.version == "2026.09"
    assert outcome.provenance.attribution.startswith("MITRE ATLAS, Copyright 2021-2026 Test Holder")


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update({"matrices": [{"id": "ATLAS"}]}), "mixed file"),
    (lambda d: d.pop("format-version"), "no 'format-version'"),
    (lambda d: d.update({"format-version": "7.0.0"}), "formats 5.x and 6.x"),
    (lambda d: d.update({"techniques": list(d["techniques"].values())}), "'techniques' is not a map keyed by id"),
    (lambda d: d.pop("relationships"), "no 'relationships' section"),
    (lambda d: d["collection"].pop("version"), "no 'collection' with a 'version'"),
])
def test_damaged_6x_files_are_refused_naming_the_file(raw, tmp_path, change, message):
    path = _edited(tmp_path, raw, change)
    with pytest.raises(InputFileError) as e:
        atlas.read(path)
    assert message in str(e.value) and "ATLAS-edited.yaml" in str(e.value)


def test_cli_imports_the_6x_fixture(tmp_path):
    code, out, err = cli("import", "atlas", str(FIXTURE), "--workspace", str(tmp_path))
    assert code == 0, err
    assert "(2026.09)" in out and "airm:Mitigation: 2" in out
