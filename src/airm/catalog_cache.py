"""The parsed query catalog kept beside the graph cache: every CLI run needs the catalog, and parsing its headers
(YAML, then the checks that each declared parameter can be bound) is most of what ``airm query list`` costs.

The entry is keyed by the hash of every query file's text and of the code that parses and checks them, so an edit
to either is parsed afresh. It is JSON, never pickle: a cache file is data, not code. Anything odd (an unreadable
file, a value JSON cannot hold) means parsing as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

FORMAT = "1"
_PARSER_CODE = ("catalog.py", "catalog_cache.py", "query_checks.py", "sparql/text.py", "sparql/binding.py")


def key(directory: Path, files: list[tuple[Path, str]]) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    here = Path(__file__).resolve().parent
    for name in _PARSER_CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    digest.update(str(directory.resolve()).encode() + b"\0")
    for path, text in files:
        digest.update(path.name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _path(entry: str) -> Path:
    from .cache_paths import cache_dir

    return cache_dir() / f"catalog-{entry}.json"


def load(entry: str, stored_query: type, param: type) -> dict | None:
    """The queries stored under ``entry`` (rebuilt as ``stored_query`` with ``param`` parameters), or None."""
    try:
        data = json.loads(_path(entry).read_text(encoding="utf-8"))
        return {name: _query(stored_query, param, q) for name, q in data.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def save(entry: str, queries: dict, stored_query: type, param: type) -> None:
    """Store ``queries`` under ``entry`` if they come back equal from JSON (else nothing is stored)."""
    from .atomic import write_file
    from .errors import UserError

    try:
        data = {name: {**asdict(q), "path": str(q.path)} for name, q in queries.items()}
        text = json.dumps(data)
        if {n: _query(stored_query, param, q) for n, q in json.loads(text).items()} != queries:
            return
        path = _path(entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("catalog-*.json"):  # one catalog at a time: the last one parsed
            old.unlink(missing_ok=True)
        write_file(path, text.encode("utf-8"))
    except (OSError, TypeError, ValueError, UserError):
        pass


def _query(stored_query, param, q: dict):
    params = {n: param(**{**p, "values": tuple(p["values"]) if p["values"] is not None else None})
              for n, p in q["params"].items()}
    return stored_query(**{**q, "path": Path(q["path"]), "params": params, "returns": tuple(q["returns"]),
                           "tags": tuple(q["tags"])})
