"""The parts of a record page that read like a catalogue entry rather than a list of statements: a mitigation's
techniques (with the works that introduced them, and ATLAS's note on how the mitigation uses each technique), a
document's title, authors, year and link, a case study's procedure. Runs in a query worker, on its store.

Documents are shown by their titles: a citation key ("Rafailov et al. 2023") says little to a reader, so
``document_titles`` gives the labels a page uses for every document it links to.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from ..labels import best_literal, label_of, labels_for
from ..namespaces import AIRM
from .records import BIBO, DCTERMS, DESCRIPTIONS, RDF, SCHEMA, _graph_of, _list_items, source_name

FABIO_YEAR = "http://purl.org/spar/fabio/hasPublicationYear"
ATTACK_TECHNIQUE = AIRM + "AttackTechnique"
SCAN = 500  # values of one property a part reads: more than any record holds


def _objects(store, subject: str, prop: str) -> list:
    node = ox.NamedNode(subject)
    return [q.object for q in itertools.islice(store.quads_for_pattern(node, ox.NamedNode(prop), None, None), SCAN)]


def _iris(store, subject: str, prop: str) -> list[str]:
    """The IRIs ``subject`` points to by ``prop``, once each, in a stable order."""
    return sorted({o.value for o in _objects(store, subject, prop) if isinstance(o, ox.NamedNode)})


def _text(store, subject: str, *props: str) -> str | None:
    for prop in props:
        value = best_literal([o for o in _objects(store, subject, prop) if isinstance(o, ox.Literal)])
        if value:
            return value
    return None


def _text_and_source(store, subject: str, props, sources) -> tuple[str | None, str | None]:
    """The first description among ``props`` with the name of the source stating it."""
    node = ox.NamedNode(subject)
    for prop in props:
        for q in itertools.islice(store.quads_for_pattern(node, ox.NamedNode(prop), None, None), SCAN):
            if isinstance(q.object, ox.Literal):
                return q.object.value, source_name(_graph_of(q), sources)
    return None, None


def _types(store, subject: str) -> set[str]:
    return {o.value for o in _objects(store, subject, RDF + "type")}


def document_titles(store, iris) -> dict[str, str]:
    """IRI -> title, for those of ``iris`` that are documents with a title."""
    out = {}
    for iri in iris:
        if BIBO + "Document" in _types(store, iri):
            title = _text(store, iri, DCTERMS + "title")
            if title:
                out[iri] = title
    return out


def document_card(store, iri: str) -> dict | None:
    """What a reader looks for first on a document's page: title, authors, year and where to read it."""
    if BIBO + "Document" not in _types(store, iri):
        return None
    authors = []
    for head in _objects(store, iri, BIBO + "authorList"):
        items = _list_items(store, head) if isinstance(head, ox.BlankNode) else None
        authors += [t.value for t in items or []]
    years = sorted(o.value for o in _objects(store, iri, FABIO_YEAR) if isinstance(o, ox.Literal))
    links = [o.value for o in _objects(store, iri, SCHEMA + "url")
             if o.value.startswith(("https://", "http://"))]
    return {"title": _text(store, iri, DCTERMS + "title"), "key": _text(store, iri, "http://www.w3.org/2000/01/"
                                                                                     "rdf-schema#label"),
            "authors": authors, "year": years[0] if years else None, "url": links[0] if links else None}


def techniques_used(store, iri: str) -> list[dict]:
    """The named techniques a mitigation uses, each with what it does and the works that introduced it."""
    out = []
    for tech in _iris(store, iri, AIRM + "usesTechnique"):
        out.append({"iri": tech, "label": label_of(store, tech),
                    "description": _text(store, tech, *DESCRIPTIONS),
                    "introducedIn": _iris(store, tech, AIRM + "introducedIn")})
    return sorted(out, key=lambda t: (t["label"] or t["iri"]).casefold())


def use_notes(store, iri: str, sources=()) -> list[dict]:
    """Each risk a mitigation addresses through a link that says how it is used (ATLAS's per-technique "use" note,
    ``airm:applicationNote`` on the ``airm:RiskAddressing`` node), attack techniques first; each note with the
    source that gives it (whose writing conventions, Markdown or not, the page follows)."""
    out = []
    for link in _iris(store, iri, AIRM + "hasRiskAddressing"):
        notes = sorted({(q.object.value, source_name(_graph_of(q), sources)) for q in itertools.islice(
            store.quads_for_pattern(ox.NamedNode(link), ox.NamedNode(AIRM + "applicationNote"), None, None), SCAN)
            if isinstance(q.object, ox.Literal)})
        for risk in _iris(store, link, AIRM + "addressedRisk"):
            out.append({"risk": risk, "label": label_of(store, risk), "notes": notes,
                        "code": _text(store, risk, "http://www.w3.org/2004/02/skos/core#notation"),
                        "technique": ATTACK_TECHNIQUE in _types(store, risk)})
    out.sort(key=lambda r: (not r["technique"], r["code"] or "", (r["label"] or r["risk"]).casefold()))
    return out if any(r["notes"] for r in out) else []


def used_against(store, iri: str, sources=()) -> list[dict]:
    """The other side of ``use_notes``: on a technique's page, each mitigation that lists it with a note saying how
    it is used against it (as ATLAS's technique pages show them)."""
    out = []
    addressed, holds = ox.NamedNode(AIRM + "addressedRisk"), ox.NamedNode(AIRM + "hasRiskAddressing")
    note = ox.NamedNode(AIRM + "applicationNote")
    links = {q.subject for q in itertools.islice(store.quads_for_pattern(None, addressed, ox.NamedNode(iri), None),
                                                 SCAN) if isinstance(q.subject, ox.NamedNode)}
    for link in links:
        notes = sorted({(q.object.value, source_name(_graph_of(q), sources))
                        for q in itertools.islice(store.quads_for_pattern(link, note, None, None), SCAN)
                        if isinstance(q.object, ox.Literal)})
        if not notes:
            continue
        for q in itertools.islice(store.quads_for_pattern(None, holds, link, None), SCAN):
            if isinstance(q.subject, ox.NamedNode):
                out.append({"mitigation": q.subject.value, "label": label_of(store, q.subject.value), "notes": notes})
    unique = {(m["mitigation"], tuple(m["notes"])): m for m in out}
    return sorted(unique.values(), key=lambda m: ((m["label"] or m["mitigation"]).casefold(), m["mitigation"]))


def procedure(store, iri: str, sources=()) -> list[dict]:
    """A case study's steps in order, each with its tactic, its technique and its (Markdown) description."""
    steps = []
    for step in _iris(store, iri, AIRM + "hasProcedureStep"):
        positions = [o.value for o in _objects(store, step, SCHEMA + "position") if isinstance(o, ox.Literal)]
        tactic = _iris(store, step, AIRM + "stepTactic")
        technique = _iris(store, step, AIRM + "stepTechnique")
        text, source = _text_and_source(store, step, DESCRIPTIONS, sources)
        steps.append({"iri": step, "position": int(positions[0]) if positions and positions[0].isdigit() else 0,
                      "tactic": tactic[0] if tactic else None, "technique": technique[0] if technique else None,
                      "description": text, "source": source})
    return sorted(steps, key=lambda s: (s["position"], s["iri"]))


def parts(kg, iri: str) -> dict:
    """The catalogue parts of ``iri``'s page, and every IRI they link to (for labels)."""
    store = kg.store
    out = {"techniques": techniques_used(store, iri), "use_notes": use_notes(store, iri, kg.sources),
           "document": document_card(store, iri), "procedure": procedure(store, iri, kg.sources),
           "used_against": used_against(store, iri, kg.sources)}
    iris = {d for t in out["techniques"] for d in t["introducedIn"]} | {t["iri"] for t in out["techniques"]}
    iris |= {r["risk"] for r in out["use_notes"]} | {m["mitigation"] for m in out["used_against"]}
    iris |= {x for s in out["procedure"] for x in (s["tactic"], s["technique"]) if x}
    out["iris"] = iris
    return out


def enrich(kg, rec: dict) -> dict:
    """``rec`` (a ``records.record``) with the catalogue parts, and every document it shows named by its title."""
    catalogue = parts(kg, rec["iri"])
    iris = catalogue.pop("iris")
    labels = rec["labels"]
    labels.update(labels_for(kg, iris - labels.keys()))
    titles = document_titles(kg.store, set(labels) | {rec["iri"]})
    labels.update(titles)
    rec["label"] = titles.get(rec["iri"], rec["label"])
    rec.update(catalogue)
    return rec
