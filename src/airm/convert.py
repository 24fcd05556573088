"""Move terms and triples between Oxigraph (the store) and rdflib (pySHACL, owlrl, serializers)."""

from __future__ import annotations

import functools
import logging

import pyoxigraph as ox

from .namespaces import bind_all
from .vocab import Xsd


class _IllTypedLiteralNoise(logging.Filter):
    """rdflib logs a warning with a whole traceback for every ill-typed literal it is handed ("abc"^^xsd:integer).
    airm reports those itself (``airm validate`` names each one, with its file and line), so the noise is dropped;
    every other rdflib message passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form to value")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiteralNoise())


def to_rdflib_term(term):
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == Xsd.string:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def to_ox_term(term):
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def rdflib_graph(store, graphs=None):
    """An rdflib Graph holding the union of ``graphs`` (IRIs; None = every named graph) of an Oxigraph store.

    Each distinct term is converted once: a large import repeats its IRIs many times."""
    from rdflib import Graph

    g = Graph()
    bind_all(g)
    names = [ox.NamedNode(x) for x in graphs] if graphs is not None else list(store.named_graphs())
    term = functools.lru_cache(maxsize=None)(to_rdflib_term)  # each distinct term converted once

    add = g.add
    for name in names:
        for q in store.quads_for_pattern(None, None, None, name):
            add((term(q.subject), term(q.predicate), term(q.object)))
    return g
