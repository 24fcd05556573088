"""The ATLAS tactic × technique matrix (``/atlas/matrix``): tactics as columns in the matrix's order, the
techniques under them, sub-techniques folded; every cell links to its record page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..jobs import MatrixJob
from ..respond import show_errors_as


async def matrix(request: Request) -> Response:
    site = request.app.state.site
    show_errors_as(request, html=True)
    tactics = await site.run(MatrixJob())
    techniques = sum(len(t["techniques"]) for t in tactics)
    subs = len({s["iri"] for t in tactics for tech in t["techniques"] for s in tech["subs"]})
    return site.page("atlas_matrix.html", request, title="MITRE ATLAS matrix", tactics=tactics,
                     techniques=techniques, subs=subs)
