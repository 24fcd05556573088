"""Find a named data file in what the user points at: the file itself, a folder (a checkout, an unpacked
package), or a downloaded wheel (a zip), e.g. ``pip download --no-deps ai-atlas-nexus==1.2.5``.

Wheels are read in place, never installed: the package's own dependencies are not needed for its data.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError


@dataclass(frozen=True)
class LocatedFile:
    """Bytes of one data file, and how to name it in messages and provenance."""

    data: bytes
    display: str  # "path/to/file.yaml" or "ai_atlas_nexus-1.2.5-py3-none-any.whl!ai_atlas_nexus/data/.../x.yaml"
    name: str


def locate(path: str | Path, filename: str, *, expected: str) -> LocatedFile:
    """The file called ``filename`` at, under or inside ``path``; ``expected`` describes it for error messages."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, f"no such file or folder (expected {expected})")
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            hits = sorted(n for n in zf.namelist() if n.rsplit("/", 1)[-1] == filename)
            if not hits:
                raise InputFileError(path, f"this archive has no {filename} (expected {expected})",
                                     hint="download the package with: pip download --no-deps ai-atlas-nexus==1.2.5")
            return LocatedFile(zf.read(hits[0]), f"{path}!{hits[0]}", filename)
    if path.is_dir():
        hits = sorted(path.rglob(filename))
        if not hits:
            raise InputFileError(path, f"no {filename} under this folder (expected {expected})")
        return LocatedFile(hits[0].read_bytes(), str(hits[0]), filename)
    return LocatedFile(path.read_bytes(), str(path), path.name)
