"""Serialize a graph in each RDF format from one canonical form, each output verified before it is returned.

Should airm's own Turtle writer ever fail its check, the file is written by Oxigraph instead (nothing nested, still
sorted) and checked with rdflib; any other failed check raises, and nothing is written.
"""

from __future__ import annotations

import time

import pyoxigraph as ox

from ..errors import InternalError
from ..namespaces import prefixes
from .canon import CanonicalGraph, canonical
from .jsonld import compact_jsonld, dump_json
from .nt import ntriples, sorted_ox_triples
from .rdfxml import write_rdfxml
from .ttl import turtle
from .verify import FORMATS, verify_roundtrip


def serialize(graph, fmt: str, *, verify: bool = True) -> bytes:
    """Bytes of ``graph`` in ``fmt`` (ttl, nt, jsonld, rdfxml); the same graph always gives the same bytes."""
    return serialize_all(graph, (fmt,), verify=verify)[fmt]


def serialize_all(graph, fmts, *, verify: bool = True, timings: dict | None = None) -> dict[str, bytes]:
    """``graph`` in each of ``fmts``, canonicalized once; each output verified unless ``verify`` is false.

    ``timings``, when given, receives the seconds each step took (``canonical``, then one entry per format)."""
    for fmt in fmts:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
    t = time.perf_counter()
    cg = canonical(graph)
    steps = {"canonical": time.perf_counter() - t}
    out = {}
    for fmt in fmts:
        t = time.perf_counter()
        out[fmt] = _serialize(cg, fmt, verify)
        steps[fmt] = time.perf_counter() - t
    if timings is not None:
        timings.update(steps)
    return out


def _write(cg: CanonicalGraph, fmt: str) -> bytes:
    if fmt == "ttl":
        return turtle(cg)
    if fmt == "nt":
        return ntriples(cg)
    if fmt == "jsonld":
        return dump_json(compact_jsonld(cg))
    return write_rdfxml(cg)


def _serialize(cg: CanonicalGraph, fmt: str, verify: bool) -> bytes:
    try:
        data = _write(cg, fmt)
    except RecursionError:
        raise InternalError(f"graph too deeply nested to write as {fmt}",
                            hint="flatten deep blank-node chains") from None
    if verify:
        try:
            verify_roundtrip(cg, data, fmt)
        except InternalError:
            if fmt != "ttl":
                raise
            # should airm's own Turtle writer ever get something wrong, Oxigraph writes the file and rdflib checks it
            data = _oxigraph_turtle(cg)
            verify_roundtrip(cg, data, "ttl-oxigraph")
    return data


def _oxigraph_turtle(cg: CanonicalGraph) -> bytes:
    """Oxigraph's Turtle for the sorted canonical triples, with the declared prefixes (the fallback writer)."""
    return ox.serialize(sorted_ox_triples(cg), format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes()))
