"""The evidence of each mitigation-risk link in a result, so an assistant can say who says so.

A query that carries the evidence in its own columns (``mitigations-for-risk-evidence``, the long form the tool of
``mitigations-for-risk`` reads its links from: path, mapping, justification, linkEvidence, locator, source, status)
is read as it is; for any other result with a mitigation and a risk column,
the qualified links (``airm:hasRiskAddressing``: the document, the place in it, how the link was curated) are
looked up for the pairs it returned.
"""

from __future__ import annotations

from ..labels import label_of
from ..namespaces import curie

MITIGATION_COLUMNS = ("mitigation", "linkedRecord")
RISK_COLUMNS = ("addressedRisk", "risk")
# result column -> evidence field, for a query that states its own provenance
OWN_COLUMNS = {
    "path": "path", "mappedFrom": "mappedFrom", "matchedRisk": "matchedRisk", "mapping": "mapping",
    "mappingSet": "mappingSet", "mappingJustification": "justification", "linkEvidence": "document",
    "linkLocator": "locator", "source": "source", "sourceLabel": "sourceLabel", "status": "status",
    "method": "method", "rationale": "rationale",
}
MAX_LOOKUP_PAIRS = 500

_LOOKUP = """
SELECT ?mitigation ?risk ?document ?documentLabel ?locator ?curationMethod WHERE {
  VALUES (?mitigation ?risk) { %s }
  ?mitigation airm:hasRiskAddressing ?addressing .
  ?addressing airm:addressedRisk ?risk .
  OPTIONAL { ?addressing prov:wasDerivedFrom ?document OPTIONAL { ?document dcterms:title ?documentLabel } }
  OPTIONAL { ?addressing airm:locator ?locator }
  OPTIONAL { ?addressing airm:curationMethod ?curationMethod }
}
"""


def _column(variables, names) -> str | None:
    return next((n for n in names if n in variables), None)


def link_evidence(kg, result, *, timeout: float) -> list[dict] | None:
    """One entry per distinct (mitigation, risk) pair with its evidence, or None when the result has no such pairs."""
    mit, risk = _column(result.variables, MITIGATION_COLUMNS), _column(result.variables, RISK_COLUMNS)
    if mit is None or risk is None:
        return None
    links: dict[tuple, dict] = {}
    for row in result.rows:
        m, r = row.get(mit), row.get(risk)
        if m is None or r is None or m.type != "uri" or r.type != "uri":
            continue
        link = links.setdefault((m.value, r.value), {"mitigation": m.value, "risk": r.value, "evidence": []})
        own = {field: row[col].value for col, field in OWN_COLUMNS.items() if row.get(col) is not None}
        if "document" in own or "path" in own:
            own.setdefault("status", "source")
            if own not in link["evidence"]:
                link["evidence"].append(own)
    if "linkEvidence" not in result.variables:
        _look_up(kg, links, timeout)
    _label(kg, links.values())
    return list(links.values())


def _look_up(kg, links: dict, timeout: float) -> None:
    """Add each pair's qualified link records (document, locator, curation method) from the graph."""
    pairs = [p for p in links if all(_plain_iri(x) for x in p)][:MAX_LOOKUP_PAIRS]
    if not pairs:
        return
    values = " ".join(f"(<{m}> <{r}>)" for m, r in pairs)  # IRIs from the store's own answer, checked above
    result = kg.sparql(_LOOKUP % values, timeout=timeout, limit=20 * len(pairs))
    for row in result.rows:
        key = (row["mitigation"].value, row["risk"].value)
        entry = {"status": "curated"}
        for col in ("document", "documentLabel", "locator", "curationMethod"):
            if row.get(col) is not None:
                entry[col] = row[col].value
        if key in links and entry not in links[key]["evidence"]:
            links[key]["evidence"].append(entry)


def _plain_iri(iri: str) -> bool:
    return not any(c in iri for c in '<>"{}|\\^` \n\t')


def _label(kg, links) -> None:
    cache: dict[str, str | None] = {}

    def label(iri):
        if iri not in cache:
            cache[iri] = label_of(kg.store, iri)
        return cache[iri]

    for link in links:
        link["mitigationLabel"], link["riskLabel"] = label(link["mitigation"]), label(link["risk"])
        link["mitigationCurie"], link["riskCurie"] = curie(link["mitigation"]), curie(link["risk"])
        for e in link["evidence"]:
            if "document" in e and "documentLabel" not in e and e["document"].startswith("http"):
                e["documentLabel"] = label(e["document"])
