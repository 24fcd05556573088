"""Serialize graphs deterministically, verify each serialization by parsing it back, then write it atomically.

Verify-then-commit (:mod:`.verify`): nothing is written unless a *different* implementation (but for N-Triples, see
there) reads back the same graph, compared as canonical sets of triples (blank nodes relabelled by RDFC-1.0,
datatypes and language tags exact):

======== ============================================================= ========================
format   written by                                                    read back by
======== ============================================================= ========================
ttl      airm (:mod:`.ttl`: canonical blank nodes, nesting, prefixes)  Oxigraph
nt       Oxigraph, lines sorted (:mod:`.nt`)                           Oxigraph (tests: rdflib)
jsonld   airm with PyLD's term selection (:mod:`.compactor`), the      Oxigraph
         same bytes as PyLD's own compaction
rdfxml   Oxigraph, triples sorted (:mod:`.rdfxml`)                     rdflib
======== ============================================================= ========================

Everything works on one canonical form of the graph (:mod:`.canon`: Oxigraph terms, RDFC-1.0 blank-node labels),
computed once per export; a build takes it straight from the store, without an rdflib copy. Should airm's Turtle
writer ever fail its check, the file is written by Oxigraph instead and checked with rdflib (:mod:`.serialization`).

JSON-LD is compacted against the published context (:mod:`.published`: ``ontology/context.jsonld`` with readable
keys such as ``label``, ``addresses``, ``lifecycleStage`` and every airm prefix), embedded in the output so that
reading it needs nothing else; ``jsonld-framed`` gives one nested record per mitigation (:mod:`.framing`,
``ontology/frame.jsonld``). PyLD runs with a document loader that serves the published context from the package and
refuses everything else, and Oxigraph's JSON-LD reader loads no remote context: nothing is fetched. The SSSOM export
is :mod:`.sssom_export`; :mod:`.kg_export` exports a loaded knowledge graph in any of these formats.

The names callers use are re-exported here.
"""

from .canon import MAX_ALIKE_BLANK_NODES, CanonicalGraph, canonical, canonical_from_store, same_graph
from .framing import framed_jsonld, framed_subgraph
from .jsonld import compact_jsonld, expanded_jsonld, parse_jsonld_with_pyld
from .kg_export import EXPORT_FORMATS, SCOPES, export, release
from .nt import ntriples
from .published import (
    CONTEXT_URL,
    FRAME_URL,
    context,
    context_document,
    context_document_served,
    document_loader,
    frame_document,
)
from .serialization import serialize, serialize_all
from .sssom_export import mappings_tsv
from .ttl import turtle
from .verify import FORMATS, READERS, read_canonical, verify_roundtrip

__all__ = [
    "CONTEXT_URL", "EXPORT_FORMATS", "FORMATS", "FRAME_URL", "MAX_ALIKE_BLANK_NODES", "READERS", "SCOPES",
    "CanonicalGraph", "canonical", "canonical_from_store", "compact_jsonld", "context", "context_document",
    "context_document_served", "document_loader", "expanded_jsonld", "export", "frame_document", "framed_jsonld",
    "framed_subgraph", "mappings_tsv", "ntriples", "parse_jsonld_with_pyld", "read_canonical", "release",
    "same_graph", "serialize", "serialize_all", "turtle", "verify_roundtrip",
]
