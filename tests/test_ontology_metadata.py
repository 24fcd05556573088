"""Issue 19 item 4: the ontology header as LOV and FOOPS! read it, and rdfs:isDefinedBy on every airm term."""

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from airm.resources import resource_dir

DCTERMS = Namespace("http://purl.org/dc/terms/")
ONTOLOGY = URIRef("https://w3id.org/airm")
AIRM = "https://w3id.org/airm#"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(resource_dir("ontology") / "airm.ttl")


def test_the_header_carries_what_lov_and_foops_look_for(ontology):
    one = lambda p: ontology.value(ONTOLOGY, p)  # noqa: E731
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.bibliographicCitation):
        assert isinstance(one(p), Literal) and one(p).language == "en", p
    assert one(DCTERMS.issued).datatype == one(DCTERMS.modified).datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert one(DCTERMS.issued).toPython() <= one(DCTERMS.modified).toPython()
    for p in (DCTERMS.creator, DCTERMS.publisher):
        agent = one(p)
        assert isinstance(agent, URIRef) and ontology.value(agent, URIRef("http://xmlns.com/foaf/0.1/name")), p
    assert str(one(DCTERMS.license)) == "http://spdx.org/licenses/CC-BY-4.0"
    import airm

    assert str(one(OWL.versionIRI)) == f"https://w3id.org/airm/{airm.__version__}"
    # owl:priorVersion applies from the second release on; the first has none to name
    prior = one(OWL.priorVersion)
    assert (prior is None) == (airm.__version__ == "0.1.0")


def test_every_airm_term_is_defined_by_the_ontology(ontology):
    terms = {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t) if str(s).startswith(AIRM)}
    assert len(terms) > 50
    assert {t for t in terms if (t, RDFS.isDefinedBy, ONTOLOGY) not in ontology} == set()


def test_the_ontology_shapes_catch_a_term_without_is_defined_by_and_a_literal_creator(ontology):
    import pyshacl

    broken = Graph() + ontology
    broken.remove((URIRef(AIRM + "Technique"), RDFS.isDefinedBy, None))
    broken.set((ONTOLOGY, DCTERMS.creator, Literal("The airm developers")))
    broken.set((ONTOLOGY, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    shapes = Graph().parse(resource_dir("ontology") / "shapes" / "ontology.shapes.ttl")
    conforms, report, _ = pyshacl.validate(broken, shacl_graph=shapes, js=False, do_owl_imports=False)
    assert not conforms
    SH = Namespace("http://www.w3.org/ns/shacl#")
    found = {(str(report.value(r, SH.resultPath)), str(report.value(r, SH.value)))
             for r in report.subjects(RDF.type, SH.ValidationResult)}
    assert (str(RDFS.isDefinedBy), AIRM + "Technique") in found
    assert {p for p, _ in found} >= {str(DCTERMS.creator), str(DCTERMS.license)}
    ok, _, _ = pyshacl.validate(ontology, shacl_graph=shapes, js=False, do_owl_imports=False)
    assert ok
