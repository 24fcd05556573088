""""About this data": the imported sources (``/about``) and one page per source (``/about/NAME``) with its version,
licence, origin, counts and link coverage."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...errors import NotFound
from ..jobs import AboutJob
from ..respond import show_errors_as


async def _sources(request: Request) -> list[dict]:
    site = request.app.state.site
    return await site.run(AboutJob(workspace=site.config.workspace))


async def about_list(request: Request) -> Response:
    show_errors_as(request, html=True)
    found = await _sources(request)
    return request.app.state.site.page("about.html", request, title="About this data", sources=found)


async def about_source(request: Request) -> Response:
    show_errors_as(request, html=True)
    name = request.path_params["name"]
    found = {s["name"]: s for s in await _sources(request)}
    if name not in found:
        raise NotFound(f"no imported source named {name!r}",
                       hint="the imported sources are listed at /about")
    source = found[name]
    return request.app.state.site.page("about_source.html", request, title=f"About {source['title']}",
                                       source=source)
