"""``airm diff --migration``: two imports of ATLAS in different releases (the 5.6 reference file and a copy with one
technique renamed, one removed, one added) give the identifiers kept, added, removed, renamed and changed, and the
migration as an SSSOM table; curated crosswalk rows whose records moved are listed and carried over."""

from __future__ import annotations

import csv

import pytest
import yaml

from airm.diff import Snapshot
from airm.release_diff import IN_RELEASE, compare, migration_set
from airm.sssom import to_tsv
from helpers import run_cli as cli

A = "https://w3id.org/airm/id/atlas/"
RENAMED = ("AML.T0043.004", "AML.T0043.009")
REMOVED = "AML.T0043.003"
ADDED = "AML.T0999"


def _edited_copy(source, path):
    """The 5.6 file with one technique renumbered, one removed (its links go with it) and one added."""
    text = source.read_text(encoding="utf-8").replace(RENAMED[0], RENAMED[1])
    doc = yaml.safe_load(text)
    doc["version"] = "5.7.0-test"
    matrix = doc["matrices"][0]
    matrix["techniques"] = [t for t in matrix["techniques"] if t["id"] != REMOVED]
    matrix["techniques"].append({"id": ADDED, "object-type": "technique", "name": "Made-up Technique",
                                 "description": "A technique added for the test.", "tactics": ["AML.TA0001"]})
    for m in matrix["mitigations"]:
        m["techniques"] = [link for link in m.get("techniques", []) if link["id"] != REMOVED]
    for case in doc["case-studies"]:
        case["procedure"] = [s for s in case["procedure"] if s["technique"] != REMOVED]
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def builds(reference, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("releases")
    source = reference / "mitre-atlas" / "dist" / "ATLAS.yaml"
    out = {}
    for name, path in (("old", source), ("new", _edited_copy(source, tmp / "ATLAS.yaml"))):
        ws, build = str(tmp / f"ws-{name}"), tmp / f"build-{name}"
        code, _, err = cli("import", "atlas", str(path), "--workspace", ws)
        assert code == 0, err
        code, _, err = cli("build", "--out", str(build), "--no-validate", "--workspace", ws)
        assert code == 0, err
        out[name] = build
    return out


def test_diff_of_two_atlas_releases_prints_and_writes_the_migration(builds, tmp_path):
    target = tmp_path / "migration.sssom.tsv"
    code, out, err = cli("diff", str(builds["old"]), str(builds["new"]), "--migration", str(target))
    assert code == 0, err
    assert "identifiers (5.6.0 -> 5.7.0-test): " in out
    assert "1 added, 1 removed, 1 renamed, 0 changed in meaning" in out
    assert f"> {RENAMED[0]} -> {RENAMED[1]}" in out and f"- {REMOVED}" in out and f"+ {ADDED}" in out
    lines = target.read_text(encoding="utf-8").splitlines()
    meta = [line for line in lines if line.startswith("#")]
    assert any("mapping_set_version" in line and "5.7.0-test" in line for line in meta)
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"))
    by_subject = {r["subject_id"]: r for r in rows}
    assert by_subject[f"atlas:{RENAMED[0]}"]["object_id"] == f"atlas:{RENAMED[1]}"
    assert by_subject[f"atlas:{RENAMED[0]}"]["predicate_id"] == "skos:exactMatch"
    assert by_subject[f"atlas:{REMOVED}"]["object_id"] == "sssom:NoTermFound"
    added = [r for r in rows if r["subject_id"] == "sssom:NoTermFound"]
    assert [r["object_id"] for r in added] == [f"atlas:{ADDED}"]
    kept = [r for r in rows if r.get("comment") == "kept"]
    assert len(kept) == len(rows) - 3 and all(r["subject_id"] == r["object_id"] for r in kept)


def test_json_summary(builds, tmp_path):
    code, out, err = cli("diff", str(builds["old"]), str(builds["new"]), "--migration", str(tmp_path / "m.tsv"),
                         "--format", "json")
    assert code == 0, err
    import json

    summary = json.loads(out)["summary"]
    assert (summary["added"], summary["removed"], summary["renamed"], summary["changed"]) == (1, 1, 1, 0)


def _snapshot(records: dict, release: str, mappings: dict | None = None) -> Snapshot:
    snap = Snapshot(source=release)
    for local, (label, definition) in records.items():
        iri = A + local
        snap.kinds[iri], snap.types[iri], snap.labels[iri] = "records", "https://w3id.org/airm#AttackTactic", label
        snap.descriptions[iri] = {IN_RELEASE: frozenset({f'"{release}"'}),
                                  "http://www.w3.org/2004/02/skos/core#notation": frozenset({f'"{local}"'}),
                                  "http://www.w3.org/2004/02/skos/core#definition": frozenset({f'"{definition}"@en'})}
    snap.mappings = mappings or {}
    return snap


def test_changed_meaning_and_crosswalks_of_moved_records():
    mit = "https://w3id.org/airm/id/mit-risk/2.2"
    crosswalk = {"subject_label": "Staging", "object_label": "2.2", "justification": None, "comment": None,
                 "confidence": None, "mapping_set": "https://w3id.org/airm/id/mapping/atlas-to-mit"}
    old = _snapshot({"AML.TA0001": ("Staging", "Preparing the attack."), "AML.TA0002": ("Recon", "Looking around.")},
                    "1", {(A + "AML.TA0001", "http://www.w3.org/2004/02/skos/core#broadMatch", mit): crosswalk,
                          (A + "AML.TA0002", "http://www.w3.org/2004/02/skos/core#broadMatch", mit): crosswalk})
    new = _snapshot({"AML.TA0009": ("Staging", "Preparing the attack."),
                     "AML.TA0002": ("Exfiltration", "Taking data out of the system.")}, "2")
    result = compare(old, new)
    assert [(a.identifier, b.identifier) for a, b, _ in result.renamed] == [("AML.TA0001", "AML.TA0009")]
    assert [a.identifier for a, _, _, _ in result.changed] == ["AML.TA0002"]
    assert {c["why"] for c in result.crosswalks} == {"atlas:AML.TA0001 renamed to AML.TA0009",
                                                     "atlas:AML.TA0002 changed in meaning"}
    (chained,) = result.chained
    assert (chained.subject_id, chained.object_id) == (A + "AML.TA0009", mit)
    assert chained.mapping_source == crosswalk["mapping_set"]
    table = to_tsv(migration_set(result)).decode("utf-8")
    assert "semapv:MappingChaining" in table and "skos:relatedMatch" in table
    assert '#mapping_set_source:\n#  - "https://w3id.org/airm/id/mapping/atlas-to-mit"' in table


def test_sssom_py_reads_the_migration_set(tmp_path):
    """The table is SSSOM as sssom-py reads it: every row, with the chained row's mapping_source."""
    from sssom.parsers import parse_sssom_table

    crosswalk = {"subject_label": "Staging", "object_label": "2.2", "justification": None, "comment": None,
                 "confidence": None, "mapping_set": "https://w3id.org/airm/id/mapping/atlas-to-mit"}
    old = _snapshot({"AML.TA0001": ("Staging", "Preparing the attack.")}, "1",
                    {(A + "AML.TA0001", "http://www.w3.org/2004/02/skos/core#broadMatch", A + "AML.TA0002"): crosswalk})
    new = _snapshot({"AML.TA0009": ("Staging", "Preparing the attack.")}, "2")
    path = tmp_path / "m.sssom.tsv"
    path.write_bytes(to_tsv(migration_set(compare(old, new))))
    df = parse_sssom_table(str(path)).df
    assert len(df) == 2 and set(df["mapping_justification"]) == {"semapv:LexicalMatching", "semapv:MappingChaining"}
