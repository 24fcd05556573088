"""Issue 4's done criterion: all five public sources imported, one command answers which mitigations from any
framework address MIT subdomain 2.2, with the path and provenance of each link."""

from __future__ import annotations

import pytest

from helpers import run_cli

NIST = "https://w3id.org/airm/id/nist-ai-600-1/"
ATLAS = "https://w3id.org/airm/id/atlas/"


@pytest.fixture(scope="module")
def workspace(five_sources):
    return five_sources


@pytest.mark.slow
def test_one_command_answers_2_2_across_frameworks(workspace):
    import json

    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--long", "-p", "risk=2.2", "--format", "json",
                             "--workspace", str(workspace))  # the long form: one row per link, with its path
    assert code == 0, err
    rows = json.loads(out)["results"]["bindings"]
    by_framework = {}
    for r in rows:
        m = r["mitigation"]["value"]
        framework = "atlas" if m.startswith(ATLAS) else "nist" if m.startswith(NIST) else "other"
        by_framework.setdefault(framework, set()).add(m)
    assert len(by_framework["atlas"]) == 35  # every ATLAS mitigation, through technique -> tactic -> 2.2
    assert len(by_framework["nist"]) >= 40  # the NIST actions for information security
    for r in rows:
        assert r["path"]["value"]
        framework_row = r["mitigation"]["value"].startswith((ATLAS, NIST))
        if framework_row and r["path"]["value"].startswith("crosswalk"):
            assert r["mapping"]["value"].startswith("https://w3id.org/airm/id/mapping/")
            assert r["mappingSet"]["value"] and r["mappingJustification"]["value"]
    atlas_row = next(r for r in rows if r["mitigation"]["value"] == ATLAS + "AML.M0015")
    assert atlas_row["linkEvidence"]["value"] == ATLAS + "ATLAS"
    assert atlas_row["mappedFrom"]["value"].startswith(ATLAS + "AML.TA")


@pytest.mark.slow
def test_sources_lists_all_five_with_provenance(workspace):
    import json

    code, out, err = run_cli("sources", "--format", "json", "--workspace", str(workspace))
    assert code == 0, err
    listed = json.loads(out)
    names = {s["source"] if "source" in s else s["name"] for s in listed}
    assert names == {"mit-risks", "mit-mitigations", "nist-ai-600-1", "atlas", "nexus-mappings"}


@pytest.mark.slow
def test_the_combined_graph_builds_and_validates(five_sources_build):
    """``airm build --workspace`` on the five sources (the run's one build of them, which test_export reads too)."""
    out_dir, said = five_sources_build
    assert said["code"] == 0, said["err"]
    assert "conforms" in said["out"] + said["err"]
    assert {"airm.ttl", "airm.nt", "airm.jsonld", "build-report.json"} <= {p.name for p in out_dir.iterdir()}
