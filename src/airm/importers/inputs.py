"""Reading the user's input files within bounds: regular files only, capped sizes, archive members checked before
they are unpacked, YAML without aliases and with bounded depth and size, and a cap on rows and on one value.

Every importer reads its input through these functions, so a FIFO, ``/dev/zero``, a symlink to a device, a wheel
entry that unpacks to gigabytes or a workbook's shared-string bomb is refused with an error naming the file, before
any memory is spent on it. The limits are stated in docs/security.md; the real sources are far below them (the
largest file is 1.4 MB, the largest table 2,242 rows, the longest value 20 KB).
"""

from __future__ import annotations

import os
import stat
import zipfile

import yaml

from ..errors import InputFileError

MAX_FILE_BYTES = 32 * 1024 * 1024  # one input file, or one member of a wheel or workbook once unpacked
MAX_ARCHIVE_MEMBERS = 10_000  # files in one wheel or workbook
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024  # all members of one archive, unpacked
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # a workbook's xl/sharedStrings.xml, unpacked (openpyxl holds it whole)
MAX_ROWS = 100_000  # rows of one table, records of one YAML list
MAX_YAML_NODES = 2_000_000  # scalars, lists and mappings of one YAML file
MAX_YAML_DEPTH = 64  # nesting of lists and mappings in one YAML file (the sources nest 6 deep)
MAX_VALUE_CHARS = 1024 * 1024  # one text value: the N-Quads line holding it stays far below the parsers' 16 MiB


def _mib(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB"


def regular_file(path) -> os.stat_result:
    """``path``'s status when it is a regular file (links followed); a FIFO, a device or a socket is refused before
    anything opens it (opening a FIFO blocks; /dev/zero never ends)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}", hint="check the path") from None
    if not stat.S_ISREG(st.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
                or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a folder"
                if stat.S_ISDIR(st.st_mode) else "not a regular file")
        raise InputFileError(path, f"{kind}, not a regular file: refused",
                             hint="give the data file itself (a link to a device or pipe is refused too)")
    return st


def _check_size(path, limit: int) -> None:
    st = regular_file(path)
    if st.st_size > limit:
        raise InputFileError(path, f"the file is {st.st_size:,} bytes, over airm's {_mib(limit)} limit for one input "
                                   "file", hint="check that this is the right file (the published ones are a few MB)")


def open_text(path, *, limit: int = MAX_FILE_BYTES):
    """A UTF-8 text stream (a BOM skipped, line endings as written) over a regular file of at most ``limit`` bytes,
    for readers that stream rows rather than hold the whole file."""
    _check_size(path, limit)
    try:
        return open(path, encoding="utf-8-sig", newline="", errors="strict")
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}") from None


def read_file(path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (a file growing while read is cut off and refused)."""
    _check_size(path, limit)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}") from None
    if len(data) > limit:
        raise InputFileError(path, f"the file grew past airm's {_mib(limit)} limit while it was read")
    return data


def is_zip(path) -> bool:
    """Whether ``path`` is a zip archive (a wheel, a workbook); only a regular file is opened to look."""
    regular_file(path)
    return zipfile.is_zipfile(path)


def open_archive(path, *, expected: str = "") -> zipfile.ZipFile:
    """A zip archive whose member count and unpacked sizes are within bounds (checked on its directory, before any
    member is unpacked; Python's zipfile never unpacks past a member's stated size)."""
    regular_file(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputFileError(path, f"not a readable zip archive ({e}){'; expected ' + expected if expected else ''}",
                             hint="the file may be truncated or damaged: download it again") from None
    try:
        check_archive(zf, path)
    except BaseException:
        zf.close()
        raise
    return zf


def check_archive(zf: zipfile.ZipFile, display) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise InputFileError(display, f"the archive holds {len(infos):,} files, over airm's limit of "
                                      f"{MAX_ARCHIVE_MEMBERS:,}", hint="give the published wheel or workbook")
    total = sum(i.file_size for i in infos)
    if total > MAX_ARCHIVE_BYTES:
        raise InputFileError(display, f"the archive unpacks to {total:,} bytes, over airm's "
                                      f"{_mib(MAX_ARCHIVE_BYTES)} limit", hint="give the published wheel or workbook")
    for info in infos:
        limit = MAX_SHARED_STRINGS_BYTES if info.filename.endswith("sharedStrings.xml") else MAX_FILE_BYTES
        if info.file_size > limit:
            raise InputFileError(f"{display}!{info.filename}", f"unpacks to {info.file_size:,} bytes, over airm's "
                                 f"{_mib(limit)} limit for one file", hint="give the published wheel or workbook")


def read_member(zf: zipfile.ZipFile, name: str, display) -> bytes:
    """One member of an archive opened by :func:`open_archive`, read within its stated (and checked) size."""
    where = f"{display}!{name}"
    try:
        with zf.open(name) as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InputFileError(where, f"cannot unpack ({e})",
                             hint="the archive may be damaged: download it again") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError(where, f"unpacks past airm's {_mib(MAX_FILE_BYTES)} limit for one file")
    return data


def check_rows(count: int, display, what: str = "rows") -> None:
    if count > MAX_ROWS:
        raise InputFileError(display, f"more than {MAX_ROWS:,} {what}: over airm's limit for one table",
                             hint="check that this is the right file (the published tables have a few thousand)")


# --- YAML ------------------------------------------------------------------------------------------------------------


def load_yaml(data: bytes, display: str, *, expected: str):
    """Plain YAML data (safe loader) from ``data``, refused with the file and line named when it uses aliases (a
    256-byte alias bomb expands to 10^7 nodes), nests deeper than MAX_YAML_DEPTH or holds over MAX_YAML_NODES nodes.
    The events are checked first, then the document is loaded: nothing unbounded is ever built."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputFileError(display, f"not UTF-8 text (byte {e.start}); expected {expected}") from None
    try:
        _check_events(yaml.parse(text, Loader=loader), display)
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or e.context or "malformed").strip()
        raise InputFileError(display, f"not valid YAML: {what} (expected {expected})",
                             line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                             hint="the file may be truncated or not the file airm expects") from None
    except yaml.YAMLError as e:
        raise InputFileError(display, f"not valid YAML: {str(e).splitlines()[0]} (expected {expected})") from None
    except RecursionError:
        raise InputFileError(display, f"YAML nested too deeply to read (expected {expected})") from None


def _check_events(events, display: str) -> None:
    depth = nodes = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            raise InputFileError(display, "YAML aliases (*name) are refused in source data", line=_line(event),
                                 hint="expand the alias in the file, or use the publisher's original file")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise InputFileError(display, f"YAML nested more than {MAX_YAML_DEPTH} levels deep: refused",
                                     line=_line(event), hint="the published data nests a few levels; check the file")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            nodes += 1
            if nodes > MAX_YAML_NODES:
                raise InputFileError(display, f"more than {MAX_YAML_NODES:,} YAML values: over airm's limit",
                                     line=_line(event), hint="check that this is the right file")


def _line(event) -> int | None:
    mark = event.start_mark
    return mark.line + 1 if mark else None
