"""The web's toggles for issue 14: a stored query's page and API read the classification proposals only when asked
(``with_proposals``, as the CLI's ``--with-proposals``), each row then saying its status and method; and the form
chooses ``follow`` of mitigations-for-risk from its values. Driven through a real ``airm serve --workspace`` on the
classify fixture, the form by headless Chromium."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from .serving import start

FIXTURE = Path(__file__).resolve().parents[1] / "classify" / "fixture.nq.txt"
MIT = "https://w3id.org/airm/id/mit-mitigation/"
RISK = "https://w3id.org/airm/id/mit-risk-domain/2.1"


@pytest.fixture(scope="module")
def served(tmp_path_factory, _isolated_cache):
    from airm.classify import classify

    ws = tmp_path_factory.mktemp("classified")
    (ws / "sources").mkdir()
    shutil.copy(FIXTURE, ws / "sources" / "fixture.nq")
    classify(workspace=ws)
    assert (ws / "classification" / "proposals.nq").exists()
    srv = start(tmp_path_factory.mktemp("serve-proposals") / "requests.log", "--workspace", str(ws), "--workers", "1")
    yield srv
    srv.stop()


def rows(reply) -> list[dict]:
    assert reply.status == 200, reply.text
    return list(csv.DictReader(io.StringIO(reply.text)))


def test_api_leaves_proposals_out_unless_asked(served):
    plain = rows(served.get("/queries/mitigations-by-function", function="GV", format="csv"))
    assert MIT + "T0001" not in {r["mitigation"] for r in plain}
    assert {r["status"] for r in plain} == {"source"}
    fuller = rows(served.get("/queries/mitigations-by-function", function="GV", format="csv", with_proposals="1"))
    t0001 = [r for r in fuller if r["mitigation"] == MIT + "T0001"]
    assert t0001 and t0001[0]["status"] == "proposed" and t0001[0]["method"] == "text-model"
    assert "its exact match is classified RMF function Govern" in t0001[0]["rationale"]
    assert len(fuller) > len(plain)
    off = rows(served.get("/queries/mitigations-by-function", function="GV", format="csv", with_proposals="0"))
    assert off == plain


def test_toggle_value_is_checked(served):
    r = served.get("/queries/mitigations-by-function", accept="text/csv", function="GV", with_proposals="maybe")
    assert r.status == 400 and r.headers["x-airm-error"] == "bad-request"
    assert r.text.startswith("error: 'with_proposals' must be true or false")
    twice = served.get("/queries/mitigations-by-function?function=GV&with_proposals=1&with_proposals=0",
                       accept="text/csv")
    assert twice.status == 400 and "given twice" in twice.text


def test_page_keeps_the_toggle_in_its_links(served):
    page = served.get("/queries/mitigations-for-risk", accept="text/html", risk=RISK, with_proposals="1")
    assert page.status == 200
    assert 'name="with_proposals" value="1" checked' in page.text
    assert "Classification proposals included" in page.text
    assert "with_proposals=1&amp;format=csv" in page.text  # a download carries the same rows
    assert "--with-proposals</code>" in page.text
    assert "proposed" in page.text and "crosswalk" in page.text
    plain = served.get("/queries/mitigations-for-risk", accept="text/html", risk=RISK)
    assert 'value="1" checked' not in plain.text
    # the parameter's description speaks of proposed mappings; only the rows of the toggled page say "proposed"
    assert plain.text.count("proposed") < page.text.count("proposed")
    assert '<select id="p-follow" name="follow">' in plain.text
    assert '<option value="none" selected>none (default)</option>' in plain.text


def test_form_chooses_follow_and_proposals(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=served.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/queries/mitigations-for-risk")
        page.get_by_label("risk").fill(RISK)
        page.get_by_label("follow").select_option("category")
        page.get_by_role("button", name="Run").click()
        page.wait_for_url("**follow=category**")
        assert "with_proposals" not in page.url
        table = page.locator("table.results")
        assert table.get_by_text("category level", exact=False).first.is_visible()
        assert table.get_by_text("proposed").count() == 0
        assert page.get_by_label("follow").input_value() == "category"  # the choice survives the run

        page.get_by_label("include classification proposals").check()
        page.get_by_role("button", name="Run").click()
        page.wait_for_url("**with_proposals=1**")
        assert page.get_by_label("include classification proposals").is_checked()
        assert page.get_by_label("follow").input_value() == "category"
        assert table.get_by_text("proposed").count() >= 1
        assert table.get_by_text("text-model").count() >= 1  # each included row names the method behind it
    finally:
        context.close()
