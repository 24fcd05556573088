"""airm.atomic: a writer killed outright (a real SIGKILL, at chosen points) or failing with an exception leaves the
previous files or the whole new set, never a mix, and no temporary file once the next command has run."""

from __future__ import annotations

import os
import signal
import textwrap
from pathlib import Path

import pytest

from airm import atomic
from airm.errors import UserError
from helpers import run_killed


def killed(body: str, func: str, n: int, root: Path, tmp_path: Path):
    """``body`` run in a child with ``atomic`` imported, SIGKILLed at the n-th os.<func> call writing under root."""
    return run_killed("import airm.atomic as atomic\n" + textwrap.dedent(body), func, n, root, tmp_path)


def listing(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- one file -------------------------------------------------------------------------------------------------------


def test_write_file_replaces_and_keeps_usual_permissions(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")
    atomic.write_file(target, b"new")
    assert target.read_bytes() == b"new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


@pytest.mark.parametrize("func", ["write", "fsync"])
def test_a_write_killed_before_the_rename_leaves_the_old_file_and_nothing_else(func, tmp_path):
    target = tmp_path / "data" / "out.ttl"
    target.parent.mkdir()
    target.write_bytes(b"old")
    body = f"atomic.write_file({str(target)!r}, b'new' * 100000)\n"
    proc = killed(body, func, 1, target.parent, tmp_path)
    assert proc.returncode == -signal.SIGKILL
    assert listing(target.parent) == {"out.ttl": b"old"}  # the unnamed temporary died with the process


def test_a_temporary_left_between_link_and_rename_is_swept_by_the_next_write(tmp_path):
    target = tmp_path / "data" / "out.ttl"
    target.parent.mkdir()
    target.write_bytes(b"old")
    proc = killed(f"atomic.write_file({str(target)!r}, b'new')\n", "replace", 1, target.parent, tmp_path)
    assert proc.returncode == -signal.SIGKILL
    left = listing(target.parent)
    assert left["out.ttl"] == b"old"
    assert len(left) == 2 and [n for n in left if n != "out.ttl"][0].startswith(".out.ttl.airm-tmp-")
    atomic.write_file(target.parent / "other.ttl", b"x")  # any later write to the folder sweeps it
    assert listing(target.parent) == {"out.ttl": b"old", "other.ttl": b"x"}


def test_a_live_writers_temporary_is_not_swept(tmp_path):
    mine = tmp_path / f".out.ttl.airm-tmp-{os.getppid()}-abcd"  # the parent process is alive
    mine.write_bytes(b"in progress")
    atomic.write_file(tmp_path / "out.ttl", b"x")
    assert mine.exists()


def test_an_exception_while_writing_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_file(target, b"new")
    monkeypatch.undo()
    assert listing(tmp_path) == {"out.ttl": b"old"}


# --- sets of files --------------------------------------------------------------------------------------------------


def _set(root: Path) -> dict:
    return {root / "a.nq": b"A2", root / "sub" / "b.json": b"B2", root / "c.tsv": b"C2"}


def _old_state(root: Path) -> dict:
    atomic.write_files(root, {root / "a.nq": b"A1", root / "sub" / "b.json": b"B1", root / "c.tsv": b"C1"})
    return {k: v for k, v in listing(root).items() if not k.startswith(".")}


def data(root: Path) -> dict:
    return listing(root)  # everything: airm leaves no lock or bookkeeping file behind


def test_write_files_replaces_the_set(tmp_path):
    _old_state(tmp_path)
    atomic.write_files(tmp_path, _set(tmp_path))
    assert data(tmp_path) == {"a.nq": b"A2", "sub/b.json": b"B2", "c.tsv": b"C2"}


# os.replace calls in a commit: 1 = the journal (the commit point), 2.. = the files
@pytest.mark.parametrize("func,n,finished", [
    ("fsync", 2, False),    # while staging the files: before the commit point
    ("replace", 1, False),  # just before the journal is renamed into place
    ("replace", 2, True),   # after the commit point, before any file was renamed
    ("replace", 3, True),   # one file renamed, two not: the mix on disk a reader must never be left with
    ("replace", 4, True),
])
def test_a_set_killed_at_any_point_ends_wholly_old_or_wholly_new(func, n, finished, tmp_path):
    root = tmp_path / "ws"
    old = _old_state(root)
    body = f"""
from pathlib import Path
root = Path({str(root)!r})
atomic.write_files(root, {{root / "a.nq": b"A2", root / "sub" / "b.json": b"B2", root / "c.tsv": b"C2"}})
"""
    proc = killed(body, func, n, root, tmp_path)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert atomic.pending(root) == finished
    with atomic.locked(root):  # the next writer settles it first
        pass
    new = {"a.nq": b"A2", "sub/b.json": b"B2", "c.tsv": b"C2"}
    assert data(root) == (new if finished else old)
    assert not (root / atomic.STAGING_NAME).exists()


def test_an_exception_during_the_renames_puts_every_file_back(tmp_path, monkeypatch):
    old = _old_state(tmp_path)
    real = os.replace
    calls = {"n": 0}

    def failing(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:  # journal in place, one file renamed
            raise OSError(28, "No space left on device (injected)")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(OSError):
        atomic.write_files(tmp_path, _set(tmp_path))
    monkeypatch.undo()
    assert data(tmp_path) == old
    assert not atomic.pending(tmp_path)


def test_a_full_disk_while_staging_is_a_clear_error_and_changes_nothing(tmp_path, monkeypatch):
    old = _old_state(tmp_path)

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", full)
    with pytest.raises(UserError, match="No space left on device.*") as err:
        atomic.write_files(tmp_path, _set(tmp_path), what="build folder")
    monkeypatch.undo()
    assert "cannot write to the build folder" in str(err.value) and "nothing was changed" in err.value.hint
    assert data(tmp_path) == old


def test_one_writer_at_a_time(tmp_path):
    with atomic.locked(tmp_path, what="build folder"):
        with pytest.raises(UserError, match="another airm command is writing to the build folder"):
            atomic.write_files(tmp_path, _set(tmp_path), what="build folder")


def test_a_reader_of_the_workspace_finishes_an_interrupted_import(tmp_path):
    """kg.load reads the workspace's sources: an import killed during its renames is finished before they are read."""
    from airm.workspace import imported_sources

    ws = tmp_path / "ws"
    atomic.write_files(ws, {ws / "sources" / "x.nq": b"", ws / "sources" / "x.json": b"{}"})
    body = f"""
from pathlib import Path
ws = Path({str(ws)!r})
atomic.write_files(ws, {{ws / "sources" / "x.nq": b"<a:b> <a:c> <a:d> <a:g> .\\n",
                        ws / "sources" / "x.json": b'{{"v": 2}}'}})
"""
    assert killed(body, "replace", 3, ws, tmp_path).returncode == -signal.SIGKILL
    assert atomic.pending(ws)
    assert [s.path.name for s in imported_sources(ws)] == ["x.nq"]
    assert not atomic.pending(ws)
    assert (ws / "sources" / "x.json").read_bytes() == b'{"v": 2}'


def test_without_proc_or_o_tmpfile_the_file_is_written_under_its_tagged_name(tmp_path, monkeypatch):
    """Containers without /proc, file systems without O_TMPFILE: the write still lands, and still atomically."""
    real_link = os.link

    def no_proc(src, dst, **kwargs):
        if str(src).startswith("/proc/self/fd/"):
            raise FileNotFoundError(2, "No such file or directory", src)
        return real_link(src, dst, **kwargs)

    monkeypatch.setattr(atomic.os, "link", no_proc)
    atomic.write_file(tmp_path / "a.ttl", b"A")
    atomic.write_files(tmp_path / "set", {tmp_path / "set" / "b.nq": b"B"})
    monkeypatch.delattr(atomic.os, "O_TMPFILE")
    atomic.write_file(tmp_path / "c.ttl", b"C")
    monkeypatch.undo()
    assert listing(tmp_path) == {"a.ttl": b"A", "c.ttl": b"C", "set/b.nq": b"B"}


def test_paths_relative_to_the_working_folder_land_inside_the_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    atomic.write_files(Path("ws"), {Path("ws") / "sources" / "a.nq": b"A", Path("ws/b.json"): b"B"})
    atomic.write_files("ws", {"c.tsv": b"C"})  # or relative to the root itself
    assert listing(tmp_path) == {"ws/sources/a.nq": b"A", "ws/b.json": b"B", "ws/c.tsv": b"C"}


@pytest.mark.parametrize("outside", ["../escape.txt", "/etc/passwd-copy", "ws/../../escape.txt", ".airm-staging/x"])
def test_a_target_outside_the_root_is_refused(outside, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="is not a file inside"):
        atomic.write_files(Path("ws"), {Path(outside): b"x"})
    assert not (tmp_path.parent / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()


def test_a_linked_subfolder_is_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "sources").symlink_to(elsewhere)
    atomic.write_files(tmp_path / "ws", {tmp_path / "ws" / "sources" / "a.nq": b"A"})
    assert (elsewhere / "a.nq").read_bytes() == b"A"


@pytest.mark.parametrize("journal", [
    {"renames": [["/tmp/victim.txt", "../moved-here.txt"]]},
    {"renames": [["0.new", "../outside.txt"]]},
    {"restore": [["../../etc/x", "a.nq"]]},
    {"remove": ["../victim.txt"]},
    {"renames": "not a list"},
    {"something": []},
])
def test_a_journal_airm_did_not_write_is_refused_and_nothing_moves(journal, tmp_path):
    import json

    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    root = tmp_path / "ws"
    (root / atomic.STAGING_NAME).mkdir(parents=True)
    (root / atomic.STAGING_NAME / "0.new").write_bytes(b"planted")
    (root / atomic.STAGING_NAME / atomic.JOURNAL_NAME).write_text(json.dumps(journal), encoding="utf-8")
    with pytest.raises(UserError, match="is not a journal airm wrote"):
        with atomic.locked(root):
            pass
    atomic.settle(root)  # a reader leaves it alone, quietly
    assert victim.read_bytes() == b"keep me" and not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "moved-here.txt").exists()


def test_a_writer_killed_while_putting_the_old_files_back_is_finished_by_the_next(tmp_path):
    """An exception half way through the renames, then a SIGKILL half way through the way back."""
    import subprocess
    import sys

    root = tmp_path / "ws"
    old = _old_state(root)
    child = f"""
import os, signal
from pathlib import Path
import airm.atomic as atomic

real, calls = os.replace, [0]
def replace(src, dst):
    calls[0] += 1
    if calls[0] == 4:  # 1: the journal, 2-3: two files renamed, 4: the third fails
        raise OSError(5, "Input/output error (injected)")
    if calls[0] == 6:  # 5: the way back journalled, 6: the first file put back
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst)
os.replace = replace
root = Path({str(root)!r})
atomic.write_files(root, {{root / "a.nq": b"A2", root / "sub" / "b.json": b"B2", root / "c.tsv": b"C2"}})
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert atomic.pending(root)
    assert data(root) != old  # part new, part old on disk
    atomic.settle(root)
    assert data(root) == old
