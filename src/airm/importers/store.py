"""Store an imported source in the user's workspace: read it, add its provenance, validate it, then write its graph,
its record and its review file, all or nothing (the files and their layout: :mod:`airm.workspace`).

The graph holds no clock value, so re-importing the same file changes nothing in it; the time of the import is in
the JSON record only. The three files are replaced together or not at all (``airm.workspace.write_source``: staged,
journalled, renamed; an import killed outright is finished or dropped by the next command that opens the
workspace). ``airm.load`` keys its cache by a hash of the input files, so a re-import is seen by the next query
without further ado.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import InputFileError, UserError, ValidationFailed
from ..graph import embedded_sources, load_sources
from ..namespaces import curie, expand
from ..validation import context_digest, validate
from ..version import __version__
from ..workspace import (
    import_graph_iri,
    imported_sources,
    serialize_nquads,
    stored_triples,
    workspace_dir,
    write_source,
)
from . import REGISTRY, importer
from .base import NO_PROGRESS, ImportOutcome, NullProgress, Provenance
from .inputs import MAX_VALUE_CHARS
from .toolkit import Triples, V, en, iri, plain, sha256

MAX_REVIEW_VALUE = 300


@dataclass
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do)."""

    source: str
    input: str
    workspace: Path
    graph: str
    dry_run: bool
    provenance: Provenance
    rows_read: int
    rows_imported: int
    review_entries: int
    review_rows: int
    counts: dict[str, int]
    trimmed: int  # text values whose leading/trailing whitespace was removed (normalise_text)
    damage: list[str]  # what looked damaged and was accepted (--accept-damage): what was lost
    classes: dict[str, int]
    classes_before: dict[str, int]
    triples: int
    triples_before: int
    added: int
    removed: int
    warnings: int
    infos: int
    files: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows_not_imported(self) -> int:
        return self.rows_read - self.rows_imported

    @property
    def review_path(self) -> Path:
        return self.workspace / "review" / f"{self.source}.tsv"

    def lines(self) -> list[str]:
        """The summary a person reads after ``airm import``."""
        verb = "would import" if self.dry_run else "imported"
        out = [
            f"{self.source}: {verb} {self.rows_imported} of {self.rows_read} rows from {self.provenance.source_file}"
            + (f" ({self.provenance.version})" if self.provenance.version else ""),
        ]
        review = f"{self.rows_not_imported} row(s) not imported, {self.review_entries} review entr"
        review += "y" if self.review_entries == 1 else "ies"
        review += f" for {self.review_rows} row(s)"
        if self.dry_run:
            out.append(f"  review: {review} (would be written to {self.review_path})")
        else:
            out.append(f"  review: {review} -> {self.review_path}")
        out.append(f"  graph <{self.graph}>: {self.triples} triples"
                   + (f" ({self.added} added, {self.removed} removed against the current import)"
                      if self.triples_before or self.dry_run else ""))
        for name in sorted(set(self.classes) | set(self.classes_before)):
            now, before = self.classes.get(name, 0), self.classes_before.get(name, 0)
            change = f" (was {before})" if before != now and (self.triples_before or self.dry_run) else ""
            out.append(f"  {name}: {now}{change}")
        if self.damage:
            out.append(f"  damage accepted, {len(self.damage)} problem(s); what was lost:")
            out += [f"    {line}" for line in self.damage[:20]]
            if len(self.damage) > 20:
                out.append(f"    ... and {len(self.damage) - 20} more in {self.review_path}")
        out.append(f"  text kept as the source spells it; {self.trimmed} value(s) trimmed of leading/trailing "
                   "whitespace (the one normalisation airm applies)")
        out.append(f"  validation: conforms, {self.warnings} warning(s), {self.infos} info(s)")
        if self.dry_run:
            out.append("  dry run: nothing was written")
        else:
            out.append(f"  written: {self.files['graph']}")
        return out

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k not in ("workspace", "files", "provenance")}
        d["workspace"] = str(self.workspace)
        d["files"] = {k: str(v) for k, v in self.files.items()}
        d["provenance"] = asdict(self.provenance)
        d["rows_not_imported"] = self.rows_not_imported
        return d


def source_names() -> list[str]:
    return sorted(REGISTRY)


def import_source(name: str, path, *, workspace=None, dry_run: bool = False, accept_damage: bool = False,
                  progress: NullProgress = NO_PROGRESS) -> ImportSummary:
    """Import SOURCE ``name`` from ``path`` into the workspace (see the module docstring); returns a summary.

    Raises InputFileError when the input cannot be read or looks damaged (a required field empty, a record or the
    file cut short: importers mark such review rows ``damage``) unless ``accept_damage``, ValidationFailed when the
    graph does not conform to the shapes; in each case nothing is written. Accepted damage is listed in the summary.
    """
    if name not in REGISTRY:
        raise UserError(f"unknown source {name!r}", hint="one of: " + ", ".join(source_names()))
    ws = workspace_dir(workspace)
    timings: dict[str, float] = {}
    module, outcome = _read(name, path, progress, timings)
    damage = _check_damage(outcome, path, accept_damage)
    graph = ox.NamedNode(import_graph_iri(name))
    triples, trimmed = normalise_text(outcome.triples)
    triples.update(release_triples(triples, outcome.provenance))
    triples.update(provenance_triples(name, outcome.provenance, getattr(module, "DERIVED_FROM", None)))
    check_values(triples, path)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    before = stored_triples(ws, name)
    report = _validated(quads, name, ws, outcome.provenance, progress, timings)
    summary = ImportSummary(
        source=name, input=str(path), workspace=ws, graph=graph.value, dry_run=dry_run,
        provenance=outcome.provenance, rows_read=outcome.rows_read, rows_imported=outcome.rows_imported,
        review_entries=len(outcome.review), review_rows=len({r.row for r in outcome.review}),
        counts=dict(outcome.counts), trimmed=trimmed, damage=[damage_line(r) for r in damage],
        classes=class_counts(triples), classes_before=class_counts(before), triples=len(triples),
        triples_before=len(before), added=len(triples - before), removed=len(before - triples),
        warnings=report.count("Warning"), infos=report.count("Info"), seconds=timings,
    )
    if dry_run:
        return summary
    t0 = time.perf_counter()
    progress.start(None, f"writing {name}")
    nq = serialize_nquads(quads)
    read_back(nq, len(quads), path)
    summary.files = write_source(ws, name, graph=nq, record=import_record(summary, module, outcome, nq),
                                 review=review_tsv(outcome.review))
    timings["write"] = time.perf_counter() - t0
    return summary


def _read(name: str, path, progress, timings: dict) -> tuple:
    """The importer's module and what it read from ``path`` (with its provenance, or a UserError)."""
    t0 = time.perf_counter()
    module = importer(name)
    outcome: ImportOutcome = module.read(Path(path), progress=progress)
    timings["read"] = time.perf_counter() - t0
    if outcome.provenance is None:
        raise UserError(f"the {name} importer gave no provenance for {path}")
    return module, outcome


def _check_damage(outcome: ImportOutcome, path, accept_damage: bool) -> list:
    """The review rows that mark damage; unless ``accept_damage``, any such row refuses the import."""
    damage = [r for r in outcome.review if r.damage]
    if damage and not accept_damage:
        raise InputFileError(path, f"the input looks damaged ({len(damage)} problem(s)); nothing was imported:\n"
                             + "\n".join("  " + damage_line(r) for r in damage[:10])
                             + (f"\n  ... and {len(damage) - 10} more" if len(damage) > 10 else ""),
                             hint="download the file again; or import what can be read with --accept-damage (what "
                                  "is lost is then listed in the summary and the review file)")
    return damage


def _validated(quads, name: str, ws: Path, provenance: Provenance, progress, timings: dict):
    """The validation report of the new graph; ValidationFailed, naming the first violations, when it does not
    conform."""
    t0 = time.perf_counter()
    progress.start(None, f"validating {name}")
    report = validate_import(quads, name, workspace=ws)
    timings["validate"] = time.perf_counter() - t0
    if not report.conforms:
        violations = [p for p in report.problems if p.severity == "Violation"]
        shown = "\n".join("  " + p.to_line() for p in violations[:10])
        more = f"\n  ... and {len(violations) - 10} more" if len(violations) > 10 else ""
        raise ValidationFailed(
            f"{name}: the imported graph does not conform to the shapes ({len(violations)} violation(s)); "
            f"nothing was written. First problems:\n{shown}{more}",
            hint="this is a bug of the importer or of its input: report it with the input's name and checksum "
                 f"({provenance.source_file}, sha256 {provenance.sha256[:12]})",
        )
    return report


def import_record(summary: ImportSummary, module, outcome: ImportOutcome, nq: bytes) -> dict:
    """The source's record (sources/NAME.json): provenance, counts, validation context, when it was imported."""
    name = summary.source
    return {
        "source": name,
        "description": getattr(module, "DESCRIPTION", ""),
        "graph": summary.graph,
        "file": f"sources/{name}.nq",
        "file_sha256": sha256(nq),
        # path: where the input is; given: the path as the user typed it, which `airm sources` shows
        "input": {"path": str(Path(summary.input).resolve()), "given": str(summary.input),
                  **asdict(outcome.provenance)},
        "rows": {"read": outcome.rows_read, "imported": outcome.rows_imported,
                 "not_imported": outcome.rows_read - outcome.rows_imported, "in_review": summary.review_rows},
        "review": {"file": f"review/{name}.tsv", "entries": len(outcome.review)},
        "counts": dict(outcome.counts),
        "normalisation": {"trimmed": summary.trimmed, "rule": TRIM_RULE},
        "classes": summary.classes,
        "triples": summary.triples,
        "validation": {"violations": 0, "warnings": summary.warnings, "infos": summary.infos,
                       "context": context_digest()},
        "importedAt": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "airm_version": _version(),
    }


# --- graph pieces ---------------------------------------------------------------------------------------------------


def provenance_triples(name: str, prov: Provenance, derived_from: str | None = None) -> list:
    """The import record: importrec:<name> (prov:Entity, dcat:Dataset) with file name, checksum, version, licence
    and attribution. No timestamp, so that the same input gives the same graph."""
    rec = iri("importrec", name)
    checksum = iri("importrec", f"{name}-sha256")
    t = Triples()
    t.add(rec, V.type, V.Entity)
    t.add(rec, V.type, V.Dataset)
    t.add(rec, V.label, en(f"Import of {prov.title}" if prov.title else f"Import of {name}"))
    if prov.title:
        t.add(rec, V.title, en(prov.title))
    t.add(rec, V.identifier, plain(name))
    t.add(rec, V.spdxFileName, plain(public_name(prov.source_file)))
    t.add(rec, V.spdxChecksum, checksum)
    t.add(checksum, V.type, V.Checksum)
    t.add(checksum, V.algorithm, V.sha256)
    t.add(checksum, V.checksumValue, plain(prov.sha256))
    if prov.version:
        t.add(rec, V.hasVersion, plain(prov.version))
    if prov.license:
        lic = prov.license
        t.add(rec, V.license, ox.NamedNode(lic) if re.match(r"^https?://\S+$", lic) else plain(lic))
    if prov.attribution:
        t.add(rec, V.bibliographicCitation, plain(prov.attribution))
    if prov.homepage:
        t.add(rec, V.landingPage, ox.NamedNode(prov.homepage))
    if derived_from:
        target = expand(derived_from) if not derived_from.startswith("http") else derived_from
        if target:
            t.add(rec, V.wasDerivedFrom, ox.NamedNode(target))
    return list(t)


def release_triples(triples, prov: Provenance) -> list:
    """``airm:inRelease`` on every imported record that carries a source identifier (``dcterms:identifier`` or
    ``skos:notation``), naming the release it was read from: an identifier means what its release says ("AML.T0051"
    in ATLAS 2026.09, "LLM01" in OWASP LLM 2025), and ``airm diff --migration`` compares two releases by it. The
    source's dataset nodes carry their version already (``dcat:version``); a source read without a version pins
    nothing."""
    if not prov.version:
        return []
    keys = (V.identifier, V.notation)
    datasets = {t.subject for t in triples if t.predicate == V.type and t.object == V.Dataset}
    subjects = {t.subject for t in triples if t.predicate in keys} - datasets
    in_release, release = iri("airm", "inRelease"), plain(prov.version)
    return [ox.Triple(s, in_release, release) for s in sorted(subjects, key=str)]


TRIM_RULE = "leading and trailing whitespace removed from every text value; nothing else is changed"


def normalise_text(triples) -> tuple[set, int]:
    """The triples (as a set) with every literal's leading and trailing whitespace removed, and how many were
    changed: the one normalisation applied to every source alike (importers pass text through as the source spells
    it, line breaks and inner spaces included), so that a label never ends in a stray space or newline."""
    out, trimmed = set(), 0
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.value != o.value.strip():
            trimmed += 1
            o = (ox.Literal(o.value.strip(), language=o.language) if o.language
                 else ox.Literal(o.value.strip(), datatype=o.datatype))
        out.add(ox.Triple(t.subject, t.predicate, o))
    return out, trimmed


def check_values(triples, path) -> None:
    """Refuse a text value over MAX_VALUE_CHARS, naming the input and the record: the graph file must be readable
    by every parser airm uses (pyoxigraph stops at a 16 MiB line), or the whole workspace would be unreadable."""
    for t in triples:
        if isinstance(t.object, ox.Literal) and len(t.object.value) > MAX_VALUE_CHARS:
            raise InputFileError(path, f"record {curie(t.subject.value)}: its {curie(t.predicate.value)} is "
                                       f"{len(t.object.value):,} characters, over airm's limit of "
                                       f"{MAX_VALUE_CHARS:,} for one value; nothing was imported",
                                 hint="shorten that value in the file, or use the publisher's original file")


def read_back(nq: bytes, expected: int, path) -> None:
    """Parse the N-Quads about to be committed, as every later command will: a graph that does not read back whole
    is never written (it would make every command that loads the workspace fail)."""
    try:
        found = sum(1 for _ in ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    except (SyntaxError, ValueError, MemoryError) as e:
        raise InputFileError(path, f"the graph made from this input does not read back ({type(e).__name__}: {e}); "
                                   "nothing was imported", hint="report it with the input file") from None
    if found != expected:
        raise InputFileError(path, f"the graph made from this input reads back as {found} statements, not "
                                   f"{expected}; nothing was imported", hint="report it with the input file")


def public_name(source_file: str) -> str:
    """The input's name without the user's folders (``/home/me/dl/ATLAS.yaml`` -> ``ATLAS.yaml``; a wheel member
    keeps its path inside the wheel): the published graph must not carry local paths."""
    outer, sep, inner = str(source_file).partition("!")
    names = [Path(part.strip()).name for part in outer.split(" + ")]
    return " + ".join(names) + sep + inner


def class_counts(triples) -> dict[str, int]:
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    counts: dict[str, int] = {}
    for t in triples:
        if t.predicate.value == rdf_type:
            k = curie(t.object.value)
            counts[k] = counts.get(k, 0) + 1
    return dict(sorted(counts.items()))


def damage_line(r) -> str:
    return f"{r.row}" + (f" {r.field}" if r.field else "") + f": {r.reason}"


def review_tsv(review) -> bytes:
    """The review file: one line per entry, cells on one line and cut to MAX_REVIEW_VALUE characters, and a cell a
    spreadsheet would run as a formula (= + - @) prefixed with an apostrophe, as the csv-safe result format does:
    the values come from the user's input, which anyone may have written."""

    def clean(text: str) -> str:
        text = re.sub(r"\s+", " ", str(text)).strip()
        text = text if len(text) <= MAX_REVIEW_VALUE else text[: MAX_REVIEW_VALUE - 1] + "…"
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text

    lines = ["row\tfield\tvalue\treason"]
    lines += ["\t".join(clean(x) for x in (r.row, r.field, r.value, ("damage: " if r.damage else "") + r.reason))
              for r in review]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- validation -----------------------------------------------------------------------------------------------------


def validate_import(quads, name: str, *, workspace=None):
    """SHACL-validate a new import graph, with the embedded ontology and data and what it links to in the other
    imported sources as context. Only the nodes of the new graph (and the nodes it links to that no other import
    describes) are checked: the curated data is checked by its own tests, the other imports by their own imports."""
    dataset = load_sources(embedded_sources(include_data=True))
    store = dataset.store
    store.extend(quads)
    subjects, objects = set(), set()
    for q in quads:
        subjects.add(q.subject)
        if isinstance(q.object, ox.NamedNode):
            objects.add(q.object)
    linked = subjects | objects
    own = import_graph_iri(name)
    context = ox.NamedNode(own + "#context")
    described_elsewhere = set()
    for src in imported_sources(workspace):
        if src.graph == own:
            continue
        try:
            with open(src.path, "rb") as f:
                found = [ox.Quad(q.subject, q.predicate, q.object, context)
                         for q in ox.parse(f, format=ox.RdfFormat.N_QUADS) if q.subject in linked]
        except (OSError, SyntaxError, ValueError, MemoryError):
            continue  # that source's own problem; `airm validate` and `airm build` report it
        store.extend(found)
        described_elsewhere.update(q.subject for q in found)
    graphs = dataset.graphs_of("data") + [own, context.value]
    return validate(dataset, focus=subjects | (objects - described_elsewhere), graphs=graphs,
                    include_ontology_check=False)


def _version() -> str:
    return __version__


__all__ = ["ImportSummary", "import_source", "validate_import", "source_names"]


class TerminalProgress(NullProgress):
    """A rich progress bar on a terminal (the CLI uses it only when stderr is one; pipes stay quiet)."""

    def __init__(self, stream):
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(file=stream), transient=True)
        self._task = None

    def __enter__(self):
        self._progress.start()
        return self

    def __exit__(self, *exc):
        self._progress.stop()
        return False

    def start(self, total, description: str) -> None:
        if self._task is not None:
            self._progress.update(self._task, visible=False)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)
