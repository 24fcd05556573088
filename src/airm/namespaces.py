"""Prefixes for parsing, queries and every serialization, and CURIEs for people: the one prefix source
(ontology/prefixes.ttl) as generated into vocab.py, plus the named graphs airm keeps under its own namespace."""

from __future__ import annotations

import functools

from .vocab import AIRM, AIRMD, ONTOLOGY_IRI, PREFIXES, QUERY

AIRM_ID = AIRMD  # the folder of airm's own resources: mitigations, techniques, schemes, mappings
BASE_IRI = ONTOLOGY_IRI + "/"  # what relative IRIs in airm's own files resolve against
GRAPH_BASE = ONTOLOGY_IRI + "/graph/"
ENTAILMENT_GRAPH = GRAPH_BASE + "entailments"
CATALOG_GRAPH = GRAPH_BASE + "catalog"
DUPLICATES_GRAPH = GRAPH_BASE + "duplicates"  # derived: links between mitigations stated twice (airm.dedupe)
PROPOSALS_GRAPH = GRAPH_BASE + "classification/proposals"  # unreviewed classifications, read only when asked for
CURATED_GRAPH = GRAPH_BASE + "classification/curated"  # reviewed classifications, read by every query
QUERY_BASE = QUERY

__all__ = ["AIRM", "AIRM_ID", "BASE_IRI", "CATALOG_GRAPH", "CURATED_GRAPH", "DUPLICATES_GRAPH",
           "ENTAILMENT_GRAPH", "GRAPH_BASE", "ONTOLOGY_IRI", "PROPOSALS_GRAPH", "QUERY_BASE", "bind_all",
           "curie", "expand", "prefixes", "sparql_prologue"]


@functools.cache
def prefixes() -> dict[str, str]:
    """prefix -> namespace IRI, sorted by prefix. Generated into vocab.py from ontology/prefixes.ttl (a test keeps
    the two in step), so no prefix lookup parses a file."""
    return dict(sorted(PREFIXES.items()))


@functools.cache
def _by_length() -> list[tuple[str, str]]:
    return sorted(((ns, p) for p, ns in prefixes().items()), key=lambda x: -len(x[0]))


@functools.lru_cache(maxsize=1 << 16)
def curie(iri: str) -> str:
    """The shortest readable form of an IRI: a CURIE when a declared namespace fits, else <iri>. Kept per IRI: a
    page names the same few thousand IRIs many times, and each miss walks every declared namespace."""
    for ns, p in _by_length():
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                return f"{p}:{local}"
    return f"<{iri}>"


def expand(text: str) -> str | None:
    """A CURIE to its IRI, or None when the prefix is not declared."""
    if ":" not in text:
        return None
    p, local = text.split(":", 1)
    ns = prefixes().get(p)
    return ns + local if ns is not None else None


def sparql_prologue(*names: str) -> str:
    """PREFIX lines for the named prefixes (every declared one when none is named), for query text we write."""
    declared = prefixes()
    return "".join(f"PREFIX {p}: <{declared[p]}>\n" for p in (names or declared))


def bind_all(graph) -> None:
    """Bind every declared prefix on an rdflib graph (replacing rdflib's defaults)."""
    for p, ns in prefixes().items():
        graph.bind(p, ns, override=True, replace=True)
