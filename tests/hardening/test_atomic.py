"""Nothing lost: ``airm import``, ``airm build`` and ``airm export`` killed outright (a real SIGKILL of the CLI
process, at chosen points of the write and at random moments) or failing with an exception half way leave the
previous state, or (killed after the commit point) the whole new one once the next command has run, and no
temporary file. ``airm push`` is covered in tests/test_endpoint.py (it needs a server)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from airm import atomic
from airm.importers.store import import_source
from airm.workspace import STAGING
from helpers import CLI_BODY, run_cli, run_killed

EDGE = Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "mit-risks" / "edge-cases.csv"

# (os function, n-th call): points of a set commit (see tests/test_atomic.py); finished = after the commit point
SET_KILL_POINTS = [("write", 1, False), ("fsync", 3, False), ("replace", 1, False), ("replace", 2, True),
                   ("replace", 3, True), ("replace", 4, True)]


def files_of(root: Path, *subs: str) -> dict:
    """Every file a reader may see, with its checksum."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and (not subs or rel.split("/")[0] in subs):
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def temporaries(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.name.startswith(".")]


# --- import ---------------------------------------------------------------------------------------------------------


def _record_matches_graph(ws: Path, name: str) -> bool:
    record = json.loads((ws / "sources" / f"{name}.json").read_text(encoding="utf-8"))
    return record["file_sha256"] == hashlib.sha256((ws / "sources" / f"{name}.nq").read_bytes()).hexdigest()


@pytest.mark.parametrize("func,n,finished", SET_KILL_POINTS)
def test_an_import_killed_at_each_point_of_its_commit(func, n, finished, tmp_path):
    ws = tmp_path / "ws"
    import_source("mit-risks", EDGE, workspace=ws)
    before = files_of(ws, "sources", "review")
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("".join(EDGE.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    proc = run_killed(CLI_BODY, func, n, ws, tmp_path, ["import", "mit-risks", smaller, "--workspace", ws])
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert atomic.pending(ws) == finished
    code, out, err = run_cli("sources", "--workspace", str(ws))  # the next command that reads the workspace
    assert code == 0, err
    after = files_of(ws, "sources", "review")
    assert set(after) == set(before)
    if finished:
        assert all(after[k] != before[k] for k in after), "the whole new import, not part of it"
    else:
        assert after == before
    assert _record_matches_graph(ws, "mit-risks")
    assert temporaries(ws) == []


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4, 1.9, 2.4])
def test_an_import_killed_at_a_random_moment_leaves_one_whole_state(delay, tmp_path, reference):
    ws = tmp_path / "ws"
    import_source("mit-risks", EDGE, workspace=ws)  # the previous state: a small import of the same source
    before = files_of(ws, "sources", "review")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), AIRM_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI_BODY, "import", "mit-risks",
         str(reference / "mit-ai-risk-repository" / "ai_risk_database_v3.csv"), "--workspace", str(ws)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    if finished:
        pytest.skip(f"the import finished within {delay} s: nothing to interrupt")
    from airm.workspace import imported_sources

    imported_sources(ws)  # a reader settles an interrupted commit first
    after = files_of(ws, "sources", "review")
    assert set(after) == set(before)
    assert _record_matches_graph(ws, "mit-risks")  # graph and record from one and the same import
    assert temporaries(ws) == []
    import_source("mit-risks", EDGE, workspace=ws)  # and the next writer works
    again = files_of(ws, "sources", "review")
    assert {k: v for k, v in again.items() if not k.endswith(".json")} == \
        {k: v for k, v in before.items() if not k.endswith(".json")}  # the record differs only by its import time


def test_an_exception_half_way_through_the_renames_restores_every_file(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    import_source("mit-risks", EDGE, workspace=ws)
    before = files_of(ws, "sources", "review")
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:  # journal in place, the graph already replaced, its record not yet
            raise OSError("disk full (injected)")
        return real_replace(src, dst)

    smaller = tmp_path / "smaller.csv"
    smaller.write_text("".join(EDGE.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError):
        import_source("mit-risks", smaller, workspace=ws)
    monkeypatch.undo()
    assert calls["n"] > 3  # the failure, then the way back
    assert files_of(ws, "sources", "review") == before
    assert not (ws / STAGING).exists() and not atomic.pending(ws)


def test_two_writers_are_not_allowed_at_once(tmp_path):
    from airm.errors import UserError
    from airm.workspace import workspace_lock

    ws = tmp_path / "ws"
    with workspace_lock(ws):
        with pytest.raises(UserError, match="another airm command is writing"):
            import_source("mit-risks", EDGE, workspace=ws)


# --- build ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """An old build (with a small import) and the new one (embedded data only), so that every file differs."""
    base = tmp_path_factory.mktemp("builds")
    ws = base / "ws"
    import_source("mit-risks", EDGE, workspace=ws)
    old, new = base / "old", base / "new"
    assert run_cli("build", "--out", str(old), "--workspace", str(ws))[0] == 0
    assert run_cli("build", "--out", str(new), "--workspace", str(base / "empty"))[0] == 0
    return files_of(old), files_of(new), old, base / "empty"


def _fresh_copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.iterdir():
        if p.is_file():
            (dst / p.name).write_bytes(p.read_bytes())
    return dst


@pytest.mark.parametrize("func,n,finished", SET_KILL_POINTS)
def test_a_build_killed_at_each_point_of_its_commit(func, n, finished, two_builds, tmp_path):
    old, new, old_dir, empty_ws = two_builds
    assert set(old) == set(new) and all(old[k] != new[k] for k in old)
    out = _fresh_copy(old_dir, tmp_path / "out")
    proc = run_killed(CLI_BODY, func, n, out, tmp_path, ["build", "--out", out, "--workspace", empty_ws])
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert atomic.pending(out) == finished
    with atomic.locked(out):  # the next build settles it before it writes
        pass
    assert files_of(out) == (new if finished else old)
    assert temporaries(out) == []
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert {k: v["sha256"] for k, v in report["outputs"].items() if k != "build-report.json"} == \
        {k: v for k, v in files_of(out).items() if k != "build-report.json"}


def test_a_build_that_fails_half_way_through_its_renames_keeps_the_old_build(two_builds, tmp_path, monkeypatch):
    old, _new, old_dir, empty_ws = two_builds
    out = _fresh_copy(old_dir, tmp_path / "out")
    real = os.replace
    calls = {"n": 0}

    def failing(src, dst):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(5, "Input/output error (injected)")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(OSError):
        from airm.builder import build

        build(out, workspace=empty_ws)
    monkeypatch.undo()
    assert files_of(out) == old and temporaries(out) == []


def test_a_build_into_a_folder_another_build_is_writing_is_refused(two_builds, tmp_path):
    _old, _new, old_dir, empty_ws = two_builds
    out = _fresh_copy(old_dir, tmp_path / "out")
    with atomic.locked(out):
        code, _o, err = run_cli("build", "--out", str(out), "--workspace", str(empty_ws))
    assert code != 0 and "another airm command is writing to the build folder" in err and "Traceback" not in err


# --- export ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func,n,left", [("write", 1, False), ("fsync", 1, False), ("replace", 1, True)])
def test_an_export_killed_while_writing_leaves_the_old_file(func, n, left, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "airm.ttl"
    target.write_bytes(b"# the previous export\n")
    proc = run_killed(CLI_BODY, func, n, out, tmp_path, ["export", "--format", "ttl", "--out", target])
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert target.read_bytes() == b"# the previous export\n"
    # the temporary is unnamed until it is complete; one killed between naming and renaming is swept next time
    assert bool(temporaries(out)) == left
    code, _o, err = run_cli("export", "--format", "nt", "--out", str(out / "airm.nt"))
    assert code == 0, err
    assert temporaries(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["airm.nt", "airm.ttl"]


def test_relative_workspace_and_out_folders_are_where_the_user_said(tmp_path, monkeypatch):
    """The default workspace is ./airm-data: a relative folder must not become ./airm-data/airm-data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AIRM_WORKSPACE", raising=False)
    code, _o, err = run_cli("import", "mit-risks", str(EDGE))
    assert code == 0, err
    assert (tmp_path / "airm-data" / "sources" / "mit-risks.nq").is_file()
    code, out, err = run_cli("sources")
    assert code == 0 and "mit-risks" in out, err
    code, _o, err = run_cli("build", "--out", "build")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == \
        ["airm.jsonld", "airm.nt", "airm.ttl", "build-report.json"]
    code, _o, err = run_cli("report", "--out", "report")
    assert code == 0 and (tmp_path / "report" / "index.html").is_file(), err
    assert not list(tmp_path.rglob("airm-data/airm-data")) and not (tmp_path / "build" / "build").exists()
