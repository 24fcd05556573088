"""The HTTP part of the bad-input corpus (tests/bad_inputs/http.yaml), against the shared real ``airm serve``.

Each case ends with its status and a readable message, never a traceback; after every case the server must still
answer a cheap query, so one bad request cannot take it down for the next user.
"""

from __future__ import annotations

import html
import json
import socket
import urllib.parse
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs" / "http.yaml"
CHEAP = "ASK { ?s a airm:Mitigation }"
FIELDS = {"id", "method", "path", "params", "headers", "body", "body_bytes", "form", "repeat", "raw", "raw_hex",
          "status", "kind", "message"}


def load_cases() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8")) or []


def build_request(case: dict) -> tuple[str, str, dict, bytes | None]:
    """method, path with its query string, headers, body — as ``Server.request`` takes them."""
    big = "x" * 50_000  # `{50k}`: long enough to be cut in a message, short enough for the 64 KB header cap
    path = case.get("path", "/").replace("{50k}", big)
    params = case.get("params") or []
    if params:
        path += "?" + urllib.parse.urlencode([(str(k).replace("{50k}", big), str(v)) for k, v in params])
    headers = {str(k): str(v) for k, v in (case.get("headers") or {}).items()}
    body = None
    if "form" in case:
        body = urllib.parse.urlencode([(str(k), str(v)) for k, v in case["form"]]).encode("utf-8")
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif "body_bytes" in case:
        body = case["body_bytes"]
    elif "body" in case:
        body = case["body"].encode("utf-8")
    if body is not None and case.get("repeat"):
        body = body * int(case["repeat"])
    method = case.get("method", "POST" if body is not None else "GET")
    return method, path, headers, body


def raw_bytes(case: dict) -> bytes:
    if "raw_hex" in case:
        return bytes.fromhex(case["raw_hex"])
    return case["raw"].replace("{1m}", "a" * 1_000_000).replace("{70k}", "a" * 70_000).encode("utf-8")


def send_raw(url: str, data: bytes, timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """Write ``data`` on a fresh connection; read one response (status, headers, body)."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before it has read everything
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers["content-length"]) if headers.get("content-length", "").isdigit() else None
        while length is None or len(body) < length:  # no length: the body runs to the end of the connection
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            body += chunk
    return status, headers, body


def still_up(server) -> None:
    r = server.get("/sparql", accept="application/sparql-results+json", query=CHEAP)
    assert r.status == 200, f"the server stopped answering: {r.status} {r.text[:300]}"
    assert json.loads(r.body)["boolean"] is True
    assert server.proc.poll() is None


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_http_request(server, case):
    assert set(case) <= FIELDS, f"unknown fields {set(case) - FIELDS}"
    if "raw" in case or "raw_hex" in case:
        status, headers, body = send_raw(server.url, raw_bytes(case))
    else:
        method, path, headers, data = build_request(case)
        r = server.request(path, method=method, headers=headers, data=data)
        status, headers, body = r.status, r.headers, r.body
    text = body.decode("utf-8", "replace")
    assert status == case["status"], f"{status}, expected {case['status']}: {text[:500]}"
    if "kind" in case:
        assert headers.get("x-airm-error") == case["kind"], headers
    assert case["message"] in html.unescape(text), f"expected {case['message']!r} in {text[:800]!r}"
    assert "Traceback" not in text and 'File "' not in text
    still_up(server)


def test_the_http_corpus_is_large_unique_and_covers_every_surface():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 50
    paths = {c["path"].split("/")[1].split(".")[0] for c in CASES if "path" in c}
    assert {"sparql", "queries", "id", "resource", "mitigations", "coverage", "ontology", "query"} <= paths
    assert sum(1 for c in CASES if "raw" in c or "raw_hex" in c) >= 5
    assert {c["status"] for c in CASES} >= {400, 403, 404, 405, 406, 413, 415, 503}


def test_dataset_clauses_and_service_reach_no_file_and_no_server(server):
    """FROM / FROM NAMED naming a local file or a listening loopback socket: no file content comes back and the
    socket sees no connection (Oxigraph's own requests would bypass Python's audit hooks, so a socket is the test).
    SERVICE is refused outright."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                seen.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        for query in (
            "SELECT ?o FROM <file:///etc/passwd> WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'root:')) }",
            "SELECT ?o FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(CONTAINS(STR(?o), 'root:')) }",
            f"SELECT ?o FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1",
            f"SELECT ?o FROM NAMED <http://127.0.0.1:{port}/g> "
            f"WHERE {{ GRAPH <http://127.0.0.1:{port}/g> {{ ?s ?p ?o }} }}",
        ):
            r = server.get("/sparql", accept="application/sparql-results+json", query=query)
            assert r.status in (200, 400), r.text
            assert "root:" not in r.text
        r = server.get("/sparql", query=f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        assert r.status == 400 and "SERVICE is refused" in r.text
        silent = f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"
        r = server.get("/sparql", query=silent)
        assert r.status == 400 and "SERVICE is refused" in r.text
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert seen == [], "a query made the server connect to a URL it named"
    still_up(server)


def test_a_client_that_leaves_mid_body_is_not_a_server_error(server):
    """Found by the load test with faults: a client closing its side in the middle of a POST body made the web
    process log a traceback and try to answer 500. It is the client's doing: a 400 in the log, no traceback."""
    parts = urllib.parse.urlsplit(server.url)
    before = len(server.log_lines())
    for _ in range(3):
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 100\r\n\r\nASK {")
            sock.shutdown(socket.SHUT_WR)
            while sock.recv(65536):
                pass
    still_up(server)
    new = server.log_lines()[before:]
    assert not any("Traceback" in line or "unhandled error" in line for line in new), "\n".join(new)[-3000:]
    statuses = [json.loads(line)["status"] for line in new if line.startswith("{") and '"POST"' in line]
    assert statuses.count(400) >= 3 and 500 not in statuses, statuses
