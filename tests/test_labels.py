"""The label lookup every face shares (CLI report, web pages): which label wins, and which IRIs a result needs."""

import pyoxigraph as ox

from airm.labels import best_literal, label_of, result_iris
from airm.results import QueryResult, Term
from airm.vocab import Rdfs, Skos

X = ox.NamedNode("https://example.org/x")


def test_preferred_label_wins_and_english_is_chosen_among_languages():
    store = ox.Store()
    store.add(ox.Quad(X, ox.NamedNode(Rdfs.label), ox.Literal("plain label")))
    assert label_of(store, X.value) == "plain label"
    store.add(ox.Quad(X, ox.NamedNode(Skos.prefLabel), ox.Literal("Etikett", language="de")))
    store.add(ox.Quad(X, ox.NamedNode(Skos.prefLabel), ox.Literal("label", language="en-GB")))
    assert label_of(store, X.value) == "label"
    assert label_of(store, "https://example.org/unlabelled") is None


def test_best_literal_falls_back_to_any_language():
    assert best_literal([ox.Literal("Etikett", language="de")]) == "Etikett"
    assert best_literal([]) is None


def test_result_iris_takes_only_iris():
    uri, lit = Term("uri", "https://example.org/a"), Term("literal", "https://example.org/not-an-iri")
    select = QueryResult(kind="select", variables=["a", "b"], rows=[{"a": uri, "b": lit}])
    assert result_iris(select) == {"https://example.org/a"}
    assert result_iris(QueryResult(kind="construct", triples=[(uri, uri, lit)])) == {"https://example.org/a"}
    assert result_iris(None) == set()
