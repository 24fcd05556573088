"""One real server for the protocol, catalog, linked-data and page tests: ``airm serve`` in a child process on a
free loopback port, with a short timeout and a small row limit so that the limits are quick to hit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .serving import start

TIMEOUT = 3.0
LIMIT = 2000
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def server(tmp_path_factory, _isolated_cache):
    log = tmp_path_factory.mktemp("airm-serve") / "requests.log"
    srv = start(log, "--workers", "2", "--timeout", str(TIMEOUT), "--limit", str(LIMIT))
    yield srv
    srv.stop()


ATLAS_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "server" / "atlas-pages.yaml"


@pytest.fixture(scope="session")
def atlas_server(tmp_path_factory, _isolated_cache):
    """A server whose workspace holds a small ATLAS import (tests/fixtures/server/atlas-pages.yaml) beside the
    embedded data: every kind of page exists on it, the matrix, case studies and "about" pages included."""
    from airm.importers.store import import_source

    ws = tmp_path_factory.mktemp("atlas-workspace")
    import_source("atlas", str(ATLAS_FIXTURE), workspace=str(ws))
    log = tmp_path_factory.mktemp("airm-serve-atlas") / "requests.log"
    srv = start(log, "--workspace", str(ws), "--workers", "1", "--timeout", "20")
    yield srv
    srv.stop()


def need_chromium():
    """Browser tests: skipped where Chromium is missing, but a failure in CI (CI=true), where .ci/run installs it."""
    path = os.environ.get("AIRM_CHROMIUM", CHROMIUM)
    missing = None
    if not Path(path).exists() and not shutil.which(path):
        missing = f"Chromium not found at {path} (Debian: apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {missing}")
        pytest.skip(missing)
    return path


# Debian's Chromium, driven by Playwright with its own browser download unused: no sandbox in containers, nothing
# fetched in the background.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    chromium = need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A desktop-sized page of the shared test server (each test its own context)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()
