"""Result bodies over HTTP (issue 12): CSV escapes spreadsheet formulas unless asked for raw values."""

from __future__ import annotations

import csv
import io

FORMULAS = 'SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://x\\")" "@SUM(A1)" "-1+A1" "\\tTAB" "-1" "plain" } }'


def _cells(body: bytes) -> set:
    return {row[0] for row in list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:]}


def test_csv_escapes_formula_cells_by_default(server):
    r = server.get("/sparql", query=FORMULAS, accept="text/csv")
    assert r.status == 200 and r.type == "text/csv", r.text
    assert _cells(r.body) == {"'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-1+A1", "'\tTAB", "-1", "plain"}
    assert _cells(server.get("/sparql", query=FORMULAS, format="csv").body) == _cells(r.body)


def test_csv_raw_gives_the_values_as_they_are(server):
    r = server.get("/sparql", query=FORMULAS, format="csv-raw")
    assert r.status == 200 and r.type == "text/csv", r.text
    assert _cells(r.body) == {'=HYPERLINK("http://x")', "@SUM(A1)", "-1+A1", "\tTAB", "-1", "plain"}


def test_stored_query_csv_is_escaped_too(server):
    r = server.get("/queries/dataset-summary", accept="text/csv")
    assert r.status == 200
    assert not any(cell[:1] in "=+@" for cell in _cells(r.body))
