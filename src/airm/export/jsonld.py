"""JSON-LD: the graph as expanded JSON-LD, compacted against the published context (embedded in the output), sorted
so the bytes never vary; and JSON-LD read through PyLD with the offline loader.

The expanded form is built directly from the canonical triples (not through PyLD's N-Quads reader) so that every
literal keeps its exact datatype and language; compaction goes through :mod:`airm.export.compactor`, which gives
the same bytes as PyLD's whole algorithm.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ..errors import InternalError
from .canon import canonical
from .compactor import compactor
from .published import context, list_terms, pyld_options
from .terms import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, XSD_BOOLEAN, XSD_STRING

# rdflib and PyLD are imported in the functions that need them: every query answer loads this package (results.py)


def dump_json(doc) -> bytes:
    """The bytes airm writes for a JSON document: keys sorted, one-space indent, UTF-8, a final newline."""
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _list_items(head, props_of: dict, refs: dict):
    """The items and cells of the well-formed RDF list starting at ``head``, or None: each cell a blank node used
    once, with exactly one rdf:first and one rdf:rest, the last rest rdf:nil."""
    BlankNode, NamedNode = ox.BlankNode, ox.NamedNode
    items, nodes, node, seen = [], [], head, set()
    while not (isinstance(node, NamedNode) and node.value == RDF_NIL):
        if not isinstance(node, BlankNode) or node in seen or refs.get(node, 0) != 1:
            return None
        seen.add(node)
        props = props_of.get(node, [])
        firsts = [o for p, o in props if p == RDF_FIRST]
        rests = [o for p, o in props if p == RDF_REST]
        if len(props) != 2 or len(firsts) != 1 or len(rests) != 1:
            return None
        items.append(firsts[0])
        nodes.append(node)
        node = rests[0]
    return items, nodes


def _json_lists(props_of: dict, refs: dict) -> tuple[dict, set]:
    """The RDF lists written as ``@list``: head -> items, and the cells they absorb. JSON-LD holds one list per
    property and node, so where a property has two list objects both stay rdf:first/rest nodes."""
    BlankNode = ox.BlankNode
    candidates: dict = {}
    for s, props in props_of.items():
        for p, o in props:
            if isinstance(o, BlankNode) and p != RDF_FIRST and p != RDF_REST:
                candidates.setdefault((s, p), []).append(o)
    lists: dict = {}
    consumed: set = set()
    for heads in candidates.values():
        found = [(h, _list_items(h, props_of, refs)) for h in heads]
        found = [(h, f) for h, f in found if f is not None]
        if len(found) != 1:
            continue
        head, (items, nodes) = found[0]
        lists[head] = items
        consumed.update(nodes)
    return lists, consumed


def expanded_jsonld(graph, *, sort_values: bool = True) -> list:
    """Expanded JSON-LD for a graph, nodes and values sorted; well-formed RDF lists become ``@list``.

    ``sort_values=False`` leaves the values of a property in no set order (compaction sorts its output anyway).
    """
    BlankNode, Literal = ox.BlankNode, ox.Literal

    def node_id(t) -> str:
        return "_:" + t.value if isinstance(t, BlankNode) else t.value

    props_of: dict = {}
    refs: dict = {}
    for s, p, o in canonical(graph).triples:
        props_of.setdefault(s, []).append((p.value, o))
        if isinstance(o, BlankNode):
            refs[o] = refs.get(o, 0) + 1
    lists, consumed = _json_lists(props_of, refs)

    def value(o):
        if isinstance(o, Literal):
            if o.datatype.value == XSD_BOOLEAN and o.value in ("true", "false"):
                return {"@value": o.value == "true"}  # a JSON boolean, which reads back as this very literal
            v = {"@value": o.value}
            if o.language:
                v["@language"] = o.language.lower()
            elif o.datatype.value != XSD_STRING:
                v["@type"] = o.datatype.value
            return v
        if o in lists:
            return {"@list": [value(i) for i in lists[o]]}
        return {"@id": node_id(o)}

    nodes: dict = {}
    for s, props in props_of.items():
        if s in consumed:
            continue
        node = nodes.setdefault(s, {"@id": node_id(s)})
        for p, o in props:
            if p == RDF_TYPE and not isinstance(o, Literal):
                node.setdefault("@type", []).append(node_id(o))
            else:
                node.setdefault(p, []).append(value(o))
    dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    return [{k: (sorted(v, key=dumps) if sort_values and isinstance(v, list) else v) for k, v in sorted(n.items())}
            for n in sorted(nodes.values(), key=lambda n: n["@id"])]


def compact_jsonld(graph) -> dict:
    """The graph as JSON-LD compacted against the published context (embedded), nodes sorted by id."""
    from pyld import jsonld as pyld

    expanded = expanded_jsonld(graph, sort_values=False)
    try:
        fast = compactor()
        doc = fast.compact(expanded) if fast is not None else None
        if doc is None:  # a context outside the fast walk: PyLD's whole algorithm
            doc = pyld.compact(expanded, {"@context": context()}, pyld_options())
    except pyld.JsonLdError as e:
        raise InternalError(f"JSON-LD compaction failed: {jsonld_message(e)}", hint="report this as a bug") from None
    return sorted_jsonld(doc)


def jsonld_message(e) -> str:
    """PyLD's message and those of the errors that caused it (the root cause says what went wrong)."""
    parts, seen = [], set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        text = str(getattr(e, "message", None) or e).strip()
        if text and text not in parts:
            parts.append(text.splitlines()[0].strip("(),'\""))
        e = getattr(e, "cause", None) or e.__cause__
    return ": ".join(parts)


def sorted_jsonld(doc):
    """``doc`` with every set of values sorted by its JSON text and the nodes of ``@graph`` by id; lists (``@list``
    and the context's list terms) keep their order."""
    dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    ordered_terms = list_terms()

    def sort_value(v):
        if isinstance(v, list):
            if all(isinstance(x, str) for x in v):
                return sorted(v, key=dumps)
            items = [sort_value(x) for x in v]
            return sorted(items, key=dumps)
        if isinstance(v, dict):
            return {k: (sort_value(x) if k != "@list" and k not in ordered_terms
                        else [sort_value(i) for i in x] if isinstance(x, list) else x)
                    for k, x in v.items()}
        return v

    if isinstance(doc, dict) and "@graph" in doc:
        nodes = [sort_value(n) for n in doc["@graph"]]
        ids = [n.get("id", n.get("@id", "")) for n in nodes]
        if len(set(ids)) == len(ids):  # one node per id (always, from a graph): the id alone orders them
            doc["@graph"] = [n for _i, n in sorted(zip(ids, nodes, strict=True), key=lambda x: x[0])]
        else:
            doc["@graph"] = sorted(nodes, key=lambda n: (n.get("id", n.get("@id", "")), json.dumps(n, sort_keys=True)))
    elif isinstance(doc, dict):
        ctx = doc.pop("@context", None)
        doc = sort_value(doc)
        if ctx is not None:
            doc["@context"] = ctx
    return doc


def parse_jsonld_with_pyld(data: bytes):
    """JSON-LD bytes to an rdflib Graph through PyLD (offline loader); the default graph only."""
    from pyld import jsonld as pyld
    from rdflib import BNode, Graph, Literal, URIRef

    doc = json.loads(data.decode("utf-8"))
    try:
        dataset = pyld.to_rdf(doc, pyld_options())
    except pyld.JsonLdError as e:
        raise SyntaxError(jsonld_message(e)) from None

    def term(t):
        if t["type"] == "IRI":
            return URIRef(t["value"])
        if t["type"] == "blank node":
            return BNode(t["value"][2:])
        if t.get("language"):
            return Literal(t["value"], lang=t["language"])
        dt = t.get("datatype")
        return Literal(t["value"], datatype=URIRef(dt) if dt and dt != XSD_STRING else None)

    g = Graph()
    for _name, triples in dataset.items():
        for tr in triples:
            g.add((term(tr["subject"]), term(tr["predicate"]), term(tr["object"])))
    return g
