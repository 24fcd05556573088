"""One resource as a page sees it: what it says, what points at it, where each statement comes from.

Runs in a query worker (see pool.py) on the worker's own copy of the graph. Statements are read with
``quads_for_pattern``, so each one keeps the named graph it came from: a data file, an imported source, or the
entailments ("inferred"). Kind-specific sections are stored queries of the catalog, run with the resource as
their parameter, so a page shows what ``airm query run`` would.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from .. import catalog
from ..engines import run_stored
from ..errors import AirmError
from ..labels import best_literal as _best
from ..labels import label_of, labels_for, result_iris
from ..namespaces import AIRM, CATALOG_GRAPH, ENTAILMENT_GRAPH, GRAPH_BASE, curie
from ..results import Term, term_from_ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
BIBO = "http://purl.org/ontology/bibo/"
OWL = "http://www.w3.org/2002/07/owl#"
SCHEMA = "https://schema.org/"

DESCRIPTIONS = (DCTERMS + "description", SKOS + "definition", RDFS + "comment", SKOS + "scopeNote")

# Identifier properties: (label, property, URL template or None). The URL is only built from our own data.
IDENTIFIERS = (
    ("arXiv", AIRM + "arxivId", "https://arxiv.org/abs/{}"),
    ("DOI", BIBO + "doi", "https://doi.org/{}"),
    ("URL", SCHEMA + "url", "{}"),
    ("identifier", DCTERMS + "identifier", None),
    ("code", SKOS + "notation", None),
)

# (type, section title, stored query, parameter): the catalog queries a page of that type shows. A risk's
# mitigations are not one of them: its page lists them one row per measure from the browse index (views/linked_data).
SECTIONS = (
    (AIRM + "Mitigation", "Risks it addresses, with the evidence for each link", "risks-of-mitigation", "mitigation"),
    (AIRM + "Mitigation", "Sources and the works it cites", "sources-of-mitigation", "mitigation"),
    (SKOS + "Concept", "Equivalent and related concepts in other taxonomies", "equivalent-concepts", "concept"),
    (AIRM + "Technique", "Where the technique comes from and which mitigations use it", "technique-provenance",
     "technique"),
    (BIBO + "Document", "Mitigations extracted from this document", "mitigations-from-document", "document"),
    (SKOS + "ConceptScheme", "The taxonomy, with counts per node", "taxonomy-tree", "scheme"),
)

# Resources a page lists per property that links to the page's resource; the rest are counted ("and N more") and
# are in the record's RDF export. A risk has hundreds (every risk and measure reaching it, every MIT entry filed under
# it): listing and labelling them all was half of its page's time, and the page's own mitigation list pages them.
REFERRERS_SHOWN = 50

# The properties a page lists first, as key facts, in this order (all statements follow in a table, with sources).
KEY_FACTS = (
    AIRM + "extractedFrom", AIRM + "recordedIn", AIRM + "mitigationCategory", AIRM + "lifecycleStage",
    AIRM + "actorType", AIRM + "riskManagementFunction", AIRM + "usesTechnique", AIRM + "addresses",
    AIRM + "addressedRisk", "http://www.w3.org/ns/prov#wasDerivedFrom", AIRM + "locator", AIRM + "curationMethod",
    AIRM + "introducedIn", AIRM + "hasComponentTechnique", AIRM + "sourceHeading", SKOS + "inScheme",
    SKOS + "broader", SKOS + "altLabel", BIBO + "authorList", "http://purl.org/spar/fabio/hasPublicationYear",
    DCTERMS + "publisher", AIRM + "riskCategory", AIRM + "causalEntity", AIRM + "causalIntent", AIRM + "causalTiming",
)

SCAN_CAP = 5000  # statements pointing at a resource that a page reads before it says "and more"


def source_name(graph: str, sources=()) -> str:
    """A person's name for the named graph a statement comes from."""
    if graph == ENTAILMENT_GRAPH:
        return "inferred"
    if graph == CATALOG_GRAPH:
        return "query catalog"
    if graph.startswith(GRAPH_BASE + "import/"):
        return "import " + graph[len(GRAPH_BASE + "import/"):]
    if graph.startswith(GRAPH_BASE):
        return graph[len(GRAPH_BASE):]
    for s in sources:
        if s.graph == graph:
            return s.display
    return graph


def exists(kg, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return (next(kg.store.quads_for_pattern(node, None, None, None), None) is not None
            or next(kg.store.quads_for_pattern(None, None, node, None), None) is not None)


def _list_items(store, head, limit: int = 500) -> list[Term] | None:
    """The members of an RDF list, or None when ``head`` is not one."""
    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
    items, node, seen = [], head, set()
    while node != nil:
        if node in seen or len(items) > limit:
            break
        seen.add(node)
        f = next(store.quads_for_pattern(node, first, None, None), None)
        r = next(store.quads_for_pattern(node, rest, None, None), None)
        if f is None or r is None:
            return None if not items else items
        items.append(term_from_ox(f.object))
        node = r.object
    return items


def record(kg, iri: str, *, timeout: float, limit: int) -> dict:
    """Everything a page about ``iri`` shows (see the module docstring)."""
    node = ox.NamedNode(iri)
    out = _outgoing(kg.store, node, kg.sources)
    statements = [{"predicate": group["predicate"],
                   "values": sorted(group["values"].values(), key=lambda e: (e["term"].type, e["term"].value))}
                  for _, group in sorted(out["groups"].items(), key=lambda kv: curie(kv[0]))]
    referrers, incoming, truncated_incoming = _incoming(kg.store, node, kg.sources, min(limit, REFERRERS_SHOWN))
    sections = _sections(kg, iri, set(out["types"]), timeout=timeout, limit=limit)
    by_predicate = {st["predicate"].value: st for st in statements}
    iris = {iri} | set(out["types"]) | set(out["groups"]) | set(incoming)
    iris |= _iris_shown(statements, referrers, sections)
    labels = labels_for(kg, iris)
    seen = out["labels"]
    label = _best(seen.get(SKOS + "prefLabel", [])) or _best(seen.get(RDFS + "label", [])) or labels.get(iri)
    return {
        "iri": iri,
        "curie": curie(iri),
        "label": label,
        "exists": bool(out["groups"] or out["types"] or out["descriptions"] or seen or incoming),
        "types": sorted(out["types"].values(), key=lambda t: t.value),
        "descriptions": out["descriptions"],
        "statements": statements,
        "facts": [by_predicate[p] for p in KEY_FACTS if p in by_predicate],
        "incoming": referrers,
        "incoming_truncated": truncated_incoming,
        "identifiers": _identifiers(out["groups"]),
        "sections": sections,
        "labels": labels,
    }


def _graph_of(quad) -> str:
    return quad.graph_name.value if hasattr(quad.graph_name, "value") else ""


def _outgoing(store, node, sources) -> dict:
    """What ``node`` says: its types, descriptions and labels apart, every other statement grouped by predicate, each
    value with the sources stating it (a blank node opened: an RDF list's items, or its own statements)."""
    out = {"types": {}, "descriptions": [], "groups": {}, "labels": {}}
    for q in store.quads_for_pattern(node, None, None, None):
        p = q.predicate.value
        src = source_name(_graph_of(q), sources)
        if p == RDF + "type":
            out["types"].setdefault(q.object.value, term_from_ox(q.object))
            continue
        if p in DESCRIPTIONS and isinstance(q.object, ox.Literal):
            if all(d.value != q.object.value for d, _ in out["descriptions"]):
                out["descriptions"].append((term_from_ox(q.object), src))
            continue
        if p in (SKOS + "prefLabel", RDFS + "label"):
            out["labels"].setdefault(p, []).append(q.object)
            continue
        group = out["groups"].setdefault(p, {"predicate": Term("uri", p), "values": {}})
        key = (type(q.object).__name__, str(q.object))
        entry = group["values"].get(key)
        if entry is None:
            entry = group["values"][key] = _value_entry(store, q.object)
        if src not in entry["sources"]:
            entry["sources"].append(src)
    return out


def _value_entry(store, obj) -> dict:
    entry = {"term": term_from_ox(obj), "sources": [], "items": None, "nested": None}
    if isinstance(obj, ox.BlankNode):
        items = _list_items(store, obj)
        if items is not None:
            entry["items"] = items
        else:
            entry["nested"] = [(term_from_ox(b.predicate), term_from_ox(b.object))
                               for b in itertools.islice(store.quads_for_pattern(obj, None, None, None), 50)]
    return entry


def _incoming(store, node, sources, limit: int) -> tuple[list, dict, bool]:
    """What points at ``node``, by predicate, at most ``limit`` subjects each: (referrers, the groups, whether the
    scan stopped at SCAN_CAP)."""
    incoming: dict[str, dict] = {}
    truncated = False
    for scanned, q in enumerate(store.quads_for_pattern(None, None, node, None), start=1):
        if scanned > SCAN_CAP:
            truncated = True
            break
        if isinstance(q.subject, ox.BlankNode):
            continue  # a list cell or an anonymous node: shown from the resource that holds it
        p = q.predicate.value
        group = incoming.setdefault(p, {"predicate": Term("uri", p), "subjects": {}})
        entry = group["subjects"].setdefault(q.subject.value, {"term": term_from_ox(q.subject), "sources": []})
        src = source_name(_graph_of(q), sources)
        if src not in entry["sources"]:
            entry["sources"].append(src)
    referrers = []
    for _, group in sorted(incoming.items(), key=lambda kv: curie(kv[0])):
        subjects = sorted(group["subjects"].values(), key=lambda e: e["term"].value)
        referrers.append({"predicate": group["predicate"], "subjects": subjects[:limit],
                          "more": max(0, len(subjects) - limit)})
    return referrers, incoming, truncated


def _identifiers(groups: dict) -> list[dict]:
    """Identifiers and see-also links, each with a web link where one can be built (http and https only)."""
    identifiers = []
    for name, prop, url in IDENTIFIERS:
        for entry in (groups.get(prop) or {"values": {}})["values"].values():
            value = entry["term"].value
            link = url.format(value) if url else None
            if link is not None and not link.startswith(("https://", "http://")):
                link = None
            identifiers.append({"name": name, "value": value, "url": link})
    for entry in (groups.get(RDFS + "seeAlso") or {"values": {}})["values"].values():
        if entry["term"].type == "uri" and entry["term"].value.startswith(("https://", "http://")):
            identifiers.append({"name": "see also", "value": entry["term"].value, "url": entry["term"].value})
    return identifiers


def _iris_shown(statements: list, referrers: list, sections: list) -> set:
    """Every IRI the page links to, so each link can carry its label."""
    iris = set()
    for s in statements:
        for e in s["values"]:
            if e["term"].type == "uri":
                iris.add(e["term"].value)
            for t in (e["items"] or []) + [o for pair in (e["nested"] or []) for o in pair]:
                if t.type == "uri":
                    iris.add(t.value)
    for r in referrers:
        iris.update(e["term"].value for e in r["subjects"])
    for s in sections:
        iris |= result_iris(s.get("result"))
    return iris


def _sections(kg, iri: str, types: set, *, timeout: float, limit: int) -> list[dict]:
    out, done = [], set()
    queries = catalog.catalog()
    for cls, title, name, param in SECTIONS:
        if cls not in types or name in done or name not in queries:
            continue
        done.add(name)
        q = queries[name]
        section = {"title": title, "query": name, "params": {param: iri}, "result": None, "error": None}
        try:
            bound = catalog.bind_params(kg, q, {param: iri})
            result = run_stored(kg, q, bound, timeout=timeout, limit=limit)
            if result.kind == "select" and result.rows:
                # columns that are empty or only repeat the page's own resource say nothing: leave them out
                same = [v for v in result.variables
                        if all(r.get(v) in (None, Term("uri", iri)) for r in result.rows)]
                result.variables = [v for v in result.variables if v not in same]
                result.rows = [{k: t for k, t in r.items() if k not in same} for r in result.rows]
            section["result"] = result
        except AirmError as e:
            section["error"] = str(e)
        out.append(section)
    return out


def ontology_terms(kg) -> list[dict]:
    """Classes and properties of the airm ontology, for the ontology page."""
    kinds = {OWL + "Class": "Classes", OWL + "ObjectProperty": "Object properties",
             OWL + "DatatypeProperty": "Datatype properties", OWL + "AnnotationProperty": "Annotation properties"}
    store = kg.store
    terms = {}
    for kind_iri, kind in kinds.items():
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(kind_iri), None):
            s = q.subject
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(AIRM) or s.value in terms:
                continue
            definition = _best([d.object for d in store.quads_for_pattern(s, ox.NamedNode(SKOS + "definition"), None,
                                                                            None) if isinstance(d.object, ox.Literal)])
            terms[s.value] = {"iri": s.value, "local": s.value[len(AIRM):], "kind": kind,
                              "label": label_of(store, s.value), "definition": definition}
    order = list(kinds.values())
    return sorted(terms.values(), key=lambda t: (order.index(t["kind"]), t["local"].lower()))
