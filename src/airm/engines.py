"""Run SPARQL on an engine: the embedded Oxigraph store (default), rdflib (the reference) or any SPARQL 1.1 endpoint
(``engine="endpoint"``, ``endpoint=URL``; see endpoint.py), under a deadline and a row cap. Parameters are bound as RDF terms (Oxigraph substitutions, rdflib initBindings), never pasted into text.
"""

from __future__ import annotations

import functools
import threading

from .errors import QueryError, QueryTimeout
from .results import QueryResult, term_from_ox, term_from_rdflib

ENGINES = ("oxigraph", "rdflib", "endpoint")
DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 100_000


def run_stored(kg, query, bound: dict, *, engine: str | None = None, timeout: float | None = None,
               limit: int | None = None, endpoint: str | None = None, with_proposals: bool = False) -> QueryResult:
    return _run(kg, query.text, bound, engine=engine, timeout=timeout, limit=limit, label=f"query {query.name!r}",
                endpoint=endpoint, with_proposals=with_proposals)


def run_sparql(kg, text: str, *, timeout: float | None = None, limit: int | None = None, engine: str | None = None,
               allow_service: bool = False, bindings: dict | None = None, endpoint: str | None = None,
               with_proposals: bool = False) -> QueryResult:
    """An ad-hoc read-only query: updates are refused, and SERVICE unless ``allow_service``.

    airm's declared prefixes (ontology/prefixes.ttl) are available without PREFIX lines; the query's own win.
    """
    from .namespaces import sparql_prologue

    check_size(text)
    engine = _pick_engine(engine, endpoint)
    if engine == "endpoint":
        text = sparql_prologue() + text  # a remote store knows none of our prefixes
    # the local engines take the prefixes as defaults, so error positions stay those of the user's own text
    check_read_only(text, allow_service=allow_service, engine=engine)
    check_bindings(text, bindings or {})
    return _run(kg, text, bindings or {}, engine=engine, timeout=timeout, limit=limit, label="the query",
                endpoint=endpoint, with_proposals=with_proposals)


def check_bindings(text: str, bindings: dict) -> None:
    """Ad-hoc bindings get the checks stored parameters get when the catalog loads: rdflib silently ignores a name
    the query does not use or assigns with BIND/AS, and a plain string where a term is meant matches nothing."""
    import re

    import pyoxigraph as ox

    code = code_only(text)
    for name, value in bindings.items():
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"binding {name!r} is not a SPARQL variable name", hint="give names without the '?'")
        if not re.search(r"[?$]" + re.escape(name) + r"\b", code):
            raise QueryError(f"binding ?{name}: the query has no variable ?{name}",
                             hint="bind only variables the query uses")
        if re.search(r"\bAS\s+[?$]" + re.escape(name) + r"\b", code, re.IGNORECASE):
            raise QueryError(f"binding ?{name}: the query assigns ?{name} with BIND/AS, so a bound value would be "
                             "ignored or give no rows", hint="bind variables used in triple patterns and FILTERs")
        if not isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            raise QueryError(f"binding ?{name} must be an RDF term (pyoxigraph NamedNode, Literal or BlankNode), "
                             f"not {type(value).__name__}",
                             hint="e.g. bindings={'x': pyoxigraph.NamedNode('https://...')} or pyoxigraph.Literal('text')")


MAX_QUERY_CHARS = 1_000_000
MAX_NESTING = 32  # rdflib's parser overflows Python's stack near 40 levels; Oxigraph's crashes a thread far deeper


def check_size(text: str) -> None:
    """Refuse queries too long or too deeply nested to parse safely, before any parser sees them."""
    if not text.strip():
        raise QueryError("the query is empty", hint="give a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; airm accepts at most {MAX_QUERY_CHARS:,}",
                         hint="store large value lists as data and join them instead")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise QueryError(f"the query nests groups or brackets {depth} levels deep; airm accepts at most {MAX_NESTING}",
                         hint="flatten the nested groups")


def code_only(text: str) -> str:
    """``text`` with its comments, string literals and IRIs blanked out (same length, line breaks kept): what is
    left is the query's own syntax, where variables, keywords and brackets can be looked for safely."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            blank(i, j + len(quote))
            i = j + len(quote)
            continue
        if c == "<":
            j = i + 1
            while j < n and text[j] not in "<>\"{}|^`\\ \t\n":
                j += 1
            if j < n and text[j] == ">":  # an IRI (not a less-than)
                blank(i, j + 1)
                i = j + 1
                continue
        i += 1
    return "".join(out)


def nesting_depth(text: str) -> int:
    """Deepest nesting of { ( [ outside strings, IRIs and comments."""
    depth = deepest = 0
    for c in code_only(text):
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "})]":
            depth -= 1
    return deepest


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


def check_read_only(text: str, *, allow_service: bool = False, engine: str = "oxigraph") -> None:
    """Refuse updates, SERVICE (unless allowed) and, on rdflib, FROM/FROM NAMED (which would load what they name)."""
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.algebra import translateQuery

    try:
        parsed = parser.parseQuery(text)
    except Exception:
        try:
            parser.parseUpdate(text)
        except Exception:
            _raise_syntax(text)
        raise QueryError(
            "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) are refused: airm queries are read-only",
            hint="change the data files and rebuild instead",
        ) from None
    if engine == "rdflib" and _has_dataset_clause(parsed):
        raise QueryError("FROM / FROM NAMED are refused on the rdflib engine: they would load what they name",
                         hint="use GRAPH <...> { } patterns, or the oxigraph engine")
    if not allow_service:
        from .namespaces import prefixes

        try:
            algebra = translateQuery(parsed, initNs=prefixes()).algebra
        except Exception:
            # cannot analyse it: the engine will report its own error, but never let SERVICE through unseen
            import re

            if re.search(r"\bSERVICE\b", text, re.IGNORECASE):
                raise QueryError("SERVICE is refused: it would send requests to another server",
                                 hint="pass --allow-service if you mean to query a remote endpoint") from None
            return
        if _contains(algebra, "ServiceGraphPattern"):
            raise QueryError("SERVICE is refused: it would send requests to another server",
                             hint="pass --allow-service if you mean to query a remote endpoint")


def _has_dataset_clause(parsed) -> bool:
    try:
        value = parsed[1].get("datasetClause")
        return bool(value) and not isinstance(value, str)  # a missing key comes back as its own name
    except Exception:
        return False


def _contains(node, name: str, _seen=None) -> bool:
    _seen = _seen if _seen is not None else set()
    if id(node) in _seen:
        return False
    _seen.add(id(node))
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_contains(v, name, _seen) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(_contains(v, name, _seen) for v in node)
    return False


def _raise_syntax(text: str):
    import pyoxigraph as ox

    try:
        ox.Store().query(text, prefixes=_prefixes())
    except SyntaxError as e:
        raise QueryError(f"SPARQL syntax error: {e}", hint="check the query near the position given") from None
    except Exception as e:
        raise QueryError(f"the query cannot be run: {e}") from None
    raise QueryError("the query could not be parsed")


def _run(kg, text: str, bound: dict, *, engine: str | None, timeout: float | None, limit: int | None, label: str,
         endpoint: str | None = None, with_proposals: bool = False):
    engine = _pick_engine(engine, endpoint)
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}", hint=f"use one of {', '.join(ENGINES)}")
    timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    if timeout <= 0:
        raise QueryError("the timeout must be a positive number of seconds")
    limit = DEFAULT_LIMIT if limit is None else int(limit)
    if engine == "oxigraph" and bound:
        # bound by a VALUES block at the start of the WHERE group, terms written by pyoxigraph: Oxigraph plans
        # property paths from VALUES but not from substitutions (1.7 s against 3 ms on a 100k-triple graph).
        # Done here, not in the worker thread: the analysis makes garbage whose collection must stay on this thread.
        from .endpoint import bind_values

        try:
            text, bound = bind_values(text, bound, verify=False), {}
        except QueryError:
            pass  # VALUES would not be equivalent in this query: Oxigraph's substitutions (bound before evaluation)
    runner = {"oxigraph": _run_oxigraph, "rdflib": _run_rdflib}.get(engine)
    if runner is not None:  # classification proposals are read only when asked for
        runner = functools.partial(runner, with_proposals=with_proposals)
    join_timeout = timeout
    if engine == "endpoint":
        from .endpoint import check_url

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
            import traceback

            # free the frames' locals here: pyoxigraph iterators must be dropped on the thread that made them
            traceback.clear_frames(e.__traceback__)
            box["error"] = e

    worker = threading.Thread(target=work, name="airm-query", daemon=True)
    worker.start()
    worker.join(join_timeout)
    if worker.is_alive():
        deadline_hit.set()
        raise QueryTimeout(f"{label} did not finish within {timeout:g} s", hint="narrow it, or raise --timeout")
    if "error" in box:
        e = box["error"]
        if isinstance(e, SyntaxError):
            raise QueryError(f"SPARQL syntax error: {e}") from None
        raise e
    return box["result"]


def _endpoint_runner(url: str, timeout: float):
    def run(_kg, text, bound, limit, _stop: threading.Event) -> QueryResult:
        from .endpoint import run_query

        return run_query(url, text, bound, timeout=timeout, limit=limit)

    return run


def _prefixes() -> dict:
    from .namespaces import prefixes

    return prefixes()


def _run_oxigraph(kg, text, bound, limit, stop: threading.Event, with_proposals: bool = False) -> QueryResult:
    import pyoxigraph as ox

    from .classify.graphs import store_for

    subs = {ox.Variable(k): v for k, v in bound.items()}  # only where VALUES binding was not equivalent
    try:
        res = store_for(kg, with_proposals).query(text, use_default_graph_as_union=True, substitutions=subs or None,
                                                  prefixes=_prefixes())
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
            rows.append({v: term(t) for v, t in zip(variables, sol) if t is not None})  # values in variable order
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
    from .classify.graphs import has_proposals, store_for

    slot = "_rdflib_graph_with_proposals" if with_proposals and has_proposals(kg) else "_rdflib_graph"
    cached = kg.__dict__.get(slot)
    if cached is None:
        from .convert import rdflib_graph

        cached = kg.__dict__[slot] = rdflib_graph(store_for(kg, with_proposals))
        _make_stoppable(cached.store)
    return cached


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


def _run_rdflib(kg, text, bound, limit, stop: threading.Event, with_proposals: bool = False) -> QueryResult:
    import rdflib.plugins.sparql as rdflib_sparql
    from rdflib.plugins.sparql import prepareQuery

    from .convert import to_rdflib_term

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # FROM must never load what it names
    graph = reference_graph(kg, with_proposals)
    try:
        prepared = prepareQuery(text, initNs=_prefixes())
    except Exception as e:
        raise QueryError(f"SPARQL syntax error (rdflib): {e}") from None
    init = {k: to_rdflib_term(v) for k, v in bound.items()}
    _QUERY_STOP.event = stop
    try:
        return _rdflib_result(graph.query(prepared, initBindings=init), limit, stop)
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
