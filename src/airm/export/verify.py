"""Verify-then-commit: read serialized bytes back with an implementation other than the writer's and compare them,
in canonical form, with the graph that was written.

Serializers have lost data before: rdflib 7.6.0's Turtle writer uses an ``ns1:`` prefix it never declares when a
predicate IRI ends in ".", its JSON-LD writer drops blank-node cycles nothing points into, and with a compact context
it drops the datatype of an ill-typed literal. So nothing is written until the bytes read back as the same set of
triples (blank nodes relabelled by RDFC-1.0, datatypes and language tags compared exactly).

N-Triples are the one format Oxigraph both writes and reads back: rdflib's reader, with the conversion of its terms,
takes about 15 s on the five-source build where Oxigraph takes about 1 s. The check still catches a line lost or
mangled by the sorting; the test suite holds the bytes to an independent writer and reads them with rdflib.
"""

from __future__ import annotations

import io

import pyoxigraph as ox

from ..errors import InternalError
from .canon import CanonicalGraph, canonical, canonicalized

# rdflib and PyLD are imported in the functions that need them: every query answer loads this package (results.py)

FORMATS = {  # format -> (rdflib's name, Oxigraph's RdfFormat)
    "ttl": ("turtle", "TURTLE"),
    "nt": ("nt", "N_TRIPLES"),
    "jsonld": ("json-ld", "JSON_LD"),
    "rdfxml": ("xml", "RDF_XML"),
}

# who reads back what (another implementation than the writer's, but for N-Triples)
READERS = {
    "ttl": "oxigraph",  # written by airm
    "nt": "oxigraph",  # written by Oxigraph, lines sorted by airm: see above
    "jsonld": "oxigraph",  # written by airm with PyLD's term selection
    "rdfxml": "rdflib",  # written by Oxigraph
    "ttl-oxigraph": "rdflib",  # the fallback writer
}


def _read_with_rdflib(data: bytes, fmt: str) -> CanonicalGraph:
    from rdflib import Graph

    g = Graph()
    try:
        g.parse(io.BytesIO(data), format=FORMATS[fmt][0], publicID="https://w3id.org/airm/")
    except Exception as e:  # rdflib raises assorted SAX and parser errors
        raise SyntaxError(str(e)) from None
    return canonical(g)


def read_canonical(data: bytes, fmt: str, *, expected: CanonicalGraph | None = None) -> CanonicalGraph:
    """Parse serialized bytes with the reader :data:`READERS` names for ``fmt``; SyntaxError when they do not parse.

    Oxigraph keeps any named graph a JSON-LD document declares, so content that lands outside the default graph
    does not compare equal. With ``expected``, the result equals it exactly when the data holds the same graph, and
    is cheaper to get: the expected ground triples are set apart by one set operation and only the rest is
    canonicalized."""
    base = fmt.split("-")[0]
    if READERS[fmt] == "rdflib":
        return _read_with_rdflib(data, base)
    try:
        quads = ox.parse(data, format=getattr(ox.RdfFormat, FORMATS[base][1]), base_iri=None)
        if expected is None:
            return canonicalized(quads)
        back = frozenset(quads)
    except (SyntaxError, ValueError, OSError) as e:
        raise SyntaxError(str(e)) from None
    if not expected.ground <= back:
        return canonicalized(back)
    # the rest holds the blank-node triples, and any triple that should not be there: canonicalized, it equals
    # expected.blank only when nothing is missing or extra
    rest = canonicalized(back - expected.ground)
    if not rest.ground:  # nothing extra: the expected ground set itself, which compares equal at once
        return CanonicalGraph(expected.ground, rest.blank)
    return CanonicalGraph(expected.ground | rest.ground, rest.blank)


def verify_roundtrip(graph, data: bytes, fmt: str) -> None:
    """Raise InternalError unless ``data`` (``graph`` written as ``fmt``) reads back as the same graph."""
    expected = canonical(graph)
    try:
        back = read_canonical(data, fmt, expected=expected)
    except SyntaxError as e:
        raise InternalError(f"the {fmt} writer produced output that does not parse: {e}",
                            hint="report this as a bug") from None
    if back != expected:
        missing = len(expected) - len(back)
        raise InternalError(
            f"the {fmt} output does not read back as the same graph ({len(expected)} triples in, {len(back)} back, "
            f"{missing:+d})",
            hint="nothing was written; report this as a bug",
        )
