"""A person in Chromium with the browser, the risk navigator and a risk's page (Debian's Chromium through
Playwright, as test_browser.py): page through the whole unfiltered list, filter it, go from the navigator to the
browser, read a risk's mitigations one row each, and find no sideways scrolling on a 390 px wide phone."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def rows(page) -> list[str]:
    return page.locator("table.browse-table tbody th[scope=row] a").evaluate_all("els => els.map(e => e.href)")


def total(page) -> int:
    if page.locator("#range").inner_text().startswith("None of the"):
        return 0
    return int(re.search(r"of ([\d,]+) mitigations", page.locator("#range").inner_text())[1].replace(",", ""))


@pytest.mark.slow
def test_page_through_the_whole_unfiltered_list(page, kg):
    everything = {row["mitigation"].value for row in kg.query("browse-mitigations").rows}
    page.goto("/mitigations?size=2")
    assert total(page) == len(everything)
    seen = rows(page)
    while page.get_by_role("link", name="Next →").count():
        page.get_by_role("link", name="Next →").first.click()
        page.wait_for_load_state()
        seen += rows(page)
    assert len(seen) == len(set(seen)) == len(everything)
    page.get_by_role("link", name="← Previous").first.click()
    assert "page=" in page.url or page.url.endswith("size=2")


def test_filter_then_navigator_to_browser(page):
    page.goto("/mitigations")
    before = total(page)
    page.get_by_label("Actor type").select_option(label="1 Developer (1)")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/mitigations?**actor=actor%3Adeveloper**")
    assert total(page) == 1 < before
    offered = page.locator("#f-function option").all_inner_texts()[1:]  # after "any"
    assert offered == ["MG Manage (1)"]  # the other facets count within the chosen actor
    page.goto("/risks")
    node = page.locator("details", has=page.locator("summary", has_text="Value Misalignment")).first
    node.locator("summary").first.click()  # the tree starts folded
    link = node.locator("p.node-counts").first.get_by_role("link", name=re.compile(r"^\d+ mitigations?$"))
    shown = int(link.inner_text().split()[0])
    link.click()
    page.wait_for_url("**/mitigations?risk=**")
    assert total(page) == shown


def test_risk_page_one_row_per_mitigation(page):
    page.goto("/id/llm-safety-risk/value-misalignment")
    listed = page.locator("section.risk-mitigations table.browse-table tbody tr")
    links = rows(page)
    assert listed.count() == len(links) == len(set(links)) >= 6
    first = page.locator("section.risk-mitigations details").first
    first.locator("summary").click()
    assert "Value Misalignment" in first.inner_text()


@pytest.mark.parametrize("path", ["/mitigations", "/mitigations?risk=value+misalignment", "/risks",
                                  "/mitigations?risk=value+misalignment&size=2&page=2", "/coverage"])
def test_no_sideways_scroll_on_a_phone(phone, path):
    phone.goto(path)
    for summary in phone.locator("table.browse-table details summary").all():
        summary.click()  # the evidence opened too
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at 390 px"
