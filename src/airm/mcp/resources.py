"""Resources (the ontology, the query catalog as RDF, each imported source's record) and prompts that show an
assistant how to answer "which mitigations address X, and who says so" from the tools' evidence."""

from __future__ import annotations

import json

from ..catalog_rdf import catalog_quads
from ..coverage import link_coverage
from ..errors import UserError
from ..namespaces import CATALOG_GRAPH
from ..workspace import list_sources

ONTOLOGY_URI = "airm://ontology"
CATALOG_URI = "airm://catalog"
SOURCES_URI = "airm://sources"


def listing(workspace) -> list[dict]:
    """Every resource: uri, name, title, description, mime type."""
    out = [
        {"uri": ONTOLOGY_URI, "name": "ontology", "title": "The airm ontology",
         "description": "Classes and properties of airm, with their alignments, as Turtle", "mime": "text/turtle"},
        {"uri": CATALOG_URI, "name": "catalog", "title": "The query catalog as RDF",
         "description": "Every stored query (the tools) as a SHACL SPARQL executable with its parameters",
         "mime": "text/turtle"},
        {"uri": SOURCES_URI, "name": "sources", "title": "Imported sources",
         "description": "Each imported source's record: file, checksum, version, licence, counts, link coverage",
         "mime": "application/json"},
    ]
    for entry in list_sources(workspace):
        out.append({"uri": f"{SOURCES_URI}/{entry['name']}", "name": f"source {entry['name']}",
                    "title": f"Imported source {entry['name']}",
                    "description": f"version {entry.get('version')}, licence {entry.get('license')}",
                    "mime": "application/json"})
    return out


def read_static(uri: str) -> str | None:
    """The resources that need no graph (read in the server process), or None."""
    if uri == ONTOLOGY_URI:
        from ..resources import ontology_files

        return "\n".join(p.read_text(encoding="utf-8") for p in ontology_files() if p.name == "airm.ttl") \
            or ontology_files()[0].read_text(encoding="utf-8")
    if uri == CATALOG_URI:
        import pyoxigraph as ox

        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in catalog_quads(CATALOG_GRAPH)]
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                            prefixes={"sh": "http://www.w3.org/ns/shacl#", "airm": "https://w3id.org/airm#",
                                      "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                                      "dcterms": "http://purl.org/dc/terms/", "schema": "https://schema.org/"}
                            ).decode("utf-8")
    return None


def read_dynamic(graph, workspace, uri: str) -> str:
    """The sources' records with their link coverage (needs the graph: runs in the worker)."""
    found = list_sources(workspace)
    coverage = link_coverage(graph) if found else []
    for entry in found:
        entry["linkCoverage"] = [row for row in coverage if row["source"] == f"import/{entry['name']}"]
    if uri == SOURCES_URI:
        return json.dumps(found, indent=2, ensure_ascii=False)
    name = uri.removeprefix(SOURCES_URI + "/")
    for entry in found:
        if entry["name"] == name:
            return json.dumps(entry, indent=2, ensure_ascii=False)
    raise UserError(f"no resource {uri!r}", hint="list the resources to see what is offered")


PROMPTS = {
    "mitigations-with-evidence": {
        "title": "Which mitigations address a risk, and who says so",
        "description": "Answer from the graph with the evidence of each link, never from memory",
        "arguments": [("risk", "the risk, in your own words, a code (2.2) or a CURIE", True)],
        "text": (
            "Which mitigations address the risk \"{risk}\", and who says so?\n\n"
            "Answer only from the airm tools:\n"
            "1. Call `resolve` with text=\"{risk}\" and kind=\"risk\". If it returns candidates instead of one "
            "resource, show them and ask which one is meant; do not pick one yourself.\n"
            "2. Call `mitigations-for-risk` with risk=<the CURIE you got>. Each entry of `links` is one "
            "mitigation-risk link with its evidence: the document and locator, the mapping path and its "
            "justification when the link goes through a crosswalk, and whether it is from a source, curated or "
            "proposed.\n"
            "3. Answer with a short list: each mitigation, then who says so (document, locator, path). Say when a "
            "link rests on a crosswalk step or a proposal, and say when the result was cut (`truncation`)."),
    },
    "training-methods-for-risk": {
        "title": "Training methods for a risk, with the papers that introduced them",
        "description": "Techniques used by training or alignment mitigations that address a risk",
        "arguments": [("risk", "the risk, e.g. value misalignment", True)],
        "text": (
            "Which training methods address \"{risk}\"?\n\n"
            "Call the `training-methods-for-risk` tool with risk=\"{risk}\" (if it answers with candidates, ask "
            "which one is meant). List each technique once, with the work that introduced it (introducedInLabel) "
            "and the mitigations and documents that use it against the risk; cite the `links` evidence."),
    },
}


def render_prompt(name: str, arguments: dict) -> str:
    spec = PROMPTS.get(name)
    if spec is None:
        raise UserError(f"no prompt named {name!r}", hint="prompts: " + ", ".join(PROMPTS))
    values = {}
    for arg, _desc, required in spec["arguments"]:
        value = (arguments or {}).get(arg)
        if required and not value:
            raise UserError(f"prompt {name!r} needs the argument {arg!r}")
        values[arg] = str(value or "").replace("\"", "'")
    return spec["text"].format(**values)
