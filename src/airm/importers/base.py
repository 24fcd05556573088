"""What every importer returns, so the workspace can store, validate and report any source the same way.

An importer is a module in this package exposing ``NAME`` (the CLI's SOURCE), ``DESCRIPTION`` and
``EXPECTED`` (the input it wants, for error messages) and
``read(path: Path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome``. ``read`` never writes anything:
storing the graph atomically, the review file and the provenance record is the workspace's job
(``airm.importers.store``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReviewRow:
    """A row, or one field of it, that was not imported as is: the user can look it up and fix the source."""

    row: str  # the source's own locator: "sheet!row 12", "line 40", "AML.M0018"
    field: str
    value: str
    reason: str
    damage: bool = False  # the input looks damaged here (a required field empty, a record cut short), not a quirk


@dataclass
class Provenance:
    """Where an imported graph came from: recorded in the graph (PROV/DCAT) and in `airm sources`."""

    source_file: str
    sha256: str
    title: str
    version: str | None = None  # release, or commit of the copy
    license: str | None = None  # an IRI where one exists (SPDX / creativecommons.org)
    attribution: str | None = None
    homepage: str | None = None


@dataclass
class ImportOutcome:
    """Triples to store as the source's named graph, rows sent to review, and counts for the summary."""

    triples: list = field(default_factory=list)  # pyoxigraph.Triple
    review: list[ReviewRow] = field(default_factory=list)
    provenance: Provenance | None = None
    counts: dict[str, int] = field(default_factory=dict)  # e.g. {"risks": 1612, "papers": 65}
    rows_read: int = 0
    rows_imported: int = 0


class NullProgress:
    """The progress interface importers call; the CLI passes a rich bar on a terminal, this elsewhere."""

    def start(self, total: int | None, description: str) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


NO_PROGRESS = NullProgress()  # stateless, so one shared instance serves as every default
