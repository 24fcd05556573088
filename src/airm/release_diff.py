"""``airm diff OLD NEW --migration FILE``: what happened to a source's identifiers between two of its releases, and
the migration from one to the other as an SSSOM mapping set.

Each side is a build (or export) holding an import of the same source; every imported identifier carries the release
it was read from (``airm:inRelease``, added at import). Records are paired within their source's namespace
(``.../id/atlas/``) and type:

- kept: the same identifier, with a label and a definition close to the old ones;
- changed in meaning: the same identifier, but its label or its definition changed beyond the threshold (the
  identifier now names something else: links made to the old meaning need a look);
- renamed: an identifier gone and another one new whose label and definition match it (a renumbered record);
- removed and added: the rest.

Closeness is rapidfuzz's ``fuzz.ratio`` over case-folded, whitespace-collapsed text, 0 to 1; ``THRESHOLD`` is the
least that counts as the same. The migration set maps each old identifier to its successor (``skos:exactMatch``; a
changed one ``skos:relatedMatch``; a removed one to ``sssom:NoTermFound``, an added one from it), and, for every
curated crosswalk row starting from a renamed record, the same row from its new identifier: a chained mapping
(``semapv:MappingChaining``) whose ``mapping_source`` is the crosswalk's set, that set also named in the migration
set's ``mapping_set_source``. (SSSOM 1.1 has no mapping-level ``derived_from`` slot: these two are its slots for a
mapping derived from another set.) Crosswalk rows touching a removed, renamed or changed
record are listed for review.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .atomic import write_file
from .diff import Snapshot
from .namespaces import curie
from .sssom import NO_MATCH, NO_TERM_FOUND, Mapping, MappingSet, to_tsv

THRESHOLD = 0.8
IN_RELEASE = "https://w3id.org/airm#inRelease"
IDENTIFIERS = ("http://purl.org/dc/terms/identifier", "http://www.w3.org/2004/02/skos/core#notation")
DEFINITIONS = ("http://www.w3.org/2004/02/skos/core#definition", "http://purl.org/dc/terms/description")
SKOS = "http://www.w3.org/2004/02/skos/core#"
LEXICAL = "https://w3id.org/semapv/vocab/LexicalMatching"
CHAINING = "https://w3id.org/semapv/vocab/MappingChaining"
MIGRATION_SET = "https://w3id.org/airm/id/mapping/migration"


@dataclass(frozen=True)
class Record:
    iri: str
    namespace: str
    identifier: str
    type: str
    release: str
    label: str
    definition: str


@dataclass
class ReleaseDiff:
    old_releases: list[str]
    new_releases: list[str]
    kept: list[tuple[Record, Record]] = field(default_factory=list)
    changed: list[tuple[Record, Record, float, float]] = field(default_factory=list)
    renamed: list[tuple[Record, Record, float]] = field(default_factory=list)
    removed: list[Record] = field(default_factory=list)
    added: list[Record] = field(default_factory=list)
    crosswalks: list[dict] = field(default_factory=list)  # curated rows whose records moved, for review
    chained: list = field(default_factory=list)  # sssom.Mapping rows carried over to renamed identifiers

    def to_dict(self) -> dict:
        def ident(r: Record) -> dict:
            return {"id": r.identifier, "iri": r.iri, "label": r.label, "release": r.release}

        return {
            "old_release": self.old_releases, "new_release": self.new_releases,
            "kept": [ident(b) for _, b in self.kept],
            "changed": [{"old": ident(a), "new": ident(b), "label_similarity": round(ls, 3),
                         "definition_similarity": round(ds, 3)} for a, b, ls, ds in self.changed],
            "renamed": [{"old": ident(a), "new": ident(b), "similarity": round(s, 3)} for a, b, s in self.renamed],
            "removed": [ident(r) for r in self.removed],
            "added": [ident(r) for r in self.added],
            "crosswalks_to_review": self.crosswalks,
            "summary": {k: len(getattr(self, k)) for k in ("kept", "added", "removed", "renamed", "changed")},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        return self.to_text() + "\n"

    def to_text(self) -> str:
        releases = f"{', '.join(self.old_releases) or 'no release'} -> {', '.join(self.new_releases) or 'no release'}"
        lines = [f"identifiers ({releases}): {len(self.kept)} kept, {len(self.added)} added, {len(self.removed)} "
                 f"removed, {len(self.renamed)} renamed, {len(self.changed)} changed in meaning"]
        lines += [f"  + {r.identifier} \"{r.label}\"" for r in self.added]
        lines += [f"  - {r.identifier} \"{r.label}\"" for r in self.removed]
        lines += [f"  > {a.identifier} -> {b.identifier} \"{b.label}\" (similarity {s:.2f})"
                  for a, b, s in self.renamed]
        lines += [f"  ~ {b.identifier} \"{a.label}\" -> \"{b.label}\" (label {ls:.2f}, definition {ds:.2f})"
                  for a, b, ls, ds in self.changed]
        lines.append(f"curated crosswalk rows to review: {len(self.crosswalks)}")
        lines += [f"  ! {c['subject']} {c['predicate']} {c['object']} ({c['why']}; set {c['mapping_set']})"
                  for c in self.crosswalks]
        return "\n".join(lines)


def _value(rendered: str) -> str:
    """The text of a literal as :mod:`airm.diff` renders it (a JSON string, then @lang or ^^datatype)."""
    if rendered.startswith('"'):
        return json.JSONDecoder().raw_decode(rendered)[0]
    return rendered


def _first(desc: dict, props) -> str:
    for p in props:
        values = sorted(_value(v) for v in desc.get(p, ()))
        if values:
            return values[0]
    return ""


def records(snap: Snapshot) -> dict[tuple[str, str], Record]:
    """The snapshot's imported records (those pinned to a release), by (namespace, identifier)."""
    out = {}
    for iri, desc in snap.descriptions.items():
        if IN_RELEASE not in desc or snap.kinds.get(iri) != "records":
            continue
        identifier = _first(desc, IDENTIFIERS)
        namespace = iri.rsplit("/", 1)[0] + "/" if "/" in iri else iri
        out[(namespace, identifier)] = Record(iri, namespace, identifier, snap.types.get(iri, ""),
                                              _first(desc, (IN_RELEASE,)), snap.labels.get(iri, ""),
                                              _first(desc, DEFINITIONS))
    return out


def similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    if a == b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


def compare(old: Snapshot, new: Snapshot, threshold: float = THRESHOLD) -> ReleaseDiff:
    """Pair the two sides' pinned records: kept, changed in meaning, renamed, removed, added."""
    a, b = records(old), records(new)
    result = ReleaseDiff(sorted({r.release for r in a.values()}), sorted({r.release for r in b.values()}))
    for key in sorted(a.keys() & b.keys()):
        ra, rb = a[key], b[key]
        ls, ds = similarity(ra.label, rb.label), similarity(ra.definition, rb.definition)
        if ls >= threshold and ds >= threshold:
            result.kept.append((ra, rb))
        else:
            result.changed.append((ra, rb, ls, ds))
    gone = [a[k] for k in sorted(a.keys() - b.keys())]
    new_ones = {k: b[k] for k in sorted(b.keys() - a.keys())}
    candidates = []
    for ra in gone:
        for rb in new_ones.values():
            if rb.namespace == ra.namespace and rb.type == ra.type:
                score = min(similarity(ra.label, rb.label), similarity(ra.definition, rb.definition))
                if score >= threshold:
                    candidates.append((-score, ra.identifier, rb.identifier, ra, rb))
    taken_old, taken_new = set(), set()
    for negative, _, _, ra, rb in sorted(candidates, key=lambda c: c[:3]):
        if ra.iri not in taken_old and rb.iri not in taken_new:
            result.renamed.append((ra, rb, -negative))
            taken_old.add(ra.iri)
            taken_new.add(rb.iri)
    result.removed = [r for r in gone if r.iri not in taken_old]
    result.added = [r for r in new_ones.values() if r.iri not in taken_new]
    _crosswalks(old, result)
    return result


def _crosswalks(old: Snapshot, result: ReleaseDiff) -> None:
    """Curated crosswalk rows of the old side touching a record that moved: for review, and carried over (chained)
    to the new identifier of a renamed record."""
    moved = {r.iri: "removed" for r in result.removed}
    moved.update({a.iri: "changed in meaning" for a, _, _, _ in result.changed})
    renamed = {a.iri: b for a, b, _ in result.renamed}
    moved.update({iri: f"renamed to {b.identifier}" for iri, b in renamed.items()})
    for (s, p, o), fields in sorted(old.mappings.items()):
        for end in (s, o):
            if end in moved:
                result.crosswalks.append({"subject": curie(s), "predicate": curie(p), "object": curie(o),
                                          "why": f"{curie(end)} {moved[end]}",
                                          "mapping_set": curie(fields["mapping_set"]) if fields["mapping_set"] else ""})
        if s in renamed:
            result.chained.append(Mapping(
                subject_id=renamed[s].iri, predicate_id=p, object_id=o, mapping_justification=CHAINING,
                subject_label=renamed[s].label, object_label=fields["object_label"],
                comment=f"{curie(s)}, renamed to {renamed[s].identifier}, chained with the crosswalk row",
                mapping_source=fields["mapping_set"]))


def migration_set(result: ReleaseDiff):
    """The migration as an SSSOM mapping set: each old identifier to its successor (see the module docstring)."""
    def row(a: Record | None, b: Record | None, predicate: str, comment: str, score: float | None = None):
        return Mapping(subject_id=a.iri if a else NO_TERM_FOUND, predicate_id=predicate,
                       object_id=b.iri if b else NO_TERM_FOUND, mapping_justification=LEXICAL,
                       subject_label=a.label if a else None, object_label=b.label if b else None,
                       confidence=f"{score:.3f}" if score is not None else None, comment=comment)

    rows = [row(a, b, SKOS + "exactMatch", "kept") for a, b in result.kept]
    rows += [row(a, b, SKOS + "exactMatch", f"renamed: {a.identifier} became {b.identifier}", s)
             for a, b, s in result.renamed]
    rows += [row(a, b, SKOS + "relatedMatch", f"changed in meaning (label {ls:.2f}, definition {ds:.2f})",
                 min(ls, ds)) for a, b, ls, ds in result.changed]
    rows += [row(a, None, NO_MATCH, "removed") for a in result.removed]
    rows += [row(None, b, SKOS + "exactMatch", "added") for b in result.added]
    old, new = ", ".join(result.old_releases), ", ".join(result.new_releases)
    return MappingSet(
        id=f"{MIGRATION_SET}/" + re.sub(r"[^A-Za-z0-9._-]+", "_", f"{old}--{new}"),
        title=f"Migration of identifiers from release {old} to release {new}",
        description="Made by airm diff --migration: kept, renamed, changed, removed and added identifiers, and "
                    "curated crosswalk rows carried over to renamed identifiers (mapping_source: their set).",
        version=new, sources=tuple(sorted({m.mapping_source for m in result.chained if m.mapping_source})),
        mappings=rows + result.chained)


def write_migration(old: Snapshot, new: Snapshot, path) -> ReleaseDiff:
    """Compare the two sides' releases and write the migration set to ``path`` (whole, or not at all)."""
    result = compare(old, new)
    write_file(path, to_tsv(migration_set(result)))
    return result
