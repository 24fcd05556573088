"""JSON-LD 1.1 compaction of the flat node list airm writes, byte-identical to PyLD's ``compact`` and much faster.

PyLD spends its time choosing a term for every value (the inverse-context search) and compacting every IRI. The
choice depends only on the property and the value's shape (datatype, language; for a node reference whether its IRI
is itself a term), and an IRI always compacts the same way: so each is asked of PyLD once and remembered. The walk
is PyLD's own ``_compact`` restricted to what a flat node list holds (no scoped contexts, reverse or nested
properties, or index/language/id/type/graph maps); a context using any of those gets no compactor, and the caller
runs PyLD's whole algorithm instead.
"""

from __future__ import annotations

import json

from .published import context, document_loader, pyld_options
from .pyld_adapter import PyLDContext


class Unsupported(Exception):
    """The fast compaction walk met something it does not handle: PyLD's whole algorithm does it."""


class Compactor:
    """Compacts the expanded documents of :func:`airm.export.jsonld.expanded_jsonld` against one context."""

    _PROBE = "\u0000airm-probe\u0000"

    def __init__(self, pyld: PyLDContext):
        self.pyld = pyld
        self.mapping_ids = set()
        for m in pyld.mappings.values():
            if m:
                ids = m.get("@id")
                self.mapping_ids.update(ids if isinstance(ids, list) else [ids])
        self.alias = {k: pyld.compact_iri(k) for k in ("@id", "@type", "@list", "@value", "@language")}
        type_container = pyld.get(self.alias["@type"], "@container") or []
        self.types_as_set = "@set" in type_container and pyld.json_ld_11()
        self._terms: dict = {}
        self._ids: dict = {}
        self._vocab: dict = {}
        self._literal_forms: dict = {}
        self._term_info: dict = {}
        self._prefixes = _curie_prefixes(pyld.mappings)
        self._prefix_lengths = sorted({len(i) for i in self._prefixes})

    @classmethod
    def for_context(cls, ctx: dict):
        """The compactor for ``ctx``, or None when the context uses a feature the walk does not know."""
        options = pyld_options(base="", compactArrays=True, graph=False, processingMode="json-ld-1.1", link=False)
        pyld = PyLDContext(ctx, document_loader, options)
        for m in pyld.mappings.values():
            if m and (m.get("reverse") or "@context" in m or "@nest" in m or "@index" in m
                      or not set(m.get("@container") or []) <= {"@set", "@list"}):
                return None
        return cls(pyld)

    def compact_id(self, iri: str) -> str:
        r = self._ids.get(iri)
        if r is None:
            r = self.curie(iri)
            if r is None:
                r = self.pyld.compact_iri(iri, vocab=False, base="")
            self._ids[iri] = r
        return r

    def curie(self, iri: str) -> str | None:
        """The compact IRI PyLD's ``_compact_iri`` (vocab false, no value) returns for ``iri``, or None where it
        would go on (no usable prefix, or a keyword). PyLD tries every term of the context as a prefix of every
        IRI (about 240 here: most of the JSON-LD write); this looks up only the prefixes of ``iri`` by length, and
        applies PyLD's own test and choice (shortest, then least) to them."""
        if iri.startswith("@"):
            return None
        mappings, candidate = self.pyld.mappings, None
        for n in self._prefix_lengths:
            if n >= len(iri):
                break
            for term in self._prefixes.get(iri[:n], ()):
                curie = term + ":" + iri[n:]
                usable = (mappings[term]["_prefix"] and curie not in mappings
                          or mappings.get(curie, {}).get("@id") == iri)
                if usable and (candidate is None or (len(curie), curie) < (len(candidate), candidate)):
                    candidate = curie
        return candidate

    def compact_vocab(self, iri: str) -> str:
        r = self._vocab.get(iri)
        if r is None:
            r = self._vocab[iri] = self.pyld.compact_iri(iri, vocab=True)
        return r

    def term(self, prop: str, value: dict) -> str:
        """The key for ``value`` (a value object or node reference) of property ``prop``."""
        if "@value" in value:
            key = (prop, 1, value.get("@type"), value.get("@language"), type(value["@value"]))
        else:
            iri = value["@id"]
            key = (prop, 2, iri if iri in self.mapping_ids else None)
        r = self._terms.get(key)
        if r is None:
            r = self._terms[key] = self.pyld.compact_iri(prop, value, vocab=True, reverse=False)
        return r

    def info(self, term: str):
        """A term's containers (a list) and type mapping."""
        r = self._term_info.get(term)
        if r is None:
            container = self.pyld.get(term, "@container") or []
            container = container if isinstance(container, list) else [container]
            r = self._term_info[term] = (container, self.pyld.get(term, "@type"))
        return r

    def literal(self, term: str, value: dict):
        """A value object compacted under ``term``: PyLD is asked once per (term, datatype, language), with a probe
        string in place of the text, and the answer's shape reused."""
        if not isinstance(value["@value"], str):  # a JSON boolean: no language applies, compacted as is
            return self.pyld.compact_value(term, value)
        key = (term, value.get("@type"), value.get("@language"))
        form = self._literal_forms.get(key)
        if form is None:
            out = self.pyld.compact_value(term, dict(value, **{"@value": self._PROBE}))
            if out == self._PROBE:
                form = ()
            else:
                form = tuple((k, (None if v == self._PROBE else v)) for k, v in out.items())
                if sum(v is None for _k, v in form) != 1:
                    raise Unsupported
            self._literal_forms[key] = form
        if not form:
            return value["@value"]
        return {k: (value["@value"] if v is None else v) for k, v in form}

    def value(self, term: str, value: dict):
        """``value`` (a value object or node reference) compacted under ``term``, as PyLD's value compaction does."""
        if "@value" in value:
            return self.literal(term, value)
        _container, type_ = self.info(term)
        if type_ == "@vocab":
            return self.compact_vocab(value["@id"])
        compacted = self.compact_id(value["@id"])
        if type_ == "@id":
            return compacted
        return {self.alias["@id"]: compacted}

    def _property(self, out: dict, prop: str, values: list) -> None:
        """Adds the compacted ``values`` of expanded property ``prop`` to node ``out``."""
        for item in values:
            if "@list" in item:
                term = self.pyld.compact_iri(prop, item, vocab=True, reverse=False)
                container, _t = self.info(term)
                items = [self.value(term, i) for i in item["@list"]]
                if "@list" in container:
                    out[term] = items
                    continue
                compacted = {self.alias["@list"]: items}
            else:
                term = self.term(prop, item)
                container, _t = self.info(term)
                compacted = self.value(term, item)
            as_array = "@set" in container or "@list" in container
            if term in out:
                if not isinstance(out[term], list):
                    out[term] = [out[term]]
                out[term].append(compacted)
            else:
                out[term] = [compacted] if as_array else compacted

    def node(self, element: dict) -> dict:
        out: dict = {}
        for prop, values in element.items():  # sorted by expanded_jsonld, as PyLD's walk goes
            if prop == "@id":
                out[self.alias["@id"]] = self.compact_id(values)
            elif prop == "@type":
                types = [self.compact_vocab(t) for t in values]
                out[self.alias["@type"]] = types if (len(types) != 1 or self.types_as_set) else types[0]
            elif prop.startswith("@"):
                raise Unsupported
            else:
                self._property(out, prop, values)
        return out

    def compact(self, expanded: list):
        """The compacted document with the context embedded, or None when the walk cannot do it."""
        try:
            nodes = [self.node(n) for n in expanded]
        except Unsupported:
            return None
        ctx = context()
        if len(nodes) == 1:
            return {"@context": ctx, **nodes[0]}
        if not nodes:
            return {"@context": ctx}
        return {"@context": ctx, "@graph": nodes}


def _curie_prefixes(mappings: dict) -> dict[str, list[str]]:
    """IRI -> the terms that map to it and may serve as a CURIE prefix (no colon in the term), as PyLD picks them."""
    out: dict[str, list[str]] = {}
    for term, definition in mappings.items():
        if ":" not in term and definition is not None and definition["@id"]:
            out.setdefault(definition["@id"], []).append(term)
    return out


_COMPACTORS: dict = {}


def compactor():
    """The compactor for the published context (rebuilt when the context changes), or None when the context uses a
    feature its walk does not know."""
    ctx = context()
    key = json.dumps(ctx, sort_keys=True)
    if _COMPACTORS.get("key") != key:
        _COMPACTORS.clear()
        _COMPACTORS["key"] = key
        _COMPACTORS["compactor"] = Compactor.for_context(ctx)
    return _COMPACTORS["compactor"]
