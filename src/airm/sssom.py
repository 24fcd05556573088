"""SSSOM mapping sets: collect airm's mappings from a graph, write them as SSSOM/TSV, read SSSOM/TSV tables back.

Two kinds of mapping live in the graph, and both are published the same way:

- term-level alignments (``ontology/alignments/*.ttl``): an axiom or SKOS match between an airm term or concept and an
  external one, annotated by an ``owl:Axiom`` node carrying its SSSOM fields and ``dcterms:isPartOf`` its set;
- crosswalk rows (``data/mappings/*.ttl`` and imported tables): ``airm:ConceptMapping`` nodes with ``sssom:*`` fields,
  ``prov:wasDerivedFrom`` their mapping table.

The TSV follows the SSSOM 1.0 specification (https://mapping-commons.github.io/sssom/): a YAML metadata block, each line
prefixed with ``#``, holding ``curie_map``, ``mapping_set_id`` and ``license``; then one tab-separated row per mapping
with CURIEs in the ``*_id`` columns. Multi-valued cells are joined with ``|``. It is written with the csv module (no
sssom-py at run time: it pulls in ~100 packages); the tests read every table back with sssom-py.

:func:`read_tsv` is the one reader of SSSOM/TSV tables for airm, used for our own files and for the IBM AI Atlas Nexus
tables: it returns the metadata, the expanded CURIE map and the rows with their line numbers, and reports anything it
cannot read as an :class:`~airm.errors.InputFileError` naming the file and line.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from dataclasses import astuple, dataclass, field
from pathlib import Path

from .errors import InputFileError

SSSOM = "https://w3id.org/sssom/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
AIRM = "https://w3id.org/airm#"
NO_TERM_FOUND = SSSOM + "NoTermFound"
NO_MATCH = AIRM + "noMatch"
UNSPECIFIED_LICENSE = "https://w3id.org/sssom/license/unspecified"
COMBINED_SET = "https://w3id.org/airm/id/mapping/airm"  # the combined sets' ids start so: .../airm-<scope>/<digest>
UNGROUPED_SET = "https://w3id.org/airm/id/mapping/airm-ungrouped"  # crosswalk rows that name no set of their own

# the columns we write, in this order (SSSOM 1.0 slot names); empty columns are left out of a table
COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id", "object_label",
    "mapping_justification", "author_id", "author_label", "mapping_date", "confidence", "comment", "mapping_source",
)

_IDENTIFIER_LIKE = re.compile(r"^(https?://\S+|[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z0-9_.-]+)$")


@dataclass
class Mapping:
    """One mapping, with full IRIs (CURIEs are made only when writing)."""

    subject_id: str
    predicate_id: str
    object_id: str
    mapping_justification: str | None = None
    subject_label: str | None = None
    object_label: str | None = None
    authors: tuple[str, ...] = ()
    mapping_date: str | None = None
    confidence: str | None = None
    comment: str | None = None
    mapping_source: str | None = None  # the IRI of the mapping set it comes from
    kind: str = "crosswalk"  # "alignment" (ontology/alignments) or "crosswalk" (ConceptMapping nodes)

    def key(self) -> tuple[str, str, str, str]:
        return (self.subject_id, self.predicate_id, self.object_id, self.mapping_source or "")


@dataclass
class MappingSet:
    id: str
    title: str | None = None
    description: str | None = None
    license: str | None = None
    version: str | None = None
    creators: tuple[str, ...] = ()
    mapping_date: str | None = None
    references: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # mapping_set_source: the sets this one was derived from
    mappings: list[Mapping] = field(default_factory=list)


# --- collecting mappings from a graph -----------------------------------------------------------------------------

_PREFIXES = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": SKOS,
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "sssom": SSSOM,
    "airm": AIRM,
}

_ALIGNMENTS = """
SELECT ?ax ?s ?p ?o ?set WHERE {
  ?ax a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ; dcterms:isPartOf ?set .
}"""

_CROSSWALKS = """
SELECT ?ax ?s ?p ?o ?set WHERE {
  ?ax a airm:ConceptMapping ; sssom:subject_id ?s ; sssom:predicate_id ?p ; sssom:object_id ?o .
  OPTIONAL { ?ax prov:wasDerivedFrom ?set }
}"""

_FIELDS = """
SELECT ?ax ?f ?v WHERE {
  VALUES ?f { sssom:mapping_justification sssom:subject_label sssom:object_label sssom:author_id sssom:mapping_date
              sssom:confidence sssom:comment }
  ?ax ?f ?v .
}"""

_SET_FIELDS = """
SELECT ?set ?f ?v WHERE {
  VALUES ?f { dcterms:title rdfs:label dcterms:description dcterms:license sssom:author_id dcterms:creator
              sssom:mapping_date dcterms:created dcterms:references }
  ?set ?f ?v .
}"""

_LABELS = """
SELECT ?x ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label }
  ?x ?p ?l . FILTER(isLiteral(?l) && (LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")))
}"""


def _q(store, text):
    return store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True)


def collect(store, *, kinds=("alignment", "crosswalk"), version: str | None = None) -> list[MappingSet]:
    """The mapping sets held by a pyoxigraph store (all graphs), each with its mappings in a stable order."""
    found: dict[str, list[tuple[str, Mapping]]] = {}
    queries = [(k, q) for k, q in (("alignment", _ALIGNMENTS), ("crosswalk", _CROSSWALKS)) if k in kinds]
    for kind, text in queries:
        for sol in _q(store, text):
            ax = sol["ax"]
            s, p, o = (sol[v] for v in ("s", "p", "o"))
            if not all(hasattr(t, "value") and type(t).__name__ == "NamedNode" for t in (s, p, o)):
                continue  # an axiom about an anonymous class expression is no mapping
            set_iri = sol["set"].value if sol["set"] is not None else None
            m = Mapping(subject_id=s.value, predicate_id=p.value, object_id=o.value, mapping_source=set_iri, kind=kind)
            found.setdefault(set_iri or "", []).append((_node_key(ax), m))
    if not found:
        return []
    fields: dict[str, dict[str, list]] = {}
    for sol in _q(store, _FIELDS):
        fields.setdefault(_node_key(sol["ax"]), {}).setdefault(sol["f"].value[len(SSSOM):], []).append(sol["v"])
    labels: dict[str, str] = {}
    for sol in _q(store, _LABELS):
        current = labels.get(sol["x"].value)
        if current is None or sol["l"].value < current:  # one label, the same every time
            labels[sol["x"].value] = sol["l"].value
    set_fields: dict[str, dict[str, list]] = {}
    for sol in _q(store, _SET_FIELDS):
        set_fields.setdefault(sol["set"].value, {}).setdefault(sol["f"].value, []).append(sol["v"].value)

    sets = []
    for set_iri, items in found.items():
        meta = set_fields.get(set_iri, {})
        def first(*keys, meta=meta):
            """The least value of the first key that has any (sorted, so the same every run)."""
            return next((sorted(meta[k])[0] for k in keys if meta.get(k)), None)

        ms = MappingSet(
            id=set_iri or UNGROUPED_SET,
            title=first(_PREFIXES["dcterms"] + "title", _PREFIXES["rdfs"] + "label"),
            description=first(_PREFIXES["dcterms"] + "description"),
            license=first(_PREFIXES["dcterms"] + "license"),
            creators=tuple(sorted(set(meta.get(SSSOM + "author_id", [])
                                      + meta.get(_PREFIXES["dcterms"] + "creator", [])))),
            mapping_date=first(SSSOM + "mapping_date", _PREFIXES["dcterms"] + "created"),
            references=tuple(sorted(set(meta.get(_PREFIXES["dcterms"] + "references", [])))),
            version=version,
        )
        seen = set()
        for node, m in items:
            f = fields.get(node, {})
            def one(name, f=f):
                """The least value of a field (sorted, so the same every run), None when absent."""
                return sorted(v.value for v in f[name])[0] if f.get(name) else None

            m.mapping_justification = one("mapping_justification")
            m.subject_label = one("subject_label") or labels.get(m.subject_id)
            m.object_label = one("object_label") or labels.get(m.object_id)
            m.authors = tuple(sorted({v.value for v in f.get("author_id", [])})) or ms.creators
            m.mapping_date = one("mapping_date") or ms.mapping_date
            m.confidence = one("confidence")
            m.comment = one("comment")
            if m.key() in seen:
                continue
            seen.add(m.key())
            ms.mappings.append(m)
        ms.mappings.sort(key=lambda m: (m.subject_id, m.predicate_id, m.object_id))
        sets.append(ms)
    sets.sort(key=lambda s: s.id)
    return sets


def _node_key(term) -> str:
    return ("_:" if type(term).__name__ == "BlankNode" else "") + term.value


def combine(sets: list[MappingSet], *, version: str | None = None, release_date: str | None = None,
            scope: str = "all") -> MappingSet:
    """All sets as one, each row keeping its origin in ``mapping_source``; one licence only when all agree.

    The combined set's id and version name its rows: one id per distinct set of rows (``.../airm-<scope>/<digest>``),
    so that two tables with different rows (another scope, other imports) never share a mapping_set_id.
    """
    licences = {s.license for s in sets}
    out = MappingSet(
        id=COMBINED_SET,
        title=f"airm mappings ({scope})",
        description="Every mapping the airm graph holds in this scope: alignments of airm's terms and concept schemes "
                    "to other AI-risk vocabularies (ontology), crosswalk rows between risk taxonomies (data), or both "
                    "(all). Each row names its original mapping set (mapping_source), whose licence applies to it.",
        license=licences.pop() if len(licences) == 1 and None not in licences else UNSPECIFIED_LICENSE,
        creators=("The airm developers",),
        mapping_date=release_date,
    )
    for s in sets:
        out.mappings.extend(s.mappings)
    out.mappings.sort(key=lambda m: (m.subject_id, m.predicate_id, m.object_id, m.mapping_source or ""))
    digest = rows_digest(out.mappings)
    out.id = f"{COMBINED_SET}-{scope}/{digest}"
    out.version = f"{version}+{digest}" if version else digest
    return out


def rows_digest(mappings: list[Mapping]) -> str:
    """A short hash of the rows (every field, in order): equal only for the same rows."""
    text = json.dumps([astuple(m) for m in mappings], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# --- writing ------------------------------------------------------------------------------------------------------

class _Curies:
    """IRIs to CURIEs with airm's prefixes; a namespace no prefix covers gets a numbered one (ns1, ns2...)."""

    def __init__(self):
        from .namespaces import prefixes

        self.known = sorted(((ns, p) for p, ns in prefixes().items()), key=lambda x: -len(x[0]))
        self.used: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        for ns, p in self.known:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if re.fullmatch(r"[A-Za-z0-9_.-]*", local) and not local.endswith("."):
                    self.used[p] = ns
                    return f"{p}:{local}"
        m = re.match(r"^(.*[/#])([A-Za-z0-9_.-]*)$", iri)
        ns, local = (m.group(1), m.group(2)) if m and not m.group(2).endswith(".") else (iri, "")
        for p, known in self.used.items():
            if known == ns:
                return f"{p}:{local}"
        n = 1
        while f"ns{n}" in self.used or any(p == f"ns{n}" for _, p in self.known):
            n += 1
        self.used[f"ns{n}"] = ns
        return f"ns{n}:{local}"


def _text(value: str | None) -> str:
    """A free-text cell: one line (tabs and newlines would break many TSV readers)."""
    return " ".join(value.split()) if value else ""


def _yaml_scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar, quoted and escaped


def to_tsv(mset: MappingSet) -> bytes:
    """The mapping set as SSSOM/TSV bytes: the same set always gives the same bytes."""
    curie = _Curies()
    rows = []
    for m in mset.mappings:
        row = {
            "subject_id": curie(m.subject_id),
            "subject_label": _text(m.subject_label),
            "object_label": _text(m.object_label),
            "mapping_justification": curie(m.mapping_justification) if m.mapping_justification else curie(
                "https://w3id.org/semapv/vocab/UnspecifiedMatching"),
            "mapping_date": m.mapping_date or "",
            "confidence": m.confidence or "",
            "comment": _text(m.comment),
            "mapping_source": curie(m.mapping_source) if m.mapping_source and m.mapping_source != mset.id else "",
        }
        if m.predicate_id == NO_MATCH:
            # airm:noMatch: "no counterpart" (object sssom:NoTermFound) or "does not correspond to the object"
            if m.object_id == NO_TERM_FOUND:
                row["predicate_id"], row["predicate_modifier"] = curie(SKOS + "exactMatch"), ""
            else:
                row["predicate_id"], row["predicate_modifier"] = curie(SKOS + "exactMatch"), "Not"
        else:
            row["predicate_id"], row["predicate_modifier"] = curie(m.predicate_id), ""
        row["object_id"] = curie(m.object_id)
        ids = [a for a in m.authors if _IDENTIFIER_LIKE.match(a)]
        names = [a for a in m.authors if not _IDENTIFIER_LIKE.match(a)]
        row["author_id"] = "|".join(curie(a) if a.startswith(("http://", "https://")) else a for a in ids)
        row["author_label"] = "|".join(_text(a) for a in names)
        rows.append(row)
    columns = [c for c in COLUMNS if c in ("subject_id", "predicate_id", "object_id", "mapping_justification")
               or any(r.get(c) for r in rows)]

    meta = ["curie_map:"]
    set_id = mset.id
    license_iri = mset.license or UNSPECIFIED_LICENSE
    for p, ns in sorted(curie.used.items()):
        meta.append(f"  {p}: {_yaml_scalar(ns)}")
    meta.append(f"mapping_set_id: {_yaml_scalar(set_id)}")
    if mset.version:
        meta.append(f"mapping_set_version: {_yaml_scalar(mset.version)}")
    if mset.title:
        meta.append(f"mapping_set_title: {_yaml_scalar(_text(mset.title))}")
    if mset.description:
        meta.append(f"mapping_set_description: {_yaml_scalar(_text(mset.description))}")
    meta.append(f"license: {_yaml_scalar(license_iri)}")
    if mset.creators:
        meta.append("creator_label:")
        meta.extend(f"  - {_yaml_scalar(c)}" for c in mset.creators)
    if mset.mapping_date:
        meta.append(f"mapping_date: {_yaml_scalar(mset.mapping_date)}")
    if mset.sources:
        meta.append("mapping_set_source:")
        meta.extend(f"  - {_yaml_scalar(r)}" for r in mset.sources)
    if mset.references:
        meta.append("see_also:")
        meta.extend(f"  - {_yaml_scalar(r)}" for r in mset.references)

    buf = io.StringIO()
    for line in meta:
        buf.write("#" + line + "\n")
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue().encode("utf-8")


# --- reading ------------------------------------------------------------------------------------------------------

class TableError(InputFileError):
    """A table :func:`read_tsv` cannot read. Beside the message naming file and line, it keeps the bare ``reason``,
    the part of the table at fault (``field``: ``"header"``, ``"metadata"`` or ``""``) and the offending ``text``, so
    that an importer can send the table to review instead of stopping."""

    def __init__(self, path, reason: str, *, line: int | None = None, field: str = "", text: str = "",
                 hint: str | None = None):
        super().__init__(path, reason, line=line, hint=hint)
        self.reason = reason
        self.field = field
        self.text = text


@dataclass
class Row:
    line: int  # the line the row starts on (1-based, counting the metadata block)
    values: dict[str, str]  # column name -> cell, stripped; a missing cell is ""
    end_line: int = 0  # the line it ends on: later than ``line`` only when a quoted cell runs over several lines

    def __post_init__(self):
        self.end_line = self.end_line or self.line


@dataclass
class Table:
    """An SSSOM/TSV table as read: its metadata (YAML), CURIE map, column names and rows with their line numbers."""

    path: str
    metadata: dict
    curie_map: dict[str, str]
    columns: list[str]
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, the row's text, reason)

    def expand(self, curie: str) -> str | None:
        """A CURIE of the table to a full IRI (None when its prefix is not in the CURIE map); IRIs pass through."""
        curie = curie.strip()
        if curie.startswith(("http://", "https://")):
            return curie
        if ":" not in curie:
            return None
        p, local = curie.split(":", 1)
        ns = self.curie_map.get(p)
        if ns is None:
            lowered = {k.casefold(): v for k, v in self.curie_map.items()}
            ns = lowered.get(p.casefold())
        return ns + local if ns is not None else None


def read_tsv(source, *, name: str | None = None, required=("subject_id", "predicate_id", "object_id"),
             bad_rows: str = "raise") -> Table:
    """Read an SSSOM/TSV table from a path or bytes.

    The metadata block is the ``#`` lines before the column names (blank lines among them are skipped). It is YAML
    (safe loader, aliases refused); a block that is not valid YAML is read leniently as ``key: value`` lines with a
    nested ``curie_map`` and a warning, since published tables often bend the format. A table with no metadata block
    reads with empty metadata. Column names are matched case-insensitively (kept case-folded: SSSOM's slot names are
    lower case); every column is kept, whether SSSOM defines it or not (e.g. ``similarity_score``). Line endings may be
    LF, CRLF or CR; a quoted cell may hold tabs and run over lines (as csv and pandas read it); a ``#`` line among the
    rows is a comment.

    Raises :class:`TableError` (an InputFileError) naming the file and line for what cannot be read: not UTF-8, no
    header row, a missing required column, a metadata block with a YAML alias, a cell csv cannot read (a quote never
    closed), a row with more cells than columns (with ``bad_rows="collect"`` such a row goes to ``Table.bad_rows``
    instead, for importers that send rows to review).
    """
    path, lines = _table_lines(source, name)
    header_lines = []
    n = 0
    while n < len(lines) and (lines[n].startswith("#") or not lines[n].strip()):
        if lines[n].startswith("#"):
            header_lines.append(lines[n][1:])
        n += 1
    warnings: list[str] = []
    metadata = _metadata("".join(header_lines), path, warnings)
    curie_map = {str(k): str(v) for k, v in (metadata.get("curie_map") or {}).items()} if isinstance(
        metadata.get("curie_map"), dict) else {}
    columns, rows, collected = _read_body(lines, n, path, required, bad_rows)
    return Table(path=path, metadata=metadata, curie_map=curie_map, columns=columns, rows=rows, warnings=warnings,
                 bad_rows=collected)


def _table_lines(source, name: str | None) -> tuple[str, list[str]]:
    """The table's name for messages, and its text split on line feeds (CRLF and CR line endings made LF)."""
    if isinstance(source, (str, Path)):
        path = str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as e:
            raise InputFileError(path, f"cannot read the mapping table: {e.strerror or e}") from None
    else:
        data, path = bytes(source), name or "<mapping table>"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TableError(path, f"not UTF-8 text (byte {e.start})", hint="save the table as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return path, io.StringIO(text, newline="\n").readlines()  # split on line feeds only, as the csv reader does


def _read_body(lines: list[str], n: int, path: str, required, bad_rows: str):
    """The column names, the rows and the collected bad rows of the table whose body starts at ``lines[n]``."""
    reader = csv.reader(io.StringIO("".join(lines[n:]), newline="\n"), delimiter="\t")
    columns = None
    rows = []
    collected: list[tuple[int, str, str]] = []
    end = n  # the last line read so far
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise TableError(path, f"a row csv cannot read ({e})", line=end + 1,
                             hint="a quote probably opens a cell and is never closed: remove it or close it") from None
        start, end = end + 1, n + reader.line_num
        raw = "".join(lines[start - 1:end]).rstrip("\n")
        if not any(c.strip() for c in cells) or (cells and cells[0].startswith("#")):
            continue
        if columns is None:
            columns = _columns(cells, required, path, start, raw)
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            reason = f"{len(cells)} cells for {len(columns)} columns"
            if bad_rows == "collect":
                collected.append((start, raw, reason))
                continue
            raise TableError(path, reason, line=start, text=raw,
                             hint="a cell probably holds a tab; quote it or remove the tab")
        values = {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)}
        rows.append(Row(line=start, values=values, end_line=end))
    if columns is None:
        raise TableError(path, "no header row",
                         hint="after the # metadata block, an SSSOM table needs a tab-separated line naming its "
                              "columns: subject_id, predicate_id, object_id...")
    return columns, rows, collected


def _columns(cells: list[str], required, path: str, line: int, raw: str) -> list[str]:
    """The column names of the header row (case-folded); TableError when a required one is missing."""
    columns = [c.strip().casefold() for c in cells]
    missing = [c for c in required if c not in columns]
    if missing:
        raise TableError(path, f"not an SSSOM table (no {', '.join(missing)} column)", line=line,
                         field="header", text=raw,
                         hint="the first line after the # metadata block names the columns, tab-separated")
    return columns


def _metadata(text: str, path: str, warnings: list[str]) -> dict:
    import yaml

    if not text.strip():
        return {}
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # refuse aliases before anything is built
            if isinstance(event, yaml.AliasEvent):
                raise TableError(path, "the metadata block uses a YAML alias; SSSOM metadata needs none",
                                 field="metadata", hint="write the values out")
        meta = yaml.safe_load(text)
        if isinstance(meta, dict):
            return {str(k): _plain(v) for k, v in meta.items()}
        warnings.append("the metadata block is not a YAML mapping: read line by line")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark else ""
        warnings.append(f"the metadata block is not valid YAML{at}: read line by line")
    return _lenient_metadata(text)


def _plain(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


_HEADER_KEY = re.compile(r"^(\s*)([A-Za-z_][\w.-]*)\s*:\s*(.*)$")


def _lenient_metadata(text: str) -> dict:
    meta: dict = {}
    nested: dict | None = None
    for raw in text.splitlines():
        m = _HEADER_KEY.match(raw)
        if not m:
            continue
        indent, key, value = m.group(1), m.group(2), m.group(3).strip().strip("'\"")
        if indent and nested is not None:
            nested[key] = value
            continue
        if not value:
            nested = meta.setdefault(key, {})
        else:
            nested = None
            meta[key] = value
    return meta


def parse_tsv_mappings(table: Table, *, mapping_source: str | None = None) -> list[Mapping]:
    """The rows of a table read by :func:`read_tsv` as mappings with full IRIs (rows with unexpandable ids raise)."""
    out = []
    set_date = str(table.metadata.get("mapping_date") or "") or None
    for row in table.rows:
        v = row.values

        def iri(column, v=v, row=row):
            value = v.get(column, "")
            full = table.expand(value) if value else None
            if value and full is None:
                raise InputFileError(table.path, f"{column} {value!r}: prefix not in the curie_map", line=row.line)
            return full

        subject, predicate, obj = iri("subject_id"), iri("predicate_id"), iri("object_id")
        if v.get("predicate_modifier", "") == "Not" or obj == NO_TERM_FOUND:
            predicate = NO_MATCH
        authors = tuple(a for col in ("author_id", "author_label") for a in v.get(col, "").split("|") if a.strip())
        out.append(Mapping(
            subject_id=subject, predicate_id=predicate, object_id=obj,
            mapping_justification=iri("mapping_justification") if v.get("mapping_justification") else None,
            subject_label=v.get("subject_label") or None, object_label=v.get("object_label") or None,
            authors=authors, mapping_date=v.get("mapping_date") or set_date, confidence=v.get("confidence") or None,
            comment=v.get("comment") or None,
            mapping_source=iri("mapping_source") if v.get("mapping_source") else mapping_source,
        ))
    return out
