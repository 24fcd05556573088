"""What an answer left out: a query run without proposals says how many more rows unreviewed classifications would
add, so an empty or short answer is not taken for "no mitigation"."""

from __future__ import annotations

from collections import Counter

from ..engines import run_stored
from .graphs import has_proposals


def left_out_note(kg, query, bound, result, **options) -> str | None:
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
