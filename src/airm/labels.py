"""The names people read for IRIs: a resource's best label from the store, and the labels a result's IRIs need.

Library level, so reports, the CLI and the web pages share one lookup (report.py used to take it from the web
package).
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from .vocab import Dcterms, Rdfs, Skos

LABELS = (Skos.prefLabel, Rdfs.label, Dcterms.title, Skos.notation)  # the first that has a value wins
SCAN = 20  # literals of one label property read per resource: enough to find an English one


def best_literal(literals: list) -> str | None:
    """English or untagged first, then anything."""
    if not literals:
        return None
    for lit in literals:
        lang = getattr(lit, "language", None)
        if lang is None or lang.lower().startswith("en"):
            return lit.value
    return literals[0].value


def label_of(store, iri: str) -> str | None:
    """The label of ``iri`` in an Oxigraph store, by the first property of LABELS that gives one."""
    node = ox.NamedNode(iri)
    for prop in LABELS:
        lits = [q.object for q in itertools.islice(store.quads_for_pattern(node, ox.NamedNode(prop), None, None), SCAN)
                if isinstance(q.object, ox.Literal)]
        best = best_literal(lits)
        if best:
            return best
    return None


def labels_for(kg, iris) -> dict[str, str]:
    """IRI -> label for those of ``iris`` that have one."""
    out = {}
    for iri in iris:
        if iri not in out:
            label = label_of(kg.store, iri)
            if label is not None:
                out[iri] = label
    return out


def result_iris(result) -> set:
    """Every IRI in a query result (a SELECT's cells or a CONSTRUCT's triples): the ones a display labels."""
    iris = set()
    if result is None:
        return iris
    if result.kind == "select":
        for row in result.rows:
            iris.update(t.value for t in row.values() if t.type == "uri")
    elif result.kind == "construct":
        for triple in result.triples:
            iris.update(t.value for t in triple if t.type == "uri")
    return iris


def add_label_columns(kg, result) -> None:
    """Give every IRI column of a SELECT result that has no label column of its own (``results.label_column``) a
    ``<column>Label`` column next to it, where the graph has a label for its IRIs: CSV and JSON keep the IRIs and
    gain the names people read, and a table can show the names instead."""
    from .results import Term, label_column

    if result.kind != "select":
        return
    variables = list(result.variables)
    for var in list(variables):
        name = f"{var}Label"
        if label_column(variables, var) is not None:
            continue
        iris = {row[var].value for row in result.rows if var in row and row[var].type == "uri"}
        found = labels_for(kg, iris)
        if not found:
            continue
        variables.insert(variables.index(var) + 1, name)
        for row in result.rows:
            term = row.get(var)
            if term is not None and term.type == "uri" and term.value in found:
                row[name] = Term("literal", found[term.value])
    result.variables = variables
