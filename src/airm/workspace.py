"""The user's workspace: where it is, and its files. Imported sources, each one named graph in its own N-Quads file
beside its record and its review file (written together or not at all), and the classification graphs."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .atomic import STAGING_NAME, locked, settle, write_files
from .errors import UserError
from .graph import Source
from .namespaces import CURATED_GRAPH, GRAPH_BASE

DEFAULT_WORKSPACE = "airm-data"


def workspace_dir(workspace: str | os.PathLike | None = None) -> Path:
    """--workspace, else $AIRM_WORKSPACE, else ./airm-data (which need not exist)."""
    folder, origin = _chosen(workspace)
    if folder.exists() and not folder.is_dir():  # taken as an empty workspace, it would hide the user's imports
        raise UserError(f"{folder} ({origin}) is not a folder: a workspace is a folder of imported sources",
                        hint="point --workspace or $AIRM_WORKSPACE at a folder (it is created on the first import)")
    return folder


def _chosen(workspace) -> tuple[Path, str]:
    if workspace is not None:
        return Path(workspace), "--workspace"
    if os.environ.get("AIRM_WORKSPACE"):
        return Path(os.environ["AIRM_WORKSPACE"]), "$AIRM_WORKSPACE"
    return Path(DEFAULT_WORKSPACE), "the default workspace"


def workspace_line(workspace: str | os.PathLike | None = None) -> str:
    """One line saying which workspace a command reads and what it adds, since results depend on it: the same
    query gives other rows in a folder holding another ./airm-data."""
    folder, origin = _chosen(workspace)
    names = [s.path.stem for s in imported_sources(workspace)]
    curated = " and reviewed classifications" if classification_sources(workspace) else ""
    if names:
        what = f"{len(names)} imported source{'s' if len(names) != 1 else ''} ({', '.join(names)}){curated}"
    elif curated:
        what = "no imported sources" + curated
    else:
        what = "no imported sources: embedded data only"
    return f"workspace: {folder} ({origin}): {what}"


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
    path = workspace_dir(workspace) / "classification" / "curated.nq"
    return [Source(path=path, graph=CURATED_GRAPH, kind="curated", display=str(path))] if _nonempty(path) else []


def proposals_file(workspace: str | os.PathLike | None = None) -> Path | None:
    """The proposals graph 'airm classify' wrote, read only by queries that ask for proposals."""
    path = workspace_dir(workspace) / "classification" / "proposals.nq"
    return path if _nonempty(path) else None


def _nonempty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


# --- imported sources' files ------------------------------------------------------------------------------------------
#
#     sources/<name>.nq     the source's named graph (N-Quads, sorted: the same input gives the same bytes)
#     sources/<name>.json   its record: provenance, counts, rows read / imported / sent to review, when imported
#     review/<name>.tsv     row, field, value, reason: what was not imported as is

STAGING = STAGING_NAME


def source_files(ws: Path, name: str) -> dict[str, Path]:
    """Where source ``name``'s graph, record and review file live in workspace folder ``ws``."""
    return {"graph": ws / "sources" / f"{name}.nq", "record": ws / "sources" / f"{name}.json",
            "review": ws / "review" / f"{name}.tsv"}


def workspace_lock(ws: Path):
    """One writer at a time per workspace; what a killed writer left is settled first (airm.atomic.locked)."""
    return locked(ws, what="workspace")


def serialize_nquads(quads) -> bytes:
    """N-Quads, one statement a line, sorted and without duplicates: the same graph gives the same bytes."""
    import pyoxigraph as ox

    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    lines = sorted(set(line for line in data.split(b"\n") if line.strip()))
    return b"\n".join(lines) + b"\n" if lines else b""


def stored_triples(ws: Path, name: str) -> set:
    """The triples of source ``name`` as the workspace holds them now; none when it holds none, or a damaged file
    (a re-import replaces it, and its diff then counts everything as added)."""
    import pyoxigraph as ox

    nq_path = source_files(ws, name)["graph"]
    if not nq_path.is_file():
        return set()
    try:
        with open(nq_path, "rb") as f:
            return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(f, format=ox.RdfFormat.N_QUADS)}
    except (OSError, SyntaxError, ValueError, MemoryError):
        return set()


def write_source(ws: Path, name: str, *, graph: bytes, record: dict, review: bytes) -> dict[str, Path]:
    """Replace source ``name``'s three files together or not at all (airm.atomic.write_files: staged, journalled,
    renamed); returns their paths. The graph goes first, its record after it: a reader trusts a record only if the
    graph's checksum matches."""
    paths = source_files(ws, name)
    files = {
        paths["graph"]: graph,
        paths["record"]: (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        paths["review"]: review,
    }
    write_files(ws, files, what="workspace")
    return paths


def list_sources(workspace: str | os.PathLike | None = None) -> list[dict]:
    """What the workspace holds: one dict per imported source (name, file, sha256, version, license, counts...)."""
    ws = workspace_dir(workspace)
    settle(ws, what="workspace")
    root = ws / "sources"
    if not root.is_dir():
        return []
    return [_source_entry(nq) for nq in sorted(root.glob("*.nq"))]


def _source_entry(nq: Path) -> dict:
    name = nq.stem
    entry = {"name": name, "graph": import_graph_iri(name), "file": None, "path": None, "sha256": None, "version": None,
             "license": None, "triples": None, "rows": None, "counts": {}, "classes": {}, "importedAt": None,
             "status": "ok"}
    try:
        record = json.loads(nq.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entry["status"] = "no record: import the source again"
        return entry
    inp = record.get("input", {})
    entry.update(
        file=inp.get("source_file"), path=_as_given(inp), sha256=inp.get("sha256"), version=inp.get("version"),
        license=_spdx(inp.get("license")), attribution=inp.get("attribution"), triples=record.get("triples"),
        rows=record.get("rows"), counts=record.get("counts", {}), classes=record.get("classes", {}),
        importedAt=record.get("importedAt"),
    )
    if record.get("file_sha256") and record["file_sha256"] != hashlib.sha256(nq.read_bytes()).hexdigest():
        entry["status"] = "graph file changed since the import: import the source again"
    return entry


def _as_given(inp: dict) -> str | None:
    """The input's path as the user gave it to ``airm import``; for a record made before that was kept, its
    absolute path relative to the current folder when it lies below it."""
    if inp.get("given"):
        return inp["given"]
    if not inp.get("path"):
        return None
    path = Path(inp["path"])
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _spdx(license_iri):
    """A recorded licence as its one SPDX IRI (imports made before licences were unified recorded other forms)."""
    from .licenses import spdx_iri

    return spdx_iri(license_iri) if license_iri else None


def sources_table(found: list[dict]) -> str:
    """``airm sources`` as aligned columns: each input by the path it was imported from, as it was given (relative
    stays relative), and licences by SPDX id, whatever form an older import recorded."""
    from .licenses import spdx_id

    header = ["source", "file", "sha256", "version", "license", "triples", "counts"]
    rows = []
    for e in found:
        counts = ", ".join(f"{k} {v}" for k, v in (e.get("counts") or {}).items())
        lic = e.get("license") or ""
        given = e.get("path") or e.get("file") or ""
        rows.append([e["name"], given, (e.get("sha256") or "")[:12], e.get("version") or "", spdx_id(lic) or lic,
                     str(e.get("triples") or ""), counts if e["status"] == "ok" else e["status"]])
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header) - 1)]
    lines = []
    for r in [header] + rows:
        # widths stop short of the last column, which is written unpadded
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
    return "\n".join(line.rstrip() for line in lines)
