"""Nothing lost: an import killed outright (SIGKILL, no clean-up code runs) leaves the workspace as it was, with no
temporary file among the data, and the next writer sweeps what the killed one left in the staging folder."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from airm.importers.store import STAGING, import_source

EDGE = Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "mit-risks" / "edge-cases.csv"


def data_files(ws: Path) -> dict:
    """Every file a reader may see (sources, review), with its checksum."""
    out = {}
    for sub in ("sources", "review"):
        for p in sorted((ws / sub).glob("*")):
            out[p.relative_to(ws).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4, 1.9, 2.4])
def test_an_import_killed_outright_leaves_the_previous_state(delay, tmp_path, reference):
    ws = tmp_path / "ws"
    import_source("mit-risks", EDGE, workspace=ws)  # the previous state: a small import of the same source
    before = data_files(ws)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), AIRM_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-c", "from airm.cli import entry_point; entry_point()", "import", "mit-risks",
         str(reference / "mit-ai-risk-repository" / "ai_risk_database_v3.csv"), "--workspace", str(ws)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    after = data_files(ws)
    if finished:
        pytest.skip(f"the import finished within {delay} s: nothing to interrupt")
    # every file a reader sees is a whole one: the old state, or (killed between renames) complete new files
    assert not [name for name in after if name.rsplit("/", 1)[-1].startswith(".")], "temporary files among the data"
    assert set(after) == set(before)
    changed = [name for name in after if after[name] != before[name]]
    if changed:  # killed during the renames: each replaced file must be a complete new one
        from airm.parsing import parse_file

        if "sources/mit-risks.nq" in changed:
            parse_file(ws / "sources" / "mit-risks.nq", "https://example.org/g")
    # the next writer sweeps what the killed one left behind
    import_source("mit-risks", EDGE, workspace=ws)
    assert not (ws / STAGING).exists()
    again = data_files(ws)
    assert {k: v for k, v in again.items() if not k.endswith(".json")} == \
        {k: v for k, v in before.items() if not k.endswith(".json")}  # the record differs only by its import time


def test_an_exception_half_way_through_the_renames_restores_every_file(tmp_path, monkeypatch):
    from airm.importers import store

    ws = tmp_path / "ws"
    import_source("mit-risks", EDGE, workspace=ws)
    before = data_files(ws)
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # the graph is already replaced, its record not yet
            raise OSError("disk full (injected)")
        return real_replace(src, dst)

    changed_csv = tmp_path / "changed.csv"
    changed_csv.write_text(EDGE.read_text(encoding="utf-8").replace("\n", "\n", 1), encoding="utf-8")
    text = EDGE.read_text(encoding="utf-8").splitlines(keepends=True)
    changed_csv.write_text("".join(text[:-1]), encoding="utf-8")  # one row fewer: a different graph
    monkeypatch.setattr(store.os, "replace", failing_replace)
    with pytest.raises(OSError):
        import_source("mit-risks", changed_csv, workspace=ws)
    monkeypatch.setattr(store.os, "replace", real_replace)
    assert data_files(ws) == before
    assert not (ws / STAGING).exists() or not any((ws / STAGING).iterdir())


def test_two_writers_are_not_allowed_at_once(tmp_path):
    from airm.errors import UserError
    from airm.importers.store import workspace_lock

    ws = tmp_path / "ws"
    with workspace_lock(ws):
        with pytest.raises(UserError, match="another airm command is writing"):
            import_source("mit-risks", EDGE, workspace=ws)
