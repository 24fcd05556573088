"""The plain lexer behind the checker's second look at a query (airm.query_checks.code_only): it must find the code
where both SPARQL parsers find it, or the SERVICE search, the nesting cap and the binding checks look elsewhere."""

from __future__ import annotations

from airm.query_checks import code_only, nesting_depth


def test_an_escaped_hash_in_a_prefixed_name_starts_no_comment():
    """``ex:a\\#`` is a name to rdflib and Oxigraph (PN_LOCAL_ESC); the lexer took the '#' for a comment."""
    text = "ASK { ?s ex:a\\# ?o . SERVICE ex:x { } }"
    assert "SERVICE" in code_only(text)
    assert nesting_depth("ASK { ?s ex:a\\# ?o " + "{" * 40 + "}" * 40 + " }") == 41


def test_a_less_than_is_no_iri_across_white_space():
    """An IRI holds no white space (IRIREF excludes #x00-#x20): '<' ... '>' across a carriage return is a less-than."""
    text = "ASK { FILTER(1<2)\rSERVICE\rex:x#>\n{ } }"
    assert "SERVICE" in code_only(text)
    assert "<http://example.org/a#b>" not in code_only("ASK { <http://example.org/a#b> ?p ?o }")
