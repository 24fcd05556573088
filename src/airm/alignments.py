"""airm's alignments to the AI-risk vocabularies people use, and the checks they must pass.

The alignments themselves are Turtle (``ontology/alignments/*.ttl``), loaded with the ontology, so a build carries
them: ``rdfs:subClassOf``/``rdfs:subPropertyOf`` where our term is narrower, SKOS matches between concepts, each
annotated (``owl:Axiom``) with its SSSOM fields. This module lists the external terms they name and checks them
against the reference copies of those vocabularies; :mod:`airm.sssom` publishes them as mapping sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .namespaces import BASE_IRI
from .vocab import AI, AIRO, D3F, DPV, NEXUS, RISK, TECH, VAIR

# Vocabularies with a reference copy: prefix -> (namespace, files under the reference folder that define its terms)
CHECKED = {
    "airo": (AIRO, ("airo/airo.ttl",)),
    "vair": (VAIR, ("vair/vair.ttl",)),
    "dpv": (DPV, ("dpv/2.3/dpv/dpv.ttl",)),
    "risk": (RISK, ("dpv/2.3/risk/risk.ttl",)),
    "ai": (AI, ("dpv/2.3/ai/ai.ttl",)),
    "tech": (TECH, ("dpv/2.3/tech/tech.ttl",)),
    "nexus": (NEXUS, ("ai-atlas-nexus/graph_export/owl/ai-risk-ontology_schema.ttl",)),
}
# Referenced without a reference copy to check against, so kept to the named IRIs (see ontology/alignments/mitre.ttl)
UNCHECKED = {
    "d3f": (D3F, frozenset({"DefensiveTechnique"})),
    "atlas-web": ("https://atlas.mitre.org/", frozenset({"", "tactics/", "techniques/", "studies/"})),
}
# DPV publishes OWL copies of its terms under these namespaces; airm uses the SKOS IRIs above, never these
DPV_OWL = re.compile(r"^https://w3id\.org/dpv(/[a-z-]+)*/owl#")


@dataclass(frozen=True)
class ExternalTerm:
    iri: str
    prefix: str
    local: str
    files: tuple[str, ...]  # the airm files that name it


def alignment_files() -> list[Path]:
    return sorted(resources.resource_dir("ontology").glob("alignments/*.ttl"))


def external_terms(paths=None) -> list[ExternalTerm]:
    """Every IRI of a vocabulary in CHECKED or UNCHECKED (or a DPV /owl# copy) that the given Turtle files name.

    Default: every shipped ontology and data file.
    """
    if paths is None:
        paths = resources.ontology_files() + resources.data_files()
    spaces = [(p, ns) for p, (ns, _f) in CHECKED.items()] + [(p, ns) for p, (ns, _l) in UNCHECKED.items()]
    found: dict[str, tuple[str, str, set]] = {}
    for path in paths:
        with open(path, "rb") as f:
            triples = list(ox.parse(f, format=ox.RdfFormat.TURTLE, base_iri=BASE_IRI))
        for t in triples:
            for term in (t.subject, t.predicate, t.object):
                if not isinstance(term, ox.NamedNode):
                    continue
                iri = term.value
                if DPV_OWL.match(iri):
                    found.setdefault(iri, ("dpv-owl", iri, set()))[2].add(Path(path).name)
                    continue
                for prefix, ns in spaces:
                    if iri.startswith(ns):
                        found.setdefault(iri, (prefix, iri[len(ns):], set()))[2].add(Path(path).name)
                        break
    return [ExternalTerm(iri, p, local, tuple(sorted(files))) for iri, (p, local, files) in sorted(found.items())]


def check_references(reference_dir, terms=None) -> list[str]:
    """Problems with the external terms airm names: a term missing from its vocabulary's reference copy, a DPV
    /owl# IRI, an unchecked-vocabulary term beyond the few named in UNCHECKED. Empty when all is well."""
    reference_dir = Path(reference_dir)
    terms = external_terms() if terms is None else terms
    defined: dict[str, set[str]] = {}
    problems = []
    for prefix in sorted({t.prefix for t in terms if t.prefix in CHECKED}):
        ns, files = CHECKED[prefix]
        subjects: set[str] = set()
        for rel in files:
            path = reference_dir / rel
            if not path.is_file():
                problems.append(f"reference copy {path} is missing: cannot check the {prefix}: terms")
                continue
            with open(path, "rb") as f:
                for t in ox.parse(f, format=ox.RdfFormat.TURTLE, base_iri=ns):
                    if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ns):
                        subjects.add(t.subject.value)
        defined[prefix] = subjects
    for t in terms:
        where = ", ".join(t.files)
        if t.prefix == "dpv-owl":
            problems.append(f"{where}: {t.iri} is a DPV /owl# copy; use DPV's own (SKOS) IRI")
        elif t.prefix in CHECKED:
            if t.prefix in defined and t.iri not in defined[t.prefix]:
                problems.append(f"{where}: {t.prefix}:{t.local} is not defined in the reference copy of {t.prefix}")
        elif t.local not in UNCHECKED[t.prefix][1]:
            problems.append(f"{where}: {t.iri} names a vocabulary without a reference copy; only "
                            f"{sorted(UNCHECKED[t.prefix][1])} are allowed there")
    return problems
