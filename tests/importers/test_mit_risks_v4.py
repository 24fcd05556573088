"""The MIT AI Risk Repository v4 workbook layout (3 December 2025): the database on sheet "AI Risk Database v4" after
the two taxonomy sheets, its header on row 3 under a banner, first columns as in v3. The fixture is made here with
openpyxl from the first rows of the v3 reference file, laid out as v4 (plus a column v3 does not have), so the v4
import can be compared with the v3 one row for row."""

from __future__ import annotations

import pytest

from airm.errors import InputFileError
from airm.importers import mit_risks
from helpers import run_cli as cli

V3_SHEET = "AI Risk Database v3"
ROWS = 60  # the first rows of the v3 database: a few papers with their categories, subcategories and evidence


def _v3_rows(reference) -> list[list]:
    import openpyxl

    path = next((reference / "mit-ai-risk-repository").glob("*.xlsx"))
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in wb[V3_SHEET].iter_rows(values_only=True)]
    finally:
        wb.close()
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Title")
    return rows[start:start + 1 + ROWS]


def _workbook(path, rows: list[list], *, v4: bool, rename: dict | None = None):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Contents"
    if v4:
        for name in ("Causal Taxonomy of AI Risks v1", "Domain Taxonomy of AI Risks v1"):
            wb.create_sheet(name).append(["Category level", "Risk category", "Description"])
    ws = wb.create_sheet("AI Risk Database v4" if v4 else V3_SHEET)
    ws.append(["Updated: 3 December 2025" if v4 else "Updated: 26 March 2025"])
    ws.append(["AI Risk Database"])
    header, *body = rows
    header = [(rename or {}).get(h, h) for h in header]
    extra = ["Notes (v4)"] if v4 else []
    ws.append(header + extra)
    for r in body:
        ws.append(r + ([None] if v4 else []))
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def rows(reference):
    return _v3_rows(reference)


def test_v4_workbook_imports_like_v3_and_records_its_version(rows, tmp_path):
    v4 = mit_risks.read(_workbook(tmp_path / "v4.xlsx", rows, v4=True))
    v3 = mit_risks.read(_workbook(tmp_path / "v3.xlsx", rows, v4=False))
    assert v4.provenance.version == "v4 (updated 3 December 2025)"
    assert v3.provenance.version == "v3 (updated 26 March 2025)"
    assert (v4.rows_read, v4.rows_imported, v4.counts) == (v3.rows_read, v3.rows_imported, v3.counts)
    assert v4.rows_read == ROWS
    assert set(v4.triples) == set(v3.triples)
    assert [r.row.replace("v4", "v3") for r in v4.review] == [r.row for r in v3.review]
    assert all(r.row.startswith("AI Risk Database v4!row ") for r in v4.review if "!row" in r.row)


def test_a_renamed_column_is_a_clear_error(rows, tmp_path):
    path = _workbook(tmp_path / "renamed.xlsx", rows, v4=True, rename={"Sub-domain": "Subdomain (v4)"})
    with pytest.raises(InputFileError) as e:
        mit_risks.read(path)
    text = str(e.value)
    assert "renamed.xlsx" in text and "'AI Risk Database v4' row 3" in text and "Sub-domain" in text


def test_cli_import_of_v4_prints_the_version(rows, tmp_path):
    path = _workbook(tmp_path / "v4.xlsx", rows, v4=True)
    code, out, err = cli("import", "mit-risks", str(path), "--workspace", str(tmp_path / "ws"))
    assert code == 0, err
    assert "(v4 (updated 3 December 2025))" in out
    code, out, err = cli("import", "mit-risks", str(_workbook(tmp_path / "bad.xlsx", rows, v4=True,
                                                                rename={"Domain": "Risk domain"})),
                         "--workspace", str(tmp_path / "ws2"))
    assert code == 2 and "bad.xlsx" in err and "Domain" in err and "Traceback" not in err
    assert not (tmp_path / "ws2" / "sources").exists()
