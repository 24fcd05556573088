"""``airm diff OLD NEW``: what changed between two builds or export files, in words and as JSON.

An input is a build folder (its ``airm.nt``, else ``airm.ttl``, else ``airm.jsonld``), an RDF export (``.ttl``,
``.nt``, ``.jsonld``, ``.rdf``...) or an SSSOM table (``.sssom.tsv``, mappings only). Three kinds of entity are
compared:

- terms: the ontology's own classes and properties (``https://w3id.org/airm#``);
- records: every other resource with a type (mitigations, risks, techniques, documents, concepts, schemes...);
- mappings: alignments and crosswalk rows, by subject, predicate and object (see :mod:`airm.sssom`).

An entity is *changed* when the statements about it differ; blank-node values (author lists) are compared by
content. Entailments are part of a build, so a new alignment also shows as new types on the records it reaches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import sssom
from .errors import InputFileError
from .export import release
from .namespaces import curie
from .parsing import parse_file
from .vocab import AIRM, Dcterms, Owl, Rdf, Rdfs, Skos, Xsd

RDF_TYPE = Rdf.type
LABELS = (Skos.prefLabel, Rdfs.label, Dcterms.title)
TERM_TYPES = {
    Owl.Class: "class",
    Owl.ObjectProperty: "object property",
    Owl.DatatypeProperty: "datatype property",
    Owl.AnnotationProperty: "annotation property",
}
KINDS = ("terms", "records", "mappings")


@dataclass
class Snapshot:
    """One side of a diff: entity descriptions, labels, kinds and mappings."""

    source: str
    version: str | None = None
    date: str | None = None
    descriptions: dict[str, dict[str, frozenset]] = field(default_factory=dict)  # entity -> property -> values
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # entity -> "terms" | "records"
    types: dict[str, str] = field(default_factory=dict)
    mappings: dict[tuple, dict] = field(default_factory=dict)
    has_rdf: bool = True


def load(path) -> Snapshot:
    """Read a build folder, an RDF file or an SSSOM table into a snapshot."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file or folder",
                             hint="give two build folders (airm build --out DIR) or export files")
    if path.is_dir():
        for name in ("airm.nt", "airm.ttl", "airm.jsonld"):
            if (path / name).is_file():
                return _from_rdf(path / name, str(path))
        raise InputFileError(path, "not a build folder: no airm.nt, airm.ttl or airm.jsonld in it",
                             hint="build one with: airm build --out DIR")
    if path.name.endswith(".tsv"):
        return _from_sssom(path)
    return _from_rdf(path, str(path))


def _from_sssom(path: Path) -> Snapshot:
    table = sssom.read_tsv(path)
    snap = Snapshot(source=str(path), has_rdf=False)
    snap.version = str(table.metadata.get("mapping_set_version") or "") or None
    snap.date = str(table.metadata.get("mapping_date") or "") or None
    for m in sssom.parse_tsv_mappings(table):
        snap.mappings[(m.subject_id, m.predicate_id, m.object_id)] = _mapping_fields(m)
    return snap


def _mapping_fields(m) -> dict:
    return {"subject_label": m.subject_label, "object_label": m.object_label,
            "justification": m.mapping_justification, "comment": m.comment, "confidence": m.confidence,
            "mapping_set": m.mapping_source}


def _from_rdf(path: Path, display: str) -> Snapshot:
    store = ox.Store()
    store.extend(parse_file(path, None))
    snap = Snapshot(source=display)
    info = release(store)
    snap.version, snap.date = info["version"], info["date"]

    outgoing: dict = {}
    for q in store.quads_for_pattern(None, None, None, None):
        outgoing.setdefault(q.subject, []).append((q.predicate.value, q.object))

    def render(term, depth=0, seen=frozenset()):
        if isinstance(term, ox.NamedNode):
            return term.value
        if isinstance(term, ox.Literal):
            suffix = f"@{term.language}" if term.language else (
                "" if term.datatype.value == Xsd.string else f"^^{term.datatype.value}")
            return json.dumps(term.value, ensure_ascii=False) + suffix
        if term in seen or depth > 20:  # a blank node: by its content
            return "[...]"
        inner = sorted(f"{p} {render(o, depth + 1, seen | {term})}" for p, o in outgoing.get(term, []))
        return "[" + "; ".join(inner) + "]"

    for subject, pairs in outgoing.items():
        if not isinstance(subject, ox.NamedNode):
            continue
        types = sorted(o.value for p, o in pairs if p == RDF_TYPE and isinstance(o, ox.NamedNode))
        if not types:
            continue
        iri = subject.value
        term_kind = next((TERM_TYPES[t] for t in types if t in TERM_TYPES), None)
        if iri.startswith(AIRM) and term_kind:
            snap.kinds[iri], snap.types[iri] = "terms", term_kind
        elif term_kind is None:
            snap.kinds[iri] = "records"
            own = [t for t in types if t.startswith(AIRM)]
            snap.types[iri] = (own or types)[0]
        else:
            continue  # another vocabulary's term named in ours: not an entity of this graph
        desc: dict[str, set] = {}
        for p, o in pairs:
            desc.setdefault(p, set()).add(render(o))
        snap.descriptions[iri] = {p: frozenset(v) for p, v in desc.items()}
        for lp in LABELS:
            values = sorted(o.value for p, o in pairs if p == lp and isinstance(o, ox.Literal))
            if values:
                snap.labels[iri] = values[0]
                break
    for mset in sssom.collect(store):
        for m in mset.mappings:
            snap.mappings[(m.subject_id, m.predicate_id, m.object_id)] = _mapping_fields(m)
    return snap


@dataclass
class DiffResult:
    old: Snapshot
    new: Snapshot
    sections: dict = field(default_factory=dict)  # kind -> {"added": [...], "removed": [...], "changed": [...]}

    @property
    def empty(self) -> bool:
        return not any(v for s in self.sections.values() for v in s.values())

    def to_dict(self) -> dict:
        return {
            "old": {"source": self.old.source, "version": self.old.version, "date": self.old.date},
            "new": {"source": self.new.source, "version": self.new.version, "date": self.new.date},
            **self.sections,
            "summary": {k: {c: len(v) for c, v in s.items()} for k, s in self.sections.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=False)

    def to_text(self) -> str:
        def show(item):
            label = f' "{item["label"]}"' if item.get("label") else ""
            kind = f" ({item['type']})" if item.get("type") else ""
            return f"{item['id']}{kind}{label}"

        old, new = self.old, self.new
        lines = [f"{old.source} ({old.version or 'no version'}) -> {new.source} ({new.version or 'no version'})"]
        if self.empty:
            lines.append("no differences")
            return "\n".join(lines)
        for kind in KINDS:
            s = self.sections.get(kind)
            if s is None:
                continue
            lines.append(f"{kind}: {len(s['added'])} added, {len(s['removed'])} removed, {len(s['changed'])} changed")
            for item in s["added"]:
                lines.append(f"  + {show(item)}")
            for item in s["removed"]:
                lines.append(f"  - {show(item)}")
            for item in s["changed"]:
                lines.append(f"  ~ {show(item)}")
                for ch in item["changes"]:
                    parts = [f"+{v}" for v in ch["added"]] + [f"-{v}" for v in ch["removed"]]
                    lines.append(f"      {ch['property']}: {', '.join(parts)}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """A CHANGELOG section: counts and the added and removed entities (changed ones by name)."""
        head = f"## {self.new.version or 'Unreleased'}" + (f" - {self.new.date}" if self.new.date else "")
        out = [head, ""]
        if self.empty:
            out.append("No changes to terms, records or mappings.")
        for kind in KINDS:
            s = self.sections.get(kind)
            if not s or not any(s.values()):
                continue
            out.append(f"### {kind.capitalize()}")
            for verb, sign in (("Added", "added"), ("Removed", "removed"), ("Changed", "changed")):
                for item in s[sign]:
                    label = f" ({item['label']})" if item.get("label") else ""
                    out.append(f"- {verb} `{item['id']}`{label}")
            out.append("")
        return "\n".join(out).rstrip() + "\n"


def _short(value: str) -> str:
    if value.startswith(("http://", "https://", "urn:")):
        return curie(value)
    if len(value) > 120:
        return value[:117] + "..."
    return value


def diff(old, new) -> DiffResult:
    """Compare two snapshots (or paths): added, removed and changed terms, records and mappings."""
    a = old if isinstance(old, Snapshot) else load(old)
    b = new if isinstance(new, Snapshot) else load(new)
    result = DiffResult(old=a, new=b)
    kinds = KINDS if a.has_rdf and b.has_rdf else ("mappings",)
    for kind in kinds:
        if kind == "mappings":
            keys_a, keys_b = set(a.mappings), set(b.mappings)

            def item(k, snap):
                f = snap.mappings[k]
                return {"id": f"{curie(k[0])} {curie(k[1])} {curie(k[2])}", "subject": k[0], "predicate": k[1],
                        "object": k[2],
                        "label": " / ".join(x for x in (f["subject_label"], f["object_label"]) if x) or None,
                        "mapping_set": f["mapping_set"]}

            changed = []
            for k in sorted(keys_a & keys_b):
                fa, fb = a.mappings[k], b.mappings[k]
                changes = [{"property": name, "added": [str(fb[name])] if fb[name] is not None else [],
                            "removed": [str(fa[name])] if fa[name] is not None else []}
                           for name in sorted(fa) if fa[name] != fb[name]]
                if changes:
                    changed.append({**item(k, b), "changes": changes})
            result.sections[kind] = {
                "added": [item(k, b) for k in sorted(keys_b - keys_a)],
                "removed": [item(k, a) for k in sorted(keys_a - keys_b)],
                "changed": changed,
            }
            continue
        ids_a = {e for e, k in a.kinds.items() if k == kind}
        ids_b = {e for e, k in b.kinds.items() if k == kind}

        def entity(e, snap):
            return {"id": curie(e), "iri": e, "type": _type_name(snap.types.get(e)), "label": snap.labels.get(e)}

        changed = []
        for e in sorted(ids_a & ids_b):
            da, db = a.descriptions[e], b.descriptions[e]
            changes = []
            for p in sorted(set(da) | set(db)):
                va, vb = da.get(p, frozenset()), db.get(p, frozenset())
                if va != vb:
                    changes.append({"property": curie(p), "added": sorted(_short(v) for v in vb - va),
                                    "removed": sorted(_short(v) for v in va - vb)})
            if changes:
                changed.append({**entity(e, b), "changes": changes})
        result.sections[kind] = {
            "added": [entity(e, b) for e in sorted(ids_b - ids_a)],
            "removed": [entity(e, a) for e in sorted(ids_a - ids_b)],
            "changed": changed,
        }
    return result


def _type_name(t: str | None) -> str | None:
    if t is None:
        return None
    if t in TERM_TYPES.values():
        return t
    return curie(t)
