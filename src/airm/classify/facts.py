"""What the graph already says about each mitigation, read once: identifiers, text, the values it holds on each axis
(sources and curated graph only), its exact matches, NIST actor tasks, and the crosswalk rows methods may follow."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..namespaces import sparql_prologue
from ..vocab import ATLAS, MITMIT, NISTGAI
from .axes import AXES, Schemes

SOURCE_NAMES = (  # IRI namespace -> how a rationale names the source
    (NISTGAI, "NIST AI 600-1"),
    (ATLAS, "MITRE ATLAS"),
    (MITMIT, "the MIT AI Risk Mitigation database"),
)


def source_name(iri: str) -> str:
    return next((name for ns, name in SOURCE_NAMES if iri.startswith(ns)), "airm's curated data")


@dataclass
class Mitigation:
    iri: str
    ident: str
    label: str = ""
    text: str = ""
    values: dict = field(default_factory=lambda: defaultdict(set))  # axis -> concept IRIs held already
    matches: set = field(default_factory=set)  # exact matches (either direction)
    tasks: set = field(default_factory=set)  # NIST AI actor task names
    addressed: set = field(default_factory=set)  # every risk it addresses, of any scheme
    documents: set = field(default_factory=set)  # what it is extracted from (and the same documents' IRIs)


@dataclass
class Facts:
    mitigations: dict  # IRI -> Mitigation
    schemes: Schemes
    crosswalk: dict  # concept IRI -> [(MIT risk subdomain IRI, predicate, mapping set or "")]
    task_stage: dict  # NIST actor task label -> lifecycle stage IRI
    task_actor: dict
    labels: dict = field(default_factory=dict)  # label of every risk a mitigation addresses
    features: dict = field(default_factory=dict)  # mitigation IRI -> the text model's features, computed once

    def by_ident(self) -> dict:
        out = {}
        for m in self.mitigations.values():
            out.setdefault(m.ident, m)
        return out


MITIGATIONS = sparql_prologue("airm", "rdfs", "dcterms") + """SELECT ?m ?id ?label ?text WHERE {
  ?m a airm:Mitigation .
  OPTIONAL { ?m dcterms:identifier ?id }
  OPTIONAL { ?m rdfs:label ?label }
  OPTIONAL { ?m dcterms:description ?text }
}
"""
VALUES = sparql_prologue("airm") + """SELECT ?m ?p ?v WHERE {
  ?m a airm:Mitigation ; ?p ?v .
  VALUES ?p { %s }
}
"""
MATCHES = sparql_prologue("airm", "skos") + """SELECT ?m ?o WHERE {
  ?m a airm:Mitigation . { ?m skos:exactMatch ?o } UNION { ?o skos:exactMatch ?m } ?o a airm:Mitigation }
"""
DOCUMENTS = sparql_prologue("airm", "owl") + """SELECT ?m ?e ?same WHERE {
  ?m a airm:Mitigation ; airm:extractedFrom ?e . OPTIONAL { ?e owl:sameAs ?same } }"""
TASKS = sparql_prologue("airm") + "SELECT ?m ?t WHERE { ?m a airm:Mitigation ; airm:aiActorTask ?t }"
TASK_MAP = sparql_prologue("airm", "rdfs") + """SELECT ?label ?stage ?actor WHERE {
  ?task rdfs:label ?label . { ?task airm:actorTaskStage ?stage } UNION { ?task airm:actorTaskActor ?actor }
}
"""
LABELS = sparql_prologue("airm", "skos", "rdfs") + """SELECT DISTINCT ?r ?l WHERE {
  ?m airm:addresses ?r . { ?r skos:prefLabel ?l } UNION { ?r rdfs:label ?l } }
"""
CROSSWALK = sparql_prologue("sssom", "skos", "prov") + """SELECT ?s ?o ?p ?set WHERE {
  ?mapping sssom:subject_id ?s ; sssom:object_id ?o ; sssom:predicate_id ?p .
  VALUES ?p { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch }
  OPTIONAL { ?mapping prov:wasDerivedFrom ?set }
}
"""


def read_facts(select, schemes: Schemes) -> Facts:
    """``select`` runs SELECTs on the curated and source graphs (never the proposals graph)."""
    mitigations: dict[str, Mitigation] = {}
    for row in select(MITIGATIONS):
        m = mitigations.setdefault(row["m"], Mitigation(row["m"], ""))
        ident = row.get("id", "")
        if ident and (not m.ident or ("_" in ident and "_" not in m.ident)):
            m.ident = ident  # the MIT database's own id (A0388_NIST2024) over its short form
        m.label = m.label or row.get("label", "")
        m.text = m.text or row.get("text", "")
    for m in mitigations.values():
        m.ident = m.ident or m.iri
    prop_axis = {a.prop: a.name for a in AXES.values()}
    for row in select(VALUES % " ".join(f"<{p}>" for p in prop_axis)):
        m, axis = mitigations.get(row["m"]), prop_axis[row["p"]]
        if m is None:
            continue
        if axis == "risk":
            m.addressed.add(row["v"])
        if schemes.concept(axis, row["v"]):
            m.values[axis].add(row["v"])
    for row in select(MATCHES):
        if row["m"] in mitigations and row["o"] != row["m"]:
            mitigations[row["m"]].matches.add(row["o"])
    for row in select(DOCUMENTS):
        if row["m"] in mitigations:
            mitigations[row["m"]].documents |= {row["e"], row.get("same", row["e"])}
    for row in select(TASKS):
        if row["m"] in mitigations:
            mitigations[row["m"]].tasks.add(row["t"])
    task_stage, task_actor = {}, {}
    for row in select(TASK_MAP):
        if "stage" in row:
            task_stage[row["label"]] = row["stage"]
        if "actor" in row:
            task_actor[row["label"]] = row["actor"]
    labels = {row["r"]: row["l"] for row in select(LABELS)}
    return Facts(mitigations, schemes, _crosswalk(select, schemes), task_stage, task_actor, labels)


def _crosswalk(select, schemes: Schemes) -> dict:
    """Mapping rows that reach an MIT risk subdomain, read from either side:
    concept -> [(subdomain, predicate, set)]."""
    risks = schemes.by_axis["risk"]
    out: dict[str, list] = defaultdict(list)
    for row in select(CROSSWALK):
        s, o, p, mset = row["s"], row["o"], row["p"], row.get("set", "")
        if o in risks and s not in risks:
            out[s].append((o, p, mset))
        elif s in risks and o not in risks:
            out[o].append((s, p, mset))
    return out


def held(m: Mitigation, facts: Facts | None = None) -> frozenset:
    """The concepts a mitigation holds on any axis (its MIT category, its NIST function...) and the documents it is
    extracted from, with the concepts of its exact matches when ``facts`` is given: what held-value rules look at."""
    out = {v for values in m.values.values() for v in values} | m.documents
    for other in (facts.mitigations.get(o) for o in m.matches) if facts else ():
        out |= {v for values in (other.values.values() if other else ()) for v in values}
    return frozenset(out)
