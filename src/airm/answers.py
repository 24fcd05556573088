"""A stored query answered end to end: parameters read and resolved, the query run on an engine, and the answer
annotated with what each parameter was taken to mean and what the local graph knows it left out.

It stands above the catalog (which only reads and compiles the stored query files) and the engines, so that the
catalog needs neither the engines nor the classification and coverage modules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .catalog import StoredQuery, bind_params, get
from .coverage import explain
from .engines import run_stored
from .query_store import has_proposals
from .resolve import label_of


def run_named(kg, name: str, params: dict, *, engine: str | None = None, timeout: float | None = None,
              limit: int | None = None, endpoint: str | None = None, with_proposals: bool = False):
    """Run stored query ``name`` with ``params`` on the embedded store, rdflib, or a SPARQL endpoint URL
    (classification proposals included only ``with_proposals``)."""
    query = get(name)
    resolved: dict = {}
    bound = bind_params(kg, query, {k: v for k, v in params.items()}, resolved=resolved if kg is not None else None)
    result = run_stored(kg, query, bound, engine=engine, timeout=timeout, limit=limit, endpoint=endpoint,
                        with_proposals=with_proposals)
    result.resolved = resolved_report(kg, resolved)
    if endpoint is not None:
        return result
    return annotate(kg, query, bound, result, with_proposals=with_proposals, engine=engine, timeout=timeout,
                    limit=limit)


def resolved_report(kg, resolved: dict) -> dict:
    """Parameter -> {input, iri, label, how}: what each value was taken to mean (an IRI given gets its label)."""
    out = {}
    for name, found in resolved.items():
        if found.best is not None and found.best.label is None:
            found = replace(found, best=replace(found.best, label=label_of(kg, found.best.iri)))
        out[name] = found.to_dict()
    return out


def annotate(kg, query: StoredQuery, bound: dict, result, *, with_proposals: bool = False, **options):
    """Attach what the answer left out and why (``result.notes``), where the local graph knows: rows reached only by
    weaker crosswalk steps, unlinked schemes, and (unless they were asked for) rows resting on proposals."""
    if kg is not None and result.kind == "select":
        result.notes = explain(kg, query, bound, result)
        note = None if with_proposals else left_out_note(kg, query, bound, result, **options)
        if note:
            result.notes.append(note.removeprefix("note: "))
    return result


def left_out_note(kg, query, bound, result, **options) -> str | None:
    """A query run without proposals says how many more rows unreviewed classifications would add, so an empty or
    short answer is not taken for "no mitigation"."""
    if result.kind != "select" or not has_proposals(kg):
        return None
    fuller = run_stored(kg, query, bound, with_proposals=True, **options)
    seen = {_key(r) for r in result.rows}
    extra = [r for r in fuller.rows if _key(r) not in seen]
    if not extra:
        return None
    methods = Counter(r.get("method") and r["method"].value or r.get("stageMethod") and r["stageMethod"].value
                      or "classify" for r in extra)
    how = ", ".join(f"{n} by {m}" for m, n in methods.most_common())
    return (f"note: left out {len(extra)} more row(s) that rest on unreviewed classification proposals ({how}); "
            "add --with-proposals to see them with their method and rationale, or review them with "
            "'airm classify --export FILE' and 'airm review accept FILE'")


def _key(row: dict) -> tuple:
    skip = {"status", "method", "rationale", "stageStatus", "stageMethod", "actorStatus", "actorMethod"}
    return tuple(sorted((k, str(v)) for k, v in row.items() if k not in skip))
