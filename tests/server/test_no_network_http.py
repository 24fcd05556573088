"""``airm serve`` workers never reach the network for a query: the SPARQL endpoint is CORS-open, so a request a
web page makes could otherwise turn every worker into a blind SSRF relay (issue 12)."""

from __future__ import annotations

import pytest
from netwitness import BYPASS_QUERIES, Listener


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.mark.parametrize("name", sorted(BYPASS_QUERIES))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_queries_only_oxigraph_reads_reach_nothing_from_a_worker(server, listener, name, method):
    text = BYPASS_QUERIES[name].format(url=listener.url)
    if method == "GET":
        r = server.get("/sparql", query=text)
    else:
        r = server.request("/sparql", method="POST", data=text.encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query"})
    assert "Traceback" not in r.text
    if name == "escaped-quote-hides-service":  # read by both engines as one long string: it runs, reaching nothing
        assert r.status == 200, r.text
    else:
        assert r.status == 400, r.text
        assert "cannot be checked" in r.text or "SERVICE is refused" in r.text, r.text
    assert listener.connections == 0
    assert server.alive()


def test_service_is_refused_by_the_server(server, listener):
    r = server.get("/sparql", query=f"SELECT * WHERE {{ SERVICE <{listener.url}x> {{ ?s ?p ?o }} }}")
    assert r.status == 400 and "SERVICE is refused" in r.text
    assert listener.connections == 0
