"""The ATLAS matrix as a page sees it: tactics as columns in the matrix's own order, each with the techniques that
achieve it and their sub-techniques folded under them. Runs in a query worker, on its store; built once per graph.

The order is the one the importer recorded (``schema:position`` on each tactic, the order of the source's list),
then the ATLAS id for a tactic without one.
"""

from __future__ import annotations

from ..labels import label_of
from ..namespaces import sparql_prologue

_TACTICS = """
SELECT ?tactic ?code ?position WHERE {
  ?tactic a airm:AttackTactic .
  OPTIONAL { ?tactic skos:notation ?code }
  OPTIONAL { ?tactic schema:position ?position }
}"""

_TECHNIQUES = """
SELECT ?technique ?code ?tactic ?parent WHERE {
  ?technique a airm:AttackTechnique .
  OPTIONAL { ?technique skos:notation ?code }
  OPTIONAL { ?technique airm:achievesTactic ?tactic }
  OPTIONAL { ?technique airm:subTechniqueOf ?parent }
}"""


def _rows(store, body: str, names: tuple) -> list[dict]:
    """The solutions of ``body`` as dicts of the bound values (unbound names left out)."""
    text = sparql_prologue("airm", "skos", "schema") + body
    return [{k: sol[k].value for k in names if sol[k] is not None}
            for sol in store.query(text, use_default_graph_as_union=True)]


def _position(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1 << 30


def matrix(kg) -> list[dict]:
    """One dict per tactic (iri, label, code, techniques); each technique (iri, label, code, subs)."""
    return kg.cached("atlas-matrix", lambda: _matrix(kg.store))


def _matrix(store) -> list[dict]:
    tactics: dict[str, dict] = {}
    for row in _rows(store, _TACTICS, ("tactic", "code", "position")):
        entry = tactics.setdefault(row["tactic"], {"iri": row["tactic"], "label": label_of(store, row["tactic"]),
                                                   "code": row.get("code"), "position": _position(None),
                                                   "techniques": []})
        entry["position"] = min(entry["position"], _position(row.get("position")))
    techniques: dict[str, dict] = {}
    links: dict[str, set] = {}
    for row in _rows(store, _TECHNIQUES, ("technique", "code", "tactic", "parent")):
        iri = row["technique"]
        entry = techniques.setdefault(iri, {"iri": iri, "label": label_of(store, iri), "code": row.get("code"),
                                            "parent": None, "subs": []})
        if row.get("parent"):
            entry["parent"] = row["parent"]
        if row.get("tactic"):
            links.setdefault(iri, set()).add(row["tactic"])
    for entry in techniques.values():
        parent = techniques.get(entry["parent"]) if entry["parent"] else None
        if parent is not None:
            parent["subs"].append(entry)
    for iri, entry in techniques.items():
        if entry["parent"] in techniques:
            continue  # folded under its parent
        for tactic in links.get(iri, ()):
            if tactic in tactics:
                tactics[tactic]["techniques"].append(entry)
    for tactic in tactics.values():
        tactic["techniques"].sort(key=_by_name)
    for entry in techniques.values():
        entry["subs"].sort(key=_by_name)
    return sorted(tactics.values(), key=lambda t: (t["position"], t["code"] or "", t["iri"]))


def _by_name(entry: dict) -> tuple:
    return ((entry["label"] or "").casefold(), entry["code"] or "", entry["iri"])

