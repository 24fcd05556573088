"""How the views read a request and answer one: format choice, repeated parameters, and the one place where an
``airm.errors`` exception becomes a response (its class gives the status, the ``X-Airm-Error`` kind and
``Retry-After``; the view says whether the answer is a page or one plain line)."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..errors import AirmError, MethodNotAllowed, NotFound, UserError, shown
from . import conneg

RESERVED = ("format", "with_proposals")  # query-string names the catalog pages keep for themselves


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
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def given_params(request: Request, allowed=None) -> dict:
    """The query string's parameters (one value each), leaving out the reserved names and any not ``allowed``."""
    given = {}
    for k, v in request.query_params.multi_items():
        if k in RESERVED:
            continue
        if allowed is not None and k not in allowed:
            continue
        if k in given:
            raise UserError(f"parameter {shown(k)} given twice")
        given[k] = v
    return given


def show_errors_as(request: Request, *, html: bool) -> None:
    """How an error raised from here on in this request is answered: an HTML page, or one plain-text line."""
    request.state.errors_html = html


def error_info(exc: AirmError) -> dict:
    """An error as the pages' error box shows it."""
    return {"status": exc.http_status, "kind": exc.kind, "message": str(exc)}


def error_response(request: Request, exc: AirmError, *, html: bool) -> Response:
    headers = {"X-Airm-Error": exc.kind}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if html:
        site = request.app.state.site
        resp = site.page("error.html", request, status=exc.http_status, title="Error", message=str(exc),
                         kind=exc.kind)
        resp.headers.update(headers)
    else:
        resp = PlainTextResponse(f"error: {exc}\n", status_code=exc.http_status, headers=headers)
    resp.headers.update(exc.headers)
    return resp


def data_response(out: dict) -> Response:
    return Response(out["body"], media_type=out["media_type"], headers={"Vary": "Accept"})


async def answer_error(request: Request, exc: Exception) -> Response:
    """The app's one exception handler: an ``AirmError`` from a view, or a 404/405 from routing or static files,
    answered in the same shape as every other error (one clear line, or an error page)."""
    html = getattr(request.state, "errors_html", None)
    if isinstance(exc, HTTPException):
        exc, html = routing_error(request, exc), None
    if html is None:
        html = request.method == "GET" and wants_html(request)
    return error_response(request, exc, html=html)


def routing_error(request: Request, exc: HTTPException) -> AirmError:
    """The typed error for a 404 or 405 from routing (the only statuses the app hands this handler)."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = headers.get("Allow") or headers.get("allow") or "GET, HEAD, POST"
        return MethodNotAllowed(f"method {request.method} is not allowed on {request.url.path}; use {allowed}",
                                headers=headers)
    return NotFound(f"there is no page at {request.url.path}; see / for the pages, /queries for the stored "
                    "queries and /sparql for the SPARQL endpoint", headers=headers)
