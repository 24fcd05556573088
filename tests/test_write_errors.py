"""Writes that fail because of where the user asked to write (issue 12, item 8): a device or pipe as --out, a full
disk, a read-only folder. Each is exit 2 with a message naming the file, leaves the previous file and no empty
folder behind, and never replaces a device node (as root, --out /dev/full used to rename a file over the device)."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from airm import atomic
from airm.errors import UserError
from helpers import run_cli

EXPORT = ["export", "--format", "nt", "--scope", "ontology"]


def test_a_device_as_out_is_refused_and_left_a_device(tmp_path):
    if os.geteuid() == 0:  # root can make a device node of its own: the real case (/dev/full) without touching /dev
        target = tmp_path / "full"
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    else:
        target = tmp_path / "pipe"
        os.mkfifo(target)
    kind = stat.S_IFMT(os.stat(target).st_mode)
    code, out, err = run_cli(*EXPORT, "--out", str(target))
    assert code == 2 and f"cannot write {target}: not a regular file" in err and "Traceback" not in err
    assert stat.S_IFMT(os.stat(target).st_mode) == kind
    assert os.listdir(tmp_path) == [target.name]


def test_a_fifo_as_out_is_refused(tmp_path):
    fifo = tmp_path / "out.nt"
    os.mkfifo(fifo)
    code, out, err = run_cli(*EXPORT, "--out", str(fifo))
    assert code == 2 and "not a regular file" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_export_on_a_full_disk_or_read_only_folder_is_exit_2_and_changes_nothing(tmp_path, monkeypatch, error):
    existing = tmp_path / "old.nt"
    existing.write_bytes(b"previous\n")

    def fail(path, data, *, mode):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(atomic, "_write_new", fail)
    code, out, err = run_cli(*EXPORT, "--out", str(existing))
    assert code == 2 and f"cannot write {existing}: {os.strerror(error)}" in err and "Traceback" not in err
    assert existing.read_bytes() == b"previous\n"
    new = tmp_path / "new" / "deeper" / "x.nt"
    code, out, err = run_cli(*EXPORT, "--out", str(new))
    assert code == 2 and not (tmp_path / "new").exists()  # no empty folders left behind
    assert sorted(os.listdir(tmp_path)) == ["old.nt"]


def test_a_write_error_is_still_an_oserror_for_the_cache():
    assert issubclass(atomic.WriteError, OSError) and issubclass(atomic.WriteError, UserError)


def test_report_on_a_full_disk_leaves_no_empty_folder(tmp_path, monkeypatch):
    real = atomic._write_new

    def full(path, data, *, mode):
        if "report" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, mode=mode)

    monkeypatch.setattr(atomic, "_write_new", full)
    out = tmp_path / "site" / "report"
    code, stdout, err = run_cli("report", "--out", str(out))
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_a_set_written_into_a_new_folder_that_fails_leaves_no_folder(tmp_path, monkeypatch):
    """What `airm docs` and `airm report` write through (airm.atomic.write_files)."""
    monkeypatch.setattr(atomic, "_write_new", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    out = tmp_path / "docs" / "html"
    with pytest.raises(UserError, match="full"):
        atomic.write_files(out, {out / "index.html": b"<p>x</p>"}, what="documentation folder")
    assert os.listdir(tmp_path) == []
