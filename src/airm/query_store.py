"""Which store a question reads. Proposals live in their own named graph, kept out of the knowledge graph's store
(so the default answer is exactly what it was without them, at the same speed); a query that asks for them runs on a
copy of the store with the proposals graph added. Accepted classifications live in a curated graph read by default.

It sits below the engines and the classify package, which both ask it, so neither has to import the other."""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import PROPOSALS_GRAPH
from .parsing import parse_file


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
