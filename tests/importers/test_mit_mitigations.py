"""The MIT AI Risk Mitigation database importer (IBM AI Atlas Nexus data): the reference files read independently
here (yaml / the TSV), known records field by field, the wheel, and a fixture with one record per edge case."""

from __future__ import annotations

import collections
import csv
import hashlib
import re
import shutil

import pytest
import yaml

from airm.errors import InputFileError
from airm.importers import mit_mitigations

from .conftest import FIXTURES, Index, term, validate_outcome

EDGE = FIXTURES / "mit-mitigations" / "edge"
KG = "knowledge_graph"


@pytest.fixture(scope="module")
def controls(nexus_data) -> list[dict]:
    text = (nexus_data / KG / "mit_ai_risk_repository_data_controls.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["controls"]


@pytest.fixture(scope="module")
def mapping_rows(nexus_data) -> list[dict]:
    lines = (nexus_data / "mappings" / "mit_ai_risk_mitigation_mappings.tsv").read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader((x for x in lines if not x.startswith("#")), delimiter="\t"))


@pytest.fixture(scope="module")
def outcome(nexus_dir):
    return mit_mitigations.read(nexus_dir)


@pytest.fixture(scope="module")
def g(outcome) -> Index:
    return Index(outcome.triples)


def test_counts_match_the_source(controls, mapping_rows, g, outcome):
    assert len(controls) == 831 and len(mapping_rows) == 820
    mitigations = g.instances("airm:Mitigation")
    assert len(mitigations) == len(controls)
    assert {m.value.rsplit("/", 1)[-1] for m in mitigations} == {c["id"].split("_")[0] for c in controls}
    sources = {o for m in mitigations for o in g.objects(m, "airm:extractedFrom")}
    assert len(sources) == len({c["hasDocumentation"][0] for c in controls}) == 13
    assert outcome.rows_read == outcome.rows_imported == len(controls) + len(mapping_rows) + 14
    assert outcome.counts["mitigations"] == 831 and outcome.counts["documents with mitigations"] == 13


def test_counts_per_category_match_the_mapping_table(controls, mapping_rows, g):
    expected = collections.Counter(
        "mtax:" + re.search(r"group-([\d.]+)$", r["object_id"]).group(1) for r in mapping_rows)
    mapped = {r["subject_id"].split(":", 1)[1] for r in mapping_rows}
    expected["mtax:unable-to-classify"] = sum(1 for c in controls if c["id"] not in mapped)
    assert expected["mtax:unable-to-classify"] == 11
    got = collections.Counter(t.object.value for t in g.triples if t.predicate == term("airm:mitigationCategory"))
    assert got == {term(k).value: v for k, v in expected.items()}


def test_uncategorised_mitigations_are_in_review(controls, mapping_rows, outcome):
    mapped = {r["subject_id"].split(":", 1)[1] for r in mapping_rows}
    missing = {c["id"] for c in controls if c["id"] not in mapped}
    noted = {r.row.rsplit(" ", 1)[-1] for r in outcome.review if r.field == "category"}
    assert noted == missing
    assert len(outcome.review) == len(missing)


def test_record_a0086(controls, g):
    (c,) = [c for c in controls if c["id"] == "A0086_Future_of_Life_Institute2024"]
    m = "mitmit:A0086"
    assert g.values(m, "rdf:type") == {term("airm:Mitigation").value}
    assert g.values(m, "rdfs:label") == {"AI Safety Team"}
    assert g.one(m, "rdfs:label").language == "en"
    assert g.values(m, "dcterms:identifier") == {"A0086", "A0086_Future_of_Life_Institute2024"}
    assert g.values(m, "dcterms:description") == {c["description"].strip()}
    assert g.objects(m, "airm:extractedFrom") == {term("mitdoc:FLI2024")}
    assert g.objects(m, "airm:recordedIn") == {term("ref:mit-ai-risk-mitigation-database")}
    assert g.objects(m, "airm:mitigationCategory") == {term("mtax:1.1")}
    assert g.objects(m, "airm:lifecycleStage") == {term("lifecycle:not-recorded")}
    assert g.objects(m, "airm:actorType") == {term("actor:not-recorded")}
    assert g.objects(m, "airm:riskManagementFunction") == {term("rmf:not-recorded")}
    doc = "mitdoc:FLI2024"
    assert g.values(doc, "dcterms:title") == {"FLI AI Safety Index 2024"}
    assert g.values(doc, "fabio:hasPublicationYear") == {"2024"}
    assert g.values(doc, "schema:url") == {"https://futureoflife.org/document/fli-ai-safety-index-2024/"}
    assert g.objects(doc, "owl:sameAs") == {term("ref:fli2024-ai-safety-index")}


def test_documents_link_to_the_curated_citations(g):
    docs = g.instances("bibo:Document")
    assert len(docs) == 14  # 13 source documents and the taxonomy's own draft
    linked = {d for d in docs if g.objects(d, "owl:sameAs")}
    assert linked == docs  # every one is also a curated citation of airm
    assert g.objects("mitdoc:NIST.AI.600-1", "owl:sameAs") == {term("ref:nist-ai-600-1")}
    assert g.objects("mitdoc:UK-Government2023", "owl:sameAs") == {
        term("ref:uk-government2023-emerging-processes-frontier-ai-safety")}
    assert g.objects("mitmit:A0414", "airm:extractedFrom") == {term("mitdoc:NIST.AI.600-1")}


def test_top_level_categories_by_code(mapping_rows, g):
    top = [r for r in mapping_rows if re.search(r"group-\d+$", r["object_id"])]
    assert len(top) == 5
    for r in top:
        a = r["subject_id"].split(":", 1)[1].split("_")[0]
        code = r["object_id"].rsplit("-", 1)[-1]
        assert g.objects(f"mitmit:{a}", "airm:mitigationCategory") == {term(f"mtax:{code}")}


def test_wheel_gives_the_same_graph(nexus_wheel, outcome):
    from_wheel = mit_mitigations.read(nexus_wheel)
    assert set(from_wheel.triples) == set(outcome.triples)
    assert from_wheel.provenance.source_file == nexus_wheel.name
    assert from_wheel.provenance.sha256 == hashlib.sha256(nexus_wheel.read_bytes()).hexdigest()
    assert from_wheel.provenance.version == "ai-atlas-nexus 1.2.5"


def test_folder_provenance(outcome, nexus_dir):
    p = outcome.provenance
    assert p.version == "commit " + (nexus_dir / "COMMIT").read_text().strip()
    assert p.source_file == ("mit_ai_risk_mitigation_data.yaml + mit_ai_risk_mitigation_mappings.tsv + "
                             "mit_ai_risk_repository_data_controls.yaml + nist_ai_rmf_data.yaml")
    assert re.fullmatch(r"[0-9a-f]{64}", p.sha256)
    assert p.license == "http://spdx.org/licenses/Apache-2.0"


# --- edge cases -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge():
    return mit_mitigations.read(EDGE)


@pytest.fixture(scope="module")
def eg(edge) -> Index:
    return Index(edge.triples)


def notes(edge, needle: str):
    return [r for r in edge.review if needle in r.row]


def test_edge_rows_add_up(edge):
    # 4 documents, 11 mapping rows, 11 controls; not imported: 1 document, 6 mapping rows, 4 controls
    assert (edge.rows_read, edge.rows_imported) == (26, 15)
    rejected = {r.row for r in edge.review if "not imported" in r.reason or "not used" in r.reason
                or "unrelated categories" in r.reason}
    assert len(rejected) == edge.rows_read - edge.rows_imported


def test_edge_duplicated_a_number_is_named_with_its_document(eg, edge):
    assert not eg.instances("airm:Mitigation") & {term("mitmit:A0003")}
    a, b = term("mitmit:A0003-Test2025"), term("mitmit:A0003-FLI2024")
    assert eg.objects(a, "airm:mitigationCategory") == {term("mtax:4.6")}
    assert eg.objects(b, "airm:mitigationCategory") == {term("mtax:unable-to-classify")}
    assert eg.objects(a, "airm:extractedFrom") == {term("mitdoc:Test2025")}
    assert len([r for r in edge.review if "A-number A0003 is used by 2" in r.reason]) == 2


def test_edge_categories_by_code_not_label(eg, edge):
    assert eg.objects("mitmit:A0001", "airm:mitigationCategory") == {term("mtax:1.1")}
    assert eg.objects("mitmit:A0002", "airm:mitigationCategory") == {term("mtax:3")}  # drifted label, trailing space
    assert eg.objects("mitmit:A0008", "airm:mitigationCategory") == {term("mtax:2.2")}  # 2 and 2.2: the narrower
    assert eg.objects("mitmit:A0007", "airm:mitigationCategory") == {term("mtax:unable-to-classify")}  # 1.2 and 2.1
    assert {r.value for r in notes(edge, "line 7") + notes(edge, "line 8")} == {"1.2", "2.1"}


def test_edge_odd_records(eg, edge):
    assert eg.values("mitmit:A0002", "rdfs:label") == {"  Stray   whitespace in the name "}  # as spelt
    assert eg.values("mitmit:A0004", "rdfs:label") == {"A0004"}  # blank name
    assert not eg.objects("mitmit:A0004", "dcterms:description")
    assert eg.objects("mitmit:A0007", "airm:extractedFrom") == {term("mitdoc:Unknown2030")}
    assert eg.values("mitdoc:Unknown2030", "dcterms:title") == {"doc-Unknown2030"}
    assert not eg.objects("mitdoc:Test2025", "schema:url")  # "not a url"
    reasons = " | ".join(r.reason for r in edge.review)
    for expected in ("no source document; not imported", "does not start with an A-number",
                     "a mitigation without an id", "not a mapping of fields", "not an isCategorizedAs mapping",
                     "no category code", "without subject or object", "no imported mitigation with this id",
                     "the document is described twice", "a document without an id", "more than one source document"):
        assert expected in reasons


def test_edge_validates(edge, tmp_path):
    report = validate_outcome(edge, "mit-mitigations", tmp_path)
    assert report.conforms, report.to_text()
    assert {p.focus for p in report.problems if p.severity == "Warning"} == {"mitmit:A0004"}  # no description
    assert {p.focus for p in report.problems if p.severity == "Info"} == {  # documents nobody can find
        "mitdoc:Test2025", "mitdoc:Unknown2030", "mitdoc:NIST.AI.600-1"}


def test_a_single_file_or_a_wrong_archive_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="a single file; expected the IBM AI Atlas Nexus data"):
        mit_mitigations.read(EDGE / KG / "mit_ai_risk_repository_data_controls.yaml")
    import zipfile

    other = tmp_path / "other.whl"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("x/README.md", "nothing here")
    with pytest.raises(InputFileError, match="this archive has no mit_ai_risk_repository_data_controls.yaml"):
        mit_mitigations.read(other)
    with pytest.raises(InputFileError, match="no mit_ai_risk_repository_data_controls.yaml under this folder"):
        mit_mitigations.read(tmp_path)


def test_truncated_and_malformed_files_name_file_and_line(tmp_path):
    copy = tmp_path / "nexus"
    shutil.copytree(EDGE, copy)
    controls = copy / KG / "mit_ai_risk_repository_data_controls.yaml"
    text = controls.read_text(encoding="utf-8")
    controls.write_text(text[: text.index("A0003_Test2025") + 5] + '"\n  - id: [unclosed\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"mit_ai_risk_repository_data_controls\.yaml:\d+:\d+: not valid YAML"):
        mit_mitigations.read(copy)
    controls.write_text("controls: {}\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no 'controls' list"):
        mit_mitigations.read(copy)
    controls.write_text("a: &x [1]\ncontrols: *x\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="aliases"):
        mit_mitigations.read(copy)
    shutil.copy(EDGE / KG / "mit_ai_risk_repository_data_controls.yaml", controls)
    (copy / "mappings" / "mit_ai_risk_mitigation_mappings.tsv").write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"mit_ai_risk_mitigation_mappings\.tsv:1: no subject_id"):
        mit_mitigations.read(copy)
