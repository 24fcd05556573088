"""Result bodies in the SPARQL 1.1 result formats and RDF syntaxes, built whole before any status line is sent."""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape, quoteattr

from ..results import XSD_STRING, QueryResult, escape_formula

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


def _xml_text(s: str) -> str:
    # XML 1.0 cannot carry most C0 control characters, even escaped: refuse rather than write a broken document
    if any(ord(c) < 0x20 and c not in "\t\n\r" for c in s):
        raise ValueError("a value holds a control character that SPARQL XML results cannot carry; use JSON")
    return escape(s)


def sparql_xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">', "<head>"]
    if result.kind == "ask":
        out += ["</head>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for v in result.variables:
            t = row.get(v)
            if t is None:
                continue
            if t.type == "uri":
                inner = f"<uri>{_xml_text(t.value)}</uri>"
            elif t.type == "bnode":
                inner = f"<bnode>{_xml_text(t.value)}</bnode>"
            elif t.lang:
                inner = f"<literal xml:lang={quoteattr(t.lang)}>{_xml_text(t.value)}</literal>"
            elif t.datatype and t.datatype != XSD_STRING:
                inner = f"<literal datatype={quoteattr(t.datatype)}>{_xml_text(t.value)}</literal>"
            else:
                inner = f"<literal>{_xml_text(t.value)}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def sparql_csv(result: QueryResult, *, escape_formulas: bool = True) -> str:
    """SPARQL 1.1 CSV: plain values, blank nodes as _:label, CRLF line ends; cells a spreadsheet would run as
    formulas get a leading ' unless ``escape_formulas`` is off (``?format=csv-raw``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(result.variables)
    for row in result.rows:
        cells = []
        for v in result.variables:
            t = row.get(v)
            cells.append("" if t is None else ("_:" + t.value if t.type == "bnode" else t.value))
        w.writerow([escape_formula(c) for c in cells] if escape_formulas else cells)
    return buf.getvalue()


def body(result: QueryResult, fmt: str) -> bytes:
    """The bytes of ``result`` in ``fmt`` (json, xml, csv, csv-raw, tsv, ttl, nt, jsonld, rdfxml)."""
    if fmt == "json":
        return result.to_sparql_json().encode("utf-8")
    if fmt == "xml":
        return sparql_xml(result).encode("utf-8")
    if fmt == "csv":
        return sparql_csv(result).encode("utf-8")
    if fmt == "csv-raw":
        return sparql_csv(result, escape_formulas=False).encode("utf-8")
    if fmt == "tsv":
        return result.to_delimited("\t").encode("utf-8")
    if fmt in ("ttl", "nt", "jsonld", "rdfxml"):
        return result.to_rdf(fmt)
    raise ValueError(f"no writer for {fmt!r}")
