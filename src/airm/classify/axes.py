"""The five classification axes: which property states a value on each, and which concept scheme the value must
come from. One table, read by every method, the export and the review, so an axis is checked the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..namespaces import sparql_prologue
from ..vocab import SCHEME, Airm


@dataclass(frozen=True)
class Axis:
    name: str
    prop: str  # the property a value is stated with
    scheme: str
    multi: bool  # several values may hold at once
    subconcepts_only: bool = False  # risk: subdomains, not whole domains


AXES: dict[str, Axis] = {a.name: a for a in (
    Axis("lifecycle-stage", Airm.lifecycleStage, SCHEME + "lifecycle", True),
    Axis("actor-type", Airm.actorType, SCHEME + "actor-type", True),
    Axis("rmf-function", Airm.riskManagementFunction, SCHEME + "rmf-function", False),
    Axis("risk", Airm.addresses, SCHEME + "mit-risk-domain", True, subconcepts_only=True),
    Axis("mitigation-category", Airm.mitigationCategory, SCHEME + "mit-mitigation-taxonomy", False),
)}


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    code: str


@dataclass
class Schemes:
    """The usable concepts of every axis (no sentinels), by IRI and by code."""

    by_axis: dict[str, dict[str, Concept]] = field(default_factory=dict)
    documents: set = field(default_factory=set)  # every bibo:Document, as held-value rules may name one

    def concept(self, axis: str, iri: str) -> Concept | None:
        return self.by_axis.get(axis, {}).get(iri)

    def by_code(self, axis: str, code: str) -> Concept | None:
        code = code.strip()
        for c in self.by_axis.get(axis, {}).values():
            if c.code.lower() == code.lower() or c.iri == code or c.label.lower() == code.lower():
                return c
        return None


CONCEPTS_QUERY = sparql_prologue("skos", "airm") + """SELECT ?c ?scheme ?label ?code ?broader WHERE {
  ?c skos:inScheme ?scheme .
  FILTER NOT EXISTS { ?c a airm:ClassificationSentinel }
  OPTIONAL { ?c skos:prefLabel ?label FILTER(LANG(?label) = "en" || LANG(?label) = "") }
  OPTIONAL { ?c skos:notation ?code }
  OPTIONAL { ?c skos:broader ?broader }
}
"""

DOCUMENTS_QUERY = "SELECT DISTINCT ?d WHERE { ?d a <http://purl.org/ontology/bibo/Document> }"


def load_schemes(select) -> Schemes:
    """``select(text)`` runs a SELECT on the curated and source graphs and yields dict rows of plain strings."""
    by_scheme = {a.scheme: a for a in AXES.values()}
    schemes = Schemes({a: {} for a in AXES})
    for row in select(CONCEPTS_QUERY):
        axis = by_scheme.get(row["scheme"])
        if axis is None or (axis.subconcepts_only and not row.get("broader")):
            continue
        iri = row["c"]
        schemes.by_axis[axis.name][iri] = Concept(iri, row.get("label") or iri, row.get("code") or "")
    schemes.documents = {row["d"] for row in select(DOCUMENTS_QUERY)}
    return schemes
