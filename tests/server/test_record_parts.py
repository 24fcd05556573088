"""Record pages read like a catalogue: a mitigation's techniques with the works that introduced them, documents by
their titles (with authors, year and a link), the favicon, and a query page's header search box left empty."""

from __future__ import annotations

import re

from airm.server.prose import prose, render


def page(server, path: str) -> str:
    reply = server.get(path, accept="text/html")
    assert reply.status == 200, (path, reply.status)
    return reply.text


def test_mitigation_lists_its_techniques_with_the_paper_that_introduced_each(server):
    text = page(server, "/id/mitigation/shi2024-alignment-training")
    section = text.split('id="techniques"', 1)[1].split("</section>", 1)[0]
    dpo = section.split('href="/id/technique/dpo"', 1)[1].split("</li>", 1)[0]
    assert ">Direct Preference Optimization</a>" in dpo
    assert ('<a href="/id/ref/rafailov2023-dpo" title="https://w3id.org/airm/id/ref/rafailov2023-dpo">'
            "Direct Preference Optimization: Your Language Model is Secretly a Reward Model</a>") in dpo
    # documents read as their titles wherever the page links them, citation keys nowhere as link text
    assert ">Large Language Model Safety: A Holistic Survey</a>" in text
    assert ">Shi et al. 2024</a>" not in text


def test_document_page_is_headed_by_its_title_with_authors_year_and_link(server):
    text = page(server, "/id/ref/rafailov2023-dpo")
    assert "<h1>Direct Preference Optimization: Your Language Model is Secretly a Reward Model</h1>" in text
    card = text.split('<dl class="facts document">', 1)[1].split("</dl>", 1)[0]
    assert re.search(r"<dt>Authors</dt><dd[^>]*>Rafailov, Rafael; Sharma, Archit; .*Finn, Chelsea</dd>", card)
    assert "<dt>Year</dt><dd>2023</dd>" in card
    assert '<a href="https://arxiv.org/abs/2305.18290" rel="external noopener">' in card
    assert "<dt>Cited as</dt><dd>Rafailov et al. 2023</dd>" in card


def test_favicon_is_served_and_linked(server):
    icon = server.get("/favicon.ico")
    assert icon.status == 200 and icon.type == "image/svg+xml" and icon.body.startswith(b"<svg")
    assert server.get("/static/favicon.svg").body == icon.body
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page(server, "/")


def test_query_page_leaves_the_header_search_box_empty(server):
    """The page's context once held the query object under the name the header's search box reads (q): the box
    showed its Python repr, with the server's install path."""
    for path in ("/queries/mitigations-for-risk", "/queries/mitigations-for-risk?risk=privacy"):
        text = page(server, path)
        box = re.search(r'<input id="site-search"[^>]*>', text).group(0)
        assert 'value=""' in box, box
        assert "StoredQuery" not in text and "site-packages" not in text and ".rq" not in box


def test_markdown_is_rendered_without_anything_that_runs():
    out = str(render('x <script>alert(1)</script> [a](javascript:alert(1)) <img src=x onerror=alert(2)> '
                     '[b](data:text/html;base64,PHNjcmlwdD4=) [c](/techniques/AML.T0051.000) [d](/elsewhere) '
                     '[e](https://example.org/) <a href="javascript:alert(3)">f</a>\n\n# Big heading'))
    assert "<script" not in out and "<img" not in out and not re.search(r"<[^>]*\son\w+=", out)
    assert not re.search(r'<a [^>]*href="(javascript|data):', out)  # "&lt;a href=..." as shown text is harmless
    assert '<a href="/id/atlas/AML.T0051.000" rel="noopener noreferrer nofollow">c</a>' in out
    assert "<a rel=\"noopener noreferrer nofollow\">d</a>" in out  # a relative link elsewhere loses its target
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">e</a>' in out
    assert "<h3>Big heading</h3>" in out  # a heading inside a description never outranks the page's own


def test_plain_text_sources_are_not_read_as_markdown():
    assert str(prose("a *b* <i>c</i>", "data/mitigations/x.ttl")) == "<p>a *b* &lt;i&gt;c&lt;/i&gt;</p>"
    assert str(prose("a *b*", "import atlas")) == "<p>a <em>b</em></p>\n"


def test_a_record_lists_a_bounded_number_of_referrers_per_property_and_counts_the_rest(kg, monkeypatch):
    """A risk has hundreds of referrers; a page lists REFERRERS_SHOWN per property and says how many it left out."""
    from airm.server import records

    counts = kg.sparql("SELECT ?o ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o) && isIRI(?s)) } "
                       "GROUP BY ?o ?p ORDER BY DESC(?n) LIMIT 1").rows[0]
    iri, prop, total = counts["o"].value, counts["p"].value, int(counts["n"].value)
    assert total > 3
    monkeypatch.setattr(records, "REFERRERS_SHOWN", 3)
    rec = records.record(kg, iri, timeout=30, limit=1000)
    group = next(g for g in rec["incoming"] if g["predicate"].value == prop)
    assert len(group["subjects"]) == 3 and group["more"] == total - 3
    monkeypatch.setattr(records, "REFERRERS_SHOWN", 10_000)
    rec = records.record(kg, iri, timeout=30, limit=10_000)
    group = next(g for g in rec["incoming"] if g["predicate"].value == prop)
    assert len(group["subjects"]) == total and group["more"] == 0
