"""Fuzzing ``airm serve`` over HTTP with hypothesis: arbitrary query-string parameters on every route, arbitrary
values for every parameter of every stored query at /queries/NAME, and arbitrary /sparql requests (GET and POST,
every body type, odd encodings and Accept headers).

Whatever comes in: no 5xx unless the server says it is the server's limit (a timeout or a full queue, 503 with
``X-Airm-Error``), no traceback or Python source in any body, a readable ``error:`` line on every 4xx, text from the
request never echoed unescaped into HTML, and the server still answers afterwards.

Smoke mode by default (a bounded number of examples per target, a few seconds each); longer by hand, e.g.
``AIRM_FUZZ_EXAMPLES=5000 pytest tests/server/test_fuzz_http.py``. A request that breaks a rule joins
tests/bad_inputs/http.yaml.
"""

from __future__ import annotations

import json
import os
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airm import catalog

EXAMPLES = int(os.environ.get("AIRM_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
MARKER = "<fuzz-x onmouseover=1>"  # must never come back unescaped in a page
QUERIES = sorted(catalog.catalog())
SERVER_LIMITS = {"timeout", "busy"}  # the only 5xx a request may get: the server's own limits, said so

ROUTES = ["/", "/search", "/mitigations", "/coverage", "/coverage/stage-by-actor.svg", "/queries", "/query",
          "/sparql", "/resource", "/ontology", "/ontology.ttl", "/health", "/id/mitigation/shi2024-alignment-training",
          "/id/x", "/static/style.css"] + [f"/queries/{name}" for name in QUERIES]
NAMES = ["query", "format", "q", "iri", "risk", "category", "stage", "actor", "function", "source", "timeout",
         "example", "keyword", "entity", "minSources", "scheme", "default-graph-uri", "named-graph-uri", "update",
         "mitigation", "document", "technique", "domain", "concept"]
AWKWARD = ["", " ", "html", "json", "csv", "tsv", "ttl", "nt", "jsonld", "rdfxml", "pdf", "%", "%00", "\x00", "\r\n",
           "nan", "inf", "-1", "0", "1e308", "99999999999999999999", "2.2", "mtax:2.2", "llmsr:value-misalignment",
           "https://w3id.org/airm/id/", "https://w3id.org/airm/id/mitigation/shi2024-alignment-training",
           "file:///etc/passwd", "<https://e/a>", "x\" } UNION { ?s ?p ?o } #", "'; DROP TABLE x; --", "../../etc",
           "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
           "DESCRIBE <https://w3id.org/airm/id/mitigation/shi2024-alignment-training>", "INSERT DATA { <a> <b> <c> }",
           "\u202e\u00e9\U0001f600", "a" * 3000, MARKER]
text = st.sampled_from(AWKWARD) | st.text(max_size=60) | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
ACCEPTS = [None, "*/*", "text/html", "application/json", "application/sparql-results+json",
           "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "text/turtle",
           "application/n-triples", "application/ld+json", "application/rdf+xml", "image/png", "*/*;q=0", ";;,",
           "text/html;q=abc", "text/*, */*;q=0.1",
           "application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
accept = st.sampled_from(ACCEPTS) | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)

SPARQL_BITS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "?s", "?p", "?o", "*", "<https://e/a>",
               "<rel>", "airm:Mitigation", "rdfs:label", "a", '"x"', "'y'", "@en", "^^xsd:integer", ".", ";", ",", "(",
               ")", "FILTER", "REGEX", "STR", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "VALUES", "UNDEF",
               "BIND", "AS", "|", "/", "^", "+", "LIMIT 5", "OFFSET", "ORDER BY", "GROUP BY", "COUNT", "DISTINCT",
               "INSERT DATA", "DELETE", "LOAD", "CLEAR", "FROM", "FROM NAMED", "PREFIX x: <https://e/>", "BASE <b>",
               "_:b", "[]", "true", "1", "1.5e3", "#", "\n", "\u00e9", "\x00", "\\", '"""', "nope:p", MARKER]
sparql_soup = st.lists(st.sampled_from(SPARQL_BITS), max_size=25).map(" ".join)
sparql_text = sparql_soup | st.text(max_size=80)
CONTENT_TYPES = ["application/sparql-query", "application/sparql-query; charset=utf-8",
                 "application/sparql-query; charset=UTF-16", "application/x-www-form-urlencoded",
                 "application/sparql-update", "text/plain", "", "multipart/form-data; boundary=x", "application/json",
                 "APPLICATION/SPARQL-QUERY"]


def check(reply, sent: str = "") -> None:
    body = reply.body.decode("utf-8", "replace")
    if reply.status >= 500:
        assert reply.status == 503 and reply.headers.get("x-airm-error") in SERVER_LIMITS, \
            f"{reply.status} {reply.headers.get('x-airm-error')}: {body[:500]}\nrequest: {sent[:500]}"
    assert "Traceback" not in body and 'File "/' not in body, body[:2000]
    if 400 <= reply.status < 500 and reply.type == "text/plain" and reply.body:  # (a HEAD answer has no body)
        assert body.startswith(("error: ", "Invalid HTTP request")), body[:300]
    if reply.type == "text/html":
        assert MARKER not in body, f"request text came back unescaped in a page: {sent[:300]}"


def alive(server) -> None:
    r = server.get("/sparql", accept="application/sparql-results+json", query="ASK { ?s a airm:Mitigation }")
    assert r.status == 200 and json.loads(r.body)["boolean"] is True
    assert server.proc.poll() is None


def test_fuzz_query_parameters_on_every_route(server):
    @FUZZ
    @given(path=st.sampled_from(ROUTES), params=st.lists(st.tuples(st.sampled_from(NAMES) | st.text(max_size=10),
                                                                   text), max_size=4),
           acc=accept, method=st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]))
    def run(path, params, acc, method):
        if path == "/sparql":
            params = params + [("timeout", "1")]  # keep soup that happens to be a slow query short
        qs = urllib.parse.urlencode(params)
        url = path + ("?" + qs if qs else "")
        headers = {"Accept": acc} if acc else {}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        r = server.request(url, method=method, headers=headers, data=b"" if method == "POST" else None)
        check(r, f"{method} {url} Accept: {acc}")

    run()
    alive(server)


def test_fuzz_stored_query_parameters(server):
    """Every declared parameter of every stored query, with arbitrary text: a result or a 4xx saying what to give."""
    @FUZZ
    @given(name=st.sampled_from(QUERIES), data=st.data(), acc=st.sampled_from(
        [None, "text/html", "application/sparql-results+json", "text/csv", "application/n-triples"]))
    def run(name, data, acc):
        q = catalog.get(name)
        params = {p: data.draw(text, label=p) for p in q.params if data.draw(st.booleans(), label=f"give {p}")}
        if data.draw(st.booleans(), label="format"):
            params["format"] = data.draw(st.sampled_from(["html", "json", "csv", "tsv", "xml", "ttl", "nt", "x"]))
        r = server.get(f"/queries/{name}", accept=acc, **params)
        check(r, f"/queries/{name} {params!r} Accept: {acc}")
        if r.status >= 400 and r.type == "text/plain":
            assert len(r.text) > len("error: ") + 10

    run()
    alive(server)


def test_fuzz_sparql_requests(server):
    @FUZZ
    @given(query=sparql_text, how=st.sampled_from(["get", "form", "direct", "direct", "raw-body"]),
           ctype=st.sampled_from(CONTENT_TYPES), encoding=st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"]),
           acc=accept, fmt=st.sampled_from([None, None, "json", "html", "ttl", "csv", "zz"]))
    def run(query, how, ctype, encoding, acc, fmt):
        params = [("timeout", "1")] + ([("format", fmt)] if fmt else [])
        headers = {"Accept": acc} if acc else {}
        if how == "get":
            r = server.request("/sparql?" + urllib.parse.urlencode([("query", query)] + params), headers=headers)
        else:
            if how == "form":
                body = urllib.parse.urlencode([("query", query)]).encode(encoding, "replace")
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            elif how == "direct":
                body = query.encode(encoding, "replace")
                headers["Content-Type"] = "application/sparql-query"
            else:
                body = query.encode(encoding, "replace")
                headers["Content-Type"] = ctype
            r = server.request("/sparql?" + urllib.parse.urlencode(params), method="POST", headers=headers, data=body)
        check(r, f"{how} {ctype} {encoding} {query!r}")
        if r.status == 200 and r.type not in ("text/html", "text/turtle", "application/n-triples"):
            assert r.body, "a 200 with an empty body"  # (an empty graph is an empty Turtle or N-Triples document)

    run()
    alive(server)


@pytest.mark.parametrize("route", ["/id/", "/resource?iri=", "/queries/", "/coverage/", "/static/"])
def test_fuzz_paths(server, route):
    @FUZZ
    @given(tail=st.text(max_size=40) | st.sampled_from(["..", "../..", "%2e%2e/", "%00", "a/b/c", ".ttl", ".jsonld",
                                                        "x.png", "x.svg", "//etc/passwd", MARKER]))
    def run(tail):
        quoted = urllib.parse.quote(tail, safe="/%") if "?" not in route else urllib.parse.quote(tail, safe="")
        r = server.get(route + quoted, accept="text/html")
        check(r, route + quoted)
        assert "root:x:" not in r.text  # no file from outside the package

    run()
    alive(server)
