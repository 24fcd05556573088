"""A person with a browser: headless Chromium (Debian's, driven by Playwright through ``executable_path``) clicks
through the site. Screenshots of every step go to the test's artifact folder (``AIRM_ARTIFACTS``, else pytest's
tmp folder). Skipped where Chromium is missing; a failure in CI (CI=true), whose .ci/run installs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    folder = os.environ.get("AIRM_ARTIFACTS")
    path = Path(folder) / "browser" if folder else tmp_path_factory.mktemp("browser-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_search_open_mitigation_follow_source(page, artifacts):
    page.goto("/")
    assert page.locator("h1").inner_text().startswith("AI-risk mitigations")
    assert page.locator("ul.counts li").count() >= 5
    shot(page, artifacts, "01-home")

    page.get_by_label("Search", exact=True).fill("RLHF")
    page.locator("main form[role=search] button").click()
    page.wait_for_url("**/search?q=RLHF")
    shot(page, artifacts, "02-search-rlhf")

    page.get_by_role("link", name="Alignment training").first.click()
    page.wait_for_url("**/id/mitigation/shi2024-alignment-training")
    assert page.locator("h1").inner_text() == "Alignment training"
    assert page.get_by_text("Section: Value Misalignment").first.is_visible()
    shot(page, artifacts, "03-mitigation")

    page.locator("dl.facts").get_by_role("link", name="Large Language Model Safety: A Holistic Survey").first.click()
    page.wait_for_url("**/id/ref/shi2024-llm-safety-survey")
    assert page.locator("h1").inner_text() == "Large Language Model Safety: A Holistic Survey"
    assert page.locator("dl.document").get_by_text("Shi et al. 2024").is_visible()  # the citation key, as a fact
    assert page.get_by_role("link", name="2412.17686", exact=True).is_visible()  # the arXiv identifier, as a link
    shot(page, artifacts, "04-source-paper")


def test_from_the_seed_mitigation_to_the_paper_that_introduced_dpo_in_two_clicks(page, artifacts):
    page.goto("/id/mitigation/shi2024-alignment-training")
    techniques = page.locator("section[aria-labelledby=techniques]")
    techniques.get_by_role("link", name="Direct Preference Optimization", exact=True).click()  # click 1: the technique
    page.wait_for_url("**/id/technique/dpo")
    assert page.locator("h1").inner_text() == "Direct Preference Optimization"
    shot(page, artifacts, "04b-technique-dpo")
    title = "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"
    page.locator("dl.facts").get_by_role("link", name=title).click()  # click 2: the work that introduced it
    page.wait_for_url("**/id/ref/rafailov2023-dpo")
    assert page.locator("h1").inner_text() == title
    card = page.locator("dl.document")
    assert "Rafailov, Rafael" in card.inner_text() and "2023" in card.inner_text()
    assert card.get_by_role("link", name="https://arxiv.org/abs/2305.18290").is_visible()
    shot(page, artifacts, "04c-paper-dpo")


def test_run_a_catalog_query_from_the_page(page, artifacts):
    page.goto("/query")
    page.get_by_role("link", name="training-methods-for-risk").click()
    page.wait_for_url("**/query?example=training-methods-for-risk")
    assert "training" in page.locator("textarea#query").input_value().lower()
    shot(page, artifacts, "05-editor-example")
    page.get_by_role("button", name="Run query").click()
    page.wait_for_url("**/sparql?**")
    rows = page.locator("#results table.results tbody tr")
    assert rows.count() >= 1
    assert page.locator("#results").get_by_role("link", name="Alignment training").first.is_visible()
    shot(page, artifacts, "06-editor-results")


def test_stored_query_form(page, artifacts):
    page.goto("/queries/mitigations-for-risk")
    page.get_by_label("risk").fill("privacy")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**/queries/mitigations-for-risk?risk=privacy**")  # the other parameters (follow) follow
    assert page.locator("table.results tbody tr").count() >= 1
    shot(page, artifacts, "07-stored-query")


def test_mitigation_browser_filters(page, artifacts):
    page.goto("/mitigations")
    total = page.locator("table.mitigations tbody tr").count()
    page.get_by_label("Lifecycle stage").select_option(label="3 Build and Use Model (1)")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/mitigations?**stage=lifecycle%3Abuild-and-use-model**")
    assert 0 < page.locator("table.mitigations tbody tr").count() < total
    shot(page, artifacts, "08-browser-filtered")


def test_coverage_heat_maps_load(page, artifacts):
    page.goto("/coverage")
    for name in ("stage-by-actor", "category-by-domain"):
        img = page.locator(f"#fig-{name}")
        img.scroll_into_view_if_needed()
        page.wait_for_function(f"document.getElementById('fig-{name}').complete")
        assert img.evaluate("el => el.naturalWidth") > 300
    assert page.get_by_role("heading", name="Risks with no mitigation").is_visible()
    shot(page, artifacts, "09-coverage")
