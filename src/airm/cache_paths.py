"""Where airm keeps what it derives (built stores, the parsed catalog, query checks): a module of its own, so the
catalog and the binding checks find the folder without importing the whole graph machinery (airm.kg)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    env = os.environ.get("AIRM_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "airm"
