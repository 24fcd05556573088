"""The web pages over plain HTTP: home, search, the mitigation browser with filters in the URL, coverage, the
query editor; each page server-rendered and usable without JavaScript, with labelled controls."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest


class Page(HTMLParser):
    """The parts of a page the accessibility checks read."""

    def __init__(self, text: str):
        super().__init__()
        self.lang = None
        self.h1 = 0
        self.controls, self.labels, self.images, self.links, self.scripts = [], set(), [], [], 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)
        elif tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        elif tag == "img":
            self.images.append(a)
        elif tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "script":
            self.scripts += 1


PAGES = ["/", "/search?q=RLHF", "/mitigations", "/mitigations?risk=privacy", "/coverage", "/queries",
         "/queries/mitigations-for-risk", "/query", "/sparql?query=ASK%7B%7D",
         "/id/mitigation/shi2024-alignment-training", "/id/ref/shi2024-llm-safety-survey", "/id/scheme/lifecycle",
         "/ontology"]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_html_without_script(server, path):
    r = server.get(path, accept="text/html")
    assert r.status == 200, r.text[:500]
    p = Page(r.text)
    assert p.lang == "en"
    assert p.h1 == 1
    assert p.scripts == 0  # everything works without JavaScript
    for control in p.controls:
        assert control.get("id") in p.labels, f"a form control without a label on {path}: {control}"
    for img in p.images:
        assert img.get("alt"), f"an image without alt text on {path}"


def test_home_has_counts_and_search(server, kg):
    page = server.get("/", accept="text/html").text
    mitigations = kg.sparql("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a airm:Mitigation }").rows[0]["n"].value
    assert f'<span class="n">{mitigations}</span> mitigation' in page
    assert 'action="/search"' in page


def test_search_finds_the_seed_mitigation(server):
    page = server.get("/search", accept="text/html", q="RLHF").text
    assert 'href="/id/mitigation/shi2024-alignment-training"' in page
    assert 'href="/id/technique/rlhf"' in page  # other resources too


def browse(server, **filters) -> set:
    r = server.get("/mitigations", accept="text/csv", **filters)
    assert r.status == 200, r.text
    return {row["mitigation"].rsplit("/", 1)[1] for row in csv.DictReader(io.StringIO(r.text))}


def test_browser_filters_by_each_facet(server):
    everything = browse(server)
    assert len(everything) >= 7
    assert browse(server, risk="value misalignment") >= {"shi2024-alignment-training", "shi2024-mitigating-social-bias",
                                                         "shi2024-privacy-protection"}  # with its sub-risks
    assert "shi2024-robustness-to-attack" not in browse(server, risk="value misalignment")
    assert browse(server, risk="privacy") == {"shi2024-privacy-protection"}
    assert browse(server, stage="3") == {"shi2024-alignment-training"}
    assert browse(server, actor="developer", function="Manage") == {"shi2024-alignment-training"}
    assert "shi2024-alignment-training" in browse(server, category="mtaxp:1")  # training sits under AI System
    assert browse(server, category="99.9") == {"shi2024-value-misalignment-other"}
    assert browse(server, source="ref:shi2024-llm-safety-survey") >= everything & {"shi2024-alignment-training"}


def test_browser_page_keeps_filters_in_the_url(server):
    page = server.get("/mitigations", accept="text/html", risk="privacy", stage="lifecycle:not-recorded").text
    assert 'href="/id/mitigation/shi2024-privacy-protection"' in page
    assert "shi2024-alignment-training" not in page.split("<table")[1]
    assert 'value="privacy"' in page  # the risk box shows the filter
    assert "selected" in page  # and the stage menu its choice
    assert "format=csv" in page and "risk=privacy" in page  # exports of the same list


def test_browser_bad_filter_is_400_with_the_catalog_message(server):
    r = server.get("/mitigations", accept="text/html", stage="no such stage")
    assert r.status == 400
    assert "no airm:LifecycleStage matches" in r.text


def test_coverage_page_and_figures(server, kg):
    page = server.get("/coverage", accept="text/html").text
    assert 'src="/coverage/stage-by-actor.png"' in page and 'src="/coverage/category-by-domain.png"' in page
    for row in kg.query("unmitigated-risks").rows:  # every unmitigated risk is listed beside the pictures
        assert row["riskLabel"].value.replace("&", "&amp;") in page
    png = server.get("/coverage/stage-by-actor.png")
    assert png.status == 200 and png.type == "image/png" and png.body[:8] == b"\x89PNG\r\n\x1a\n"
    svg = server.get("/coverage/category-by-domain.svg")
    assert svg.type == "image/svg+xml"
    assert ElementTree.fromstring(svg.body).tag.endswith("svg")
    assert server.get("/coverage/nothing.png").status == 404


def test_editor_runs_a_catalog_example(server):
    editor = server.get("/query", accept="text/html", example="training-methods-for-risk").text
    assert "airm:Mitigation" in editor or "airm:" in editor
    assert 'href="/query?example=mitigations-for-risk"' in editor  # the catalog as examples
    from airm import catalog

    text = catalog.get("training-methods-for-risk").text
    page = server.get("/sparql", accept="text/html", query=text).text
    assert "<table" in page and 'href="/id/mitigation/shi2024-alignment-training"' in page


def test_editor_shows_errors_in_the_page(server):
    r = server.get("/sparql", accept="text/html", query="SELECT nonsense")
    assert r.status == 400
    assert "SPARQL syntax error" in r.text and "<textarea" in r.text


@pytest.mark.parametrize("path", ["/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
                                  "/mitigations?risk=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
                                  "/sparql?query=%3Cscript%3Ealert(1)%3C/script%3E",
                                  "/queries/search-mitigations?keyword=%3Cscript%3Ealert(1)%3C/script%3E"])
def test_user_text_is_escaped(server, path):
    r = server.request(path, headers={"Accept": "text/html"})
    assert r.status in (200, 400)
    assert "<script>" not in r.text and "&lt;script&gt;" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
