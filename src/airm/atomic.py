"""Files written all or nothing: each file is the previous content or the whole new one, never a stub, and a set
of files ends wholly old or wholly new.

Two shapes of write:

- ``write_file`` replaces one file. Its bytes go into an unnamed temporary file (Linux ``O_TMPFILE``; it vanishes
  with the process if the process is killed), are fsynced, linked beside the target under a name tagged with the
  writer's pid, and renamed over the target. Tagged names left by writers that are no longer alive (killed in the
  instant between link and rename, or on systems without ``O_TMPFILE``) are swept by the next write to that folder.
- ``write_files`` replaces a set of files in one folder tree (a workspace, a build folder) under a lock on the
  folder: every new file is written and fsynced in a staging folder, then a journal listing the renames is
  committed, then the renames run. An exception during the renames journals the way back and puts the previous
  files back. A process killed outright (SIGKILL, power loss) leaves either no journal (the targets were not
  touched; the staging folder is dropped) or a complete one, which the next command that opens the folder
  finishes (``recover``), so the set ends wholly old or wholly new. Readers take no lock: one that reads during
  the renames (milliseconds) can see part of each set, which is why the records written with a set carry the
  checksums of its other files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
from pathlib import Path

from .errors import UserError

STAGING_NAME = ".airm-staging"
JOURNAL_NAME = "commit.json"
_TAG = ".airm-tmp-"
_TAGGED = re.compile(r"^\.(?P<name>.+)" + re.escape(_TAG) + r"(?P<pid>\d+)-[0-9a-f]+$")


class WriteError(UserError, OSError):
    """A file that cannot be written: the user's to fix (exit 2), and still an OSError for callers that treat a
    failed write as one (the query cache, which only costs time when it cannot be written)."""


def write_file(path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring). Permissions: 0666 less the umask.

    Only a regular file (or a new name) is replaced: a device such as /dev/full, a FIFO or a folder is refused, since
    renaming over it would replace the device node itself. A write that fails (a full disk, a read-only folder) is a
    WriteError (a UserError) naming the file; the previous file is left as it was and no folder made for it is
    left behind."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}", hint="check the path and its permissions") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise WriteError(f"cannot write {path}: not a regular file (a device, pipe or folder)",
                        hint="give the name of a file to create or replace (or leave out --out for standard output)")
    made = _missing_folders(path.parent)
    tagged = path.parent / f".{path.name}{_TAG}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep_dead_temporaries(path.parent)
        _write_new(tagged, data, mode=0o666 & ~_umask())
        os.replace(tagged, path)
    except OSError as e:
        tagged.unlink(missing_ok=True)
        _remove_empty(made)
        raise WriteError(f"cannot write {path}: {e.strerror or e}",
                        hint="check free space, the folder and its permissions; the previous file, if any, is "
                             "unchanged") from None
    except BaseException:
        tagged.unlink(missing_ok=True)
        _remove_empty(made)
        raise
    _fsync_dir(path.parent)


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and those of its parents that do not exist yet, deepest first (what a write would create)."""
    out = []
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder != folder.parent:
        out.append(folder)
        folder = folder.parent
    return out


def _remove_empty(folders: list[Path]) -> None:
    """Take back the folders a failed write created, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _write_new(path: Path, data: bytes, *, mode: int) -> None:
    """Create ``path`` holding ``data``, fsynced; with O_TMPFILE the name appears only once the content is complete."""
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, mode)
        except OSError:  # a file system without O_TMPFILE
            pass
        else:
            try:
                _fill(fd, data)
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
        _fill(fd, data)
    finally:
        os.close(fd)


def _fill(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
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
    """The process umask, read without setting it where Linux allows (setting it, even briefly, races threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


# --- sets of files ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(root, *, what: str = "folder"):
    """One writer at a time under ``root``: an advisory lock on the folder itself, so nothing is left behind in it.
    Once the lock is ours, whatever a killed writer left is settled first (``recover``): nobody else is writing."""
    import fcntl

    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as e:
        raise UserError(f"cannot write to the {what} {root}: {e.strerror or e}",
                        hint="check the folder and its permissions") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"another airm command is writing to the {what} {root}",
                            hint="wait for it to finish, then run this again") from None
        try:
            recover(root, what=what)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


_STAGED = re.compile(r"^\d+\.(new|old)$")


def _journal_entries(journal: Path, root: Path, what: str) -> dict:
    """The journal, checked: staged names are airm's own, targets stay inside ``root``. Anything else is refused
    rather than acted on (a journal is renamed into place whole, so a bad one was not written by airm)."""
    def refuse(reason: str):
        raise UserError(f"{journal} is not a journal airm wrote ({reason}); nothing was changed",
                        hint=f"look at {journal.parent} and remove it by hand once you know what it holds")

    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        refuse(f"unreadable: {e}")
    if not isinstance(entries, dict) or not set(entries) <= {"renames", "restore", "remove"}:
        refuse("unknown layout")
    for key in ("renames", "restore", "remove"):
        for item in entries.get(key, []):
            pair = [item, item] if key == "remove" else item
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                refuse(f"a {key} entry is not a pair of names")
            staged, target = pair
            if key != "remove" and not _STAGED.match(staged):
                refuse(f"{staged!r} is not a staged file")
            try:
                _relative_target(Path(target), root, what)
            except UserError:
                refuse(f"{target!r} is not inside the folder")
    return entries


def recover(root, *, what: str = "folder") -> None:
    """Settle what a killed writer left under ``root`` (call with the lock held). A journal of renames (written at
    the commit point) is finished: its files are complete and fsynced. A journal of restores (written when a commit
    failed half way) is finished the other way. Without a journal, the staged files are dropped: the targets were
    never touched."""
    import shutil

    root = Path(root)
    staging = root / STAGING_NAME
    journal = staging / JOURNAL_NAME
    if journal.is_file():
        _apply(root, staging, _journal_entries(journal, root, what))
    shutil.rmtree(staging, ignore_errors=True)


def _apply(root: Path, staging: Path, entries: dict) -> None:
    """Do what a journal says; each step can be done again, so a second crash in here is recovered the same way."""
    for staged, target in entries.get("renames", []) + entries.get("restore", []):
        src, dst = staging / staged, root / target
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    for target in entries.get("remove", []):
        (root / target).unlink(missing_ok=True)
    _fsync_dirs({(root / t).parent for _s, t in entries.get("renames", []) + entries.get("restore", [])})


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


def write_files(root, files: dict, *, what: str = "folder") -> None:
    """Replace every file of ``files`` (paths inside ``root`` -> bytes) or none of them (module docstring). A set
    that fails leaves no folder it created behind (a report on a full disk used to leave an empty folder)."""
    root = Path(root)
    made = _missing_folders(root)
    try:
        with locked(root, what=what):
            _commit(root, files, what)
    except BaseException:
        _remove_empty(made)
        raise


def _relative_target(path: Path, root: Path, what: str) -> Path:
    """``path`` (absolute, or relative to the working folder or to ``root``) as a path inside ``root``; links are
    not followed, so a linked subfolder is written through, and nothing can land outside ``root``."""
    if path.is_absolute() or path.parts[:len(root.parts)] == root.parts:
        rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root)))
    else:
        rel = path
    if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.parts[0] == STAGING_NAME:
        raise UserError(f"{path} is not a file inside the {what} {root}", hint="this is a bug: report it")
    return rel


def _write_journal(staging: Path, entries: dict) -> None:
    part = staging / (JOURNAL_NAME + ".part")
    part.unlink(missing_ok=True)
    _write_new(part, json.dumps(entries).encode("utf-8"), mode=0o644)
    _fsync_dir(staging)
    os.replace(part, staging / JOURNAL_NAME)
    _fsync_dir(staging)


def _commit(root: Path, files: dict, what: str) -> None:
    import shutil

    staging = root / STAGING_NAME
    targets = {_relative_target(Path(path), root, what): data for path, data in files.items()}
    renames: list[tuple[str, str]] = []
    backups: dict[str, str] = {}  # target -> its previous file, kept (hard-linked) for a way back
    try:
        staging.mkdir(parents=True, exist_ok=True)
        for i, (rel, data) in enumerate(targets.items()):
            target = root / rel
            if target.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(target))
            _write_new(staging / f"{i}.new", data, mode=0o666 & ~_umask())
            renames.append((f"{i}.new", rel.as_posix()))
            if target.exists():
                try:
                    os.link(target, staging / f"{i}.old")  # no copy
                except OSError:
                    shutil.copy2(target, staging / f"{i}.old")
                backups[rel.as_posix()] = f"{i}.old"
        _write_journal(staging, {"renames": renames})  # the commit point
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"cannot write to the {what} {root}: {e.strerror or e}",
                        hint="check free space, the folder and its permissions; nothing was changed") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    started: list[str] = []
    try:
        for staged, rel in renames:
            started.append(rel)  # before the rename: a signal between the two must not skip this file's way back
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / staged, root / rel)
    except BaseException:
        # the way back, journalled first so that a crash while going back is finished by the next command
        way_back = {"restore": [[backups[t], t] for t in started if t in backups],
                    "remove": [t for t in started if t not in backups]}
        _write_journal(staging, way_back)
        _apply(root, staging, way_back)
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
