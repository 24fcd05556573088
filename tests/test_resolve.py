"""Parameter values resolve the way a person means them, ranked, and every answer says what they resolved to."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli

RISK = "https://w3id.org/airm#Risk"
MITDOM = "https://w3id.org/airm/id/mit-risk-domain/"


@pytest.mark.parametrize(("text", "how"), [
    ("2.2", "code"),
    ("AI system security vulnerabilities and attacks", "label"),
    ("ai-system  SECURITY, vulnerabilities and attacks!", "label"),  # punctuation and case folded
    ("AI system security", "prefix"),
    ("vulnerabilities attacks security system", "words"),
    ("AI sytem securty vulnerabilites and atacks", "fuzzy"),
])
def test_tiers(kg, text, how):
    found = kg.resolve(text, cls=RISK)
    assert (found.best.iri if found.best else None, found.how) == (MITDOM + "2.2", how)


def test_a_code_is_never_matched_loosely(kg):
    found = kg.resolve("7.11", cls=RISK)
    assert found.best is None and all(c.iri != MITDOM + "7.1" for c in found.candidates if c.score >= 80)


def test_an_exact_code_beats_a_label(tmp_path):
    import airm

    extra = tmp_path / "code.ttl"
    extra.write_text("""@prefix airm: <https://w3id.org/airm#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/a> a airm:Risk ; skos:prefLabel "7.1"@en .
""")
    found = airm.load(files=[extra]).resolve("7.1", cls=RISK)
    assert found.how == "code" and found.best.iri == MITDOM + "7.1"


def test_a_partial_match_without_a_clear_best_gives_candidates_with_labels_and_schemes(kg):
    found = kg.resolve("harm", cls="airm:Risk")
    assert found.best is None and len(found.candidates) > 1
    assert all(c.label and c.schemes for c in found.candidates)


def test_a_loose_spelling_with_no_clear_best_is_refused_with_the_closest():
    code, _, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=privacy compromis")
    assert code == 2 and "no airm:Risk matches 'privacy compromis'" in err and "closest:" in err
    assert "llmsr:privacy 'Privacy'" in err and "none clear enough to take" in err


def test_cli_says_what_each_parameter_resolved_to():
    code, _, err = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=security vulnrabilities")
    assert code == 0
    assert ("risk: 'security vulnrabilities' -> mitdom:2.2 'AI system security vulnerabilities and attacks' "
            "(NEAR SPELLING ONLY, check it)") in err


def test_json_carries_what_each_parameter_resolved_to():
    code, out, _ = run_cli("query", "run", "mitigations-for-risk", "-p", "risk=2.2", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["results"]["bindings"]
    assert doc["resolved"] == {"risk": {"input": "2.2", "iri": MITDOM + "2.2", "how": "code", "candidates": [],
                                        "label": "AI system security vulnerabilities and attacks"}}


def test_an_iri_given_is_reported_with_its_label(kg):
    result = kg.query("mitigations-for-risk", risk="mitdom:2.2")
    assert result.resolved["risk"]["how"] == "iri"
    assert result.resolved["risk"]["label"] == "AI system security vulnerabilities and attacks"


def test_defaults_and_literals_are_not_reported(kg):
    assert kg.query("consensus-categories").resolved == {}
    assert kg.query("search-mitigations", keyword="reward").resolved == {}


@pytest.mark.slow
def test_prompt_injection_on_five_sources(five_sources):
    """An exact label of an MIT risk-database record no longer wins silently: the named concepts are candidates."""
    import airm
    from airm.errors import QueryError

    kg = airm.load(workspace=five_sources)
    with pytest.raises(QueryError) as e:
        kg.query("mitigations-for-risk", risk="prompt injection")
    message = str(e.value)
    assert "matches several values" in message
    assert "atlas:AML.T0051 'LLM Prompt Injection' (ATLAS Matrix)" in message
    assert "64.04.01" not in message
    rows = kg.query("mitigations-for-risk", risk="LLM prompt-injection")
    assert rows.resolved["risk"]["iri"] == "https://w3id.org/airm/id/atlas/AML.T0051"
    assert len({r["mitigation"].value for r in rows}) >= 6


@pytest.mark.slow
def test_unfair_discrimination_and_misalignment_on_five_sources(five_sources):
    import airm

    kg = airm.load(workspace=five_sources)
    found = kg.resolve("unfair discrimination", cls=RISK)
    assert (found.best.iri, found.best.label, found.how) == (
        MITDOM + "1.1", "Unfair discrimination and misrepresentation", "prefix")
    several = kg.resolve("misalignment", cls=RISK)
    labels = {c.label for c in several.candidates}
    assert several.best is None and labels >= {"Value Misalignment", "Misaligned actions"}
