"""Issue 19 item 5: the JSON-LD context and frame are served where their IRIs say (https://w3id.org/airm/...)."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from airm import export


def served_path(iri: str) -> str:
    """The server's path for an IRI under https://w3id.org/airm/ (the server stands where that prefix points, as for
    /id/... and /ontology)."""
    parsed = urlparse(iri)
    assert parsed.netloc == "w3id.org" and parsed.path.startswith("/airm/"), iri
    return parsed.path.removeprefix("/airm")


def test_context_and_frame_are_served_where_their_iris_say(server):
    frame = export.frame_document()
    assert frame["@context"] == export.CONTEXT_URL
    path = served_path(frame["@context"])
    assert path == "/context.jsonld"
    r = server.get(path)
    assert r.status == 200 and r.type == "application/ld+json"
    assert json.loads(r.body) == export.context_document_served()
    r = server.get(served_path(export.FRAME_URL))
    assert r.status == 200 and json.loads(r.body) == frame


def test_a_served_export_reads_back_with_the_served_context(server):
    """What a JSON-LD client does: fetch the context from the server, then read a compact document with it."""
    from pyld import jsonld

    context = json.loads(server.get("/context.jsonld").body)
    body = server.get("/sparql", accept="application/ld+json",
                      query="CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/airm#Mitigation> ; ?p ?o }").body
    doc = json.loads(body)
    doc["@context"] = export.CONTEXT_URL  # as a published document would name it

    def loader(url, options=None):
        assert url == export.CONTEXT_URL
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": context}

    quads = jsonld.to_rdf(doc, {"documentLoader": loader, "format": "application/n-quads"})
    assert quads.count("\n") > 50
