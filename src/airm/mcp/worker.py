"""The process that answers tool calls, and its supervisor in the server process.

Why a process: Oxigraph cannot stop a query once it runs, and the engine's own deadline only stops waiting for it.
The MCP server runs an event loop and threads, so it cannot fork per call the way the CLI does (airm.isolation);
instead one spawned worker holds the graph, under the CLI's memory cap, and answers one call at a time. A call that
overruns its deadline (plus a grace) gets a timeout answer, and the worker is killed and started afresh: a cross
product is stopped within its limit, not merely abandoned.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time

from .. import kg as kgmod
from ..errors import AirmError, UserError
from ..isolation import limit_memory
from .answers import answer, error_answer

GRACE = 3.0  # seconds past a call's deadline (the engine's own fires first when it can) before the worker is killed
START_TIMEOUT = 300.0


class WorkerFailed(Exception):
    pass


def main(conn, workspace, memory_mb: int) -> None:
    """The worker's loop: load the graph, say ready, answer jobs until the pipe closes."""
    os.dup2(2, 1)  # stdout carries the protocol in the parent: nothing here may write to it
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker ends
    limit_memory(memory_mb)
    try:
        graph = kgmod.load(workspace=workspace)
    except AirmError as e:
        conn.send(("failed", str(e), e.hint))
        return
    conn.send(("ready", len(graph), None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        conn.send(handle(graph, workspace, job))


def handle(graph, workspace, job: dict) -> dict:
    try:
        if job["op"] == "tool":
            return answer(graph, job["tool"], job["args"], timeout=job["timeout"], limit=job["limit"],
                          query=job.get("query"))
        if job["op"] == "resource":
            from .resources import read_dynamic

            return {"text": read_dynamic(graph, workspace, job["uri"]), "error": False}
        return error_answer(f"unknown job {job['op']!r}")
    except MemoryError:
        return error_answer("the call needed more memory than airm allows a query (--memory)",
                            "narrow it (a cross product or a large ORDER BY/DISTINCT)", recycle=True)
    except RecursionError:
        return error_answer("the query or its result is nested too deeply to handle", "flatten nested groups")
    except Exception as e:  # noqa: BLE001 - a bug must not end the worker; the log line and answer name it
        return error_answer(f"internal error: {type(e).__name__}: {e}", "this is a bug in airm; please report it")


class Supervisor:
    """Starts the worker, sends it one job at a time, and replaces it when a job overruns or it dies."""

    def __init__(self, workspace=None, memory_mb: int = 4096):
        self.workspace = workspace
        self.memory_mb = memory_mb
        self._ctx = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self._lock = threading.Lock()
        self._proc = None
        self._conn = None
        self.triples = 0
        self.restarts = 0

    def start(self) -> None:
        """Start the worker and wait until it has loaded the graph; a broken workspace raises here."""
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=main, args=(child, self.workspace, self.memory_mb), name="airm-mcp-worker",
                                 daemon=True)
        proc.start()
        child.close()
        if not parent.poll(START_TIMEOUT):
            proc.kill()
            raise WorkerFailed(f"the query worker did not load the graph within {START_TIMEOUT:g} s")
        try:
            kind, value, hint = parent.recv()
        except (EOFError, OSError):
            proc.join(5)
            raise WorkerFailed(f"the query worker exited while loading the graph (exit code {proc.exitcode})") from None
        if kind != "ready":
            proc.join(5)
            raise UserError(value, hint=hint)
        self._proc, self._conn, self.triples = proc, parent, value

    def call(self, job: dict, timeout: float) -> dict:
        """The worker's answer to ``job``, or an error answer when it overran ``timeout`` or died."""
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._restart()
            started = time.monotonic()
            try:
                self._conn.send(job)
                if self._conn.poll(timeout + GRACE):
                    reply = self._conn.recv()
                    if reply.get("structured", {}).pop("recycle", False):  # out of memory: start afresh
                        self._kill()
                    return reply
                overran = True
            except (EOFError, OSError):
                overran = False
            code = self._proc.exitcode
            self._kill()
            if overran:
                return error_answer(f"the call did not finish within {timeout:g} s and was stopped",
                                    "narrow it (a parameter, a LIMIT, fewer joins); the deadline is airm mcp "
                                    "--timeout", stopped_after=round(time.monotonic() - started, 1))
            return error_answer("the query stopped its worker process"
                                + (" (out of memory?)" if code in (-6, -9, 134, 137) else f" (exit code {code})"),
                                "narrow the query; a new worker has been started")

    def _restart(self) -> None:
        self._kill()
        self.restarts += 1
        self.start()

    def _kill(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
        self._proc = self._conn = None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except OSError:
                    pass
                self._proc.join(3)
            self._kill()
