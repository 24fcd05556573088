"""The published JSON-LD documents (context and frame) and the offline document loader that serves them.

The context is the file ``ontology/context.jsonld`` plus every prefix of the one prefix source; PyLD and the readers
get it from the package, so reading or writing airm's JSON-LD never fetches anything.
"""

from __future__ import annotations

import copy
import functools
import json

from ..errors import InternalError
from ..namespaces import prefixes
from ..resources import resource_dir

# rdflib and PyLD are imported in the functions that need them: every query answer loads this package (results.py)

CONTEXT_URL = "https://w3id.org/airm/context.jsonld"
FRAME_URL = "https://w3id.org/airm/frame.jsonld"


def _published(name: str) -> dict:
    return copy.deepcopy(_read_published(name))


@functools.cache
def _read_published(name: str) -> dict:
    path = resource_dir("ontology") / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InternalError(f"{path}: cannot read the published JSON-LD document: {e}", hint="reinstall airm") from None


@functools.cache
def list_terms() -> frozenset:
    """The context's terms whose values are ordered lists (``@container: @list``)."""
    return frozenset(k for k, d in context().items() if isinstance(d, dict) and d.get("@container") == "@list")


def context_document() -> dict:
    """``ontology/context.jsonld`` as a dict: ``{"@context": {...}}``."""
    return _published("context.jsonld")


def context() -> dict:
    """The JSON-LD context we compact with (a dict, so nothing is fetched): terms plus every declared prefix."""
    ctx = dict(context_document()["@context"])
    for p, ns in prefixes().items():  # the prefix file is the one source: a prefix added there is never missing here
        if p not in ctx:
            ctx[p] = ns
    return ctx


def context_document_served() -> dict:
    """The context as published at its IRI: the file's terms plus every declared prefix, as airm compacts with."""
    return {"@context": context()}


def frame_document() -> dict:
    """``ontology/frame.jsonld``: the frame that makes one nested record per mitigation."""
    return _published("frame.jsonld")


def document_loader(url, options=None):
    """PyLD document loader: the published context and frame from the package; any other URL is refused, never
    fetched. Pass it to PyLD (``{"documentLoader": airm.export.document_loader}``) to re-frame airm's JSON-LD
    offline."""
    from pyld.jsonld import JsonLdError

    if url in (CONTEXT_URL, CONTEXT_URL.replace("https://", "http://")):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": context_document_served()}
    if url in (FRAME_URL, FRAME_URL.replace("https://", "http://")):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": frame_document()}
    raise JsonLdError(f"refused to load {url}: airm reads and writes JSON-LD offline", "jsonld.LoadDocumentError",
                      {"url": url}, code="loading document failed")


def pyld_options(**extra) -> dict:
    """PyLD options with the offline loader, plus ``extra``."""
    return {"documentLoader": document_loader, **extra}
