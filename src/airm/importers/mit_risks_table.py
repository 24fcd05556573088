"""Reading the MIT AI Risk Repository's database table, from the workbook's database sheet or its CSV export, into
rows: the sheet and its header found by the column names wherever they start (v3 and v4 workbooks alike: v4 puts
the header on row 3 of "AI Risk Database v4", after the two taxonomy sheets), the version read from that sheet's
name and "Updated:" banner, cells read as the workbook holds them (the CSV's "3.0" is 3), every row kept with its
locator for the review file. The mit-risks importer builds the graph from them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputFileError
from .inputs import check_rows, is_zip, open_archive, open_text, regular_file
from .toolkit import cell, one_line

EXPECTED = ("the MIT AI Risk Repository database: the workbook (.xlsx, v3 or v4, sheet 'AI Risk Database v3' or "
            "'AI Risk Database v4') or the CSV export of that sheet (ai_risk_database_v3.csv)")
HINT = "download the workbook from https://airisk.mit.edu and give its path (or a CSV export of the database sheet)"

COLUMNS = ("Title", "QuickRef", "Ev_ID", "Paper_ID", "Cat_ID", "SubCat_ID", "AddEv_ID", "Category level",
           "Risk category", "Risk subcategory", "Description", "Additional ev.", "P.Def", "p.AddEv", "Entity",
           "Intent", "Timing", "Domain", "Sub-domain")
REQUIRED = ("Ev_ID", "Category level", "Paper_ID", "Title", "QuickRef", "Risk category", "Risk subcategory",
            "Description", "Entity", "Intent", "Timing", "Domain", "Sub-domain")
_KEY = {c.casefold().replace(" ", ""): c for c in COLUMNS}


@dataclass
class Row:
    """One row of the table: its locator and cells by column, then what the importer learns of it."""

    where: str  # "ai_risk_database_v3.csv line 57" / "AI Risk Database v3!row 57"
    v: dict[str, str]
    level: str = ""
    ev: str = ""
    node: ox.NamedNode | None = None
    imported: bool = False
    cat_key: str = ""
    sub_key: str = ""
    extra: list = field(default_factory=list)
    parent: Row | None = None
    texts: list = field(default_factory=list)
    paper: ox.NamedNode | None = None


def read_rows(path: Path, progress) -> tuple[Path, list[Row], str | None]:
    if not path.exists():
        raise InputFileError(path, f"no such file or folder (expected {EXPECTED})", hint=HINT)
    if path.is_dir():
        candidates = sorted(p for p in path.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm")) + sorted(
            p for p in path.iterdir() if p.suffix.lower() == ".csv")
        if not candidates:
            raise InputFileError(path, f"no .xlsx or .csv file in this folder (expected {EXPECTED})", hint=HINT)
        path = candidates[0]
    suffix = path.suffix.lower()
    regular_file(path)
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and is_zip(path)):
        rows, version = _read_workbook(path, progress)
    elif suffix in (".csv", ".txt") or _looks_like_csv(path):
        rows, version = _read_csv(path, progress)
    else:
        kind = f"a {suffix} file" if suffix else "this file"
        raise InputFileError(path, f"{kind} is not the MIT AI Risk Repository database; expected {EXPECTED}", hint=HINT)
    return path, rows, version


def _looks_like_csv(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(4096).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return "Ev_ID" in head and "Category level" in head


def _header_map(values: list[str]) -> dict[str, int] | None:
    found = {}
    for i, v in enumerate(values):
        k = _KEY.get(one_line(v).casefold().replace(" ", ""))
        if k and k not in found:
            found[k] = i
    return found if "Ev_ID" in found and "Category level" in found else None


def _check_header(header: dict[str, int], where: str, display) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputFileError(display,
                             f"the header ({where}) lacks the column(s) {', '.join(missing)}; expected {EXPECTED}",
                             hint="export the database sheet with all its columns")


def _version_from(text: str) -> str | None:
    m = re.search(r"v(\d+)", text, re.IGNORECASE)
    return f"v{m.group(1)}" if m else None


def _read_csv(path: Path, progress) -> tuple[list[Row], str | None]:
    """The rows of the CSV export, streamed from the file (row by row, within the bounds of airm.importers.inputs)."""
    with open_text(path) as stream:
        return _csv_rows(path, csv.reader(stream), progress), _version_from(path.name)


def _csv_rows(path: Path, reader, progress) -> list[Row]:
    rows: list[Row] = []
    header = None
    last_line = 0
    progress.start(None, f"reading {path.name}")
    try:
        for record in reader:
            if any("\0" in v for v in record):
                raise InputFileError(path, f"binary data, not a CSV file; expected {EXPECTED}", line=last_line + 1,
                                     hint=HINT)
            start = last_line + 1
            progress.advance(reader.line_num - last_line)
            last_line = reader.line_num
            values = [cell(v) for v in record]
            if header is None:
                header = _header_map(values)
                if header is None and start > 50:
                    break
                if header is not None:
                    _check_header(header, f"line {start}", path)
                continue
            if not any(v.strip() for v in values):
                continue
            rows.append(_row(f"{path.name} line {start}", values, header))
            check_rows(len(rows), path)
    except csv.Error as e:
        raise InputFileError(path, f"not a readable CSV file: {e}", line=last_line + 1, hint=HINT) from None
    except UnicodeDecodeError:
        where = f"after line {last_line}" if last_line else "near the start"
        raise InputFileError(path, f"not UTF-8 text ({where}); expected {EXPECTED}",
                             hint="save the sheet as 'CSV UTF-8'") from None
    if header is None:
        raise InputFileError(path, f"no header row with Ev_ID and Category level; expected {EXPECTED}", hint=HINT)
    return rows


def _read_workbook(path: Path, progress) -> tuple[list[Row], str | None]:
    import openpyxl  # here, not on top: only a workbook input needs it, and it takes a third of a second to load

    open_archive(path, expected=EXPECTED).close()  # members and unpacked sizes checked before openpyxl unpacks any
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds (BadZipFile, KeyError, InvalidFileException...)
        raise InputFileError(path, f"cannot open the workbook ({type(e).__name__}: {e}); expected {EXPECTED}",
                             hint="the file may be truncated or damaged: download it again") from None
    try:
        for ws in wb.worksheets:
            it = ws.iter_rows(values_only=True)
            banner = []
            header = None
            for number, raw in enumerate(it, 1):
                values = [cell(v) for v in raw]
                header = _header_map(values)
                if header is not None:
                    break
                banner.extend(values)
                if number >= 20:
                    break
            if header is None:
                continue
            _check_header(header, f"sheet {ws.title!r} row {number}", path)
            progress.start(ws.max_row, f"reading {path.name}")
            rows = []
            for row_no, raw in enumerate(it, number + 1):
                progress.advance()
                check_rows(row_no - number, path)  # blank rows count: a sheet of a million empty rows is refused too
                values = [cell(v) for v in raw]
                if not any(v.strip() for v in values):
                    continue
                rows.append(_row(f"{ws.title}!row {row_no}", values, header))
            version = _version_from(ws.title)
            updated = next((re.sub(r"^Updated:\s*", "", b) for b in banner if b.lower().startswith("updated")), None)
            if version and updated:
                version = f"{version} (updated {updated})"
            return rows, version
    except InputFileError:
        raise
    except Exception as e:
        raise InputFileError(path, f"cannot read the workbook ({type(e).__name__}: {e})",
                             hint="the file may be truncated or damaged: download it again") from None
    finally:
        wb.close()
    raise InputFileError(path, f"no sheet with an Ev_ID / Category level header; expected {EXPECTED}", hint=HINT)


def _row(where: str, values: list[str], header: dict[str, int]) -> Row:
    v = {c: (values[i] if i < len(values) else "") for c, i in header.items()}
    row = Row(where=where, v=v)
    width = max(header.values()) + 1
    if len(values) < width:
        row.extra.append(("(columns)", str(len(values)),
                          f"the row has {len(values)} of {width} columns: the file may be truncated; not imported",
                          True))
    elif any(v.strip() for v in values[width:]):
        row.extra.append(("(columns)", str(len(values)),
                          f"the row has {len(values)} cells for {width} columns (an unquoted comma?); not imported",
                          False))
    return row
