"""Issue 14's "Done means" checks this branch can reach, on the five public sources of ../shared/reference."""

from __future__ import annotations

import pytest

from helpers import copy_workspace, run_cli


@pytest.fixture(scope="module")
def classified(five_sources, tmp_path_factory):
    ws = copy_workspace(five_sources, tmp_path_factory.mktemp("classified"))
    code, out, err = run_cli("classify", "--workspace", str(ws))
    assert code == 0, err
    return ws, out


@pytest.mark.slow
def test_every_mitigation_has_a_value_on_each_of_the_four_axes(classified):
    _, out = classified
    for axis in ("lifecycle-stage", "actor-type", "rmf-function", "risk"):
        line = next(x for x in out.splitlines() if x.strip().startswith(axis + ":"))
        covered = float(line.split("(")[1].split(" %")[0])
        assert covered >= 95.0, line


@pytest.mark.slow
def test_risk_7_1_with_proposals_gives_method_and_rationale_and_without_says_what_it_left_out(classified):
    ws, _ = classified
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=7.1", "--workspace", str(ws),
                             "--format", "json")
    assert code == 0
    assert "left out" in err and "--with-proposals" in err
    import json

    plain = json.loads(out)["results"]["bindings"]
    code, out, _ = run_cli("query", "run", "mitigations-for-risk", "--long", "-p", "risk=7.1", "--with-proposals",
                           "--workspace", str(ws), "--format", "json")  # the long form: each link's rationale
    rows = json.loads(out)["results"]["bindings"]
    proposed = [r for r in rows if r["status"]["value"] == "proposed"]
    assert len(rows) > len(plain) and proposed
    assert all(r["method"]["value"] and r["rationale"]["value"] for r in proposed)


@pytest.mark.slow
def test_export_round_trips_through_review_accept(classified, tmp_path):
    ws, _ = classified
    out = tmp_path / "all.tsv"
    assert run_cli("classify", "--export", str(out), "--workspace", str(ws))[0] == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], [x for x in lines[1:] if x.startswith("A0388_NIST2024\t")]
    assert any("\tcurated\t" in x for x in rows) and any("\tproposed\t" in x for x in rows)
    (tmp_path / "one.tsv").write_text(header + "\n" + next(x for x in rows if "\tproposed\t" in x) + "\n",
                                      encoding="utf-8")
    code, msg, err = run_cli("review", "accept", str(tmp_path / "one.tsv"), "--workspace", str(ws))
    assert code == 0 and "1 accepted" in msg, err
    assert run_cli("classify", "--export", str(out), "--workspace", str(ws))[0] == 0
    assert "\taccepted\t" in out.read_text(encoding="utf-8")
