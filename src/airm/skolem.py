"""Blank nodes as well-known IRIs, so a build sent to a store twice is the same set of triples twice.

A store gives every blank node of an update request a fresh identity, so two copies of one build differ in their
blank-node triples and a re-insert (or two pushes racing) duplicates them. Skolemising (RDF 1.1 Concepts §3.5)
replaces each blank node by an IRI under airm's own ``/.well-known/genid/`` path. The IRI is derived from content:
the dataset is canonicalised first (RDFC-1.0, so equal builds label their blank nodes alike), then each node is named
by a hash of the canonical quads that mention it. Equal builds give equal IRIs; a node whose statements change gets
a new IRI. The embedded store keeps its blank nodes: only what is sent to a store is skolemised.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pyoxigraph as ox

from .namespaces import ONTOLOGY_IRI

GENID = ONTOLOGY_IRI + "/.well-known/genid/"


def is_skolem(iri: str) -> bool:
    """Whether an IRI is one of airm's skolem IRIs (a blank node of the build)."""
    return iri.startswith(GENID)


def skolemise(quads) -> list:
    """The quads with every blank node replaced by its content-derived skolem IRI (those without blank nodes first)."""
    def blank(q) -> bool:
        return any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object, q.graph_name))

    quads = list(quads)
    # RDFC-1.0 labels a blank node from the quads that mention blank nodes only: canonicalise just those
    dataset = ox.Dataset(q for q in quads if blank(q))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    canonical = list(dataset)
    mentions: dict[str, list[str]] = defaultdict(list)
    for q in canonical:
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.BlankNode):
                mentions[term.value].append(str(q))
    iris = {label: ox.NamedNode(GENID + _digest(lines)) for label, lines in mentions.items()}

    def named(term):
        return iris[term.value] if isinstance(term, ox.BlankNode) else term

    return [q for q in quads if not blank(q)] + [
        ox.Quad(named(q.subject), q.predicate, named(q.object), named(q.graph_name)) for q in canonical]


def _digest(lines: list[str]) -> str:
    """A hash of every canonical quad that mentions the node (its canonical label among them)."""
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()[:32]
