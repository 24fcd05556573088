"""``airm mcp`` over the five imported public sources: mitigations-for-risk for MIT subdomain 2.2 answers with the
path and the evidence of every link, and the sources resource gives each source's record."""

from __future__ import annotations

import json

import anyio
import pytest

pytest.importorskip("mcp")

from mcp_harness import stdio_session, structured  # noqa: E402

pytestmark = pytest.mark.slow


def test_mitigations_for_2_2_with_paths_and_evidence(five_sources):
    async def main():
        async with stdio_session("--workspace", str(five_sources)) as s:
            answer = await s.call_tool("mitigations-for-risk", {"risk": "2.2", "max_rows": 500})
            sources = json.loads((await s.read_resource("airm://sources")).contents[0].text)
            one = json.loads((await s.read_resource("airm://sources/mit-mitigations")).contents[0].text)
            return answer, sources, one

    answer, sources, one = anyio.run(main)
    assert not answer.is_error, answer.content[0].text
    data = structured(answer)
    assert data["resolved"]["risk"]["curie"] == "mitdom:2.2"
    assert data["count"] == 87 and all(r.get("reachedBy") for r in data["rows"])  # one row per mitigation
    links = data["links"]  # from the long form: one per mitigation-risk pair, with its evidence
    assert {r["mitigation"] for r in data["rows"]} == {link["mitigation"] for link in links}
    assert len(links) > len(data["rows"])
    evidence = [e for link in links for e in link["evidence"]]
    assert evidence and all(e.get("path") and e.get("status") for e in evidence)
    assert all(e.get("source") for e in evidence), "each link names the document its mitigation comes from"
    crosswalked = [e for e in evidence if e.get("mapping")]
    assert crosswalked and all(e.get("justification") and e.get("mappingSet") for e in crosswalked)
    if data["truncated"]:
        assert "max_rows" in data["truncation"]
    assert {s["name"] for s in sources} == {"mit-risks", "mit-mitigations", "nist-ai-600-1", "atlas", "nexus-mappings"}
    for entry in sources:
        assert entry["version"] and entry["license"] and "linkCoverage" in entry
    assert one["name"] == "mit-mitigations" and one["linkCoverage"]
