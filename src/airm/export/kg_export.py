"""Exporting a loaded knowledge graph: one format, one scope (ontology, data or all), verified."""

from __future__ import annotations

from ..errors import UserError
from .framing import framed_jsonld
from .release_info import release
from .serialization import serialize
from .sssom_export import mappings_tsv

__all__ = ["EXPORT_FORMATS", "SCOPES", "export", "release"]

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "jsonld-framed", "rdfxml", "sssom")
SCOPES = ("ontology", "data", "all")


def export(kg, fmt: str, *, scope: str = "all") -> bytes:
    """``kg`` (a loaded KnowledgeGraph) in ``fmt`` restricted to ``scope``: ontology, data or all; verified."""
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown export format {fmt!r}", hint="one of " + ", ".join(EXPORT_FORMATS))
    if scope not in SCOPES:
        raise UserError(f"unknown scope {scope!r}", hint="one of " + ", ".join(SCOPES))
    if fmt == "sssom":
        return mappings_tsv(kg, scope=scope)
    if fmt == "jsonld-framed" and scope == "ontology":
        raise UserError("the framed JSON-LD has one record per mitigation, and the ontology scope holds none",
                        hint="use --scope data or all, or --format jsonld for the ontology")
    graph = kg.to_rdflib(scope=scope, entailments=True)
    if fmt == "jsonld-framed":
        return framed_jsonld(graph)
    return serialize(graph, fmt)
