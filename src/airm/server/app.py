"""The web face of airm: a SPARQL 1.1 Protocol endpoint, the query catalog over HTTP, linked-data pages for our
IRIs, a mitigation browser and coverage pictures. A thin layer: every query goes to a worker process (pool.py),
which checks and runs it with the same library calls as the CLI (``airm.catalog``, ``airm.engines``).

No response is started before its body is complete: a result is built, bounded by the row limit, and serialized in
the worker, and only then does a status line go out, so a timeout is never a 200 with a truncated body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..errors import shown
from ..namespaces import AIRM, AIRM_ID, ONTOLOGY_IRI
from . import conneg
from .http import refuse_large_headers
from .web import HERE, environment

log = logging.getLogger("airm.server")
access_log = logging.getLogger("airm.server.access")

MAX_BODY = 2 * 1024 * 1024  # bytes of a POSTed query (the engine refuses queries over 1,000,000 characters)
DRAIN_MAX = 16 * 1024 * 1024  # a larger body is not even read to the end before the 413
BODY_TIMEOUT_FACTOR = 3  # a request body must arrive within three times --header-timeout (30 s by default)
FACETS = ("risk", "category", "stage", "actor", "function", "source")
RESERVED = ("format",)  # query-string names the catalog pages keep for themselves
RDF_SUFFIXES = {".ttl": "ttl", ".jsonld": "jsonld", ".nt": "nt", ".rdf": "rdfxml"}


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    timeout: float = 30.0
    limit: int = 100_000
    html_rows: int = 1000
    workspace: str | None = None
    files: tuple = ()
    memory_mb: int = 4096
    max_waiting: int = 256
    client_queries: int = 1  # free SPARQL queries one client address may run at once; more wait in line
    forwarded_allow_ips: str | None = None  # proxies whose X-Forwarded-For is believed (none by default)
    header_timeout: float = 10.0  # seconds for a request's headers to arrive
    extra: dict = field(default_factory=dict)


class ClientSlots:
    """At most ``per_client`` free SPARQL queries per client address run at once; the others wait in line, up to
    their own timeout. Free SPARQL is the one way to send the server arbitrary work: without this, one client's slow
    queries could hold every worker and starve everyone else (stored queries and pages are not limited: their cost
    is known). The table holds only addresses with a query running or waiting, so it cannot grow without bound."""

    MAX_WAITING = 8  # queries one client may have waiting; more are refused at once

    def __init__(self, per_client: int):
        self.per_client = max(1, int(per_client))
        self._slots: dict[str, list] = {}  # address -> [semaphore, holders and waiters]

    def crowded(self, client: str) -> bool:
        entry = self._slots.get(client)
        return entry is not None and entry[1] >= self.per_client + self.MAX_WAITING

    async def acquire(self, client: str, timeout: float) -> bool:
        entry = self._slots.setdefault(client, [asyncio.Semaphore(self.per_client), 0])
        entry[1] += 1
        try:
            await asyncio.wait_for(entry[0].acquire(), timeout)
            return True
        except (asyncio.TimeoutError, TimeoutError):
            self._forget(client, entry)
            return False
        except BaseException:
            self._forget(client, entry)
            raise

    def release(self, client: str) -> None:
        entry = self._slots.get(client)
        if entry is not None:
            entry[0].release()
            self._forget(client, entry)

    def _forget(self, client: str, entry: list) -> None:
        entry[1] -= 1
        if entry[1] <= 0 and self._slots.get(client) is entry:
            del self._slots[client]

    def __len__(self) -> int:
        return len(self._slots)


class HTTPError(Exception):
    def __init__(self, status: int, message: str, kind: str = "bad-request", headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.headers = status, message, kind, headers or {}


def wants_html(request: Request) -> bool:
    fmt = request.query_params.get("format")
    if fmt:
        return fmt.strip().lower() == "html"
    try:
        return conneg.negotiate(request.headers.get("accept"), ["json", "html"]) == "html" and \
            conneg.quality(conneg.parse_accept(request.headers.get("accept")), "html") > 0
    except conneg.NotAcceptable:
        return False


def valid_iri(iri: str) -> bool:
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def endpoint_base(request: Request) -> str | None:
    """The endpoint's own URL from the address the server listens on (never from the client's Host header), as
    the base IRI of queries; None when the server address is unknown."""
    server = request.scope.get("server")
    if not server or server[1] is None:
        return None
    host, port = server[0], server[1]
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}/sparql"
    return base if valid_iri(base) and ">" not in base else None


def create_app(config: ServerConfig, pool=None) -> Starlette:
    from contextlib import asynccontextmanager

    from .pool import QueryPool

    env = environment()
    env.globals.update(version=__version__, config=config)
    state = {"pool": pool, "figures": {}, "coverage": None}
    slots = ClientSlots(config.client_queries)

    @asynccontextmanager
    async def lifespan(app):
        if state["pool"] is None:
            p = QueryPool(config.workers, workspace=config.workspace, files=config.files, memory_mb=config.memory_mb,
                          max_waiting=config.max_waiting)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, p.start, loop)
            state["pool"] = p
        on_ready = config.extra.get("on_ready")
        if on_ready:
            on_ready(state["pool"])
        try:
            yield
        finally:
            state["pool"].close()

    # --- helpers --------------------------------------------------------------------------------------------------
    def page(name: str, request: Request, status: int = 200, **ctx) -> HTMLResponse:
        template = env.get_template(name)
        body = template.render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(body, status_code=status)

    async def job(payload: dict, *, timeout: float | None = None):
        t = config.timeout if timeout is None else min(timeout, config.timeout)
        payload = dict(payload, timeout=t)
        payload.setdefault("limit", config.limit)
        return await state["pool"].run(payload, t)

    def error_response(request: Request, info: dict, *, html: bool, title: str = "Error") -> Response:
        status, kind, message = info["status"], info["kind"], info["message"]
        headers = {"X-Airm-Error": kind}
        if kind in ("busy", "crashed"):
            headers["Retry-After"] = "1"
        if html:
            resp = page("error.html", request, status=status, title=title, message=message, kind=kind)
            resp.headers.update(headers)
            return resp
        return PlainTextResponse(f"error: {message}\n", status_code=status, headers=headers)

    def data_response(out: dict, extra_headers: dict | None = None) -> Response:
        headers = {"Vary": "Accept"}
        headers.update(extra_headers or {})
        return Response(out["body"], media_type=out["media_type"], headers=headers)

    async def read_body(request: Request) -> bytes:
        too_large = HTTPError(413, f"the request body is larger than {MAX_BODY:,} bytes", "too-large")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > DRAIN_MAX:
            raise too_large  # answered at once; the connection closes under the client
        from starlette.requests import ClientDisconnect

        chunks, size = [], 0
        deadline = BODY_TIMEOUT_FACTOR * config.header_timeout  # a body trickled in holds a connection too
        try:
            async with asyncio.timeout(deadline):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > DRAIN_MAX:
                        raise too_large
                    if size <= MAX_BODY:
                        chunks.append(chunk)
        except ClientDisconnect:  # the client went away mid-body: nobody to answer, nothing to log as a failure
            raise HTTPError(400, "the client closed the connection before the end of the request body",
                            "client-disconnected") from None
        except TimeoutError:
            raise HTTPError(408, f"the request body did not arrive within {deadline:g} s", "body-timeout",
                            {"Connection": "close"}) from None
        if size > MAX_BODY:
            raise too_large  # read to the end first, so that the client sees the answer rather than a reset
        return b"".join(chunks)

    # --- SPARQL 1.1 Protocol --------------------------------------------------------------------------------------
    async def sparql(request: Request) -> Response:
        html = False
        try:
            params = parse_qs(request.url.query, keep_blank_values=True)
            if request.method == "POST":
                ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
                body = await read_body(request)
                if ctype == "application/x-www-form-urlencoded":
                    try:
                        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                    except UnicodeDecodeError:
                        raise HTTPError(400, "the form body is not UTF-8") from None
                    if "query" in params or "update" in params:
                        raise HTTPError(400, "give the query in the form body or in the URL, not both")
                    for k, v in form.items():
                        params.setdefault(k, []).extend(v)
                elif ctype == "application/sparql-query":
                    if "query" in params:
                        raise HTTPError(400, "a POSTed application/sparql-query body and a 'query' URL parameter "
                                             "exclude each other")
                    try:
                        params["query"] = [body.decode("utf-8")]
                    except UnicodeDecodeError:
                        raise HTTPError(400, "the query is not UTF-8") from None
                elif ctype == "application/sparql-update":
                    raise HTTPError(403, "updates are refused: this endpoint is read-only", "update-refused")
                else:
                    raise HTTPError(415, f"unsupported content type {shown(ctype or '(none)')}; POST "
                                         "application/sparql-query or application/x-www-form-urlencoded",
                                    "unsupported-media-type")
            if "update" in params:
                raise HTTPError(403, "updates are refused: this endpoint is read-only "
                                     "(no INSERT, DELETE, LOAD, CLEAR, DROP or CREATE)", "update-refused")
            for p in ("default-graph-uri", "named-graph-uri"):
                if params.get(p):
                    raise HTTPError(400, f"'{p}' is not supported: the default graph is the union of all graphs; "
                                         "use GRAPH <...> { } patterns to pick graphs", "bad-request")
            queries = params.get("query", [])
            accept = request.headers.get("accept")
            fmt = conneg.format_hints(params)  # hints, not orders: the protocol's Accept comes first
            html_ranked = "html" in (h.strip().lower() for h in fmt) or (
                not fmt and conneg.quality(conneg.parse_accept(accept), "html") >= 1.0
                and conneg.quality(conneg.parse_accept(accept), "json") < 1.0)
            html = html_ranked
            if not queries:
                if html:
                    return await editor(request)
                return service_description(request)
            if len(queries) > 1:
                raise HTTPError(400, "give exactly one 'query' parameter")
            text = queries[0]
            if not text.strip():
                raise HTTPError(400, "the query is empty")
            timeout = config.timeout
            if params.get("timeout"):
                try:
                    asked = float(params["timeout"][0])
                    if not (asked > 0 and math.isfinite(asked)):  # NaN, inf and negatives are refused, not clamped
                        raise ValueError
                    timeout = min(config.timeout, asked)
                except ValueError:
                    raise HTTPError(400, "'timeout' must be a positive number of seconds") from None
            limit = config.html_rows if html else config.limit
            client = request.client.host if request.client else "unknown"
            started = time.monotonic()
            if slots.crowded(client):
                raise HTTPError(503, f"{slots.MAX_WAITING} queries from your address ({client}) are already waiting "
                                     "for its running one\n  hint: send queries one after another", "busy",
                                {"Retry-After": "1"})
            if not await slots.acquire(client, timeout):
                raise HTTPError(503, f"another query from your address ({client}) has been running for {timeout:g} s; "
                                     f"this server runs {slots.per_client} free SPARQL "
                                     f"quer{'y' if slots.per_client == 1 else 'ies'} per client at a time\n"
                                     "  hint: wait for it to finish or time out, then send this one again", "busy",
                                {"Retry-After": "1"})
            try:
                left = round(timeout - (time.monotonic() - started), 1)  # the time left, as a user reads it
                if left < 0.5:
                    raise HTTPError(503, f"the query waited {timeout - left:.1f} s for your previous query and has "
                                         "no time left to run\n  hint: send it again", "busy", {"Retry-After": "1"})
                reply = await job({"op": "sparql", "text": text, "accept": accept, "format": fmt, "html": html,
                                   "prefer_html": False, "limit": limit, "base": endpoint_base(request)},
                                  timeout=left)
            finally:
                slots.release(client)
        except HTTPError as e:
            resp = error_response(request, {"status": e.status, "kind": e.kind, "message": e.message}, html=html)
            resp.headers.update(e.headers)
            return resp
        except conneg.BadFormat as e:
            return error_response(request, {"status": 400, "kind": "bad-format", "message": str(e)}, html=html)
        if reply[0] == "error":
            if html:
                return await editor(request, query_text=text, error=reply[1], status=reply[1]["status"])
            return error_response(request, reply[1], html=False)
        out = reply[1]
        if out["format"] == "html":
            return await editor(request, query_text=text, result=out)
        return data_response(out)

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
        from .. import catalog

        queries = catalog.catalog()
        example = request.query_params.get("example")
        if query_text is None:
            query_text = request.query_params.get("query")
        if query_text is None and example:
            if example not in queries:
                return error_response(request, {"status": 404, "kind": "not-found",
                                                "message": f"no stored query named {shown(example)}"}, html=True)
            q = queries[example]
            body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#+")).lstrip("\n")
            params = ", ".join(f"?{n}" for n in q.params)
            query_text = (f"# {q.name}: {q.question}\n"
                          + (f"# {params} unbound here: bind with VALUES, or run it with parameters at "
                             f"/queries/{q.name}\n" if params else "")
                          + body + "\n")
        if query_text is None:
            query_text = "SELECT ?mitigation ?label WHERE {\n  ?mitigation a airm:Mitigation ; rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 50\n"
        return page("editor.html", request, status=status, title="SPARQL query", query_text=query_text,
                    queries=list(queries.values()), result=result, error=error, example=example)

    # --- the catalog over HTTP ------------------------------------------------------------------------------------
    async def queries_list(request: Request) -> Response:
        from .. import catalog

        queries = catalog.catalog()
        try:
            fmt = conneg.normalise_format(request.query_params["format"]) if "format" in request.query_params \
                else conneg.negotiate(request.headers.get("accept"), ["html", "json"])
        except (conneg.NotAcceptable, conneg.BadFormat) as e:
            return error_response(request, {"status": 406, "kind": "not-acceptable", "message": str(e)}, html=False)
        if fmt == "json":
            return JSONResponse([q.header() for q in queries.values()], headers={"Vary": "Accept"})
        if fmt != "html":
            return error_response(request, {"status": 406, "kind": "not-acceptable",
                                            "message": "the catalog is available as HTML or JSON"}, html=False)
        return page("queries.html", request, title="Stored queries", queries=list(queries.values()))

    def given_params(request: Request, allowed=None) -> dict:
        given = {}
        for k, v in request.query_params.multi_items():
            if k in RESERVED:
                continue
            if allowed is not None and k not in allowed:
                continue
            if k in given:
                raise HTTPError(400, f"parameter {shown(k)} given twice")
            given[k] = v
        return given

    async def query_run(request: Request) -> Response:
        from .. import catalog
        from ..errors import QueryError

        name = request.path_params["name"]
        html = wants_html(request)
        try:
            q = catalog.get(name)
        except QueryError as e:
            return error_response(request, {"status": 404, "kind": "not-found", "message": str(e)}, html=html)
        try:
            given = given_params(request)
        except HTTPError as e:
            return error_response(request, {"status": e.status, "kind": e.kind, "message": e.message}, html=html)
        fmt = request.query_params.get("format")
        if html:
            given = {k: v for k, v in given.items() if v.strip()}  # a form's empty field: the parameter's default
            missing = [p.name for p in q.params.values() if p.required and p.default is None and not given.get(p.name)]
            if missing and not given:
                return page("query.html", request, title=q.title, q=q, given=given, out=None, error=None)
            reply = await job({"op": "stored", "name": name, "params": given, "format": "html", "html": True,
                               "prefer_html": True, "limit": config.html_rows})
            if reply[0] == "error":
                return page("query.html", request, status=reply[1]["status"], title=q.title, q=q, given=given,
                            out=None, error=reply[1])
            return page("query.html", request, title=q.title, q=q, given=given, out=reply[1], error=None)
        reply = await job({"op": "stored", "name": name, "params": given, "format": fmt,
                           "accept": request.headers.get("accept"), "html": False})
        if reply[0] == "error":
            return error_response(request, reply[1], html=False)
        return data_response(reply[1])

    async def query_iri(request: Request) -> Response:
        return RedirectResponse("/queries/" + request.path_params["name"], status_code=303)

    # --- linked data ----------------------------------------------------------------------------------------------
    async def resource_page(request: Request, iri: str, forced: str | None = None) -> Response:
        accept = request.headers.get("accept")
        if not valid_iri(iri):
            return error_response(request, {"status": 404 if iri.startswith(AIRM_ID) else 400, "kind": "bad-request",
                                            "message": f"<{iri}> is not a valid IRI"}, html=wants_html(request))
        try:
            if forced:
                fmt = forced
            elif "format" in request.query_params:
                fmt = conneg.normalise_format(request.query_params["format"])
                if fmt not in ("html",) + conneg.GRAPH_FORMATS:
                    raise conneg.BadFormat(f"a resource is given as html, {', '.join(conneg.GRAPH_FORMATS)}")
            else:
                fmt = conneg.negotiate(accept, ["html", "ttl", "jsonld", "nt", "rdfxml"])
        except conneg.NotAcceptable as e:
            return error_response(request, {"status": 406, "kind": "not-acceptable", "message": str(e)}, html=False)
        except conneg.BadFormat as e:
            return error_response(request, {"status": 400, "kind": "bad-format", "message": str(e)}, html=False)
        if fmt == "html":
            reply = await job({"op": "record", "iri": iri, "limit": config.html_rows})
            if reply[0] == "error":
                return error_response(request, reply[1], html=True)
            rec = reply[1]
            if not rec["exists"]:
                return page("error.html", request, status=404, title="Not in the graph", kind="not-found",
                            message=f"the graph says nothing about <{iri}>", iri=iri)
            resp = page("record.html", request, title=rec["label"] or rec["curie"], rec=rec)
            resp.headers["Vary"] = "Accept"
            return resp
        exists = await job({"op": "exists", "iri": iri})
        if exists[0] == "error":
            return error_response(request, exists[1], html=False)
        if not exists[1]:
            return error_response(request, {"status": 404, "kind": "not-found",
                                            "message": f"the graph says nothing about <{iri}>"}, html=False)
        reply = await job({"op": "stored", "name": "describe-entity", "params": {"entity": iri}, "format": fmt,
                           "html": False})
        if reply[0] == "error":
            return error_response(request, reply[1], html=False)
        return data_response(reply[1])

    async def id_page(request: Request) -> Response:
        path = request.path_params["path"]
        iri = AIRM_ID + path
        for suffix, fmt in RDF_SUFFIXES.items():
            if path.endswith(suffix):
                base = AIRM_ID + path[: -len(suffix)]
                known = await job({"op": "exists", "iri": iri})
                if known[0] == "ok" and not known[1]:
                    return await resource_page(request, base, forced=fmt)
        return await resource_page(request, iri)

    async def any_resource(request: Request) -> Response:
        iri = request.query_params.get("iri", "").strip()
        if not iri:
            return error_response(request, {"status": 400, "kind": "bad-request",
                                            "message": "give the resource as ?iri=..."}, html=wants_html(request))
        if iri.startswith(AIRM_ID):
            from .web import href

            return RedirectResponse(href(iri), status_code=301)
        return await resource_page(request, iri)

    async def ontology(request: Request) -> Response:
        suffix = request.path_params.get("suffix")
        try:
            if suffix:
                fmt = RDF_SUFFIXES.get("." + suffix)
                if fmt is None:
                    raise HTTPError(404, f"no ontology file .{suffix}", "not-found")
            else:
                fmt = conneg.negotiate(request.headers.get("accept"), ["html", "ttl", "jsonld", "nt", "rdfxml"])
        except conneg.NotAcceptable as e:
            return error_response(request, {"status": 406, "kind": "not-acceptable", "message": str(e)}, html=False)
        except HTTPError as e:
            return error_response(request, {"status": e.status, "kind": e.kind, "message": e.message}, html=False)
        if fmt != "html":
            reply = await job({"op": "graph", "scope": "ontology", "format": fmt})
            if reply[0] == "error":
                return error_response(request, reply[1], html=False)
            return data_response(reply[1])
        reply = await job({"op": "terms"})
        if reply[0] == "error":
            return error_response(request, reply[1], html=True)
        return page("ontology.html", request, title="The airm ontology", terms=reply[1], ontology_iri=ONTOLOGY_IRI,
                    airm=AIRM)

    # --- pages ----------------------------------------------------------------------------------------------------
    async def home(request: Request) -> Response:
        reply = await job({"op": "stored", "name": "dataset-summary", "params": {}, "format": "html", "html": True,
                           "prefer_html": True, "limit": config.html_rows})
        if reply[0] == "error":
            return error_response(request, reply[1], html=True)
        counts = []
        for row in reply[1]["result"].rows:
            n = row["instances"].to_python() if "instances" in row else 0
            if n:
                counts.append({"class": row["class"].value, "label": row["label"].value if "label" in row
                               else None, "n": n})
        return page("home.html", request, title="airm", counts=counts)

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        if not q:
            return page("search.html", request, title="Search", q="", mitigations=None, others=None, error=None)
        base = {"op": "stored", "format": "html", "html": True, "prefer_html": True, "limit": config.html_rows}
        mit, res = await asyncio.gather(
            job(dict(base, name="search-mitigations", params={"keyword": q})),
            job(dict(base, name="search-resources", params={"keyword": q})),
        )
        for r in (mit, res):
            if r[0] == "error":
                return page("search.html", request, status=r[1]["status"], title="Search", q=q, mitigations=None,
                            others=None, error=r[1])
        mitigations, seen = [], set()
        for row in mit[1]["result"].rows:
            iri = row["mitigation"].value
            if iri not in seen:
                seen.add(iri)
                mitigations.append({"iri": iri, "label": row["mitigationLabel"].value, "matchedIn": row["matchedIn"].value,
                                    "text": row["text"].value})
        others, seen_other = [], set(seen)
        for row in res[1]["result"].rows:
            iri = row["resource"].value
            if iri in seen_other:
                continue
            seen_other.add(iri)
            others.append({"iri": iri, "label": row["label"].value, "type": row["type"].value if "type" in row else None,
                           "matchedIn": row["matchedIn"].value, "text": row["text"].value})
        labels = dict(mit[1]["labels"], **res[1]["labels"])
        return page("search.html", request, title=f"Search: {q}", q=q, mitigations=mitigations, others=others,
                    labels=labels, error=None)

    async def mitigations(request: Request) -> Response:
        try:
            filters = {k: v.strip() for k, v in given_params(request, FACETS).items() if v.strip()}
        except HTTPError as e:
            return error_response(request, {"status": e.status, "kind": e.kind, "message": e.message}, html=True)
        html = wants_html(request)
        fmt = request.query_params.get("format")
        if not html:
            reply = await job({"op": "stored", "name": "browse-mitigations", "params": filters, "format": fmt,
                               "accept": request.headers.get("accept"), "html": False})
            if reply[0] == "error":
                return error_response(request, reply[1], html=False)
            return data_response(reply[1])
        base = {"op": "stored", "format": "html", "html": True, "prefer_html": True, "limit": config.html_rows}
        browse, facets = await asyncio.gather(
            job(dict(base, name="browse-mitigations", params=filters)),
            job(dict(base, name="mitigation-facets", params={})),
        )
        options = {f: [] for f in FACETS}
        if facets[0] == "ok":
            for row in facets[1]["result"].rows:
                options[row["facet"].value].append({
                    "value": row["value"].value, "label": row["label"].value,
                    "code": row["code"].value if "code" in row else "", "n": row["mitigations"].to_python()})
        if browse[0] == "error":
            return page("mitigations.html", request, status=browse[1]["status"], title="Mitigations", filters=filters,
                        options=options, items=None, error=browse[1], truncated=False, labels={})
        out = browse[1]
        items: dict[str, dict] = {}
        for row in out["result"].rows:
            iri = row["mitigation"].value
            item = items.setdefault(iri, {"iri": iri, "label": row["mitigationLabel"].value,
                                          **{k: [] for k in ("category", "stage", "actor", "function", "source")}})
            for key, col in (("category", "mitigationCategory"), ("stage", "lifecycleStage"), ("actor", "actorType"),
                             ("function", "rmfFunction"), ("source", "document")):
                if col in row and row[col].value not in item[key]:
                    item[key].append(row[col].value)
        labels = dict(out["labels"])
        for f in FACETS:
            for o in options[f]:
                labels.setdefault(o["value"], o["label"])
        export = {k: v for k, v in filters.items()}
        return page("mitigations.html", request, title="Mitigations", filters=filters, options=options,
                    items=list(items.values()), error=None, truncated=out["truncated"], labels=labels,
                    export_query=urlencode(export))

    async def coverage(request: Request) -> Response:
        if state["coverage"] is None:
            reply = await job({"op": "coverage"})
            if reply[0] == "error":
                return error_response(request, reply[1], html=True)
            state["coverage"] = reply[1]
        from ..report import FIGURES, unmitigated_by_scheme

        data = state["coverage"]
        return page("coverage.html", request, title="Coverage", figures=FIGURES, data=data,
                    unmitigated=unmitigated_by_scheme(data["unmitigated"], data["labels"]))

    async def figure(request: Request) -> Response:
        from ..report import FIGURES, FORMATS

        name, ext = request.path_params["name"], request.path_params["ext"]
        if name not in FIGURES or ext not in FORMATS:
            return error_response(request, {"status": 404, "kind": "not-found",
                                            "message": f"no figure {name}.{ext}; there are "
                                                       + ", ".join(f"{n}.png/.svg" for n in FIGURES)}, html=False)
        key = (name, ext)
        if key not in state["figures"]:
            reply = await job({"op": "figure", "name": name, "format": ext})
            if reply[0] == "error":
                return error_response(request, reply[1], html=False)
            state["figures"][key] = reply[1]
        out = state["figures"][key]
        return Response(out["body"], media_type=out["media_type"], headers={"Cache-Control": "max-age=300"})

    async def health(request: Request) -> Response:
        p = state["pool"]
        return JSONResponse({"status": "ok", "version": __version__, "workers": p.size, "waiting": p.waiting,
                             "replaced": p.replaced, "triples": p.info.get("triples"), "pids": p.pids(),
                             "clients": len(slots)})

    async def jsonld_document(request: Request) -> Response:
        """The JSON-LD context (and frame) where their IRIs say, https://w3id.org/airm/context.jsonld: the same
        documents airm compacts and frames with offline."""
        from ..export import context_document_served, frame_document

        doc = context_document_served() if request.url.path == "/context.jsonld" else frame_document()
        return Response(json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8"), media_type="application/ld+json",
                        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=3600"})

    routes = [
        Route("/", home),
        Route("/context.jsonld", jsonld_document),
        Route("/frame.jsonld", jsonld_document),
        Route("/search", search),
        Route("/mitigations", mitigations),
        Route("/coverage", coverage),
        Route("/coverage/{name}.{ext}", figure),
        Route("/queries", queries_list),
        Route("/queries/{name}", query_run),
        Route("/query", editor),
        Route("/query/{name}", query_iri),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/id/{path:path}", id_page),
        Route("/resource", any_resource),
        Route("/ontology", ontology),
        Route("/ontology.{suffix}", ontology),
        Route("/health", health),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    async def routing_error(request: Request, exc) -> Response:
        """404 and 405 from routing or static files, in the same shape as every other error (one clear line)."""
        status = getattr(exc, "status_code", 500)
        headers = dict(getattr(exc, "headers", None) or {})
        if status == 405:
            allowed = headers.get("Allow") or headers.get("allow") or "GET, HEAD, POST"
            message = f"method {request.method} is not allowed on {request.url.path}; use {allowed}"
            kind = "method-not-allowed"
        elif status == 404:
            message = (f"there is no page at {request.url.path}; see / for the pages, /queries for the stored "
                       "queries and /sparql for the SPARQL endpoint")
            kind = "not-found"
        else:
            message, kind = str(getattr(exc, "detail", "") or "the request cannot be answered"), "bad-request"
        resp = error_response(request, {"status": status, "kind": kind, "message": message},
                              html=request.method == "GET" and wants_html(request))
        resp.headers.update(headers)
        return resp

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: routing_error, 405: routing_error})
    app.state.airm = state
    return wrap(app)


# --- middleware (plain ASGI: cheap enough for every request) -----------------------------------------------------

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
]
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"X-Airm-Error, Retry-After"),
]
PREFLIGHT_HEADERS = CORS_HEADERS + [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Accept, Content-Type"),
    (b"access-control-max-age", b"600"),
]


def wrap(app):
    """Access log (one JSON line per request), security headers, CORS."""

    async def middleware(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        start = time.perf_counter()
        info = {"status": 0, "bytes": 0}
        refusal = refuse_large_headers(scope)
        if refusal is not None:
            status, headers, body = refusal
            await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS})
            await send({"type": "http.response.body", "body": body})
            info.update(status=status, bytes=len(body))
            _log(scope, info, start)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": PREFLIGHT_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            info["status"] = 204
            _log(scope, info, start)
            return

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                info["status"] = message["status"]
                info["started"] = True
                headers = list(message.get("headers", [])) + SECURITY_HEADERS + CORS_HEADERS
                if not any(k.lower() == b"vary" for k, _ in headers):
                    headers.append((b"vary", b"Accept"))  # most answers depend on Accept: tell caches
                message = dict(message, headers=headers)
            elif message["type"] == "http.response.body":
                info["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if not info.get("started"):
                info["status"] = 500
                body = b"error: internal error in the web server (see its log)\n"
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())] + SECURITY_HEADERS})
                await send({"type": "http.response.body", "body": body})
        finally:
            _log(scope, info, start)

    return middleware


def _log(scope, info, start) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    qs = scope.get("query_string", b"").decode("latin-1")
    access_log.info(json.dumps({
        "ts": round(time.time(), 3),
        "method": scope["method"],
        "path": scope["path"],
        "query": qs[:200] if qs else None,
        "status": info["status"],
        "ms": round((time.perf_counter() - start) * 1000, 2),
        "bytes": info["bytes"],
        "client": (scope.get("client") or ["?"])[0],
    }, separators=(",", ":")))
