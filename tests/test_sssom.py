"""airm.sssom.read_tsv, the one reader of SSSOM/TSV tables: what it takes from published tables (the IBM AI Atlas Nexus
ones) beside airm's own exports, and how it reports what it cannot read. The round trip of airm's own sets is tested in
tests/test_alignments.py and tests/test_export.py."""

from __future__ import annotations

import csv
import re

import pytest

from airm import sssom
from airm.errors import InputFileError
from helpers import run_cli

HEADER = "subject_id\tpredicate_id\tobject_id"


def test_a_table_without_a_metadata_block_reads_with_empty_metadata():
    table = sssom.read_tsv(f"{HEADER}\na:1\tskos:exactMatch\thttp://x/2\n".encode(), name="t.tsv")
    assert table.metadata == {} and table.curie_map == {} and not table.warnings
    (row,) = table.rows
    assert (row.line, row.end_line) == (2, 2)
    assert table.expand(row.values["subject_id"]) is None  # no CURIE map: nothing to expand with
    assert table.expand(row.values["object_id"]) == "http://x/2"


def test_column_names_match_case_insensitively_and_every_column_is_kept():
    text = "Subject_ID\tPREDICATE_ID\tobject_id\tsimilarity_score\tmy_extension\na:1\tskos:closeMatch\ta:2\t22\tz\n"
    table = sssom.read_tsv(text.encode(), name="t.tsv")
    assert table.columns == ["subject_id", "predicate_id", "object_id", "similarity_score", "my_extension"]
    assert table.rows[0].values == {"subject_id": "a:1", "predicate_id": "skos:closeMatch", "object_id": "a:2",
                                    "similarity_score": "22", "my_extension": "z"}


def test_lf_crlf_and_cr_line_endings_read_alike():
    lines = ["#curie_map:", "#  a: http://a/", "", "#mapping_date: '2025-01-29'", HEADER,
             "a:1\tskos:exactMatch\ta:2", "# a comment among the rows", "", "a:3\tskos:broadMatch\ta:4"]
    read = [sssom.read_tsv(end.join(lines).encode() + end.encode(), name="t.tsv") for end in ("\n", "\r\n", "\r")]
    for table in read:
        # the blank line inside the metadata block is skipped; lines are counted from the top of the file
        assert table.metadata == {"curie_map": {"a": "http://a/"}, "mapping_date": "2025-01-29"}
        assert [(r.line, r.values["object_id"]) for r in table.rows] == [(6, "a:2"), (9, "a:4")]
        assert table.expand("a:2") == "http://a/2"


def test_a_quoted_cell_may_hold_tabs_and_run_over_lines():
    text = f'{HEADER}\tcomment\na:1\tskos:exactMatch\ta:2\t"one\ttwo\nthree"\na:3\tskos:exactMatch\ta:4\t\n'
    table = sssom.read_tsv(text.encode(), name="t.tsv")
    first, second = table.rows
    assert (first.line, first.end_line, first.values["comment"]) == (2, 3, "one\ttwo\nthree")
    assert (second.line, second.end_line) == (4, 4)


def test_a_quote_never_closed_is_a_clear_error_not_a_csv_traceback(tmp_path):
    text = f'{HEADER}\na:1\tskos:exactMatch\ta:2\na:3\tskos:exactMatch\t"' + "x" * 140_000 + "\n"
    with pytest.raises(sssom.TableError, match=r"t\.tsv:3: a row csv cannot read") as e:
        sssom.read_tsv(text.encode(), name="t.tsv")
    assert isinstance(e.value, InputFileError) and e.value.line == 3 and "quote" in e.value.hint
    # through the command line: exit 2, the file and line named, no traceback
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    code, _out, err = run_cli("diff", str(path), str(path))
    assert code == 2 and f"{path}:3" in err and "Traceback" not in err


def test_a_table_error_keeps_the_reason_the_part_and_the_text_for_review():
    with pytest.raises(sssom.TableError) as e:
        sssom.read_tsv(b"#a: 1\n\nfrom\tTo  \tHow\n", name="t.tsv")
    assert (e.value.line, e.value.field, e.value.text) == (3, "header", "from\tTo  \tHow")
    assert e.value.reason == "not an SSSOM table (no subject_id, predicate_id, object_id column)"
    assert str(e.value).startswith("t.tsv:3: " + e.value.reason)
    with pytest.raises(sssom.TableError) as e:
        sssom.read_tsv(b"#x: &a [1]\n#y: *a\n" + HEADER.encode() + b"\n", name="t.tsv")
    assert e.value.field == "metadata" and "alias" in e.value.reason
    with pytest.raises(sssom.TableError) as e:
        sssom.read_tsv(b"# curie_map:\n#   a: http://a/\n\n", name="t.tsv")
    assert e.value.reason == "no header row" and e.value.line is None


def test_collected_bad_rows_keep_the_row_as_written():
    text = f'{HEADER}\n"a:1"\tskos:exactMatch\ta:2\tEXTRA\r\na:3\tskos:exactMatch\ta:4\t  \r\n'
    table = sssom.read_tsv(text.encode(), name="t.tsv", bad_rows="collect")
    assert table.bad_rows == [(2, '"a:1"\tskos:exactMatch\ta:2\tEXTRA', "4 cells for 3 columns")]
    assert [r.values["subject_id"] for r in table.rows] == ["a:3"]  # blank extra cells are no problem


def test_every_nexus_table_reads_as_a_line_by_line_csv_reading_does(reference):
    """On the published tables (one with CRLF line ends and quoted labels) read_tsv gives the rows, line numbers and
    table-level slots that reading each line with the csv module gives: no warning, no bad row."""
    folder = reference / "ai-atlas-nexus" / "src" / "ai_atlas_nexus" / "data" / "mappings"
    tables = sorted(folder.glob("*.tsv"))
    assert len(tables) >= 14
    for path in tables:
        table = sssom.read_tsv(path, bad_rows="collect")
        assert not table.warnings and not table.bad_rows, path.name
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        body = [(i, ln) for i, ln in enumerate(lines, start=1) if ln.strip() and not ln.startswith("#")]
        columns = [c.strip().casefold() for c in next(csv.reader([body[0][1]], delimiter="\t"))]
        expected = []
        for i, ln in body[1:]:
            cells = [c.strip() for c in next(csv.reader([ln], delimiter="\t"))]
            if any(cells):
                # short rows padded; empty cells beyond the header are dropped, as the reader drops them
                expected.append((i, dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False))))
        assert [(r.line, r.values) for r in table.rows] == expected, path.name
        assert all(r.end_line == r.line for r in table.rows)
        top = (re.match(r"^# ?([a-z_]+): (.+)$", ln) for ln in lines)  # top-level keys; CURIE map lines are indented
        meta = {m.group(1): m.group(2).strip().strip("'\"") for m in top if m}
        for key in ("mapping_set_id", "license", "mapping_date", "mapping_set_description"):
            assert str(table.metadata[key]) == meta[key], (path.name, key)
        assert set(table.curie_map) >= {"semapv"}, path.name
