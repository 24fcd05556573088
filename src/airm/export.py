"""Serialize graphs deterministically, verify each serialization by parsing it back, then write it atomically.

Verify-then-commit: serializers have lost data before (undeclared prefixes, dropped blank-node cycles, dropped
datatypes; see docs/pitfalls), so nothing is written unless a *different* implementation reads back the same graph,
compared as canonical sets of triples (blank nodes relabelled canonically):

========== ============================================ ====================================
format     written by                                   read back by
========== ============================================ ====================================
ttl        rdflib (longturtle, canonical blank nodes)   Oxigraph
nt         rdflib (canonical blank nodes, sorted lines) Oxigraph
jsonld     PyLD (compacted with ontology/context.jsonld) PyLD and Oxigraph
rdfxml     Oxigraph (canonical blank nodes, sorted)      rdflib
========== ============================================ ====================================

JSON-LD is compacted against the published context (``ontology/context.jsonld``: readable keys such as ``label``,
``addresses``, ``lifecycleStage`` and every airm prefix), embedded in the output so that reading it needs nothing
else; ``jsonld-framed`` gives one nested record per mitigation (``ontology/frame.jsonld``). PyLD runs with a document
loader that serves the published context from the package and refuses everything else: nothing is fetched.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from pathlib import Path

from .errors import InternalError, UserError

FORMATS = {
    "ttl": ("turtle", "TURTLE"),
    "nt": ("nt", "N_TRIPLES"),
    "jsonld": ("json-ld", "JSON_LD"),
    "rdfxml": ("xml", "RDF_XML"),
}
EXPORT_FORMATS = ("ttl", "nt", "jsonld", "jsonld-framed", "rdfxml", "sssom")
SCOPES = ("ontology", "data", "all")
SUFFIX = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "jsonld-framed": ".framed.jsonld", "rdfxml": ".rdf",
          "sssom": ".sssom.tsv"}

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTEXT_URL = "https://w3id.org/airm/context.jsonld"
FRAME_URL = "https://w3id.org/airm/frame.jsonld"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# --- the published JSON-LD documents and the offline loader ------------------------------------------------------

def _published(name: str) -> dict:
    import copy

    return copy.deepcopy(_read_published(name))


@functools.cache
def _read_published(name: str) -> dict:
    from .resources import resource_dir

    path = resource_dir("ontology") / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InternalError(f"{path}: cannot read the published JSON-LD document: {e}", hint="reinstall airm") from None


@functools.cache
def _list_terms() -> frozenset:
    return frozenset(k for k, d in context().items() if isinstance(d, dict) and d.get("@container") == "@list")


def context_document() -> dict:
    """``ontology/context.jsonld`` as a dict: ``{"@context": {...}}``."""
    return _published("context.jsonld")


def context() -> dict:
    """The JSON-LD context we compact with (a dict, so nothing is fetched): terms plus every declared prefix."""
    from .namespaces import prefixes

    ctx = dict(context_document()["@context"])
    for p, ns in prefixes().items():  # the prefix file is the one source: a prefix added there is never missing here
        if p not in ctx:
            ctx[p] = ns
    return ctx


def frame_document() -> dict:
    return _published("frame.jsonld")


def document_loader(url, options=None):
    """PyLD document loader: the published context from the package; any other URL is refused, never fetched."""
    from pyld.jsonld import JsonLdError

    if url in (CONTEXT_URL, CONTEXT_URL.replace("https://", "http://")):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": context()}}
    raise JsonLdError(f"refused to load {url}: airm reads and writes JSON-LD offline", "jsonld.LoadDocumentError",
                      {"url": url}, code="loading document failed")


def _pyld_options(**extra) -> dict:
    return {"documentLoader": document_loader, **extra}


# --- serialization ------------------------------------------------------------------------------------------------

def serialize(graph, fmt: str, *, verify: bool = True) -> bytes:
    """Bytes of ``graph`` in ``fmt`` (ttl, nt, jsonld, rdfxml); the same graph always gives the same bytes."""
    from .namespaces import bind_all

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    try:
        canon = _canonical(graph)
        if fmt == "ttl":
            bind_all(canon)
            data = _at_prefixes(canon.serialize(format="longturtle")).encode("utf-8")
        elif fmt == "nt":
            lines = canon.serialize(format="nt").split("\n")  # not splitlines(): it also splits on U+001C..1E, U+0085, U+2028
            data = ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode("utf-8")
        elif fmt == "jsonld":
            data = _dump_json(compact_jsonld(canon))
        else:
            data = _rdfxml(canon)
    except RecursionError:
        raise InternalError(f"graph too deeply nested to write as {fmt}", hint="flatten deep blank-node chains") from None
    if verify:
        try:
            verify_roundtrip(graph, data, fmt)
        except InternalError:
            if fmt != "ttl":
                raise
            # rdflib's Turtle writer mis-escapes some multi-line strings (one ending in backslash-quote, for one):
            # write those graphs with Oxigraph instead, and check that with rdflib's reader
            data = _oxigraph_turtle(canon)
            verify_roundtrip(graph, data, "ttl-oxigraph")
    return data


def _oxigraph_turtle(graph) -> bytes:
    import pyoxigraph as ox

    from .convert import to_ox_term
    from .namespaces import prefixes

    triples = sorted((ox.Triple(to_ox_term(s), to_ox_term(p), to_ox_term(o)) for s, p, o in graph), key=str)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes()))


def _at_prefixes(text: str) -> str:
    """longturtle's SPARQL-style ``PREFIX`` header lines as ``@prefix`` ones, which every Turtle reader knows
    (older OWL API and Protégé releases read only these)."""
    head, sep, body = text.partition("\n\n")
    lines = head.splitlines()
    if not all(line.startswith("PREFIX ") for line in lines):
        return text
    return "\n".join(re.sub(r"^PREFIX (\S*:) (<[^>]*>)$", r"@prefix \1 \2 .", line) for line in lines) + sep + body


def _ox_canonical(graph):
    """``graph`` as an Oxigraph Dataset with RDFC-1.0 canonical blank-node labels (50x faster than rdflib's)."""
    import pyoxigraph as ox

    from .convert import to_ox_term

    ds = ox.Dataset(ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o)) for s, p, o in graph)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ds


def _canonical(graph):
    """A plain Graph holding ``graph`` with canonical blank-node labels (the same labels for the same graph)."""
    from rdflib import Graph

    from .convert import to_rdflib_term

    out = Graph()
    for q in _ox_canonical(graph):
        out.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return out


def _dump_json(doc) -> bytes:
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _rdfxml(graph) -> bytes:
    import pyoxigraph as ox

    from .convert import to_ox_term
    from .namespaces import prefixes

    from rdflib import Literal

    for s, _p, o in graph:
        if isinstance(o, Literal):
            bad = _XML_ILLEGAL.search(str(o))
            if bad:
                from .namespaces import curie

                raise UserError(f"a literal of {curie(str(s))} holds the character U+{ord(bad.group()):04X}, which XML "
                                "cannot carry, so the graph cannot be written as RDF/XML",
                                hint="use ttl, nt or jsonld, or remove the control character from the data")
    triples = sorted((ox.Triple(to_ox_term(s), to_ox_term(p), to_ox_term(o)) for s, p, o in graph), key=str)
    try:
        data = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes()))
    except (ValueError, OSError) as e:
        raise UserError(f"the graph cannot be written as RDF/XML: {e}",
                        hint="RDF/XML cannot write some property IRIs (e.g. ending in a digit); use ttl, nt or jsonld") from None
    # XML parsers turn a raw carriage return into a line feed; Oxigraph writes it raw. No IRI or markup holds one,
    # so every CR here is literal text: escape it.
    return data.replace(b"\r", b"&#13;")


def expanded_jsonld(graph) -> list:
    """Expanded JSON-LD for an rdflib graph, nodes and values sorted; well-formed RDF lists become ``@list``.

    Built directly (not through PyLD's N-Quads reader) so that every literal keeps its exact datatype and language.
    """
    from rdflib import BNode, Literal, URIRef

    first, rest, nil, rdf_type = URIRef(RDF + "first"), URIRef(RDF + "rest"), URIRef(RDF + "nil"), URIRef(RDF + "type")

    def node_id(t) -> str:
        return f"_:{t}" if isinstance(t, BNode) else str(t)

    refs: dict = {}
    for _s, _p, o in graph:
        if isinstance(o, BNode):
            refs[o] = refs.get(o, 0) + 1

    def list_items(head):
        """The items of the well-formed list starting at ``head``, or None; its nodes go to ``consumed``."""
        items, nodes, node, seen = [], [], head, set()
        while node != nil:
            if not isinstance(node, BNode) or node in seen or refs.get(node, 0) != 1:
                return None
            seen.add(node)
            props = list(graph.predicate_objects(node))
            firsts = [o for p, o in props if p == first]
            rests = [o for p, o in props if p == rest]
            if len(props) != 2 or len(firsts) != 1 or len(rests) != 1:
                return None
            items.append(firsts[0])
            nodes.append(node)
            node = rests[0]
        return items, nodes

    consumed: set = set()
    lists: dict = {}
    candidates: dict = {}
    for s, p, o in graph:
        if isinstance(o, BNode) and p != first and p != rest:
            candidates.setdefault((s, p), []).append(o)
    for (s, p), heads in candidates.items():
        found = [(h, list_items(h)) for h in heads]
        found = [(h, f) for h, f in found if f is not None]
        if len(found) != 1:  # JSON-LD holds one list per property and node: two stay rdf:first/rest nodes
            continue
        head, (items, nodes) = found[0]
        lists[head] = items
        consumed.update(nodes)

    def value(o):
        if isinstance(o, Literal):
            v = {"@value": str(o)}
            if o.language:
                v["@language"] = o.language
            elif o.datatype is not None and str(o.datatype) != XSD_STRING:
                v["@type"] = str(o.datatype)
            return v
        if o in lists:
            return {"@list": [value(i) for i in lists[o]]}
        return {"@id": node_id(o)}

    nodes: dict = {}
    for s, p, o in graph:
        if s in consumed:
            continue
        node = nodes.setdefault(s, {"@id": node_id(s)})
        if p == rdf_type and not isinstance(o, Literal):
            node.setdefault("@type", []).append(node_id(o))
        else:
            node.setdefault(str(p), []).append(value(o))
    key = lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)  # noqa: E731
    out = []
    for n in sorted(nodes.values(), key=lambda n: n["@id"]):
        out.append({k: (sorted(v, key=key) if isinstance(v, list) else v) for k, v in sorted(n.items())})
    return out


def compact_jsonld(graph) -> dict:
    """The graph as JSON-LD compacted against the published context (embedded), nodes sorted by id."""
    from pyld import jsonld

    try:
        doc = jsonld.compact(expanded_jsonld(graph), {"@context": context()}, _pyld_options())
    except jsonld.JsonLdError as e:
        raise InternalError(f"JSON-LD compaction failed: {_jsonld_message(e)}", hint="report this as a bug") from None
    return _sorted_jsonld(doc)


def _jsonld_message(e) -> str:
    """PyLD's message and those of the errors that caused it (the root cause says what went wrong)."""
    parts, seen = [], set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        text = str(getattr(e, "message", None) or e).strip()
        if text and text not in parts:
            parts.append(text.splitlines()[0].strip("(),'\""))
        e = getattr(e, "cause", None) or e.__cause__
    return ": ".join(parts)


def _sorted_jsonld(doc):
    def sort_value(v):
        if isinstance(v, list):
            items = [sort_value(x) for x in v]
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
        if isinstance(v, dict):
            return {k: (sort_value(x) if k != "@list" and not _is_list_term(k) else [sort_value(i) for i in x] if isinstance(x, list) else x)
                    for k, x in v.items()}
        return v

    if isinstance(doc, dict) and "@graph" in doc:
        doc["@graph"] = sorted((sort_value(n) for n in doc["@graph"]),
                               key=lambda n: (n.get("id", n.get("@id", "")), json.dumps(n, sort_keys=True)))
    elif isinstance(doc, dict):
        context = doc.pop("@context", None)
        doc = sort_value(doc)
        if context is not None:
            doc["@context"] = context
    return doc


def _is_list_term(key: str) -> bool:
    return key in _list_terms()


# --- the framed form: one record per mitigation -------------------------------------------------------------------

def framed_subgraph(graph):
    """The part of ``graph`` the mitigation frame shows: each mitigation's framed properties, and theirs, recursively."""
    from pyld import jsonld
    from rdflib import Graph, Literal, URIRef

    expanded_frame = jsonld.expand(frame_document(), _pyld_options())[0]
    rdf_type = URIRef(RDF + "type")
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
            embed = embed[0].get("@value", embed[0]) if isinstance(embed, list) and embed and isinstance(embed[0], dict) else embed
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
    from rdflib import BNode, URIRef

    first, rest = URIRef(RDF + "first"), URIRef(RDF + "rest")
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
    from pyld import jsonld

    sub = framed_subgraph(graph)
    canon = _canonical(sub)
    try:
        doc = jsonld.frame(expanded_jsonld(canon), frame_document(), _pyld_options(omitGraph=False, omitDefault=True))
    except jsonld.JsonLdError as e:
        raise InternalError(f"JSON-LD framing failed: {_jsonld_message(e)}", hint="report this as a bug") from None
    doc["@context"] = context()
    doc["@graph"] = sorted((_sorted_jsonld({"x": n})["x"] for n in doc.get("@graph", [])),
                           key=lambda n: (n.get("id", ""), json.dumps(n, sort_keys=True)))
    data = _dump_json(doc)
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

    first, rest, nil = URIRef(RDF + "first"), URIRef(RDF + "rest"), URIRef(RDF + "nil")

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


# --- reading back -------------------------------------------------------------------------------------------------

def parse_jsonld_with_pyld(data: bytes):
    """JSON-LD bytes to an rdflib Graph through PyLD (offline loader); the default graph only."""
    from pyld import jsonld
    from rdflib import BNode, Graph, Literal, URIRef

    doc = json.loads(data.decode("utf-8"))
    try:
        dataset = jsonld.to_rdf(doc, _pyld_options())
    except jsonld.JsonLdError as e:
        raise SyntaxError(_jsonld_message(e)) from None

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
    for name, triples in dataset.items():
        for tr in triples:
            g.add((term(tr["subject"]), term(tr["predicate"]), term(tr["object"])))
    return g


def parse_back(data: bytes, fmt: str):
    """Parse serialized bytes with Oxigraph (for RDF/XML: rdflib, since Oxigraph wrote it)."""
    import pyoxigraph as ox
    from rdflib import Graph

    from .convert import to_rdflib_term

    if fmt in ("rdfxml", "ttl-oxigraph"):  # written by Oxigraph: read by rdflib
        import io

        g = Graph()
        try:
            g.parse(io.BytesIO(data), format="xml" if fmt == "rdfxml" else "turtle", publicID="https://w3id.org/airm/")
        except Exception as e:  # rdflib raises assorted SAX and parser errors
            raise SyntaxError(str(e)) from None
        return g
    g = Graph()
    for t in ox.parse(data, format=getattr(ox.RdfFormat, FORMATS[fmt][1]), base_iri=None):
        g.add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))
    return g


def same_graph(a, b) -> bool:
    """Isomorphism: equal sets of triples once blank nodes are canonically relabelled (RDFC-1.0, by Oxigraph).

    rdflib's isomorphic() can take exponential time on ordinary graphs; this does not on ours. Terms compare as RDF
    1.1 does: a plain literal and the same string typed xsd:string are one term (rdflib keeps them apart).
    """
    return set(_ox_canonical(a)) == set(_ox_canonical(b))


def verify_roundtrip(graph, data: bytes, fmt: str) -> None:
    readers = [lambda: parse_back(data, fmt)]
    if fmt == "jsonld":
        readers = [lambda: parse_jsonld_with_pyld(data), lambda: parse_back(data, fmt)]
    for read in readers:
        try:
            back = read()
        except SyntaxError as e:
            raise InternalError(f"the {fmt} writer produced output that does not parse: {e}", hint="report this as a bug") from None
        if not same_graph(back, graph):
            missing = len(graph) - len(back)
            raise InternalError(
                f"the {fmt} output does not read back as the same graph ({len(graph)} triples in, {len(back)} back, {missing:+d})",
                hint="nothing was written; report this as a bug",
            )


# --- exporting a loaded knowledge graph ---------------------------------------------------------------------------

def export(kg, fmt: str, *, scope: str = "all") -> bytes:
    """``kg`` (a loaded KnowledgeGraph) in ``fmt`` restricted to ``scope``: ontology, data or all; verified."""
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}", hint="one of " + ", ".join(EXPORT_FORMATS))
    if scope not in SCOPES:
        raise UserError(f"unknown scope {scope!r}", hint="one of " + ", ".join(SCOPES))
    if fmt == "sssom":
        return mappings_tsv(kg, scope=scope)
    graph = kg.to_rdflib(scope=scope, entailments=True)
    if fmt == "jsonld-framed":
        return framed_jsonld(graph)
    return serialize(graph, fmt)


def release(store) -> dict:
    """The ontology's version and release date as the graph states them (owl:versionInfo, dcterms:modified)."""
    import pyoxigraph as ox

    from .namespaces import ONTOLOGY_IRI

    rows = list(store.query(
        "SELECT ?o ?v ?d WHERE { ?o <http://www.w3.org/2002/07/owl#versionInfo> ?v . "
        "OPTIONAL { ?o <http://purl.org/dc/terms/modified> ?d } }",
        substitutions={ox.Variable("o"): ox.NamedNode(ONTOLOGY_IRI)}, use_default_graph_as_union=True))
    if not rows:
        return {"version": None, "date": None}
    return {"version": rows[0]["v"].value, "date": rows[0]["d"].value if rows[0]["d"] is not None else None}


def mappings_tsv(kg, *, scope: str = "all", set_id: str | None = None) -> bytes:
    """Every mapping in scope (ontology: term alignments; data: crosswalk rows; all: both) as one SSSOM/TSV set.

    ``set_id`` picks one mapping set (its IRI or CURIE) and writes it with its own metadata. Verified by reading the
    table back and comparing the mappings.
    """
    from . import sssom
    from .namespaces import expand

    kinds = {"ontology": ("alignment",), "data": ("crosswalk",), "all": ("alignment", "crosswalk")}[scope]
    info = release(kg.store)
    sets = sssom.collect(kg.store, kinds=kinds, version=info["version"])
    if set_id is not None:
        wanted = expand(set_id) if not set_id.startswith(("http://", "https://")) else set_id
        chosen = [s for s in sets if s.id == wanted]
        if not chosen:
            from .namespaces import curie

            raise UserError(f"no mapping set {set_id!r} in scope {scope}",
                            hint="sets: " + ", ".join(curie(s.id) for s in sets) if sets else "there are no mappings")
        mset = chosen[0]
    else:
        mset = sssom.combine(sets, version=info["version"], release_date=info["date"])
    data = sssom.to_tsv(mset)
    table = sssom.read_tsv(data, name="the SSSOM export")
    back = sssom.parse_tsv_mappings(table, mapping_source=mset.id)
    if sorted(m.key()[:3] for m in back) != sorted(m.key()[:3] for m in mset.mappings):
        raise InternalError("the SSSOM table does not read back as the same mappings", hint="report this as a bug")
    return data


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, then rename over it: readers never see a partial file.

    The file gets the usual permissions (0666 less the umask), not the owner-only ones of a temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(f.fileno(), 0o666 & ~umask)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
