"""The graphs classification writes and reads: their names (kept in namespaces.py) and the store a question reads
(query_store.py), gathered here for the classify package, plus a plain SELECT helper for its rules and review."""

from __future__ import annotations

from ..namespaces import CURATED_GRAPH, PROPOSALS_GRAPH
from ..query_store import has_proposals, store_for

__all__ = ["CURATED_GRAPH", "PROPOSALS_GRAPH", "has_proposals", "select", "store_for"]


def select(store, text: str) -> list[dict]:
    """Rows of a SELECT on the union of ``store``'s graphs, as dicts of plain strings (unbound variables left out)."""
    res = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: t.value for n, t in zip(names, sol, strict=True) if t is not None} for sol in res]
