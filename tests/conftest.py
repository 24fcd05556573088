"""Shared fixtures: an isolated cache per session, the embedded graph, and the reference-data gate."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Tests never read or write the user's cache or workspace."""
    cache = tmp_path_factory.mktemp("airm-cache")
    old = {k: os.environ.get(k) for k in ("AIRM_CACHE_DIR", "AIRM_WORKSPACE")}
    os.environ["AIRM_CACHE_DIR"] = str(cache)
    os.environ["AIRM_WORKSPACE"] = str(tmp_path_factory.mktemp("airm-workspace"))
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def kg():
    import airm

    return airm.load()


@pytest.fixture(scope="session")
def reference():
    """The ../shared/reference copies: skipped in a user's clone, required in CI."""
    if not REFERENCE.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the reference data is missing at {REFERENCE}")
        pytest.skip(f"reference data not found at {REFERENCE} (only the project's CI has it)")
    return REFERENCE


def run_cli(*args, env=None):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    import contextlib
    import io

    from airm.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden result files of the query catalog from the current results")
