"""airm: a knowledge graph of AI-risk mitigations with a catalog of SPARQL queries.

Importing airm loads nothing and touches no file: call :func:`load` for the embedded graph.
"""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "load", "validate", "build", "KnowledgeGraph"]


def __getattr__(name):
    if name in ("load", "KnowledgeGraph"):
        from . import kg

        return getattr(kg, name)
    if name == "validate":
        from .validation import validate

        return validate
    if name == "build":
        from .builder import build

        return build
    raise AttributeError(f"module 'airm' has no attribute {name!r}")
