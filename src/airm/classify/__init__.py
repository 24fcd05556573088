"""Classification of mitigations on the seed's axes (issue 14): proposals made by methods from strongest to weakest,
kept in their own graph until a person reviews them. See run.py for the command, review.py for the review."""

from __future__ import annotations

from .axes import AXES
from .graphs import CURATED_GRAPH, PROPOSALS_GRAPH

__all__ = ["AXES", "CURATED_GRAPH", "PROPOSALS_GRAPH", "ClassifyResult", "classify"]


def __getattr__(name: str):
    """The command itself (run.py, which loads the graph machinery) only when asked for: every query reads
    ``classify.graphs`` and should not pay for the rules and scorers."""
    if name in ("ClassifyResult", "classify"):
        from . import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
