"""The PyLD internals airm's fast JSON-LD compaction uses, kept in this one module.

PyLD offers the whole compaction algorithm only; the single steps it repeats for every value (processing the initial
context, choosing a term for a value, compacting one IRI or one value) are private members of its processor. The
compactor asks each step once per distinct shape and remembers the answer, which makes a large export several times
faster than PyLD's whole algorithm on the same document, with the same bytes. Private members may change in any
release: PyLD is pinned to the version below in pyproject.toml, and tests/test_export.py checks that this adapter
still answers as PyLD's whole algorithm does.
"""

from __future__ import annotations

# rdflib and PyLD are imported in the functions that need them: every query answer loads this package (results.py)

PYLD_VERSION = "3.3.0"  # the version these private members were read from; pyproject.toml pins the same


class PyLDContext:
    """A JSON-LD context processed by PyLD, and PyLD's single compaction steps against it."""

    def __init__(self, ctx: dict, document_loader, options: dict):
        from pyld import jsonld

        self.processor = jsonld.JsonLdProcessor()
        resolver = jsonld.ContextResolver(jsonld._resolved_context_cache, document_loader)
        self.options = dict(options, contextResolver=resolver)
        initial = self.processor._get_initial_context(self.options)
        self.active = self.processor.process_context(initial, {"@context": ctx}, self.options)

    @property
    def mappings(self) -> dict:
        """The processed term definitions: term -> definition (``@id``, ``@container``, ``reverse``, ...)."""
        return self.active["mappings"]

    def get(self, term: str, key: str):
        """A term's setting (``@container``, ``@type``, ...), as PyLD's public helper reads it."""
        from pyld.jsonld import JsonLdProcessor

        return JsonLdProcessor.get_context_value(self.active, term, key)

    def compact_iri(self, iri: str, value=None, *, vocab: bool = False, base=None, reverse: bool = False) -> str:
        """An IRI or keyword as a term, compact IRI or relative IRI; with ``value``, the term that fits that value."""
        return self.processor._compact_iri(self.active, iri, value, vocab=vocab, base=base, reverse=reverse)

    def compact_value(self, term: str, value: dict):
        """A value object or node reference compacted under ``term``."""
        return self.processor._compact_value(self.active, term, value, self.options)

    def json_ld_11(self) -> bool:
        """Whether the context runs in JSON-LD 1.1 processing mode."""
        return self.processor._processing_mode(self.active, 1.1)
