"""The model holds the seed record's facts; validation catches bad input; builds are deterministic."""

import json
import os
import subprocess
import sys

import pytest

from helpers import run_cli

SEED = "https://w3id.org/airm/id/mitigation/shi2024-alignment-training"


def test_seed_mitigation_techniques_and_their_papers(kg):
    r = kg.sparql(f"""PREFIX airm: <https://w3id.org/airm#>
      SELECT ?t ?arxiv WHERE {{ <{SEED}> airm:usesTechnique ?t .
        OPTIONAL {{ ?t airm:introducedIn/airm:arxivId ?arxiv }} }}""")
    got = {(row["t"].value.rsplit("/", 1)[-1], row["arxiv"].value if "arxiv" in row else None) for row in r.rows}
    assert got == {("rlhf", "1706.03741"), ("constitutional-ai", "2212.08073"), ("rlaif", "2212.08073"),
                   ("dpo", "2305.18290"), ("representation-engineering", "2310.01405")}


def test_seed_classification_and_source(kg):
    r = kg.sparql(f"""PREFIX airm: <https://w3id.org/airm#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      PREFIX dcterms: <http://purl.org/dc/terms/>
      SELECT ?cat ?stage ?actor ?fn ?arxiv ?heading WHERE {{ <{SEED}> airm:mitigationCategory/skos:prefLabel ?cat ;
        airm:lifecycleStage/skos:prefLabel ?stage ; airm:actorType/skos:prefLabel ?actor ;
        airm:riskManagementFunction/skos:prefLabel ?fn ; airm:extractedFrom/airm:arxivId ?arxiv ;
        airm:sourceHeading ?heading ; airm:classificationRationale ?why }}""")
    (row,) = r.values()
    assert row == {"cat": "Training", "stage": "Build and Use Model", "actor": "Developer", "fn": "Manage",
                   "arxiv": "2412.17686", "heading": "Value Misalignment"}


def test_addresses_link_is_inferred_with_provenance(kg):
    r = kg.sparql(f"""PREFIX airm: <https://w3id.org/airm#> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT ?risk ?src WHERE {{ <{SEED}> airm:addresses ?risk ; airm:hasRiskAddressing ?s .
        ?s airm:addressedRisk ?risk ; prov:wasDerivedFrom ?src }}""")
    assert [(x["risk"].value.rsplit("/", 1)[-1], x["src"].value.rsplit("/", 1)[-1]) for x in r.rows] == [
        ("value-misalignment", "shi2024-llm-safety-survey")]


def test_embedded_data_conforms(kg):
    report = kg.validate()
    assert report.conforms, report.to_text()
    assert report.count("Violation") == 0


@pytest.mark.parametrize("body, fragment", [
    ('ex:m a airm:Mitigation ; rdfs:label "M"@en ; airm:extractedFrom ref:shi2024-llm-safety-survey ;'
     ' airm:mitigationCategory mtaxp:training ; airm:lifecycleStage lifecycle:no-such-stage ;'
     ' airm:actorType actor:developer ; airm:riskManagementFunction rmf:manage .', "lifecycle:no-such-stage"),
    ('ex:d a bibo:Document ; dcterms:title "T" ; fabio:hasPublicationYear "2024-13"^^xsd:gYear .', "gYear"),
    ('ex:d a bibo:Document ; dcterms:title "T" ; airm:arxivId "arXiv:2412.17686v2" .', "arXiv id"),
])
def test_bad_data_gives_a_violation_line_naming_the_file(tmp_path, body, fragment):
    from airm import namespaces

    f = tmp_path / "user.ttl"
    f.write_text("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in namespaces.prefixes().items())
                 + "@prefix ex: <http://example.org/> .\n" + body + "\n")
    code, out, err = run_cli("validate", str(f), "--severity", "violation")
    assert code == 1, out + err
    assert fragment in out and "user.ttl" in out and "Traceback" not in out + err


def test_malformed_turtle_exits_2_with_file_and_line(tmp_path):
    f = tmp_path / "broken.ttl"
    f.write_text("<http://x/a> <http://x/b> .\n")
    code, out, err = run_cli("validate", str(f))
    assert code == 2 and "broken.ttl:1" in err and "Traceback" not in err


def test_validate_json_format():
    code, out, _ = run_cli("validate", "--format", "json")
    assert code == 0 and json.loads(out)["conforms"] is True


def test_build_is_byte_identical_across_runs(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "airm.cli", "build", "--out", str(out)], check=True, env=env,
                       capture_output=True)
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]
    report = json.loads(outs[0]["build-report.json"])
    assert report["validation"]["violations"] == 0
    assert report["instances_per_class"]["airm:Mitigation"] == 7


def test_unknown_query_parameter_is_rejected():
    code, _, err = run_cli("query", "run", "training-methods-for-risk", "-p", "nope=1")
    assert code == 2 and "no parameter 'nope'" in err


def test_training_methods_query_by_label(kg):
    r = kg.query("training-methods-for-risk", risk="value misalignment")
    assert {row["techniqueLabel"].value for row in r.rows} == {
        "Constitutional AI", "Direct Preference Optimization", "Reinforcement learning from AI feedback",
        "Reinforcement learning from human feedback", "Representation engineering"}


def test_updates_and_service_are_refused():
    assert run_cli("sparql", "INSERT DATA { <a:b> <a:b> <a:b> }")[0] == 2
    code, _, err = run_cli("sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert code == 2 and "SERVICE is refused" in err


def test_broader_cycle_and_duplicate_code_are_violations(tmp_path):
    f = tmp_path / "cycle.ttl"
    f.write_text("""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/> .
ex:s a skos:ConceptScheme ; skos:prefLabel "S"@en .
ex:a a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "A"@en ; skos:broader ex:b ; skos:notation "9" .
ex:b a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel "B"@en ; skos:broader ex:a ; skos:notation "9" .
""")
    code, out, err = run_cli("validate", str(f), "--severity", "violation")
    assert code == 1
    assert "cycle" in out and "Code 9 is used by more than one concept" in out


def test_unknown_prefix_via_cli_exits_2_without_traceback(tmp_path):
    f = tmp_path / "p.ttl"
    f.write_text("<http://x/a> <http://x/b> nope:c .\n")
    code, _, err = run_cli("validate", str(f))
    assert code == 2 and "nope:" in err and "p.ttl:1" in err and "Traceback" not in err


def test_query_list_and_show_describe_the_catalog():
    code, out, _ = run_cli("query", "list")
    assert code == 0 and "training-methods-for-risk" in out and "[risk]" in out
    code, out, _ = run_cli("query", "show", "training-methods-for-risk")
    assert code == 0 and "question: Which training methods address value misalignment?" in out and "SELECT" in out


def test_unknown_query_name_suggests_the_closest():
    code, _, err = run_cli("query", "show", "training-method-for-risk")
    assert code == 2 and "did you mean training-methods-for-risk" in err and "Traceback" not in err
