"""A pool of query worker processes, so that no query can take the web server down.

Why processes: Oxigraph releases the GIL while it evaluates, but it cannot stop a query once started; the engine's
deadline (``airm.engines``) answers the caller on time and leaves the evaluating thread behind. In a thread pool that
thread would keep a core busy until its query ends, if ever; rdflib's parser (used to refuse updates) holds the GIL
outright. Here each query runs in a worker process, at most one job per worker at a time (bounded concurrency), and
a worker whose job overran is killed and replaced. Requests wait for a free worker in a bounded queue; when none
frees up in time, or too many are already waiting, the answer is 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import threading
import time
from dataclasses import asdict, replace

from ..errors import QueryTimeout, ServerBusy, WorkerCrashed
from . import worker
from .jobs import Failure, Job, Ready

GRACE = 5.0  # seconds past a job's own deadline before the worker is killed (the engine's deadline fires first)
START_TIMEOUT = 120.0


class WorkerFailed(Exception):
    """A worker could not start (the graph did not load, or the process died or hung on the way)."""


class WorkerSilent(Exception):
    """A job's worker gave no answer by the deadline: its query may still be running."""


class WorkerGone(Exception):
    """A job's worker process died (out of memory, most often)."""


class Worker:
    def __init__(self, ctx, workspace, files, memory_mb: int):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=worker.main, args=(child, workspace, tuple(files), memory_mb),
                                name="airm-query-worker", daemon=True)
        self.proc.start()
        child.close()
        self.jobs = 0

    def wait_ready(self, timeout: float = START_TIMEOUT) -> dict:
        if not self.conn.poll(timeout):
            self.kill()
            raise WorkerFailed(f"a query worker did not start within {timeout:g} s")
        try:
            msg = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise WorkerFailed(f"a query worker exited while starting (exit code {self.proc.exitcode})") from None
        if not isinstance(msg, Ready):
            self.kill()
            raise WorkerFailed(f"error: {msg.exception()}")
        return asdict(msg)

    def call(self, job: Job, timeout: float):
        """Send one job and wait for its reply: the answer or a ``Failure``. WorkerSilent when the deadline passed,
        WorkerGone when the worker died."""
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                raise WorkerSilent
            return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise WorkerGone from None
        finally:
            self.jobs += 1

    def kill(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


class QueryPool:
    def __init__(self, size: int, *, workspace=None, files=(), memory_mb: int = 0, max_waiting: int = 256):
        self.size = max(1, int(size))
        self.workspace = workspace
        self.files = tuple(str(f) for f in files)
        self.memory_mb = memory_mb
        self.max_waiting = max_waiting
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="airm-pool")
        self._idle: asyncio.Queue | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._workers: list[Worker] = []
        self._waiting = 0
        self._closed = False
        self.replaced = 0
        self.info: dict = {}

    # --- lifecycle --------------------------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start every worker and wait until each has loaded the graph (blocking; call from a thread)."""
        self._loop = loop
        self._idle = asyncio.Queue()
        workers = [Worker(self._ctx, self.workspace, self.files, self.memory_mb) for _ in range(self.size)]
        try:
            for w in workers:
                self.info = w.wait_ready()
        except BaseException:
            for w in workers:
                w.kill()
            raise
        self._workers = workers
        for w in workers:
            loop.call_soon_threadsafe(self._idle.put_nowait, w)

    def close(self) -> None:
        self._closed = True
        for w in list(self._workers):
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 3
        for w in list(self._workers):
            w.proc.join(max(0.0, deadline - time.monotonic()))
            w.kill()
        self._workers = []
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _replace(self, old: Worker) -> None:
        """Kill a worker and start another in the background; the pool is one short until it is ready."""
        old.kill()
        self.replaced += 1

        def spawn():
            while not self._closed:
                new = Worker(self._ctx, self.workspace, self.files, self.memory_mb)
                try:
                    new.wait_ready()
                except WorkerFailed:
                    time.sleep(1.0)
                    continue
                if self._closed:
                    new.kill()
                    return
                self._workers = [w for w in self._workers if w is not old] + [new]
                self._loop.call_soon_threadsafe(self._idle.put_nowait, new)
                return

        threading.Thread(target=spawn, name="airm-pool-respawn", daemon=True).start()

    # --- jobs -------------------------------------------------------------------------------------------------
    def pids(self) -> list[int]:
        return sorted(w.proc.pid for w in self._workers if w.proc.is_alive())

    @property
    def waiting(self) -> int:
        return self._waiting

    async def run(self, job: Job, timeout: float):
        """Run ``job`` on a free worker and return its answer; a failure is raised as its ``airm.errors`` class
        (ServerBusy when no worker frees up in time, QueryTimeout, WorkerCrashed, or the job's own error)."""
        start = time.monotonic()
        worker = await self._free_worker(timeout)
        remaining = max(0.5, round(timeout - (time.monotonic() - start), 1))
        job = replace(job, timeout=remaining if job.timeout is None else min(job.timeout, remaining))
        recycle = True
        try:
            reply = await self._loop.run_in_executor(self._executor, worker.call, job, job.timeout + GRACE)
            if isinstance(reply, Failure):
                recycle = reply.recycle
                raise reply.exception()
            recycle = False
            return reply
        except WorkerSilent:
            raise QueryTimeout(f"the request did not finish within {timeout:g} s",
                               hint="narrow the query; the server's --timeout sets the limit") from None
        except WorkerGone:
            code = worker.proc.exitcode
            raise WorkerCrashed("the query stopped its worker process"
                                + (" (out of memory?)" if code in (-6, -9, 134, 137) else f" (exit code {code})"),
                                hint="narrow the query; the server has started a new worker") from None
        finally:  # a cancelled request (the client went away) recycles too: its reply would be read by the next job
            if recycle:
                self._replace(worker)
            else:
                self._idle.put_nowait(worker)

    async def _free_worker(self, timeout: float) -> Worker:
        """The next idle worker, waiting in a bounded line for at most ``timeout`` seconds."""
        if self._waiting >= self.max_waiting:
            raise ServerBusy(f"the server is busy: {self._waiting} requests are already waiting",
                             hint="try again in a moment")
        self._waiting += 1
        try:
            return await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise ServerBusy(f"no query worker became free within {timeout:g} s",
                             hint="the server is busy with other queries; try again in a moment") from None
        finally:
            self._waiting -= 1
