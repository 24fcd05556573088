"""SPARQL syntax errors point at the user's text: line, column, the line itself and a caret."""

from __future__ import annotations

import pytest

from airm.sparql_errors import caret, pointed
from helpers import run_cli


def test_oxigraph_position_becomes_line_column_and_caret():
    text = "SELECT ?s\nWHERE { ?s ?p }"
    out = pointed(text, "error at 2:16: expected one of LATERAL, SERVICE")
    assert out == "line 2, column 16: expected one of LATERAL, SERVICE\n    WHERE { ?s ?p }\n                   ^"


def test_pyparsing_position_becomes_line_column_and_caret():
    text = "SELECT * WHERE {\n  ?s ?p ?o . BOGUS }"
    out = pointed(text, "Expected {SelectQuery}, found 'BOGUS'  (at char 30), (line:2, col:14)")
    assert out.splitlines() == ["line 2, column 14: Expected {SelectQuery}, found 'BOGUS'", "      ?s ?p ?o . BOGUS }",
                                "                 ^"]


def test_message_without_a_position_is_left_alone():
    assert pointed("SELECT", "something else") == "something else"


def test_a_long_line_is_cut_around_the_caret():
    line = "x" * 300 + "Y" + "z" * 300
    shown, mark = caret(line, 1, 301).splitlines()
    assert shown.startswith("    …") and shown.endswith("…") and shown[mark.index("^")] == "Y"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cli_shows_the_caret_under_the_query(engine):
    code, _, err = run_cli("sparql", "SELECT ?s\nWHERE { ?s ?p }", "--engine", engine)
    assert code == 2 and "Traceback" not in err
    assert "line 2, column 16" in err or "line 2, column" in err
    lines = err.splitlines()
    shown = next(i for i, t in enumerate(lines) if t.strip() == "WHERE { ?s ?p }")
    assert lines[shown + 1].strip() == "^"
