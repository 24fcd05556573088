"""Issue 19 item 2: the ontology is OWL 2 DL alone, as exported, and merged with AIRO, VAIR and DPV; HermiT agrees.

Checked with the OWL API's OWL2DLProfile (what ROBOT's validate-profile runs) and HermiT, the real tools Protégé
and ROBOT users run; see tests/owl_tools.py for how they are found.
"""

from __future__ import annotations

import subprocess

import pytest
from owl_tools import dl_violations, hermit_jar

REFERENCE_FILES = ["airo/airo.ttl", "vair/vair.ttl", "dpv/2.3/dpv/dpv.ttl", "dpv/2.3/risk/risk.ttl",
                   "dpv/2.3/ai/ai.ttl", "dpv/2.3/tech/tech.ttl"]


@pytest.fixture(scope="module")
def ontology_export(kg, tmp_path_factory):
    """``airm export --scope ontology`` as Turtle, through the library the CLI calls."""
    from airm.export import export

    path = tmp_path_factory.mktemp("owl") / "airm-ontology.ttl"
    path.write_bytes(export(kg, "ttl", scope="ontology"))
    return path


def test_the_profile_checker_sees_the_puns_this_issue_was_about(tmp_path):
    """The checker is not vacuous: an object property under skos:broader, declared an annotation property, is
    refused."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix ex: <https://example.org/> .
<https://example.org/o> a owl:Ontology . skos:broader a owl:AnnotationProperty .
ex:p a owl:ObjectProperty ; rdfs:subPropertyOf skos:broader ; rdfs:domain ex:C .
""")
    kinds = {(k, iri) for k, iri, _ in dl_violations(bad)}
    assert ("IllegalPunning", "https://example.org/p") in kinds
    assert ("UseOfUndeclaredClass", "https://example.org/C") in kinds


def test_the_ontology_alone_is_owl2_dl():
    from airm.resources import resource_dir

    assert dl_violations(resource_dir("ontology") / "airm.ttl") == []


def test_the_ontology_export_with_its_alignments_is_owl2_dl(ontology_export):
    assert dl_violations(ontology_export) == []


def test_the_published_ontology_keeps_skos_and_dc_terms_annotation_properties(kg):
    """The SKOS and DC axioms inference needs are not exported: no inverse, transitivity or sub-property of them."""
    from rdflib import OWL, RDF, RDFS, URIRef

    g = kg.to_rdflib(scope="ontology")
    external = ("http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/")
    for s, p, o in g:
        if p in (RDFS.subPropertyOf, OWL.inverseOf) and isinstance(o, URIRef):
            assert not str(o).startswith(external) and not str(s).startswith(external), (s, p, o)
        if p == RDF.type and str(s).startswith(external):
            assert o == OWL.AnnotationProperty or o == OWL.Class, (s, o)


@pytest.mark.slow
@pytest.mark.reference
def test_merged_with_airo_vair_and_dpv_airm_adds_no_profile_violation(ontology_export, reference):
    """The references alone are not OWL 2 DL (DPV leaves its annotation properties undeclared, 8 illegal puns among
    them); merging airm in must not add a single violation, and in particular no pun of skos:broader,
    skos:related or dcterms:source (2,858 puns before)."""
    refs = [reference / rel for rel in REFERENCE_FILES]
    alone = {(k, iri) for k, iri, _ in dl_violations(*refs)}
    merged = {(k, iri) for k, iri, _ in dl_violations(ontology_export, *refs)}
    assert merged - alone == set()
    assert sum(1 for k, _ in merged if k == "IllegalPunning") <= sum(1 for k, _ in alone if k == "IllegalPunning")


@pytest.mark.slow
@pytest.mark.reference
def test_hermit_finds_the_merge_with_airo_vair_and_dpv_consistent_with_no_unsatisfiable_class(
        ontology_export, reference, tmp_path):
    """One RDF/XML file of all seven (owl:imports removed: nothing is fetched), classified by HermiT."""
    from rdflib import OWL, Graph

    merged = Graph()
    for path in [ontology_export] + [reference / rel for rel in REFERENCE_FILES]:
        merged.parse(path)
    merged.remove((None, OWL.imports, None))
    owl_file = tmp_path / "merged.owl"
    owl_file.write_bytes(merged.serialize(format="xml", encoding="utf-8"))
    cmd = ["java", "-Xmx2g", "-cp", str(hermit_jar()), "org.semanticweb.HermiT.cli.CommandLine", "-k", "-U",
           owl_file.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "http://www.w3.org/2002/07/owl#Thing is satisfiable." in done.stdout, done.stdout[-2000:]
    unsatisfiable = done.stdout.split("Classes equivalent to 'owl:Nothing':", 1)[1].split()
    assert unsatisfiable == ["owl:Nothing"], unsatisfiable
