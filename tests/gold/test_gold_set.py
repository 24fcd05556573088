"""The hand-labelled gold set (issue 14 item 6) is well formed: every row a concept of its axis's scheme, every
sampled mitigation labelled on all four axes, and the sample the one draw_sample.py draws from the five sources."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from . import draw_sample

HERE = Path(__file__).resolve().parent
GOLD = HERE / "classification-gold.tsv"
# the same sample labelled again, independently, to measure how far two annotators agree (README: "A second annotation")
SECOND = HERE / "second-annotator.tsv"
# the two adjudicated where they differ (README: "Adjudication"): the gold set the targets are scored on from round 4
ADJUDICATED = HERE / "adjudicated.tsv"
LABEL_FILES = pytest.mark.parametrize("labels", [GOLD, SECOND, ADJUDICATED],
                                      ids=["gold", "second-annotator", "adjudicated"])
SAMPLE = HERE / "sample.tsv"
COLUMNS = ["mitigation_id", "source", "mitigation_iri", "axis", "value", "value_code", "rank", "justification"]
SOURCES = {"mit-mitigations", "nist-ai-600-1", "atlas", "curated"}
SCHEMES = {
    "lifecycle-stage": "https://w3id.org/airm/id/scheme/lifecycle",
    "actor-type": "https://w3id.org/airm/id/scheme/actor-type",
    "rmf-function": "https://w3id.org/airm/id/scheme/rmf-function",
    "risk": "https://w3id.org/airm/id/scheme/mit-risk-domain",
}
NONE_SPECIFIC = "none-specific"

CONCEPTS = """
SELECT ?c ?scheme ?code ?sentinel ?broader WHERE {
  ?c skos:inScheme ?scheme .
  OPTIONAL { ?c skos:notation ?code }
  OPTIONAL { ?c skos:broader ?broader }
  BIND(EXISTS { ?c a airm:ClassificationSentinel } AS ?sentinel)
}
"""


def read_tsv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        return reader.fieldnames, list(reader)


def usable_concepts(kg) -> dict[tuple[str, str], str]:
    """(axis, notation) -> concept IRI for every concept a gold label may name: no sentinels, and on the risk axis
    only subdomains (concepts with a broader domain)."""
    scheme_axis = {iri: axis for axis, iri in SCHEMES.items()}
    usable = {}
    for row in kg.sparql(CONCEPTS):
        axis = scheme_axis.get(row["scheme"].value)
        if axis is None or row["sentinel"].value == "true" or "code" not in row:
            continue
        if axis == "risk" and "broader" not in row:
            continue
        usable[(axis, row["code"].value)] = row["c"].value
    return usable


def row_problems(rows: list[dict], concepts: dict[tuple[str, str], str]) -> list[str]:
    """What is wrong with the gold rows, one message per problem (line numbers count the header as line 1)."""
    problems = []
    for line, row in enumerate(rows, start=2):
        axis, value, code = row["axis"], row["value"], row["value_code"]
        if row["source"] not in SOURCES:
            problems.append(f"line {line}: unknown source {row['source']!r}")
        if axis not in SCHEMES:
            problems.append(f"line {line}: unknown axis {axis!r}")
        elif axis == "risk" and code == NONE_SPECIFIC:
            if value:
                problems.append(f"line {line}: none-specific carries no value IRI")
        elif concepts.get((axis, code)) != value:
            problems.append(f"line {line}: {value or '(empty)'} / {code!r} is not a usable concept of {axis}")
        if not row["rank"].isdigit() or int(row["rank"]) < 1:
            problems.append(f"line {line}: rank {row['rank']!r} is not a positive integer")
        if not row["justification"].strip().endswith("."):
            problems.append(f"line {line}: the justification is missing or not a sentence")
    return problems


def item_problems(rows: list[dict]) -> list[str]:
    """Per mitigation: all four axes, one RMF function, ranks 1..n without gaps, no value twice, none-specific alone."""
    by_item = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_item[row["mitigation_id"]][row["axis"]].append(row)
    problems = []
    for mid, axes in by_item.items():
        if set(axes) != set(SCHEMES):
            problems.append(f"{mid}: labelled on {sorted(axes)}, not on all four axes")
        if len(axes.get("rmf-function", [])) != 1:
            problems.append(f"{mid}: needs exactly one rmf-function label")
        for axis, labels in axes.items():
            if sorted(int(r["rank"]) for r in labels if r["rank"].isdigit()) != list(range(1, len(labels) + 1)):
                problems.append(f"{mid}: the {axis} ranks are not 1..{len(labels)}")
            if len({r["value_code"] for r in labels}) != len(labels):
                problems.append(f"{mid}: a {axis} value is given twice")
            if len(labels) > 1 and any(r["value_code"] == NONE_SPECIFIC for r in labels):
                problems.append(f"{mid}: none-specific beside a subdomain")
        if len({(r["source"], r["mitigation_iri"]) for labels in axes.values() for r in labels}) != 1:
            problems.append(f"{mid}: rows disagree on its source or IRI")
    return problems


@LABEL_FILES
def test_columns_are_exactly_the_documented_ones(labels):
    columns, rows = read_tsv(labels)
    assert columns == (COLUMNS + ["basis"] if labels == ADJUDICATED else COLUMNS)
    wrong = [n for n, row in enumerate(rows, start=2) if None in row or None in row.values()]
    assert wrong == [], f"lines with the wrong number of fields: {wrong}"


@LABEL_FILES
def test_every_value_is_a_concept_of_its_axis_scheme_in_the_built_graph(kg, labels):
    _, rows = read_tsv(labels)
    assert row_problems(rows, usable_concepts(kg)) == []


@LABEL_FILES
def test_every_mitigation_is_labelled_on_all_four_axes(labels):
    _, rows = read_tsv(labels)
    assert item_problems(rows) == []


@LABEL_FILES
def test_enough_mitigations_from_every_source_and_exactly_the_sample(labels):
    _, rows = read_tsv(labels)
    _, sample = read_tsv(SAMPLE)
    labelled = {(r["mitigation_id"], r["source"], r["mitigation_iri"]) for r in rows}
    assert labelled == {(r["mitigation_id"], r["source"], r["mitigation_iri"]) for r in sample}
    assert len(labelled) >= 150
    assert {source for _, source, _ in labelled} == SOURCES


def test_the_checks_catch_what_they_are_for(kg):
    """The checks above are not vacuous: damaged rows are reported."""
    _, rows = read_tsv(GOLD)
    first = [dict(r) for r in rows if r["mitigation_id"] == rows[0]["mitigation_id"]]
    stage = next(r for r in first if r["axis"] == "lifecycle-stage")
    stage["value"] = "https://w3id.org/airm/id/actor/developer"  # a concept of another scheme
    risk = dict(next(r for r in first if r["axis"] == "risk"), value="https://w3id.org/airm/id/mit-risk-domain/2",
                value_code="2", rank="9")  # a domain, not a subdomain, at a gap in the ranks
    sentinel = dict(stage, value="https://w3id.org/airm/id/lifecycle/not-recorded", value_code="", rank="2")
    damaged = [r for r in first if r["axis"] != "actor-type"] + [risk, sentinel]
    problems = row_problems(damaged, usable_concepts(kg))
    assert any("not a usable concept of lifecycle-stage" in p and "actor/developer" in p for p in problems)
    assert any("not a usable concept of risk" in p for p in problems)
    assert any("lifecycle/not-recorded" in p for p in problems)
    problems = item_problems(damaged)
    assert any("not on all four axes" in p for p in problems)
    assert any("risk ranks" in p for p in problems)


def test_allocation_keeps_small_sources_whole_and_floors_the_others():
    quota = draw_sample.allocate({"mit-mitigations": 831, "nist-ai-600-1": 212, "atlas": 35, "curated": 7})
    assert quota == {"mit-mitigations": 106, "nist-ai-600-1": 27, "atlas": 20, "curated": 7}
    assert draw_sample.allocate({"a": 100, "b": 100}, total=50) == {"a": 25, "b": 25}


@pytest.mark.reference
@pytest.mark.slow
def test_the_sample_is_redrawn_from_the_five_sources_and_every_id_exists(five_sources):
    """With the five sources imported, draw_sample.py draws exactly sample.tsv, so every gold id and IRI is a
    mitigation of the graph, filed under its source."""
    workspace = five_sources
    groups = draw_sample.mitigations(workspace)
    assert {name: len(items) for name, items in groups.items()} == {
        "mit-mitigations": 831, "nist-ai-600-1": 212, "atlas": 35, "curated": 7}
    assert draw_sample.as_tsv(draw_sample.draw(groups)) == SAMPLE.read_text(encoding="utf-8")
    known = {(mid, name, iri) for name, items in groups.items() for mid, iri in items}
    _, rows = read_tsv(GOLD)
    assert {(r["mitigation_id"], r["source"], r["mitigation_iri"]) for r in rows} <= known


def _codes_by_item_axis(path: Path) -> dict:
    by = defaultdict(list)
    for row in read_tsv(path)[1]:
        by[(row["mitigation_id"], row["axis"])].append((int(row["rank"]), row["value_code"]))
    return {k: [code for _, code in sorted(v)] for k, v in by.items()}


def test_the_adjudicated_set_keeps_what_both_annotators_agree_on_and_says_where_it_chose():
    """Where the two annotations give the same ranked values the adjudicated set has them (basis `agreed`); where they
    differ it says whose list it took (`adjudicated-first`, `adjudicated-second`) and then has exactly that list, or
    `adjudicated-own` with a list neither gave."""
    first, second, final = (_codes_by_item_axis(p) for p in (GOLD, SECOND, ADJUDICATED))
    basis = {(r["mitigation_id"], r["axis"]): r["basis"] for r in read_tsv(ADJUDICATED)[1]}
    assert set(final) == set(first) == set(second)
    expected = {"agreed": lambda k: first[k] == second[k] == final[k],
                "adjudicated-first": lambda k: first[k] != second[k] and final[k] == first[k],
                "adjudicated-second": lambda k: first[k] != second[k] and final[k] == second[k],
                "adjudicated-own": lambda k: final[k] not in (first[k], second[k])}
    wrong = [(k, basis.get(k)) for k in final if basis.get(k) not in expected or not expected[basis[k]](k)]
    assert wrong == []
    assert {b for b in basis.values()} == set(expected)
