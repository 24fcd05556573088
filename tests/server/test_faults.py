"""Pathological requests against the shared real ``airm serve`` (2 workers, --timeout 3 s, --limit 2000 rows;
most queries here also ask for ``timeout=1`` to keep the run short, and the limit checked is then that second).

Each one ends within its limit plus a second, with a non-2xx status and a message that says which limit it hit,
while cheap requests sent at the same time keep being answered; a timed-out response is never a 2xx with a cut body,
whatever the format asked for. Afterwards the pool is back to full strength (a worker whose query overran is killed
and replaced), so the tests leave the shared server as they found it.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
import urllib.parse

import pytest

from .conftest import LIMIT, TIMEOUT

GRACE = 1.0  # "within its limit plus a second"
CHEAP = "ASK { ?s a airm:Mitigation }"
LINKS = "(skos:broader|^skos:broader|skos:narrower|^skos:narrower|rdfs:subClassOf|^rdfs:subClassOf|airm:addresses|" \
        "^airm:addresses|skos:exactMatch|^skos:exactMatch|skos:closeMatch|^skos:closeMatch|rdf:type|^rdf:type)"

PATHOLOGICAL = {
    # (p|q)* paths: every node reaches most others through alternating links, then pairs of such reachabilities
    "alternative-path-closure": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {LINKS}* ?b . ?c {LINKS}* ?d }}",
    "path-closure-over-everything": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:q>)* ?b . ?b (!<urn:r>)* ?c }",
    # cross products: ~10^11 combinations to count
    "cross-product-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "cross-product-ordered": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1",
    # a CONSTRUCT that times out must not become a 200 with a partial graph
    "construct-over-cross-product": "CONSTRUCT { ?a <urn:n> ?n } WHERE { { SELECT ?a (COUNT(*) AS ?n) WHERE "
                                    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } GROUP BY ?a } }",
    # string work on every pair of literals
    "regex-on-pairs": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y FILTER(isLiteral(?x) && isLiteral(?y) "
                      "&& REGEX(CONCAT(STR(?x), STR(?y)), '(a|e|i|o|u)+.*(x|y|z)+$')) }",
}
TIMED_OUT_FORMATS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                     "text/tab-separated-values"]


def health(server) -> dict:
    return json.loads(server.get("/health").body)


def settle(server, timeout: float = 90.0) -> None:
    """Wait until every worker is back (replacements take a few seconds to load the graph)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        h = health(server)
        if len(h["pids"]) == h["workers"] and h["waiting"] == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"the pool did not recover within {timeout:g} s: {health(server)}")


def get_from(server, source: str, path: str, accept: str = "application/sparql-results+json") -> int:
    """GET from another loopback address (another client, as far as the server can tell); returns the status."""
    import http.client

    parts = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, source_address=(source, 0), timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


class CheapTraffic:
    """Cheap requests, one after another, while something else runs; records each status and latency. They
    alternate between a free SPARQL query from another client (127.0.0.2) and a stored query from the same client
    (stored queries are not held back by that client's running SPARQL query)."""

    def __init__(self, server):
        self.server, self.results, self._stop = server, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        other = "/sparql?" + urllib.parse.urlencode({"query": CHEAP})
        i = 0
        while not self._stop.is_set():
            t0 = time.monotonic()
            if i % 2 == 0:
                status = get_from(self.server, "127.0.0.2", other)
            else:
                status = self.server.request("/queries/dataset-summary", headers={"Accept": "text/csv"}).status
            self.results.append((status, time.monotonic() - t0))
            i += 1
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)


def assert_refused_in_time(r, elapsed: float, limit: float) -> None:
    assert not 200 <= r.status < 300, f"a pathological request got {r.status}"
    assert r.status in (400, 503), (r.status, r.text[:300])
    assert r.type in ("text/plain", "text/html"), r.type  # an error message, never a (partial) result document
    text = r.text
    assert ("did not finish within" in text) or ("more than" in text) or ("levels deep" in text), text[:300]
    assert "Traceback" not in text
    assert elapsed <= limit + GRACE, f"took {elapsed:.2f} s, limit {limit:g} s"


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_query_ends_within_its_limit_while_cheap_requests_answer(server, name):
    settle(server)
    with CheapTraffic(server) as cheap:
        t0 = time.monotonic()
        r = server.get("/sparql", accept="application/sparql-results+json", query=PATHOLOGICAL[name], timeout="1")
        elapsed = time.monotonic() - t0
        time.sleep(0.3)  # cheap traffic goes on while the pool replaces the worker
    assert_refused_in_time(r, elapsed, 1.0)  # the query's own limit (the server's --timeout: the four-query test)
    if r.status == 503:
        assert r.headers["x-airm-error"] == "timeout"
    assert cheap.results, "no cheap request ran meanwhile"
    assert all(status == 200 for status, _ in cheap.results), cheap.results
    assert max(dt for _, dt in cheap.results) < 1.0 + GRACE, cheap.results  # the other worker kept answering
    settle(server)


@pytest.mark.parametrize("accept", TIMED_OUT_FORMATS)
def test_a_timed_out_response_is_never_2xx_in_any_format(server, accept):
    settle(server)
    t0 = time.monotonic()
    r = server.get("/sparql", accept=accept, query=PATHOLOGICAL["cross-product-count"], timeout="1")
    assert_refused_in_time(r, time.monotonic() - t0, 1.0)
    assert r.status == 503 and r.type == "text/plain" and r.text.startswith("error: ")
    settle(server)


def test_a_timed_out_page_is_an_error_page(server):
    settle(server)
    t0 = time.monotonic()
    r = server.get("/sparql", accept="text/html", query=PATHOLOGICAL["cross-product-count"], timeout="1")
    assert_refused_in_time(r, time.monotonic() - t0, 1.0)
    assert r.status == 503 and r.type == "text/html"
    settle(server)


def test_huge_results_hit_the_row_limit_quickly(server):
    for accept in ("application/sparql-results+json", "text/csv", "application/n-triples"):
        query = ("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }" if accept.endswith("triples")
                 else "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        t0 = time.monotonic()
        r = server.get("/sparql", accept=accept, query=query)
        assert_refused_in_time(r, time.monotonic() - t0, TIMEOUT)
        assert r.status == 400 and f"more than {LIMIT:,}" in r.text


def test_deep_nesting_is_refused_before_parsing(server):
    for depth in (40, 1000, 100_000):
        query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        r = server.request("/sparql", method="POST", data=query.encode(), headers={
            "Content-Type": "application/sparql-query"})
        assert r.status == 400 and "levels deep" in r.text, r.text[:300]  # the depth check runs before any parser
    nested_filter = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    r = server.request("/sparql", method="POST", data=nested_filter.encode(), headers={
        "Content-Type": "application/sparql-query"})
    assert r.status == 400 and "levels deep" in r.text


def test_a_very_long_query_is_refused_with_its_length(server):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_500_000  # under the body cap, over the engine's length cap
    r = server.request("/sparql", method="POST", data=query.encode(),
                       headers={"Content-Type": "application/sparql-query"})
    assert r.status == 400 and "characters long" in r.text, r.text[:300]  # the length check runs before parsing


def upload(server, total: int, *, chunked: bool, content_type: str = "application/sparql-query"):
    """POST ``total`` bytes (declared up front, or chunked with no length) as fast as the server takes them; stop
    sending as soon as it answers. Returns (status, body, seconds until the answer, bytes sent)."""
    parts = urllib.parse.urlsplit(server.url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
    sock.sendall(f"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\n{framing}\r\n\r\n".encode())
    piece = b"#" * (1024 * 1024)
    chunk = (f"{len(piece):x}\r\n".encode() + piece + b"\r\n") if chunked else piece
    t0, sent = time.monotonic(), 0
    while sent < total:
        if select.select([sock], [], [], 0)[0]:
            break  # the server answered (or closed) before the end of the upload
        try:
            sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(piece)
    if chunked and sent >= total:
        try:
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            break
        buf += data
    elapsed = time.monotonic() - t0
    head, _, body = buf.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    while length is not None and len(body) < length:
        data = sock.recv(65536)
        if not data:
            break
        body += data
    sock.close()
    return int(head.split()[1]), body.decode("utf-8", "replace"), elapsed, sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_a_100_mb_upload_is_refused_quickly_while_cheap_requests_answer(server, chunked, content_type):
    with CheapTraffic(server) as cheap:
        status, body, elapsed, sent = upload(server, 100 * 1024 * 1024, chunked=chunked, content_type=content_type)
    assert status == 413, body
    assert "the request body is larger than 2,097,152 bytes" in body
    assert elapsed < GRACE + 1.0, f"{elapsed:.2f} s"  # reading at most the 16 MB drain limit, then the answer
    assert sent < 100 * 1024 * 1024, "the server read the whole 100 MB before answering"
    assert cheap.results and all(s == 200 for s, _ in cheap.results), cheap.results


def test_one_client_runs_one_free_query_at_a_time(server):
    """A client's second free query waits for its first: while one client's slow query runs, its next query waits
    in line (and, when the first uses all its time, ends 'busy' within the limit plus a second), its stored queries
    are answered, and other clients keep their own worker."""
    settle(server)
    box = {}

    def slow():
        box["slow"] = server.get("/sparql", accept="text/csv", query=PATHOLOGICAL["cross-product-count"])

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    queued = server.get("/sparql", accept="application/sparql-results+json", query=CHEAP, timeout="1")
    waited = time.monotonic() - t0
    assert queued.status == 503 and queued.headers["x-airm-error"] == "busy", (queued.status, queued.text)
    assert "another query from your address (127.0.0.1)" in queued.text, queued.text
    assert queued.headers.get("retry-after") == "1"
    assert 1.0 <= waited <= 1.0 + GRACE
    assert server.get("/queries/dataset-summary", accept="text/csv").status == 200  # stored queries: not held back
    assert get_from(server, "127.0.0.3", "/sparql?" + urllib.parse.urlencode({"query": CHEAP})) == 200
    thread.join(30)
    assert box["slow"].status == 503 and box["slow"].headers["x-airm-error"] == "timeout"
    assert server.get("/sparql", accept="application/sparql-results+json", query=CHEAP).status == 200
    assert json.loads(server.get("/health").body)["clients"] == 0  # nothing left behind in the table
    settle(server)


def test_more_pathological_queries_than_workers(server):
    """Four slow queries at once from four clients on two workers: each ends in time (a timeout, or 'busy' from the
    queue), none is a 2xx, and the server serves cheap requests again within the limit plus the time to replace the
    workers."""
    settle(server)
    replies = []

    def slow(source):
        import http.client

        parts = urllib.parse.urlsplit(server.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, source_address=(source, 0), timeout=60)
        t0 = time.monotonic()
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": PATHOLOGICAL["cross-product-count"]}),
                     headers={"Accept": "text/csv"})
        resp = conn.getresponse()
        replies.append((resp.status, resp.getheader("X-Airm-Error"), resp.read().decode(), time.monotonic() - t0))
        conn.close()

    threads = [threading.Thread(target=slow, args=(f"127.0.0.{10 + i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(replies) == 4
    for status, kind, text, elapsed in replies:
        assert status == 503 and kind in ("timeout", "busy"), (status, text)
        assert elapsed <= TIMEOUT + GRACE, elapsed
        assert text.startswith("error: ")
    assert {kind for _, kind, _, _ in replies} == {"timeout", "busy"}  # two ran out of time, two found no worker
    t0 = time.monotonic()
    while True:
        r = server.get("/sparql", accept="application/sparql-results+json", query=CHEAP)
        if r.status == 200:
            break
        assert r.status == 503 and r.headers["x-airm-error"] in ("busy", "timeout"), r.text
        assert time.monotonic() - t0 < 60, "the server did not recover"
    settle(server)


def test_search_and_pages_with_huge_inputs_end_quickly(server):
    for path, params in [("/search", {"q": "risk " * 1500}), ("/mitigations", {"risk": "x" * 5000}),
                         ("/queries/search-mitigations", {"keyword": "(" * 3000}),
                         ("/resource", {"iri": "https://example.org/" + "a" * 7000})]:
        t0 = time.monotonic()
        r = server.get(path, accept="text/html", **params)
        elapsed = time.monotonic() - t0
        assert r.status < 500, (path, r.status, r.text[:300])
        assert elapsed < TIMEOUT + GRACE, (path, elapsed)
        assert "Traceback" not in r.text


def test_a_client_with_too_many_waiting_queries_is_refused_at_once(server):
    """Twelve slow queries at once from one address: one runs (and times out), eight wait in line (and end 'busy'
    when their time is up), the rest are refused at once: one client cannot pile up work without bound."""
    settle(server)
    replies = []

    def send():
        import http.client

        parts = urllib.parse.urlsplit(server.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, source_address=("127.0.0.20", 0), timeout=60)
        t0 = time.monotonic()
        conn.request("GET", "/sparql?" + urllib.parse.urlencode(
            {"query": PATHOLOGICAL["cross-product-count"], "timeout": "1"}))
        resp = conn.getresponse()
        replies.append((resp.status, resp.getheader("X-Airm-Error"), resp.read().decode(), time.monotonic() - t0))
        conn.close()

    threads = [threading.Thread(target=send) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(replies) == 12
    assert all(status == 503 for status, *_ in replies), replies
    assert all(elapsed <= 1.0 + GRACE for *_, elapsed in replies), replies
    refused = [r for r in replies if "already waiting" in r[2]]
    assert refused and all(r[3] < 1.0 for r in refused), replies  # refused, not kept waiting out its 1 s timeout
    assert sum(kind == "timeout" for _, kind, *_ in replies) == 1
    assert json.loads(server.get("/health").body)["clients"] == 0
    settle(server)
