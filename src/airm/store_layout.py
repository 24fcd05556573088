"""What a SPARQL store holds of airm, read with queries alone: which graphs are airm's, whether its default graph
holds an earlier ``push --graph default``, and how many triples each holds.

``airm push`` reads this before its update (to remove what an earlier push in another layout left) and after it
(to check the store holds exactly the build). What counts as airm's:

- every named graph under ``https://w3id.org/airm/graph/`` (the one-graph-per-source layout);
- a graph that holds an airm build: airm's ontology header (``<https://w3id.org/airm> a owl:Ontology``) together
  with its query catalog (``?q a airm:StoredQuery``), which only a build holds; such a graph outside airm's
  namespace (``push --graph IRI``) is reported, never deleted on a guess;
- the store's default graph when it holds both (``push --graph default`` replaces the whole default graph).

Whether the default graph holds something is not always visible: on a store whose default graph is the union of
its named graphs, queries see the named graphs' triples there too. Oxigraph (``--union-default-graph``) says so in
its service description and counts the union as a bag (a triple in two graphs is seen twice), so the default graph's
own share is the difference; a store that does not say is taken to be a union when no named triple is missing from
its default graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import GRAPH_BASE, ONTOLOGY_IRI
from .sparql.client import EndpointError, _request, run_query
from .vocab import Airm, Owl, Rdf

SD = "http://www.w3.org/ns/sparql-service-description#"  # not one of airm's prefixes: only this module reads it
RDF_TYPE = Rdf.type
OWL_ONTOLOGY = Owl.Ontology
DEFAULT = "default"


def _fingerprint_query() -> str:
    """One query, one snapshot: triples per graph, and where the ontology header and the catalog are."""
    header = f"{ox.NamedNode(ONTOLOGY_IRI)} {ox.NamedNode(RDF_TYPE)} {ox.NamedNode(OWL_ONTOLOGY)}"
    catalog = f"?q {ox.NamedNode(RDF_TYPE)} {ox.NamedNode(Airm.StoredQuery)}"
    return f"""SELECT ?k ?g (COUNT(*) AS ?n) WHERE {{
  {{ {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o }} BIND("all" AS ?k) }}
  UNION {{ {{ GRAPH ?g {{ {header} }} }} UNION {{ {header} }} BIND("header" AS ?k) }}
  UNION {{ {{ GRAPH ?g {{ {catalog} }} }} UNION {{ {catalog} }} BIND("catalog" AS ?k) }}
}} GROUP BY ?k ?g"""


@dataclass
class StoreState:
    """Counts read in one query. Keys are graph IRIs; ``DEFAULT`` is what queries see without GRAPH."""

    counts: dict[str, int] = field(default_factory=dict)
    header: dict[str, int] = field(default_factory=dict)
    catalog: dict[str, int] = field(default_factory=dict)
    union: bool | None = None  # whether queries' default graph is the union of the named graphs (None: not known)

    @property
    def named_total(self) -> int:
        return sum(n for g, n in self.counts.items() if g != DEFAULT)

    def airm_graphs(self) -> list[str]:
        """Named graphs under airm's graph namespace."""
        return sorted(g for g in self.counts if g != DEFAULT and g.startswith(GRAPH_BASE))

    def build_graphs(self) -> list[str]:
        """Named graphs outside airm's namespace that hold a whole airm build (an earlier ``--graph IRI`` push)."""
        return sorted(g for g in self.header if g != DEFAULT and not g.startswith(GRAPH_BASE) and g in self.catalog)

    def default_is_airm(self) -> bool:
        """Whether the store's own default graph holds an airm build (the header and the catalog both)."""
        return self._default_holds(self.header) and self._default_holds(self.catalog)

    def _default_holds(self, seen: dict[str, int]) -> bool:
        in_default, in_named = seen.get(DEFAULT, 0), sum(n for g, n in seen.items() if g != DEFAULT)
        if in_default == 0:
            return False
        if in_default > in_named:  # more than the named graphs can account for, on any kind of store
            return True
        return self.union is False  # a union default graph shows the named graphs' copies: not the default's own

    def default_count(self) -> int | None:
        """Triples in the store's own default graph, where the store lets that be counted."""
        seen = self.counts.get(DEFAULT, 0)
        if self.named_total == 0 or self.union is False:
            return seen
        if self.union and seen >= self.named_total:
            return seen - self.named_total
        return None


def read_state(endpoint: str, *, timeout: float) -> StoreState:
    """The store's counts, and whether its default graph is the union of its named graphs."""
    res = run_query(endpoint, _fingerprint_query(), timeout=timeout, kind="select")
    state = StoreState()
    for row in res.rows:
        key = row["k"].value if "k" in row else "all"
        graph = row["g"].value if "g" in row else DEFAULT
        target = {"all": state.counts, "header": state.header, "catalog": state.catalog}[key]
        target[graph] = int(row["n"].value)
    if state.named_total:
        state.union = _union_default_graph(endpoint, timeout)
    return state


def _union_default_graph(endpoint: str, timeout: float) -> bool | None:
    """True when the service description says so (Oxigraph does); False when a named triple is missing from the
    default graph; None when neither tells."""
    if _described_as_union(endpoint, timeout):
        return True
    witness = "ASK { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
    return False if run_query(endpoint, witness, timeout=timeout, kind="ask").boolean else None


def _described_as_union(endpoint: str, timeout: float) -> bool:
    """Whether the endpoint's SPARQL service description lists the ``sd:UnionDefaultGraph`` feature."""
    try:
        resp = _request("GET", endpoint, data=None, timeout=timeout, what="the SPARQL endpoint",
                        headers={"Accept": "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5"})
        fmt = ox.RdfFormat.from_media_type(resp.content_type)
        if fmt is None or resp.status != 200:
            return False
        feature, union = ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")
        return any(t.predicate == feature and t.object == union for t in ox.parse(resp.body, format=fmt))
    except (EndpointError, SyntaxError, ValueError):
        return False  # no description (or none airm reads): the store does not say
