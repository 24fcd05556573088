"""A SPARQL 1.1 Protocol client: queries sent to any SPARQL endpoint, answers read into the ``QueryResult`` the
embedded engines return, so every output format works.

The query goes as a form-encoded ``POST`` (``query=``) with its parameters bound by a VALUES block
(``airm.sparql.binding``); SELECT and ASK come back as SPARQL JSON, read by pyoxigraph's results parser, CONSTRUCT
and DESCRIBE as N-Triples (or Turtle). Every request runs under a total deadline and an answer size cap, redirects
stay on http(s), and every failure names the endpoint. This module sits below the push (``airm.endpoint``) and the
store layout reader (``airm.store_layout``), which both send their requests through it.
"""

from __future__ import annotations

import functools
import http.client
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from ..errors import QueryError, QueryTimeout
from ..results import QueryResult, term_from_ox
from .binding import bind_values
from .text import result_kind

ACCEPT_RESULTS = "application/sparql-results+json, application/json;q=0.5"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
_CHUNK = 1 << 16
MAX_ANSWER_BYTES = 512 * 1024 * 1024  # an answer past this is refused rather than held in memory
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


class EndpointError(QueryError):
    """A SPARQL endpoint or graph store that cannot be reached, refused a request or answered something unusable."""


class EndpointTimeout(QueryTimeout, EndpointError):
    """A SPARQL endpoint or graph store did not answer in time."""


class PartialAnswer(EndpointError):
    """The endpoint said its answer may be incomplete (Virtuoso's "anytime" answers and its row cap): refused rather
    than returned as if it were every row."""


# --- URLs ---------------------------------------------------------------------------------------------------------

def check_url(url: str, *, option: str = "--endpoint") -> str:
    """An http(s) URL with a host; anything else (file:, ftp:, a bare host) is refused before any request."""
    if not isinstance(url, str) or not url.strip():
        raise EndpointError(f"{option} needs a URL", hint="e.g. http://127.0.0.1:7878/query")
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is no number, as a request would later
    except ValueError:  # an unclosed IPv6 bracket, a port that is no number
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{option} {url!r} is not an http:// or https:// URL",
                            hint="give the full URL of the SPARQL endpoint, e.g. http://127.0.0.1:7878/query")
    return url



# --- HTTP ---------------------------------------------------------------------------------------------------------

class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"{req.full_url} redirected to {newurl!r}, which is not http(s): refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@functools.cache
def _opener(loopback: bool):
    handlers = [_HttpOnlyRedirects()]
    if loopback:  # a proxy cannot reach this machine's loopback: never send such requests through one
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


@dataclass
class _Response:
    status: int
    content_type: str
    body: bytes
    headers: dict


def _request(method: str, url: str, *, data: bytes | None, headers: dict, timeout: float, what: str) -> _Response:
    """One HTTP request under a total deadline: connecting, waiting and reading all count against ``timeout``."""
    deadline = time.monotonic() + timeout
    req = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": "airm", **headers})
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    try:
        resp = _opener(host in _LOOPBACK).open(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise _http_error(e, url, what) from None
    except urllib.error.URLError as e:
        raise _network_error(e.reason, url, what, timeout) from None
    except TimeoutError as e:
        raise _network_error(e, url, what, timeout) from None
    except (http.client.HTTPException, OSError) as e:
        raise _network_error(e, url, what, timeout) from None
    chunks, size = [], 0
    try:
        with resp:
            while True:
                if time.monotonic() > deadline:
                    raise EndpointTimeout(f"{what} {url} did not finish answering within {timeout:g} s",
                                          hint="narrow the query, or raise --timeout")
                chunk = resp.read1(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise EndpointError(f"{what} {url} answered more than {MAX_ANSWER_BYTES >> 20} MB",
                                        hint="narrow the query or add a LIMIT")
            status, ctype = resp.status, resp.headers.get("Content-Type", "")
            declared = resp.headers.get("Content-Length")
            marks = {k.lower(): v for k, v in resp.headers.items() if k.lower() in _PARTIAL_HEADERS}
        if declared is not None and declared.strip().isdigit() and int(declared) != size \
                and "chunked" not in resp.headers.get("Transfer-Encoding", "").lower():
            raise http.client.IncompleteRead(b"", int(declared) - size)  # read1() ends quietly at a short EOF
    except EndpointError:
        raise
    except http.client.IncompleteRead:
        raise EndpointError(f"{what} {url} cut its answer short (did the server time out while answering?)",
                            hint="narrow the query, or raise the server's own timeout") from None
    except TimeoutError as e:
        raise _network_error(e, url, what, timeout) from None
    except (http.client.HTTPException, OSError) as e:
        raise _network_error(e, url, what, timeout) from None
    return _Response(status, ctype.split(";")[0].strip().lower(), b"".join(chunks), marks)


def _http_error(e: urllib.error.HTTPError, url: str, what: str) -> EndpointError:
    try:
        body = e.read(4096).decode("utf-8", "replace")
    except Exception:
        body = ""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()][:5]
    message = " / ".join(lines)
    if len(message) > 500:
        message = message[:499] + "…"
    hint = None
    if e.code in (404, 405) and "update endpoint" in what:
        hint = "check the SPARQL Update URL (--update): Oxigraph BASE/update, Fuseki BASE/DATASET/update"
    elif e.code in (404, 405):
        hint = "check the endpoint URL: it must be the SPARQL query endpoint, e.g. Oxigraph BASE/query"
    elif e.code in (401, 403):
        hint = "the server refused access; airm does not send credentials"
    return EndpointError(f"{what} {url} answered HTTP {e.code} {e.reason}" + (f": {message}" if message else ""),
                         hint=hint)


def _network_error(reason, url: str, what: str, timeout: float) -> EndpointError:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return EndpointTimeout(f"{what} {url} did not answer within {timeout:g} s",
                               hint="narrow the query, or raise --timeout")
    if isinstance(reason, ConnectionRefusedError):
        return EndpointError(f"cannot reach {what} {url}: connection refused",
                             hint="is the server running, and is the host and port right?")
    if isinstance(reason, socket.gaierror):
        return EndpointError(f"cannot reach {what} {url}: unknown host", hint="check the host name in the URL")
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return EndpointError(f"cannot reach {what} {url}: {text}")


# --- answers that say they are incomplete ---------------------------------------------------------------------------

# Virtuoso's /sparql handler (its sparql_io.sql, 7.2) marks two kinds of short answer with headers on an HTTP 200:
# X-SQL-State (S1TAT, with X-SQL-Message, X-Exec-Milliseconds, X-Exec-DB-Activity) when the query was interrupted
# and answers with what it found so far, and X-SPARQL-MaxRows when the answer reached its row cap (ResultSetMaxRows
# in virtuoso.ini, else 1,048,576; the rows past it are dropped without an error).
_PARTIAL_HEADERS = ("x-sql-state", "x-sql-message", "x-sparql-maxrows")


def _refuse_partial(resp: _Response, url: str) -> None:
    state = resp.headers.get("x-sql-state", "").strip()
    if state and state != "00000":
        message = " ".join(resp.headers.get("x-sql-message", "").split())[:300]
        raise PartialAnswer(f"the SPARQL endpoint {url} answered with partial results (X-SQL-State {state}"
                            + (f": {message}" if message else "") + ")",
                            hint="Virtuoso stopped the query at its time limit and sent what it had: narrow the "
                                 "query, or raise MaxQueryExecutionTime in its virtuoso.ini")
    cap = resp.headers.get("x-sparql-maxrows", "").strip()
    if cap:
        raise PartialAnswer(f"the SPARQL endpoint {url} answered {cap} rows, its row cap (X-SPARQL-MaxRows): rows "
                            "past it may be missing",
                            hint="raise ResultSetMaxRows in the [SPARQL] section of Virtuoso's virtuoso.ini, or "
                                 "narrow the query")


# --- running queries ------------------------------------------------------------------------------------------------

def run_query(url: str, text: str, bound: dict | None = None, *, timeout: float = 30.0, limit: int = 100_000,
              kind: str | None = None) -> QueryResult:
    """Send ``text`` (with ``bound`` parameters as a VALUES block) to the SPARQL endpoint ``url``."""
    url = check_url(url)
    kind = kind or result_kind(text)
    if kind is None:
        raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")
    text = bind_values(text, bound or {})
    accept = ACCEPT_GRAPH if kind == "construct" else ACCEPT_RESULTS
    # the form encoding, not a bare application/sparql-query body: both are the protocol's, but Virtuoso 7.2 waits
    # on the second until the request times out
    body = urllib.parse.urlencode({"query": text}).encode("ascii")
    resp = _request("POST", url, data=body, timeout=timeout, what="the SPARQL endpoint",
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    _refuse_partial(resp, url)
    if kind == "construct":
        return _graph_result(resp, url, limit)
    return _table_result(resp, url, limit)


def _table_result(resp: _Response, url: str, limit: int) -> QueryResult:
    """A SPARQL JSON answer, read by pyoxigraph (terms checked: IRIs, language tags, blank node labels)."""
    import pyoxigraph as ox

    if resp.content_type not in ("application/sparql-results+json", "application/json"):
        raise EndpointError(f"the SPARQL endpoint {url} answered {resp.content_type or 'without a content type'}, "
                            "not SPARQL JSON results", hint="is the URL the SPARQL query endpoint?")
    rows, truncated = [], False
    try:
        answer = ox.parse_query_results(resp.body, ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        variables = [v.value for v in answer.variables]
        for solution in answer:
            if len(rows) >= limit:
                truncated = True
                break
            rows.append({v: term_from_ox(t) for v, t in zip(variables, solution, strict=True) if t is not None})
    except (SyntaxError, ValueError, TypeError) as e:  # TypeError: a term airm has no place for (a triple term)
        raise EndpointError(f"the SPARQL endpoint {url} answered with malformed SPARQL JSON ({e})",
                            hint="the answer may have been cut short by the server's own timeout") from None
    return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated)


def _graph_result(resp: _Response, url: str, limit: int) -> QueryResult:
    import pyoxigraph as ox

    if resp.content_type == "text/plain":
        fmt = ox.RdfFormat.N_TRIPLES
    else:
        fmt = ox.RdfFormat.from_media_type(resp.content_type)
    if fmt is None or fmt.supports_datasets:
        raise EndpointError(f"the SPARQL endpoint {url} answered {resp.content_type or 'without a content type'}, "
                            "not an RDF graph format airm reads (N-Triples, Turtle, RDF/XML)")
    triples = []
    try:
        for t in ox.parse(resp.body, format=fmt):
            if len(triples) >= limit:
                return QueryResult(kind="construct", triples=triples, truncated=True)
            triples.append((term_from_ox(t.subject), term_from_ox(t.predicate), term_from_ox(t.object)))
    except (SyntaxError, ValueError, TypeError) as e:
        raise EndpointError(f"the SPARQL endpoint {url} answered with malformed {fmt.name} ({e})",
                            hint="the answer may have been cut short by the server's own timeout") from None
    return QueryResult(kind="construct", triples=triples)


