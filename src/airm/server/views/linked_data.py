"""Linked data: a page or an RDF description for each of our IRIs (``/id/...``), for any IRI the graph knows
(``/resource?iri=``), and the ontology, with the format negotiated on Accept or named by a file suffix."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...errors import AirmError, BadFormat, NotFound, UserError
from ...namespaces import AIRM, AIRM_ID, ONTOLOGY_IRI
from .. import conneg
from ..browsing import page_url
from ..jobs import ExistsJob, GraphJob, RecordJob, StoredJob, TermsJob
from ..respond import data_response, show_errors_as, valid_iri, wants_html
from ..web import href
from .browse import risk_mitigations

RDF_SUFFIXES = {".ttl": "ttl", ".jsonld": "jsonld", ".nt": "nt", ".rdf": "rdfxml"}
OFFERED = ["html", "ttl", "jsonld", "nt", "rdfxml"]


class InvalidIri(UserError):
    """A resource asked for by a string that is not an IRI."""


class InvalidIdPath(InvalidIri):
    """An ``/id/`` address that makes no IRI: no such page, though the request is what is wrong."""

    http_status = 404


async def resource_page(request: Request, iri: str, forced: str | None = None) -> Response:
    """``iri`` as a page (HTML) or its description in an RDF syntax (``forced`` by a file suffix, or negotiated)."""
    site = request.app.state.site
    show_errors_as(request, html=wants_html(request))
    if not valid_iri(iri):
        raise (InvalidIdPath if iri.startswith(AIRM_ID) else InvalidIri)(f"<{iri}> is not a valid IRI")
    show_errors_as(request, html=False)
    fmt = forced or resource_format(request)
    if fmt == "html":
        show_errors_as(request, html=True)
        rec = await site.run(RecordJob(iri=iri, limit=site.config.html_rows))
        if not rec["exists"]:
            return site.page("error.html", request, status=404, title="Not in the graph", kind="not-found",
                             message=f"the graph says nothing about <{iri}>", iri=iri)
        resp = site.page("record.html", request, title=rec["label"] or rec["curie"], rec=rec, page_url=page_url,
                         risk_list=await risk_mitigations(site, rec))
        resp.headers["Vary"] = "Accept"
        return resp
    if not await site.run(ExistsJob(iri=iri)):
        raise NotFound(f"the graph says nothing about <{iri}>")
    return data_response(await site.run(StoredJob(name="describe-entity", params={"entity": iri}, format=fmt)))


def resource_format(request: Request) -> str:
    if "format" in request.query_params:
        fmt = conneg.normalise_format(request.query_params["format"])
        if fmt not in ("html",) + conneg.GRAPH_FORMATS:
            raise BadFormat(f"a resource is given as html, {', '.join(conneg.GRAPH_FORMATS)}")
        return fmt
    return conneg.negotiate(request.headers.get("accept"), OFFERED)


async def id_page(request: Request) -> Response:
    """``/id/PATH``; ``/id/PATH.ttl`` (or another RDF suffix) is PATH in that syntax, unless PATH.ttl is a resource."""
    path = request.path_params["path"]
    iri = AIRM_ID + path
    for suffix, fmt in RDF_SUFFIXES.items():
        if path.endswith(suffix):
            try:
                known = await request.app.state.site.run(ExistsJob(iri=iri))
            except AirmError:
                continue  # as if unknown to the graph: the page for the whole path answers, or says why not
            if not known:
                return await resource_page(request, AIRM_ID + path[: -len(suffix)], forced=fmt)
    return await resource_page(request, iri)


async def any_resource(request: Request) -> Response:
    iri = request.query_params.get("iri", "").strip()
    if not iri:
        show_errors_as(request, html=wants_html(request))
        raise UserError("give the resource as ?iri=...")
    if iri.startswith(AIRM_ID):
        return RedirectResponse(href(iri), status_code=301)
    return await resource_page(request, iri)


async def ontology(request: Request) -> Response:
    site = request.app.state.site
    show_errors_as(request, html=False)
    suffix = request.path_params.get("suffix")
    if suffix:
        fmt = RDF_SUFFIXES.get("." + suffix)
        if fmt is None:
            raise NotFound(f"no ontology file .{suffix}")
    else:
        fmt = conneg.negotiate(request.headers.get("accept"), OFFERED)
    if fmt != "html":
        return data_response(await site.run(GraphJob(scope="ontology", format=fmt)))
    show_errors_as(request, html=True)
    terms = await site.run(TermsJob())
    return site.page("ontology.html", request, title="The airm ontology", terms=terms, ontology_iri=ONTOLOGY_IRI,
                     airm=AIRM)
