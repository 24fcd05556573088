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
_YAML_SET = re.compile(r"(^|/)mappings/[^/]+_from_tsv_data\.yaml$")

# The taxonomies nexus-taxonomies imports: data file -> (the taxonomy id it declares, which the mapping tables use as
# their prefix; whether every release holds it). Here so that nexus-mappings can say where its rows about them go.
FURTHER_TAXONOMIES = {
    "credo.yaml": ("credo-ucf", True),
    "aiuc1_data.yaml": ("aiuc1", True),
    "air_2024_data.yaml": ("ai-risk-taxonomy", True),
    "ailuminate.yaml": ("ailuminate-v1.0", True),
    "granite_guardian_dimensions.yaml": ("ibm-granite-guardian", True),
    "shieldgemma_dimensions.yaml": ("shieldgemma-taxonomy", True),
    "owasp_asi_data.yaml": ("owasp-asi", True),
    "eticas_ai_risk_taxonomy_data.yaml": ("eticas-ai-risk-taxonomy", False),
    "owasp_ast10_data.yaml": ("owasp-ast10", False),
}
PREFIX_ALIASES = {"granite-guardian": "ibm-granite-guardian"}  # a table's other spelling of a taxonomy id


def prefix_key(prefix: str) -> str:
    """A table's CURIE prefix as compared: case-folded, '_' read as '-', aliases resolved."""
    key = prefix.strip().casefold().replace("_", "-")
    return PREFIX_ALIASES.get(key, key)


def further_taxonomy(prefix: str) -> str | None:
    """The id of the nexus-taxonomies taxonomy a table prefix names, or None."""
    key = prefix_key(prefix)
    return next((tid for tid, _ in FURTHER_TAXONOMIES.values() if tid.casefold() == key), None)


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


def yaml_mapping_sets(path: Path) -> list[str]:
    """Names of the mapping sets in their YAML form (``*_from_tsv_data.yaml``) in the folder or wheel."""
    if path.is_dir():
        return sorted(p.name for p in path.rglob("*_from_tsv_data.yaml") if _YAML_SET.search(p.as_posix()))
    if is_zip(path):
        with open_archive(path) as zf:
            return sorted(n.rsplit("/", 1)[-1] for n in zf.namelist() if _YAML_SET.search(n))
    return []


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
