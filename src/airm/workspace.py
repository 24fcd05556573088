"""The user's workspace: imported sources, each one named graph in its own N-Quads file, beside its metadata."""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import settle
from .graph import Source
from .namespaces import GRAPH_BASE

DEFAULT_WORKSPACE = "airm-data"


def workspace_dir(workspace: str | os.PathLike | None = None) -> Path:
    """--workspace, else $AIRM_WORKSPACE, else ./airm-data (which need not exist)."""
    if workspace is not None:
        return Path(workspace)
    env = os.environ.get("AIRM_WORKSPACE")
    return Path(env) if env else Path(DEFAULT_WORKSPACE)


def import_graph_iri(source_name: str) -> str:
    return f"{GRAPH_BASE}import/{source_name}"


def imported_sources(workspace: str | os.PathLike | None = None) -> list[Source]:
    ws = workspace_dir(workspace)
    settle(ws, what="workspace")  # an import killed half way is finished or dropped before its sources are read
    root = ws / "sources"
    if not root.is_dir():
        return []
    return [
        Source(path=p, graph=import_graph_iri(p.stem), kind="import", display=str(p))
        for p in sorted(root.glob("*.nq"))
    ]



def classification_sources(workspace: str | os.PathLike | None = None) -> list[Source]:
    """The curated graph of reviewed classifications (read by default) and the proposals graph (read only when a
    query asks for proposals), when ``airm classify`` has written them."""
    from .classify.graphs import CURATED_GRAPH, PROPOSALS_GRAPH

    folder = workspace_dir(workspace) / "classification"
    found = [(folder / "curated.nq", CURATED_GRAPH, "curated"), (folder / "proposals.nq", PROPOSALS_GRAPH, "proposals")]
    return [Source(path=p, graph=g, kind=k, display=str(p)) for p, g, k in found if p.is_file() and p.stat().st_size]
