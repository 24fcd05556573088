"""airm validates its own outputs and its own files as conforming (issue 12 item 13): a file that restates nodes of
the embedded data restates their blank-node values (author lists) as new blank nodes, and equal copies are one value,
while a list that differs is still two."""

from __future__ import annotations

import pytest

from airm.resources import data_files
from airm.validation import merge_restated_blank_nodes, validate
from helpers import run_cli

CITATION = """@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix ref: <https://w3id.org/airm/id/ref/> .
ref:ouyang2022-instructgpt bibo:authorList ( {authors} ) .
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    code, _out, err = run_cli("build", "--out", str(out))
    assert code == 0, err
    return out


@pytest.mark.parametrize("name", ["airm.ttl", "airm.nt", "airm.jsonld"])
def test_the_build_validates_as_conforming(build, name):
    """Was 34 violations on airm.ttl: every author list counted twice."""
    code, out, err = run_cli("validate", str(build / name))
    assert code == 0, out + err
    assert "conforms: 0 violation(s)" in out


def test_airms_own_data_files_validate_as_conforming():
    """Was 17 violations for data/citations/llm-safety-survey-references.ttl alone."""
    code, out, err = run_cli("validate", *map(str, data_files()))
    assert code == 0, out + err


def test_a_file_restating_an_author_list_member_for_member_conforms(tmp_path, kg):
    doc = "https://w3id.org/airm/id/ref/ouyang2022-instructgpt"
    same = tmp_path / "same.ttl"
    authors = " ".join(f'"{a}"' for a in _ordered_authors(kg, doc))
    same.write_text(CITATION.format(authors=authors), encoding="utf-8")
    report = validate([same])
    assert report.conforms, report.to_text()


def test_a_file_giving_a_different_author_list_is_still_a_violation(tmp_path, kg):
    doc = "https://w3id.org/airm/id/ref/ouyang2022-instructgpt"
    for authors in ('"Someone, Else"', " ".join(f'"{a}"' for a in reversed(_ordered_authors(kg, doc))) + ' "X, Y"'):
        other = tmp_path / "other.ttl"
        other.write_text(CITATION.format(authors=authors), encoding="utf-8")
        report = validate([other])
        assert not report.conforms
        assert any(p.path == "bibo:authorList" and "ouyang2022" in p.focus for p in report.problems)


def _ordered_authors(kg, doc: str) -> list[str]:
    import pyoxigraph as ox

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    node = next(kg.store.quads_for_pattern(ox.NamedNode(doc), ox.NamedNode("http://purl.org/ontology/bibo/authorList"),
                                           None, None)).object
    names = []
    while node != ox.NamedNode(rdf + "nil"):
        names.append(next(kg.store.quads_for_pattern(node, ox.NamedNode(rdf + "first"), None, None)).object.value)
        node = next(kg.store.quads_for_pattern(node, ox.NamedNode(rdf + "rest"), None, None)).object
    return names


def test_merging_keeps_lists_that_differ_and_long_lists_do_not_recurse():
    import pyoxigraph as ox

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    doc, p, g = ox.NamedNode("https://example.org/doc"), ox.NamedNode("https://example.org/list"), ox.DefaultGraph()

    def chain(names):
        nodes = [ox.BlankNode() for _ in names]
        quads = [ox.Quad(doc, p, nodes[0], g)]
        for i, (n, name) in enumerate(zip(nodes, names, strict=True)):
            rest = nodes[i + 1] if i + 1 < len(nodes) else ox.NamedNode(rdf + "nil")
            quads += [ox.Quad(n, ox.NamedNode(rdf + "first"), ox.Literal(name), g),
                      ox.Quad(n, ox.NamedNode(rdf + "rest"), rest, g)]
        return quads

    long = [f"Author {i}" for i in range(5000)]
    store = ox.Store()
    store.extend(chain(long) + chain(long) + chain(long[:-1] + ["Someone else"]))
    assert merge_restated_blank_nodes(store) == 1
    assert len(list(store.quads_for_pattern(doc, p, None, None))) == 2
    assert len(store) == 2 * (1 + 2 * len(long))
