"""``airm mcp`` over stdio, through the SDK's own client: the tool list is the catalog, answers carry what their
parameters resolved to and the evidence of each link, unresolvable values return candidates, hostile SPARQL is
refused or stopped within its limit."""

from __future__ import annotations

import time

import anyio
import pytest

pytest.importorskip("mcp")

from mcp_harness import stdio_session, structured  # noqa: E402

from airm.catalog import catalog  # noqa: E402

FIXED_TOOLS = {"search", "describe", "resolve", "sparql"}


def test_tool_list_matches_the_catalog():
    async def main():
        async with stdio_session() as s:
            tools = {t.name: t for t in (await s.list_tools()).tools}
            resources = {str(r.uri) for r in (await s.list_resources()).resources}
            prompts = {p.name for p in (await s.list_prompts()).prompts}
            catalog_ttl = (await s.read_resource("airm://catalog")).contents[0].text
            return tools, resources, prompts, catalog_ttl

    tools, resources, prompts, catalog_ttl = anyio.run(main)
    queries = catalog()
    assert set(tools) == set(queries) | FIXED_TOOLS
    for name, q in queries.items():
        schema = tools[name].input_schema
        assert set(q.params) <= set(schema["properties"]), name
        assert tools[name].title == q.title and q.question in tools[name].description
        assert tools[name].annotations.read_only_hint is True
        for p in q.params.values():
            prop = schema["properties"][p.name]
            assert prop["description"].startswith(p.description)
            if p.default is not None:
                assert prop["default"] == p.default
            if p.values:
                assert prop["enum"] == list(p.values)
        required = {p.name for p in q.params.values() if p.required and p.default is None}
        assert set(schema.get("required", [])) == required, name
    follow = tools["mitigations-for-risk"].input_schema["properties"]["follow"]
    assert {"none", "related", "category", "all"} <= set(follow["enum"]) and follow["default"] == "none"
    assert {"airm://ontology", "airm://catalog", "airm://sources"} <= resources
    assert "mitigations-with-evidence" in prompts
    import rdflib

    g = rdflib.Graph().parse(data=catalog_ttl, format="turtle")
    stored = set(g.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/airm#StoredQuery")))
    assert len(stored) == len(queries)


def test_training_methods_for_value_misalignment_with_their_papers():
    async def main():
        async with stdio_session() as s:
            return await s.call_tool("training-methods-for-risk", {"risk": "value misalignment"})

    result = anyio.run(main)
    assert not result.is_error
    data = structured(result)
    assert data["resolved"]["risk"]["curie"] == "llmsr:value-misalignment"
    assert data["resolved"]["risk"]["default"] is False
    techniques = {r["techniqueLabel"]: r["introducedInLabel"] for r in data["rows"]}
    assert len(techniques) == 5 and data["truncated"] is False
    assert techniques["Direct Preference Optimization"] == "Rafailov et al. 2023"
    assert techniques["Reinforcement learning from human feedback"].startswith(("Christiano", "Ouyang"))
    # every mitigation-risk link of the rows comes with its evidence: the document and the place in it
    pairs = {(r["mitigation"], r["addressedRisk"]) for r in data["rows"]}
    assert {(link["mitigation"], link["risk"]) for link in data["links"]} == pairs
    for link in data["links"]:
        assert link["evidence"], link
        assert all(e.get("document") and e.get("locator") for e in link["evidence"])
    assert "Rafailov et al. 2023" in result.content[0].text


def test_unknown_or_ambiguous_values_return_candidates_never_a_guess():
    async def main():
        async with stdio_session() as s:
            return [await s.call_tool(*call) for call in (
                ("equivalent-concepts", {"concept": "2.2"}),  # a risk domain and two mitigation categories
                ("mitigations-for-risk", {"risk": "security"}),  # in the labels of three risk domains
                ("mitigations-for-risk", {"risk": "zzqx"}),  # in no label at all
                ("mitigations-for-risk", {"risk": "valeu misalignment"}),  # a typo, clearly one risk: taken, said so
                ("resolve", {"text": "robustness to attack"}),  # a risk and a mitigation
                ("resolve", {"text": "2.2", "kind": "risk"}),
                ("mitigations-for-risk", {"risk": "value misalignment", "follow": "sideways"}),
                ("mitigations-for-risk", {"risk": "value misalignment", "colour": "red"}),
                ("mitigations-for-risk", {"risk": "value misalignment", "max_rows": "ten"}),
                ("sparql", {"query": "ASK {}", "max_rows": 100_000}),
            )]

    ambiguous, several, unknown, typo, both, risk, bad_enum, unknown_arg, bad_type, too_many = anyio.run(main)
    data = structured(ambiguous)
    assert ambiguous.is_error and "rows" not in data
    assert {c["curie"] for c in data["unresolved"][0]["candidates"]} == {"mitdom:2.2", "mtax:2.2", "mtaxp:2.2"}
    assert all(c["codes"] == ["2.2"] and c["schemes"] for c in data["unresolved"][0]["candidates"])
    data = structured(several)
    assert several.is_error and "rows" not in data and data["unresolved"][0]["param"] == "risk"
    assert {c["curie"] for c in data["unresolved"][0]["candidates"]} == {"mitdom:2", "mitdom:2.0", "mitdom:2.2"}
    data = structured(unknown)
    assert unknown.is_error and "rows" not in data and data["unresolved"][0]["candidates"]
    assert all(c["match"] == "none" for c in data["unresolved"][0]["candidates"])
    data = structured(typo)
    assert not typo.is_error and data["resolved"]["risk"]["curie"] == "llmsr:value-misalignment"
    assert data["resolved"]["risk"]["how"] == "fuzzy" and "near spelling only" in typo.content[0].text
    data = structured(both)
    assert both.is_error and data["resolved"] is None
    assert {c["kind"] for c in data["candidates"]} == {"risk", "mitigation"}
    assert not risk.is_error and structured(risk)["resolved"]["curie"] == "mitdom:2.2"
    assert structured(risk)["how"] == "code"
    assert bad_enum.is_error and "sideways" in bad_enum.content[0].text
    assert unknown_arg.is_error and "colour" in unknown_arg.content[0].text
    assert bad_type.is_error and "must be a JSON integer" in bad_type.content[0].text
    assert too_many.is_error and "between 1 and 500" in too_many.content[0].text


def test_describe_and_search():
    async def main():
        async with stdio_session() as s:
            return (await s.call_tool("describe", {"entity": "technique:dpo"}),
                    await s.call_tool("search", {"keyword": "reward model"}))

    described, found = anyio.run(main)
    record = structured(described)
    assert record["curie"] == "technique:dpo" and record["label"] == "Direct Preference Optimization"
    introduced = next(s for s in record["statements"] if s["predicate"] == "airm:introducedIn")
    assert introduced["values"][0]["label"] == "Rafailov et al. 2023" and introduced["values"][0]["sources"]
    hits = structured(found)
    assert hits["backend"] == "full-text index" and hits["count"] >= 1
    assert hits["rows"][0]["curie"] == "mitigation:shi2024-alignment-training"
    assert all("[reward] [model]" in r["snippet"].lower() for r in hits["rows"])


def test_hostile_sparql_is_refused_or_stopped_within_its_limit():
    timeout = 3.0
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

    async def main():
        async with stdio_session("--timeout", str(timeout)) as s:
            out = {}
            for name, query in (("service", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
                                ("update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
                                ("load", "LOAD <http://example.org/data.ttl>"),
                                ("garbage", "SELECT ?x WHERE {")):
                out[name] = await s.call_tool("sparql", {"query": query})
            started = time.monotonic()
            out["cross"] = await s.call_tool("sparql", {"query": cross})
            out["cross_seconds"] = time.monotonic() - started
            out["after"] = await s.call_tool("sparql", {"query": "SELECT * WHERE { ?s ?p ?o }"})
            return out

    out = anyio.run(main)
    assert out["service"].is_error and "SERVICE" in out["service"].content[0].text
    assert "--allow-service" not in out["service"].content[0].text
    assert out["update"].is_error and "read-only" in out["update"].content[0].text
    assert out["load"].is_error
    assert out["garbage"].is_error and "syntax" in out["garbage"].content[0].text.lower()
    assert out["cross"].is_error and "did not finish within" in out["cross"].content[0].text
    assert out["cross_seconds"] < timeout + 10  # the deadline, the kill grace and a worker restart's slack
    # the server lives on (a fresh worker), and the sparql tool's smaller default cap cuts the rows, saying so
    after = structured(out["after"])
    assert not out["after"].is_error and after["truncated"] is True and after["count"] == 100
    assert "max_rows" in after["truncation"]
