"""The prefiltered validation (Oxigraph finds the nodes that might fail, pySHACL checks those on a slice) must give
the very report pySHACL gives over the whole graph: same focus nodes, paths, values, messages, severities, files
and lines. Compared on the embedded data, on planted violations of every constraint kind airm's shapes use (alone
and inside a generated graph), on the five imported sources, and on a generated 100k graph (the last two slow)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from airm import validation

ROOT = Path(__file__).resolve().parents[1]

# one or more violations of each kind of constraint the shapes use, on new nodes and on generated ones
PLANTED = """
@prefix airm: <https://w3id.org/airm#> .
@prefix ex: <https://example.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix sssom: <https://w3id.org/sssom/> .
@prefix mitcausal: <https://w3id.org/airm/id/mit-causal/> .
@prefix lifecycle: <https://w3id.org/airm/id/lifecycle/> .
@prefix mtax: <https://w3id.org/airm/id/mit-mitigation-taxonomy/> .
@prefix bm: <https://w3id.org/airm/id/bench-mitigation/> .

ex:m1 a airm:Mitigation .                                                   # minCount on most properties
ex:m2 a airm:Mitigation ; rdfs:label "two"@en, "deux"@en, "plain" ;         # uniqueLang, datatype
  airm:lifecycleStage mtax:1.1 ; airm:mitigationCategory mtax:1.1, mtax:1.2 ; # sh:node, SPARQL (two categories)
  airm:extractedFrom ex:nowhere, ex:doc ; airm:sourceHeading "a"@en .      # maxCount, class, undefined node
ex:doc a bibo:Document ; dcterms:title "t"@en ; fabio:hasPublicationYear "20x4"^^xsd:gYear, "1999"^^xsd:gYear ;
  bibo:doi "https://doi.org/10.1/x" .                                       # ill-typed, maxCount, pattern
bm:A00001 airm:usesTechnique ex:m1 ; airm:classificationRationale "no tag" . # a generated node made to fail
ex:c1 a skos:Concept ; skos:prefLabel "c1"@en ; skos:inScheme ex:s ; skos:broader ex:c2 ; skos:notation "1" .
ex:c2 a skos:Concept ; skos:prefLabel "c2"@en ; skos:inScheme ex:s ; skos:broader ex:c1 ; skos:notation "1" .
ex:s a skos:ConceptScheme .                                                 # broader cycle, duplicate code
ex:ev a airm:RiskEvidence ; rdfs:label "e" ; dcterms:description "d"@en .   # inverse path minCount
ex:r a airm:RiskEntry ; rdfs:label "r" ; airm:causalEntity ex:c1, mitcausal:entity-ai .  # sh:in, maxCount
ex:at airm:aiActorTask 3 .                                                  # node-level sh:class, datatype
ex:rec spdx:checksum [ a spdx:Checksum ; spdx:checksumValue "XYZ" ] ; dcterms:license "cc-by" .
ex:map a airm:ConceptMapping ; sssom:subject_id ex:c1 ; sssom:predicate_id skos:exactMatch ;
  sssom:object_id ex:c2 ; prov:wasDerivedFrom ex:doc ; sssom:confidence 1.5 ;
  sssom:mapping_date "2024-13-01"^^xsd:date .                              # SPARQL, range, ill-typed
"""


def _compare(target, **options):
    fast = validation.validate(target, engine="prefilter", **options)
    reference = validation.validate(target, engine="pyshacl", **options)
    assert fast.to_json() == reference.to_json()
    return reference


def test_the_embedded_data_gives_the_same_report():
    assert _compare(None).conforms


def test_planted_violations_give_the_same_report(tmp_path):
    planted = tmp_path / "planted.ttl"
    planted.write_text(PLANTED, encoding="utf-8")
    report = _compare([planted])
    shown = report.to_text()
    assert not report.conforms and report.count("Violation") >= 20
    for expected in ("/m1>", "/m2>", "/doc>", "/c1>", "/ev>", "/r>", "/at>", "/map>", "/rec>", "cycle",
                     "is not a valid xsd:date value"):
        assert expected in shown, expected


@pytest.mark.parametrize("small_shape", [0, 10**9], ids=["joins per component", "one query per shape"])
def test_either_form_of_the_candidate_queries_gives_the_same_report(tmp_path, monkeypatch, small_shape):
    from airm import shacl_prefilter

    monkeypatch.setattr(shacl_prefilter, "SMALL_SHAPE", small_shape)
    report = _compare([_generated(tmp_path, 3000), _planted(tmp_path)])
    assert not report.conforms and "bench-mitigation/A00001" in report.to_text()


def test_an_ill_typed_value_is_reported_on_every_statement_that_holds_it(tmp_path):
    # literals are checked once per distinct value: each statement holding a bad one is still reported
    path = tmp_path / "dates.ttl"
    path.write_text(PLANTED + """
ex:map2 a airm:ConceptMapping ; sssom:subject_id ex:c1 ; sssom:predicate_id skos:exactMatch ;
  sssom:object_id ex:c2 ; prov:wasDerivedFrom ex:doc ; sssom:mapping_date "2024-13-01"^^xsd:date .
""", encoding="utf-8")
    report = _compare([path])
    bad = [p for p in report.problems if "is not a valid xsd:date value" in p.message]
    assert {p.focus for p in bad} == {"<https://example.org/map>", "<https://example.org/map2>"}


def test_validating_files_leaves_no_trace_in_a_dataset_passed_in():
    from airm import graph as graphmod

    dataset = graphmod.load_sources(graphmod.embedded_sources())
    before = {str(q) for q in dataset.store}
    validation.validate(dataset)
    assert {str(q) for q in dataset.store} == before


def test_planted_violations_inside_a_generated_graph_give_the_same_report(tmp_path):
    report = _compare([_generated(tmp_path, 3000), _planted(tmp_path)])
    assert "bench-mitigation/A00001" in report.to_text()


def test_a_focused_run_gives_the_same_report(tmp_path):
    report = _compare([_planted(tmp_path)], focus=["https://example.org/m2", "https://example.org/doc"],
                      include_ontology_check=False)
    assert {p.focus for p in report.problems} == {"<https://example.org/m2>", "<https://example.org/doc>"}


def test_the_cli_gives_the_same_lines_and_exit_code_with_either_engine(tmp_path):
    from helpers import run_cli

    planted = _planted(tmp_path)
    fast = run_cli("validate", str(planted))
    reference = run_cli("validate", str(planted), "--engine", "pyshacl")
    assert fast == reference and fast[0] == 1 and "violation(s)" in fast[1]
    code, _out, err = run_cli("validate", str(planted), "--engine", "fast")
    assert code == 2 and "--engine" in err and "Traceback" not in err


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown validation engine"):
        validation.validate(None, engine="fast")


@pytest.mark.slow
def test_a_generated_100k_graph_with_planted_violations_gives_the_same_report(tmp_path):
    report = _compare([_generated(tmp_path, 100_000), _planted(tmp_path)])
    assert not report.conforms


@pytest.mark.slow
def test_the_five_sources_give_the_same_report(five_sources):
    from airm import graph as graphmod
    from airm.workspace import imported_sources

    def dataset():
        return graphmod.load_sources(graphmod.embedded_sources() + imported_sources(five_sources))

    fast = validation.validate(dataset(), engine="prefilter", trust_imports=False)
    reference = validation.validate(dataset(), engine="pyshacl", trust_imports=False)
    assert fast.to_json() == reference.to_json() and reference.problems


def _planted(tmp_path) -> Path:
    path = tmp_path / "planted.ttl"
    path.write_text(PLANTED, encoding="utf-8")
    return path


def _generated(tmp_path, triples: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    path = tmp_path / f"generated-{triples}.nt"
    generate.write(path, triples, seed=42)
    return path
