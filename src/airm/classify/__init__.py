"""Classification of mitigations on the seed's axes (issue 14): proposals made by methods from strongest to weakest,
kept in their own graph until a person reviews them. See run.py for the command, review.py for the review."""

from __future__ import annotations

from .axes import AXES
from .graphs import CURATED_GRAPH, PROPOSALS_GRAPH
from .run import ClassifyResult, classify

__all__ = ["AXES", "CURATED_GRAPH", "PROPOSALS_GRAPH", "ClassifyResult", "classify"]
