"""The query catalog as RDF, so the queries are themselves data: one ``sh:SPARQLExecutable`` per stored query,
in the style of the SIB SPARQL examples, with its question, tags and typed parameters (``sh:Parameter``).

It is compiled at load time into its own named graph; a header that does not parse fails the load and the build.
"""

from __future__ import annotations

from .namespaces import QUERY_BASE, expand

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
AIRM = "https://w3id.org/airm#"
PARAM_BASE = QUERY_BASE + "param/"

_EXECUTABLE = {"select": ("SPARQLSelectExecutable", "select"), "construct": ("SPARQLConstructExecutable", "construct"),
               "ask": ("SPARQLAskExecutable", "ask")}
_DATATYPE = {"string": "string", "integer": "integer", "decimal": "decimal", "boolean": "boolean"}


def query_iri(name: str) -> str:
    return QUERY_BASE + name


def catalog_quads(graph: str, queries=None) -> list:
    """Quads describing every stored query, in graph ``graph``."""
    import pyoxigraph as ox

    from .catalog import catalog

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
        add(node, RDF + "type", ox.NamedNode(SH + "SPARQLExecutable"))
        add(node, RDF + "type", ox.NamedNode(SH + cls))
        add(node, RDF + "type", ox.NamedNode(AIRM + "StoredQuery"))
        add(node, RDFS + "label", en(q.title))
        add(node, RDFS + "comment", en(q.question))
        add(node, DCTERMS + "description", en(q.description))
        add(node, DCTERMS + "identifier", ox.Literal(name))
        add(node, SH + text_prop, ox.Literal(_body(q.text)))
        for tag in q.tags:
            add(node, SCHEMA + "keywords", ox.Literal(tag))
        for var in q.returns:
            add(node, AIRM + "resultVariable", ox.Literal(var))
        for order, p in enumerate(q.params.values()):
            pnode = ox.NamedNode(f"{query_iri(name)}/param/{p.name}")
            add(node, SH + "parameter", pnode)
            add(pnode, RDF + "type", ox.NamedNode(SH + "Parameter"))
            add(pnode, SH + "path", ox.NamedNode(PARAM_BASE + p.name))
            add(pnode, SH + "name", ox.Literal(p.name))
            add(pnode, SH + "description", en(p.description))
            add(pnode, SH + "order", ox.Literal(str(order), datatype=ox.NamedNode(XSD + "integer")))
            add(pnode, SH + "optional", ox.Literal("false" if p.required else "true",
                                                   datatype=ox.NamedNode(XSD + "boolean")))
            add(pnode, AIRM + "parameterType", ox.Literal(p.type))
            if p.type in _DATATYPE:
                add(pnode, SH + "datatype", ox.NamedNode(XSD + _DATATYPE[p.type]))
            else:
                add(pnode, SH + "nodeKind", ox.NamedNode(SH + "IRI"))
            if p.cls:
                add(pnode, SH + "class", ox.NamedNode(expand(p.cls) or p.cls))
            if p.scheme:
                add(pnode, AIRM + "parameterScheme", ox.NamedNode(expand(p.scheme) or p.scheme))
            if p.default is not None:
                add(pnode, SH + "defaultValue", _default_term(p))
            if p.example is not None:
                add(pnode, SKOS + "example", ox.Literal(str(p.example)))
    return out


def _body(text: str) -> str:
    """The query without its ``#+`` header: what an endpoint runs."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("#+"):
        i += 1
    return "\n".join(lines[i:]).strip() + "\n"


def _default_term(p):
    import pyoxigraph as ox

    if p.type in _DATATYPE:
        value = str(p.default).lower() if p.type == "boolean" else str(p.default)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + _DATATYPE[p.type]))
    iri = expand(str(p.default))
    return ox.NamedNode(iri if iri else str(p.default))
