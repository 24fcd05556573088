"""``airm report --out DIR``: heat maps from the catalog's coverage queries, zero cells visible, unmitigated risks
listed; byte-identical on a second run."""

from __future__ import annotations

import csv
from xml.etree import ElementTree

from airm import report
from helpers import run_cli


def test_report_writes_pictures_tables_and_page(tmp_path, kg):
    code, out, err = run_cli("report", "--out", str(tmp_path / "r"))
    assert code == 0, err
    names = {p.name for p in (tmp_path / "r").iterdir()}
    assert names == {"stage-by-actor.png", "stage-by-actor.svg", "stage-by-actor.csv", "category-by-domain.png",
                     "category-by-domain.svg", "category-by-domain.csv", "index.html"}
    assert (tmp_path / "r" / "stage-by-actor.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = ElementTree.parse(tmp_path / "r" / "category-by-domain.svg").getroot()
    assert svg.tag.endswith("svg")
    page = (tmp_path / "r" / "index.html").read_text()
    assert '<img src="stage-by-actor.png"' in page.replace("'", '"')
    for row in kg.query("unmitigated-risks").rows:
        assert row["riskLabel"].value.replace("&", "&amp;") in page


def test_matrix_numbers_match_the_query_zeros_included(tmp_path, kg):
    run_cli("report", "--out", str(tmp_path))
    rows = list(csv.reader(open(tmp_path / "stage-by-actor.csv", encoding="utf-8")))
    cells = [int(v) for row in rows[1:] for v in row[1:]]
    result = kg.query("coverage-stage-by-actor")
    assert len(cells) == len(result.rows)  # every pair has a cell, zero or not
    assert sum(cells) == sum(r["mitigations"].to_python() for r in result.rows)
    assert 0 in cells
    m = report.figure_matrix(kg, "stage-by-actor")
    # gaps are the zero cells of recorded values: a zero beside "not recorded" is no gap (drawn grey, unhatched)
    gaps = [v for r, row in enumerate(m.values) for c, v in enumerate(row) if v == 0 and not m.is_sentinel(r, c)]
    assert m.zero_cells == len(gaps) <= cells.count(0)
    # the zero cells are drawn (hatched and numbered), so the SVG has one "0" label per zero cell
    svg = (tmp_path / "stage-by-actor.svg").read_text()
    assert "no mitigation" in svg or m.zero_cells == 0


def test_report_is_byte_identical(tmp_path):
    run_cli("report", "--out", str(tmp_path / "a"))
    run_cli("report", "--out", str(tmp_path / "b"))
    for p in (tmp_path / "a").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes(), p.name
