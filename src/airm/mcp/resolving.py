"""What the tools' values name, through airm's own resolution (``airm.resolve``, via ``catalog.bind_params`` for
stored-query parameters): each parameter's IRI, label and the rule that took it (``how``), or, when a value names no
resource or several, the candidates with their labels, schemes and codes, never a guess.
"""

from __future__ import annotations

import pyoxigraph as ox

from .. import answers, catalog
from ..errors import QueryError
from ..namespaces import curie
from ..resolve import TIERS, codes_of, label_of, resolve
from .tools import RESOLVE_KINDS

MAX_OFFERED = 12  # candidates offered across kinds (within one kind airm.resolve caps them)
CONCEPT = "skos:Concept"  # what a resource parameter without class or scheme ranges over, as in the catalog


class Unresolved(Exception):
    """A parameter value that names no resource, or several: carries the candidates to offer instead."""

    def __init__(self, entries: list[dict]):
        super().__init__("; ".join(e["message"] for e in entries))
        self.entries = entries


def candidate_json(kg, c, how: str, **extra) -> dict:
    """One candidate as the client sees it: enough (label, schemes, codes) for a person or a model to choose."""
    return {"iri": c.iri, "curie": curie(c.iri), "label": c.label or label_of(kg, c.iri), "schemes": list(c.schemes),
            "codes": codes_of(kg, c.iri), "match": how, "score": c.score, **extra}


def bind(kg, q: catalog.StoredQuery, given: dict) -> tuple[dict, dict]:
    """(bound terms, what each parameter resolved to), the catalog's binding; ``Unresolved`` with the candidates
    when a resource parameter's value names no resource or several (every such parameter, not just the first)."""
    found: dict = {}
    try:
        bound = catalog.bind_params(kg, q, given, resolved=found)
    except QueryError:
        problems = _unresolved(kg, q, given)
        if problems:
            raise Unresolved(problems) from None
        raise
    report = answers.resolved_report(kg, found)
    resolved = {}
    for p in q.params.values():
        if p.name not in bound:
            continue
        value = given.get(p.name)
        is_default = value is None or (isinstance(value, str) and not value.strip() and p.type != "string")
        entry: dict = {"given": p.default if is_default else value, "default": is_default}
        term = bound[p.name]
        if isinstance(term, ox.NamedNode):
            how = report[p.name]["how"] if p.name in report else ("default" if is_default else "iri")
            entry.update(iri=term.value, curie=curie(term.value),
                         label=report.get(p.name, {}).get("label") or label_of(kg, term.value), how=how)
        resolved[p.name] = entry
    return bound, resolved


def _unresolved(kg, q: catalog.StoredQuery, given: dict) -> list[dict]:
    """Each given resource parameter whose value the catalog refuses, with its message and the candidates."""
    problems = []
    for p in q.params.values():
        value = given.get(p.name)
        if p.type != "resource" or value is None or not str(value).strip():
            continue
        try:
            catalog.resolve_param(kg, p, str(value))
        except QueryError as e:
            found = resolve(kg, str(value).strip(), cls=p.cls or CONCEPT, scheme=p.scheme)
            offered = found.candidates or ([found.best] if found.best else [])
            problems.append({"param": p.name, "given": value, "message": e.message,
                             "candidates": [candidate_json(kg, c, found.how) for c in offered]})
    return problems


def _kinds(kind: str | None) -> dict[str, str]:
    kinds = RESOLVE_KINDS if kind in (None, "", "any") else {kind: RESOLVE_KINDS.get(kind)}
    if None in kinds.values():
        raise QueryError(f"kind must be 'any' or one of {', '.join(RESOLVE_KINDS)}, not {kind!r}")
    return kinds


def lookup(kg, text: str, kind: str | None) -> tuple[dict | None, list[dict], str]:
    """(the one resource ``text`` names, or None; the candidates; the rule that decided) among the kinds asked.

    Each kind is resolved on its own (an IRI or CURIE as given, else airm.resolve's tiers); across kinds the best
    tier wins, as within one: "2.2" is a code of a risk domain and of two mitigation categories, three candidates,
    while a label that is exact for one kind outranks a near spelling for another."""
    per_kind = []  # (tier rank, kind, resolution)
    for k, cls in _kinds(kind).items():
        p = catalog.Param(name="text", type="resource", description=k, cls=cls)
        try:
            found = catalog.resolve_param(kg, p, text)
        except QueryError:
            found = resolve(kg, text, cls=cls)
        if found.best or found.candidates:
            per_kind.append((_rank(found.how), k, found))
    if not per_kind:
        return None, [], "none"
    top = min(rank for rank, _k, _f in per_kind)
    offered: dict[str, dict] = {}
    for rank, k, found in per_kind:
        if rank == top:
            for c in found.candidates or [found.best]:
                offered.setdefault(c.iri, candidate_json(kg, c, found.how, kind=k))
    how = next(f.how for rank, _k, f in per_kind if rank == top)
    bests = {f.best.iri for rank, _k, f in per_kind if rank == top and f.best is not None}
    if len(offered) == 1 and bests and how != "none":
        return next(iter(offered.values())), [], how
    return None, sorted(offered.values(), key=lambda c: -c["score"])[:MAX_OFFERED], how


def _rank(how: str) -> int:
    order = ("iri",) + TIERS
    return order.index(how) if how in order else len(order)
