"""Run one query in a child process with a memory cap and a deadline the child cannot ignore: the CLI's bound, as
``airm serve``'s worker processes are the server's.

In-process deadlines are threads, and two things defeat them: rdflib evaluates a REGEX with Python's ``re``, which
holds the interpreter lock for as long as a catastrophic pattern backtracks, so the waiting thread never wakes; and
Oxigraph, out of memory, aborts the whole process from Rust. A forked child (forked before the graph is opened, while
the CLI is single-threaded) loads the graph, caps its address space and runs the query; the parent waits for the
query's deadline plus a grace and kills the child past it, and names what happened when the child dies.
"""

from __future__ import annotations

import os
import signal
import sys

from .errors import AirmError, QueryError, QueryTimeout

DEFAULT_MEMORY_MB = 4096
MAX_MEMORY_MB = 1 << 30  # a petabyte: more does not fit the address-space limit (setrlimit overflows past 2**64 bytes)
GRACE = 2.0  # seconds past the query's own deadline (which fires first when it can) before the child is killed


def run_in_child(work, *, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB, label: str = "the query",
                 meanwhile=None):
    """``work(ready)`` in a forked child, returning its (picklable) value; ``ready()`` starts the deadline (call it
    once the graph is loaded). Without fork (Windows), ``work`` runs here, bounded by the engine's own deadline.
    ``meanwhile()``, when given, runs here while the child works (the CLI says which workspace and imports its table
    renderer then: on two cores that time is not added to the command's); without a child, before ``work``."""
    import multiprocessing

    if not 0 <= memory_mb <= MAX_MEMORY_MB:  # checked here: in the child it could only end as a crash
        raise QueryError(f"--memory must be between 0 (no cap) and {MAX_MEMORY_MB:,} MB, not {memory_mb:,}",
                         hint=f"e.g. --memory {DEFAULT_MEMORY_MB}")
    if not hasattr(os, "fork") or not _single_threaded():
        if meanwhile is not None:  # here there is no "while": before, so that what it says still comes first
            meanwhile()
        return work(lambda: None)
    import tempfile

    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered before the fork may be written twice
    with tempfile.TemporaryFile() as errors:
        proc = ctx.Process(target=_child, args=(child, work, memory_mb, errors.fileno()), name="airm-query",
                           daemon=True)
        proc.start()
        child.close()
        try:
            if meanwhile is not None:
                meanwhile()
            return _wait(parent, proc, timeout=timeout, memory_mb=memory_mb, label=label)
        finally:
            parent.close()
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            _relay(errors, proc.exitcode)


def _single_threaded() -> bool:
    """Whether this process runs a single OS thread. A fork copies only the calling thread, so a lock held by any
    other (Python's, or a native library's: RocksDB's background threads, rayon's pool) is never released in the
    child, which then hangs (seen: a test process that had opened Oxigraph stores forked a child that waited forever
    in its first bulk load). The CLI forks before it opens anything; a caller that already runs threads (a notebook,
    a test process, a server) runs the query here, under the engine's own deadline."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        import threading

        return threading.active_count() == 1


def _relay(errors, exitcode) -> None:
    """What the child wrote to stderr (warnings), unless it died: then it is Rust's allocation-failure noise, and
    the parent's own message says what happened."""
    if exitcode != 0:
        return
    errors.seek(0)
    text = errors.read().decode("utf-8", "replace")
    if text:
        sys.stderr.write(text)


def _wait(conn, proc, *, timeout: float, memory_mb: int, label: str):
    started = False
    while True:
        # loading the graph has no deadline of its own here (it is bounded where it happens); the query has
        if not conn.poll(None if not started else timeout + GRACE):
            raise QueryTimeout(f"{label} did not finish within {timeout:g} s", hint="narrow it, or raise --timeout")
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            proc.join(5)
            raise _died(proc.exitcode, memory_mb, label) from None
        if kind == "started":
            started = True
            continue
        if kind == "ok":
            return payload
        raise _rebuilt(payload, memory_mb, label)


def _child(conn, work, memory_mb: int, errors_fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child with the parent
    os.dup2(errors_fd, 2)  # the parent relays it (see _relay)
    import pickle

    # pickled before the cap: under it, even pickling this reply can fail (seen at --memory 1), killing the child
    memory_reply = pickle.dumps(("error", ("memory", None, None, None)))
    limit_memory(memory_mb)
    try:
        value = work(lambda: conn.send(("started", None)))
        conn.send(("ok", value))
    except MemoryError:
        conn.send_bytes(memory_reply)
    except ImportError as e:  # a module's shared library cannot be mapped under the cap: memory too, not a bug
        out_of_memory = memory_mb > 0 and "failed to map segment" in str(e)
        failure = ("memory", None, None, None) if out_of_memory else ("bug", None, f"ImportError: {e}", None)
        conn.send(("error", failure))
    except AirmError as e:
        conn.send(("error", ("airm", type(e), e.message, e.hint)))
    except BaseException as e:  # a bug: the parent reports it as one
        conn.send(("error", ("bug", None, f"{type(e).__name__}: {e}", None)))
    finally:
        conn.close()


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (0: no cap); ``airm serve``'s workers are capped the same way."""
    if megabytes <= 0:
        return
    try:
        import resource

        cap = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the deadline still bounds a runaway query's time


def _rebuilt(payload, memory_mb: int, label: str) -> Exception:
    """The child's error as the parent raises it (exception classes pickle without their hints)."""
    what, cls, message, hint = payload
    if what == "memory":
        return _memory_error(memory_mb, label)
    if what == "bug":
        return RuntimeError(message)
    error = cls.__new__(cls)
    AirmError.__init__(error, message, hint=hint)
    return error


def _died(exitcode, memory_mb: int, label: str) -> Exception:
    if exitcode in (-signal.SIGABRT, -signal.SIGKILL):  # Rust's answer to a failed allocation; the OOM killer's
        return _memory_error(memory_mb, label)
    return RuntimeError(f"the process running {label} exited unexpectedly (exit code {exitcode})")


def _memory_error(memory_mb: int | None, label: str = "the query") -> QueryError:
    cap = f" ({memory_mb:,} MB, --memory)" if memory_mb else ""
    return QueryError(f"{label} needed more memory than airm allows a query{cap} and was stopped",
                      hint="narrow it (a cross product or a large ORDER BY/DISTINCT), or raise --memory")
