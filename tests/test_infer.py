"""The fast inference path agrees with owlrl's full OWL-RL closure on the curated data."""

from rdflib import RDF, BNode, Literal, URIRef

ID = "https://w3id.org/airm/id/"
SKIP_NS = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
           "http://www.w3.org/2000/01/rdf-schema#")
# airm:reaches and airm:fallsUnder are written beside the entailments by airm.reach (lookups the queries use, not
# OWL RL rules); tests/test_query_path.py checks them against the property paths they replace
DERIVED = {URIRef("https://w3id.org/airm#reaches"), URIRef("https://w3id.org/airm#fallsUnder")}


def _instance_triples(graph):
    out = set()
    for s, p, o in graph:
        if not (isinstance(s, URIRef) and str(s).startswith(ID)) or isinstance(o, (Literal, BNode)):
            continue
        if str(p).startswith("http://www.w3.org/2002/07/owl#") or p in DERIVED:
            continue
        if p == RDF.type and str(o).startswith(SKIP_NS):
            continue
        out.add((s, p, o))
    return out


def test_fast_inference_matches_owlrl_on_curated_data(kg):
    import owlrl

    from airm.convert import rdflib_graph
    from airm.infer import structural_axioms
    from airm.namespaces import ENTAILMENT_GRAPH

    asserted = [g for g in kg.graph_names() if g != ENTAILMENT_GRAPH]
    reference = rdflib_graph(kg.store, asserted)
    reference += structural_axioms()  # what inference reads beyond the published ontology
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(reference)
    ours = rdflib_graph(kg.store, asserted + [ENTAILMENT_GRAPH])
    theirs_only = _instance_triples(reference) - _instance_triples(ours)
    ours_only = _instance_triples(ours) - _instance_triples(reference)
    assert not theirs_only, sorted(theirs_only)[:10]
    assert not ours_only, sorted(ours_only)[:10]
    assert len(_instance_triples(ours)) > 500


def test_structural_axioms_drive_inference_but_stay_out_of_the_store(kg):
    """skos:narrower from skos:broader and dcterms:source from extractedFrom are entailed, though the published
    ontology states neither axiom (OWL 2 DL keeps SKOS and DC terms annotation properties)."""
    import pyoxigraph as ox

    from airm.infer import AXIOMS_GRAPH

    ask = lambda q: kg.store.query(q, use_default_graph_as_union=True)  # noqa: E731
    assert ox.NamedNode(AXIOMS_GRAPH) not in set(kg.store.named_graphs())
    assert not ask("ASK { <http://www.w3.org/2004/02/skos/core#broader> <http://www.w3.org/2002/07/owl#inverseOf> ?o }")
    assert ask("ASK { ?a <http://www.w3.org/2004/02/skos/core#broader> ?b . "
               "?b <http://www.w3.org/2004/02/skos/core#narrower> ?a }")
    assert ask("ASK { ?m <https://w3id.org/airm#extractedFrom> ?d . ?m <http://purl.org/dc/terms/source> ?d }")
    assert ask("ASK { ?t <https://w3id.org/airm#hasComponentTechnique> ?c . ?t <http://purl.org/dc/terms/hasPart> ?c }")


def test_an_entailed_schema_triple_is_used_in_the_next_round(tmp_path):
    """Later rounds join only with the last round's new triples, on the schema compiled at the start; a round that
    entails a schema triple (here a sub-class axiom, through a sub-property of rdfs:subClassOf) makes the next
    round read everything with the schema compiled again, as a naive fixpoint would."""
    import airm

    f = tmp_path / "schema.ttl"
    f.write_text("@prefix ex: <https://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                 "ex:kindOf rdfs:subPropertyOf rdfs:subClassOf .\nex:A ex:kindOf ex:B .\nex:x a ex:A .\n",
                 encoding="utf-8")
    kg = airm.load(files=[f], cache=False)
    ask = lambda q: bool(kg.store.query(q, use_default_graph_as_union=True))  # noqa: E731
    assert ask("ASK { <https://example.org/A> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
               "<https://example.org/B> }")
    assert ask("ASK { <https://example.org/x> a <https://example.org/B> }")
    assert not [g for g in kg.store.named_graphs() if g.value.startswith("urn:airm:graph:infer-")]
