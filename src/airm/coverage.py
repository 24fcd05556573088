"""Answers that say what they counted: link coverage per source and axis, and why a result left rows out.

A gap in airm is usually a missing link, not a missing mitigation. This module measures how many mitigations of
each source carry a value on each axis (their own, inherited through a de-duplication cluster, or proposed), and
explains a stored query's answer where the graph knows what it left out, so the CLI can say it on stderr and the
API carries it as ``QueryResult.notes``.
"""

from __future__ import annotations

import pyoxigraph as ox

from .engines import run_stored
from .namespaces import ENTAILMENT_GRAPH, GRAPH_BASE, PROPOSALS_GRAPH, curie, sparql_prologue
from .query_store import store_for
from .vocab import Airm

AXES = {
    "risk": Airm.addresses,
    "lifecycle-stage": Airm.lifecycleStage,
    "actor-type": Airm.actorType,
    "rmf-function": Airm.riskManagementFunction,
    "mitigation-category": Airm.mitigationCategory,
}

_COVERAGE = sparql_prologue("airm", "sssom") + """SELECT ?g (COUNT(DISTINCT ?m) AS ?mitigations)
       (COUNT(DISTINCT ?own) AS ?linked) (COUNT(DISTINCT ?inh) AS ?inherited) (COUNT(DISTINCT ?prop) AS ?proposed)
WHERE {
  GRAPH ?g { ?m a airm:Mitigation }
  FILTER(?g != <ENTAILMENTS> && ?g != <PROPOSALS>)
  BIND(IF(EXISTS { GRAPH ?h { ?m ?axis ?v } FILTER(?h != <PROPOSALS>)
                   FILTER NOT EXISTS { ?v a airm:ClassificationSentinel } }, ?m, ?none) AS ?own)
  BIND(IF(!BOUND(?own) && EXISTS { ?m airm:representativeMeasure ?c . ?o airm:representativeMeasure ?c .
                                   GRAPH ?k { ?o ?axis ?w } FILTER(?k != <PROPOSALS>)
                                   FILTER NOT EXISTS { ?w a airm:ClassificationSentinel } }, ?m, ?none) AS ?inh)
  BIND(IF(EXISTS { GRAPH <PROPOSALS> { { ?p sssom:subject_id ?m ; sssom:predicate_id ?axis } UNION { ?m ?axis ?x } } },
          ?m, ?none) AS ?prop)
}
GROUP BY ?g ORDER BY ?g
"""


def link_coverage(kg) -> list[dict]:
    """One dict per (source graph, axis): mitigations, linked (own value), inherited (a cluster member's), proposed."""
    out = []
    store = store_for(kg, True)  # the unreviewed proposals of 'airm classify' live beside the graph, in their own file
    for axis, prop in AXES.items():
        # the axis IRIs are this module's constants, never user input, so they are written into the text
        text = (_COVERAGE.replace("<ENTAILMENTS>", f"<{ENTAILMENT_GRAPH}>")
                .replace("<PROPOSALS>", f"<{PROPOSALS_GRAPH}>").replace("?axis", f"<{prop}>"))
        for sol in store.query(text, use_default_graph_as_union=True):
            g = sol["g"].value
            out.append({"source": g.removeprefix(GRAPH_BASE), "axis": axis,
                        **{k: int(sol[k].value) for k in ("mitigations", "linked", "inherited", "proposed")}})
    return sorted(out, key=lambda r: (r["source"], list(AXES).index(r["axis"])))


def coverage_table(rows: list[dict]) -> str:
    """Link coverage as aligned columns, each count with its share of the source's mitigations."""
    header = ["source", "axis", "mitigations", "linked", "inherited", "proposed"]
    cells = [header] + [[r["source"], r["axis"], str(r["mitigations"])]
                        + [f"{r[k]} ({100 * r[k] / r['mitigations']:.0f} %)" if r["mitigations"] else "0"
                           for k in ("linked", "inherited", "proposed")] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def explain(kg, query, bound: dict, result) -> list[str]:
    """What the answer left out, where the graph knows: rows reached only by weaker steps, unlinked schemes."""
    notes = []
    if "follow" in query.params and bound.get("follow") is not None and bound["follow"].value != "all":
        notes += _left_out_by_follow(kg, query, bound, result)
    risk = bound.get("risk")
    if risk is not None and len(result) == 0:
        notes += _unlinked_scheme(kg, risk.value)
    return notes


def _left_out_by_follow(kg, query, bound, result) -> list[str]:
    # the same question with every step followed: a mitigation it adds was reached only by weaker steps, which
    # reachedBy (one row per mitigation) or the long form's path (one row per link) names; the short form is asked
    # as it is, not its long form, which spells out each crosswalk step and cost twice as much
    wider = run_stored(kg, query, {**bound, "follow": ox.Literal("all")}, engine="oxigraph")
    shown = {r["mitigation"].value for r in result.rows if "mitigation" in r}
    extra: dict[str, set] = {}
    for r in wider.rows:
        m = r["mitigation"].value
        if m in shown:
            continue
        for step in _weaker_steps(r):
            extra.setdefault(step, set()).add(m)
    return [f"left out: {len(ms)} mitigation(s) reached only by " + _WEAKER_STEPS[step]
            for step, ms in sorted(extra.items())]


def _weaker_steps(row) -> list[str]:
    """The weaker steps a row names: each listed in reachedBy, or the one its path starts with."""
    if "reachedBy" in row:
        kinds = {"related match": "related", "category level": "category", "candidate mapping": "candidates"}
        return [kinds[k] for k in row["reachedBy"].value.split("; ") if k in kinds]
    path = row["path"].value
    return ["related" if path.startswith("related") else "candidates" if path.startswith("candidate") else "category"]


_WEAKER_STEPS = {"related": "related matches: --follow related",
                 "category": "the category-level crosswalk: --follow category",
                 "candidates": "candidate mappings awaiting review: --follow candidates"}


def _unlinked_scheme(kg, risk: str) -> list[str]:
    q = sparql_prologue("airm", "skos") + """    SELECT ?risk ?scheme (COUNT(DISTINCT ?m) AS ?n) WHERE {
      ?risk skos:inScheme ?scheme .
      OPTIONAL { ?r skos:inScheme ?scheme .
                 ?a airm:reaches ?r .  # broader*, one crosswalk step, broader*: materialised at build time
                 ?m airm:addresses ?a }
    } GROUP BY ?risk ?scheme"""
    notes = []
    bound = {ox.Variable("risk"): ox.NamedNode(risk)}
    for sol in kg.store.query(q, substitutions=bound, use_default_graph_as_union=True):
        if int(sol["n"].value) == 0:
            notes.append(f"no source imported links mitigations to {curie(sol['scheme'].value)}: an empty answer "
                         "here means missing links, not missing mitigations")
    return notes
