"""Build once, ask many: which risks each addressed thing reaches, materialised with the entailments.

The gap and coverage questions (``unmitigated-risks``, ``gap-summary-by-domain``) ask, for every link of a
mitigation to a risk, which risks that link covers: the linked risk, its broader risks, and, after at most one
crosswalk step (exact, close, broad or narrow match), the matched risk and its broader ones. Evaluated as a property
path at query time this costs 0.1-0.7 s on the five-source graph and does not finish at a million triples; stored as
``airm:reaches`` triples it is one index lookup. The path is the one the queries used to spell out, run once on the
union of the built graph after inference, so the answers stay the same (tests/test_catalog.py goldens).
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import AIRM, ENTAILMENT_GRAPH

REACHES = AIRM + "reaches"

# Every start a stored question can meet: whatever a mitigation addresses (classification proposals address
# risks, which are all starts), and every risk.
_REACH = """
SELECT DISTINCT ?start ?risk WHERE {
  { SELECT DISTINCT ?start WHERE { { ?mitigation airm:addresses ?start } UNION { ?start a airm:Risk } } }
  FILTER(!isLiteral(?start))
  ?start skos:broader*/(skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch)?/skos:broader* ?risk .
}
"""
_PREFIXES = {"airm": AIRM, "skos": "http://www.w3.org/2004/02/skos/core#"}


def materialise(store, *, graph: str = ENTAILMENT_GRAPH) -> int:
    """Add ``?start airm:reaches ?risk`` to ``graph`` (after the entailments: matches made symmetric count);
    returns how many triples were added."""
    target, reaches = ox.NamedNode(graph), ox.NamedNode(REACHES)
    found = [ox.Quad(s["start"], reaches, s["risk"], target)
             for s in store.query(_REACH, prefixes=_PREFIXES, use_default_graph_as_union=True)]
    store.extend(found)
    return len(found)
