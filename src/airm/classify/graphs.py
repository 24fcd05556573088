"""Which graphs a question reads. Proposals live in their own named graph and are left out of every query unless
the caller asks for them (``with_proposals``); accepted classifications live in a curated graph read by default."""

from __future__ import annotations

from ..namespaces import GRAPH_BASE

PROPOSALS_GRAPH = GRAPH_BASE + "classification/proposals"
CURATED_GRAPH = GRAPH_BASE + "classification/curated"


def default_graphs(store, with_proposals: bool):
    """The graphs to use as the default graph, or None for the union of all (nothing to leave out)."""
    import pyoxigraph as ox

    proposals = ox.NamedNode(PROPOSALS_GRAPH)
    if with_proposals or not store.contains_named_graph(proposals):
        return None
    return [ox.DefaultGraph()] + [g for g in store.named_graphs() if g != proposals]


def has_proposals(store) -> bool:
    import pyoxigraph as ox

    return store.contains_named_graph(ox.NamedNode(PROPOSALS_GRAPH))


def select(store, text: str, *, with_proposals: bool = False) -> list[dict]:
    """Rows of a SELECT as dicts of plain strings (unbound variables left out)."""
    graphs = default_graphs(store, with_proposals)
    options = {"use_default_graph_as_union": True} if graphs is None else {"default_graph": graphs}
    res = store.query(text, **options)
    names = [v.value for v in res.variables]
    return [{n: t.value for n, t in zip(names, sol) if t is not None} for sol in res]
