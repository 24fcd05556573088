"""Shared fixtures: an isolated cache per session, the embedded graph, and the reference-data gate."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from file_costs import CostRecorder, longest_files_first, read_costs

from helpers import REFERENCE, import_all_sources, made_once_per_run, run_cli


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


@pytest.fixture(scope="session")
def five_sources(reference, tmp_path_factory) -> Path:
    """The five public sources imported once per run, shared by the xdist workers (an import of all five takes a
    minute or more). Read it only: a test that writes into a workspace (classify, review, import) works on
    ``copy_workspace(five_sources, ...)``."""
    return made_once_per_run(tmp_path_factory, "five-sources", lambda ws: import_all_sources(reference, ws))


@pytest.fixture(scope="session")
def five_sources_build(five_sources, tmp_path_factory) -> tuple[Path, dict]:
    """``airm build --workspace <five sources>`` run once per run (shared like ``five_sources``; a build of ~100k
    triples takes about 20 s): its output folder, and its exit code, stdout and stderr. Read it only."""
    def build(folder: Path) -> None:
        code, out, err = run_cli("build", "--out", str(folder / "out"), "--workspace", str(five_sources))
        (folder / "said.json").write_text(json.dumps({"code": code, "out": out, "err": err}), encoding="utf-8")

    folder = made_once_per_run(tmp_path_factory, "five-sources-build", build)
    return folder / "out", json.loads((folder / "said.json").read_text(encoding="utf-8"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden result files of the query catalog from the current results")
    parser.addoption("--record-file-costs", action="store_true", default=False,
                     help="write the seconds each test file took into tests/file_costs.json (the order of make test)")


def pytest_configure(config):
    if config.getoption("--record-file-costs") and not os.environ.get("PYTEST_XDIST_WORKER"):
        config.pluginmanager.register(CostRecorder(), "file-costs-recorder")


def pytest_collection_modifyitems(config, items):
    """Every test that reads ../shared/reference (through the ``reference`` fixture, directly or via ``five_sources``)
    carries the ``reference`` marker, so ``-m "not reference"`` runs what a user's clone can run."""
    for item in items:
        if "reference" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.reference)
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the workers' order is the order xdist hands files out in
        longest_files_first(items, read_costs())
