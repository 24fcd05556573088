"""A query worker: a child process holding its own copy of the graph, answering jobs from the web process.

Every job goes through the library's single checking path (``airm.catalog.bind_params``, ``airm.engines.run_sparql``
and ``run_stored``, with their timeout and row limit), so the server answers exactly what the CLI would. A worker
whose query ran past its deadline is replaced by the pool: Oxigraph cannot stop a running query, and the thread the
engine left behind would otherwise keep a core busy.
"""

from __future__ import annotations

import os
import re
import signal

from . import conneg

# error kind -> HTTP status (the web process reads only these fields of an error reply)
STATUS = {
    "timeout": 503,
    "busy": 503,
    "crashed": 503,
    "update-refused": 403,
    "syntax": 400,
    "bad-request": 400,
    "bad-format": 400,
    "result-too-large": 400,
    "not-acceptable": 406,
    "not-found": 404,
    "internal": 500,
}


class ResultTooLarge(Exception):
    pass


def error_reply(kind: str, message: str, hint: str | None = None, *, recycle: bool = False) -> tuple:
    text = message if not hint else f"{message}\n  hint: {hint}"
    return ("error", {"kind": kind, "status": STATUS[kind], "message": text, "recycle": recycle})


def classify(e: BaseException) -> tuple:
    """An exception raised by a job, as the reply the web process turns into a status and a readable body."""
    from ..errors import AirmError, QueryError, QueryTimeout

    if isinstance(e, QueryTimeout):
        return error_reply("timeout", e.message, e.hint, recycle=True)
    if isinstance(e, conneg.NotAcceptable):
        return error_reply("not-acceptable", str(e))
    if isinstance(e, conneg.BadFormat):
        return error_reply("bad-format", str(e))
    if isinstance(e, ResultTooLarge):
        return error_reply("result-too-large", str(e), "add LIMIT, narrow the query, or ask for fewer rows")
    if isinstance(e, QueryError):
        msg = e.message
        if msg.startswith("updates "):
            kind = "update-refused"
        elif msg.startswith("no stored query named"):
            kind = "not-found"
        elif "syntax error" in msg.lower() or "cannot be parsed" in msg or "could not be parsed" in msg:
            kind = "syntax"
        else:
            kind = "bad-request"
        return error_reply(kind, msg, e.hint)
    if isinstance(e, AirmError):
        return error_reply("bad-request", e.message, e.hint)
    if isinstance(e, RecursionError):
        return error_reply("bad-request", "the query or its result is nested too deeply to handle",
                           "flatten nested groups or blank-node chains")
    if isinstance(e, MemoryError):
        return error_reply("crashed", "the query needed more memory than the server allows", recycle=True)
    return error_reply("internal", f"internal error: {type(e).__name__}: {e}",
                       "this is a bug in airm; please report it with the query")


def user_position(message: str, shift: int = 0) -> str:
    """Parser positions as the user counts them. The engines take airm's prefixes as defaults rather than prepending
    PREFIX lines, so lines are the user's; only the ``BASE <...> `` put before the user's first line (``shift``
    characters, see ``with_base``) moves the columns of line 1."""
    if not shift:
        return message
    return re.sub(r"(error at 1:)(\d+)", lambda m: f"{m.group(1)}{max(1, int(m.group(2)) - shift)}", message)


def with_base(text: str, base: str | None) -> tuple[str, int]:
    """The query with the endpoint's URL as its base IRI (SPARQL 1.1 Protocol: the service defines the base, and it
    may be the endpoint), so relative IRIs such as ``<s>`` resolve; a BASE of the query's own comes later and wins.
    The base is the address the server listens on, never a client's Host header."""
    if not base:
        return text, 0
    prefix = f"BASE <{base}> "
    return prefix + text, len(prefix)


def _finish(kg, result, job: dict) -> dict:
    """Choose the format (needs the result's kind), enforce the row limit, build the body or keep the rows."""
    from . import formats, records

    fmt = conneg.choose(result.kind, accept=job.get("accept"), fmt=job.get("format"), html=job.get("html", False),
                        prefer_html=job.get("prefer_html", False))
    out = {"kind": result.kind, "format": fmt, "truncated": result.truncated, "rows": len(result)}
    if fmt == "html":
        out["result"] = result
        out["labels"] = records.labels_for(kg, records.result_iris(result))
        return out
    if result.truncated:
        what = "rows" if result.kind == "select" else "triples"
        raise ResultTooLarge(f"the result has more than {job['limit']:,} {what}, the most this server returns")
    try:
        out["body"] = formats.body(result, fmt)
    except ValueError as e:
        from ..errors import QueryError

        raise QueryError(str(e)) from None
    out["media_type"] = conneg.MEDIA_TYPES[fmt]
    return out


def handle(kg, job: dict) -> tuple:
    op = job.get("op")
    try:
        if op == "ping":
            return ("ok", {"pid": os.getpid(), "triples": len(kg)})
        if op == "sparql":
            from ..engines import run_sparql
            from ..errors import QueryError

            text, shift = with_base(job["text"], job.get("base"))
            try:
                result = run_sparql(kg, text, timeout=job["timeout"], limit=job["limit"])
            except QueryError as e:
                e.message = user_position(e.message, shift)
                raise
            return ("ok", _finish(kg, result, job))
        if op == "stored":
            from .. import catalog
            from ..engines import run_stored

            q = catalog.get(job["name"])
            bound = catalog.bind_params(kg, q, job.get("params") or {})
            result = run_stored(kg, q, bound, timeout=job["timeout"], limit=job["limit"])
            return ("ok", _finish(kg, result, job))
        if op == "record":
            from . import records

            return ("ok", records.record(kg, job["iri"], timeout=job["timeout"], limit=job["limit"]))
        if op == "exists":
            from . import records

            return ("ok", records.exists(kg, job["iri"]))
        if op == "terms":
            from . import records

            return ("ok", records.ontology_terms(kg))
        if op == "graph":
            return ("ok", _graph_export(kg, job["scope"], job["format"]))
        if op == "figure":
            from .. import report

            return ("ok", report.figure_bytes(kg, job["name"], job["format"], timeout=job["timeout"]))
        if op == "coverage":
            from .. import report

            return ("ok", report.coverage_data(kg, timeout=job["timeout"]))
        return error_reply("internal", f"internal error: unknown job {op!r}")
    except BaseException as e:  # every failure becomes a reply: the worker lives on unless it must be recycled
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return classify(e)


def _graph_export(kg, scope: str, fmt: str) -> dict:
    from ..export import serialize

    graph = kg.to_rdflib(scope=scope, entailments=False)
    return {"body": serialize(graph, fmt, verify=False), "media_type": conneg.MEDIA_TYPES[fmt]}


def warm_up(kg) -> None:
    """Run each kind of job once on tiny inputs before saying ready: the imports and first-use costs (rdflib's SPARQL
    parser, which checks every free query, the serializers) are paid here, while the pool is one worker short anyway,
    rather than by the first request a new worker answers. Also makes a fresh worker's memory that of a working one.
    Never fatal: a failure here only means the first request pays instead."""
    from . import formats

    try:
        from .. import catalog
        from ..engines import run_sparql, run_stored

        run_sparql(kg, "ASK { ?s ?p ?o }", timeout=30, limit=1)
        for name, q in sorted(catalog.catalog().items()):
            example = {p.name: p.example for p in q.params.values() if p.example is not None}
            if example:
                run_stored(kg, q, catalog.bind_params(kg, q, example), timeout=30, limit=5)
                break
        table = run_sparql(kg, "SELECT * WHERE { ?s ?p ?o } LIMIT 3", timeout=30, limit=3)
        graph = run_sparql(kg, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", timeout=30, limit=3)
        for fmt in conneg.TABLE_FORMATS:
            formats.body(table, fmt)
        for fmt in conneg.GRAPH_FORMATS:
            formats.body(graph, fmt)
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass


def main(conn, workspace, files, memory_mb: int) -> None:
    """The worker's loop: load the graph, say ready, answer jobs until the pipe closes."""
    from ..isolation import limit_memory

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    limit_memory(memory_mb)
    try:
        from .. import kg as kgmod
        from ..errors import AirmError

        try:
            kg = kgmod.load(workspace=workspace, files=list(files or ()))
        except AirmError as e:
            conn.send(("failed", f"error: {e}"))
            return
        warm_up(kg)
        conn.send(("ready", {"pid": os.getpid(), "triples": len(kg)}))
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            conn.send(handle(kg, job))
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        return
