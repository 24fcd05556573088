"""What every view shares: the configuration, the worker pool, the page templates, the per-client slots for free
SPARQL, and the answers worth keeping (coverage figures). One ``Site`` per app, at ``request.app.state.site``."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from starlette.requests import Request
from starlette.responses import HTMLResponse

from ..version import __version__
from .jobs import Job
from .web import environment


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
        except TimeoutError:
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


class Site:
    def __init__(self, config, pool=None):
        self.config = config
        self.pool = pool  # started by the app's lifespan when not given (tests may pass their own)
        self.slots = ClientSlots(config.client_queries)
        self.env = environment()
        self.env.globals.update(version=__version__, config=config)
        self.figures: dict[tuple, dict] = {}  # (name, format) -> body and media type: the graph does not change
        self.coverage: dict | None = None
        self.kept: dict[str, bytes] = {}  # pages that are the same for every request on this graph (the navigator)

    def page(self, name: str, request: Request, status: int = 200, **ctx) -> HTMLResponse:
        body = self.env.get_template(name).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(body, status_code=status)

    async def run(self, job: Job, *, timeout: float | None = None):
        """``job``'s answer from a worker, within ``timeout`` (never past --timeout) and --limit rows unless the job
        names fewer; a failure is raised as its ``airm.errors`` class."""
        seconds = self.config.timeout if timeout is None else min(timeout, self.config.timeout)
        job = replace(job, timeout=seconds, limit=self.config.limit if job.limit is None else job.limit)
        return await self.pool.run(job, seconds)
