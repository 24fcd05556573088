"""The mitigation browser (``/mitigations``, paged by measure) and the risk navigator (``/risks``): each page is one
job against the worker's browse index (``airm.browse``), so it costs the same on the five-source graph as on the
demo. The browser's data exports (``?format=csv`` and the other result formats) stay the stored query
``browse-mitigations``, the same answer as ``airm query run browse-mitigations``."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ...errors import AirmError, UserError, shown
from ...namespaces import AIRM
from ..browsing import DEFAULT_SIZE, MAX_SIZE, page_url
from ..jobs import BrowseJob, NavigatorJob, StoredJob
from ..respond import data_response, error_info, given_params, show_errors_as, wants_html

FACETS = ("risk", "category", "stage", "actor", "function", "source")
PAGING = ("page", "size", "links")
SIZES = (20, 50, 100)


def whole_number(request: Request, name: str, default: int, low: int, high: int) -> int:
    """``?name=`` as a whole number kept within [low, high]; not a number is the caller's error (400)."""
    text = request.query_params.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise UserError(f"{name} must be a whole number, not {shown(text)}", hint=f"e.g. ?{name}={default}") from None
    return max(low, min(high, value))


def browse_params(request: Request) -> tuple[dict, int, int, bool]:
    """The filters, page, page size and whether the risk filter follows proposed links, from the URL."""
    given = given_params(request, FACETS + PAGING)
    filters = {k: v.strip() for k, v in given.items() if k in FACETS and v.strip()}
    links = given.get("links", "").strip() or "curated"
    if links not in ("curated", "proposed"):
        raise UserError(f"links must be curated or proposed, not {shown(links)}")
    page = whole_number(request, "page", 1, 1, 1_000_000)
    size = whole_number(request, "size", DEFAULT_SIZE, 1, MAX_SIZE)
    return filters, page, size, links == "proposed"


async def mitigations(request: Request) -> Response:
    """The browser: facets with counts that follow the other filters, one page of measures, exports of them all."""
    site = request.app.state.site
    show_errors_as(request, html=wants_html(request))
    filters, page, size, proposed = browse_params(request)
    if not wants_html(request):
        show_errors_as(request, html=False)
        return data_response(await site.run(StoredJob(
            name="browse-mitigations", params=filters, format=request.query_params.get("format"),
            accept=request.headers.get("accept"), html=False)))
    ctx = {"title": "Mitigations", "filters": filters, "proposed": proposed, "size": size, "sizes": SIZES,
           "export_query": urlencode(filters), "page_url": page_url}
    try:
        out = await site.run(BrowseJob(filters=filters, page=page, size=size, proposed=proposed))
    except AirmError as e:
        return site.page("mitigations.html", request, status=e.http_status, out=None, error=error_info(e), **ctx)
    if out["risk"]:
        ctx["title"] = f"Mitigations for {out['risk']['label']}"
    return site.page("mitigations.html", request, out=out, error=None, **ctx)


async def risk_mitigations(site, rec: dict) -> dict | None:
    """For a risk's own page: its sub-risks and its mitigations one row per measure (the browser's first page,
    evidence folded); None for anything that is not a risk."""
    if not any(t.value == AIRM + "Risk" for t in rec["types"]):
        return None
    return await site.run(BrowseJob(filters={"risk": rec["iri"]}))


async def risks(request: Request) -> Response:
    """The risk navigator: each risk taxonomy as a tree with its mitigation counts, curated and proposed apart."""
    site = request.app.state.site
    show_errors_as(request, html=True)
    body = site.kept.get("risks")
    if body is None:  # the same page for everyone while the graph stays the same: made once
        out = await site.run(NavigatorJob())
        body = site.kept["risks"] = site.page("risks.html", request, title="Risks", nav=out).body
    return HTMLResponse(body)
