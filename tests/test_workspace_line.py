"""Results depend on the workspace: every command that reads one says which, and what it adds, on stderr."""

from __future__ import annotations

import pytest

from helpers import run_cli


def test_the_default_workspace_is_named_with_its_origin(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRM_WORKSPACE")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("query", "run", "dataset-summary")
    assert code == 0
    expected = "workspace: airm-data (the default workspace): no imported sources: embedded data only"
    assert err.splitlines()[0] == expected


def test_the_environment_workspace_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_WORKSPACE", str(tmp_path / "ws"))
    code, _, err = run_cli("search", "feedback")
    assert code == 0 and f"workspace: {tmp_path / 'ws'} ($AIRM_WORKSPACE): no imported sources" in err


@pytest.mark.slow
def test_imported_sources_are_counted_and_named(five_sources):
    code, _, err = run_cli("search", "red teaming", "--workspace", str(five_sources))
    assert code == 0
    assert (f"workspace: {five_sources} (--workspace): 5 imported sources "
            "(atlas, mit-mitigations, mit-risks, nexus-mappings, nist-ai-600-1)") in err


def test_the_line_is_one_line_and_stdout_is_untouched():
    code, out, err = run_cli("query", "run", "dataset-summary", "--format", "json")
    assert code == 0 and out.lstrip().startswith("{") and sum(t.startswith("workspace:") for t in err.splitlines()) == 1


@pytest.mark.parametrize("command", [("query", "run", "mitigations-for-risk-evidence"),
                                     ("sparql", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")], ids=["query-run", "sparql"])
def test_a_stopped_query_still_says_which_workspace_it_ran_on(command):
    """The workspace line comes from the command's own process while the query runs in its child: a query stopped at
    its deadline keeps it, above the error."""
    code, out, err = run_cli(*command, "--timeout", "0.001")
    assert code != 0 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("workspace: ") and "did not finish within" in err
