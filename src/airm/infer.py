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

# Temporary graphs of one run of materialise(), removed before it returns: the schema compiled to plain pairs
# (property paths cannot walk the union of graphs inside an update), and the new triples of each round after the
# first (the first round's are the target graph itself, which is empty before it: most triples are written once).
SCHEMA_GRAPH = "urn:airm:graph:infer-schema"
ROUND_GRAPH = "urn:airm:graph:infer-round-"
_S = "urn:airm:infer:"  # private predicates of the schema graph, never in data

# (kind, query over the union of graphs): its pairs are written as (a, <urn:airm:infer:KIND>, b)
_SCHEMA_PAIRS = [
    ("superclass", "SELECT DISTINCT ?a ?b WHERE { ?a rdfs:subClassOf+ ?b FILTER(isIRI(?b) && ?a != ?b) }"),
    ("superproperty", "SELECT DISTINCT ?a ?b WHERE { ?a rdfs:subPropertyOf+ ?b FILTER(isIRI(?b) && ?a != ?b) }"),
    ("inverse",
     "SELECT DISTINCT ?a ?b WHERE { { ?a owl:inverseOf ?b } UNION { ?b owl:inverseOf ?a } FILTER(isIRI(?b)) }"),
    ("symmetric", "SELECT DISTINCT ?a (?a AS ?b) WHERE { ?a a owl:SymmetricProperty }"),
    ("domain", "SELECT DISTINCT ?a ?b WHERE { ?a rdfs:domain ?b FILTER(isIRI(?b)) }"),
    ("range", "SELECT DISTINCT ?a ?b WHERE { ?a rdfs:range ?b FILTER(isIRI(?b)) }"),
]
_SCHEMA_QUERIES = {
    "transitive": "SELECT DISTINCT ?p WHERE { ?p a owl:TransitiveProperty FILTER(isIRI(?p)) }",
    "chains": """SELECT DISTINCT ?p ?p1 ?p2 WHERE {
        ?p owl:propertyChainAxiom ?l . ?l rdf:first ?p1 ; rdf:rest ?r . ?r rdf:first ?p2 ; rdf:rest rdf:nil }""",
}
# a new triple with one of these predicates (or typing a property symmetric or transitive) changes the schema
_SCHEMA_PREDICATES = [RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "inverseOf", RDFS + "domain",
                      RDFS + "range", OWL + "propertyChainAxiom", RDF + "first", RDF + "rest"]


def _schema(kind: str, a: str, b: str) -> str:
    return f"GRAPH <{SCHEMA_GRAPH}> {{ {a} <{_S}{kind}> {b} }}"


# Each rule: (head, atoms it reads from the data, schema pattern, filter). A round joins one atom with the last
# round's new triples and the others with everything (semi-naive evaluation), so each round costs what it adds.
_RULES = [
    ("?x a ?d", ["?x a ?c"], _schema("superclass", "?c", "?d"), ""),  # cax-sco
    ("?x ?q ?y", ["?x ?p ?y"], _schema("superproperty", "?p", "?q"), ""),  # prp-spo1
    ("?y ?q ?x", ["?x ?p ?y"], _schema("inverse", "?p", "?q"), "!isLiteral(?y)"),  # prp-inv1 / prp-inv2
    ("?y ?p ?x", ["?x ?p ?y"], _schema("symmetric", "?p", "?p"), "!isLiteral(?y)"),  # prp-symp
]

# Typing from domains and ranges is left out when validating: it would make every wrong link look well-typed.
_DOMAIN_RANGE_RULES = [
    ("?x a ?c", ["?x ?p ?y"], _schema("domain", "?p", "?c"), ""),  # prp-dom
    ("?y a ?c", ["?x ?p ?y"], _schema("range", "?p", "?c"), "!isLiteral(?y)"),  # prp-rng
]

_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}


def _compile_schema(store) -> None:
    """Write the schema's closures as pairs into the schema graph (blank-node classes included)."""
    graph = ox.NamedNode(SCHEMA_GRAPH)
    store.remove_graph(graph) if graph in set(store.named_graphs()) else None
    quads = []
    for kind, text in _SCHEMA_PAIRS:
        predicate = ox.NamedNode(_S + kind)
        for sol in store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True):
            quads.append(ox.Quad(sol["a"], predicate, sol["b"], graph))
    store.extend(quads)


def _rules_for(store, domain_range: bool) -> list[tuple]:
    rules = list(_RULES) + (list(_DOMAIN_RANGE_RULES) if domain_range else [])
    q = lambda text: store.query(text, prefixes=_PREFIXES, use_default_graph_as_union=True)  # noqa: E731
    for sol in q(_SCHEMA_QUERIES["transitive"]):
        p = sol["p"].value
        rules.append((f"?x <{p}> ?z", [f"?x <{p}> ?y", f"?y <{p}> ?z"], "", ""))  # prp-trp
    for sol in q(_SCHEMA_QUERIES["chains"]):
        p, p1, p2 = (sol[v].value for v in ("p", "p1", "p2"))
        rules.append((f"?x <{p}> ?z", [f"?x <{p1}> ?y", f"?y <{p2}> ?z"], "", ""))  # prp-spo2
    return rules


def _anywhere(pattern: str, graph_var: str) -> str:
    return f"{{ {{ {pattern} }} UNION {{ GRAPH {graph_var} {{ {pattern} }} }} }}"


# A check against everything: MINUS (Oxigraph reads the head predicate's triples once and drops the candidates it
# holds) or FILTER NOT EXISTS (one look-up per candidate, about a millisecond each at a million triples, since the
# in-memory store walks a term's list of quads). MINUS wins when a rule meets many candidates; with a variable
# predicate it would read the whole store. Measured at 1M: 5.7 s CPU of NOT EXISTS for the domain rule on a 147k delta
# against 0.56 s of MINUS; the same MINUS costs 0.5 s on a 5k delta where NOT EXISTS takes 0.003 s.
MINUS_MIN_DELTA = 20_000


def _absent(predicate: str, delta_size: int | None) -> str:
    """How a rule leaves out what is already known: MINUS for a fixed predicate and a large (or no) delta."""
    fixed = not predicate.startswith("?")
    return "MINUS" if fixed and (delta_size is None or delta_size >= MINUS_MIN_DELTA) else "FILTER NOT EXISTS"


def _updates(rule: tuple, delta: str | None, limit: int, into: str, delta_size: int | None = None) -> list[str]:
    """The rule as INSERT operations adding to graph ``into`` only triples found in no graph: one per atom read from
    the graph ``delta`` (the last round's ``delta_size`` new triples), or one reading everything (``delta`` None)."""
    head, atoms, schema, condition = rule
    s, p, o = head.split(" ")
    p = f"<{RDF_TYPE}>" if p == "a" else p
    keep = f"({p} != <{RDF_TYPE}> || !isLiteral({o}))"  # a literal is never typed (owlrl's rdf:type junk)
    filters = " && ".join(f for f in (condition, keep) if f)
    selected = " ".join(dict.fromkeys(t for t in (s, p, o) if t.startswith("?")))
    out = []
    for use_delta in (range(len(atoms)) if delta else [None]):
        body = " ".join(f"GRAPH <{delta}> {{ {a} }}" if i == use_delta else _anywhere(a, f"?g{i}")
                        for i, a in enumerate(atoms))
        exists = _anywhere(f"{s} {p} {o}", "?gn")
        out.append(f"INSERT {{ GRAPH <{into}> {{ {s} {p} {o} }} }} "
                   f"WHERE {{ SELECT DISTINCT {selected} WHERE {{ {schema} {body} FILTER({filters}) "
                   f"{_absent(p, delta_size if delta else None)} {exists} }} LIMIT {limit} }}")
    return out


def _too_many(store, target, into: str, cap: int, asserted: int):
    """Give up on runaway inference, leaving the store as it was, and say which properties ran away (in the round
    that crossed the cap)."""
    rows = store.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH <{into}> {{ ?s ?p ?o }} }} "
                       "GROUP BY ?p ORDER BY DESC(?n) STR(?p) LIMIT 3")
    top = ", ".join(f"{curie(r['p'].value)} ({int(r['n'].value):,})" for r in rows)
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
        return _fixpoint(store, target, domain_range)
    finally:
        for temporary in [axioms, ox.NamedNode(SCHEMA_GRAPH)] + _round_graphs(store):
            store.remove_graph(temporary) if temporary in set(store.named_graphs()) else None


def _round_graphs(store) -> list:
    return [g for g in store.named_graphs() if g.value.startswith(ROUND_GRAPH)]


def _count(store, graph: str) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")))["n"]
               .value)


def _changes_schema(store, graph: str) -> bool:
    listed = ", ".join(f"<{p}>" for p in _SCHEMA_PREDICATES)
    return bool(store.query(f"""ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }}
        FILTER(?p IN ({listed}) || (?p = rdf:type && ?o IN (owl:SymmetricProperty, owl:TransitiveProperty))) }}""",
                            prefixes=_PREFIXES))


def _fixpoint(store, target, domain_range: bool) -> int:
    """Apply the rules round after round until nothing new comes, within the growth cap. The first round reads
    everything; later ones join one atom with what the round before added (semi-naive evaluation), unless that
    changed the schema (then the round reads everything again)."""
    asserted = len(store)
    cap = max(MIN_ENTAILMENT_CAP, ENTAILMENT_FACTOR * asserted)  # bounded growth: a hostile hierarchy cannot explode
    added, delta, rules, delta_size = 0, None, [], None
    for round_number in range(MAX_ROUNDS):
        into = target.value if round_number == 0 else f"{ROUND_GRAPH}{round_number}"
        if delta is None:
            _compile_schema(store)
            rules = _rules_for(store, domain_range)
        new = 0
        for rule in rules:
            for update in _updates(rule, delta, cap - added - new + 1, into, delta_size):
                store.update(update)
                new = _count(store, into)
                if added + new > cap:
                    _too_many(store, target, into, cap, asserted)
        if into != target.value:
            store.update(f"ADD <{into}> TO <{target.value}>")
        added += new
        if not new:
            return added
        delta = None if _changes_schema(store, into) else into
        delta_size = new
        for old in _round_graphs(store):
            if old.value != into:
                store.remove_graph(old)
    raise InternalError(f"inference did not reach a fixpoint in {MAX_ROUNDS} rounds", hint="report this as a bug")
