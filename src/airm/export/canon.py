"""The canonical form every writer and every check works on: Oxigraph terms with RDFC-1.0 blank-node labels.

The same graph always gets the same labels, so output is deterministic and two graphs are isomorphic exactly when
their canonical quad sets are equal (rdflib's ``isomorphic()`` can take exponential time; this does not on ours).
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from ..convert import to_ox_term
from ..errors import UserError


class CanonicalGraph:
    """A set of triples as Oxigraph terms with RDFC-1.0 canonical blank-node labels: the same graph always gives the
    same labels, so two graphs are isomorphic exactly when their quad sets are equal. Build one with
    :func:`canonical` (from an rdflib graph or Oxigraph triples) or :func:`canonical_from_store`.

    The triples without blank nodes (most of them) are kept apart as they are: RDFC-1.0 labels blank nodes from the
    quads that mention them alone, so only those go through the canonicalization."""

    __slots__ = ("ground", "blank", "_triples")

    def __init__(self, ground: frozenset, blank: frozenset):
        self.ground = ground  # ox.Quads in the default graph with no blank node
        self.blank = blank  # the others, blank nodes labelled canonically (and any quad outside the default graph)
        self._triples = None

    def __len__(self) -> int:
        return len(self.ground) + len(self.blank)

    def __eq__(self, other) -> bool:
        # the same set object (a read-back that found every expected ground triple shares it): no 80k-triple compare
        return (isinstance(other, CanonicalGraph) and (self.ground is other.ground or self.ground == other.ground)
                and self.blank == other.blank)

    __hash__ = None

    @property
    def triples(self) -> list:
        """(subject, predicate, object) tuples of Oxigraph terms, in no particular order."""
        if self._triples is None:
            self._triples = [(q.subject, q.predicate, q.object) for part in (self.ground, self.blank) for q in part]
        return self._triples


def canonicalized(quads) -> CanonicalGraph:
    """Oxigraph quads as a :class:`CanonicalGraph` (only the quads with a blank node, or outside the default graph,
    are relabelled)."""
    NamedNode, Literal, DefaultGraph = ox.NamedNode, ox.Literal, ox.DefaultGraph
    ground, blank = [], []
    for q in quads:
        o = q.object
        if (type(q.subject) is NamedNode and (type(o) is NamedNode or type(o) is Literal)
                and type(q.graph_name) is DefaultGraph):
            ground.append(q)
        else:
            blank.append(q)
    if blank:
        _check_canonicalization_cost(blank)
        ds = ox.Dataset(blank)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        blank = ds
    return CanonicalGraph(frozenset(ground), frozenset(blank))


MAX_ALIKE_BLANK_NODES = 200  # linked blank nodes RDFC-1.0 cannot tell apart by their own statements (200: ~0.5 s)


def _check_canonicalization_cost(quads) -> None:
    """RDFC-1.0 labels a blank node by its own statements first; nodes those leave alike are told apart by walking
    their neighbourhoods, which grows with the cube of a linked group of them (a 400-long chain of unlabelled nodes:
    4 s; 3,000: most of an hour). Such a group is refused with a reason rather than left to run."""
    alike = _alike_blank_nodes(quads)
    if len(alike) <= MAX_ALIKE_BLANK_NODES:
        return
    largest = _largest_linked_group(alike, quads)
    if largest > MAX_ALIKE_BLANK_NODES:
        raise UserError(
            f"the graph links {largest} blank nodes that nothing tells apart (a long chain or web of unlabelled "
            f"nodes); giving them canonical labels would take too long, so nothing was written",
            hint="give those nodes IRIs, or a distinguishing value each (a label, an index)")


def _alike_blank_nodes(quads) -> set:
    """The blank nodes whose own statements (other blank nodes left anonymous) match another blank node's."""
    BlankNode = ox.BlankNode
    signatures: dict = {}
    for q in quads:
        terms = (q.subject, q.object, q.graph_name)
        for node in terms:
            if type(node) is BlankNode:
                shape = tuple("a" if t == node else ("z" if type(t) is BlankNode else str(t)) for t in terms)
                signatures.setdefault(node, []).append((shape, str(q.predicate)))
    by_signature: dict = {}
    for node, shapes in signatures.items():
        by_signature.setdefault(tuple(sorted(shapes)), []).append(node)
    return {n for group in by_signature.values() if len(group) > 1 for n in group}


def _largest_linked_group(nodes: set, quads) -> int:
    """The size of the largest group of ``nodes`` linked to each other by triples (union-find)."""
    parent = {n: n for n in nodes}

    def root(n):
        while parent[n] is not n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for q in quads:
        s, o = q.subject, q.object
        if s in parent and o in parent:
            parent[root(s)] = root(o)
    sizes: dict = {}
    for n in nodes:
        r = root(n)
        sizes[r] = sizes.get(r, 0) + 1
    return max(sizes.values())


def canonical(graph) -> CanonicalGraph:
    """``graph`` (an rdflib Graph, an Oxigraph Dataset, an iterable of Oxigraph triples or quads, or already a
    CanonicalGraph) as a :class:`CanonicalGraph`; named graphs are merged into one graph."""
    if isinstance(graph, CanonicalGraph):
        return graph
    if hasattr(graph, "triples") and hasattr(graph, "namespace_manager"):  # rdflib
        term = functools.lru_cache(maxsize=None)(to_ox_term)  # each distinct term converted once
        return canonicalized(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
    return canonicalized(ox.Quad(t.subject, t.predicate, t.object) for t in graph)


def canonical_from_store(store, graphs) -> CanonicalGraph:
    """The union of the named graphs ``graphs`` (IRIs) of an Oxigraph store, canonical; no rdflib copy is made."""
    return canonicalized(ox.Quad(q.subject, q.predicate, q.object)
                         for name in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name)))


def same_graph(a, b) -> bool:
    """Isomorphism: equal sets of triples once blank nodes are canonically relabelled (RDFC-1.0, by Oxigraph).

    rdflib's isomorphic() can take exponential time on ordinary graphs; this does not on ours. Terms compare as RDF
    1.1 does: a plain literal and the same string typed xsd:string are one term (rdflib keeps them apart).
    """
    return canonical(a) == canonical(b)
