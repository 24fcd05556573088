"""The user's workspace: imported sources, each one named graph in its own N-Quads file, beside its metadata."""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import settle
from .errors import UserError
from .graph import Source
from .namespaces import GRAPH_BASE

DEFAULT_WORKSPACE = "airm-data"


def workspace_dir(workspace: str | os.PathLike | None = None) -> Path:
    """--workspace, else $AIRM_WORKSPACE, else ./airm-data (which need not exist)."""
    if workspace is not None:
        folder, origin = Path(workspace), "--workspace"
    elif os.environ.get("AIRM_WORKSPACE"):
        folder, origin = Path(os.environ["AIRM_WORKSPACE"]), "$AIRM_WORKSPACE"
    else:
        folder, origin = Path(DEFAULT_WORKSPACE), "the default workspace"
    if folder.exists() and not folder.is_dir():  # taken as an empty workspace, it would hide the user's imports
        raise UserError(f"{folder} ({origin}) is not a folder: a workspace is a folder of imported sources",
                        hint="point --workspace or $AIRM_WORKSPACE at a folder (it is created on the first import)")
    return folder


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
    """The curated graph of reviewed classifications, read by every query, once a review has written it."""
    # imported here, not on top: the classify package imports kg, which imports this module
    from .classify.graphs import CURATED_GRAPH

    path = workspace_dir(workspace) / "classification" / "curated.nq"
    return [Source(path=path, graph=CURATED_GRAPH, kind="curated", display=str(path))] if _nonempty(path) else []


def proposals_file(workspace: str | os.PathLike | None = None) -> Path | None:
    """The proposals graph 'airm classify' wrote, read only by queries that ask for proposals."""
    path = workspace_dir(workspace) / "classification" / "proposals.nq"
    return path if _nonempty(path) else None


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0
