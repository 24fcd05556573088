"""The query catalog as RDF, so the queries are themselves data: one ``sh:SPARQLExecutable`` per stored query,
in the style of the SIB SPARQL examples, with its question, tags and typed parameters (``sh:Parameter``).

It is compiled at load time into its own named graph; a header that does not parse fails the load and the build.
"""

from __future__ import annotations

import pyoxigraph as ox

from .catalog import catalog
from .namespaces import QUERY_BASE, expand
from .vocab import QPARAM, Airm, Dcterms, Rdf, Rdfs, Schema, Sh, Skos, Xsd

PARAM_BASE = QPARAM

_EXECUTABLE = {"select": ("SPARQLSelectExecutable", "select"), "construct": ("SPARQLConstructExecutable", "construct"),
               "ask": ("SPARQLAskExecutable", "ask")}
_DATATYPE = {"string": "string", "integer": "integer", "decimal": "decimal", "boolean": "boolean"}


def query_iri(name: str) -> str:
    return QUERY_BASE + name


def catalog_quads(graph: str, queries=None) -> list:
    """Quads describing every stored query, in graph ``graph``."""
    queries = catalog() if queries is None else queries
    g = ox.NamedNode(graph)
    out = []

    def add(s, p, o):
        out.append(ox.Quad(s, ox.NamedNode(p), o, g))

    def en(text):
        return ox.Literal(text, language="en")

    for name, q in sorted(queries.items()):
        node = ox.NamedNode(query_iri(name))
        cls, text_prop = _EXECUTABLE[q.kind if q.kind in _EXECUTABLE else "select"]
        add(node, Rdf.type, ox.NamedNode(Sh.SPARQLExecutable))
        add(node, Rdf.type, ox.NamedNode(Sh[cls]))
        add(node, Rdf.type, ox.NamedNode(Airm.StoredQuery))
        add(node, Rdfs.label, en(q.title))
        add(node, Rdfs.comment, en(q.question))
        add(node, Dcterms.description, en(q.description))
        add(node, Dcterms.identifier, ox.Literal(name))
        add(node, Sh[text_prop], ox.Literal(_body(q.text)))
        for tag in q.tags:
            add(node, Schema.keywords, ox.Literal(tag))
        for var in q.returns:
            add(node, Airm.resultVariable, ox.Literal(var))
        for order, p in enumerate(q.params.values()):
            pnode = ox.NamedNode(f"{query_iri(name)}/param/{p.name}")
            add(node, Sh.parameter, pnode)
            add(pnode, Rdf.type, ox.NamedNode(Sh.Parameter))
            add(pnode, Sh.path, ox.NamedNode(PARAM_BASE + p.name))
            add(pnode, Sh.name, ox.Literal(p.name))
            add(pnode, Sh.description, en(p.description))
            add(pnode, Sh.order, ox.Literal(str(order), datatype=ox.NamedNode(Xsd.integer)))
            add(pnode, Sh.optional, ox.Literal("false" if p.required else "true",
                                                   datatype=ox.NamedNode(Xsd.boolean)))
            add(pnode, Airm.parameterType, ox.Literal(p.type))
            if p.type in _DATATYPE:
                add(pnode, Sh.datatype, ox.NamedNode(Xsd[_DATATYPE[p.type]]))
            else:
                add(pnode, Sh.nodeKind, ox.NamedNode(Sh.IRI))
            if p.cls:
                add(pnode, Sh.class_, ox.NamedNode(expand(p.cls) or p.cls))
            if p.scheme:
                add(pnode, Airm.parameterScheme, ox.NamedNode(expand(p.scheme) or p.scheme))
            if p.default is not None:
                add(pnode, Sh.defaultValue, _default_term(p))
            if p.example is not None:
                add(pnode, Skos.example, ox.Literal(str(p.example)))
    return out


def _body(text: str) -> str:
    """The query without its ``#+`` header: what an endpoint runs."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("#+"):
        i += 1
    return "\n".join(lines[i:]).strip() + "\n"


def _default_term(p):
    if p.type in _DATATYPE:
        value = str(p.default).lower() if p.type == "boolean" else str(p.default)
        return ox.Literal(value, datatype=ox.NamedNode(Xsd[_DATATYPE[p.type]]))
    iri = expand(str(p.default))
    return ox.NamedNode(iri if iri else str(p.default))
