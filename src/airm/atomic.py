"""Files written all or nothing: a reader sees the previous content or the whole new one, never a mix or a stub.

Two shapes of write:

- ``write_file`` replaces one file. Its bytes go into an unnamed temporary file (Linux ``O_TMPFILE``; it vanishes
  with the process if the process is killed), are fsynced, linked beside the target under a name tagged with the
  writer's pid, and renamed over the target. Tagged names left by writers that are no longer alive (killed in the
  instant between link and rename, or on systems without ``O_TMPFILE``) are swept by the next write to that folder.
- ``write_files`` replaces a set of files in one folder tree (a workspace, a build folder) under a lock: every new
  file is written and fsynced in a staging folder, then a journal listing the renames is committed, then the
  renames run. An exception during the renames puts the previous files back. A process killed outright (SIGKILL,
  power loss) leaves either no journal (the targets were not touched; the staging folder is swept) or a complete
  journal whose renames the next writer finishes (``recover``), so the set ends up wholly old or wholly new.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from pathlib import Path

from .errors import UserError

LOCK_NAME = ".airm-lock"
STAGING_NAME = ".airm-staging"
JOURNAL_NAME = "commit.json"
_TAG = ".airm-tmp-"
_TAGGED = re.compile(r"^\.(?P<name>.+)" + re.escape(_TAG) + r"(?P<pid>\d+)-[0-9a-f]+$")


def write_file(path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring). Permissions: 0666 less the umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_dead_temporaries(path.parent)
    tagged = path.parent / f".{path.name}{_TAG}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        _write_new(tagged, data, mode=0o666 & ~_umask())
        os.replace(tagged, path)
    except BaseException:
        tagged.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _write_new(path: Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` holding ``data``, fsynced; with O_TMPFILE the name appears only once the content is complete."""
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, mode)
        except OSError:  # a file system without O_TMPFILE
            pass
        else:
            try:
                _fill(fd, data, mode)
                dir_fd = os.open(path.parent, os.O_RDONLY)
                try:  # linkat(AT_SYMLINK_FOLLOW): os.link takes that path only when given a dir fd
                    os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=dir_fd, follow_symlinks=True)
                    return
                except OSError:  # no /proc: write the file under its name instead
                    pass
                finally:
                    os.close(dir_fd)
            finally:
                os.close(fd)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        _fill(fd, data, mode)
    finally:
        os.close(fd)


def _fill(fd: int, data: bytes, mode: int) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fchmod(fd, mode)
    os.fsync(fd)


def _sweep_dead_temporaries(folder: Path) -> None:
    """Remove tagged temporaries whose writer is gone (a live writer's are left alone)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _TAGGED.match(name)
        if m and not _alive(int(m["pid"])):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


# --- sets of files ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(root, *, what: str = "folder"):
    """One writer at a time under ``root`` (an advisory lock on root/.airm-lock). Once the lock is ours, whatever a killed
    writer left is settled first (``recover``): nobody else can be writing."""
    import fcntl

    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = open(root / LOCK_NAME, "a+b")
    except OSError as e:
        raise UserError(f"cannot write to the {what} {root}: {e.strerror or e}",
                        hint="check the folder and its permissions") from None
    with lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"another airm command is writing to the {what} {root}",
                            hint="wait for it to finish, then run this again") from None
        try:
            recover(root)
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def recover(root) -> bool:
    """Settle what a killed writer left under ``root`` (call with the lock held). Returns whether a commit was
    finished: with a journal, its remaining renames are done (its files are complete and fsynced); without one,
    the staged files are dropped and the targets were never touched."""
    import shutil

    root = Path(root)
    staging = root / STAGING_NAME
    journal = staging / JOURNAL_NAME
    finished = False
    if journal.is_file():
        try:
            renames = json.loads(journal.read_text(encoding="utf-8"))["renames"]
        except (OSError, ValueError, KeyError, TypeError):
            renames = None  # a journal is renamed into place whole, so this is not ours: leave the targets be
        if renames:
            for staged, target in renames:
                src, dst = staging / staged, root / target
                if src.exists():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(src, dst)
            _fsync_dirs({(root / t).parent for _s, t in renames})
            finished = True
    shutil.rmtree(staging, ignore_errors=True)
    return finished


def settle(root, *, what: str = "folder") -> None:
    """For readers: finish or drop what a killed writer left under ``root``, unless a writer is at work now (it
    holds the lock and settles on its own) or the folder is not ours to write."""
    if (Path(root) / STAGING_NAME).exists():
        try:
            with locked(root, what=what):
                pass
        except UserError:
            pass


def pending(root) -> bool:
    """Whether a killed writer left a commit to finish under ``root``."""
    return (Path(root) / STAGING_NAME / JOURNAL_NAME).is_file()


def write_files(root, files: dict, *, what: str = "folder", hold_lock: bool = True) -> None:
    """Replace every file of ``files`` (paths inside ``root`` -> bytes) or none of them (module docstring).

    ``hold_lock=False`` when the caller already holds ``locked(root)``."""
    root = Path(root)
    if hold_lock:
        with locked(root, what=what):
            _commit(root, files, what)
    else:
        _commit(root, files, what)


def _commit(root: Path, files: dict, what: str) -> None:
    import shutil

    staging = root / STAGING_NAME
    targets = {}
    for path in files:
        rel = Path(path).resolve().relative_to(root.resolve()) if Path(path).is_absolute() else Path(path)
        if rel.parts and rel.parts[0] in (STAGING_NAME, LOCK_NAME):
            raise ValueError(f"{path} is airm's own bookkeeping file")
        targets[rel] = files[path]
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        staging.mkdir(parents=True, exist_ok=True)
        renames = []
        for i, (rel, data) in enumerate(targets.items()):
            staged = f"{i}.new"
            _write_new(staging / staged, data, mode=0o666 & ~_umask())
            renames.append((staged, rel.as_posix()))
        for i, (_staged, rel) in enumerate(renames):
            target = root / rel
            if target.exists():
                backup = staging / f"{i}.old"
                try:
                    os.link(target, backup)  # the previous file, kept for a rollback; no copy
                except OSError:
                    shutil.copy2(target, backup)
                backups[target] = backup
        _write_new(staging / (JOURNAL_NAME + ".part"), json.dumps({"renames": renames}).encode("utf-8"), mode=0o644)
        _fsync_dir(staging)
        os.replace(staging / (JOURNAL_NAME + ".part"), staging / JOURNAL_NAME)  # the commit point
        _fsync_dir(staging)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"cannot write to the {what} {root}: {e.strerror or e}",
                        hint="check free space, the folder and its permissions; nothing was changed") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        for staged, rel in renames:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / staged, target)
            done.append(target)
    except BaseException:
        (staging / JOURNAL_NAME).unlink(missing_ok=True)  # from here on, the way back, not forward
        for target in reversed(done):
            if target in backups:
                os.replace(backups.pop(target), target)
            else:
                target.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dirs({(root / rel).parent for _s, rel in renames})
    shutil.rmtree(staging, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_dirs(folders) -> None:
    for folder in folders:
        _fsync_dir(folder)
