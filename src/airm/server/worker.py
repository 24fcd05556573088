"""A query worker: a child process holding its own copy of the graph, answering jobs from the web process.

Every job goes through the library's single checking path (``airm.catalog.bind_params``, ``airm.engines.run_sparql``
and ``run_stored``, with their timeout and row limit), so the server answers exactly what the CLI would. A worker
whose query ran past its deadline is replaced by the pool: Oxigraph cannot stop a running query, and the thread the
engine left behind would otherwise keep a core busy.
"""

from __future__ import annotations

import functools
import os
import signal

from .. import catalog, report
from .. import kg as kgmod
from ..engines import run_sparql, run_stored
from ..errors import AirmError, InternalError, QueryError, QueryTimeout, ResultTooLarge, WorkerCrashed
from ..export import serialize
from ..isolation import limit_memory
from . import about, atlas, browsing, conneg, formats, record_parts, records
from .jobs import (
    AboutJob,
    BrowseJob,
    CoverageJob,
    ExistsJob,
    Failure,
    FigureJob,
    GraphJob,
    Job,
    MatrixJob,
    NavigatorJob,
    Ready,
    RecordJob,
    ResultJob,
    SparqlJob,
    StoredJob,
    TermsJob,
)


def failure_of(e: BaseException) -> Failure:
    """An exception raised by a job, as the typed error the web process answers with."""
    if isinstance(e, AirmError):
        return Failure.of(e, recycle=isinstance(e, QueryTimeout))
    if isinstance(e, RecursionError):
        return Failure.of(QueryError("the query or its result is nested too deeply to handle",
                                     hint="flatten nested groups or blank-node chains"))
    if isinstance(e, MemoryError):
        return Failure.of(WorkerCrashed("the query needed more memory than the server allows"), recycle=True)
    return Failure.of(InternalError(f"internal error: {type(e).__name__}: {e}",
                                    hint="this is a bug in airm; please report it with the query"))


def _finish(kg, result, job: ResultJob) -> dict:
    """Choose the format (needs the result's kind), enforce the row limit, build the body or keep the rows."""
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
    # the endpoint's URL is the base IRI (SPARQL 1.1 Protocol: the service defines the base, and it may be the
    # endpoint), so relative IRIs such as <s> resolve; a BASE of the query's own wins. It is the address the server
    # listens on, never a client's Host header. Handed to the engine, not written into the text, so error positions
    # are the user's own.
    result = run_sparql(kg, job.text, timeout=job.timeout, limit=job.limit, base=job.base or None)
    return _finish(kg, result, job)


@run.register
def _(job: StoredJob, kg) -> dict:
    q = catalog.get(job.name)
    bound = catalog.bind_params(kg, q, dict(job.params))
    result = run_stored(kg, q, bound, timeout=job.timeout, limit=job.limit, with_proposals=job.with_proposals)
    return _finish(kg, result, job)


@run.register
def _(job: RecordJob, kg) -> dict:
    return record_parts.enrich(kg, records.record(kg, job.iri, timeout=job.timeout, limit=job.limit))


@run.register
def _(job: ExistsJob, kg) -> bool:
    return records.exists(kg, job.iri)


@run.register
def _(job: TermsJob, kg) -> list:
    return records.ontology_terms(kg)


@run.register
def _(job: GraphJob, kg) -> dict:
    graph = kg.to_rdflib(scope=job.scope, entailments=False)
    return {"body": serialize(graph, job.format, verify=False), "media_type": conneg.MEDIA_TYPES[job.format]}


@run.register
def _(job: FigureJob, kg) -> dict:
    return report.figure_bytes(kg, job.name, job.format, timeout=job.timeout)


@run.register
def _(job: CoverageJob, kg) -> dict:
    return report.coverage_data(kg, timeout=job.timeout)


@run.register
def _(job: BrowseJob, kg) -> dict:
    return browsing.browse_page(kg, job)


@run.register
def _(job: NavigatorJob, kg) -> dict:
    return browsing.navigator(kg)


@run.register
def _(job: MatrixJob, kg) -> list:
    return atlas.matrix(kg)


@run.register
def _(job: AboutJob, kg) -> list:
    return about.sources(kg, job.workspace)


def warm_up(kg) -> None:
    """Run each kind of job once on tiny inputs before saying ready: the imports and first-use costs (rdflib's SPARQL
    parser, which checks every free query, the serializers) are paid here, while the pool is one worker short anyway,
    rather than by the first request a new worker answers. Also makes a fresh worker's memory that of a working one.
    Never fatal: a failure here only means the first request pays instead."""
    try:
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


def _build_browse_index(kg) -> None:
    """The browser's index is built before the worker says ready, so no page request pays for it."""
    try:
        from ..browse import browse_index

        browse_index(kg)
    except Exception:  # noqa: BLE001 - built again (and failing visibly) on the first page that needs it
        pass


def main(conn, workspace, files, memory_mb: int) -> None:
    """The worker's loop: load the graph, say ready, answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    limit_memory(memory_mb)
    try:
        try:
            # in memory up to a size: a worker answers many queries, 3-9x faster than on the on-disk store
            kg = kgmod.load(workspace=workspace, files=list(files or ()), in_memory=None)
        except AirmError as e:
            conn.send(Failure.of(e))
            return
        warm_up(kg)
        _build_browse_index(kg)
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
