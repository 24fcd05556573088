"""Imports validated on import are context, not rechecked, while their record matches; anything else is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import airm
from airm.importers.store import import_source
from airm.validation import context_digest, trusted_imports

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "importers" / "atlas" / "edge-cases.yaml"


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    ws = tmp_path / "ws"
    import_source("atlas", FIXTURE, workspace=ws)
    return ws


def test_a_fresh_import_is_trusted_and_records_its_context(workspace):
    record = json.loads((workspace / "sources" / "atlas.json").read_text())
    assert record["validation"]["context"] == context_digest()
    kg = airm.load(workspace=workspace)
    assert trusted_imports(kg.dataset) == {"https://w3id.org/airm/graph/import/atlas"}
    trusting, full = airm.validate(kg), airm.validate(kg, trust_imports=False)
    assert trusting.conforms and full.conforms
    assert trusting.count("Violation") == full.count("Violation") == 0


def test_an_edited_import_file_is_checked_again(workspace):
    nq = workspace / "sources" / "atlas.nq"
    # a mitigation without its label: the record's checksum no longer matches, so the import is validated in full
    lines = nq.read_text().splitlines(keepends=True)
    kept = [ln for ln in lines if not ("AML.M0900>" in ln.split(" ")[0]
                                       and "http://www.w3.org/2000/01/rdf-schema#label" in ln)]
    assert len(kept) < len(lines)
    nq.write_text("".join(kept))
    kg = airm.load(workspace=workspace)
    assert trusted_imports(kg.dataset) == set()
    report = airm.validate(kg)
    assert not report.conforms
    assert any("AML.M0900" in p.focus for p in report.problems)


def test_a_changed_context_revokes_trust(workspace):
    record_path = workspace / "sources" / "atlas.json"
    record = json.loads(record_path.read_text())
    record["validation"]["context"] = "0" * 64  # as if validated against other shapes or data
    record_path.write_text(json.dumps(record))
    kg = airm.load(workspace=workspace)
    assert trusted_imports(kg.dataset) == set()


def test_problems_in_user_files_are_found_with_trusted_imports(workspace, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix airm: <https://w3id.org/airm#> .\n"
                   "<https://example.org/m> a airm:Mitigation ; "
                   "airm:addresses <https://w3id.org/airm/id/atlas/AML.T0051> .\n")
    kg = airm.load(workspace=workspace, files=[bad])
    assert trusted_imports(kg.dataset)
    report = airm.validate(kg)
    assert not report.conforms
    assert any(p.focus == "<https://example.org/m>" for p in report.problems)
