"""Any SPARQL 1.1 store as the place a build goes: the build pushed with one SPARQL 1.1 Update request.

Queries on a store go through the SPARQL 1.1 Protocol client (``airm.sparql.client``), with parameters bound as a
VALUES block (``airm.sparql.binding``); this module adds what only a push needs.

Push: one SPARQL Update request replaces each named graph of the build (ontology, data, imports, entailments),
blank nodes skolemised, and drops what airm has there that the build does not (``airm.store_layout``): all or nothing
on a store that runs an update request as one transaction, as Oxigraph does; the store is counted afterwards, and a
push that raced another is sent again. Pushing again is idempotent. ``graph=IRI`` puts the union into one graph,
``graph="default"`` into the store's default graph (which every store queries). With ``batch`` a build larger than
that many triples goes in several requests (Virtuoso 7.2 refuses one of 50,000 triples): the drops
and the first part, then the rest; that gives up all or nothing, and a push that fails part way says how far it got.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from dataclasses import dataclass, field

from .namespaces import GRAPH_BASE
from .sparql.client import (
    EndpointError,
    EndpointTimeout,
    _request,
    check_url,
    run_query,
)
from .store_layout import DEFAULT, read_state

DEFAULT_PUSH_TIMEOUT = 120.0
DEFAULT_BATCH = 0  # triples per update request (0: the whole build in one request, all or nothing)
TOO_LARGE_HINT = ("if the store refuses a request this large (Virtuoso 7.2: SP030 'memory exhausted' or SR578), "
                  "push in parts with --batch 2000")


# --- URLs ---------------------------------------------------------------------------------------------------------

def default_update_url(endpoint: str) -> str:
    """Oxigraph's layout: SPARQL Update at BASE/update beside BASE/query."""
    return _beside_query(endpoint, "update", "--update", "the SPARQL Update URL",
                         "Oxigraph BASE/update, Fuseki BASE/DATASET/update, GraphDB BASE/repositories/REPO/statements")


def _beside_query(endpoint: str, leaf: str, option: str, what: str, examples: str) -> str:
    parts = urllib.parse.urlsplit(check_url(endpoint))
    path = parts.path.rstrip("/")
    if not path.endswith("/query"):
        raise EndpointError(f"cannot tell {what} of {endpoint!r}", hint=f"give it with {option}, e.g. {examples}")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path[: -len("query")] + leaf, "", ""))


# --- pushing a build --------------------------------------------------------------------------------------------------

@dataclass
class PushReport:
    """What ``push`` sent: per target graph ("default" for the default graph) the number of triples."""

    update: str
    graphs: list[tuple[str, int]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    replaced: bool = True
    warnings: list[str] = field(default_factory=list)
    attempts: int = 1
    requests: int = 1

    @property
    def triples(self) -> int:
        return sum(n for _g, n in self.graphs)

    def to_text(self) -> str:
        verb = "replaced" if self.replaced else "added to"
        lines = [f"{verb} {len(self.graphs)} graph{'s' if len(self.graphs) != 1 else ''}, "
                 f"{self.triples} triples, in {_requests(self.requests)} to {self.update}"]
        lines += [f"  {g}  {n}" for g, n in self.graphs]
        if self.removed:
            lines.append(f"removed {len(self.removed)} airm graph(s) the build no longer has "
                         "(or an earlier push in another layout left):")
            lines += [f"  {g}" for g in self.removed]
        if self.replaced:
            tries = f" (sent {self.attempts} times: another push ran at the same time)" if self.attempts > 1 else ""
            lines.append(f"checked: the store holds exactly the build{tries}")
        return "\n".join(lines)


def _check_graph_iri(graph: str) -> str:
    import pyoxigraph as ox

    if graph == "default":
        return graph
    try:
        iri = ox.NamedNode(graph).value
    except ValueError as e:
        raise EndpointError(f"--graph {graph!r} is not an IRI: {e}",
                            hint="give an absolute IRI such as https://example.org/graph/airm, or 'default'") from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        raise EndpointError(f"--graph {graph!r} is not an absolute IRI", hint="e.g. https://example.org/graph/airm")
    return iri


PUSH_ATTEMPTS = 4  # a push whose check finds another push's triples beside its own sends itself again, this often


def push(kg, endpoint: str, *, update: str | None = None, graph: str | None = None, replace: bool = True,
         timeout: float = DEFAULT_PUSH_TIMEOUT, batch: int = DEFAULT_BATCH) -> PushReport:
    """Load the build held by ``kg`` into a store with one SPARQL Update request, then check the store holds it.

    ``endpoint`` is the store's SPARQL query endpoint (used to see what the store holds before and after);
    ``update`` its SPARQL Update URL (default: Oxigraph's BASE/update beside BASE/query). The request drops each
    target graph (``replace``), inserts the build's triples, skolemised (``airm.skolem``: equal builds are equal
    triples, so a replace is idempotent), and removes what an earlier push left in another layout
    (``airm.store_layout``): airm's named graphs, or a default graph holding an airm build. ``graph`` puts the
    union into that one graph ("default": the default graph). A store that runs an update request as one
    transaction switches from the old build to the new one at once, and a failed push changes nothing. A build of
    more than ``batch`` triples (0: no limit) goes in several requests: readers may see it half loaded meanwhile,
    and a push that fails part way leaves the store half loaded and says so (push again to finish).

    After the update, the triples per graph are counted: a store that is not exactly the build (two pushes ran at
    once and the store interleaved them) gets the request again, up to ``PUSH_ATTEMPTS`` times, and then an error.
    """
    import random

    endpoint = check_url(endpoint)
    update = check_url(update, option="--update") if update else default_update_url(endpoint)
    target = _check_graph_iri(graph) if graph is not None else None
    plan = push_plan(kg.store, target)
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        report = _push_once(plan, endpoint, update, target, replace, timeout, batch)
        if not replace:
            break
        problems = _not_the_build(read_state(endpoint, timeout=timeout), plan, report)
        if not problems:
            break
        if attempt == PUSH_ATTEMPTS:
            raise EndpointError(
                f"after {attempt} attempts the store at {endpoint} still does not hold exactly this build: "
                + "; ".join(problems[:5]),
                hint="another push or another writer is changing the same graphs: push again when it has finished")
        time.sleep(random.uniform(0.1, 0.5) * attempt)  # let a racing push finish before sending again
    report.attempts = attempt
    if not _default_graph_sees(endpoint, kg, timeout):
        report.warnings.append(
            "queries on this endpoint do not see the pushed graphs in their default graph, so catalog queries will "
            "find nothing: start Oxigraph with 'oxigraph serve --union-default-graph', set tdb2:unionDefaultGraph "
            "true on a Fuseki TDB2 dataset, or push with --graph default")
    return report


def push_plan(store, target: str | None) -> list[tuple[str, list]]:
    """(target graph or "default", triples) of the build, blank nodes skolemised; one graph per source unless
    ``target`` names the one graph for everything."""
    import pyoxigraph as ox

    from .skolem import skolemise

    quads = skolemise(store)
    if target is not None:
        return [(target, sorted({q.triple for q in quads}, key=str))]
    by_graph: dict[str, list] = {}
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):  # the embedded store keeps nothing in its default graph
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)
    return sorted(by_graph.items())


def _push_once(plan, endpoint: str, update: str, target: str | None, replace: bool, timeout: float,
               batch: int = 0) -> PushReport:
    """One look at the store, and the update request(s) that replace what airm has there with the build."""
    report = PushReport(update=update, replaced=replace)
    stale: list[str] = []
    if replace:
        stale = _left_by_other_pushes(read_state(endpoint, timeout=timeout), plan, target)
    bodies = push_requests(plan, stale, replace, batch)
    total, sent = sum(len(t) for _g, t in plan), 0
    for number, (body, triples) in enumerate(bodies, 1):
        try:
            _request("POST", update, data=body, headers={"Content-Type": "application/sparql-update"},
                     timeout=timeout, what="the update endpoint")
        except (EndpointTimeout, EndpointError) as e:
            if len(bodies) == 1:
                if isinstance(e, EndpointTimeout):
                    raise EndpointTimeout(f"{e.message}; whether the store applied the push is not known",
                                          hint="push again (pushing is idempotent), or raise --timeout") from None
                raise EndpointError(e.message, hint=(e.hint + "; " if e.hint else "") + TOO_LARGE_HINT) from None
            raise type(e)(
                f"{e.message}; the push stopped at request {number} of {len(bodies)}, after {sent} of {total} triples "
                f"had been sent: the store holds part of the build",
                hint="push again to replace it all (pushing is idempotent; a smaller --batch if the store refused "
                     "the request's size), or drop airm's graphs on the store to remove the part") from None
        sent += triples
    report.graphs = [(name, len(triples)) for name, triples in plan]
    report.removed = stale
    report.requests = len(bodies)
    return report


def _left_by_other_pushes(state, plan, target: str | None) -> list[str]:
    """The airm graphs (and "default") the build does not have, to drop in the push's request; refuses a graph
    outside airm's namespace that holds an airm build, since it may be the user's own."""
    others = [g for g in state.build_graphs() if g != target]
    if others:
        raise EndpointError(
            f"graph <{others[0]}> on the store holds an airm build (airm's ontology and query catalog), left by an "
            f"earlier 'airm push --graph {others[0]}' or loaded by hand; pushing beside it would double every answer "
            f"on a store whose default graph is the union, and airm deletes only graphs under {GRAPH_BASE} on its own",
            hint=f"push with --graph {others[0]} to replace it, or delete it (DROP GRAPH <{others[0]}>) and push again")
    keep = {name for name, _t in plan}
    stale = [g for g in state.airm_graphs() if g not in keep]
    if target != DEFAULT and state.default_is_airm():
        stale.append(DEFAULT)
    return stale


def _not_the_build(state, plan, report: PushReport) -> list[str]:
    """What differs, after the update, between the store and the build (empty when the store holds exactly it)."""
    problems = []
    expected = dict(plan)
    for name, triples in plan:
        have = state.default_count() if name == DEFAULT else state.counts.get(name, 0)
        if have is None:
            report.warnings.append("the store does not let its own default graph be counted apart from its named "
                                   "graphs, so the push could not check it holds exactly the build")
        elif have != len(triples):
            problems.append(f"{'the default graph' if name == DEFAULT else f'graph <{name}>'} holds {have} triples, "
                            f"the build has {len(triples)}")
    problems += [f"graph <{g}> is left from another push" for g in state.airm_graphs() + state.build_graphs()
                 if g not in expected]
    if DEFAULT not in expected and state.default_is_airm():
        problems.append("the default graph still holds an airm build")
    return problems


def push_request(plan: list[tuple[str, list]], stale: list[str], replace: bool) -> bytes:
    """The one SPARQL Update request of a push: drop the targets (``replace``) and the ``stale`` graphs ("default"
    for the default graph), then insert. Every IRI and term is written by pyoxigraph (N-Triples syntax, escaped),
    never pasted as text, so no value can change the request around it."""
    drops = [target for target, _t in plan] if replace else []
    return _update_body(drops + list(stale), plan)


def push_requests(plan: list[tuple[str, list]], stale: list[str], replace: bool, batch: int) -> list[tuple[bytes, int]]:
    """(request, triples it inserts) of a push: ``push_request`` when the build has at most ``batch`` triples (or
    ``batch`` is 0); otherwise the drops with the first ``batch`` triples, then the rest ``batch`` at a time."""
    total = sum(len(t) for _g, t in plan)
    if batch <= 0 or total <= batch:
        return [(push_request(plan, stale, replace), total)]
    chunks: list[list[tuple[str, list]]] = [[]]
    room = batch
    for target, triples in plan:
        start = 0
        while start < len(triples):
            if room == 0:
                chunks.append([])
                room = batch
            part = triples[start:start + room]
            chunks[-1].append((target, part))
            start += len(part)
            room -= len(part)
    drops = ([target for target, _t in plan] if replace else []) + list(stale)
    return [(_update_body(drops if i == 0 else [], chunk), sum(len(t) for _g, t in chunk))
            for i, chunk in enumerate(chunks)]


def _update_body(drops: list[str], plan: list[tuple[str, list]]) -> bytes:
    import pyoxigraph as ox

    def where(target: str) -> str:
        return "DEFAULT" if target == "default" else f"GRAPH {ox.NamedNode(target)}"

    head = [f"DROP SILENT {where(g)}" for g in drops]
    parts = [(" ;\n".join(head) + " ;\n").encode("utf-8") if head else b"", b"INSERT DATA {\n"]
    for target, triples in plan:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if target == "default":
            parts.append(data)
        else:
            parts += [f"GRAPH {ox.NamedNode(target)} {{\n".encode(), data, b"}\n"]
    parts.append(b"}\n")
    return b"".join(parts)


def _requests(n: int) -> str:
    return "one request" if n == 1 else f"{n} requests"


def _default_graph_sees(endpoint: str, kg, timeout: float) -> bool:
    """Whether a triple of the build (an IRI-only one, from the ontology) is visible without GRAPH."""
    import pyoxigraph as ox

    probe = next((q.triple for q in kg.store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology"), None) if isinstance(q.subject, ox.NamedNode)), None)
    if probe is None:
        return True
    res = run_query(endpoint, "ASK { ?s ?p ?o }", {"s": probe.subject, "p": probe.predicate, "o": probe.object},
                    timeout=timeout, kind="ask")
    return bool(res.boolean)


def triple_count(endpoint: str, *, graph: str | None = None, timeout: float = 30.0) -> int:
    """Triples in one graph of the store (or in all its named graphs), counted by the endpoint."""
    import pyoxigraph as ox

    if graph is None:
        res = run_query(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", timeout=timeout)
    else:
        res = run_query(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                        {"g": ox.NamedNode(graph)}, timeout=timeout)
    return int(res.rows[0]["n"].value) if res.rows and "n" in res.rows[0] else 0
