"""Every kind of page on a phone and for assistive technology: at 390 px wide nothing scrolls sideways (tables become
stacked cards), and axe-core (bundled by the axe-playwright-python package: nothing is fetched) finds no serious or
critical violation, at phone and desktop widths. Headless Debian Chromium, as in test_browser.py; slow."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

PHONE = 390
# one page of each kind, on the server with the small ATLAS import beside the embedded data
PAGES = {
    "home": "/",
    "search": "/search?q=red+teaming",
    "browser": "/mitigations",
    "record": "/id/mitigation/shi2024-alignment-training",
    "document": "/id/ref/rafailov2023-dpo",
    "risk": "/id/llm-safety-risk/value-misalignment",
    "coverage": "/coverage",
    "queries": "/queries",
    "query": "/queries/mitigations-for-risk?risk=privacy",
    "sparql editor": "/query?example=training-methods-for-risk",
    "matrix": "/atlas/matrix",
    "case study": "/id/atlas/AML.CS0910",
    "atlas mitigation": "/id/atlas/AML.M0910",
    "about": "/about",
    "about a source": "/about/atlas",
}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def open_page(browser, server, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=server.url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def visit(page, path: str) -> None:
    reply = page.goto(path)
    assert reply is not None and reply.status == 200, (path, reply and reply.status)
    page.wait_for_load_state("load")


def blocking_violations(axe, page, name: str) -> list[str]:
    found = axe.run(page).response["violations"]
    return [f"{name}: {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['html'][:160]}"
            for v in found if v.get("impact") in BLOCKING]


def test_no_page_scrolls_sideways_on_a_phone(browser, atlas_server):
    context, page = open_page(browser, atlas_server, PHONE)
    wide = []
    try:
        for name, path in PAGES.items():
            visit(page, path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE:
                wide.append(f"{name} ({path}): {width} px")
    finally:
        context.close()
    assert not wide, "pages wider than the phone: " + "; ".join(wide)


def test_tables_become_labelled_cards_on_a_phone(browser, atlas_server):
    context, page = open_page(browser, atlas_server, PHONE)
    try:
        visit(page, PAGES["query"])
        cell = page.locator("table.results tbody tr").first.locator("td").first
        assert page.locator("table.results tbody tr").first.evaluate("el => getComputedStyle(el).display") == "block"
        label = cell.evaluate("el => getComputedStyle(el, '::before').content")
        assert label.strip('"') == cell.get_attribute("data-label") != ""  # each value under its column's name
    finally:
        context.close()


@pytest.mark.parametrize("width", [PHONE, 1280])
def test_axe_finds_no_serious_or_critical_violation(browser, atlas_server, axe, width):
    context, page = open_page(browser, atlas_server, width)
    problems = []
    try:
        for name, path in PAGES.items():
            visit(page, path)
            problems += blocking_violations(axe, page, name)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_axe_is_not_blind(browser, atlas_server, axe):
    """The check itself works here: an image without a text alternative, put on a real page, is reported."""
    context, page = open_page(browser, atlas_server, 1280)
    try:
        visit(page, "/about")
        page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.ico\">')")
        assert any("image-alt" in p for p in blocking_violations(axe, page, "about"))
    finally:
        context.close()
