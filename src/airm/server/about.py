""""About this data": what each imported source is, for the ``/about`` pages. Runs in a query worker.

Per source: its title, version, licence (one SPDX id), where it came from (home page, file name and checksum, when
it was imported), the counts its import recorded, and link coverage per axis (``airm.coverage.link_coverage``: a
mitigation's own value, one inherited from its de-duplication cluster, or only proposed by ``airm classify``), the
same figures ``airm sources`` prints. A file path on the server's disk is never shown: only its name.
"""

from __future__ import annotations

import json
from pathlib import PurePath

from ..licenses import spdx_id
from ..workspace import list_sources, workspace_dir

AXIS_NAMES = {"mitigation-category": "mitigation category", "lifecycle-stage": "lifecycle stage",
              "actor-type": "actor", "rmf-function": "risk-management function", "risk": "risk addressed"}


def sources(kg, workspace) -> list[dict]:
    """Every imported source, with its link coverage; read once per graph (the graph does not change)."""
    return kg.cached("about-sources", lambda: _sources(kg, workspace))


def _sources(kg, workspace) -> list[dict]:
    from ..coverage import link_coverage

    found = list_sources(workspace)
    coverage: dict[str, list] = {}
    if found:
        for row in link_coverage(kg):
            coverage.setdefault(row["source"], []).append(_shares(row))
    root = workspace_dir(workspace) / "sources"
    return [_entry(e, _record(root / f"{e['name']}.json"), coverage.get(f"import/{e['name']}", [])) for e in found]


def _record(path) -> dict:
    """The import's own record (title, home page, description), or nothing when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _entry(entry: dict, record: dict, coverage: list) -> dict:
    given = record.get("input") or {}
    licence = entry.get("license")
    homepage = given.get("homepage")
    return {
        "name": entry["name"], "status": entry["status"],
        "title": given.get("title") or entry["name"], "description": record.get("description"),
        "version": entry.get("version"), "license": spdx_id(licence) if licence else None,
        "licenseUrl": f"https://spdx.org/licenses/{spdx_id(licence)}.html" if licence and spdx_id(licence) else None,
        "attribution": entry.get("attribution"),
        "homepage": homepage if homepage and homepage.startswith(("https://", "http://")) else None,
        "file": PurePath(entry["file"]).name if entry.get("file") else None,
        "sha256": entry.get("sha256"), "importedAt": entry.get("importedAt"), "triples": entry.get("triples"),
        "counts": entry.get("counts") or {}, "rows": entry.get("rows") or {}, "coverage": coverage,
    }


def _shares(row: dict) -> dict:
    total = row["mitigations"]
    out = dict(row, axisName=AXIS_NAMES.get(row["axis"], row["axis"]))
    for key in ("linked", "inherited", "proposed"):
        out[key + "Share"] = round(100 * row[key] / total) if total else 0
    return out
