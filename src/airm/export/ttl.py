"""Canonical Turtle, in two steps: a plan (which blank nodes nest as ``[ ... ]``, which lists read as ``( ... )``)
and an emitter that writes subjects and predicates in sorted order from it.

The writer is airm's own so that a second implementation (Oxigraph's reader) checks it, and because Oxigraph's
Turtle writer nests nothing. Prefixes come from the one prefix source, and only those used are declared: a writer
that invents a prefix for an IRI it cannot abbreviate (rdflib's ``ns1:`` for a predicate ending in ".") writes a
file that does not parse back, so an IRI whose local part is not a safe prefixed name is written in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import prefixes
from .canon import canonical
from .terms import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, XSD_STRING

# string escapes of canonical N-Triples (RDF 1.2): ECHAR for these seven, UCHAR for the other control characters
_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})
_LONG_ESCAPES = {c: e for c, e in _ESCAPES.items() if c != 0x0A}  # inside """...""": raw line feeds

# a prefixed name's local part that every Turtle reader takes without escapes (a safe subset of PN_LOCAL)
_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
MAX_NESTING = 32  # deeper blank-node chains are written with labels: no recursion limit is ever near


def _term_writer(iri_form):
    """A memoized function writing an Oxigraph term, IRIs through ``iri_form``; a text with a line feed is written
    as a long string."""
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
            if "\n" in v:
                r = '"""' + v.translate(_LONG_ESCAPES) + '"""'
            else:
                r = '"' + v.translate(_ESCAPES) + '"'
            if t.language:
                r += "@" + t.language
            elif t.datatype.value != XSD_STRING:
                r += "^^" + iri_form(t.datatype.value)
            if len(v) > 200:  # long texts occur once: memoizing them only costs memory
                return r
        memo[t] = r
        return r

    return write


# --- the plan ------------------------------------------------------------------------------------------------------

@dataclass
class TurtlePlan:
    """What the emitter needs: each subject's (predicate, object) pairs, and which blank nodes it writes inline."""

    by_subject: dict  # subject -> [(predicate, object)]
    refs: dict  # blank node -> (how many triples have it as object, the (subject, predicate) of the last one)
    nested: set  # blank nodes written inside their one user, as [ ... ] or ( ... )
    lists: dict  # nested list head -> its items
    hidden: set  # nodes not written as a subject of their own: the nested ones and the cells of nested lists


def _used_once(refs: dict, b):
    """The (subject, predicate) using blank node ``b``, when exactly one triple does."""
    n, use = refs.get(b, (0, None))
    return use if n == 1 else None


def _well_formed_lists(by_subject: dict, refs: dict) -> tuple[dict, dict]:
    """RDF lists that can be written as ``( ... )``: rdf:first/rest chains of blank nodes used once, each with
    exactly those two properties, ending in rdf:nil. Returns head -> items and every cell -> its head."""
    BlankNode = ox.BlankNode
    first, rest, nil = ox.NamedNode(RDF_FIRST), ox.NamedNode(RDF_REST), ox.NamedNode(RDF_NIL)

    def list_cell(node):
        props = by_subject.get(node) if isinstance(node, BlankNode) and _used_once(refs, node) else None
        if not props or len(props) != 2:
            return None
        d = dict(props)
        return (d[first], d[rest]) if first in d and rest in d else None

    lists: dict = {}
    chain_nodes: dict = {}
    for node in list(by_subject):
        use = _used_once(refs, node) if isinstance(node, BlankNode) else None
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
    return lists, chain_nodes


def _nesting_levels(refs: dict, chain_nodes: dict) -> dict:
    """How deep each blank node used once sits below a subject written on its own (0: written on its own).

    A node nests when it is used once, is not a list's cell or item, and is within MAX_NESTING levels of a subject
    written on its own; a cycle of such nodes is broken at the node met first in canonical order."""
    BlankNode = ox.BlankNode
    level: dict = {}
    for b in sorted((b for b in refs if _used_once(refs, b)), key=str):
        path, on_path, cur = [], set(), b
        while cur not in level:
            use = _used_once(refs, cur) if isinstance(cur, BlankNode) else None
            if (use is None or cur in on_path or (cur in chain_nodes and chain_nodes[cur] != cur)
                    or use[0] in chain_nodes):
                level[cur] = 0  # written on its own: not used once, a list's cell or item, or where a cycle closes
                break
            path.append(cur)
            on_path.add(cur)
            cur = use[0]
        for node in reversed(path):  # each node's user comes before it
            if node not in level:
                up = level[_used_once(refs, node)[0]]
                level[node] = up + 1 if up < MAX_NESTING else 0
    return level


def plan(cg) -> TurtlePlan:
    """The layout of canonical graph ``cg`` as Turtle: what nests where."""
    BlankNode = ox.BlankNode
    by_subject: dict = {}
    refs: dict = {}
    for s, p, o in cg.triples:
        by_subject.setdefault(s, []).append((p, o))
        if isinstance(o, BlankNode):
            n, _ = refs.get(o, (0, None))
            refs[o] = (n + 1, (s, p))
    lists, chain_nodes = _well_formed_lists(by_subject, refs)
    nested = {b for b, n in _nesting_levels(refs, chain_nodes).items() if n > 0}
    lists = {h: items for h, items in lists.items() if h in nested}  # a list not nested stays rdf:first/rest triples
    hidden = nested | {n for n, h in chain_nodes.items() if h in lists}
    return TurtlePlan(by_subject, refs, nested, lists, hidden)


# --- the emitter ---------------------------------------------------------------------------------------------------

class _Emitter:
    """Writes the blocks of a :class:`TurtlePlan`: predicates sorted with ``rdf:type`` first as ``a``, several
    objects of one predicate in the order of their text."""

    def __init__(self, layout: TurtlePlan, write_term):
        self.layout, self.w = layout, write_term
        self.type_ = ox.NamedNode(RDF_TYPE)
        self.BlankNode = ox.BlankNode

    def obj(self, o, indent: str) -> str:
        layout = self.layout
        if o in layout.nested:
            if o in layout.lists:
                return "( " + " ".join(self.obj(i, indent) for i in layout.lists[o]) + " )"
            if not layout.by_subject.get(o):
                return "[]"
            return "[\n" + self.pred_list(o, indent + "    ") + "\n" + indent + "]"
        return self.w(o)

    def pred_list(self, s, indent: str) -> str:
        type_ = self.type_
        groups: dict = {}
        for p, o in self.layout.by_subject[s]:
            groups.setdefault(p, []).append(o)
        out = []
        for p in sorted(groups, key=lambda p: (p != type_, p.value)):
            name = "a" if p == type_ else self.w(p)
            objs = groups[p]
            if len(objs) == 1:
                out.append(f"{indent}{name} {self.obj(objs[0], indent)}")
            else:  # in the order of their text: canonical labels and content only, so always the same
                inner = indent + "    "
                out.append(f"{indent}{name}\n{inner}" + f" ,\n{inner}".join(sorted(self.obj(o, inner) for o in objs)))
        return " ;\n".join(out)

    def block(self, s) -> str:
        if isinstance(s, self.BlankNode) and s not in self.layout.refs:  # used by no triple: [ ... ] without a label
            return f"[\n{self.pred_list(s, '    ')}\n] .\n"
        return f"{self.w(s)}\n{self.pred_list(s, '    ')} .\n"

    def blocks(self) -> list[str]:
        """One block per subject not written inline: IRIs first, then blank nodes, each in order of value."""
        BlankNode, layout = self.BlankNode, self.layout
        subjects = sorted((s for s in layout.by_subject if s not in layout.hidden),
                          key=lambda s: (isinstance(s, BlankNode), s.value))
        return [self.block(s) for s in subjects]


def turtle(graph) -> bytes:
    """Canonical Turtle: prefixes from the one prefix source (only those used), subjects and predicates sorted,
    ``rdf:type`` first as ``a``; a blank node used once is nested as ``[ ... ]`` and a well-formed RDF list
    as ``( ... )``; other blank nodes keep their canonical labels."""
    by_ns = {ns: p for p, ns in prefixes().items()}
    used: set = set()

    def iri_form(iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        p = by_ns.get(iri[:cut]) if cut else None
        if p is not None and _PN_LOCAL.fullmatch(iri, cut):
            used.add(p)
            return f"{p}:{iri[cut:]}"
        return f"<{iri}>"

    blocks = _Emitter(plan(canonical(graph)), _term_writer(iri_form)).blocks()
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes().items()) if p in used)
    return (head + "\n" + "\n".join(blocks)).encode("utf-8")
