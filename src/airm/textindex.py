"""The text index: every label, code, description, note and use text of the graph in one SQLite FTS5 database.

Built from the loaded store on first use and kept beside the graph cache under the same key (``<digest>.fts.sqlite``),
so it is rebuilt exactly when the graph is. FTS5 with the Porter stemmer and the unicode61 tokenizer (hyphens and
punctuation split words, diacritics folded) makes "red-teaming", "Red Teaming" and "red team" the same two terms;
BM25 ranks, ``snippet()`` shows where the match is. ``airm.search`` (full-text search) and ``airm.resolve``
(parameter values) both read it: the ``names`` table holds the labels, alt labels and codes resolution ranks.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

from .namespaces import CATALOG_GRAPH, DUPLICATES_GRAPH, ENTAILMENT_GRAPH, GRAPH_BASE

INDEX_FORMAT = "2"
TOKENIZER = "porter unicode61 remove_diacritics 2"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
AIRM = "https://w3id.org/airm#"

# predicate -> (field, kind): "label" is the heading, "names" other names and codes, "body" the prose
TEXT_PREDICATES = {
    SKOS + "prefLabel": ("label", "label"),
    RDFS + "label": ("label", "label"),
    DCT + "title": ("label", "label"),
    "http://xmlns.com/foaf/0.1/name": ("label", "label"),
    SKOS + "altLabel": ("names", "alt"),
    SKOS + "notation": ("names", "code"),
    DCT + "identifier": ("names", "code"),
    DCT + "description": ("body", None),
    SKOS + "definition": ("body", None),
    SKOS + "note": ("body", None),
    SKOS + "scopeNote": ("body", None),
    SKOS + "example": ("body", None),
    RDFS + "comment": ("body", None),
    DCT + "bibliographicCitation": ("body", None),
    AIRM + "applicationNote": ("body", None),
}
DERIVED_GRAPHS = {ENTAILMENT_GRAPH, DUPLICATES_GRAPH, CATALOG_GRAPH}
_GENERIC_TYPES = {SKOS + "Concept", "http://www.w3.org/2002/07/owl#Thing", "http://www.w3.org/2002/07/owl#NamedIndividual",
                  RDFS + "Resource"}

SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE resources(id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, label TEXT, type TEXT, source TEXT);
CREATE TABLE types(id INTEGER NOT NULL, type TEXT NOT NULL);
CREATE INDEX types_by_type ON types(type, id);
CREATE TABLE schemes(id INTEGER NOT NULL, scheme TEXT NOT NULL);
CREATE INDEX schemes_by_scheme ON schemes(scheme, id);
CREATE TABLE names(rowid INTEGER PRIMARY KEY, id INTEGER NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
                   norm TEXT NOT NULL);
CREATE INDEX names_by_norm ON names(norm);
CREATE INDEX names_by_id ON names(id);
CREATE VIRTUAL TABLE names_fts USING fts5(text, content='names', content_rowid='rowid', tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE docs USING fts5(label, names, body, tokenize='{TOKENIZER}');
"""


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing folded: 'Red-Teaming ' and 'red teaming' are one key."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", text))


def fts_query(text: str, *, prefix_last: bool = False) -> str | None:
    """User text as an FTS5 query of quoted terms (all required): never FTS syntax, so no input can break it."""
    words = normalise(text).split()
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    if prefix_last:
        terms[-1] += "*"
    return " ".join(terms)


def index_path(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"{digest}.fts.sqlite"


def open_index(kg) -> sqlite3.Connection:
    """The index of ``kg``: the cached file when there is one, else built now (and cached when ``kg`` is). Kept with
    the knowledge graph (``kg.cached``), so it lives exactly as long as the graph it indexes."""

    def make() -> sqlite3.Connection:
        path = index_path(kg.cache_dir, kg.digest) if getattr(kg, "cache_dir", None) else None
        conn = _open_file(path) if path is not None else None
        if conn is None:
            conn = build(kg.store, source_names(kg.sources))
            if path is not None:
                _write(conn, path)
        return conn

    return kg.cached("text-index", make)


def _open_file(path: Path) -> sqlite3.Connection | None:
    if not path.is_file():
        return None
    try:
        disk = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        ok = disk.execute("SELECT value FROM meta WHERE key='format'").fetchone() == (INDEX_FORMAT,)
        if ok:
            conn = sqlite3.connect(":memory:", check_same_thread=False)  # copied in: the file may be pruned
            disk.backup(conn)
            disk.close()
            return conn
        disk.close()
    except sqlite3.DatabaseError:
        pass
    path.unlink(missing_ok=True)  # damaged or of another format: rebuilt
    return None


def _write(conn: sqlite3.Connection, path: Path) -> None:
    from .atomic import write_file

    try:
        write_file(path, conn.serialize())
    except OSError:
        pass  # an index that cannot be cached only costs time


def source_names(sources) -> dict[str, str]:
    """Graph IRI -> the short name a person filters by: an import's name, 'airm' for the embedded data."""
    names = {}
    for s in sources:
        if s.kind == "import":
            names[s.graph] = s.path.stem
        elif s.kind == "ontology":
            names[s.graph] = "ontology"
        elif s.kind == "data":
            names[s.graph] = "airm"
        else:
            names[s.graph] = s.kind if s.kind == "curated" else s.path.name
    return names


def build(store, graph_sources: dict[str, str]) -> sqlite3.Connection:
    """A fresh in-memory index of every IRI with a text property in ``store``."""
    import pyoxigraph as ox

    fields: dict[str, dict] = {}
    seen = set()
    for pred, (column, kind) in TEXT_PREDICATES.items():
        for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
            s, o = q.subject, q.object
            if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.Literal) or not o.value.strip():
                continue
            if (s.value, pred, o.value) in seen:
                continue
            seen.add((s.value, pred, o.value))
            entry = fields.setdefault(s.value, {"label": [], "names": [], "body": [], "source": None})
            entry[column].append((o.value, kind, o.language))
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
            if entry["source"] is None and graph not in DERIVED_GRAPHS and graph is not None:
                entry["source"] = graph_sources.get(graph) or _short_graph(graph)
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO meta VALUES ('format', ?)", (INDEX_FORMAT,))
    _fill(conn, store, fields)
    conn.execute("INSERT INTO names_fts(names_fts) VALUES ('rebuild')")
    conn.commit()
    return conn


def _short_graph(graph: str) -> str:
    return graph[len(GRAPH_BASE):] if graph.startswith(GRAPH_BASE) else graph


def _fill(conn, store, fields: dict) -> None:
    import pyoxigraph as ox

    type_node, scheme_node = ox.NamedNode(RDF_TYPE), ox.NamedNode(SKOS + "inScheme")
    for rid, (iri, entry) in enumerate(sorted(fields.items()), start=1):
        node = ox.NamedNode(iri)
        types = sorted({q.object.value for q in store.quads_for_pattern(node, type_node, None, None)
                        if isinstance(q.object, ox.NamedNode)})
        asserted = sorted({q.object.value for q in store.quads_for_pattern(node, type_node, None, None)
                           if isinstance(q.object, ox.NamedNode) and q.graph_name.value not in DERIVED_GRAPHS})
        schemes = sorted({q.object.value for q in store.quads_for_pattern(node, scheme_node, None, None)
                          if isinstance(q.object, ox.NamedNode)})
        label = _best_label(entry)
        conn.execute("INSERT INTO resources VALUES (?, ?, ?, ?, ?)",
                     (rid, iri, label, _main_type(asserted or types), entry["source"]))
        conn.executemany("INSERT INTO types VALUES (?, ?)", [(rid, t) for t in types])
        conn.executemany("INSERT INTO schemes VALUES (?, ?)", [(rid, s) for s in schemes])
        for text, kind, _lang in entry["label"] + entry["names"]:
            conn.execute("INSERT INTO names(id, text, kind, norm) VALUES (?, ?, ?, ?)",
                         (rid, text, kind, normalise(text)))
        conn.execute("INSERT INTO docs(rowid, label, names, body) VALUES (?, ?, ?, ?)",
                     (rid, "\n".join(t for t, _k, _l in entry["label"]), "\n".join(t for t, _k, _l in entry["names"]),
                      "\n".join(t for t, _k, _l in entry["body"])))


def _best_label(entry: dict) -> str | None:
    """An English (or untagged) label first, then any label, then a code."""
    labels = entry["label"]
    for text, _kind, lang in labels:
        if not lang or lang.startswith("en"):
            return text
    if labels:
        return labels[0][0]
    return entry["names"][0][0] if entry["names"] else None


def _main_type(types: list[str]) -> str | None:
    """The type a person groups by: airm's own class when it has one, else the first specific one."""
    own = [t for t in types if t.startswith(AIRM)]
    specific = [t for t in types if t not in _GENERIC_TYPES]
    return (own or specific or types or [None])[0]
