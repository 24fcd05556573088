"""Serialize graphs deterministically, verify each serialization by parsing it back, then write it atomically.

Verify-then-commit: serializers have lost data before (undeclared prefixes, dropped blank-node cycles, dropped
datatypes; see docs/pitfalls), so nothing is written unless a *different* implementation reads back the same graph,
compared as canonical sets of triples (blank nodes relabelled by RDFC-1.0, datatypes and language tags exact):

============== ================================================== =================
format         written by                                         read back by
============== ================================================== =================
ttl            airm (canonical blank nodes, prefixes.ttl)         Oxigraph
nt             airm (canonical N-Triples, sorted lines); the      Oxigraph
               same bytes as Oxigraph's writer
jsonld         airm, with PyLD's term selection (published         Oxigraph
               context); the same bytes as PyLD's own compaction
rdfxml         Oxigraph (canonical blank nodes, sorted)           rdflib
============== ================================================== =================

Everything works on one canonical form of the graph (:class:`CanonicalGraph`: Oxigraph terms, RDFC-1.0 blank-node
labels), computed once per export; a build takes it straight from the store, without an rdflib copy. Should airm's
Turtle or N-Triples writer ever fail its check, the file is written by Oxigraph instead and checked with rdflib. The
own writers exist for speed and for a second implementation to check them; the test suite holds the N-Triples
writer to Oxigraph's bytes and the JSON-LD compaction to PyLD's.

JSON-LD is compacted against the published context (``ontology/context.jsonld``: readable keys such as ``label``,
``addresses``, ``lifecycleStage`` and every airm prefix), embedded in the output so that reading it needs nothing
else; ``jsonld-framed`` gives one nested record per mitigation (``ontology/frame.jsonld``). The compaction walks the
flat node list itself and asks PyLD only for term selection, value and IRI compaction, once per distinct shape (a
context using features outside that walk falls back to PyLD's whole algorithm); the test suite checks the output
is byte-identical to PyLD's. PyLD runs with a document loader that serves the published context from the package
and refuses everything else, and Oxigraph's JSON-LD reader loads no remote context: nothing is fetched.
"""

from __future__ import annotations

import functools
import json
import re

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
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = RDF + "type", RDF + "first", RDF + "rest", RDF + "nil"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

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


def context_document_served() -> dict:
    """The context as published at its IRI: the file's terms plus every declared prefix, as airm compacts with."""
    return {"@context": context()}


def frame_document() -> dict:
    return _published("frame.jsonld")


def document_loader(url, options=None):
    """PyLD document loader: the published context and frame from the package; any other URL is refused, never
    fetched. Pass it to PyLD (``{"documentLoader": airm.export.document_loader}``) to re-frame airm's JSON-LD offline."""
    from pyld.jsonld import JsonLdError

    if url in (CONTEXT_URL, CONTEXT_URL.replace("https://", "http://")):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": context_document_served()}
    if url in (FRAME_URL, FRAME_URL.replace("https://", "http://")):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": frame_document()}
    raise JsonLdError(f"refused to load {url}: airm reads and writes JSON-LD offline", "jsonld.LoadDocumentError",
                      {"url": url}, code="loading document failed")


def _pyld_options(**extra) -> dict:
    return {"documentLoader": document_loader, **extra}


# --- the canonical form -------------------------------------------------------------------------------------------

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
        return isinstance(other, CanonicalGraph) and self.ground == other.ground and self.blank == other.blank

    __hash__ = None

    @property
    def triples(self) -> list:
        """(subject, predicate, object) tuples of Oxigraph terms, in no particular order."""
        if self._triples is None:
            self._triples = [(q.subject, q.predicate, q.object) for part in (self.ground, self.blank) for q in part]
        return self._triples

    @property
    def quads(self) -> frozenset:
        return self.ground | self.blank


def _canonicalized(quads) -> CanonicalGraph:
    import pyoxigraph as ox

    NamedNode, Literal, DefaultGraph = ox.NamedNode, ox.Literal, ox.DefaultGraph
    ground, blank = [], []
    for q in quads:
        o = q.object
        if type(q.subject) is NamedNode and (type(o) is NamedNode or type(o) is Literal) and type(q.graph_name) is DefaultGraph:
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
    import pyoxigraph as ox

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
    alike = {n for group in by_signature.values() if len(group) > 1 for n in group}
    if len(alike) <= MAX_ALIKE_BLANK_NODES:
        return
    parent = {n: n for n in alike}

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
    for n in alike:
        r = root(n)
        sizes[r] = sizes.get(r, 0) + 1
    largest = max(sizes.values())
    if largest > MAX_ALIKE_BLANK_NODES:
        raise UserError(
            f"the graph links {largest} blank nodes that nothing tells apart (a long chain or web of unlabelled "
            f"nodes); giving them canonical labels would take too long, so nothing was written",
            hint="give those nodes IRIs, or a distinguishing value each (a label, an index)")


def canonical(graph) -> CanonicalGraph:
    """``graph`` (an rdflib Graph, an Oxigraph Dataset, an iterable of Oxigraph triples or quads, or already a
    CanonicalGraph) as a :class:`CanonicalGraph`; named graphs are merged into one graph."""
    import pyoxigraph as ox

    if isinstance(graph, CanonicalGraph):
        return graph
    if hasattr(graph, "triples") and hasattr(graph, "namespace_manager"):  # rdflib
        from .convert import to_ox_term

        term = functools.lru_cache(maxsize=None)(to_ox_term)  # each distinct term converted once
        return _canonicalized(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
    return _canonicalized(ox.Quad(t.subject, t.predicate, t.object) for t in graph)


def canonical_from_store(store, graphs) -> CanonicalGraph:
    """The union of the named graphs ``graphs`` (IRIs) of an Oxigraph store, canonical; no rdflib copy is made."""
    import pyoxigraph as ox

    return _canonicalized(ox.Quad(q.subject, q.predicate, q.object)
                          for name in graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name)))


# --- serialization ------------------------------------------------------------------------------------------------

def serialize(graph, fmt: str, *, verify: bool = True) -> bytes:
    """Bytes of ``graph`` in ``fmt`` (ttl, nt, jsonld, rdfxml); the same graph always gives the same bytes."""
    return serialize_all(graph, (fmt,), verify=verify)[fmt]


def serialize_all(graph, fmts, *, verify: bool = True, timings: dict | None = None) -> dict[str, bytes]:
    """``graph`` in each of ``fmts``, canonicalized once; each output verified unless ``verify`` is false.

    ``timings``, when given, receives the seconds each step took (``canonical``, then one entry per format)."""
    import time

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


def _serialize(cg: CanonicalGraph, fmt: str, verify: bool) -> bytes:
    try:
        if fmt == "ttl":
            data = turtle(cg)
        elif fmt == "nt":
            data = ntriples(cg)
        elif fmt == "jsonld":
            data = _dump_json(compact_jsonld(cg))
        else:
            data = _rdfxml(cg)
    except RecursionError:
        raise InternalError(f"graph too deeply nested to write as {fmt}", hint="flatten deep blank-node chains") from None
    if verify:
        try:
            verify_roundtrip(cg, data, fmt)
        except InternalError:
            if fmt not in ("ttl", "nt"):
                raise
            # should airm's own writer ever get something wrong, Oxigraph writes the file and rdflib checks it
            data = _oxigraph_write(cg, fmt)
            verify_roundtrip(cg, data, f"{fmt}-oxigraph")
    return data


def _sorted_ox_triples(cg: CanonicalGraph) -> list:
    import pyoxigraph as ox

    return sorted((ox.Triple(s, p, o) for s, p, o in cg.triples), key=str)


def _oxigraph_write(graph, fmt: str) -> bytes:
    import pyoxigraph as ox

    from .namespaces import prefixes

    triples = _sorted_ox_triples(canonical(graph))
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes()))


# N-Triples string escapes: canonical N-Triples (RDF 1.2): ECHAR for these seven, UCHAR for the other controls
_NT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_NT_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _NT_ESCAPES})
_LONG_ESCAPES = {c: e for c, e in _NT_ESCAPES.items() if c != 0x0A}  # inside """...""": raw line feeds


def _term_writer(iri_form):
    """A memoized function writing an Oxigraph term, IRIs through ``iri_form``."""
    import pyoxigraph as ox

    memo: dict = {}
    NamedNode, BlankNode = ox.NamedNode, ox.BlankNode

    def write(t) -> str:
        r = memo.get(t)
        if r is not None:
            return r
        if isinstance(t, NamedNode):
            r = iri_form(t.value)
        elif isinstance(t, BlankNode):
            r = "_:" + t.value
        else:
            v = t.value
            if "\n" in v and iri_form is not _nt_iri:
                r = '"""' + v.translate(_LONG_ESCAPES) + '"""'
            else:
                r = '"' + v.translate(_NT_ESCAPES) + '"'
            if t.language:
                r += "@" + t.language
            elif t.datatype.value != XSD_STRING:
                r += "^^" + iri_form(t.datatype.value)
            if len(v) > 200:  # long texts occur once: memoizing them only costs memory
                return r
        memo[t] = r
        return r

    return write


def _nt_iri(iri: str) -> str:
    return f"<{iri}>"


def ntriples(graph) -> bytes:
    """Canonical N-Triples: canonical blank-node labels, one triple a line, lines sorted."""
    cg = canonical(graph)
    w = _term_writer(_nt_iri)
    lines = sorted({f"{w(s)} {w(p)} {w(o)} ." for s, p, o in cg.triples})
    return ("\n".join(lines) + "\n").encode("utf-8")


# a prefixed name's local part that every Turtle reader takes without escapes (a safe subset of PN_LOCAL)
_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
_MAX_NESTING = 32  # deeper blank-node chains are written with labels: no recursion limit is ever near


def turtle(graph) -> bytes:
    """Canonical Turtle: prefixes from the one prefix source (only those used), subjects and predicates sorted,
    ``rdf:type`` first as ``a``; a blank node used once is nested as ``[ ... ]`` and a well-formed RDF list
    as ``( ... )``; other blank nodes keep their canonical labels."""
    import pyoxigraph as ox

    from .namespaces import prefixes

    cg = canonical(graph)
    by_ns = {ns: p for p, ns in prefixes().items()}
    used: set = set()

    def iri_form(iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        p = by_ns.get(iri[:cut]) if cut else None
        if p is not None and _PN_LOCAL.fullmatch(iri, cut):
            used.add(p)
            return f"{p}:{iri[cut:]}"
        return f"<{iri}>"

    w = _term_writer(iri_form)
    BlankNode = ox.BlankNode
    by_subject: dict = {}
    refs: dict = {}  # blank node -> (how many triples have it as object, the (subject, predicate) of the last one)
    for s, p, o in cg.triples:
        by_subject.setdefault(s, []).append((p, o))
        if isinstance(o, BlankNode):
            n, _ = refs.get(o, (0, None))
            refs[o] = (n + 1, (s, p))

    def once(b):
        """The (subject, predicate) using blank node ``b``, when exactly one triple does."""
        n, use = refs.get(b, (0, None))
        return use if n == 1 else None

    # well-formed lists: rdf:first/rest chains of blank nodes used once, each with exactly those two properties
    lists: dict = {}  # head -> items
    chain_nodes: dict = {}  # every node of a list -> its head
    first, rest, nil = ox.NamedNode(RDF_FIRST), ox.NamedNode(RDF_REST), ox.NamedNode(RDF_NIL)

    def list_cell(node):
        props = by_subject.get(node) if isinstance(node, BlankNode) and once(node) else None
        if not props or len(props) != 2:
            return None
        d = dict(props)
        return (d[first], d[rest]) if first in d and rest in d else None

    for node in list(by_subject):
        use = once(node) if isinstance(node, BlankNode) else None
        if use is None or use[1] == rest or list_cell(node) is None:
            continue  # not a list's head (a head is not the rest of another cell)
        items, nodes, cur, seen = [], [], node, set()
        while cur != nil:
            cell = list_cell(cur) if cur not in seen else None
            if cell is None:
                break
            seen.add(cur)
            nodes.append(cur)
            items.append(cell[0])
            cur = cell[1]
        if cur == nil:
            lists[node] = items
            for n in nodes:
                chain_nodes[n] = node

    # which blank nodes are nested, and how deep: a node used once, not inside a list, within _MAX_NESTING levels of
    # a subject written on its own; a cycle of such nodes is broken at the node met first in canonical order
    level: dict = {}
    for b in sorted((b for b in refs if once(b)), key=str):
        path, on_path, cur = [], set(), b
        while cur not in level:
            use = once(cur) if isinstance(cur, BlankNode) else None
            if (use is None or cur in on_path or (cur in chain_nodes and chain_nodes[cur] != cur)
                    or use[0] in chain_nodes):
                level[cur] = 0  # written on its own: not used once, a list's cell or item, or where a cycle closes
                break
            path.append(cur)
            on_path.add(cur)
            cur = use[0]
        for node in reversed(path):  # each node's user comes before it
            if node not in level:
                up = level[once(node)[0]]
                level[node] = up + 1 if up < _MAX_NESTING else 0
    nested = {b for b, n in level.items() if n > 0}
    lists = {h: items for h, items in lists.items() if h in nested}  # a list not nested stays rdf:first/rest triples
    hidden = nested | {n for n, h in chain_nodes.items() if h in lists}

    type_ = ox.NamedNode(RDF_TYPE)

    def obj(o, indent: str) -> str:
        if o in nested:
            if o in lists:
                return "( " + " ".join(obj(i, indent) for i in lists[o]) + " )"
            props = by_subject.get(o)
            if not props:
                return "[]"
            return "[\n" + pred_list(o, indent + "    ") + "\n" + indent + "]"
        return w(o)

    def pred_list(s, indent: str) -> str:
        groups: dict = {}
        for p, o in by_subject[s]:
            groups.setdefault(p, []).append(o)
        out = []
        for p in sorted(groups, key=lambda p: (p != type_, p.value)):
            name = "a" if p == type_ else w(p)
            objs = groups[p]
            if len(objs) == 1:
                out.append(f"{indent}{name} {obj(objs[0], indent)}")
            else:  # in the order of their text: canonical labels and content only, so always the same
                inner = indent + "    "
                out.append(f"{indent}{name}\n{inner}" + f" ,\n{inner}".join(sorted(obj(o, inner) for o in objs)))
        return " ;\n".join(out)

    def block(s) -> str:
        if isinstance(s, BlankNode) and s not in refs:  # used by no triple: written as [ ... ] without its label
            return f"[\n{pred_list(s, '    ')}\n] .\n"
        return f"{w(s)}\n{pred_list(s, '    ')} .\n"

    blocks = [block(s) for s in sorted((s for s in by_subject if s not in hidden),
                                       key=lambda s: (isinstance(s, BlankNode), s.value))]
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes().items()) if p in used)
    return (head + "\n" + "\n".join(blocks)).encode("utf-8")


def _dump_json(doc) -> bytes:
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _rdfxml(graph) -> bytes:
    import pyoxigraph as ox

    from .namespaces import prefixes

    cg = canonical(graph)
    for s, _p, o in cg.triples:
        if isinstance(o, ox.Literal):
            bad = _XML_ILLEGAL.search(o.value)
            if bad:
                from .namespaces import curie

                raise UserError(f"a literal of {curie(s.value)} holds the character U+{ord(bad.group()):04X}, which XML "
                                "cannot carry, so the graph cannot be written as RDF/XML",
                                hint="use ttl, nt or jsonld, or remove the control character from the data")
    try:
        data = ox.serialize(_sorted_ox_triples(cg), format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes()))
    except (ValueError, OSError) as e:
        raise UserError(f"the graph cannot be written as RDF/XML: {e}",
                        hint="RDF/XML cannot write some property IRIs (e.g. ending in a digit); use ttl, nt or jsonld") from None
    # XML parsers turn a raw carriage return into a line feed; Oxigraph writes it raw. No IRI or markup holds one,
    # so every CR here is literal text: escape it.
    return data.replace(b"\r", b"&#13;")


# --- JSON-LD ------------------------------------------------------------------------------------------------------

def expanded_jsonld(graph, *, sort_values: bool = True) -> list:
    """Expanded JSON-LD for a graph, nodes and values sorted; well-formed RDF lists become ``@list``.

    Built directly (not through PyLD's N-Quads reader) so that every literal keeps its exact datatype and language.
    ``sort_values=False`` leaves the values of a property in no set order (compaction sorts its output anyway).
    """
    import pyoxigraph as ox

    cg = canonical(graph)
    BlankNode, Literal, NamedNode = ox.BlankNode, ox.Literal, ox.NamedNode
    first, rest, nil, rdf_type = RDF_FIRST, RDF_REST, RDF_NIL, RDF_TYPE

    def node_id(t) -> str:
        return "_:" + t.value if isinstance(t, BlankNode) else t.value

    props_of: dict = {}
    refs: dict = {}
    for s, p, o in cg.triples:
        props_of.setdefault(s, []).append((p.value, o))
        if isinstance(o, BlankNode):
            refs[o] = refs.get(o, 0) + 1

    def list_items(head):
        """The items of the well-formed list starting at ``head``, or None; its nodes go to ``consumed``."""
        items, nodes, node, seen = [], [], head, set()
        while not (isinstance(node, NamedNode) and node.value == nil):
            if not isinstance(node, BlankNode) or node in seen or refs.get(node, 0) != 1:
                return None
            seen.add(node)
            props = props_of.get(node, [])
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
    for s, props in props_of.items():
        for p, o in props:
            if isinstance(o, BlankNode) and p != first and p != rest:
                candidates.setdefault((s, p), []).append(o)
    for heads in candidates.values():
        found = [(h, list_items(h)) for h in heads]
        found = [(h, f) for h, f in found if f is not None]
        if len(found) != 1:  # JSON-LD holds one list per property and node: two stay rdf:first/rest nodes
            continue
        head, (items, nodes) = found[0]
        lists[head] = items
        consumed.update(nodes)

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
            if p == rdf_type and not isinstance(o, Literal):
                node.setdefault("@type", []).append(node_id(o))
            else:
                node.setdefault(p, []).append(value(o))
    dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    out = []
    for n in sorted(nodes.values(), key=lambda n: n["@id"]):
        out.append({k: (sorted(v, key=dumps) if sort_values and isinstance(v, list) else v) for k, v in sorted(n.items())})
    return out


def compact_jsonld(graph) -> dict:
    """The graph as JSON-LD compacted against the published context (embedded), nodes sorted by id."""
    from pyld import jsonld

    expanded = expanded_jsonld(graph, sort_values=False)
    try:
        compactor = _compactor()
        doc = compactor.compact(expanded) if compactor is not None else None
        if doc is None:  # a context outside the fast walk: PyLD's whole algorithm
            doc = jsonld.compact(expanded, {"@context": context()}, _pyld_options())
    except jsonld.JsonLdError as e:
        raise InternalError(f"JSON-LD compaction failed: {_jsonld_message(e)}", hint="report this as a bug") from None
    return _sorted_jsonld(doc)


def _compactor():
    """The compactor for the published context, or None when the context uses a feature its walk does not know."""
    ctx = context()
    key = json.dumps(ctx, sort_keys=True)
    if _COMPACTORS.get("key") != key:
        _COMPACTORS.clear()
        _COMPACTORS["key"] = key
        _COMPACTORS["compactor"] = _Compactor.for_context(ctx)
    return _COMPACTORS["compactor"]


_COMPACTORS: dict = {}


class _Compactor:
    """JSON-LD 1.1 compaction of a flat expanded document (nodes whose values are value objects, node references
    and ``@list`` objects, as :func:`expanded_jsonld` makes them), the same as PyLD's ``compact``.

    PyLD spends its time choosing a term for every value (the inverse-context search) and compacting every IRI. The
    choice depends only on the property and the value's shape (datatype, language; for a node reference whether its
    IRI is itself a term), and an IRI always compacts the same way: so each is asked of PyLD once and remembered. The
    walk is PyLD's own ``_compact`` restricted to what a flat node list holds (no scoped contexts, reverse or nested
    properties, or index/language/id/type/graph maps; such a context takes PyLD's whole algorithm).
    """

    _PROBE = "\u0000airm-probe\u0000"

    def __init__(self, processor, active_ctx, options):
        from pyld.jsonld import JsonLdProcessor

        self.p, self.ctx, self.options = processor, active_ctx, options
        self.get = JsonLdProcessor.get_context_value
        self.mapping_ids = set()
        for m in active_ctx["mappings"].values():
            if m:
                ids = m.get("@id")
                self.mapping_ids.update(ids if isinstance(ids, list) else [ids])
        self.alias = {k: processor._compact_iri(active_ctx, k) for k in ("@id", "@type", "@list", "@value", "@language")}
        type_container = self.get(active_ctx, self.alias["@type"], "@container") or []
        self.types_as_set = "@set" in type_container and processor._processing_mode(active_ctx, 1.1)
        self._terms: dict = {}
        self._ids: dict = {}
        self._vocab: dict = {}
        self._literal_forms: dict = {}
        self._term_info: dict = {}

    @classmethod
    def for_context(cls, ctx: dict):
        from pyld import jsonld

        processor = jsonld.JsonLdProcessor()
        options = _pyld_options(base="", compactArrays=True, graph=False, processingMode="json-ld-1.1", link=False,
                                contextResolver=jsonld.ContextResolver(jsonld._resolved_context_cache, document_loader))
        active = processor.process_context(processor._get_initial_context(options), {"@context": ctx}, options)
        for m in active["mappings"].values():
            if m and (m.get("reverse") or "@context" in m or "@nest" in m or "@index" in m
                      or not set(m.get("@container") or []) <= {"@set", "@list"}):
                return None
        return cls(processor, active, options)

    def compact_id(self, iri: str) -> str:
        r = self._ids.get(iri)
        if r is None:
            r = self._ids[iri] = self.p._compact_iri(self.ctx, iri, vocab=False, base="")
        return r

    def compact_vocab(self, iri: str) -> str:
        r = self._vocab.get(iri)
        if r is None:
            r = self._vocab[iri] = self.p._compact_iri(self.ctx, iri, vocab=True)
        return r

    def term(self, prop: str, value: dict) -> str:
        """The key for ``value`` (a value object or node reference) of property ``prop``."""
        if "@value" in value:
            key = (prop, 1, value.get("@type"), value.get("@language"), type(value["@value"]))
        else:
            iri = value["@id"]
            key = (prop, 2, iri if iri in self.mapping_ids else None)
        r = self._terms.get(key)
        if r is None:
            r = self._terms[key] = self.p._compact_iri(self.ctx, prop, value, vocab=True, reverse=False)
        return r

    def info(self, term: str):
        r = self._term_info.get(term)
        if r is None:
            container = self.get(self.ctx, term, "@container") or []
            container = container if isinstance(container, list) else [container]
            r = self._term_info[term] = (container, self.get(self.ctx, term, "@type"))
        return r

    def value(self, term: str, value: dict):
        """``value`` compacted under ``term`` (PyLD's value compaction, by shape for literals)."""
        if "@value" in value:
            if not isinstance(value["@value"], str):  # a JSON boolean: no language applies, compacted as is
                return self.p._compact_value(self.ctx, term, value, self.options)
            key = (term, value.get("@type"), value.get("@language"))
            form = self._literal_forms.get(key)
            if form is None:
                probe = dict(value, **{"@value": self._PROBE})
                out = self.p._compact_value(self.ctx, term, probe, self.options)
                if out == self._PROBE:
                    form = ()
                else:
                    form = tuple((k, (None if v == self._PROBE else v)) for k, v in out.items())
                    if sum(v is None for _k, v in form) != 1:
                        raise _Unsupported
                self._literal_forms[key] = form
            if not form:
                return value["@value"]
            return {k: (value["@value"] if v is None else v) for k, v in form}
        _container, type_ = self.info(term)
        if type_ == "@vocab":
            return self.compact_vocab(value["@id"])
        compacted = self.compact_id(value["@id"])
        if type_ == "@id":
            return compacted
        return {self.alias["@id"]: compacted}

    def node(self, element: dict) -> dict:
        out: dict = {}
        for prop, values in element.items():  # sorted by expanded_jsonld, as PyLD's walk goes
            if prop == "@id":
                out[self.alias["@id"]] = self.compact_id(values)
                continue
            if prop == "@type":
                types = [self.compact_vocab(t) for t in values]
                out[self.alias["@type"]] = types if (len(types) != 1 or self.types_as_set) else types[0]
                continue
            if prop.startswith("@"):
                raise _Unsupported
            for item in values:
                if "@list" in item:
                    term = self.p._compact_iri(self.ctx, prop, item, vocab=True, reverse=False)
                    container, _t = self.info(term)
                    items = [self.value(term, i) for i in item["@list"]]
                    if "@list" in container:
                        out[term] = items
                        continue
                    compacted = {self.alias["@list"]: items}
                else:
                    term = self.term(prop, item)
                    container, _t = self.info(term)
                    compacted = self.value(term, item)
                as_array = "@set" in container or "@list" in container
                if term in out:
                    if not isinstance(out[term], list):
                        out[term] = [out[term]]
                    out[term].append(compacted)
                else:
                    out[term] = [compacted] if as_array else compacted
        return out

    def compact(self, expanded: list):
        try:
            nodes = [self.node(n) for n in expanded]
        except _Unsupported:
            return None
        ctx = context()
        if len(nodes) == 1:
            return {"@context": ctx, **nodes[0]}
        if not nodes:
            return {"@context": ctx}
        return {"@context": ctx, "@graph": nodes}


class _Unsupported(Exception):
    """The fast compaction walk met something it does not handle: PyLD's whole algorithm does it."""


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
    dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode

    def sort_value(v):
        if isinstance(v, list):
            if all(isinstance(x, str) for x in v):
                return sorted(v, key=dumps)
            items = [sort_value(x) for x in v]
            return sorted(items, key=dumps)
        if isinstance(v, dict):
            return {k: (sort_value(x) if k != "@list" and not _is_list_term(k) else [sort_value(i) for i in x] if isinstance(x, list) else x)
                    for k, x in v.items()}
        return v

    if isinstance(doc, dict) and "@graph" in doc:
        nodes = [sort_value(n) for n in doc["@graph"]]
        ids = [n.get("id", n.get("@id", "")) for n in nodes]
        if len(set(ids)) == len(ids):  # one node per id (always, from a graph): the id alone orders them
            doc["@graph"] = [n for _i, n in sorted(zip(ids, nodes), key=lambda x: x[0])]
        else:
            doc["@graph"] = sorted(nodes, key=lambda n: (n.get("id", n.get("@id", "")), json.dumps(n, sort_keys=True)))
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
    if not len(sub):
        raise UserError("nothing to frame: the graph holds no mitigation (the frame makes one record per mitigation)",
                        hint="export the data or all scope, or use --format jsonld")
    canon = canonical(sub)
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


# who reads back what (always another implementation than the writer's)
READERS = {
    "ttl": "oxigraph",  # written by airm
    "nt": "oxigraph",  # written by airm
    "jsonld": "oxigraph",  # written by airm with PyLD's term selection
    "rdfxml": "rdflib",  # written by Oxigraph
    "ttl-oxigraph": "rdflib",  # the fallback writers
    "nt-oxigraph": "rdflib",
}


def read_canonical(data: bytes, fmt: str, *, expected: CanonicalGraph | None = None) -> CanonicalGraph:
    """Parse serialized bytes with the reader :data:`READERS` names for ``fmt``; SyntaxError when they do not parse.

    Oxigraph keeps any named graph a JSON-LD document declares, so content that lands outside the default graph
    does not compare equal. With ``expected``, the result equals it exactly when the data holds the same graph, and
    is cheaper to get: the expected ground triples are set apart by one set operation and only the rest is
    canonicalized."""
    import pyoxigraph as ox

    base = fmt.split("-")[0]
    if READERS[fmt] == "rdflib":
        import io

        from rdflib import Graph

        g = Graph()
        try:
            g.parse(io.BytesIO(data), format=FORMATS[base][0], publicID="https://w3id.org/airm/")
        except Exception as e:  # rdflib raises assorted SAX and parser errors
            raise SyntaxError(str(e)) from None
        return canonical(g)
    try:
        quads = ox.parse(data, format=getattr(ox.RdfFormat, FORMATS[base][1]), base_iri=None)
        if expected is None:
            return _canonicalized(quads)
        back = frozenset(quads)
    except (SyntaxError, ValueError, OSError) as e:
        raise SyntaxError(str(e)) from None
    if not expected.ground <= back:
        return _canonicalized(back)
    # the rest holds the blank-node triples, and any triple that should not be there: canonicalized, it equals
    # expected.blank only when nothing is missing or extra
    rest = _canonicalized(back - expected.ground)
    return CanonicalGraph(expected.ground | rest.ground, rest.blank)


def parse_back(data: bytes, fmt: str):
    """Parse serialized bytes with the reader that checks ``fmt`` (:data:`READERS`), as an rdflib Graph."""
    from rdflib import Graph

    from .convert import to_rdflib_term

    g = Graph()
    for s, p, o in read_canonical(data, fmt).triples:
        g.add((to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(o)))
    return g


def same_graph(a, b) -> bool:
    """Isomorphism: equal sets of triples once blank nodes are canonically relabelled (RDFC-1.0, by Oxigraph).

    rdflib's isomorphic() can take exponential time on ordinary graphs; this does not on ours. Terms compare as RDF
    1.1 does: a plain literal and the same string typed xsd:string are one term (rdflib keeps them apart).
    """
    return canonical(a) == canonical(b)


def verify_roundtrip(graph, data: bytes, fmt: str) -> None:
    """Raise InternalError unless ``data`` (``graph`` written as ``fmt``) reads back as the same graph."""
    expected = canonical(graph)
    try:
        back = read_canonical(data, fmt, expected=expected)
    except SyntaxError as e:
        raise InternalError(f"the {fmt} writer produced output that does not parse: {e}", hint="report this as a bug") from None
    if back != expected:
        missing = len(expected) - len(back)
        raise InternalError(
            f"the {fmt} output does not read back as the same graph ({len(expected)} triples in, {len(back)} back, "
            f"{missing:+d})",
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
    if fmt == "jsonld-framed" and scope == "ontology":
        raise UserError("the framed JSON-LD has one record per mitigation, and the ontology scope holds none",
                        hint="use --scope data or all, or --format jsonld for the ontology")
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
        mset = sssom.combine(sets, version=info["version"], release_date=info["date"], scope=scope)
    data = sssom.to_tsv(mset)
    table = sssom.read_tsv(data, name="the SSSOM export")
    back = sssom.parse_tsv_mappings(table, mapping_source=mset.id)
    if sorted(m.key()[:3] for m in back) != sorted(m.key()[:3] for m in mset.mappings):
        raise InternalError("the SSSOM table does not read back as the same mappings", hint="report this as a bug")
    return data
