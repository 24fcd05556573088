"""Linked data: every IRI of ours resolves to a page for people and to RDF for programs (Accept or a suffix)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from airm.namespaces import AIRM_ID

SEED = AIRM_ID + "mitigation/shi2024-alignment-training"
PAPER = AIRM_ID + "ref/shi2024-llm-safety-survey"


def triples(body: bytes, fmt) -> set:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(body, format=fmt)}


def our_iris(kg) -> list[str]:
    rows = kg.sparql(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{AIRM_ID}")) }}').rows
    return sorted(r["s"].value for r in rows)


def test_every_iri_of_ours_resolves_to_a_page(server, kg):
    iris = our_iris(kg)
    assert len(iris) > 100
    failures = []
    for iri in iris:
        r = server.get("/id/" + iri[len(AIRM_ID):], accept="text/html")
        if r.status != 200 or "<h1>" not in r.text:
            failures.append((iri, r.status))
    assert not failures, failures[:10]


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                             ("application/ld+json", ox.RdfFormat.JSON_LD),
                                             ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                             ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_conneg_gives_rdf_about_the_resource(server, kg, accept, fmt):
    r = server.get("/id/mitigation/shi2024-alignment-training", accept=accept)
    assert r.status == 200 and r.type == accept
    got = triples(r.body, fmt)
    expected = {tuple(x.value for x in t) for t in kg.query("describe-entity", entity=SEED).triples}
    assert got == expected
    assert (SEED, "https://w3id.org/airm#extractedFrom", PAPER) in got


@pytest.mark.parametrize(("suffix", "fmt", "media"), [(".ttl", ox.RdfFormat.TURTLE, "text/turtle"),
                                                      (".jsonld", ox.RdfFormat.JSON_LD, "application/ld+json"),
                                                      (".nt", ox.RdfFormat.N_TRIPLES, "application/n-triples")])
def test_suffixes_pick_the_format(server, suffix, fmt, media):
    r = server.get("/id/mitigation/shi2024-alignment-training" + suffix, accept="text/html")
    assert r.status == 200 and r.type == media
    assert any(s == SEED for s, _p, _o in triples(r.body, fmt))


def test_browsers_get_html_with_links_both_ways(server):
    page = server.get("/id/mitigation/shi2024-alignment-training", accept="text/html,*/*;q=0.8")
    assert page.status == 200 and page.type == "text/html"
    assert "<h1>Alignment training</h1>" in page.text
    assert 'href="/id/ref/shi2024-llm-safety-survey"' in page.text  # to its source
    assert 'href="/id/technique/rlhf"' in page.text
    back = server.get("/id/ref/shi2024-llm-safety-survey", accept="text/html")
    assert 'href="/id/mitigation/shi2024-alignment-training"' in back.text  # and back from the source
    assert "https://arxiv.org/abs/2412.17686" in back.text  # its identifier, as a link


def test_page_shows_provenance_citations_and_exports(server):
    page = server.get("/id/mitigation/shi2024-alignment-training", accept="text/html").text
    assert "data/mitigations/shi2024-llm-safety-survey.ttl" in page  # the file a statement comes from
    assert "inferred" in page  # airm:addresses is entailed from the RiskAddressing node
    assert "Section: Value Misalignment" in page  # the locator of the evidence
    assert "https://arxiv.org/abs/1707.06347" in page  # a cited work (PPO) with its arXiv identifier
    for suffix in (".ttl", ".jsonld", ".nt"):
        assert f'href="/id/mitigation/shi2024-alignment-training{suffix}"' in page


def test_risk_page_lists_mitigations_of_sub_risks(server):
    page = server.get("/id/llm-safety-risk/value-misalignment", accept="text/html").text
    assert "mitigations-for-risk" in page
    for child in ("shi2024-mitigating-social-bias", "shi2024-privacy-protection", "shi2024-alignment-training"):
        assert f'href="/id/mitigation/{child}"' in page


def test_unknown_iri_is_404(server):
    assert server.get("/id/mitigation/no-such-thing", accept="text/html").status == 404
    r = server.get("/id/mitigation/no-such-thing", accept="text/turtle")
    assert r.status == 404 and "says nothing" in r.text
    assert server.get("/id/mitigation/no-such-thing.ttl").status == 404


def test_other_iris_and_ontology_terms(server):
    r = server.get("/resource", accept="text/html", iri="https://w3id.org/airm#Mitigation")
    assert r.status == 200 and "Mitigation" in r.text
    r = server.get("/resource", accept="text/html", iri=SEED)
    assert r.status == 301 and r.headers["location"] == "/id/mitigation/shi2024-alignment-training"
    onto = server.get("/ontology", accept="text/html")
    assert onto.status == 200 and 'id="Mitigation"' in onto.text
    ttl = server.get("/ontology.ttl")
    assert ("https://w3id.org/airm#Mitigation", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "http://www.w3.org/2002/07/owl#Class") in triples(ttl.body, ox.RdfFormat.TURTLE)
    assert server.get("/ontology", accept="text/turtle").type == "text/turtle"


def test_invalid_iris_are_client_errors(server):
    assert server.get("/id/a%3Cb", accept="text/html").status == 404
    assert server.get("/resource", accept="text/html", iri="not an iri").status == 400
    assert server.get("/resource", accept="text/turtle").status == 400
    assert server.alive()
