"""The paged mitigation browser, a risk's list of mitigations and the risk navigator over plain HTTP, on the
embedded graph: every measure reachable page by page, bounded paging in the URL, facet counts that follow the other
filters, exports above the table, one row per measure for a risk, and navigator counts that lead to the same list."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest


class Listing(HTMLParser):
    """The rows of the browser's table (their mitigation links), its pager links and the range line."""

    def __init__(self, text: str):
        super().__init__()
        self.rows, self.next, self.prev, self.in_table, self.in_row_head = [], None, None, False, False
        self.feed(text)
        m = re.search(r'<p class="range" id="range">(.*?)<span', text, re.S)
        self.range = " ".join(m.group(1).split()) if m else None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "browse-table" in (a.get("class") or ""):
            self.in_table = True
        elif self.in_table and tag == "th" and a.get("scope") == "row":
            self.in_row_head = True
        elif tag == "a" and self.in_row_head:
            self.rows.append(a["href"])
            self.in_row_head = False
        elif tag == "a" and a.get("rel") == "next" and self.next is None:
            self.next = a["href"].replace("&amp;", "&")
        elif tag == "a" and a.get("rel") == "prev" and self.prev is None:
            self.prev = a["href"].replace("&amp;", "&")

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False


def html(server, path: str, **params):
    r = server.get(path, accept="text/html", **params)
    assert r.status == 200, r.text[:800]
    return r.text


def measures(kg, **params) -> set:
    return {row["mitigation"].value for row in kg.query("browse-mitigations", **params).rows}


def local(iri: str) -> str:
    return "/id/" + iri.split("/id/", 1)[1]


def test_whole_unfiltered_list_page_by_page(server, kg):
    everything = measures(kg)
    seen, path, pages = [], "/mitigations?size=2", 0
    while path:
        page = Listing(html(server, path))
        assert 1 <= len(page.rows) <= 2
        seen += page.rows
        pages += 1
        path = page.next
        assert pages <= len(everything)
    assert len(seen) == len(set(seen)) == len(everything)  # each measure once, none left out
    assert set(seen) == {local(m) for m in everything}
    first = Listing(html(server, "/mitigations", size="2"))
    assert first.range == f"1–2 of {len(everything)} mitigations"
    assert first.prev is None and "page=2" in first.next and "size=2" in first.next


def test_paging_is_bounded_and_checked(server, kg):
    n = len(measures(kg))
    last = Listing(html(server, "/mitigations", size="2", page="999999"))  # past the end: the last page
    pages = -(-n // 2)
    assert last.next is None and last.range.endswith(f"of {n} mitigations")
    assert len(last.rows) == n - 2 * (pages - 1)
    big = Listing(html(server, "/mitigations", size="100000"))  # at most the page's limit
    assert len(big.rows) == min(n, 100)
    for bad in ({"page": "two"}, {"size": "1e9"}, {"links": "everything"}):
        r = server.get("/mitigations", accept="text/html", **bad)
        assert r.status == 400 and "must be" in r.text


def test_facet_counts_follow_the_other_filters(server, kg):
    plain = html(server, "/mitigations")
    assert '<optgroup label="MIT AI Risk Mitigation taxonomy (preliminary revision)">' in plain  # grouped by scheme
    n_manage = len(measures(kg, function="Manage"))
    assert f"MG Manage ({n_manage})" in plain
    chosen = html(server, "/mitigations", stage="lifecycle:not-recorded")
    n_both = len(measures(kg, function="Manage", stage="lifecycle:not-recorded"))
    if n_both:
        assert f"MG Manage ({n_both})" in chosen
    else:
        assert "MG Manage (" not in chosen  # a choice that would leave nothing is not offered
    # the stage facet itself is counted without the stage filter: the other stages stay on offer
    assert "Build and Use Model (1)" in chosen


def test_exports_sit_above_the_table_and_cover_all_pages(server, kg):
    page = html(server, "/mitigations", size="2", actor="actor:not-recorded")
    assert page.index("format=csv") < page.index("<table")
    r = server.get("/mitigations", accept="text/csv", actor="actor:not-recorded")
    rows = {line.split(",")[0] for line in r.text.splitlines()[1:] if line}
    assert len(rows) == len(measures(kg, actor="actor:not-recorded")) > 2  # every page's measures


def test_risk_list_one_row_per_mitigation_with_evidence_and_sub_risks(server, kg):
    page = html(server, "/mitigations", risk="value misalignment")
    listed = Listing(page)
    assert sorted(listed.rows) == sorted({local(m) for m in measures(kg, risk="value misalignment")})
    assert page.count("<details>") == len(listed.rows)  # the evidence folded, one cell per row
    assert "Section: Value Misalignment" in page and "sub-risk" in page
    assert page.index('id="subrisks"') < page.index("<table")  # sub-risks near the top
    assert 'href="/mitigations?risk=llmsr%3Aprivacy"' in page  # each with its count, leading to its list


def test_risk_own_page_lists_measures_once(server, kg):
    page = html(server, "/id/llm-safety-risk/value-misalignment")
    section = page.split('id="risk-mitigations"', 1)[1].split("</section>", 1)[0]
    listed = Listing("<x>" + section)
    assert len(listed.rows) == len(set(listed.rows)) == len(measures(kg, risk="value misalignment"))
    assert section.index("Sub-risks") < section.index("<table")
    assert "/queries/mitigations-for-risk?" in section  # the long form stays one click away


def test_navigator_counts_lead_to_the_same_lists(server, kg):
    page = html(server, "/risks")
    assert page.count('<section class="scheme"') >= 2
    links = re.findall(r'<a href="(/mitigations\?risk=[^"]+)">(\d+) mitigations?</a>', page)
    assert links
    for href, n in links[:12]:
        listed = Listing(html(server, href.replace("&amp;", "&")))
        if int(n):
            assert listed.range.endswith(f"of {n} mitigations"), (href, listed.range)
        else:
            assert listed.range.startswith("None of the")


@pytest.mark.parametrize("path", ["/mitigations?size=2", "/mitigations?risk=value+misalignment", "/risks"])
def test_pages_are_light(server, path):
    page = html(server, path)
    assert len(page.encode()) < 200_000
    assert page.count("<a ") + page.count("<select") + page.count("<input") + page.count("<summary") < 700


def test_heat_map_cells_link_to_the_browser_and_state_the_denominator(server, kg):
    page = html(server, "/coverage")
    denominator = kg.query("coverage-stage-by-actor").rows[0]["denominator"].value
    assert f"out of {denominator}" in page and "outside the colour scale" in page
    cells = re.findall(r'<a class="cell-link" href="(/mitigations\?[^"]+)"[^>]*>(\d+)</a>', page)
    stages = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s a airm:LifecycleStage }").rows[0]["n"].to_python()
    actors = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s a airm:ActorType }").rows[0]["n"].to_python()
    assert len([c for c in cells if "stage=" in c[0]]) == stages * actors  # every cell, zeros included
    assert 'class="sentinel-cell"' in page
    href, n = next((h, n) for h, n in cells if "stage=lifecycle%3Abuild-and-use-model" in h and "developer" in h)
    assert Listing(html(server, href.replace("&amp;", "&"))).range.endswith(f"of {n} mitigations")
