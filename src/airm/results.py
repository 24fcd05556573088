"""Engine-neutral query results, and their formats (table, CSV, TSV, Markdown, SPARQL JSON, RDF)."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import NamedTuple

import pyoxigraph as ox

from .namespaces import curie
from .rdf_formats import GRAPH_FORMATS
from .vocab import XSD, Rdf, Xsd

XSD_STRING = Xsd.string
RDF_LANGSTRING = Rdf.langString


class Term(NamedTuple):
    """An RDF term as plain data: type is 'uri', 'bnode' or 'literal' (the SPARQL JSON names)."""

    type: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def __str__(self) -> str:
        return self.value

    def to_python(self):
        if self.type != "literal" or self.datatype in (None, XSD_STRING, RDF_LANGSTRING):
            return self.value
        dt = self.datatype[len(XSD):] if self.datatype.startswith(XSD) else None
        try:
            if dt in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
                return int(self.value)
            if dt in ("decimal", "double", "float"):
                return float(self.value)
            if dt == "boolean":
                return self.value in ("true", "1")
        except ValueError:
            pass
        return self.value

    def n3(self) -> str:
        if self.type == "uri":
            return f"<{self.value}>"
        if self.type == "bnode":
            return f"_:{self.value}"
        text = json.dumps(self.value, ensure_ascii=False)
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD_STRING:
            return f"{text}^^<{self.datatype}>"
        return text

    def to_sparql_json(self) -> dict:
        d = {"type": self.type, "value": self.value}
        if self.lang:
            d["xml:lang"] = self.lang
        elif self.type == "literal" and self.datatype and self.datatype != XSD_STRING:
            d["datatype"] = self.datatype
        return d


def term_from_ox(t) -> Term:
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Term("literal", t.value, RDF_LANGSTRING, t.language.lower())
        return Term("literal", t.value, t.datatype.value)
    raise TypeError(f"unsupported term {t!r}")


def term_from_rdflib(t) -> Term:
    from rdflib import BNode, Literal, URIRef

    if isinstance(t, URIRef):
        return Term("uri", str(t))
    if isinstance(t, BNode):
        return Term("bnode", str(t))
    if isinstance(t, Literal):
        if t.language:
            return Term("literal", str(t), RDF_LANGSTRING, t.language.lower())
        return Term("literal", str(t), str(t.datatype) if t.datatype else XSD_STRING)
    raise TypeError(f"unsupported term {t!r}")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula (OWASP)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def escape_formula(cell: str) -> str:
    """A CSV cell a spreadsheet will show rather than run: a leading ' before = + - @ tab or CR. Plain numbers
    (-1, +2.5e3) are kept: a spreadsheet reads them as numbers, never as formulas."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


TEXT_CELL = 160  # most characters of a cell a (not --wide) table shows; longer text ends in "…"
SHORT_CELL = 14  # a column whose cells are all this short is never wrapped
PIPE_WIDTH = 120  # a table's width when the output is not a terminal (a pipe, a file) and COLUMNS is not set


def table_width() -> int:
    """The terminal's width (COLUMNS first, as shutil reads it), or PIPE_WIDTH when there is no terminal."""
    import os
    import shutil
    import sys

    if os.environ.get("COLUMNS", "").isdigit():
        return max(40, int(os.environ["COLUMNS"]))
    if sys.stdout.isatty():
        return max(40, shutil.get_terminal_size((PIPE_WIDTH, 24)).columns)
    return PIPE_WIDTH


def label_column(variables: list[str], var: str) -> str | None:
    """The column that names ``var``'s resources: ``<var>Label``, or a ``...Label`` column right after it (as
    ``mitigationCategory``, ``categoryLabel``); None when it has none."""
    if f"{var}Label" in variables:
        return f"{var}Label"
    i = variables.index(var)
    following = variables[i + 1] if i + 1 < len(variables) else ""
    return following if following.endswith("Label") and not var.endswith("Label") else None


def _cut(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with "…" when anything was left out."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def display(term: Term | None, *, curies: bool = True) -> str:
    if term is None:
        return ""
    if term.type == "uri" and curies:
        c = curie(term.value)
        return c[1:-1] if c.startswith("<") else c
    return term.value


@dataclass
class QueryResult:
    """Rows of a SELECT (variables + rows), the boolean of an ASK, or the triples of a CONSTRUCT/DESCRIBE."""

    kind: str  # "select" | "ask" | "construct"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)  # what the answer left out and why, where the graph knows
    resolved: dict[str, dict] = field(default_factory=dict)  # parameter -> what its value resolved to, and how

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def __iter__(self):
        return iter(self.rows if self.kind == "select" else self.triples)

    def values(self) -> list[dict]:
        """Rows as plain Python values (str, int, float, bool), unbound variables as None."""
        return [{v: (row[v].to_python() if v in row else None) for v in self.variables} for row in self.rows]

    def to_records(self) -> list[dict]:
        """One dict per row, in the query's column order (what ``pandas.DataFrame.from_records`` and ``csv.DictWriter``
        take): IRIs as strings, numbers, booleans and dates as Python values, unbound cells as None."""
        return self.values()

    def to_pandas(self):
        """The rows as a pandas DataFrame (pandas is an optional extra: ``pip install 'airm[pandas]'``). What each
        parameter resolved to and the notes on what was left out travel in ``df.attrs``."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("to_pandas() needs pandas, an optional extra: pip install 'airm[pandas]'") from e
        if self.kind != "select":
            raise ValueError(f"a {self.kind} result has no rows for a DataFrame: use a SELECT query")
        df = pd.DataFrame.from_records(self.to_records(), columns=self.variables)
        df.attrs["resolved"] = dict(self.resolved)
        df.attrs["notes"] = list(self.notes)
        return df

    def to_dataframe(self):
        """The former name of ``to_pandas``."""
        return self.to_pandas()

    # --- formats -------------------------------------------------------------------------------------------------
    def to_sparql_json(self) -> str:
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}, indent=2)
        bindings = [{v: t.to_sparql_json() for v, t in row.items()} for row in self.rows]
        doc = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        if self.resolved:  # an extra member, which SPARQL JSON readers skip: what each parameter was taken to mean
            doc["resolved"] = self.resolved
        return json.dumps(doc, indent=2, ensure_ascii=False)

    def _cells(self, curies: bool) -> list[list[str]]:
        return [[display(row.get(v), curies=curies) for v in self.variables] for row in self.rows]

    def to_delimited(self, delimiter: str, *, escape_formulas: bool = True) -> str:
        buf = io.StringIO()
        if delimiter == "\t":
            # SPARQL 1.1 TSV: terms in Turtle-like syntax, variables with '?'
            buf.write("\t".join("?" + v for v in self.variables) + "\n")
            for row in self.rows:
                buf.write("\t".join(row[v].n3() if v in row else "" for v in self.variables) + "\n")
            return buf.getvalue()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.variables)
        for row in self.rows:
            cells = [row[v].value if v in row else "" for v in self.variables]
            w.writerow([escape_formula(c) for c in cells] if escape_formulas else cells)
        return buf.getvalue()

    def to_markdown(self) -> str:
        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(self.variables) + " |", "|" + "---|" * len(self.variables)]
        lines += ["| " + " | ".join(esc(c) for c in cells) + " |" for cells in self._cells(True)]
        return "\n".join(lines) + "\n"

    def to_table(self, *, width: int | None = None, wide: bool = False) -> str:
        """The rows as a table that fits ``width`` characters (the terminal's, or 120 when output goes to a pipe or
        file). Unless ``wide``: an IRI column that has a label column is left out, a column with one value in every
        row is said once above the table, empty columns go, and long text is cut to TEXT_CELL characters; short
        cells stay on one line and long ones wrap at words."""
        if self.kind == "ask":
            return "yes" if self.boolean else "no"
        cells = {v: [display(row.get(v)).replace("\n", " ") for row in self.rows] for v in self.variables}
        shown, above = list(self.variables), []
        if not wide:
            shown = [v for v in shown if (any(cells[v]) or not self.rows)
                     and not (label_column(self.variables, v) and self._has_iris(v))]
            above = [v for v in shown if len(set(cells[v])) == 1] if len(self.rows) > 1 else []
            if len(above) < len(shown):  # (a table whose every column is constant stays a table)
                shown = [v for v in shown if v not in above]
            else:
                above = []
            cells = {v: [_cut(c, TEXT_CELL) for c in cells[v]] for v in cells}
        width = width or table_width()
        left = [v for v in self.variables if v not in shown and v not in above]
        unshown = f"; not shown: {len(left)} column(s) (IRIs with a label column, empty ones): --wide" if left else ""
        footer = (f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''}"
                  f"{', truncated' if self.truncated else ''}{unshown})")
        lines = [line for v in above for line in textwrap.wrap(f"{v}: {cells[v][0]}", width, subsequent_indent="  ")]
        if not self.rows:  # no cells to size the columns by: their names, as a list
            body = "\n".join(textwrap.wrap("columns: " + ", ".join(shown), width, subsequent_indent="  "))
        else:
            body = self._render(shown, cells, width, wide)
        return "\n".join(lines + [body] + textwrap.wrap(footer, width))

    def _has_iris(self, var: str) -> bool:
        return any(row[var].type == "uri" for row in self.rows if var in row) or not self.rows

    def _render(self, shown: list[str], cells: dict, width: int, wide: bool) -> str:
        from rich import box
        from rich.console import Console
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for v in shown:
            longest = max([len(c) for c in cells[v]] + [len(v)])
            if longest <= SHORT_CELL:  # codes, counts, statuses: on one line, never squeezed
                table.add_column(v, no_wrap=True, min_width=longest)
            else:
                table.add_column(v, overflow="fold" if wide else "ellipsis", ratio=min(longest, TEXT_CELL))
        for i in range(len(self.rows)):
            table.add_row(*(cells[v][i] for v in shown))
        out = io.StringIO()
        Console(file=out, width=width, color_system=None, force_terminal=False, force_jupyter=False,
                highlight=False, markup=False, emoji=False).print(table)
        return "\n".join(line.rstrip() for line in out.getvalue().splitlines())

    def to_rdf(self, fmt: str) -> bytes:
        from rdflib import BNode, Graph, Literal, URIRef

        def conv(t: Term):
            if t.type == "uri":
                return URIRef(t.value)
            if t.type == "bnode":
                return BNode(t.value)
            if t.lang:
                return Literal(t.value, lang=t.lang)
            return Literal(t.value, datatype=URIRef(t.datatype) if t.datatype and t.datatype != XSD_STRING else None)

        from .export import serialize  # only a CONSTRUCT's output needs the exporters (start-up of `query run`)

        g = Graph()
        for s, p, o in self.triples:
            g.add((conv(s), conv(p), conv(o)))
        return serialize(g, fmt)

    def format(self, fmt: str, *, wide: bool = False) -> str:
        if self.kind == "construct":
            if fmt in GRAPH_FORMATS:
                return self.to_rdf(fmt).decode("utf-8")
            if fmt == "table":
                return self.to_rdf("ttl").decode("utf-8")
            raise ValueError(f"a graph result cannot be shown as {fmt}; use ttl, nt or jsonld")
        if fmt in GRAPH_FORMATS:
            raise ValueError(f"a table result cannot be shown as {fmt}; use table, csv, tsv, json or md")
        if fmt == "json":
            return self.to_sparql_json()
        if self.kind == "ask":
            return "yes" if self.boolean else "no"
        return {
            "table": lambda: self.to_table(wide=wide),
            "csv": lambda: self.to_delimited(","),
            # the name CSV with escaped formulas had before it was the default
            "csv-safe": lambda: self.to_delimited(","),
            "csv-raw": lambda: self.to_delimited(",", escape_formulas=False),
            "tsv": lambda: self.to_delimited("\t"),
            "md": self.to_markdown,
        }[fmt]()
