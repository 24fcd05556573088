"""One reading of SPARQL text (airm.sparql.text): the catalog, the engines and the endpoint client ask the same
scanner, so a stored query's parameter and an ad-hoc binding are accepted and refused alike (issue 13: a ``?risk``
seen only in a comment and a string passed the catalog and was refused by the engine)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airm.catalog import parse_query_file
from airm.engines import check_bindings
from airm.errors import InputFileError, QueryError
from airm.sparql import text as sparql_text
from airm.sparql.binding import bind_values

RISK = "https://w3id.org/airm#Risk"
A_RISK = f"a <{RISK}>"

# (query, whether ?risk can take a bound value)
CASES = [
    (f"SELECT ?risk WHERE {{ ?risk {A_RISK} }}", True),
    (f"SELECT $risk WHERE {{ $risk {A_RISK} }}", True),
    (f"SELECT * WHERE {{ ?risk {A_RISK} }}", True),
    (f"ASK {{ ?risk {A_RISK} }}", True),
    (f"CONSTRUCT {{ ?risk {A_RISK} }} WHERE {{ ?risk {A_RISK} }}", True),
    # the case: ?risk only in a comment and in a string
    (f'SELECT ?x WHERE {{ ?x {A_RISK} # ?risk\n FILTER(STR(?x) != "?risk") }}', False),
    # only inside an IRI, after a '#' that is no comment
    ("SELECT ?x WHERE { ?x a <https://example.org/x#?risk> }", False),
    # only in a long string that holds braces, quotes and a '#'
    ("SELECT ?x WHERE { ?x ?p ?o FILTER(?o != '''} \" # ?risk {''') }", False),
    # used, but not projected (Oxigraph substitutes only projected variables)
    ("SELECT ?x WHERE { ?x ?p ?risk }", False),
    ("SELECT ?x (SAMPLE(?risk) AS ?r) WHERE { ?x ?p ?risk } GROUP BY ?x", False),
    # assigned by the query itself
    ('SELECT ?x ?risk WHERE { ?x ?p ?o BIND("r" AS ?risk) }', False),
    # a comment with a brace inside the projection does not end it
    ("SELECT ?x # { not a group\n ?risk WHERE { ?x ?p ?risk }", True),
    # a sub-select projects ?risk inside; the top-level projection decides
    ("SELECT ?risk ?n WHERE { { SELECT ?risk (COUNT(*) AS ?n) WHERE { ?x ?p ?risk } GROUP BY ?risk } }", True),
    ("SELECT ?n WHERE { { SELECT ?risk (COUNT(*) AS ?n) WHERE { ?x ?p ?risk } GROUP BY ?risk } }", False),
]


def _catalog_accepts(tmp_path, text: str) -> bool:
    path = tmp_path / "case.rq"
    path.write_text("#+ title: T\n#+ description: D\n#+ question: Q?\n#+ params:\n#+   risk:\n#+     type: iri\n"
                    "#+     description: the risk\n" + text + "\n", encoding="utf-8")
    try:
        parse_query_file(path)
    except InputFileError:
        return False
    return True


def _engines_accept(text: str) -> bool:
    import pyoxigraph as ox

    try:
        check_bindings(text, {"risk": ox.NamedNode(RISK)})
    except QueryError:
        return False
    return True


@pytest.mark.parametrize(("text", "bindable"), CASES)
def test_the_catalog_and_the_engines_accept_and_refuse_the_same_parameters(tmp_path, text, bindable):
    assert _catalog_accepts(tmp_path, text) is bindable
    assert _engines_accept(text) is bindable


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_what_both_accept_runs_and_what_both_refuse_is_refused_on_both_engines(kg, engine):
    import pyoxigraph as ox

    for text, bindable in CASES:
        if bindable:
            kg.sparql(text, bindings={"risk": ox.NamedNode(RISK)}, engine=engine, timeout=60)
        else:
            with pytest.raises(QueryError, match=r"binding \?risk: "):
                kg.sparql(text, bindings={"risk": ox.NamedNode(RISK)}, engine=engine, timeout=60)


def test_query_form_is_the_first_form_outside_any_group():
    assert sparql_text.query_form("PREFIX ex: <https://e/#SELECT> # ASK\nCONSTRUCT { ?s ?p ?o } WHERE { "
                                  "{ SELECT ?s WHERE { ?s ?p ?o } } }") == "construct"
    assert sparql_text.result_kind("DESCRIBE <https://e/x>") == "construct"
    assert sparql_text.query_form("INSERT { ?s ?p 1 } WHERE { SELECT ?s ?p WHERE { ?s ?p ?o } }") == "update"
    assert sparql_text.result_kind("INSERT DATA { <urn:a> <urn:b> <urn:c> }") is None
    assert sparql_text.query_form('# SELECT\n"SELECT" <urn:SELECT>') is None


def test_projection_reads_expressions_and_stops_at_the_where_group():
    p = sparql_text.projection('SELECT DISTINCT ?a ("{" AS ?b) (COUNT(?c) AS ?n) # ?d {\n'
                               "FROM <urn:g> WHERE { ?a ?p ?c }")
    assert p == sparql_text.Projection(False, ("a", "b", "n"))
    assert sparql_text.projection("SELECT * { ?s ?p ?o }").star
    assert sparql_text.projection("ASK { ?s ?p ?o }") is None


def test_the_where_group_skips_braces_in_comments_strings_and_the_projection():
    text = 'SELECT ?p (EXISTS { ?s ?p "}" } AS ?e) # { not here\nWHERE { ?s ?p ?o FILTER(?o != "{") }'
    opening, closing, first = sparql_text.where_group(text)
    assert text[opening.start:closing.end] == '{ ?s ?p ?o FILTER(?o != "{") }'
    assert first.text == "?s"
    opening, closing, first = sparql_text.where_group("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert opening.start == 29


def test_a_sub_select_right_inside_the_where_group_stays_alone_when_bound():
    import pyoxigraph as ox

    text = "SELECT ?p ?o WHERE { SELECT ?p ?o WHERE { ?s ?p ?o } }"
    bound = bind_values(text, {"p": ox.NamedNode("urn:p")})
    assert bound == "SELECT ?p ?o WHERE { VALUES (?p) { (<urn:p>) } { SELECT ?p ?o WHERE { ?s ?p ?o } } }"


def test_nesting_and_mentions_look_at_code_only():
    text = "ASK { ?s ?p ?o # {{{{ ?hidden\n FILTER(?o != '{{' && ?o != <urn:a#{>) }"
    assert sparql_text.nesting_depth(text) == 2
    assert sparql_text.mentions(text, "o") and not sparql_text.mentions(text, "hidden")
    assert sparql_text.code_only(text).count("{") == 1


BITS = ['"', "'", '"""', "'''", "<", ">", "#", "\\", "\n", "\r", " ", "{", "}", "(", ")", "?", "$", "x", "ex:a", ".",
        "SELECT", "AS", "<urn:a>", "é"]


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(BITS), max_size=30).map("".join))
def test_tokens_cover_the_text_and_code_only_blanks_what_they_call_no_code(text):
    """code_only takes a one-pass shortcut (a megabyte of brackets must stay fast): it must read as scan does."""
    import re

    tokens = list(sparql_text.scan(text))
    assert "".join(t.text for t in tokens) == text
    code = sparql_text.code_only(text)
    assert code == "".join(re.sub(r"[^\n]", " ", t.text) if t.kind in ("comment", "string", "iri") else t.text
                           for t in tokens)
    assert [i for i, c in enumerate(code) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]


def test_an_update_is_refused_by_the_catalog_and_by_the_engines(tmp_path, kg):
    text = "DELETE { ?risk ?p ?o } WHERE { SELECT ?risk ?p ?o WHERE { ?risk ?p ?o } }"
    path = tmp_path / "update.rq"
    path.write_text("#+ title: T\n#+ description: D\n#+ question: Q?\n" + text + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="read-only"):
        parse_query_file(path)
    with pytest.raises(QueryError, match="updates .* are refused"):
        kg.sparql(text)
