"""The pages for people: home, search, coverage pictures (the browser and the risk navigator are in browse.py);
and the small documents beside them (health, the JSON-LD context and frame)."""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...errors import AirmError, NotFound
from ...export import context_document_served, frame_document
from ...report import FIGURES, FORMATS, unmitigated_by_scheme
from ...version import __version__
from ..jobs import CoverageJob, FigureJob, StoredJob
from ..respond import (
    error_info,
    show_errors_as,
)


def page_job(name: str, params: dict, site) -> StoredJob:
    """A stored query run for a page: its rows and their labels, at most --html-rows of them."""
    return StoredJob(name=name, params=params, format="html", html=True, prefer_html=True, limit=site.config.html_rows)


async def home(request: Request) -> Response:
    site = request.app.state.site
    show_errors_as(request, html=True)
    out = await site.run(page_job("dataset-summary", {}, site))
    counts = []
    for row in out["result"].rows:
        n = row["instances"].to_python() if "instances" in row else 0
        if n:
            counts.append({"class": row["class"].value, "label": row["label"].value if "label" in row else None,
                           "n": n})
    return site.page("home.html", request, title="airm", counts=counts)


async def search(request: Request) -> Response:
    site = request.app.state.site
    q = request.query_params.get("q", "").strip()
    ctx = {"title": "Search", "q": q, "mitigations": None, "others": None, "error": None}
    if not q:
        return site.page("search.html", request, **ctx)
    replies = await asyncio.gather(site.run(page_job("search-mitigations", {"keyword": q}, site)),
                                   site.run(page_job("search-resources", {"keyword": q}, site)),
                                   return_exceptions=True)
    for reply in replies:
        if isinstance(reply, AirmError):
            return site.page("search.html", request, status=reply.http_status, **dict(ctx, error=error_info(reply)))
        if isinstance(reply, BaseException):
            raise reply
    mit, res = replies
    mitigations, seen = [], set()
    for row in mit["result"].rows:
        iri = row["mitigation"].value
        if iri not in seen:
            seen.add(iri)
            mitigations.append({"iri": iri, "label": row["mitigationLabel"].value, "matchedIn": row["matchedIn"].value,
                                "text": row["text"].value})
    others = []
    for row in res["result"].rows:
        iri = row["resource"].value
        if iri in seen:
            continue
        seen.add(iri)
        others.append({"iri": iri, "label": row["label"].value, "type": row["type"].value if "type" in row else None,
                       "matchedIn": row["matchedIn"].value, "text": row["text"].value})
    return site.page("search.html", request, **dict(ctx, title=f"Search: {q}", mitigations=mitigations, others=others,
                                                    labels=dict(mit["labels"], **res["labels"])))


async def coverage(request: Request) -> Response:
    site = request.app.state.site
    show_errors_as(request, html=True)
    if site.coverage is None:
        site.coverage = await site.run(CoverageJob())
    data = site.coverage
    return site.page("coverage.html", request, title="Coverage", figures=FIGURES, data=data,
                     unmitigated=unmitigated_by_scheme(data["unmitigated"], data["labels"]))


async def figure(request: Request) -> Response:
    site = request.app.state.site
    show_errors_as(request, html=False)
    name, ext = request.path_params["name"], request.path_params["ext"]
    if name not in FIGURES or ext not in FORMATS:
        raise NotFound(f"no figure {name}.{ext}; there are " + ", ".join(f"{n}.png/.svg" for n in FIGURES))
    key = (name, ext)
    if key not in site.figures:
        site.figures[key] = await site.run(FigureJob(name=name, format=ext))
    out = site.figures[key]
    return Response(out["body"], media_type=out["media_type"], headers={"Cache-Control": "max-age=300"})


async def health(request: Request) -> Response:
    site = request.app.state.site
    p = site.pool
    return JSONResponse({"status": "ok", "version": __version__, "workers": p.size, "waiting": p.waiting,
                         "replaced": p.replaced, "triples": p.info.get("triples"), "pids": p.pids(),
                         "clients": len(site.slots)})


async def jsonld_document(request: Request) -> Response:
    """The JSON-LD context (and frame) where their IRIs say, https://w3id.org/airm/context.jsonld: the same
    documents airm compacts and frames with offline."""
    doc = context_document_served() if request.url.path == "/context.jsonld" else frame_document()
    return Response(json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8"), media_type="application/ld+json",
                    headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=3600"})
