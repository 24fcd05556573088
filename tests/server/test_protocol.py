"""The SPARQL 1.1 Protocol at /sparql, tested as a client would use it: a real server, a real HTTP client, and every
results format read back with a standard parser (rdflib's result parsers, SPARQLWrapper, pyoxigraph)."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from .conftest import LIMIT, TIMEOUT

SELECT = "SELECT ?m ?label WHERE { ?m a airm:Mitigation ; rdfs:label ?label } ORDER BY ?m"
CONSTRUCT = "CONSTRUCT { ?m a airm:Mitigation ; rdfs:label ?label } WHERE { ?m a airm:Mitigation ; rdfs:label ?label }"
ASK = "ASK { mitigation:shi2024-alignment-training a airm:Mitigation }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^11 combinations
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # millions of rows, far over the limit


def expected_rows(kg, text):
    return sorted((r["m"].value, r["label"].value) for r in kg.sparql(text).rows)


def parse_results(body: bytes, fmt: str):
    from rdflib.query import Result

    return Result.parse(io.BytesIO(body), format=fmt)


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("application/sparql-results+json", "json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
    ("text/csv", "csv", "text/csv"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
])
def test_select_in_every_results_format(server, kg, accept, fmt, media):
    r = server.get("/sparql", accept=accept, query=SELECT)
    assert r.status == 200, r.text
    assert r.type == media
    parsed = parse_results(r.body, fmt)
    rows = sorted((str(row[0]), str(row[1])) for row in parsed)
    assert rows == expected_rows(kg, SELECT)
    assert len(rows) >= 7


def test_sparqlwrapper_reads_json_and_xml(server, kg):
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    prefixes = "PREFIX airm: <https://w3id.org/airm#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery(prefixes + SELECT)
    sw.setReturnFormat(JSON)
    data = sw.query().convert()
    rows = sorted((b["m"]["value"], b["label"]["value"]) for b in data["results"]["bindings"])
    assert rows == expected_rows(kg, SELECT)
    sw.setReturnFormat(XML)
    doc = sw.query().convert()  # an xml.dom document
    assert len(doc.getElementsByTagName("result")) == len(rows)
    sw.setMethod("POST")
    sw.setReturnFormat(JSON)
    assert len(sw.query().convert()["results"]["bindings"]) == len(rows)


@pytest.mark.parametrize(("accept", "fmt"), [("application/sparql-results+json", "json"),
                                             ("application/sparql-results+xml", "xml")])
def test_ask(server, accept, fmt):
    r = server.get("/sparql", accept=accept, query=ASK)
    assert r.status == 200
    assert parse_results(r.body, fmt).askAnswer is True


@pytest.mark.parametrize(("accept", "media", "ox_format"), [
    ("text/turtle", "text/turtle", "TURTLE"),
    ("application/n-triples", "application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "application/ld+json", "JSON_LD"),
    ("application/rdf+xml", "application/rdf+xml", "RDF_XML"),
])
def test_construct_in_every_graph_format(server, kg, accept, media, ox_format):
    import pyoxigraph as ox

    r = server.get("/sparql", accept=accept, query=CONSTRUCT)
    assert r.status == 200, r.text
    assert r.type == media
    got = {(t.subject.value, t.predicate.value, t.object.value)
           for t in ox.parse(r.body, format=getattr(ox.RdfFormat, ox_format))}
    want = {tuple(x.value for x in t) for t in kg.sparql(CONSTRUCT).triples}
    assert got == want and len(got) >= 14


def test_construct_turtle_parses_with_rdflib(server):
    from rdflib import Graph, URIRef

    r = server.get("/sparql", accept="text/turtle", query=CONSTRUCT)
    g = Graph().parse(data=r.text, format="turtle")
    assert (URIRef("https://w3id.org/airm/id/mitigation/shi2024-alignment-training"), None, None) in g


def test_post_form_and_post_query_body(server, kg):
    import urllib.parse

    form = urllib.parse.urlencode({"query": SELECT}).encode()
    r = server.request("/sparql", method="POST", data=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    assert r.status == 200
    assert len(json.loads(r.body)["results"]["bindings"]) == len(expected_rows(kg, SELECT))
    r = server.request("/sparql", method="POST", data=SELECT.encode(), headers={
        "Content-Type": "application/sparql-query; charset=utf-8", "Accept": "text/csv"})
    assert r.status == 200 and r.type == "text/csv"
    assert len(r.text.strip().splitlines()) == len(expected_rows(kg, SELECT)) + 1


@pytest.mark.parametrize(("accept", "media"), [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv, application/sparql-results+json;q=0.9", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    (None, "application/sparql-results+json"),
])
def test_content_negotiation(server, accept, media):
    r = server.get("/sparql", accept=accept, query=SELECT)
    assert r.status == 200
    assert r.type == media
    assert "Accept" in r.headers.get("vary", "")


def test_format_parameter_is_a_hint_within_accept(server):
    """Issue 19: the protocol's Accept comes first; ``format`` picks among what it allows (see test_sparql_clients)."""
    r = server.get("/sparql", accept="application/sparql-results+json", query=SELECT, format="tsv")
    assert r.status == 200 and r.type == "application/sparql-results+json"
    r = server.get("/sparql", accept="application/sparql-results+json, text/tab-separated-values;q=0.5",
                   query=SELECT, format="tsv")
    assert r.status == 200 and r.type == "text/tab-separated-values"


def test_not_acceptable(server):
    r = server.get("/sparql", accept="image/png", query=SELECT)
    assert r.status == 406
    assert "application/sparql-results+json" in r.text
    r = server.get("/sparql", accept="text/turtle", query=SELECT)  # a table cannot be Turtle
    assert r.status == 406


@pytest.mark.parametrize("how", ["get-query", "post-query", "post-form-update", "post-update-body"])
def test_updates_are_refused(server, how):
    import urllib.parse

    update = "INSERT DATA { <https://example.org/s> <https://example.org/p> <https://example.org/o> }"
    if how == "get-query":
        r = server.get("/sparql", query=update)
    elif how == "post-query":
        r = server.request("/sparql", method="POST", data=update.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    elif how == "post-form-update":
        r = server.request("/sparql", method="POST", data=urllib.parse.urlencode({"update": update}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        r = server.request("/sparql", method="POST", data=update.encode(),
                           headers={"Content-Type": "application/sparql-update"})
    assert r.status == 403
    assert "refused" in r.text and "read-only" in r.text
    assert r.headers["x-airm-error"] == "update-refused"
    check = server.get("/sparql", query="ASK { <https://example.org/s> ?p ?o }",
                       accept="application/sparql-results+json")
    assert json.loads(check.body)["boolean"] is False


def test_malformed_query_gives_parser_message_and_position(server):
    r = server.get("/sparql", query="SELECT * WHERE {\n  ?s ?p \n}")
    assert r.status == 400
    assert r.headers["x-airm-error"] == "syntax"
    assert "SPARQL syntax error" in r.text
    assert "error at line 3, column" in r.text  # the position in the user's text, not after airm's PREFIX lines


def test_slow_query_hits_the_timeout_and_the_server_recovers(server):
    before = json.loads(server.get("/health").body)["replaced"]
    start = time.monotonic()
    r = server.get("/sparql", query=SLOW, accept="application/sparql-results+json")
    elapsed = time.monotonic() - start
    assert r.status == 503, r.text
    assert r.headers["x-airm-error"] == "timeout"
    assert f"did not finish within {TIMEOUT:g} s" in r.text
    assert r.type == "text/plain"  # never a 2xx with a cut body
    assert elapsed < TIMEOUT + 3
    # the worker that ran it is replaced (its query thread cannot be stopped); the server answers meanwhile
    ok = server.get("/sparql", query=ASK, accept="application/sparql-results+json")
    assert ok.status == 200
    deadline = time.monotonic() + 30
    while json.loads(server.get("/health").body)["replaced"] <= before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert json.loads(server.get("/health").body)["replaced"] > before


def test_timeout_parameter_can_only_shorten(server):
    start = time.monotonic()
    r = server.get("/sparql", query=SLOW, timeout="1")
    assert r.status == 503 and "within 1 s" in r.text
    assert time.monotonic() - start < TIMEOUT
    assert server.get("/sparql", query=ASK, timeout="abc").status == 400


def test_huge_result_hits_the_limit(server):
    # the timeout tests before this one leave their workers being replaced; a busy server says so (503 with
    # Retry-After) and a client asks again, as this one does, for up to 60 s
    deadline = time.monotonic() + 60
    while True:
        r = server.get("/sparql", query=HUGE, accept="application/sparql-results+json")
        if r.status != 503 or r.headers.get("x-airm-error") != "busy" or time.monotonic() > deadline:
            break
        time.sleep(float(r.headers.get("retry-after", "1")))
    assert r.status == 400
    assert r.headers["x-airm-error"] == "result-too-large"
    assert f"more than {LIMIT:,} rows" in r.text
    ok = server.get("/sparql", query=HUGE + f" LIMIT {LIMIT}", accept="text/csv")
    assert ok.status == 200
    assert len(list(csv.reader(io.StringIO(ok.text)))) == LIMIT + 1  # cells may hold line breaks


@pytest.mark.parametrize(("name", "kwargs", "status"), [
    ("empty query", {"params": {"query": ""}}, 400),
    ("two queries", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ("unknown content type", {"method": "POST", "data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
    ("not UTF-8", {"method": "POST", "data": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
     400),
    ("too deep", {"params": {"query": "SELECT * WHERE " + "{" * 200 + "}" * 200}}, 400),
    ("dataset clause", {"params": {"query": "ASK {}", "default-graph-uri": "https://example.org/g"}}, 400),
    ("SERVICE", {"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}}, 400),
    ("body too large", {"method": "POST", "data": b"#" * (3 * 1024 * 1024),
                        "headers": {"Content-Type": "application/sparql-query"}}, 413),
])
def test_bad_input_gets_4xx_and_the_server_stays_up(server, name, kwargs, status):
    import urllib.parse

    params = kwargs.pop("params", None)
    path = "/sparql"
    if params is not None:
        path += "?" + urllib.parse.urlencode(params)
    r = server.request(path, **kwargs)
    assert r.status == status, (name, r.status, r.text)
    assert r.text.startswith("error: ")
    assert "Traceback" not in r.text
    assert server.get("/sparql", query=ASK, accept="application/sparql-results+json").status == 200


def test_cors(server):
    r = server.get("/sparql", query=ASK, accept="application/sparql-results+json")
    assert r.headers["access-control-allow-origin"] == "*"
    pre = server.request("/sparql", method="OPTIONS", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status == 204
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "Content-Type" in pre.headers["access-control-allow-headers"]


def test_service_description(server):
    from rdflib import Graph, Namespace, URIRef

    r = server.get("/sparql", accept="text/turtle")
    assert r.status == 200
    g = Graph().parse(data=r.text, format="turtle")
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, URIRef(server.url + "/sparql")) in g


def test_every_request_is_logged_as_json(server):
    server.get("/sparql", query=ASK)
    server.get("/sparql", query="nonsense")
    entries = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
    assert entries
    for e in entries:
        assert {"method", "path", "status", "ms"} <= set(e)
    statuses = {(e["path"], e["status"]) for e in entries}
    assert ("/sparql", 200) in statuses and ("/sparql", 400) in statuses


def test_a_worker_that_dies_is_replaced_and_the_server_stays_up(server):
    import os
    import signal

    health = json.loads(server.get("/health").body)
    victim = health["pids"][0]
    os.kill(victim, signal.SIGKILL)  # a worker of the server this test session started
    statuses = []
    for _ in range(6):
        r = server.get("/sparql", query=ASK, accept="application/sparql-results+json")
        statuses.append(r.status)
        if r.status != 200:
            assert r.status == 503 and r.headers["x-airm-error"] == "crashed", r.text
            assert "new worker" in r.text
    assert statuses.count(503) <= 1 and statuses[-1] == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = json.loads(server.get("/health").body)["pids"]
        if victim not in pids and len(pids) == health["workers"]:
            break
        time.sleep(0.2)
    assert victim not in pids and len(pids) == health["workers"]
