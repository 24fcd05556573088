"""A query worker: a child process holding its own copy of the graph, answering jobs from the web process.

Every job goes through the library's single checking path (``airm.catalog.bind_params``, ``airm.engines.run_sparql``
and ``run_stored``, with their timeout and row limit), so the server answers exactly what the CLI would. A worker
whose query ran past its deadline is replaced by the pool: Oxigraph cannot stop a running query, and the thread the
engine left behind would otherwise keep a core busy.
"""

from __future__ import annotations

import functools
import os
import re
import signal

from ..sparql_errors import caret
from . import conneg
from .jobs import (
    CoverageJob,
    ExistsJob,
    Failure,
    FigureJob,
    GraphJob,
    Job,
    Ready,
    RecordJob,
    ResultJob,
    SparqlJob,
    StoredJob,
    TermsJob,
)


def failure_of(e: BaseException) -> Failure:
    """An exception raised by a job, as the typed error the web process answers with."""
    from ..errors import (
        AirmError,
        InternalError,
        QueryError,
        QueryTimeout,
        WorkerCrashed,
    )

    if isinstance(e, AirmError):
        return Failure.of(e, recycle=isinstance(e, QueryTimeout))
    if isinstance(e, RecursionError):
        return Failure.of(QueryError("the query or its result is nested too deeply to handle",
                                     hint="flatten nested groups or blank-node chains"))
    if isinstance(e, MemoryError):
        return Failure.of(WorkerCrashed("the query needed more memory than the server allows"), recycle=True)
    return Failure.of(InternalError(f"internal error: {type(e).__name__}: {e}",
                                    hint="this is a bug in airm; please report it with the query"))


def user_position(message: str, shift: int = 0, text: str | None = None) -> str:
    """Parser positions as the user counts them. The engines take airm's prefixes as defaults rather than prepending
    PREFIX lines, so lines are the user's; only the ``BASE <...> `` put before the user's first line (``shift``
    characters, see ``with_base``) moves the columns of line 1, and shows in the quoted line above the caret: both
    are given back in the user's ``text``."""
    if not shift:
        return message
    message = re.sub(r"(error at 1:)(\d+)", lambda m: f"{m.group(1)}{max(1, int(m.group(2)) - shift)}", message)
    at = re.search(r"at line (\d+), column (\d+)", message)
    if at is None:
        return message
    line, column = int(at[1]), int(at[2]) - (shift if at[1] == "1" else 0)
    head, _, _ = message[at.end():].partition("\n")
    pointed = f"at line {line}, column {max(1, column)}{head}"
    return message[:at.start()] + pointed + ("\n" + caret(text, line, column) if text is not None else "")


def with_base(text: str, base: str | None) -> tuple[str, int]:
    """The query with the endpoint's URL as its base IRI (SPARQL 1.1 Protocol: the service defines the base, and it
    may be the endpoint), so relative IRIs such as ``<s>`` resolve; a BASE of the query's own comes later and wins.
    The base is the address the server listens on, never a client's Host header."""
    if not base:
        return text, 0
    prefix = f"BASE <{base}> "
    return prefix + text, len(prefix)


def _finish(kg, result, job: ResultJob) -> dict:
    """Choose the format (needs the result's kind), enforce the row limit, build the body or keep the rows."""
    from ..errors import InternalError, QueryError, ResultTooLarge
    from . import formats, records

    fmt = conneg.choose(result.kind, accept=job.accept, fmt=job.format, html=job.html, prefer_html=job.prefer_html)
    out = {"kind": result.kind, "format": fmt, "truncated": result.truncated, "rows": len(result)}
    if fmt == "html":
        out["result"] = result
        out["labels"] = records.labels_for(kg, records.result_iris(result))
        return out
    if result.truncated:
        what = "rows" if result.kind == "select" else "triples"
        raise ResultTooLarge(f"the result has more than {job.limit:,} {what}, the most this server returns",
                             hint="add LIMIT, narrow the query, or ask for fewer rows")
    try:
        out["body"] = formats.body(result, fmt)
    except ValueError as e:
        raise QueryError(str(e)) from None
    except InternalError as e:  # a writer refusing this result (nested too deeply, say): the query's to change
        raise QueryError(e.message, hint=e.hint) from None
    out["media_type"] = conneg.MEDIA_TYPES[fmt]
    return out


def handle(kg, job: Job):
    """The job's answer, or a ``Failure``: every failure becomes a reply, and the worker lives on unless the pool
    must recycle it."""
    try:
        return run(job, kg)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - reported to the web process, which answers the request with it
        return failure_of(e)


@functools.singledispatch
def run(job: Job, kg):
    raise TypeError(f"no worker code for {type(job).__name__}")


@run.register
def _(job: SparqlJob, kg) -> dict:
    from ..engines import run_sparql
    from ..errors import QueryError

    text, shift = with_base(job.text, job.base)
    try:
        result = run_sparql(kg, text, timeout=job.timeout, limit=job.limit)
    except QueryError as e:
        e.message = user_position(e.message, shift, job.text)
        raise
    return _finish(kg, result, job)


@run.register
def _(job: StoredJob, kg) -> dict:
    from .. import catalog
    from ..engines import run_stored

    q = catalog.get(job.name)
    bound = catalog.bind_params(kg, q, dict(job.params))
    result = run_stored(kg, q, bound, timeout=job.timeout, limit=job.limit, with_proposals=job.with_proposals)
    return _finish(kg, result, job)


@run.register
def _(job: RecordJob, kg) -> dict:
    from . import records

    return records.record(kg, job.iri, timeout=job.timeout, limit=job.limit)


@run.register
def _(job: ExistsJob, kg) -> bool:
    from . import records

    return records.exists(kg, job.iri)


@run.register
def _(job: TermsJob, kg) -> list:
    from . import records

    return records.ontology_terms(kg)


@run.register
def _(job: GraphJob, kg) -> dict:
    from ..export import serialize

    graph = kg.to_rdflib(scope=job.scope, entailments=False)
    return {"body": serialize(graph, job.format, verify=False), "media_type": conneg.MEDIA_TYPES[job.format]}


@run.register
def _(job: FigureJob, kg) -> dict:
    from .. import report

    return report.figure_bytes(kg, job.name, job.format, timeout=job.timeout)


@run.register
def _(job: CoverageJob, kg) -> dict:
    from .. import report

    return report.coverage_data(kg, timeout=job.timeout)


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
        for _name, q in sorted(catalog.catalog().items()):
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
            # in memory up to a size: a worker answers many queries, 3-9x faster than on the on-disk store
            kg = kgmod.load(workspace=workspace, files=list(files or ()), in_memory=None)
        except AirmError as e:
            conn.send(Failure.of(e))
            return
        warm_up(kg)
        conn.send(Ready(os.getpid(), len(kg)))
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
