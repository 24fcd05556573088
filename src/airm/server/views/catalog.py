"""The query catalog over HTTP: the list of stored queries (HTML or JSON), and each query run with the parameters of
its query string, as a page with a form or as data in any result format.

``with_proposals=1`` reads the unreviewed classification proposals too, as the CLI's ``--with-proposals`` does; they
are left out by default, and the queries that can meet them mark each row with its status and method.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ... import catalog
from ...errors import AirmError, BadFormat, NotAcceptable, UserError, shown
from .. import conneg
from ..jobs import StoredJob
from ..respond import (
    data_response,
    error_info,
    given_params,
    show_errors_as,
    wants_html,
)

TRUE, FALSE = ("1", "true", "on", "yes"), ("", "0", "false", "off", "no")


async def queries_list(request: Request) -> Response:
    show_errors_as(request, html=False)
    queries = catalog.catalog()
    try:
        fmt = conneg.normalise_format(request.query_params["format"]) if "format" in request.query_params \
            else conneg.negotiate(request.headers.get("accept"), ["html", "json"])
    except BadFormat as e:
        raise NotAcceptable(str(e)) from None  # an unknown ?format= here is one the catalog does not come in
    if fmt == "json":
        return JSONResponse([q.header() for q in queries.values()], headers={"Vary": "Accept"})
    if fmt != "html":
        raise NotAcceptable("the catalog is available as HTML or JSON")
    return request.app.state.site.page("queries.html", request, title="Stored queries", queries=list(queries.values()))


def with_proposals(request: Request) -> bool:
    """The ``with_proposals`` switch of the query string (a form's checkbox sends ``on``, or ``1`` as ours does)."""
    values = request.query_params.getlist("with_proposals")
    if len(values) > 1:
        raise UserError("parameter 'with_proposals' given twice")
    value = values[0].strip().lower() if values else ""
    if value not in TRUE + FALSE:
        raise UserError(f"'with_proposals' must be true or false (1 or 0), not {shown(values[0])}")
    return value in TRUE


async def query_run(request: Request) -> Response:
    html = wants_html(request)
    show_errors_as(request, html=html)
    q = catalog.get(request.path_params["name"])
    given = given_params(request)
    proposals = with_proposals(request)
    if html:
        return await query_page(request, q, {k: v for k, v in given.items() if v.strip()}, proposals)
    out = await request.app.state.site.run(StoredJob(
        name=q.name, params=given, format=request.query_params.get("format"), accept=request.headers.get("accept"),
        html=False, with_proposals=proposals))
    return data_response(out)


async def query_page(request: Request, q, given: dict, proposals: bool) -> Response:
    """The query's page: its form, and its results once the required parameters are there (a form's empty field is
    the parameter's default)."""
    site = request.app.state.site
    ctx = {"title": q.title, "query": q, "given": given, "with_proposals": proposals, "out": None, "error": None}
    missing = [p.name for p in q.params.values() if p.required and p.default is None and not given.get(p.name)]
    if missing and not given:
        return site.page("query.html", request, **ctx)
    try:
        out = await site.run(StoredJob(name=q.name, params=given, format="html", html=True, prefer_html=True,
                                       limit=site.config.html_rows, with_proposals=proposals))
    except AirmError as e:
        return site.page("query.html", request, status=e.http_status, **dict(ctx, error=error_info(e)))
    return site.page("query.html", request, **dict(ctx, out=out))


async def query_iri(request: Request) -> Response:
    return RedirectResponse("/queries/" + request.path_params["name"], status_code=303)
