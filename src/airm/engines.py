"""Run SPARQL on an engine: the embedded Oxigraph store (default), rdflib (the reference) or any SPARQL 1.1 endpoint
(``engine="endpoint"``, ``endpoint=URL``; see endpoint.py), under a deadline and a row cap. Parameters are bound as
RDF terms (Oxigraph substitutions, rdflib initBindings), never pasted into text.
"""

from __future__ import annotations

import functools
import re
import threading
import traceback  # at import: the except path below may run out of memory, where an import could fail

import pyoxigraph as ox

from .bounds import check_bounds
from .errors import QueryError, QuerySyntaxError, QueryTimeout, shown
from .namespaces import prefixes, sparql_prologue
from .query_checks import check_query, check_size
from .query_store import has_proposals, store_for
from .results import QueryResult, term_from_ox, term_from_rdflib
from .sparql.binding import bind_values, parameter_problem
from .sparql.text import VARIABLE_NAME
from .sparql_errors import pointed

ENGINES = ("oxigraph", "rdflib", "endpoint")


def run_stored(kg, query, bound: dict, *, engine: str | None = None, timeout: float | None = None,
               limit: int | None = None, endpoint: str | None = None, with_proposals: bool = False) -> QueryResult:
    return _run(kg, query.text, bound, engine=engine, timeout=timeout, limit=limit, label=f"query {query.name!r}",
                endpoint=endpoint, with_proposals=with_proposals)


def run_sparql(kg, text: str, *, timeout: float | None = None, limit: int | None = None, engine: str | None = None,
               allow_service: bool = False, bindings: dict | None = None, endpoint: str | None = None,
               with_proposals: bool = False, base: str | None = None) -> QueryResult:
    """An ad-hoc read-only query: updates are refused, and SERVICE unless ``allow_service``.

    airm's declared prefixes (ontology/prefixes.ttl) are available without PREFIX lines; the query's own win.
    ``base`` resolves relative IRIs (a BASE in the query wins); the local engines take it beside the text.
    """
    check_size(text)
    engine = _pick_engine(engine, endpoint)
    if engine == "endpoint":
        # a remote store knows none of our prefixes, nor the base: both written before the text
        text = (f"BASE <{base}>\n" if base else "") + sparql_prologue() + text
    # the local engines take the prefixes and base beside the text, so error positions stay those of the user's text
    checked = check_query(text, allow_service=allow_service, engine=engine, base=base)
    check_bindings(checked.text, bindings or {})
    return _run(kg, checked.text, bindings or {}, engine=engine, timeout=timeout, limit=limit, label="the query",
                endpoint=endpoint, dataset_clause=checked.dataset_clause, with_proposals=with_proposals, base=base)


def check_bindings(text: str, bindings: dict) -> None:
    """Ad-hoc bindings get the checks stored parameters get when the catalog loads: rdflib silently ignores a name
    the query does not use or assigns with BIND/AS, and a plain string where a term is meant matches nothing."""
    for name, value in bindings.items():
        if not isinstance(name, str) or not VARIABLE_NAME.fullmatch(name):
            raise QueryError(f"binding {shown(name)} is not a SPARQL variable name", hint="give names without the '?'")
        problem = parameter_problem(text, name)
        if problem is not None:
            raise QueryError(f"binding ?{name}: {problem[0]}", hint=problem[1])
        if not isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            raise QueryError(f"binding ?{name} must be an RDF term (pyoxigraph NamedNode, Literal or BlankNode), "
                             f"not {type(value).__name__}",
                             hint="e.g. bindings={'x': pyoxigraph.NamedNode('https://...')} "
                                  "or pyoxigraph.Literal('text')")


def _pick_engine(engine: str | None, endpoint: str | None) -> str:
    """``endpoint`` implies the endpoint engine; no engine and no endpoint means the embedded Oxigraph store."""
    if endpoint is not None:
        if engine not in (None, "endpoint"):
            raise QueryError(f"an endpoint URL and --engine {engine} exclude each other",
                             hint="drop --engine to query the endpoint, or drop --endpoint to query locally")
        return "endpoint"
    if engine == "endpoint":
        raise QueryError("the endpoint engine needs the endpoint's URL", hint="pass --endpoint URL")
    return engine or "oxigraph"


def _run(kg, text: str, bound: dict, *, engine: str | None, timeout: float | None, limit: int | None, label: str,
         endpoint: str | None = None, dataset_clause: bool = False, with_proposals: bool = False,
         base: str | None = None):
    engine = _pick_engine(engine, endpoint)
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}", hint=f"use one of {', '.join(ENGINES)}")
    timeout, limit = check_bounds(timeout, limit)
    if engine == "oxigraph" and bound:
        # bound by a VALUES block at the start of the WHERE group, terms written by pyoxigraph: Oxigraph plans
        # property paths from VALUES but not from substitutions (1.7 s against 3 ms on a 100k-triple graph).
        # Done here, not in the worker thread: the analysis makes garbage whose collection must stay on this thread.
        try:
            text, bound = bind_values(text, bound, verify=False), {}
        except QueryError:
            pass  # VALUES would not be equivalent in this query: Oxigraph's substitutions (bound before evaluation)
    # FROM / FROM NAMED select the dataset on Oxigraph: the union default graph only when the query names none
    runner = {"oxigraph": functools.partial(_run_oxigraph, union=not dataset_clause), "rdflib": _run_rdflib}.get(engine)
    if runner is not None:  # classification proposals are read only when asked for
        runner = functools.partial(runner, with_proposals=with_proposals, base=base)
    join_timeout = timeout
    if engine == "endpoint":
        from .sparql.client import check_url

        url = check_url(endpoint)
        label = f"{label} on the SPARQL endpoint {url}"
        join_timeout = timeout + 2.0  # the HTTP client's own deadline (naming the endpoint) fires first
        runner = _endpoint_runner(url, timeout)
    box: dict = {}
    deadline_hit = threading.Event()

    def work():
        try:
            box["result"] = runner(kg, text, bound, limit, deadline_hit)
        except BaseException as e:  # handed to the caller's thread
            # free the frames' locals here: pyoxigraph iterators must be dropped on the thread that made them
            traceback.clear_frames(e.__traceback__)
            box["error"] = e

    worker = threading.Thread(target=work, name="airm-query", daemon=True)
    try:
        worker.start()
    except RuntimeError as e:  # no room left for the thread's stack: under a memory cap (--memory, a server worker)
        raise MemoryError(f"cannot start the query's thread: {e}") from None
    worker.join(join_timeout)
    if worker.is_alive():
        deadline_hit.set()
        raise QueryTimeout(f"{label} did not finish within {timeout:g} s", hint="narrow it, or raise --timeout")
    if "error" in box:
        e = box["error"]
        if isinstance(e, SyntaxError):
            raise QuerySyntaxError(f"SPARQL syntax error: {e}") from None
        raise e
    return box["result"]


def _endpoint_runner(url: str, timeout: float):
    from .sparql.client import run_query  # the HTTP client only for an endpoint

    def run(_kg, text, bound, limit, _stop: threading.Event) -> QueryResult:
        return run_query(url, text, bound, timeout=timeout, limit=limit)

    return run


def _prefixes() -> dict:
    return prefixes()


def _run_oxigraph(kg, text, bound, limit, stop: threading.Event, *, union: bool = True,
                  with_proposals: bool = False, base: str | None = None) -> QueryResult:
    subs = {ox.Variable(k): v for k, v in bound.items()}  # only where VALUES binding was not equivalent
    try:
        res = store_for(kg, with_proposals).query(text, use_default_graph_as_union=union, substitutions=subs or None,
                                                  prefixes=_prefixes(), base_iri=base)
    except RuntimeError as e:
        raise QueryError(f"the query cannot be run: {e}") from None
    except OSError as e:
        raise QueryError(f"the query failed: {e}") from None
    if isinstance(res, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(res))
    term = functools.lru_cache(maxsize=None)(term_from_ox)  # a result repeats its terms: each converted once

    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        rows, truncated = [], False
        for sol in res:
            if stop.is_set():
                break
            if len(rows) >= limit:
                truncated = True
                break
            # a solution holds one value (or None) per variable, in the variables' order
            rows.append({v: term(t) for v, t in zip(variables, sol, strict=True) if t is not None})
        return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated)
    triples, truncated = [], False
    for t in res:
        if stop.is_set():
            break
        if len(triples) >= limit:
            truncated = True
            break
        triples.append((term(t.subject), term(t.predicate), term(t.object)))
    return QueryResult(kind="construct", triples=triples, truncated=truncated)


def reference_graph(kg, with_proposals: bool = False):
    """The rdflib graph the reference engine queries: every graph of the store, entailments included (the
    classification proposals only when asked for)."""
    with_proposals = with_proposals and has_proposals(kg)
    key = "rdflib-graph-with-proposals" if with_proposals else "rdflib-graph"
    return kg.cached(key, lambda: _stoppable_rdflib_graph(store_for(kg, with_proposals)))


def _stoppable_rdflib_graph(store):
    from .convert import rdflib_graph  # the reference engine's imports, paid only when it runs

    graph = rdflib_graph(store)
    _make_stoppable(graph.store)
    return graph


class _Stopped(Exception):
    """Raised inside rdflib's evaluation once the caller has given up on the query."""


_QUERY_STOP = threading.local()  # the stop event of the rdflib query running on this thread


def _make_stoppable(store) -> None:
    """rdflib has no cancellation and holds the GIL while it evaluates: a query the caller gave up on would run on,
    slowing everything else, for as long as it takes. Every pattern match goes through the store's ``triples``, so
    that is where a query running on a thread whose stop event is set is ended."""
    real = store.triples

    def triples(pattern, context=None):
        stop = getattr(_QUERY_STOP, "event", None)
        if stop is None:
            yield from real(pattern, context)
            return
        if stop.is_set():
            raise _Stopped
        for i, found in enumerate(real(pattern, context)):
            if not i & 255 and stop.is_set():
                raise _Stopped
            yield found

    store.triples = triples


@functools.cache
def _rdflib_prepare_query():
    """rdflib's query parser, loaded once. Loading it is also where rdflib's process-wide SPARQL_LOAD_GRAPHS flag
    is turned off, once: with it on, a query's FROM <file:///...> makes rdflib read what it names (docs/pitfalls).
    The flag belongs to the process, not to a query, and no airm code wants it on (pySHACL leaves it alone), so
    setting it before every query, as this module did, only hid that it is global."""
    import rdflib.plugins.sparql as rdflib_sparql  # here, not on top: the default Oxigraph path never loads rdflib

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    return rdflib_sparql.prepareQuery


def _run_rdflib(kg, text, bound, limit, stop: threading.Event, with_proposals: bool = False,
                base: str | None = None) -> QueryResult:
    prepare_query = _rdflib_prepare_query()
    graph = reference_graph(kg, with_proposals)
    try:
        prepared = prepare_query(text, initNs=_prefixes(), base=base)
    except Exception as e:
        raise QuerySyntaxError(f"SPARQL syntax error (rdflib) at {pointed(text, str(e))}") from None
    from .convert import to_rdflib_term

    init = {k: to_rdflib_term(v) for k, v in bound.items()}
    _QUERY_STOP.event = stop
    try:
        return _rdflib_result(graph.query(prepared, initBindings=init), limit, stop)
    except re.error as e:  # rdflib hands REGEX patterns to Python's re, which raises where SPARQL has an error
        raise QueryError(f"the query has an invalid regular expression: {e}",
                         hint="check the REGEX or REPLACE pattern") from None
    finally:
        _QUERY_STOP.event = None


def _rdflib_result(res, limit: int, stop: threading.Event) -> QueryResult:
    if res.type == "ASK":
        return QueryResult(kind="ask", boolean=bool(res.askAnswer))
    if res.type == "SELECT":
        variables = [str(v) for v in res.vars]
        rows, truncated = [], False
        for r in res:
            if stop.is_set():
                break
            if len(rows) >= limit:
                truncated = True
                break
            rows.append({v: term_from_rdflib(r[i]) for i, v in enumerate(variables) if r[i] is not None})
        return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated)
    triples = [tuple(term_from_rdflib(x) for x in t) for t in res][:limit]
    return QueryResult(kind="construct", triples=triples)
