"""airm classify (issue 14 items 4 and 5): each method on a small fixture workspace, proposals kept out of queries
unless asked for, the export -> review -> export round trip, and every bad input refused with nothing written."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from helpers import run_cli

HERE = Path(__file__).resolve().parent
NIST = "https://w3id.org/airm/id/nist-ai-600-1/"
MIT = "https://w3id.org/airm/id/mit-mitigation/"
ID = "https://w3id.org/airm/id/"


@pytest.fixture
def ws(tmp_path):
    """A workspace holding the fixture source: two NIST-like actions, two MIT-like records, an exact match and one
    category-level crosswalk row (mitigation subcategory 3.2 -> risk subdomain 2.1)."""
    (tmp_path / "sources").mkdir()
    shutil.copy(HERE / "fixture.nq.txt", tmp_path / "sources" / "fixture.nq")
    return tmp_path


def _classify(ws, **kw):
    """These tests are about the text rules and the methods around them: the learned text model is left out unless a
    test names one (tests/classify/test_text_model.py tests it)."""
    from airm.classify import classify

    kw.setdefault("model_file", "none")
    return classify(workspace=ws, **kw)


def _by(result, ident_iri, axis):
    return [p for p in result.proposed if p.mitigation == ident_iri and p.axis == axis]


def test_inherited_through_exact_match_says_from_which_record(ws):
    result = _classify(ws)
    # on stage, actor and function a duplicate's values are evidence for the text rules, not inherited as they are
    (fn,) = _by(result, MIT + "T0001", "rmf-function")
    assert (fn.value, fn.method) == (ID + "rmf/govern", "text-rules")
    assert "its exact match is classified RMF function Govern" in fn.rationale
    (actor,) = _by(result, MIT + "T0001", "actor-type")
    assert actor.value == ID + "actor/deployer" and actor.method == "text-rules"
    assert "its exact match is classified RMF function Govern and actor type Deployer" in actor.rationale
    (cat,) = _by(result, NIST + "GV-9.9-002", "mitigation-category")  # the other way round: MIT's category
    assert cat.value == ID + "mit-mitigation-taxonomy/3.2"
    assert "the MIT AI Risk Mitigation database T0001_TEST2025" in cat.rationale


def test_structural_facts_of_the_source(ws):
    result = _classify(ws)
    (fn,) = _by(result, NIST + "MS-9.9-001", "rmf-function")
    assert (fn.value, fn.method, fn.confidence) == (ID + "rmf/measure", "structural", 0.95)
    assert "MS-9.9-001 begins with MS" in fn.rationale
    (stage,) = _by(result, NIST + "MS-9.9-001", "lifecycle-stage")
    assert (stage.value, stage.method) == (ID + "lifecycle/verify-and-validate", "structural")
    assert "'TEVV'" in stage.rationale


def test_category_level_crosswalk_is_read_generically_and_labelled_weaker(ws):
    result = _classify(ws)
    (risk,) = _by(result, MIT + "T0001", "risk")
    assert (risk.value, risk.method, risk.confidence) == (ID + "mit-risk-domain/2.1", "crosswalk", 0.5)
    assert "category-level" in risk.rationale and "3.2 Data Governance" in risk.rationale


def test_text_rules_name_the_words_they_matched(ws):
    result = _classify(ws)
    stages = _by(result, MIT + "T0002", "lifecycle-stage")
    assert stages[0].value == ID + "lifecycle/operate-and-monitor" and stages[0].method == "text-rules"
    assert "'monitor'" in stages[0].rationale
    assert ID + "mit-risk-domain/7.1" in {p.value for p in _by(result, MIT + "T0002", "risk")}
    assert not _by(result, MIT + "T0002", "mitigation-category")  # the category only where a source fixes it


def test_values_already_stated_are_not_proposed(ws):
    result = _classify(ws)
    assert not _by(result, NIST + "GV-9.9-002", "rmf-function")
    assert not _by(result, NIST + "GV-9.9-002", "actor-type")


def test_classify_is_deterministic(ws):
    _classify(ws)
    first = (ws / "classification" / "proposals.nq").read_bytes()
    _classify(ws)
    assert (ws / "classification" / "proposals.nq").read_bytes() == first


def test_queries_leave_proposals_out_unless_asked(ws):
    import airm

    _classify(ws)
    kg = airm.load(workspace=ws)
    plain = {r["mitigation"].value for r in kg.query("mitigations-by-function", function="GV")}
    assert MIT + "T0001" not in plain and NIST + "GV-9.9-002" in plain
    rows = [r for r in kg.query("mitigations-by-function", function="GV", with_proposals=True)
            if r["mitigation"].value == MIT + "T0001"]
    assert rows and rows[0]["status"].value == "proposed" and rows[0]["method"].value == "text-rules"
    assert "its exact match is classified RMF function Govern" in rows[0]["rationale"].value
    source_row = next(r for r in kg.query("mitigations-by-function", function="GV")
                      if r["mitigation"].value == NIST + "GV-9.9-002")
    assert source_row["status"].value == "source"


def test_rdflib_engine_leaves_proposals_out_too(ws):
    import airm
    from airm.catalog import get
    from airm.engines import run_stored

    _classify(ws)
    kg = airm.load(workspace=ws)
    from airm.catalog import bind_params

    q = get("mitigations-by-function")
    bound = bind_params(kg, q, {"function": "GV"})
    plain = {r["mitigation"].value for r in run_stored(kg, q, bound, engine="rdflib").rows}
    fuller = {r["mitigation"].value for r in run_stored(kg, q, bound, engine="rdflib", with_proposals=True).rows}
    assert MIT + "T0001" not in plain and MIT + "T0001" in fuller


def test_cli_query_says_what_it_left_out(ws):
    assert run_cli("classify", "--text-model", "none", "--workspace", str(ws))[0] == 0
    code, out, err = run_cli("query", "run", "mitigations-by-function", "-p", "function=GV", "--workspace", str(ws),
                             "--format", "csv")
    assert code == 0 and "T0001" not in out
    assert "left out" in err and "--with-proposals" in err
    code, out, _ = run_cli("query", "run", "mitigations-by-function", "-p", "function=GV", "--with-proposals",
                           "--workspace", str(ws),
                           "--format", "csv")
    assert code == 0 and "T0001" in out and "its exact match is classified RMF function Govern" in out


def _export(ws) -> list[dict]:
    out = ws / "review.tsv"
    code, _, err = run_cli("classify", "--export", str(out), "--workspace", str(ws))
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")), delimiter="\t"))


def _write(path: Path, rows: list[dict]) -> None:
    from airm.review import COLUMNS

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_export_has_exactly_the_issue_columns_and_curated_rows(ws):
    from airm.review import COLUMNS

    _classify(ws)
    rows = _export(ws)
    assert list(rows[0]) == COLUMNS == ["mitigation_id", "axis", "value", "value_label", "value_code", "method",
                                        "confidence", "status", "rationale"]
    curated = [r for r in rows if r["mitigation_id"] == "GV-9.9-002" and r["axis"] == "rmf-function"]
    assert curated == [{**curated[0], "value_code": "GV", "status": "curated", "value_label": "Govern"}]
    assert any(r["mitigation_id"] == "T0001_TEST2025" and r["status"] == "proposed" for r in rows)


def test_round_trip_export_review_accept_export(ws):
    import airm

    _classify(ws)
    rows = _export(ws)
    mine = [r for r in rows if r["mitigation_id"] == "T0001_TEST2025" and r["status"] == "proposed"]
    fn = next(r for r in mine if r["axis"] == "rmf-function")
    risk = next(r for r in mine if r["axis"] == "risk")
    risk["status"] = "rejected"
    _write(ws / "reviewed.tsv", [fn, risk])
    code, out, err = run_cli("review", "accept", str(ws / "reviewed.tsv"), "--workspace", str(ws))
    assert code == 0, err
    assert "1 accepted, 1 rejected" in out
    after = {(r["mitigation_id"], r["axis"], r["value"]): r["status"] for r in _export(ws)}
    assert after[("T0001_TEST2025", "rmf-function", fn["value"])] == "accepted"
    assert after[("T0001_TEST2025", "risk", risk["value"])] == "rejected"
    kg = airm.load(workspace=ws)  # accepted: read by default now, marked as such
    row = next(r for r in kg.query("mitigations-by-function", function="GV") if r["mitigation"].value == MIT + "T0001")
    assert row["status"].value == "accepted"
    _classify(ws)  # a rejected proposal is not made again
    after = {(r["mitigation_id"], r["axis"], r["value"]): r["status"] for r in _export(ws)}
    assert after[("T0001_TEST2025", "risk", risk["value"])] == "rejected"


def _one_row(ws, **changes) -> Path:
    rows = _export(ws)
    row = next(r for r in rows if r["status"] == "proposed")
    _write(ws / "bad.tsv", [{**row, **changes}])
    return ws / "bad.tsv"


@pytest.mark.parametrize(("changes", "message"), [
    ({"mitigation_id": "A9999_NOWHERE"}, "no mitigation with the identifier 'A9999_NOWHERE'"),
    ({"value": ID + "lifecycle/deploy", "axis": "risk"}, "is not a concept of the risk scheme"),
    ({"axis": "colour"}, "unknown axis 'colour'"),
    ({"status": "maybe"}, "status 'maybe'"),
])
def test_review_refuses_bad_rows_naming_file_and_row_and_changes_nothing(ws, changes, message):
    _classify(ws)
    bad = _one_row(ws, **changes)
    before = {p.name: p.read_bytes() for p in (ws / "classification").iterdir()}
    code, out, err = run_cli("review", "accept", str(bad), "--workspace", str(ws))
    assert code == 2 and f"{bad}:2" in err and message in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (ws / "classification").iterdir()} == before


def test_review_all_or_nothing_when_a_later_row_is_bad(ws):
    _classify(ws)
    rows = [r for r in _export(ws) if r["status"] == "proposed"][:3]
    rows[2] = {**rows[2], "mitigation_id": "NOPE"}
    _write(ws / "bad.tsv", rows)
    before = (ws / "classification" / "curated.nq").read_bytes()
    code, _, err = run_cli("review", "accept", str(ws / "bad.tsv"), "--workspace", str(ws))
    assert code == 2 and "bad.tsv:4" in err
    assert (ws / "classification" / "curated.nq").read_bytes() == before


def test_rules_file_with_unknown_concept_names_file_and_line(ws, tmp_path):
    rules = tmp_path / "rules.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n"
        "<https://example.org/r1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight 1.0 ; airm:rulePattern "x" ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/launch-party> .\n", encoding="utf-8")
    code, _, err = run_cli("classify", "--rules", str(rules), "--workspace", str(ws))
    assert code == 2 and f"{rules}:4" in err and "launch-party is not a concept of the lifecycle-stage scheme" in err
    assert not (ws / "classification").exists()


def test_rules_file_with_bad_pattern_names_the_rule(ws, tmp_path):
    rules = tmp_path / "rules.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n"
        "<https://example.org/r1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight 1.0 ; airm:rulePattern "(unclosed" ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/deploy> .\n", encoding="utf-8")
    code, _, err = run_cli("classify", "--rules", str(rules), "--workspace", str(ws))
    assert code == 2 and f"{rules}:2" in err and "not a regular expression" in err


def test_held_value_rule_with_unknown_concept_names_file_and_line(ws, tmp_path):
    rules = tmp_path / "held.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n"
        "<https://example.org/h1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight 1.0 ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/deploy> ;\n"
        "  airm:ruleWhenHeld <https://w3id.org/airm/id/mit-mitigation-taxonomy/9.9> .\n", encoding="utf-8")
    code, _, err = run_cli("classify", "--rules", str(rules), "--workspace", str(ws))
    assert code == 2 and f"{rules}:5" in err and "9.9 is not a concept of any axis's scheme" in err
    assert "Traceback" not in err and not (ws / "classification").exists()


def test_held_value_rule_counts_only_when_the_concept_is_held(tmp_path):
    rules = tmp_path / "held.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n"
        "<https://example.org/h1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight 1.0 ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/verify-and-validate> ;\n"
        "  airm:ruleWhenHeld <https://w3id.org/airm/id/mit-mitigation-taxonomy/3.1> .\n"
        "<https://example.org/w1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight 0.6 ; airm:rulePattern "monitor" ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/operate-and-monitor> .\n", encoding="utf-8")
    from airm.classify.rules import score

    loaded = _load(rules)
    text = "Monitor the model"
    assert [s.value for s in score(loaded, "lifecycle-stage", text)] == [ID + "lifecycle/operate-and-monitor"]
    ranked = score(loaded, "lifecycle-stage", text, frozenset({ID + "mit-mitigation-taxonomy/3.1"}))
    assert ranked[0].value == ID + "lifecycle/verify-and-validate"
    assert ranked[0].held == (ID + "mit-mitigation-taxonomy/3.1",)
    assert ranked[0].words == () and ranked[1].words == ("monitor",)


def test_category_held_value_rule_named_in_the_rationale(ws):
    result = _classify(ws)
    stages = _by(result, MIT + "T0001", "lifecycle-stage")
    assert stages and "it is classified MIT taxonomy category 3.2 Data Governance" in stages[0].rationale


def test_shipped_rules_load_and_every_value_is_in_its_scheme(kg):
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.rules import load_rules

    schemes = load_schemes(lambda t: graphs.select(kg.store, t))
    rules = load_rules(schemes)
    assert {r.axis for r in rules} == {"lifecycle-stage", "actor-type", "rmf-function", "risk"}
    assert sum(1 for r in rules if r.pattern is None and not r.when_held) == 4  # one default per axis
    assert any(r.when_held.endswith("mit-mitigation-taxonomy/3.1") for r in rules)  # the held-value rules load too


def test_shapes_refuse_a_rule_naming_no_concept(tmp_path):
    rules = tmp_path / "rules.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://example.org/r1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight "1.0"^^xsd:decimal ; airm:rulePattern "x" ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/launch-party> .\n", encoding="utf-8")
    code, out, err = run_cli("validate", str(rules))
    assert code == 1 and "must belong to a concept scheme" in out + err


def test_shapes_refuse_a_held_value_rule_naming_neither_concept_nor_document(tmp_path):
    rules = tmp_path / "held.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://example.org/h1> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "actor-type" ; airm:ruleWeight "1.0"^^xsd:decimal ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/actor/deployer> ;\n"
        "  airm:ruleWhenHeld <https://example.org/no-such-thing> .\n", encoding="utf-8")
    code, out, err = run_cli("validate", str(rules))
    assert code == 1 and "names one concept of a concept scheme or one document" in out + err


def test_shipped_classifier_data_conforms(kg):
    report = kg.validate()  # the NIST actor-task table, built into the graph
    assert report.conforms, report.to_text()


def test_shipped_rules_conform_to_their_shapes_and_stay_out_of_the_graph(kg):
    from airm.classify.rules import rule_files

    files = rule_files()
    assert {f.name for f in files} >= {"text-rules.ttl", "held-value-rules.ttl", "learned-lexicon.ttl"}
    code, out, err = run_cli("validate", *map(str, files))
    assert code == 0 and "0 violation(s)" in out + err, out + err
    # classify reads them itself: the graph the queries see holds no rule (the lexicon would nearly double it)
    assert kg.sparql("ASK { ?r a <https://w3id.org/airm#ClassificationRule> }").boolean is False


def test_record_level_crosswalk_from_the_risk_a_mitigation_addresses(ws):
    result = _classify(ws)
    (risk,) = _by(result, NIST + "GV-9.9-002", "risk")
    assert (risk.value, risk.method, risk.confidence) == (ID + "mit-risk-domain/2.1", "crosswalk", 0.75)
    assert risk.rationale.startswith("It addresses Data Privacy, which the crosswalk nist-ai-600-1-to-mit-risk-domains")


def test_rule_pattern_that_backtracks_without_end_is_stopped_naming_the_rule(ws, tmp_path):
    rules = tmp_path / "rules.ttl"
    rules.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n"
        "<https://example.org/slow> a airm:ClassificationRule ;\n"
        '  airm:classificationAxis "lifecycle-stage" ; airm:ruleWeight 1.0 ; airm:rulePattern "(a|aa)+$" ;\n'
        "  airm:ruleValue <https://w3id.org/airm/id/lifecycle/deploy> .\n", encoding="utf-8")
    from airm.classify.rules import Rule, score

    rule = next(iter(_load(rules)))
    with pytest.raises(Exception, match=r"rules.ttl:2: rule slow took more than 0.5 s"):
        score([rule], "lifecycle-stage", "a" * 60 + "b")
    assert isinstance(rule, Rule)


def _load(path):
    import airm
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.rules import load_rules

    kg = airm.load()
    return load_rules(load_schemes(lambda t: graphs.select(kg.store, t)), [path])


def test_document_held_value_rule_counts_for_records_extracted_from_it(ws):
    (ws / "sources" / "extra.nq").write_text(
        f"<{MIT}T0002> <https://w3id.org/airm#extractedFrom> <{ID}ref/nist-ai-600-1> "
        "<https://w3id.org/airm/graph/x> .\n",
        encoding="utf-8")
    actor = _by(_classify(ws), MIT + "T0002", "actor-type")[0]
    assert actor.value == ID + "actor/deployer" and "it is extracted from nist-ai-600-1" in actor.rationale


def test_link_coverage_counts_proposals_apart_from_curated_values(ws):
    """`airm sources` reports, per source and axis, the mitigations with a proposed value: they are read from the
    proposals file 'airm classify' wrote beside the graph, never mixed into the linked count."""
    import airm
    from airm.coverage import link_coverage

    before = {(r["source"], r["axis"]): r for r in link_coverage(airm.load(workspace=ws))}
    result = _classify(ws)
    after = {(r["source"], r["axis"]): r for r in link_coverage(airm.load(workspace=ws))}
    stages = {p.mitigation for p in result.proposed if p.axis == "lifecycle-stage"}
    on_axis = [k for k in after if k[1] == "lifecycle-stage"]
    assert stages and all(before[k]["proposed"] == 0 for k in on_axis)
    assert sum(after[k]["proposed"] for k in on_axis) == len(stages)  # each source counts its own mitigations
    assert all(after[k]["linked"] == before[k]["linked"] for k in on_axis)


READING_RULES = (  # a text reading that disagrees with GV-9.9-002's stated function and T0001's crosswalk subdomain
    "@prefix airm: <https://w3id.org/airm#> .\n"
    "<https://example.org/f1> a airm:ClassificationRule ;\n"
    '  airm:classificationAxis "rmf-function" ; airm:ruleWeight 1.0 ; airm:rulePattern "register" ;\n'
    "  airm:ruleValue <https://w3id.org/airm/id/rmf/manage> .\n"
    "<https://example.org/r1> a airm:ClassificationRule ;\n"
    '  airm:classificationAxis "risk" ; airm:ruleWeight 1.0 ; airm:rulePattern "personal data" ;\n'
    "  airm:ruleValue <https://w3id.org/airm/id/mit-risk-domain/2.2> .\n")


def _ordered(ws, rules, ident, axis, result):
    import airm
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.facts import read_facts
    from airm.classify.methods import order_values
    from airm.classify.rules import load_rules

    kg = airm.load(workspace=ws)
    schemes = load_schemes(lambda t: graphs.select(kg.store, t))
    facts = read_facts(lambda t: graphs.select(kg.store, t), schemes)
    m = facts.mitigations[ident]
    return order_values(load_rules(schemes, [rules]), facts, m, axis, m.values.get(axis, ()), _by(result, ident, axis))


def test_text_reading_is_proposed_beside_a_stated_value_which_stays_and_ranks_first(ws, tmp_path):
    rules = tmp_path / "reading.ttl"
    rules.write_text(READING_RULES, encoding="utf-8")
    result = _classify(ws, rules_files=[rules])
    (reading,) = _by(result, NIST + "GV-9.9-002", "rmf-function")  # the stated Govern is not proposed again
    assert (reading.value, reading.method) == (ID + "rmf/manage", "text-rules")
    assert "reads mostly as Manage" in reading.rationale and "'register'" in reading.rationale
    assert "the source states Govern, which stays stated" in reading.rationale
    assert _ordered(ws, rules, NIST + "GV-9.9-002", "rmf-function", result) == [ID + "rmf/manage", ID + "rmf/govern"]
    # the stated value is still a source fact, not a proposal: the mitigation counts as having had a value only
    had, more = result.coverage["rmf-function"]
    with_proposal = {p.mitigation for p in result.proposed if p.axis == "rmf-function"}
    assert NIST + "GV-9.9-002" in with_proposal and more == len(with_proposal) - 1 and had + more <= result.mitigations


def test_text_reading_is_proposed_beside_a_crosswalk_and_ranks_first(ws, tmp_path):
    rules = tmp_path / "reading.ttl"
    rules.write_text(READING_RULES, encoding="utf-8")
    result = _classify(ws, rules_files=[rules])
    by_value = {p.value: p for p in _by(result, MIT + "T0001", "risk")}
    assert by_value[ID + "mit-risk-domain/2.1"].method == "crosswalk"
    assert by_value[ID + "mit-risk-domain/2.2"].method == "text-rules"
    assert "the crosswalk method's 2.1" in by_value[ID + "mit-risk-domain/2.2"].rationale
    assert _ordered(ws, rules, MIT + "T0001", "risk", result)[:2] == [ID + "mit-risk-domain/2.2",
                                                                      ID + "mit-risk-domain/2.1"]


def test_no_reading_where_the_text_agrees_or_no_rule_matches(ws, tmp_path):
    rules = tmp_path / "agree.ttl"
    rules.write_text(READING_RULES.replace("rmf/manage", "rmf/govern").replace("2.2>", "2.1>"), encoding="utf-8")
    result = _classify(ws, rules_files=[rules])
    assert not _by(result, NIST + "GV-9.9-002", "rmf-function")
    assert [p.method for p in _by(result, MIT + "T0001", "risk")] == ["crosswalk"]
    assert not _by(result, NIST + "GV-9.9-002", "actor-type")  # no actor rule matched: the stated Deployer alone
