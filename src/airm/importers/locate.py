"""Find a named data file in what the user points at: the file itself, a folder (a checkout, an unpacked
package), or a downloaded wheel (a zip), e.g. ``pip download --no-deps ai-atlas-nexus==1.2.5``.

Wheels are read in place, never installed: the package's own dependencies are not needed for its data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFileError
from .inputs import is_zip, open_archive, read_file, read_member


@dataclass(frozen=True)
class LocatedFile:
    """Bytes of one data file, and how to name it in messages and provenance."""

    data: bytes
    display: str  # "path/to/file.yaml" or "ai_atlas_nexus-1.2.5-py3-none-any.whl!ai_atlas_nexus/data/.../x.yaml"
    name: str


def locate(path: str | Path, filename: str, *, expected: str) -> LocatedFile:
    """The file called ``filename`` at, under or inside ``path``; ``expected`` describes it for error messages.
    Read within the bounds of :mod:`airm.importers.inputs` (regular files, capped sizes, archives checked first)."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise InputFileError(path, f"no such file or folder (expected {expected})")
    if path.is_dir():
        hits = sorted(path.rglob(filename))
        if not hits:
            raise InputFileError(path, f"no {filename} under this folder (expected {expected})")
        return LocatedFile(read_file(hits[0]), str(hits[0]), filename)
    if is_zip(path):
        with open_archive(path) as zf:
            hits = sorted(n for n in zf.namelist() if n.rsplit("/", 1)[-1] == filename)
            if not hits:
                raise InputFileError(path, f"this archive has no {filename} (expected {expected})",
                                     hint="download the package with: pip download --no-deps ai-atlas-nexus==1.2.5")
            return LocatedFile(read_member(zf, hits[0], path), f"{path}!{hits[0]}", filename)
    return LocatedFile(read_file(path), str(path), path.name)
