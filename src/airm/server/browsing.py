"""What the browser, risk and navigator pages need, computed in a query worker from the graph's browse index
(``airm.browse``): one page of measures, the facet counts that follow the other filters, a risk's sub-risks and the
evidence of each listed measure. Plain data only, as every job's answer (it crosses a pipe)."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from .. import catalog
from ..browse import COLUMNS, FACETS, MEMO, browse_index, code_key, evidence_for, facet_counts, matching, scheme_tree
from ..browse import risk_schemes as schemes_of
from ..labels import label_of
from ..namespaces import curie as _curie
from .web import href

curie = functools.lru_cache(maxsize=65536)(_curie)  # a page names the same facet values again and again

MAX_SIZE = 100  # measures a page may list: keeps its weight and its tab stops in bounds
DEFAULT_SIZE = 50
PAGES_KEPT = 64  # pages a worker keeps (a few MB: a page's answer is tens of KB)
RISK_OPTIONS = 400  # risks the risk field suggests (taxonomy concepts first, by count)


def page_url(filters: dict, *, page: int | None = None, size: int | None = None, proposed: bool = False,
             **changes) -> str:
    """The browser's address for ``filters`` changed by ``changes`` (a value of None drops that filter)."""
    params = {k: v for k, v in dict(filters, **changes).items() if v}
    if proposed:
        params["links"] = "proposed"
    if size and size != DEFAULT_SIZE:
        params["size"] = size
    if page and page > 1:
        params["page"] = page
    return "/mitigations" + ("?" + urlencode(params) if params else "")


def resolve_filters(kg, given: dict) -> tuple[dict, dict]:
    """Each filter value as the IRI it names, resolved as ``browse-mitigations`` resolves its parameters (codes,
    labels, CURIEs; an ambiguous or unknown value is a QueryError naming the candidates)."""
    params = catalog.get("browse-mitigations").params
    iris, resolved = {}, {}
    for key, text in given.items():
        found = catalog.resolve_param(kg, params[key], text)
        iris[key] = found.best.iri
        resolved[key] = found.to_dict()
    return iris, resolved


def browse_page(kg, job) -> dict:
    """One page of the browser for ``job`` (a BrowseJob), kept for the most recent pages asked for: the graph does
    not change, so a page asked for again (back, forward, a shared link) is not worked out again."""
    index = browse_index(kg)
    key = ("page", tuple(sorted(job.filters.items())), job.page, job.size, job.proposed)
    return _memo(index, key, lambda: _browse_page(kg, index, job), memo=index._pages, keep=PAGES_KEPT)


def _browse_page(kg, index, job) -> dict:
    filters, resolved = resolve_filters(kg, job.filters)
    found = matching(index, filters, proposed=job.proposed)
    size = max(1, min(MAX_SIZE, job.size))
    pages = max(1, -(-len(found) // size))
    page = max(1, min(job.page, pages))
    shown = found[(page - 1) * size: page * size]
    risk = filters.get("risk")
    items = []
    for m in shown:
        item = {"iri": m.iri, "label": m.label, "records": len(m.records),
                **{key: [index.labels.get(v) or curie(v) for v in m.own[key]] for key in COLUMNS}}
        if risk:
            item["evidence"] = evidence_for(index, m, risk, proposed=job.proposed)
            item["techniques"] = sorted({t for r in m.records for t in index.techniques.get(r, ())})
        items.append(item)
    options = _memo(index, ("options", tuple(sorted(filters.items())), job.proposed),
                    lambda: _options(index, facet_counts(index, filters, proposed=job.proposed), filters))
    out = {"total": len(found), "records": sum(len(m.records) for m in found), "page": page, "pages": pages,
           "size": size, "first": (page - 1) * size + 1 if shown else 0, "last": (page - 1) * size + len(shown),
           "items": items, "filters": filters, "resolved": resolved, "options": options,
           "all": len(index.measures), "subrisks": [], "risk": None, "proposed_extra": 0}
    if risk:
        curated, proposed = index.risk_counts()
        out["risk"] = {"iri": risk, "label": index.labels.get(risk) or _label(kg, risk), "code": index.codes.get(risk),
                       "curated": curated.get(risk, 0), "proposed": proposed.get(risk, 0)}
        out["subrisks"] = [_node(index, c, curated, proposed) for c in _narrower(index, risk)]
    labels = {v for item in items for e in item.get("evidence", ()) for v in (e["record"], e["risk"], e["via"])}
    labels |= {doc for item in items for e in item.get("evidence", ()) for doc, _loc in e["stated"]}
    labels |= {t for item in items for t in item.get("techniques", ())}
    out["labels"] = {v: index.labels.get(v) or _label(kg, v) for v in labels if v}
    return out


def _memo(index, key, make, *, memo: dict | None = None, keep: int = 2 * MEMO):
    """``make()`` kept with the index for the ``keep`` most recent keys (the facet choices of one list, page after
    page; whole pages)."""
    memo = index._facet_memo if memo is None else memo
    if key not in memo:
        if len(memo) >= keep:
            memo.pop(next(iter(memo)))
        memo[key] = make()
    return memo[key]


def _label(kg, iri: str) -> str:
    return label_of(kg.store, iri) or curie(iri)


def _narrower(index, risk: str) -> list[str]:
    kids = [c for c, bs in index.broader.items() if risk in bs and c != risk]
    return sorted(kids, key=lambda c: code_key(index, c))


def _node(index, c: str, curated, proposed) -> dict:
    return _with_curies([{"iri": c, "label": index.labels.get(c) or curie(c), "code": index.codes.get(c),
                          "curated": curated.get(c, 0), "proposed": proposed.get(c, 0), "children": []}])[0]


def _options(index, counts: dict, filters: dict) -> dict:
    """Each facet's choices with the count they would leave; categories grouped by their taxonomy."""
    out = {}
    for key in FACETS:
        values = {v for v, n in counts[key].items() if n} | ({filters[key]} if key in filters else set())
        if key == "risk":
            values = sorted(values, key=lambda v: (not index.schemes.get(v), -counts[key][v], code_key(index, v)))
            values = values[:RISK_OPTIONS]
        else:
            values = sorted(values, key=lambda v: code_key(index, v))
        opts = [_option(index, v, counts[key].get(v, 0), v == filters.get(key)) for v in values]
        if key == "category":
            groups: dict[str, list] = {}
            for o in opts:
                groups.setdefault(o["scheme"], []).append(o)
            out[key] = [{"scheme": s, "label": index.labels.get(s, curie(s)) if s else "Other", "options": g}
                        for s, g in sorted(groups.items(), key=lambda kv: index.labels.get(kv[0], kv[0]))]
        else:
            out[key] = opts
    return out


def _option(index, v: str, n: int, selected: bool) -> dict:
    """A facet choice as the page shows it (the text made here: a page lists hundreds of them)."""
    code, label = index.codes.get(v), index.labels.get(v) or curie(v)
    return {"value": v, "curie": curie(v), "label": label, "code": code, "n": n, "selected": selected,
            "text": f"{code + ' ' if code else ''}{label} ({n:,})", "scheme": (index.schemes.get(v) or ("",))[0]}


def navigator(kg) -> dict:
    """Every risk taxonomy as a tree, each node with its curated and proposed measure counts (made once per graph)."""
    return kg.cached("risk-navigator", lambda: _navigator(kg))


def _navigator(kg) -> dict:
    index = browse_index(kg)
    curated, proposed = index.risk_counts()
    schemes = []
    for s in schemes_of(index):
        tree = scheme_tree(index, s)
        reached = sum(1 for m in index.measures if any(s in index.schemes.get(r, ()) for r in m.facets["risk"]))
        schemes.append({"iri": s, "curie": curie(s), "label": index.labels.get(s, curie(s)), "tree": _with_curies(tree),
                        "reached": reached})
    return {"schemes": schemes, "all": len(index.measures), "has_proposals": any(proposed.values())}


def _with_curies(nodes: list) -> list:
    """Each node's addresses made once: the browser filtered by it (curated, proposed) and its own page."""
    for n in nodes:
        n["curie"] = curie(n["iri"])
        n["browse"] = page_url({}, risk=n["curie"])
        n["browse_proposed"] = page_url({}, risk=n["curie"], proposed=True)
        n["page"] = href(n["iri"])
        _with_curies(n["children"])
    return nodes
