"""ATLAS on the web: the tactic × technique matrix, a mitigation's per-technique use notes, case studies rendered
from Markdown with nothing executable left, and the "about this data" pages; served from a workspace holding the
small ATLAS file tests/fixtures/server/atlas-pages.yaml (see conftest.atlas_server)."""

from __future__ import annotations

import re
from html.parser import HTMLParser


def html(server, path: str) -> str:
    reply = server.get(path, accept="text/html")
    assert reply.status == 200, (path, reply.status, reply.text[:500])
    return reply.text


class Tags(HTMLParser):
    """Every start tag with its attributes, to look for what must not be there."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(text: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(text)
    return parser.tags


def test_matrix_keeps_the_sources_tactic_order_and_folds_sub_techniques(atlas_server):
    page = html(atlas_server, "/atlas/matrix")
    order = [m.group(1) for m in re.finditer(r'<h2 id="tac-\d+"><a href="/id/atlas/(AML\.TA\d+)"', page)]
    assert order == ["AML.TA0903", "AML.TA0901", "AML.TA0902"]  # the file's order, not the ids'
    # the parent technique sits under both its tactics; its two sub-techniques are folded under it, not beside it
    assert page.count('<a href="/id/atlas/AML.T0911">Quokka Poisoning</a>') == 2
    assert page.count("2 sub-techniques</summary>") == 2
    folded = page.split("2 sub-techniques</summary>", 1)[1].split("</details>", 1)[0]
    assert '<a href="/id/atlas/AML.T0911.000">Quokka Label Poisoning</a>' in folded
    assert '<a href="/id/atlas/AML.T0911.001">Quokka Data Poisoning</a>' in folded
    assert "3 tactics" in page


def test_matrix_without_atlas_says_how_to_import_it(server):
    page = html(server, "/atlas/matrix")
    assert "airm import atlas" in page and "tac-1" not in page


def test_mitigation_page_shows_each_techniques_use_note_as_text(atlas_server):
    page = html(atlas_server, "/id/atlas/AML.M0910")
    section = page.split('id="uses"', 1)[1].split("</section>", 1)[0]
    assert "Quokka Scouting" in section and "Quokka Label Poisoning" in section
    assert "Hide the <em>scouting</em> surface: publish less." in section  # the source's Markdown, rendered
    # ATLAS's site-relative link is sent to our page for the same technique
    assert '<a href="/id/atlas/AML.T0911" rel="noopener noreferrer nofollow">the technique</a>' in section


def test_technique_page_lists_the_mitigations_against_it_with_their_use_notes(atlas_server):
    page = html(atlas_server, "/id/atlas/AML.T0911.000")
    section = page.split('id="used-against"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/id/atlas/AML.M0910"' in section and ">Quokka Input Screening</a>" in section
    assert "Check labels before training" in section
    assert 'id="used-against"' not in html(atlas_server, "/id/atlas/AML.T0911")  # listed for its sub-technique only


def test_case_study_markdown_is_rendered_and_nothing_in_it_runs(atlas_server):
    page = html(atlas_server, "/id/atlas/AML.CS0910")
    summary = page.split('<div class="description">', 1)[1].split("</div>", 1)[0]
    assert '<a href="https://example.org/report" rel="noopener noreferrer nofollow">the <strong>report</strong></a>' \
        in summary
    assert "&lt;script&gt;" in summary  # shown as text, never a tag
    for tag, attrs in tags(summary):
        assert tag != "script" and tag != "img", (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), attrs
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), attrs
    assert "javascript:" not in "".join(a.get("href") or "" for _, a in tags(page))
    steps = page.split('id="procedure"', 1)[1].split("</section>", 1)[0]
    assert steps.index("Quokka Scouting") < steps.index("Quokka Label Poisoning")  # the procedure's order
    assert "<code>quokka-scan</code>" in steps
    assert '<a href="/id/atlas/AML.T0911" rel="noopener noreferrer nofollow">the poisoning technique</a>' in steps


def test_about_lists_the_imported_sources(atlas_server):
    page = html(atlas_server, "/about")
    assert '<a href="/about/atlas">' in page
    assert "0.0.2-pages" in page and "Apache-2.0" in page


def test_about_a_source_gives_version_licence_origin_counts_and_link_coverage(atlas_server):
    page = html(atlas_server, "/about/atlas")
    assert "<dd>0.0.2-pages</dd>" in page
    assert '<a href="https://spdx.org/licenses/Apache-2.0.html" rel="external noopener">Apache-2.0</a>' in page
    assert '<a href="https://atlas.mitre.org/" rel="external noopener">' in page
    assert "<code>atlas-pages.yaml</code>" in page
    assert "fixtures" not in page  # a file's name, never where it lies on the server's disk
    assert '<span class="n">3</span> tactics' in page and '<span class="n">1</span> case studies' in page
    coverage = page.split('id="coverage"', 1)[1].split("</section>", 1)[0]
    row = re.search(r'<th scope="row" data-label="axis">lifecycle stage</th>(.*?)</tr>', coverage, re.S).group(1)
    assert re.findall(r">([^<]*)</td>", row) == ["1", "1 (100 %)", "0 (0 %)", "0 (0 %)"]


def test_about_an_unknown_source_is_not_found(atlas_server):
    reply = atlas_server.get("/about/no-such-source", accept="text/html")
    assert reply.status == 404
    assert "no imported source named" in reply.text


def test_about_with_no_imports_says_so(server):
    assert "No source is imported" in html(server, "/about")
