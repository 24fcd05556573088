"""The RDF formats airm reads and writes, in one table: airm's short name, pyoxigraph's and rdflib's names for it,
its media type and the file suffixes it goes by. Parsing, export, query results and HTTP content negotiation all
read their format names from here, so a format is spelt one way everywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RdfFormat:
    key: str  # airm's name: CLI options, ?format= and export file names
    oxigraph: str  # the pyoxigraph.RdfFormat member
    rdflib: str  # rdflib's parser and serializer name
    media_type: str
    suffixes: tuple[str, ...]  # file suffixes read as this format; the first is the one airm writes


FORMATS: dict[str, RdfFormat] = {f.key: f for f in (
    RdfFormat("ttl", "TURTLE", "turtle", "text/turtle", (".ttl", ".turtle")),
    RdfFormat("nt", "N_TRIPLES", "nt", "application/n-triples", (".nt",)),
    RdfFormat("nq", "N_QUADS", "nquads", "application/n-quads", (".nq",)),
    RdfFormat("trig", "TRIG", "trig", "application/trig", (".trig",)),
    RdfFormat("jsonld", "JSON_LD", "json-ld", "application/ld+json", (".jsonld", ".json")),
    RdfFormat("rdfxml", "RDF_XML", "xml", "application/rdf+xml", (".rdf", ".owl", ".xml")),
)}
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdfxml")  # what a graph (a CONSTRUCT's answer, an export) is written as
BY_SUFFIX: dict[str, RdfFormat] = {suffix: f for f in FORMATS.values() for suffix in f.suffixes}


def for_suffix(suffix: str) -> RdfFormat | None:
    """The format a file suffix (``.ttl``, ``.JSONLD``) names, or None."""
    return BY_SUFFIX.get(suffix.lower())
