"""Canonical N-Triples: Oxigraph's writer on the canonical triples, lines sorted, so the bytes never vary.

Oxigraph writes canonical N-Triples term by term (RDF 1.2: ECHAR escapes for the seven usual characters, UCHAR for
the other control characters, no ``^^xsd:string``), one triple a line; sorting the UTF-8 lines orders them by code
point, as sorting the text would.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from .canon import canonical


def sorted_ox_triples(cg) -> list:
    """The canonical graph's triples as Oxigraph Triples, sorted by their N-Triples text (for Oxigraph's writers)."""
    return sorted((ox.Triple(s, p, o) for s, p, o in cg.triples), key=str)


def _default_graph_quads(cg):
    """The canonical graph's statements for a triple writer: its quads as they are (no conversion) when all are in
    the default graph, as they are when built from a graph or a store; otherwise as triples."""
    DefaultGraph = ox.DefaultGraph
    if all(type(q.graph_name) is DefaultGraph for q in cg.blank):  # the ground quads always are
        return itertools.chain(cg.ground, cg.blank)
    return (ox.Triple(s, p, o) for s, p, o in cg.triples)


def ntriples(graph) -> bytes:
    """Canonical N-Triples: canonical blank-node labels, one triple a line, lines sorted."""
    data = ox.serialize(_default_graph_quads(canonical(graph)), format=ox.RdfFormat.N_TRIPLES)
    lines = sorted(set(data.split(b"\n")) - {b""})
    return b"\n".join(lines) + b"\n"
