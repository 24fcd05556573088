"""The SPARQL 1.1 Protocol endpoint (GET and POST, query only), its service description, and the query editor.

No response is started before its body is complete: a result is built, bounded by the row limit, and serialized in
the worker, and only then does a status line go out, so a timeout is never a 200 with a truncated body.
"""

from __future__ import annotations

import asyncio
import math
import time
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ... import catalog
from ...errors import (
    AirmError,
    BodyTimeout,
    ClientDisconnected,
    NotFound,
    PayloadTooLarge,
    ServerBusy,
    UnsupportedMediaType,
    UpdateRefused,
    UserError,
    shown,
)
from .. import conneg
from ..jobs import SparqlJob
from ..respond import data_response, error_info, show_errors_as, valid_iri

MAX_BODY = 2 * 1024 * 1024  # bytes of a POSTed query (the engine refuses queries over 1,000,000 characters)
DRAIN_MAX = 16 * 1024 * 1024  # a larger body is not even read to the end before the 413
BODY_TIMEOUT_FACTOR = 3  # a request body must arrive within three times --header-timeout (30 s by default)
DEFAULT_QUERY = ("SELECT ?mitigation ?label WHERE {\n  ?mitigation a airm:Mitigation ; rdfs:label ?label .\n}\n"
                 "ORDER BY ?label\nLIMIT 50\n")


async def sparql(request: Request) -> Response:
    site = request.app.state.site
    show_errors_as(request, html=False)
    params = await protocol_params(request)
    queries = params.get("query", [])
    accept = request.headers.get("accept")
    fmt = conneg.format_hints(params)  # hints, not orders: the protocol's Accept comes first
    html = "html" in (h.strip().lower() for h in fmt) or (
        not fmt and conneg.quality(conneg.parse_accept(accept), "html") >= 1.0
        and conneg.quality(conneg.parse_accept(accept), "json") < 1.0)
    show_errors_as(request, html=html)
    if not queries:
        return await editor(request) if html else service_description(request)
    if len(queries) > 1:
        raise UserError("give exactly one 'query' parameter")
    text = queries[0]
    if not text.strip():
        raise UserError("the query is empty")
    job = SparqlJob(text=text, accept=accept, format=fmt, html=html, prefer_html=False,
                    limit=site.config.html_rows if html else site.config.limit, base=endpoint_base(request))
    out, failure = await run_in_client_slot(request, job, asked_timeout(params, site.config.timeout))
    if failure is not None:
        if html:
            return await editor(request, query_text=text, error=error_info(failure), status=failure.http_status)
        raise failure
    if out["format"] == "html":
        return await editor(request, query_text=text, result=out)
    return data_response(out)


async def protocol_params(request: Request) -> dict[str, list[str]]:
    """The request's parameters, from the URL and a POSTed form or query; updates and dataset clauses refused."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request)
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise UserError("the form body is not UTF-8") from None
            if "query" in params or "update" in params:
                raise UserError("give the query in the form body or in the URL, not both")
            for k, v in form.items():
                params.setdefault(k, []).extend(v)
        elif ctype == "application/sparql-query":
            if "query" in params:
                raise UserError("a POSTed application/sparql-query body and a 'query' URL parameter exclude each other")
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError:
                raise UserError("the query is not UTF-8") from None
        elif ctype == "application/sparql-update":
            raise UpdateRefused("updates are refused: this endpoint is read-only")
        else:
            raise UnsupportedMediaType(f"unsupported content type {shown(ctype or '(none)')}; POST "
                                       "application/sparql-query or application/x-www-form-urlencoded")
    if "update" in params:
        raise UpdateRefused("updates are refused: this endpoint is read-only "
                            "(no INSERT, DELETE, LOAD, CLEAR, DROP or CREATE)")
    for p in ("default-graph-uri", "named-graph-uri"):
        if params.get(p):
            raise UserError(f"'{p}' is not supported: the default graph is the union of all graphs; "
                            "use GRAPH <...> { } patterns to pick graphs")
    return params


async def read_body(request: Request) -> bytes:
    """The POSTed body, at most MAX_BODY bytes, arriving within its deadline."""
    too_large = PayloadTooLarge(f"the request body is larger than {MAX_BODY:,} bytes")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > DRAIN_MAX:
        raise too_large  # answered at once; the connection closes under the client
    chunks, size = [], 0
    deadline = BODY_TIMEOUT_FACTOR * request.app.state.site.config.header_timeout  # a trickled body holds a connection
    try:
        async with asyncio.timeout(deadline):
            async for chunk in request.stream():
                size += len(chunk)
                if size > DRAIN_MAX:
                    raise too_large
                if size <= MAX_BODY:
                    chunks.append(chunk)
    except ClientDisconnect:  # the client went away mid-body: nobody to answer, nothing to log as a failure
        raise ClientDisconnected("the client closed the connection before the end of the request body") from None
    except TimeoutError:
        raise BodyTimeout(f"the request body did not arrive within {deadline:g} s",
                          headers={"Connection": "close"}) from None
    if size > MAX_BODY:
        raise too_large  # read to the end first, so that the client sees the answer rather than a reset
    return b"".join(chunks)


def asked_timeout(params: dict, most: float) -> float:
    """The client's ``timeout`` parameter, never past the server's own."""
    if not params.get("timeout"):
        return most
    try:
        asked = float(params["timeout"][0])
        if not (asked > 0 and math.isfinite(asked)):  # NaN, inf and negatives are refused, not clamped
            raise ValueError
        return min(most, asked)
    except ValueError:
        raise UserError("'timeout' must be a positive number of seconds") from None


async def run_in_client_slot(request: Request, job: SparqlJob, timeout: float) -> tuple[dict | None, AirmError | None]:
    """Run a free query in one of its client's slots (see ClientSlots): (answer, None) or (None, the query's error).
    A query refused a slot is raised: it never ran."""
    slots = request.app.state.site.slots
    client = request.client.host if request.client else "unknown"
    started = time.monotonic()
    if slots.crowded(client):
        raise ServerBusy(f"{slots.MAX_WAITING} queries from your address ({client}) are already waiting for its "
                         "running one", hint="send queries one after another")
    if not await slots.acquire(client, timeout):
        raise ServerBusy(f"another query from your address ({client}) has been running for {timeout:g} s; this server "
                         f"runs {slots.per_client} free SPARQL quer{'y' if slots.per_client == 1 else 'ies'} per "
                         "client at a time", hint="wait for it to finish or time out, then send this one again")
    try:
        left = round(timeout - (time.monotonic() - started), 1)  # the time left, as a user reads it
        if left < 0.5:
            raise ServerBusy(f"the query waited {timeout - left:.1f} s for your previous query and has no time left "
                             "to run", hint="send it again")
        try:
            return await request.app.state.site.run(job, timeout=left), None
        except AirmError as e:
            return None, e
    finally:
        slots.release(client)


def endpoint_base(request: Request) -> str | None:
    """The endpoint's own URL from the address the server listens on (never from the client's Host header), as
    the base IRI of queries; None when the server address is unknown."""
    server = request.scope.get("server")
    if not server or server[1] is None:
        return None
    host, port = server[0], server[1]
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}/sparql"
    return base if valid_iri(base) and ">" not in base else None


def service_description(request: Request) -> Response:
    base = str(request.url.replace(query=None, fragment=None))
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .

<{base}> a sd:Service ;
  sd:endpoint <{base}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat formats:SPARQL_Results_JSON , formats:SPARQL_Results_XML , formats:SPARQL_Results_CSV ,
    formats:SPARQL_Results_TSV , formats:Turtle , formats:N-Triples , formats:JSON-LD , formats:RDF_XML .
"""
    return Response(ttl, media_type="text/turtle; charset=utf-8")


async def editor(request: Request, *, query_text: str | None = None, result: dict | None = None,
                 error: dict | None = None, status: int = 200) -> Response:
    """The query editor page: a stored query as an example (``?example=``), a query given, or a default one."""
    show_errors_as(request, html=True)
    queries = catalog.catalog()
    example = request.query_params.get("example")
    if query_text is None:
        query_text = request.query_params.get("query")
    if query_text is None and example:
        if example not in queries:
            raise NotFound(f"no stored query named {shown(example)}")
        query_text = example_text(queries[example])
    if query_text is None:
        query_text = DEFAULT_QUERY
    return request.app.state.site.page("editor.html", request, status=status, title="SPARQL query",
                                       query_text=query_text, queries=list(queries.values()), result=result,
                                       error=error, example=example)


def example_text(q) -> str:
    """A stored query as the editor shows it: its question as a comment, its header left out, its parameters named."""
    body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#+")).lstrip("\n")
    params = ", ".join(f"?{n}" for n in q.params)
    return (f"# {q.name}: {q.question}\n"
            + (f"# {params} unbound here: bind with VALUES, or run it with parameters at /queries/{q.name}\n"
               if params else "")
            + body + "\n")
