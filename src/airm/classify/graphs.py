"""Which graphs a question reads. Proposals live in their own named graph, kept out of the knowledge graph's store
(so the default answer is exactly what it was without them, at the same speed); a query that asks for them runs on a
copy of the store with the proposals graph added. Accepted classifications live in a curated graph read by default."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import GRAPH_BASE
from ..parsing import parse_file

PROPOSALS_GRAPH = GRAPH_BASE + "classification/proposals"
CURATED_GRAPH = GRAPH_BASE + "classification/curated"


def has_proposals(kg) -> bool:
    return getattr(kg, "proposals_file", None) is not None


def store_for(kg, with_proposals: bool):
    """The store to query: the knowledge graph's own, or (asked for, and there are proposals) a copy held in memory
    with the proposals graph added, made once per knowledge graph."""
    if not with_proposals or not has_proposals(kg):
        return kg.store
    return kg.cached("store-with-proposals", lambda: _with_proposals(kg))


def _with_proposals(kg):
    store = ox.Store()
    store.bulk_extend(kg.store.quads_for_pattern(None, None, None, None))
    store.bulk_extend(parse_file(kg.proposals_file, PROPOSALS_GRAPH))
    return store


def select(store, text: str) -> list[dict]:
    """Rows of a SELECT on the union of ``store``'s graphs, as dicts of plain strings (unbound variables left out)."""
    res = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    return [{n: t.value for n, t in zip(names, sol, strict=True) if t is not None} for sol in res]
