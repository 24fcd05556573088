"""Tool declarations: one per stored query, generated from its ``#+`` header, plus search, describe, resolve and
sparql. Plain data (name, title, description, JSON schema): the server wraps them in the SDK's types.

The catalog is the contract: a parameter's type, default, example, allowed values and description become its JSON
schema, so adding a .rq file adds a tool without code here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import StoredQuery, catalog

ROWS_ARG = "max_rows"  # every tool that returns rows takes it; never a catalog parameter (see stored_tool)
PROPOSALS_ARG = "with_proposals"
RESOLVE_KINDS = {  # what ``resolve`` and ``describe`` look a label up among: kind -> class (CURIE)
    "risk": "airm:Risk",
    "mitigation": "airm:Mitigation",
    "technique": "airm:Technique",
    "document": "bibo:Document",
    "mitigation-category": "airm:MitigationCategory",
    "lifecycle-stage": "airm:LifecycleStage",
    "actor-type": "airm:ActorType",
    "concept": "skos:Concept",
}
SEARCH_SCOPES = {"mitigations": "search-mitigations", "resources": "search-resources"}

_JSON_TYPES = {"integer": "integer", "decimal": "number", "boolean": "boolean"}
_TYPE_HINT = {
    "resource": "an IRI, a CURIE (prefix:name), a code such as 7.1, or a label, case-insensitive",
    "iri": "an IRI or a CURIE (prefix:name)",
}


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    input_schema: dict
    query: str | None = None  # the stored query it runs, for catalog tools


def _rows_property(cap: int, default: int) -> dict:
    return {"type": "integer", "minimum": 1, "maximum": cap, "default": min(default, cap),
            "description": f"most rows to return (at most {cap}); a cut result says so"}


def stored_tool(q: StoredQuery, *, row_cap: int) -> ToolSpec:
    """The tool for stored query ``q``: its parameters as JSON-schema properties, plus the row cap."""
    props: dict = {}
    required = []
    for p in q.params.values():
        prop: dict = {"type": _JSON_TYPES.get(p.type, "string")}
        hint = _TYPE_HINT.get(p.type)
        restrict = p.cls or p.scheme
        prop["description"] = p.description + (f" ({hint}{'; a ' + restrict if restrict else ''})" if hint else "")
        if p.values:
            prop["enum"] = list(p.values)
        if p.default is not None:
            prop["default"] = p.default
        if p.example is not None:
            prop["examples"] = [p.example if prop["type"] != "string" else str(p.example)]
        props[p.name] = prop
        if p.required and p.default is None:
            required.append(p.name)
    if q.kind == "select":
        for extra, prop in ((ROWS_ARG, _rows_property(row_cap, row_cap)),
                            (PROPOSALS_ARG, {"type": "boolean", "default": False,
                                             "description": "also read unreviewed classification proposals "
                                                            "(rows resting on them are marked 'proposed')"})):
            if extra not in props:  # a catalog parameter of that name would win; SPARQL names rarely look like it
                props[extra] = prop
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    description = f"{q.question}\n\n{q.description}"
    if q.returns:
        description += f"\n\nColumns: {', '.join(q.returns)}."
    return ToolSpec(name=q.name, title=q.title, description=description, input_schema=schema, query=q.name)


def fixed_tools(*, row_cap: int, sparql_cap: int) -> list[ToolSpec]:
    """The four tools that are not stored queries."""
    kinds = ["any"] + list(RESOLVE_KINDS)
    return [
        ToolSpec("search", "Search the graph by keyword",
                 "Mitigations (scope 'mitigations') or resources of any kind (scope 'resources') whose label, "
                 "names, code or description hold every word of the keyword (stemmed: 'red-teaming' finds 'red "
                 "team'), best first, each with a snippet of where it matched.",
                 {"type": "object", "additionalProperties": False, "required": ["keyword"], "properties": {
                     "keyword": {"type": "string", "minLength": 1, "description": "the text to look for",
                                 "examples": ["reward model"]},
                     "scope": {"type": "string", "enum": list(SEARCH_SCOPES), "default": "mitigations",
                               "description": "what to search"},
                     ROWS_ARG: _rows_property(row_cap, row_cap)}}),
        ToolSpec("describe", "Describe one entity, with the source of each statement",
                 "The record of one resource (mitigation, risk, technique, document, concept...): labels, types, "
                 "descriptions, identifiers, every statement about it and what points at it, each with the sources "
                 "that state it. Give an IRI, a CURIE or a label (an ambiguous label returns candidates).",
                 {"type": "object", "additionalProperties": False, "required": ["entity"], "properties": {
                     "entity": {"type": "string", "minLength": 1, "examples": ["technique:dpo"],
                                "description": "the resource, as an IRI, a CURIE, a code or a label"},
                     "kind": {"type": "string", "enum": kinds, "default": "any",
                              "description": "where to look a label up"}}}),
        ToolSpec("resolve", "What a label or code means",
                 "The resource(s) a label, code, CURIE or IRI stands for, per kind. One match is resolved; "
                 "several or none return candidates, never a guess.",
                 {"type": "object", "additionalProperties": False, "required": ["text"], "properties": {
                     "text": {"type": "string", "minLength": 1, "examples": ["value misalignment", "2.2"],
                              "description": "the label, code, CURIE or IRI"},
                     "kind": {"type": "string", "enum": kinds, "default": "any",
                              "description": "the kind of resource meant; 'any' tries each"}}}),
        ToolSpec("sparql", "Run a read-only SPARQL query",
                 "An ad-hoc SELECT, ASK, CONSTRUCT or DESCRIBE over the graph, with airm's prefixes predeclared. "
                 "Updates, SERVICE and unparseable queries are refused; the call is stopped at its deadline and the "
                 f"rows cut at max_rows (default {min(sparql_cap, row_cap)}). Prefer the stored-query tools.",
                 {"type": "object", "additionalProperties": False, "required": ["query"], "properties": {
                     "query": {"type": "string", "minLength": 1,
                               "examples": ["SELECT ?m ?label WHERE { ?m a airm:Mitigation ; rdfs:label ?label } "
                                            "LIMIT 5"],
                               "description": "the SPARQL query text"},
                     ROWS_ARG: _rows_property(row_cap, sparql_cap)}}),
    ]


def all_tools(*, row_cap: int, sparql_cap: int) -> list[ToolSpec]:
    stored = [stored_tool(q, row_cap=row_cap) for q in catalog().values()]
    fixed = fixed_tools(row_cap=row_cap, sparql_cap=sparql_cap)
    clash = {t.name for t in fixed} & {t.name for t in stored}
    return stored + [t for t in fixed if t.name not in clash]  # a stored query named like a fixed tool wins


def check_arguments(spec: ToolSpec, args: dict) -> str | None:
    """What is wrong with ``args`` for this tool (unknown or missing names, wrong JSON types), or None."""
    props = spec.input_schema["properties"]
    unknown = sorted(set(args) - set(props))
    if unknown:
        return (f"tool {spec.name!r} has no argument {', '.join(map(repr, unknown))}; "
                f"it takes: {', '.join(props) or 'none'}")
    missing = [n for n in spec.input_schema.get("required", []) if args.get(n) in (None, "")]
    if missing:
        return f"tool {spec.name!r} needs {', '.join(map(repr, missing))}: {props[missing[0]]['description']}"
    for name, value in args.items():
        want = props[name]["type"]
        ok = {"boolean": isinstance(value, bool),
              "integer": isinstance(value, int) and not isinstance(value, bool),
              "number": isinstance(value, (int, float)) and not isinstance(value, bool),
              # a number where a string is declared is a code, such as 2.2
              "string": isinstance(value, (str, int, float)) and not isinstance(value, bool)}.get(want, True)
        if not ok and value is not None:
            return f"argument {name!r} of tool {spec.name!r} must be a JSON {want}, not {type(value).__name__}"
        bound = props[name]
        low, high = bound.get("minimum", value), bound.get("maximum", value)
        if want == "integer" and value is not None and not low <= value <= high:
            return f"argument {name!r} must be between {bound.get('minimum')} and {bound.get('maximum')}, not {value}"
    return None
