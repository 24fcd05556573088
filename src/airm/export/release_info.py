"""The release a graph states: the ontology's version and date, which exports and mapping sets carry."""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI


def release(store) -> dict:
    """The ontology's version and release date as the graph states them (owl:versionInfo, dcterms:modified)."""
    rows = list(store.query(
        "SELECT ?o ?v ?d WHERE { ?o <http://www.w3.org/2002/07/owl#versionInfo> ?v . "
        "OPTIONAL { ?o <http://purl.org/dc/terms/modified> ?d } }",
        substitutions={ox.Variable("o"): ox.NamedNode(ONTOLOGY_IRI)}, use_default_graph_as_union=True))
    if not rows:
        return {"version": None, "date": None}
    return {"version": rows[0]["v"].value, "date": rows[0]["d"].value if rows[0]["d"] is not None else None}
