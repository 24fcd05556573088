"""`airm import` and `airm sources` through the CLI (in-process), and that `build`, `query run` and `sparql` see
the imported graphs, by --workspace and by AIRM_WORKSPACE."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from helpers import run_cli

from .conftest import FIXTURES, term

EDGE = FIXTURES / "mit-risks" / "edge-cases.csv"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    ws = tmp_path_factory.mktemp("cli-ws")
    code, out, err = run_cli("import", "mit-risks", str(EDGE), "--workspace", str(ws))
    assert code == 0, err
    return ws, out, err


def test_import_prints_a_summary_and_is_quiet_in_pipes(ws):
    path, out, err = ws
    assert err == ""  # no progress bar when stderr is not a terminal
    lines = out.splitlines()
    assert lines[0] == "mit-risks: imported 15 of 20 rows from edge-cases.csv"
    assert f"5 row(s) not imported, 22 review entries for 14 row(s) -> {path / 'review' / 'mit-risks.tsv'}" in out
    assert "  airm:RiskEntry: 11" in lines
    assert "  airm:RiskEvidence: 3" in lines
    assert f"  written: {path / 'sources' / 'mit-risks.nq'}" in lines


def test_sources_table_and_json(ws, monkeypatch):
    path, _, _ = ws
    code, out, err = run_cli("sources", "--workspace", str(path))
    assert code == 0, err
    header, row, blank, coverage, *_ = out.splitlines()  # the sources, then the link coverage per source and axis
    assert header.split() == ["source", "file", "sha256", "version", "license", "triples", "counts"]
    assert row.startswith("mit-risks") and "edge-cases.csv" in row and "CC-BY-4.0" in row and "papers 3" in row
    assert blank == "" and coverage.startswith("link coverage of the mitigations")
    monkeypatch.setenv("AIRM_WORKSPACE", str(path))  # the environment instead of --workspace
    code, out, _ = run_cli("sources", "--format", "json")
    (entry,) = json.loads(out)
    assert entry["name"] == "mit-risks" and entry["rows"]["read"] == 20
    code, out, _ = run_cli("sources", "--workspace", str(path / "empty"))
    assert code == 0 and out.startswith("no imported sources in")


def test_query_run_and_sparql_see_the_import(ws, monkeypatch):
    path, _, _ = ws
    code, out, err = run_cli("query", "run", "risks-by-causal-class", "-p", "entity=AI", "-p", "intent=Intentional",
                             "--workspace", str(path), "--format", "json")
    assert code == 0, err
    risks = {b["risk"]["value"] for b in json.loads(out)["results"]["bindings"]}
    assert term("mitrisk:01.01.01").value in risks
    monkeypatch.setenv("AIRM_WORKSPACE", str(path))
    code, out, err = run_cli("sparql", "SELECT (COUNT(?r) AS ?n) WHERE { ?r a airm:RiskEntry ; dcterms:source ?p }",
                             "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1] == "11"
    monkeypatch.setenv("AIRM_WORKSPACE", str(path / "empty"))
    code, out, _ = run_cli("sparql", "SELECT (COUNT(?r) AS ?n) WHERE { ?r a airm:RiskEntry ; dcterms:source ?p }",
                           "--format", "csv")
    assert out.splitlines()[1] == "0"


def test_build_includes_the_import(ws, tmp_path):
    path, _, _ = ws
    code, out, err = run_cli("build", "--out", str(tmp_path / "out"), "--workspace", str(path))
    assert code == 0, err
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    imports = {k: v for k, v in report["inputs"].items() if v["kind"] == "import"}
    assert list(imports) == [str(path / "sources" / "mit-risks.nq")]
    assert report["instances_per_class"]["airm:RiskEntry"] == 11
    assert "mit-risk/01.01.01" in (tmp_path / "out" / "airm.nt").read_text(encoding="utf-8")


def test_dry_run_and_json(tmp_path):
    code, out, err = run_cli("import", "mit-risks", str(EDGE), "--workspace", str(tmp_path / "ws"), "--dry-run",
                             "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["dry_run"] is True and summary["rows_imported"] == 15 and summary["rows_not_imported"] == 5
    assert summary["added"] == summary["triples"] and summary["files"] == {}
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("args, code, message", [
    (["mit-risks", "{tmp}/risks.yaml"], 2, "risks.yaml: a .yaml file is not the MIT AI Risk Repository database; "
                                          "expected the MIT AI Risk Repository database: the workbook (.xlsx"),
    (["mit-risks", "{tmp}/missing.csv"], 2, "missing.csv: no such file or folder"),
    (["mit-mitigations", str(EDGE)], 2, "a single file; expected the IBM AI Atlas Nexus data"),
    (["mit-risk", str(EDGE)], 2, "'mit-risk' is not one of 'atlas', 'mit-mitigations', 'mit-risks'"),
])
def test_bad_input_is_one_clear_line(tmp_path, args, code, message):
    (tmp_path / "risks.yaml").write_text("risks: []\n", encoding="utf-8")
    got, out, err = run_cli("import", *[a.replace("{tmp}", str(tmp_path)) for a in args], "--workspace", str(tmp_path))
    assert got == code
    assert message in err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "sources").exists()


def test_validation_failure_exits_1(tmp_path, monkeypatch):
    import pyoxigraph as ox

    from airm.importers import mit_risks

    real = mit_risks.read

    def bad(path, *, progress):
        out = real(path, progress=progress)
        out.triples.append(ox.Triple(term("mitrisk:01.01.00"), term("airm:causalIntent"), term("mitcausal:entity-ai")))
        return out

    monkeypatch.setattr(mit_risks, "read", bad)
    code, out, err = run_cli("import", "mit-risks", str(EDGE), "--workspace", str(tmp_path))
    assert code == 1
    assert "does not conform" in err and "mitrisk:01.01.00" in err and "airm:causalIntent" in err
    assert not (tmp_path / "sources").exists()


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal(tmp_path):
    from airm.cli import main

    out, err = io.StringIO(), FakeTerminal()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import", "mit-risks", str(EDGE), "--workspace", str(tmp_path)])
    assert code == 0
    assert "mapping MIT risk entries" in err.getvalue() or "\x1b" in err.getvalue()
    assert out.getvalue().startswith("mit-risks: imported 15 of 20 rows")


def test_help_lists_the_sources():
    code, out, _ = run_cli("import", "--help")
    assert code == 0
    for name in ("mit-risks", "mit-mitigations", "nist-ai-600-1", "atlas", "nexus-mappings"):
        assert name in out


def test_sources_shows_each_input_as_it_was_given(tmp_path, monkeypatch):
    """A path given relative stays relative in `airm sources` (not the absolute path of the machine it ran on); the
    licence is one form, the SPDX id."""
    import shutil

    (tmp_path / "downloads").mkdir()
    shutil.copy(EDGE, tmp_path / "downloads" / "edge-cases.csv")
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli("import", "mit-risks", "downloads/edge-cases.csv", "--workspace", "ws")
    assert code == 0, err
    code, out, err = run_cli("sources", "--workspace", "ws")
    assert code == 0, err
    row = out.splitlines()[1]
    assert row.split()[:2] == ["mit-risks", "downloads/edge-cases.csv"] and str(tmp_path) not in row
    assert " CC-BY-4.0 " in row and "creativecommons" not in row
    (entry,) = json.loads(run_cli("sources", "--workspace", "ws", "--format", "json")[1])
    assert entry["path"] == "downloads/edge-cases.csv" and entry["file"] == "edge-cases.csv"
