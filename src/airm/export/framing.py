"""The framed JSON-LD: one nested record per mitigation (``ontology/frame.jsonld``), framed by PyLD and checked by
reading it back with PyLD against the part of the graph the frame shows."""

from __future__ import annotations

import json

from ..errors import InternalError, UserError
from .canon import canonical
from .jsonld import dump_json, expanded_jsonld, jsonld_message, parse_jsonld_with_pyld, sorted_jsonld
from .published import context, frame_document, pyld_options
from .terms import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE

# rdflib and PyLD are imported in the functions that need them: every query answer loads this package (results.py)


def framed_subgraph(graph):
    """The part of ``graph`` the mitigation frame shows: each mitigation's framed properties, and theirs,
    recursively."""
    from pyld import jsonld as pyld
    from rdflib import Graph, Literal, URIRef

    expanded_frame = pyld.expand(frame_document(), pyld_options())[0]
    rdf_type = URIRef(RDF_TYPE)
    out = Graph()

    def walk(node, spec, depth=0):
        if depth > 8:
            return
        if "@type" in spec:
            for t in graph.objects(node, rdf_type):
                out.add((node, rdf_type, t))
        for prop, sub in spec.items():
            if prop.startswith("@"):
                continue
            sub = sub[0] if isinstance(sub, list) and sub else {}
            embed = sub.get("@embed", ["@once"])
            if isinstance(embed, list) and embed and isinstance(embed[0], dict):
                embed = embed[0].get("@value", embed[0])
            for o in graph.objects(node, URIRef(prop)):
                out.add((node, URIRef(prop), o))
                _add_list_nodes(graph, out, o)
                if not isinstance(o, Literal) and embed != "@never" and any(not k.startswith("@") for k in sub):
                    walk(o, sub, depth + 1)

    types = [URIRef(t) for t in expanded_frame.get("@type", [])]
    for t in types:
        for m in graph.subjects(rdf_type, t):
            walk(m, expanded_frame)
    return out


def _add_list_nodes(graph, out, node):
    """Copies the cells of the RDF list starting at ``node`` (if it is one) from ``graph`` to ``out``."""
    from rdflib import BNode, URIRef

    first, rest = URIRef(RDF_FIRST), URIRef(RDF_REST)
    seen = set()
    while isinstance(node, BNode) and node not in seen and (node, first, None) in graph:
        seen.add(node)
        for p in (first, rest):
            for o in graph.objects(node, p):
                out.add((node, p, o))
        node = graph.value(node, rest)


def framed_jsonld(graph, *, verify: bool = True) -> bytes:
    """One nested JSON record per mitigation (ontology/frame.jsonld), with the context embedded.

    Verified: the framed document, read back by PyLD, gives exactly the triples of :func:`framed_subgraph`.
    """
    from pyld import jsonld as pyld

    sub = framed_subgraph(graph)
    if not len(sub):
        raise UserError("nothing to frame: the graph holds no mitigation (the frame makes one record per mitigation)",
                        hint="export the data or all scope, or use --format jsonld")
    canon = canonical(sub)
    try:
        doc = pyld.frame(expanded_jsonld(canon), frame_document(), pyld_options(omitGraph=False, omitDefault=True))
    except pyld.JsonLdError as e:
        raise InternalError(f"JSON-LD framing failed: {jsonld_message(e)}", hint="report this as a bug") from None
    doc["@context"] = context()
    doc["@graph"] = sorted((sorted_jsonld({"x": n})["x"] for n in doc.get("@graph", [])),
                           key=lambda n: (n.get("id", ""), json.dumps(n, sort_keys=True)))
    data = dump_json(doc)
    if verify:
        back = parse_jsonld_with_pyld(data)
        # a JSON-LD list is a value, so a document embedded under several mitigations repeats its author list:
        # compare lists by their items
        if _collapse_lists(back) != _collapse_lists(sub):
            raise InternalError(
                f"the framed JSON-LD does not read back as the framed part of the graph ({len(sub)} triples framed, "
                f"{len(back)} back)", hint="nothing was written; report this as a bug")
    return data


def _collapse_lists(graph) -> set:
    """The triples of ``graph`` with every RDF list replaced by a tuple of its items (lists compared by value)."""
    from rdflib import URIRef

    first, rest, nil = URIRef(RDF_FIRST), URIRef(RDF_REST), URIRef(RDF_NIL)

    def items(node):
        out, seen = [], set()
        while node != nil and node not in seen:
            seen.add(node)
            value = graph.value(node, first)
            if value is None:
                return None
            out.append(value)
            node = graph.value(node, rest)
        return tuple(out) if node == nil else None

    result = set()
    for s, p, o in graph:
        if p in (first, rest):
            continue
        listed = items(o) if (o, first, None) in graph else None
        result.add((s, p, ("list", listed) if listed is not None else o))
    return result
