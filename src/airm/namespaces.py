"""Prefixes, read from the one prefix source (ontology/prefixes.ttl), for parsing, queries and every serialization."""

from __future__ import annotations

import functools

from .resources import resource_dir

SH_PREFIX = "http://www.w3.org/ns/shacl#prefix"
SH_NAMESPACE = "http://www.w3.org/ns/shacl#namespace"

AIRM = "https://w3id.org/airm#"
AIRM_ID = "https://w3id.org/airm/id/"
GRAPH_BASE = "https://w3id.org/airm/graph/"
ENTAILMENT_GRAPH = GRAPH_BASE + "entailments"
CATALOG_GRAPH = GRAPH_BASE + "catalog"
DUPLICATES_GRAPH = GRAPH_BASE + "duplicates"  # derived: links between mitigations stated twice (airm.dedupe)
QUERY_BASE = "https://w3id.org/airm/query/"
ONTOLOGY_IRI = "https://w3id.org/airm"


@functools.cache
def prefixes() -> dict[str, str]:
    """prefix -> namespace IRI, in the order the file declares them."""
    import pyoxigraph as ox

    path = resource_dir("ontology") / "prefixes.ttl"
    by_node: dict = {}
    with open(path, "rb") as f:
        for t in ox.parse(f, format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/airm/"):
            if t.predicate.value in (SH_PREFIX, SH_NAMESPACE):
                by_node.setdefault(t.subject, {})[t.predicate.value] = t.object.value
    result = {d[SH_PREFIX]: d[SH_NAMESPACE] for d in by_node.values() if SH_PREFIX in d and SH_NAMESPACE in d}
    # keep file order deterministic: sort longest namespace first for CURIE lookups is done in curie()
    return dict(sorted(result.items()))


@functools.cache
def _by_length() -> list[tuple[str, str]]:
    return sorted(((ns, p) for p, ns in prefixes().items()), key=lambda x: -len(x[0]))


def curie(iri: str) -> str:
    """The shortest readable form of an IRI: a CURIE when a declared namespace fits, else <iri>."""
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


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes().items())


def bind_all(graph) -> None:
    """Bind every declared prefix on an rdflib graph (replacing rdflib's defaults)."""
    for p, ns in prefixes().items():
        graph.bind(p, ns, override=True, replace=True)
