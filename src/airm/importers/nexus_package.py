"""Reading the IBM AI Atlas Nexus package, which three importers draw on (mit-mitigations, nist-ai-600-1 and
nexus-mappings): its named data files and its mapping tables, from the ``ai-atlas-nexus`` folder or from the wheel
``pip download --no-deps ai-atlas-nexus==1.2.5`` fetches (read in place, never installed).

One module, so that the three importers name the package the same way in their messages and find its files by the
same rules; each importer then reads the files it wants.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputFileError
from .inputs import is_zip, open_archive, read_file, read_member
from .locate import LocatedFile, locate

EXPECTED = ("the IBM AI Atlas Nexus data: the ai-atlas-nexus folder, or the wheel from "
            "'pip download --no-deps ai-atlas-nexus==1.2.5'")
HINT = "download the wheel with: pip download --no-deps ai-atlas-nexus==1.2.5 (and give the .whl file)"

_TABLE_PATH = re.compile(r"(^|/)data/mappings/[^/]+\.tsv$")


def is_single_file(path: Path) -> bool:
    """Whether ``path`` is one plain file: neither the package's folder nor its wheel, so it cannot hold the data."""
    return path.exists() and not path.is_dir() and not is_zip(path)


def package_files(path: Path, required: list[str], optional: list[str] = ()) -> dict[str, LocatedFile | None]:
    """The named data files of the package at ``path`` (folder or wheel); an optional one not found is None. A
    plain single file is refused, naming the files the package should hold."""
    if is_single_file(path):
        raise InputFileError(path, f"a single file; expected {EXPECTED}, which holds {', '.join(required)}", hint=HINT)
    out: dict[str, LocatedFile | None] = {name: locate(path, name, expected=EXPECTED) for name in required}
    for name in optional:
        try:
            out[name] = locate(path, name, expected=EXPECTED)
        except InputFileError:
            out[name] = None
    return out


def mapping_tables(path: Path) -> list[LocatedFile]:
    """Every ``data/mappings/*.tsv`` in the folder or wheel, in name order."""
    out: list[LocatedFile] = []
    if path.is_dir():
        for p in sorted(path.rglob("*.tsv")):
            if _TABLE_PATH.search(p.as_posix()):
                out.append(LocatedFile(read_file(p), str(p), p.name))
    elif is_zip(path):
        with open_archive(path) as zf:
            for name in sorted(n for n in zf.namelist() if _TABLE_PATH.search(n)):
                out.append(LocatedFile(read_member(zf, name, path), f"{path}!{name}", name.rsplit("/", 1)[-1]))
    return out
