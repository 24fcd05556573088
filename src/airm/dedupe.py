"""One measure, one entry: find mitigations that different sources state in the same words, and link them.

The MIT mitigation database extracted about two hundred records from NIST AI 600-1 word for word, so without this
the same measure is listed and counted twice. Texts are normalised (Unicode NFKC, case folded, only letters and
digits kept: the NIST PDF text splits words, "G AI", and the MIT copy breaks lines) and compared with rapidfuzz's
``ratio``. Identical normalised texts are linked by ``skos:exactMatch``; pairs scoring at least ``CLOSE_THRESHOLD``
by ``skos:closeMatch``. Each link has a mapping node with its score, method and version; every member of a cluster
points to the one record that stands for it in lists and counts (``airm:representativeMeasure``). All of it lives
in its own named graph, derived again whenever the inputs change (the cache key covers ``METHOD_VERSION``). The
threshold was measured on the five public sources: benchmarks/README.md, "De-duplication".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import AIRM_ID, DUPLICATES_GRAPH, ENTAILMENT_GRAPH, GRAPH_BASE
from .vocab import Airm, Bibo, Dcat, Dcterms, Prov, Rdf, Rdfs, Semapv, Skos, Sssom, Xsd

METHOD_VERSION = "1"
CLOSE_THRESHOLD = 60.0  # rapidfuzz ratio, 0-100; measured gap: true pairs >= 67.3, false <= 55.9
SIMILARITY_MEASURE = "rapidfuzz.fuzz.ratio over normalised text (NFKC, case folded, letters and digits only)"
MAX_COMPARISONS = 50_000_000  # beyond this many pairs only identical texts are linked (a hashed, linear pass)
CHUNK = 256  # rows of the score matrix held at once: bounds memory whatever the sources' sizes
# Sources that compile records from other publications: their copy never stands for a cluster when another exists.
COMPILATIONS = (GRAPH_BASE + "import/mit-mitigations",)
MAPPING_SET = AIRM_ID + "mapping/airm-deduplication"

_RECORDS = f"""
SELECT ?g ?m ?text WHERE {{
  GRAPH ?g {{ ?m a <{Airm.Mitigation}> .
    OPTIONAL {{ ?m <{Dcterms.description}> ?description }}
    OPTIONAL {{ ?m <{Rdfs.label}> ?label }} }}
  BIND(COALESCE(?description, ?label) AS ?text)
  FILTER(BOUND(?text) && ?g != <{ENTAILMENT_GRAPH}>)
}}"""


@dataclass(frozen=True)
class Record:
    """A mitigation, the graph (source) stating it, and its normalised text."""

    iri: str
    graph: str
    text: str


@dataclass(frozen=True)
class Match:
    """Two records of different sources found to state the same measure."""

    subject: str
    object: str
    predicate: str  # skos:exactMatch or skos:closeMatch IRI
    score: float  # 0..1


def normalise(text: str) -> str:
    """Letters and digits only, NFKC and case folded: layout, hyphens and split words stop mattering."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def records(store) -> list[Record]:
    """Every mitigation with a description (or a label), once per stating graph, in a fixed order."""
    seen: dict[tuple[str, str], Record] = {}
    for sol in store.query(_RECORDS):
        key = (sol["m"].value, sol["g"].value)
        text = normalise(sol["text"].value)
        if text and (key not in seen or text < seen[key].text):
            seen[key] = Record(key[0], key[1], text)
    return sorted(seen.values(), key=lambda r: (r.graph, r.iri))


def _rank(r: Record) -> tuple:
    return (r.graph in COMPILATIONS, r.graph, r.iri)


def find_matches(recs: list[Record], *, threshold: float = CLOSE_THRESHOLD) -> list[Match]:
    """Cross-source pairs: identical normalised texts, then (within MAX_COMPARISONS) pairs scoring >= threshold."""
    by_graph: dict[str, list[Record]] = {}
    for r in recs:
        by_graph.setdefault(r.graph, []).append(r)
    graphs = sorted(by_graph)
    pairs = sum(len(by_graph[a]) * len(by_graph[b]) for i, a in enumerate(graphs) for b in graphs[i + 1:])
    matches: dict[tuple[str, str], Match] = {}
    for i, a in enumerate(graphs):
        for b in graphs[i + 1:]:
            found = _exact(by_graph[a], by_graph[b])
            if pairs <= MAX_COMPARISONS:
                found += _close(by_graph[a], by_graph[b], threshold)
            for x, y, score in found:
                s, o = sorted((x, y), key=_rank)
                if s.iri != o.iri and (s.iri, o.iri) not in matches:
                    pred = Skos.exactMatch if s.text == o.text else Skos.closeMatch
                    matches[(s.iri, o.iri)] = Match(s.iri, o.iri, pred, round(score, 4))
    return sorted(matches.values(), key=lambda m: (m.subject, m.object))


def _exact(left: list[Record], right: list[Record]) -> list[tuple[Record, Record, float]]:
    index: dict[str, list[Record]] = {}
    for r in right:
        index.setdefault(r.text, []).append(r)
    return [(x, y, 1.0) for x in left for y in index.get(x.text, ())]


def _close(left: list[Record], right: list[Record], threshold: float) -> list[tuple[Record, Record, float]]:
    """Pairs at or above the threshold, scored a chunk of rows at a time."""
    import numpy as np
    from rapidfuzz import fuzz, process

    out = []
    choices = [r.text for r in right]
    for start in range(0, len(left), CHUNK):
        rows = left[start:start + CHUNK]
        scores = process.cdist([r.text for r in rows], choices, scorer=fuzz.ratio, score_cutoff=threshold,
                               dtype=np.float32, workers=1)
        for i, j in zip(*np.nonzero(scores), strict=True):
            if rows[i].text != right[j].text:
                out.append((rows[i], right[j], float(scores[i, j]) / 100))
    return out


def representatives(recs: list[Record], matches: list[Match]) -> dict[str, str]:
    """member IRI -> the IRI standing for its cluster (clusters are the connected pairs), for clustered records."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matches:
        parent[root(m.subject)] = root(m.object)
    rank = {}
    for r in recs:
        rank[r.iri] = min(rank.get(r.iri, _rank(r)), _rank(r))
    clusters: dict[str, list[str]] = {}
    for x in list(parent):
        clusters.setdefault(root(x), []).append(x)
    return {x: min(members, key=lambda i: rank[i]) for members in clusters.values() for x in members}


def _local(iri: str) -> str:
    import hashlib

    if iri.startswith(AIRM_ID):
        return iri[len(AIRM_ID):].replace("/", "-")
    return hashlib.sha1(iri.encode()).hexdigest()[:16]


def quads(matches: list[Match], reps: dict[str, str], graph: str = DUPLICATES_GRAPH) -> list:
    """The links, one SSSOM-style mapping node per link, the representatives, and the mapping set they come from."""
    g = ox.NamedNode(graph)
    n = ox.NamedNode
    rdf_type = n(Rdf.type)
    out = [ox.Quad(n(MAPPING_SET), rdf_type, n(Bibo.Document), g),
           ox.Quad(n(MAPPING_SET), rdf_type, n(Dcat.Dataset), g),
           ox.Quad(n(MAPPING_SET), n(Rdfs.label),
                   ox.Literal("airm de-duplication: mitigations stated in the same words by two sources",
                              language="en"), g)]
    for m in matches:
        node = n(f"{AIRM_ID}mapping/dedupe--{_local(m.subject)}--{_local(m.object)}")
        out.append(ox.Quad(n(m.subject), n(m.predicate), n(m.object), g))
        fields = [
            (rdf_type, n(Airm.ConceptMapping)),
            (n(Sssom.subject_id), n(m.subject)),
            (n(Sssom.predicate_id), n(m.predicate)),
            (n(Sssom.object_id), n(m.object)),
            (n(Sssom.mapping_justification), n(Semapv.LexicalMatching)),
            (n(Sssom.similarity_score), ox.Literal(f"{m.score:.4f}", datatype=n(Xsd.decimal))),
            (n(Sssom.similarity_measure), ox.Literal(SIMILARITY_MEASURE)),
            (n(Sssom.mapping_tool), ox.Literal("airm.dedupe")),
            (n(Sssom.mapping_tool_version), ox.Literal(METHOD_VERSION)),
            (n(Prov.wasDerivedFrom), n(MAPPING_SET)),
        ]
        out += [ox.Quad(node, p, o, g) for p, o in fields]
    out += [ox.Quad(n(x), n(Airm.representativeMeasure), n(rep), g) for x, rep in sorted(reps.items())]
    return out


def materialise(store, *, graph: str = DUPLICATES_GRAPH, threshold: float = CLOSE_THRESHOLD) -> int:
    """Replace ``graph`` with the duplicate links of the store's mitigations; returns how many links."""
    target = ox.NamedNode(graph)
    if target in set(store.named_graphs()):
        store.remove_graph(target)
    recs = records(store)
    matches = find_matches(recs, threshold=threshold)
    if matches:
        store.extend(quads(matches, representatives(recs, matches), graph))
    return len(matches)
