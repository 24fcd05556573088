"""Materialise the entailments queries need, fast, into a graph of their own.

A small forward-chaining engine over SPARQL in Oxigraph, driven by the axioms the loaded ontology states (so a new
sub-class or inverse in the ontology needs no code): sub-class and sub-property closure, inverse, symmetric and
transitive properties, two-step property chains, and domain/range typing. These are the OWL 2 RL rules cax-sco,
prp-spo1, prp-inv1/2, prp-symp, prp-trp, prp-spo2, prp-dom and prp-rng; tests check that owlrl's full OWL-RL closure
agrees with this one on the curated data.

The axioms that give SKOS and DC terms an OWL meaning (hierarchy closure, inverses, airm's properties as kinds of
skos:broader or dcterms:source) are not in the published ontology, which keeps those terms annotation properties as
DPV and VAIR do and so stays in OWL 2 DL: they live in ontology/inference/structural-axioms.ttl, and are loaded into
the store only while the rules run.
"""

from __future__ import annotations

import pyoxigraph as ox

from .errors import InternalError, UserError
from .namespaces import ENTAILMENT_GRAPH, curie
from .resources import resource_dir
from .vocab import OWL, RDF, RDFS, Rdf

RDF_TYPE = Rdf.type
MAX_ROUNDS = 50
# the structural axioms' graph: present only while materialise() runs, never exported or queried
AXIOMS_GRAPH = "urn:airm:graph:structural-axioms"

_SCHEMA_QUERIES = {
    "transitive": "SELECT DISTINCT ?p WHERE { ?p a owl:TransitiveProperty FILTER(isIRI(?p)) }",
    "chains": """SELECT DISTINCT ?p ?p1 ?p2 WHERE {
        ?p owl:propertyChainAxiom ?l . ?l rdf:first ?p1 ; rdf:rest ?r . ?r rdf:first ?p2 ; rdf:rest rdf:nil }""",
}

_RULES = [
    # cax-sco (with the sub-class hierarchy closed on the fly)
    """CONSTRUCT { ?x a ?d } WHERE { ?c rdfs:subClassOf+ ?d . ?x a ?c . FILTER(isIRI(?d) && ?c != ?d) }""",
    # prp-spo1
    """CONSTRUCT { ?x ?q ?y } WHERE { ?p rdfs:subPropertyOf+ ?q . ?x ?p ?y . FILTER(isIRI(?q) && ?p != ?q) }""",
    # prp-inv1 / prp-inv2
    """CONSTRUCT { ?y ?q ?x } WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?x ?p ?y .
        FILTER(isIRI(?q) && !isLiteral(?y)) }""",
    # prp-symp
    """CONSTRUCT { ?y ?p ?x } WHERE { ?p a owl:SymmetricProperty . ?x ?p ?y . FILTER(!isLiteral(?y)) }""",
]

# Typing from domains and ranges is left out when validating: it would make every wrong link look well-typed.
_DOMAIN_RANGE_RULES = [
    # prp-dom
    """CONSTRUCT { ?x a ?c } WHERE { ?p rdfs:domain ?c . ?x ?p ?y . FILTER(isIRI(?c)) }""",
    # prp-rng
    """CONSTRUCT { ?y a ?c } WHERE { ?p rdfs:range ?c . ?x ?p ?y . FILTER(isIRI(?c) && !isLiteral(?y)) }""",
]

_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}


def _rules_for(store, domain_range: bool) -> list[str]:
    rules = list(_RULES) + (list(_DOMAIN_RANGE_RULES) if domain_range else [])
    q = lambda text: store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True)  # noqa: E731
    for sol in q(_SCHEMA_QUERIES["transitive"]):
        p = sol["p"].value
        rules.append(f"CONSTRUCT {{ ?x <{p}> ?z }} WHERE {{ ?x <{p}> ?y . ?y <{p}> ?z }}")
    for sol in q(_SCHEMA_QUERIES["chains"]):
        p, p1, p2 = (sol[v].value for v in ("p", "p1", "p2"))
        rules.append(f"CONSTRUCT {{ ?x <{p}> ?z }} WHERE {{ ?x <{p1}> ?y . ?y <{p2}> ?z }}")
    return rules


def _too_many(store, target, new, cap: int, asserted: int):
    """Give up on runaway inference, leaving the store as it was, and say which properties ran away."""
    from collections import Counter

    top = ", ".join(f"{curie(p.value)} ({n:,})" for p, n in Counter(q.predicate for q in new).most_common(3))
    store.remove_graph(target)
    raise UserError(
        f"inference would add more than {cap:,} triples to {asserted:,} asserted ones; most come from: {top}",
        hint="look for a very deep or cyclic hierarchy, or a huge equivalence clique, in the data",
    )


def structural_axioms_path():
    """The Turtle file of axioms inference uses beyond the published ontology."""
    return resource_dir("ontology") / "inference" / "structural-axioms.ttl"


def structural_axioms():
    """Those axioms as an rdflib Graph (for owlrl cross-checks and the profile tests)."""
    from rdflib import Graph

    return Graph().parse(structural_axioms_path(), format="turtle")


MIN_ENTAILMENT_CAP = 100_000
ENTAILMENT_FACTOR = 10


def materialise(store, *, graph: str = ENTAILMENT_GRAPH, domain_range: bool = True) -> int:
    """Add entailed triples not already asserted to ``graph``; returns how many were added."""
    target = ox.NamedNode(graph)
    store.remove_graph(target) if target in set(store.named_graphs()) else None
    axioms = ox.NamedNode(AXIOMS_GRAPH)
    store.load(path=str(structural_axioms_path()), format=ox.RdfFormat.TURTLE, to_graph=axioms)
    try:
        return _fixpoint(store, target, _rules_for(store, domain_range))
    finally:
        store.remove_graph(axioms)


def _fixpoint(store, target, rules: list[str]) -> int:
    """Apply the rules round after round until nothing new comes, within the growth cap."""
    asserted = len(store)
    cap = max(MIN_ENTAILMENT_CAP, ENTAILMENT_FACTOR * asserted)  # bounded growth: a hostile hierarchy cannot explode
    added = 0
    for _ in range(MAX_ROUNDS):
        new = []
        seen = set()
        for rule in rules:
            for t in store.query(rule, prefixes=_PREFIXES, use_default_graph_as_union=True):
                if isinstance(t.object, ox.Literal) and t.predicate.value == RDF_TYPE:
                    continue
                key = (t.subject, t.predicate, t.object)
                if key in seen:
                    continue
                seen.add(key)
                if next(store.quads_for_pattern(t.subject, t.predicate, t.object, None), None) is None:
                    new.append(ox.Quad(t.subject, t.predicate, t.object, target))
                    if added + len(new) > cap:
                        _too_many(store, target, new, cap, asserted)
        if not new:
            return added
        store.extend(new)
        added += len(new)
        if added > cap:
            _too_many(store, target, new, cap, asserted)
    raise InternalError(f"inference did not reach a fixpoint in {MAX_ROUNDS} rounds", hint="report this as a bug")
