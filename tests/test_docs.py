"""``airm docs --out DIR``: the HTML documentation generates without errors, with a page per concept scheme and the
query catalog rendered from the query headers; nothing on the pages loads from the network."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from airm import catalog
from helpers import run_cli


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.remote = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe") and (a.get("src") or "").startswith(("http:", "https:", "//")):
            self.remote.append((tag, a["src"]))
        if tag == "link" and (a.get("href") or "").startswith(("http:", "https:", "//")):
            self.remote.append((tag, a["href"]))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "site"
    code, text, err = run_cli("docs", "--out", str(out))
    assert code == 0, err
    assert "pages into" in text
    return out


def test_every_page_is_generated_and_loads_nothing_remote(docs):
    pages = sorted(docs.rglob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "ontology.html", "queries.html", "alignments.html"}
    for page in pages:
        checker = _Checker()
        checker.feed(page.read_text(encoding="utf-8"))
        assert not checker.remote, (page.name, checker.remote)
        for href in checker.links:  # links between our pages resolve
            if not href.startswith(("http:", "https:", "#", "mailto:")):
                assert (page.parent / href.split("#")[0]).is_file(), (page.name, href)


def test_one_page_per_concept_scheme(docs, kg):
    schemes = {sol["s"].value for sol in kg.store.query(
        "SELECT DISTINCT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> FILTER(isIRI(?s)) }",
        use_default_graph_as_union=True)}
    pages = list((docs / "schemes").glob("*.html"))
    assert len(pages) == len(schemes) > 5
    lifecycle = (docs / "schemes" / "lifecycle.html").read_text()
    for stage in ("Plan and Design", "Collect and Process Data", "Build and Use Model", "Verify and Validate", "Deploy",
                  "Operate and Monitor"):
        assert stage in lifecycle
    assert "ai:DeploymentStage" in lifecycle and "closeMatch" in lifecycle  # the alignments show beside each stage
    domains = (docs / "schemes" / "mit-risk-domain.html").read_text()
    assert domains.index("Privacy") > 0 and re.search(r"2\.1</span>", domains)


def test_the_query_catalog_page_comes_from_the_query_headers(docs):
    page = (docs / "queries.html").read_text()
    text = html.unescape(page)
    for q in catalog.catalog().values():
        assert f'id="{q.name}"' in page
        assert q.title in text and q.question in text
        assert " ".join(q.description.split())[:60] in " ".join(text.split())
        for p in q.params:
            assert f"<code>{p}</code>" in page


def test_the_ontology_page_documents_classes_properties_and_alignments(docs):
    page = (docs / "ontology.html").read_text()
    for term in ("Mitigation", "RiskAddressing", "addresses", "lifecycleStage"):
        assert term in page
    assert "RiskControl" in page  # the superclasses from the alignments
    index = (docs / "index.html").read_text()
    assert "0." in index and "schemes/lifecycle.html" in index
    alignments = (docs / "alignments.html").read_text()
    assert "airo:RiskControl" in alignments and "semapv:ManualMappingCuration" in alignments


def test_docs_into_a_file_path_is_a_clear_error(tmp_path):
    target = tmp_path / "file.html"
    target.write_text("x")
    code, _out, err = run_cli("docs", "--out", str(target))
    assert code == 2 and "Traceback" not in err
