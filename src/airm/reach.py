"""Build once, ask many: which risks each addressed thing reaches, materialised with the entailments.

The gap and coverage questions (``unmitigated-risks``, ``gap-summary-by-domain``) ask, for every link of a
mitigation to a risk, which risks that link covers: the linked risk, its broader risks, and, after at most one
crosswalk step (exact, close, broad or narrow match), the matched risk and its broader ones. Evaluated as a property
path at query time this costs 0.1-0.7 s on the five-source graph and does not finish at a million triples; stored as
``airm:reaches`` triples it is one index lookup. The path is the one the queries used to spell out, run once on the
union of the built graph after inference, so the answers stay the same (tests/test_catalog.py goldens).

``airm:fallsUnder`` is the same idea for the hierarchy alone: each concept to itself and every broader concept
(``skos:broader*``). Taxonomy trees, counts per category and domain, and "a risk and its sub-risks" asked
``?x skos:broader* ?y`` for every row; at a million triples Oxigraph walked the path once per candidate pair and
several catalog cases ran past 10 s.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import AIRM, ENTAILMENT_GRAPH

REACHES = AIRM + "reaches"
FALLS_UNDER = AIRM + "fallsUnder"

# Every start a stored question can meet: whatever a mitigation addresses (classification proposals address
# risks, which are all starts), and every risk.
_REACH = """
SELECT DISTINCT ?start ?risk WHERE {
  { SELECT DISTINCT ?start WHERE { { ?mitigation airm:addresses ?start } UNION { ?start a airm:Risk } } }
  FILTER(!isLiteral(?start))
  ?start skos:broader*/(skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch)?/skos:broader* ?risk .
}
"""
# Every node a stored question walks the hierarchy from: concepts (typed, in a scheme, or in a skos:broader link)
# and whatever a record is classified by, since the zero-length step of ``broader*`` matches those too.
_FALLS_UNDER = """
SELECT DISTINCT ?concept ?broader WHERE {
  { SELECT DISTINCT ?concept WHERE {
      { ?concept a skos:Concept } UNION { ?concept skos:inScheme ?scheme } UNION { ?concept skos:topConceptOf ?top }
      UNION { ?concept skos:broader ?up } UNION { ?down skos:broader ?concept }
      UNION { VALUES ?classifiedBy { airm:mitigationCategory airm:lifecycleStage airm:actorType
                                     airm:riskManagementFunction airm:addresses airm:riskCategory airm:causalEntity
                                     airm:causalIntent airm:causalTiming }
              ?item ?classifiedBy ?concept }
  } }
  FILTER(!isLiteral(?concept))
  ?concept skos:broader* ?broader .
}
"""
_PREFIXES = {"airm": AIRM, "skos": "http://www.w3.org/2004/02/skos/core#"}


def materialise(store, *, graph: str = ENTAILMENT_GRAPH) -> int:
    """Add ``?start airm:reaches ?risk`` and ``?concept airm:fallsUnder ?broader`` to ``graph`` (after the
    entailments: matches made symmetric and sub-properties of skos:broader count); returns how many triples were
    added."""
    target, reaches, falls = ox.NamedNode(graph), ox.NamedNode(REACHES), ox.NamedNode(FALLS_UNDER)
    found = [ox.Quad(s["start"], reaches, s["risk"], target)
             for s in store.query(_REACH, prefixes=_PREFIXES, use_default_graph_as_union=True)]
    found += [ox.Quad(s["concept"], falls, s["broader"], target)
              for s in store.query(_FALLS_UNDER, prefixes=_PREFIXES, use_default_graph_as_union=True)]
    store.extend(found)
    return len(found)
