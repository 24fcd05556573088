"""The web face of airm: a SPARQL 1.1 Protocol endpoint, the query catalog over HTTP, linked-data pages for our
IRIs, a mitigation browser and coverage pictures. A thin layer: every query goes to a worker process (pool.py),
which checks and runs it with the same library calls as the CLI (``airm.catalog``, ``airm.engines``).

This module only assembles the app: the routes (the views live in ``views/``), the one exception handler that turns
an ``airm.errors`` exception into its response, the worker pool's lifespan, and the middleware.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import AirmError
from .middleware import SECURITY_HEADERS, Guard
from .pool import QueryPool
from .respond import answer_error
from .site import Site
from .views import about, assets, atlas, browse, catalog, linked_data, pages, sparql
from .web import HERE

__all__ = ["SECURITY_HEADERS", "ServerConfig", "create_app"]


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


ROUTES = [
    Route("/", pages.home),
    Route("/context.jsonld", pages.jsonld_document),
    Route("/frame.jsonld", pages.jsonld_document),
    Route("/search", pages.search),
    Route("/mitigations", browse.mitigations),
    Route("/risks", browse.risks),
    Route("/coverage", pages.coverage),
    Route("/coverage/{name}.{ext}", pages.figure),
    Route("/queries", catalog.queries_list),
    Route("/queries/{name}", catalog.query_run),
    Route("/query", sparql.editor),
    Route("/query/{name}", catalog.query_iri),
    Route("/sparql", sparql.sparql, methods=["GET", "POST"]),
    Route("/id/{path:path}", linked_data.id_page),
    Route("/resource", linked_data.any_resource),
    Route("/ontology", linked_data.ontology),
    Route("/ontology.{suffix}", linked_data.ontology),
    Route("/health", pages.health),
    Route("/atlas/matrix", atlas.matrix),
    Route("/about", about.about_list),
    Route("/about/{name}", about.about_source),
    Route("/favicon.ico", assets.favicon),
    Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
]


def create_app(config: ServerConfig, pool=None):
    """The ASGI app: Starlette with the routes, wrapped in the middleware. Starts the worker pool (unless one is
    given) when the server starts, and closes it when the server stops."""
    site = Site(config, pool)

    @asynccontextmanager
    async def lifespan(app):
        if site.pool is None:
            started = QueryPool(config.workers, workspace=config.workspace, files=config.files,
                                memory_mb=config.memory_mb, max_waiting=config.max_waiting)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, started.start, loop)
            site.pool = started
        on_ready = config.extra.get("on_ready")
        if on_ready:
            on_ready(site.pool)
        try:
            yield
        finally:
            site.pool.close()

    app = Starlette(routes=ROUTES, lifespan=lifespan,
                    exception_handlers={AirmError: answer_error, 404: answer_error, 405: answer_error})
    app.state.site = site
    return Guard(app)
