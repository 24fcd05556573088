"""One row of an AI Atlas Nexus mapping table as an ``airm:ConceptMapping`` node: shared by the importers that read
those tables (nexus-mappings, nexus-taxonomies), so that a row imported by either gets the same node and fields."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation

from .toolkit import iso_date

# The tables' predicates -> airm's (a SKOS mapping property, or airm:noMatch which asserts nothing)
PREDICATES = {
    "skos:exactmatch": "skos:exactMatch",
    "skos:closematch": "skos:closeMatch",
    "skos:broadmatch": "skos:broadMatch",
    "skos:narrowmatch": "skos:narrowMatch",
    "skos:relatedmatch": "skos:relatedMatch",
    "nomatch": "airm:noMatch",
    "skos:nomatch": "airm:noMatch",
}


def mapping_node(t, flag, row: dict, where: str, key: str, subject, predicate: str, obj, set_date):
    """The mapping node named by a hash of ``key``, with the row's SSSOM fields (its own date, else the table's);
    a field whose value airm cannot read goes to review and is left out."""
    node = t.iri("mapping:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20])
    t.add(node, "rdf:type", "airm:ConceptMapping")
    t.add(node, "sssom:subject_id", subject)
    t.add(node, "sssom:predicate_id", predicate)
    t.add(node, "sssom:object_id", obj)
    for column, prop in (("subject_label", "sssom:subject_label"), ("object_label", "sssom:object_label")):
        if row.get(column):
            t.add(node, prop, t.text(row[column], None))
    justification = row.get("mapping_justification", "")
    if justification:
        if re.fullmatch(r"semapv:[A-Za-z]+", justification):
            t.add(node, "sssom:mapping_justification", t.iri(justification))
        else:
            flag(where, "mapping_justification", justification, "not a SEMAPV term: left out")
    for author in filter(None, (a.strip() for a in row.get("author_id", "").split("|"))):
        t.add(node, "sssom:author_id", t.text(author, None))
    date_text = row.get("mapping_date", "")
    day = iso_date(date_text) if date_text else set_date
    if date_text and day is None:
        flag(where, "mapping_date", date_text, "not a date (YYYY-MM-DD): left out")
    if day:
        t.add(node, "sssom:mapping_date", t.typed(day, "xsd:date"))
    for column in ("confidence", "similarity_score"):
        value = row.get(column, "")
        if not value:
            continue
        try:
            number_value = Decimal(value)
        except InvalidOperation:
            number_value = None
        readable = number_value is not None and number_value.is_finite()
        if not readable or (column == "confidence" and not 0 <= number_value <= 1):
            flag(where, column, value, "not a number (confidence: between 0 and 1): left out")
            continue
        t.add(node, f"sssom:{column}", t.typed(format(number_value.normalize(), "f"), "xsd:decimal"))
    if row.get("comment"):
        t.add(node, "sssom:comment", t.text(row["comment"]))
    return node
