"""MITRE ATLAS (Adversarial Threat Landscape for AI Systems), from either of its published data formats:

- format 5.x, the compiled ``dist/ATLAS.yaml`` (frozen at 5.6): ``id``, ``version``, ``matrices`` holding lists of
  tactics, techniques and mitigations, and a list of case studies, links kept inside the records;
- format 6.x (``dist/ATLAS-latest.yaml``, ``dist/v6/ATLAS-YYYY.MM.yaml``): ``format-version``, a ``collection`` with
  the monthly release, records as maps keyed by id and the links in a ``relationships`` section
  (read by :mod:`.atlas_v6`).

The format is told by the top-level ``format-version`` (absent in 5.x files). Both are built into the same model by
:class:`.atlas_build.AtlasBuilder` (see there for what the graph holds). ``read`` writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputFileError
from .atlas_build import DATE_GRANULARITY, EXPECTED, HOMEPAGE, LICENSE, LIFECYCLE_MAP, AtlasBuilder
from .atlas_v6 import is_v6, to_v5_layout
from .base import NO_PROGRESS, ImportOutcome, NullProgress, Provenance
from .inputs import read_file
from .locate import locate
from .toolkit import clean, load_yaml, sha256

NAME = "atlas"
DESCRIPTION = "MITRE ATLAS (data format 5.x or 6.x): tactics, techniques, mitigations with their per-technique use " \
              "notes, case studies"

__all__ = ["DATE_GRANULARITY", "DESCRIPTION", "EXPECTED", "LIFECYCLE_MAP", "NAME", "read"]  # the tables tests read too

DERIVED_FROM = "atlas:ATLAS"  # the dataset node the import record points to (prov:wasDerivedFrom)
DEFAULT_ATTRIBUTION = "MITRE ATLAS, The MITRE Corporation; licensed under the Apache License 2.0"


def _attribution(path: Path) -> str:
    """The copyright line of the LICENSE next to the data, when the user gave the repository folder."""
    dist = next((p for p in path.parents if p.name == "dist"), None)  # dist/ATLAS.yaml or dist/v6/ATLAS-2026.09.yaml
    root = path if path.is_dir() else dist.parent if dist is not None else path.parent
    try:
        text = read_file(root / "LICENSE", limit=1024 * 1024).decode("utf-8", errors="replace")
    except InputFileError:
        return DEFAULT_ATTRIBUTION  # no readable LICENSE beside the data
    for line in text.splitlines()[:20]:
        if line.strip().lower().startswith("copyright"):
            return f"MITRE ATLAS, {line.strip()}; licensed under the Apache License 2.0"
    return DEFAULT_ATTRIBUTION


def read(path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome:
    """Read MITRE ATLAS from ``path`` (a 5.x or 6.x data file, or a folder holding ATLAS.yaml) into triples and
    review rows."""
    path = Path(path)
    latest = path.is_dir() and (path / "dist" / "ATLAS-latest.yaml").is_file()  # a 6.x checkout: its newest release
    located = locate(path, "ATLAS-latest.yaml" if latest else "ATLAS.yaml", expected=EXPECTED)
    doc = load_yaml(located.data, located.display, expected=EXPECTED)
    if is_v6(doc, located.display):
        layout, review = to_v5_layout(doc, located.display)
        reader = AtlasBuilder(layout, located.display, progress, known_categories_only=True, review=review)
    else:
        layout = doc
        reader = AtlasBuilder(doc, located.display, progress)
    outcome = reader.run()
    if located.data and not located.data.endswith(b"\n"):  # the published files end with a line break
        reader.flag("(file)", "", located.data[-60:].decode("utf-8", errors="replace"),
                    "the file does not end with a line break: it looks cut short", damage=True)
    outcome.provenance = Provenance(
        source_file=located.display,
        sha256=sha256(located.data),
        title=f"MITRE ATLAS ({clean(layout.get('name')) or 'Adversarial Threat Landscape for AI Systems'})",
        version=clean(layout.get("version")),
        license=LICENSE,
        attribution=_attribution(path),
        homepage=HOMEPAGE,
    )
    return outcome
