"""Issue 19 item 3: /sparql follows SPARQL clients' conventions. SPARQLWrapper, with its default settings, sends
``format``/``output``/``results`` parameters beside a correct Accept header on every request; the protocol's
negotiation comes first, and these parameters are hints. Driven against a real ``airm serve``."""

from __future__ import annotations

import json
import warnings

import pytest

PREFIXES = "PREFIX airm: <https://w3id.org/airm#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" \
           "PREFIX mitigation: <https://w3id.org/airm/id/mitigation/>\n"
SELECT = PREFIXES + "SELECT ?m ?label WHERE { ?m a airm:Mitigation ; rdfs:label ?label } ORDER BY ?m"
ASK = PREFIXES + "ASK { mitigation:shi2024-alignment-training a airm:Mitigation }"
CONSTRUCT = PREFIXES + ("CONSTRUCT { ?m a airm:Mitigation ; rdfs:label ?label } "
                        "WHERE { ?m a airm:Mitigation ; rdfs:label ?label }")
DESCRIBE = PREFIXES + "DESCRIBE mitigation:shi2024-alignment-training"


def _graph(kg, text):
    from rdflib import Graph

    return Graph().parse(data=kg.sparql(text).to_rdf("nt"), format="nt")


def _wrapper(server, query, **settings):
    from SPARQLWrapper import SPARQLWrapper

    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(query)
    for name, value in settings.items():
        getattr(sw, name)(value)
    return sw


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_defaults_for_select_and_ask(server, kg, method):
    sw = _wrapper(server, SELECT, setMethod=method)
    doc = sw.query().convert()  # default return format: XML, with format=xml&output=xml&results=xml
    rows = sorted((r.getElementsByTagName("uri")[0].firstChild.data,) for r in doc.getElementsByTagName("result"))
    assert rows == sorted((r["m"].value,) for r in kg.sparql(SELECT).rows) and len(rows) >= 7
    sw.setQuery(ASK)
    assert sw.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_defaults_for_construct_and_describe(server, kg, method, query):
    """Before: 400, because format=xml overrode Accept: application/rdf+xml and a graph cannot be SPARQL XML."""
    from rdflib.compare import isomorphic

    got = _wrapper(server, query, setMethod=method).query().convert()  # an rdflib Graph, parsed from RDF/XML
    assert len(got) > 0 and isomorphic(got, _graph(kg, query))


@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
def test_sparqlwrapper_table_formats(server, kg, fmt):
    import SPARQLWrapper

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SPARQLWrapper warns when a response's type is not the one it asked for
        res = _wrapper(server, SELECT, setReturnFormat=getattr(SPARQLWrapper, fmt)).query()
    assert res.info()["content-type"].split(";")[0] == {
        "JSON": "application/sparql-results+json", "XML": "application/sparql-results+xml",
        "CSV": "text/csv", "TSV": "text/tab-separated-values"}[fmt]
    assert res.convert()


@pytest.mark.parametrize(("fmt", "media"), [("RDFXML", "application/rdf+xml"), ("TURTLE", "text/turtle"),
                                            ("N3", "text/turtle"), ("JSONLD", "application/ld+json"),
                                            ("XML", "application/rdf+xml")])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graph_formats(server, kg, fmt, media, query):
    import SPARQLWrapper
    from rdflib import Graph
    from rdflib.compare import isomorphic

    res = _wrapper(server, query, setReturnFormat=getattr(SPARQLWrapper, fmt)).query()
    assert res.info()["content-type"].split(";")[0] == media
    body = res.response.read()
    if media == "application/ld+json":
        from airm.export import parse_jsonld_with_pyld  # offline: the context is the package's own copy

        parsed = parse_jsonld_with_pyld(body)
    else:
        parsed = Graph().parse(data=body, format={"application/rdf+xml": "xml", "text/turtle": "turtle"}[media])
    assert isomorphic(parsed, _graph(kg, query))


def test_accept_comes_first_and_format_is_a_hint(server):
    # a hint the Accept header allows picks among acceptable formats
    r = server.get("/sparql", accept="*/*", query=SELECT, format="tsv")
    assert r.status == 200 and r.type == "text/tab-separated-values"
    # one it does not allow falls back to Accept, as does an unknown one or one a table cannot take
    for fmt in ("tsv", "bogus", "turtle"):
        r = server.get("/sparql", accept="application/sparql-results+json", query=SELECT, format=fmt)
        assert r.status == 200 and r.type == "application/sparql-results+json", (fmt, r.status, r.text[:200])
    r = server.get("/sparql", accept="text/turtle", query=CONSTRUCT, output="json")
    assert r.status == 200 and r.type == "text/turtle"
    r = server.get("/sparql", query=CONSTRUCT, output="rdf+xml")
    assert r.status == 200 and r.type == "application/rdf+xml"
    r = server.get("/sparql", query=CONSTRUCT, format="n3")
    assert r.status == 200 and r.type == "text/turtle"


def test_plain_json_gives_json_ld_for_a_graph_and_n3_gives_turtle(server):
    r = server.get("/sparql", accept="application/json", query=CONSTRUCT)
    assert r.status == 200 and r.type == "application/ld+json"
    assert json.loads(r.body)
    r = server.get("/sparql", accept="application/json", query=SELECT)
    assert r.status == 200 and r.type == "application/sparql-results+json"
    r = server.get("/sparql", accept="text/n3", query=DESCRIBE)
    assert r.status == 200 and r.type == "text/turtle"
    r = server.get("/sparql", accept="text/n3", query=SELECT)  # a table still cannot be N3
    assert r.status == 406
