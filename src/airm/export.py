"""Serialize graphs deterministically, verify each serialization by parsing it back, then write it atomically.

Verify-then-commit: rdflib's serializers have lost data before (undeclared prefixes, dropped blank-node cycles,
dropped datatypes; see docs/pitfalls), so nothing is written unless a second parser reads back the same graph.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import InternalError

FORMATS = {
    "ttl": ("turtle", "TURTLE"),
    "nt": ("nt", "N_TRIPLES"),
    "jsonld": ("json-ld", "JSON_LD"),
    "rdfxml": ("xml", "RDF_XML"),
}


def context() -> dict:
    """The JSON-LD context we compact with: every declared prefix (a dict, so nothing is fetched)."""
    from .namespaces import prefixes

    return dict(prefixes())


def serialize(graph, fmt: str, *, verify: bool = True) -> bytes:
    """Bytes of ``graph`` in ``fmt`` (ttl, nt, jsonld, rdfxml); the same graph always gives the same bytes."""
    from rdflib.compare import to_canonical_graph

    from .namespaces import bind_all

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    try:
        if fmt == "ttl":
            bind_all(graph)
            data = graph.serialize(format="longturtle").encode("utf-8")
        elif fmt == "nt":
            canon = to_canonical_graph(graph)
            lines = canon.serialize(format="nt").splitlines()
            data = ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode("utf-8")
        elif fmt == "jsonld":
            canon = to_canonical_graph(graph)
            doc = json.loads(canon.serialize(format="json-ld", context=context(), auto_compact=True))
            data = (json.dumps(_sorted_jsonld(doc), indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        else:
            bind_all(graph)
            data = graph.serialize(format="pretty-xml").encode("utf-8")
    except RecursionError:
        raise InternalError(f"graph too deeply nested to write as {fmt}", hint="flatten deep blank-node chains") from None
    if verify:
        verify_roundtrip(graph, data, fmt)
    return data


def _sorted_jsonld(doc):
    def sort_value(v):
        if isinstance(v, list):
            items = [sort_value(x) for x in v]
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
        if isinstance(v, dict):
            return {k: (sort_value(x) if k != "@list" else [sort_value(i) for i in x] if isinstance(x, list) else x) for k, x in v.items()}
        return v

    if isinstance(doc, dict) and "@graph" in doc:
        doc["@graph"] = sorted((sort_value(n) for n in doc["@graph"]), key=lambda n: (n.get("@id", ""), json.dumps(n, sort_keys=True)))
    return doc


def parse_back(data: bytes, fmt: str):
    """Parse serialized bytes with Oxigraph (never rdflib: a different implementation checks the writer)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from .convert import to_rdflib_term

    g = Graph()
    for t in ox.parse(data, format=getattr(ox.RdfFormat, FORMATS[fmt][1]), base_iri=None if fmt != "rdfxml" else "https://w3id.org/airm/"):
        g.add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))
    return g


def same_graph(a, b) -> bool:
    """Isomorphism via canonical blank-node labels (rdflib's isomorphic() can take exponential time)."""
    from rdflib.compare import to_canonical_graph

    if len(a) != len(b):
        return False
    return set(to_canonical_graph(a)) == set(to_canonical_graph(b))


def verify_roundtrip(graph, data: bytes, fmt: str) -> None:
    try:
        back = parse_back(data, fmt)
    except SyntaxError as e:
        raise InternalError(f"the {fmt} writer produced output that does not parse: {e}", hint="report this as a bug") from None
    if not same_graph(back, graph):
        missing = len(graph) - len(back)
        raise InternalError(
            f"the {fmt} output does not read back as the same graph ({len(graph)} triples in, {len(back)} back, {missing:+d})",
            hint="nothing was written; report this as a bug",
        )


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it: readers never see a partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
