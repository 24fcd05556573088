"""The answers themselves, in process on the embedded graph: every stored query's tool answers the runs its header
declares with JSON structured content and a text, and the evidence is read from the graph, not made up."""

from __future__ import annotations

import json

import pytest

from airm.catalog import catalog
from airm.mcp.answers import answer
from airm.mcp.tools import ROWS_ARG, all_tools, check_arguments

CASES = [(name, case, args) for name, q in sorted(catalog().items()) for case, args in q.cases()]


@pytest.mark.parametrize(("name", "case", "args"), CASES, ids=[f"{n}-{c}" for n, c, _ in CASES])
def test_every_stored_query_tool_answers_its_declared_cases(kg, name, case, args):
    spec = {t.name: t for t in all_tools(row_cap=500, sparql_cap=100)}[name]
    assert check_arguments(spec, args) is None
    out = answer(kg, name, args, timeout=30, limit=500, query=name)
    assert out["error"] is False, out["text"]
    json.dumps(out["structured"])  # the protocol carries it as JSON
    assert out["text"].splitlines()[0] == catalog()[name].title
    for param, value in args.items():
        assert out["structured"]["resolved"][param]["given"] == value
        assert out["structured"]["resolved"][param]["default"] is False


def test_evidence_comes_from_the_graph(kg):
    """The looked-up evidence of a link is the graph's own qualified link (as the addressing-evidence query has it)."""
    out = answer(kg, "risks-of-mitigation", {}, timeout=30, limit=500, query="risks-of-mitigation")
    audit = kg.query("addressing-evidence")
    recorded = {(r["mitigation"].value, r["addressedRisk"].value, r["evidence"].value)
                for r in audit.rows if r.get("evidence") is not None}
    links = out["structured"].get("links")
    assert links, "risks-of-mitigation pairs a mitigation with the risks it addresses"
    for link in links:
        for e in link["evidence"]:
            assert (link["mitigation"], link["risk"], e["document"]) in recorded


def test_a_cut_result_says_so_and_how_to_narrow_it(kg):
    out = answer(kg, "browse-mitigations", {ROWS_ARG: 2}, timeout=30, limit=500, query="browse-mitigations")
    data = out["structured"]
    assert data["truncated"] is True and data["count"] == 2
    assert "cut at 2 rows" in data["truncation"] and ROWS_ARG in data["truncation"]
    assert data["truncation"] in out["text"]


def test_resolved_says_what_each_value_meant_and_by_which_rule(kg):
    """A CURIE is taken as given, a label by its tier, a default as the default, each with its label."""
    name = "training-methods-for-risk"
    for given, how in (("llmsr:value-misalignment", "iri"), ("value misalignment", "label"), (None, "default")):
        args = {"risk": given} if given else {}
        risk = answer(kg, name, args, timeout=30, limit=500, query=name)["structured"]["resolved"]["risk"]
        assert (risk["curie"], risk["label"], risk["how"]) == ("llmsr:value-misalignment", "Value Misalignment", how)
        assert risk["default"] is (given is None)


def test_search_uses_the_full_text_index_and_says_when_it_cut(kg):
    out = answer(kg, "search", {"keyword": "model", "scope": "resources", ROWS_ARG: 2}, timeout=30, limit=500)
    data = out["structured"]
    assert out["error"] is False and data["backend"] == "full-text index"
    assert data["count"] == 2 and data["truncated"] is True and ROWS_ARG in data["truncation"]
    assert all("[model" in r["snippet"].lower() for r in data["rows"])
    mitigations = answer(kg, "search", {"keyword": "model"}, timeout=30, limit=500)["structured"]["rows"]
    assert mitigations and all(r["type"].endswith("#Mitigation") for r in mitigations)


def test_search_falls_back_to_the_stored_queries_without_the_index(kg, monkeypatch):
    import sqlite3

    from airm import textindex

    def no_fts(kg):
        raise sqlite3.OperationalError("no such module: fts5")

    monkeypatch.setattr(textindex, "open_index", no_fts)
    out = answer(kg, "search", {"keyword": "reward model"}, timeout=30, limit=500)
    data = out["structured"]
    assert out["error"] is False and data["backend"] == "stored query search-mitigations" and data["count"] >= 1
    assert all("reward model" in r["text"].lower() for r in data["rows"])
