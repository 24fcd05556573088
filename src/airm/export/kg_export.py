"""Exporting a loaded knowledge graph: one format, one scope (ontology, data or all), verified."""

from __future__ import annotations

from ..errors import UserError

EXPORT_FORMATS = ("ttl", "nt", "jsonld", "jsonld-framed", "rdfxml", "sssom")
SCOPES = ("ontology", "data", "all")


def export(kg, fmt: str, *, scope: str = "all") -> bytes:
    """``kg`` (a loaded KnowledgeGraph) in ``fmt`` restricted to ``scope``: ontology, data or all; verified."""
    from .framing import framed_jsonld
    from .serialization import serialize
    from .sssom_export import mappings_tsv

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


def release(store) -> dict:
    """The ontology's version and release date as the graph states them (owl:versionInfo, dcterms:modified)."""
    import pyoxigraph as ox

    from ..namespaces import ONTOLOGY_IRI

    rows = list(store.query(
        "SELECT ?o ?v ?d WHERE { ?o <http://www.w3.org/2002/07/owl#versionInfo> ?v . "
        "OPTIONAL { ?o <http://purl.org/dc/terms/modified> ?d } }",
        substitutions={ox.Variable("o"): ox.NamedNode(ONTOLOGY_IRI)}, use_default_graph_as_union=True))
    if not rows:
        return {"version": None, "date": None}
    return {"version": rows[0]["v"].value, "date": rows[0]["d"].value if rows[0]["d"] is not None else None}
