"""nexus-taxonomies on the AI Atlas Nexus 1.2.5 wheel: counts checked against the raw YAML and TSV (counted here,
independently of airm), Credo UCF's actions as mitigations answering for their own risks and reaching MIT subdomains,
the Eticas -> MIT crosswalk followed, LLM-proposed rows kept as candidates, and a wheel missing a file refused."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml

from airm.errors import InputFileError
from airm.importers import nexus_taxonomies
from helpers import run_cli

from .conftest import Index

NEXUS = "https://w3id.org/airm/id/nexus/"
MITDOM = "https://w3id.org/airm/id/mit-risk-domain/"


@pytest.fixture(scope="module")
def wheel(reference) -> Path:
    return next((reference / "ai-atlas-nexus-wheel").glob("ai_atlas_nexus-1.2.5-*.whl"))


def _member(wheel: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(next(n for n in zf.namelist() if n.endswith(suffix)))


def _raw(wheel: Path, name: str) -> dict:
    return yaml.safe_load(_member(wheel, f"knowledge_graph/{name}"))


def _tsv_rows(wheel: Path, name: str) -> list[dict]:
    text = _member(wheel, f"data/mappings/{name}").decode("utf-8")
    return list(csv.DictReader(io.StringIO("".join(x for x in text.splitlines(True) if not x.startswith("#"))),
                               delimiter="\t"))


@pytest.fixture(scope="module")
def outcome(wheel):
    return nexus_taxonomies.read(wheel)


@pytest.fixture(scope="module")
def index(outcome):
    return Index(outcome.triples)


@pytest.mark.parametrize("filename,tid", [(f, tid) for f, (tid, _) in nexus_taxonomies.TAXONOMIES.items()])
def test_risks_and_groups_counted_against_the_yaml(wheel, outcome, filename, tid):
    doc = _raw(wheel, filename)
    risks = [e for e in doc.get("entries") or [] if e.get("type") in (None, "Risk")]
    groups = doc.get("groups") or []
    assert outcome.counts.get(f"{tid} risks", 0) == len(risks)
    assert outcome.counts.get(f"{tid} risk groups", 0) == len(groups)


def test_the_issue_s_counts(outcome):
    assert outcome.counts["credo-ucf risks"] == 49 and outcome.counts["credo-ucf mitigations"] == 42
    assert outcome.counts["eticas-ai-risk-taxonomy risks"] == 64
    assert outcome.counts["eticas-ai-risk-taxonomy risk groups"] == 27
    assert outcome.counts["ai-risk-taxonomy risks"] == 314


def test_credo_actions_are_mitigations_with_their_risk_links(wheel, outcome, index):
    actions = _raw(wheel, "credo.yaml")["actions"]
    listed = [(a["id"], r) for a in actions for r in a.get("hasRelatedRisk") or []]
    links = set(listed)
    assert len(actions) == 42 and len(listed) == 81 and len(links) == 78  # three risks listed twice by their action
    assert outcome.counts["credo-ucf risk links"] == len(links)
    for aid, rid in sorted(links)[:10]:
        node = f"{NEXUS}credo-ucf/{aid}"
        assert f"{NEXUS}credo-ucf/{rid}" in {o.value for s in index.objects(node, "airm:hasRiskAddressing")
                                             for o in index.objects(s, "airm:addressedRisk")}
        assert index.values(node, "rdf:type") == {"https://w3id.org/airm#Mitigation"}


def test_aiuc1_requirements_and_control_activities_are_mitigations(wheel, outcome):
    assert outcome.counts["aiuc1 mitigations"] == len(_raw(wheel, "aiuc1_data.yaml")["rules"])
    structural = {(r["subject_id"], r["object_id"]) for r in _tsv_rows(wheel, "owasp_asi2ibm_risk_atlas.tsv")
                  if r["predicate_id"] == "nexus:hasRelatedRisk"}
    assert outcome.counts["aiuc1 risk links"] == len(structural)


def test_eticas_to_mit_rows_are_followed_like_curated_ones(wheel, index):
    rows = [r for r in _tsv_rows(wheel, "eticas2atlas_nexus_full.tsv")
            if r["object_id"].startswith("mit-ai-risk-repository:")]
    assert rows and all(r["mapping_justification"] == "semapv:ManualMappingCuration" for r in rows)
    for r in rows:
        subject = f"{NEXUS}eticas-ai-risk-taxonomy/{r['subject_id'].split(':', 1)[1]}"
        code = r["object_id"].rsplit("-", 1)[1]
        assert MITDOM + code in index.values(subject, r["predicate_id"].replace("skos:", "http://www.w3.org/2004/02/skos/core#"))


def test_llm_proposed_rows_are_candidates_without_a_direct_triple(wheel, index):
    rows = [r for r in _tsv_rows(wheel, "owasp_ast10_to_ibm_risk_atlas.tsv")]
    assert len(rows) == 12
    for r in rows:
        subject = f"{NEXUS}owasp-ast10/{r['subject_id'].split(':', 1)[1]}"
        assert not index.objects(subject, "skos:relatedMatch")
    proposed = [t for t in index.triples if t.predicate.value.endswith("#proposalStatus")
                and t.object.value == "proposed"]
    assert len(proposed) >= 12


def test_a_wheel_without_a_taxonomy_file_is_refused_naming_it(wheel, tmp_path):
    broken = tmp_path / "ai_atlas_nexus-1.2.5-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if not name.endswith("/credo.yaml"):
                dst.writestr(name, src.read(name))
    with pytest.raises(InputFileError, match="credo.yaml"):
        nexus_taxonomies.read(broken)


def _rewritten(wheel: Path, target: Path, suffix: str, edit) -> Path:
    """A copy of the wheel with the member ending in ``suffix`` passed through ``edit`` (bytes -> bytes)."""
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, edit(data) if name.endswith(suffix) else data)
    return target


def test_a_taxonomy_file_without_its_taxonomy_entry_fails_naming_the_file(wheel, tmp_path):
    broken = _rewritten(wheel, tmp_path / "ai_atlas_nexus-1.2.5-py3-none-any.whl", "/credo.yaml",
                        lambda b: b.replace(b"id: credo-ucf\n", b"id: something-else\n", 1))
    with pytest.raises(InputFileError, match=r"credo.yaml.*no taxonomy 'credo-ucf'|no taxonomy 'credo-ucf'"):
        nexus_taxonomies.read(broken)


def test_a_row_naming_a_missing_entry_goes_to_review_with_its_table_and_line(wheel, tmp_path):
    broken = _rewritten(wheel, tmp_path / "ai_atlas_nexus-1.2.5-py3-none-any.whl", "/eticas2atlas_nexus_full.tsv",
                        lambda b: b.replace(b"eticas-ai-risk-taxonomy:eticas-", b"eticas-ai-risk-taxonomy:gone-", 1))
    out = nexus_taxonomies.read(broken)
    missing = [r for r in out.review if r.row.startswith("eticas2atlas_nexus_full.tsv line")
               and "not an entry of eticas-ai-risk-taxonomy" in r.reason]
    assert len(missing) == 1 and "gone-" in missing[0].value


@pytest.mark.slow
def test_credo_answers_mitigations_for_risk_and_reaches_mit(wheel, tmp_path):
    ws = tmp_path / "ws"
    code, _out, err = run_cli("import", "nexus-taxonomies", str(wheel), "--workspace", str(ws))
    assert code == 0, err
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "-p", f"risk={NEXUS}credo-ucf/credo-risk-036",
                             "--format", "json", "--workspace", str(ws))
    assert code == 0, err
    own = {r["mitigation"]["value"] for r in json.loads(out)["results"]["bindings"]}
    assert f"{NEXUS}credo-ucf/credo-act-control-001" in own
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--long", "-p", "risk=2.1", "--format", "json",
                             "--workspace", str(ws))
    assert code == 0, err
    rows = [r for r in json.loads(out)["results"]["bindings"] if r["mitigation"]["value"].startswith(NEXUS)]
    assert rows and all(r["path"]["value"].startswith("crosswalk") and r["mapping"]["value"] for r in rows)
    # candidates (LLM-proposed rows) only on request, each row saying so
    by_follow = {}
    for follow in ("none", "candidates"):
        code, out, err = run_cli("query", "run", "mitigations-for-risk", "--long", "-p", "risk=6.5",
                                 "-p", f"follow={follow}",
                                 "--format", "json", "--workspace", str(ws))
        assert code == 0, err
        by_follow[follow] = json.loads(out)["results"]["bindings"]
    assert not any(r["path"]["value"].startswith("candidate") for r in by_follow["none"])
    extra = [r for r in by_follow["candidates"] if r["path"]["value"].startswith("candidate mapping")]
    assert extra and all(r["mappingJustification"]["value"].endswith("LLMBasedMatching") for r in extra)


def test_every_table_row_naming_a_further_taxonomy_is_imported_or_reviewed(wheel, outcome):
    """The rows nexus-mappings leaves to this importer, counted from the raw tables: each one is a mapping, a risk
    link, or a review line of its table."""
    ids = {tid.casefold() for tid, _ in nexus_taxonomies.TAXONOMIES.values()} | {"owasp-asi", "granite-guardian"}
    with zipfile.ZipFile(wheel) as zf:
        tables = [n.rsplit("/", 1)[-1] for n in zf.namelist() if "/data/mappings/" in n and n.endswith(".tsv")]
    raw = 0
    for name in tables:
        if name in nexus_taxonomies.SKIPPED_TABLES:
            continue
        for row in _tsv_rows(wheel, name):
            prefixes = {(row.get(c) or "").split(":", 1)[0].casefold().replace("_", "-")
                        for c in ("subject_id", "object_id")}
            raw += bool(prefixes & ids)
    reviewed = sum(1 for r in outcome.review if " line " in r.row)
    linked = sum(v for k, v in outcome.counts.items() if k == "aiuc1 risk links")
    assert raw == outcome.counts["mappings"] + linked + reviewed


def test_nexus_mappings_names_this_importer_for_the_rows_it_leaves(wheel):
    from airm.importers import nexus_mappings

    left = [r for r in nexus_mappings.read(wheel).review if "imported by nexus-taxonomies" in r.reason]
    assert len(left) == 1143  # the rows naming Credo UCF, AIUC-1, AILuminate, Eticas, OWASP agentic, Granite...


def test_a_package_with_only_yaml_mapping_sets_is_refused_saying_why(wheel, tmp_path):
    trimmed = tmp_path / "ai_atlas_nexus-1.2.5-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(trimmed, "w") as dst:
        for name in src.namelist():
            if not name.endswith(".tsv"):
                dst.writestr(name, src.read(name))
    with pytest.raises(InputFileError, match="only the YAML form of the mapping sets"):
        nexus_taxonomies.read(trimmed)
