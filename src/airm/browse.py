"""The mitigation browser's index: every de-duplicated measure with the values it can be filtered by, built once per
knowledge graph (``kg.cached``) so that a page of the web browser, the risk navigator and a risk's list of
mitigations are a few set lookups in memory rather than a SPARQL query over combination rows.

The filters mean what ``browse-mitigations`` means by them: a measure (a record standing for its de-duplication
cluster, or a record in none) matches a value when any record of its cluster does; a category matches its narrower
categories too; a risk matches every risk reached by ``addresses/broader*/(exact|close|broad|narrow match)?/
broader*``. Proposals of ``airm classify`` (their own named graph, outside the store) are read apart, so a risk's
curated and proposed counts stay two numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .labels import best_literal, labels_for
from .namespaces import PROPOSALS_GRAPH
from .parsing import parse_file
from .query_store import has_proposals
from .vocab import Airm, Prov, Rdf, Rdfs, Skos

# filter key -> the property a record carries its values by (risk: see ``_reach``)
AXES = (("category", Airm.mitigationCategory), ("stage", Airm.lifecycleStage), ("actor", Airm.actorType),
        ("function", Airm.riskManagementFunction), ("source", Airm.extractedFrom), ("risk", Airm.addresses))
FACETS = tuple(key for key, _ in AXES)
COLUMNS = ("category", "stage", "actor", "function", "source")  # a row's own values, as the browser shows them
MATCHES = (("exact match", Skos.exactMatch), ("close match", Skos.closeMatch), ("broad match", Skos.broadMatch),
           ("narrow match (the addressed risk is the broader one)", Skos.narrowMatch))


@dataclass
class Measure:
    iri: str
    label: str
    records: tuple[str, ...]  # the cluster's records, the measure itself first
    own: dict[str, tuple[str, ...]]  # column -> the measure's own values
    facets: dict[str, frozenset]  # facet -> every value it matches (any record; categories and risks with reach)
    proposed: frozenset = frozenset()  # risks reached through proposed links only


@dataclass
class BrowseIndex:
    measures: list[Measure]  # in label order
    labels: dict[str, str]
    codes: dict[str, str]
    schemes: dict[str, tuple[str, ...]]  # concept -> the schemes it is in
    broader: dict[str, set]  # concept -> its direct broader concepts
    matches: dict[str, list]  # concept -> (kind, matched concept) of its crosswalk steps
    addresses: dict[str, set]  # record -> the risks it addresses (curated)
    proposed_addresses: dict[str, set]  # record -> risks proposed by airm classify
    evidence: dict[tuple, list]  # (record, risk) -> [(document or None, locator or None)]
    techniques: dict[str, set]  # record -> techniques it uses
    sentinels: set
    risk_types: set  # concepts typed airm:Risk
    postings: dict = field(default_factory=dict)  # facet -> value -> positions in ``measures`` that match it
    _counts: dict = field(default_factory=dict)
    _up: dict = field(default_factory=dict)
    _pages: dict = field(default_factory=dict)  # recent pages of the web browser (server/browsing.py)
    _facet_memo: dict = field(default_factory=dict)  # recent facet counts by filters (pages of one list share them)

    def up(self, concept: str) -> frozenset:
        """``concept`` and every concept above it, worked out once per concept."""
        found = self._up.get(concept)
        if found is None:
            found = self._up[concept] = frozenset(ancestors(self.broader, concept))
        return found

    def reach(self, risk: str) -> set:
        """Every risk a link to ``risk`` counts for (the browse-mitigations path, forward only)."""
        up = self.up(risk)
        out = set(up)
        for r in up:
            for _kind, matched in self.matches.get(r, ()):
                out |= self.up(matched)
        return out

    def risk_counts(self) -> tuple[Counter, Counter]:
        """(curated, proposed) measures per risk, counted once per graph."""
        if "risk" not in self._counts:
            curated, proposed = Counter(), Counter()
            for m in self.measures:
                curated.update(m.facets["risk"])
                proposed.update(m.proposed)  # proposed reach minus curated: the two counts never overlap
            self._counts["risk"] = (curated, proposed)
        return self._counts["risk"]


def ancestors(broader: dict, concept: str) -> set:
    """``concept`` and every concept above it (skos:broader*)."""
    seen, todo = {concept}, [concept]
    while todo:
        for b in broader.get(todo.pop(), ()):
            if b not in seen:
                seen.add(b)
                todo.append(b)
    return seen


def browse_index(kg) -> BrowseIndex:
    """The index of ``kg``, built on first use and kept with the graph."""
    return kg.cached("browse-index", lambda: build(kg))


def _pairs(store, prop: str) -> dict[str, set]:
    """subject -> objects of ``prop`` over every graph (IRIs only; blank nodes and literals are not values)."""
    out: dict[str, set] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            out[q.subject.value].add(q.object.value)
    return out


def _typed(store, cls: str) -> set:
    return {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(Rdf.type), ox.NamedNode(cls), None)
            if isinstance(q.subject, ox.NamedNode)}


def _literals(store, prop: str) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
            out[q.subject.value].append(q.object)
    return out


def build(kg) -> BrowseIndex:
    """Read the store once: records, clusters, their values, the concepts' hierarchy and crosswalks."""
    store = kg.store
    records = _typed(store, Airm.Mitigation)
    names = _literals(store, Rdfs.label)
    representative = _pairs(store, Airm.representativeMeasure)
    clusters: dict[str, list] = defaultdict(list)
    for r in sorted(records):
        reps = representative.get(r, set()) - {r}
        if reps:
            for rep in reps:
                clusters[rep].append(r)
    values = {key: _pairs(store, prop) for key, prop in AXES}
    index = BrowseIndex(
        measures=[], labels={}, codes={}, schemes={}, broader=_pairs(store, Skos.broader), matches=defaultdict(list),
        addresses=values["risk"], proposed_addresses=_proposed(kg), evidence=_evidence(store),
        techniques=_pairs(store, Airm.usesTechnique), sentinels=_typed(store, Airm.ClassificationSentinel),
        risk_types=_typed(store, Airm.Risk))
    for kind, prop in MATCHES:
        for a, targets in _pairs(store, prop).items():
            index.matches[a].extend((kind, b) for b in sorted(targets))
    for c, s in _pairs(store, Skos.inScheme).items():
        index.schemes[c] = tuple(sorted(s))
    index.codes = {c: best_literal(lits) for c, lits in _literals(store, Skos.notation).items()}
    reach_memo: dict[str, set] = {}

    def reached(risks) -> set:
        out = set()
        for r in risks:
            if r not in reach_memo:
                reach_memo[r] = index.reach(r)
            out |= reach_memo[r]
        return out

    for iri in records:
        if representative.get(iri, set()) - {iri} or iri not in names:
            continue  # a cluster member, listed under its representative; or a record with no name to list it by
        members = (iri, *clusters.get(iri, ()))
        facets = {}
        for key in FACETS:
            direct = set().union(*(values[key].get(r, ()) for r in members))
            if key == "category":
                direct = set().union(*(ancestors(index.broader, c) for c in direct)) if direct else set()
            elif key == "risk":
                direct = reached(direct)
            facets[key] = frozenset(direct)
        proposed = reached(set().union(*(index.proposed_addresses.get(r, ()) for r in members)))
        index.measures.append(Measure(
            iri=iri, label=best_literal(names[iri]), records=members,
            own={key: tuple(sorted(values[key].get(iri, ()))) for key in COLUMNS}, facets=facets,
            proposed=frozenset(proposed - facets["risk"])))
    index.measures.sort(key=lambda m: (m.label, m.iri))
    for key in FACETS:
        posting: dict[str, set] = defaultdict(set)
        for i, m in enumerate(index.measures):
            for v in m.facets[key]:
                posting[v].add(i)
        index.postings[key] = {v: frozenset(ids) for v, ids in posting.items()}
    # every IRI a page names: facet values, schemes, and what the evidence of a risk's list shows
    shown = {v for m in index.measures for key in FACETS for v in m.facets[key]} | set(index.schemes)
    shown |= {s for ss in index.schemes.values() for s in ss} | {v for m in index.measures for v in m.proposed}
    shown |= {r for m in index.measures for r in m.records} | {t for ts in index.techniques.values() for t in ts}
    shown |= {r for rs in index.addresses.values() for r in rs}
    shown |= {r for rs in index.proposed_addresses.values() for r in rs}
    shown |= {doc for stated in index.evidence.values() for doc, _loc in stated if doc}
    index.labels = labels_for(kg, shown)
    return index


def _evidence(store) -> dict[tuple, list]:
    """(record, addressed risk) -> where the link is stated: the document and locator of each RiskAddressing."""
    out: dict[tuple, list] = defaultdict(list)
    node_risk = _pairs(store, Airm.addressedRisk)
    derived = _pairs(store, Prov.wasDerivedFrom)
    locators = _literals(store, Airm.locator)
    for record, nodes in _pairs(store, Airm.hasRiskAddressing).items():
        for node in nodes:
            for risk in node_risk.get(node, ()):
                docs = sorted(derived.get(node, ())) or [None]
                locs = sorted({lit.value for lit in locators.get(node, ())}) or [None]
                for doc in docs:
                    for loc in locs:
                        if (doc, loc) not in out[(record, risk)]:
                            out[(record, risk)].append((doc, loc))
    return out


def _proposed(kg) -> dict[str, set]:
    """record -> risks that ``airm classify`` proposed and nobody has reviewed (read from the proposals file)."""
    out: dict[str, set] = defaultdict(set)
    if not has_proposals(kg):
        return out
    for q in parse_file(kg.proposals_file, PROPOSALS_GRAPH):
        if q.predicate.value == Airm.addresses and isinstance(q.object, ox.NamedNode):
            out[q.subject.value].add(q.object.value)
    return out


# --- questions the pages ask ------------------------------------------------------------------------------------


def matching(index: BrowseIndex, filters: dict[str, str], *, proposed: bool = False, leave_out: str | None = None):
    """The measures that pass every filter (but ``leave_out``); ``proposed``: the risk filter counts proposed links
    only (the measures a risk reaches through a proposal and nothing curated)."""
    return [index.measures[i] for i in sorted(_positions(index, filters, proposed, leave_out))]


def _positions(index: BrowseIndex, filters: dict, proposed: bool, leave_out: str | None = None):
    """Positions of the measures passing ``filters`` (but ``leave_out``), by intersecting the postings."""
    chosen = None
    for key, value in filters.items():
        if key == leave_out:
            continue
        if key == "risk" and proposed:
            ids = frozenset(i for i, m in enumerate(index.measures) if value in m.proposed)
        else:
            ids = index.postings[key].get(value, frozenset())
        chosen = ids if chosen is None else chosen & ids
    return range(len(index.measures)) if chosen is None else chosen


MEMO = 256  # sets of filters whose facet counts are kept


def facet_counts(index: BrowseIndex, filters: dict[str, str], *, proposed: bool = False) -> dict[str, Counter]:
    """For each facet, how many measures each value would leave when added to the other chosen filters (kept for
    the most recent sets of filters: paging through one list counts once)."""
    key = (tuple(sorted(filters.items())), proposed)
    if key in index._facet_memo:
        return index._facet_memo[key]
    out = {}
    for facet in FACETS:
        others = {k: v for k, v in filters.items() if k != facet}
        if not others and not (facet == "risk" and proposed):
            out[facet] = _unfiltered(index, facet)
            continue
        counter: Counter = Counter()
        for i in _positions(index, others, proposed):
            m = index.measures[i]
            counter.update(m.proposed if facet == "risk" and proposed else m.facets[facet])
        out[facet] = counter
    if len(index._facet_memo) >= MEMO:
        index._facet_memo.pop(next(iter(index._facet_memo)))
    index._facet_memo[key] = out
    return out


def _unfiltered(index: BrowseIndex, facet: str) -> Counter:
    return index._counts.setdefault(("all", facet), Counter({v: len(ids) for v, ids in index.postings[facet].items()}))


def risk_path(index: BrowseIndex, asked: str, addressed: str) -> tuple[str, str | None] | None:
    """How a link to ``addressed`` reaches ``asked``: ("direct" | "sub-risk" | "crosswalk: ...", matched risk)."""
    up = index.up(addressed)
    if asked in up:
        return ("direct" if addressed == asked else "sub-risk"), None
    for r in sorted(up):
        for kind, matched in index.matches.get(r, ()):
            if asked in index.up(matched):
                return f"crosswalk: {kind}", matched
    return None


def evidence_for(index: BrowseIndex, m: Measure, asked: str, *, proposed: bool = False) -> list[dict]:
    """Why ``m`` is listed for risk ``asked``: each link of each record that reaches it, with its path and where the
    link is stated."""
    links = index.proposed_addresses if proposed else index.addresses
    out = []
    for record in m.records:
        for addressed in sorted(links.get(record, ())):
            path = risk_path(index, asked, addressed)
            if path is None:
                continue
            stated = index.evidence.get((record, addressed), [(None, None)])
            out.append({"record": record, "risk": addressed, "path": path[0], "via": path[1],
                        "stated": stated, "proposed": proposed})
    return out


def risk_schemes(index: BrowseIndex) -> list[str]:
    """The concept schemes that hold risks, in label order."""
    found = {s for c in index.risk_types for s in index.schemes.get(c, ())}
    return sorted(found, key=lambda s: (index.labels.get(s, s).lower(), s))


def scheme_tree(index: BrowseIndex, scheme: str) -> list[dict]:
    """``scheme``'s concepts as nested nodes (code order), each with its curated and proposed measure counts."""
    curated, proposed = index.risk_counts()
    members = {c for c, ss in index.schemes.items() if scheme in ss}
    children: dict[str | None, list] = defaultdict(list)
    for c in members:
        parents = [b for b in index.broader.get(c, ()) if b in members]
        for p in parents or [None]:
            children[p].append(c)

    def order(c: str) -> tuple:  # sentinels ("not coded", "other") after the concepts they stand beside
        return (c in index.sentinels, code_key(index, c))

    def node(c: str, depth: int, path: frozenset) -> dict:
        kids = [] if c in path else sorted(children.get(c, ()), key=order)
        return {"iri": c, "label": index.labels.get(c, c), "code": index.codes.get(c), "curated": curated.get(c, 0),
                "proposed": proposed.get(c, 0), "sentinel": c in index.sentinels,
                "children": [node(k, depth + 1, path | {c}) for k in kids]}

    return [node(c, 0, frozenset()) for c in sorted(children.get(None, ()), key=order)]


def code_key(index: BrowseIndex, concept: str) -> tuple:
    """Codes in numeric order (1, 2, 10; 1.2 before 1.10), uncoded concepts after, then by label."""
    code = index.codes.get(concept)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in (code or "").replace("-", ".").split("."))
    return (code is None, parts if code else (), index.labels.get(concept, concept).lower(), concept)
