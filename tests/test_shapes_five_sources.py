"""Issue 15's result shapes on the five imported public sources: one row per mitigation, readable NIST labels."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

NIST_CODE = re.compile(r"^[A-Z]{2}-\d+\.\d+-\d+$")


@pytest.fixture(scope="module")
def graph(five_sources):
    import airm

    return airm.load(workspace=five_sources)


def test_mitigations_for_2_2_are_87_rows_one_per_mitigation(graph):
    short = graph.query("mitigations-for-risk", risk="2.2")
    long = graph.query("mitigations-for-risk-evidence", risk="2.2")
    mitigations = [r["mitigation"].value for r in short.rows]
    assert len(mitigations) == len(set(mitigations)) == 87
    assert set(mitigations) == {r["mitigation"].value for r in long.rows} and len(long.rows) == 344
    for row in short.to_records():
        assert row["mitigationLabel"] and row["reachedBy"] and row["riskCount"] >= 1, row
        assert row["sourceLabel"] and not row["sourceLabel"].startswith("nist-"), row  # a title, not a key


def test_a_deployer_at_deploy_and_operate_and_monitor_reads_as_text(graph):
    for stage in ("Deploy", "Operate and Monitor"):
        rows = graph.query("mitigations-by-stage-and-actor", stage=stage, actor="deployer").to_records()
        assert rows, stage
        nist = [r for r in rows if r["mitigation"].startswith("https://w3id.org/airm/id/nist-ai-600-1/")]
        assert nist, stage
        for row in nist:
            assert not NIST_CODE.match(row["mitigationLabel"]) and len(row["mitigationLabel"]) <= 90, row
            assert row["description"] and row["sourceLabel"].startswith("Artificial Intelligence Risk Management")


def test_a_nist_action_still_resolves_by_its_code(graph):
    found = graph.resolve("MS-2.7-001")
    assert found.best.iri.endswith("/nist-ai-600-1/MS-2.7-001") and found.best.label.startswith("Apply established")
