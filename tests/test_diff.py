"""``airm diff OLD NEW``: added, removed and changed terms, records and mappings, in words, JSON and Markdown."""

from __future__ import annotations

import json

import pytest

from airm import export
from airm.atomic import write_file
from airm.diff import diff
from helpers import run_cli

AIRM = "https://w3id.org/airm#"
MIT = "https://w3id.org/airm/id/mitigation/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"


@pytest.fixture(scope="module")
def pair(kg, tmp_path_factory):
    """An old build folder and a new export in another format with known edits."""
    from rdflib import RDF, BNode, Literal, URIRef

    folder = tmp_path_factory.mktemp("diff")
    old_dir = folder / "old"
    graph = kg.to_rdflib(scope="all", entailments=True)
    write_file(old_dir / "airm.ttl", export.serialize(graph, "ttl"))

    new = graph
    seed = URIRef(MIT + "shi2024-alignment-training")
    new.remove((seed, URIRef(RDFS + "label"), None))
    new.add((seed, URIRef(RDFS + "label"), Literal("Alignment training (RLHF, DPO)", lang="en")))
    gone = URIRef(MIT + "shi2024-mitigating-toxicity")
    new.remove((gone, None, None))
    fresh = URIRef(MIT + "new-red-teaming")
    new.add((fresh, RDF.type, URIRef(AIRM + "Mitigation")))
    new.add((fresh, URIRef(RDFS + "label"), Literal("Red teaming before release", lang="en")))
    new.add((URIRef(AIRM + "Guideline"), RDF.type, URIRef(OWL + "Class")))
    new.add((URIRef(AIRM + "Guideline"), URIRef(RDFS + "label"), Literal("guideline", lang="en")))
    # drop one alignment (its axiom and its annotation)
    vair = URIRef("https://w3id.org/vair#MitigationMeasure")
    new.remove((URIRef(AIRM + "Mitigation"), URIRef(RDFS + "subClassOf"), vair))
    for ax in list(new.subjects(URIRef(OWL + "annotatedTarget"), vair)):
        if isinstance(ax, BNode) and (ax, URIRef(OWL + "annotatedSource"), URIRef(AIRM + "Mitigation")) in new:
            new.remove((ax, None, None))
    new_file = folder / "new.nt"
    write_file(new_file, export.serialize(new, "nt"))
    return old_dir, new_file


def test_diff_names_added_removed_and_changed_entities(pair):
    result = diff(*pair)
    records, terms, mappings = (result.sections[k] for k in ("records", "terms", "mappings"))
    assert [r["id"] for r in records["added"]] == ["mitigation:new-red-teaming"]
    assert "mitigation:shi2024-mitigating-toxicity" in [r["id"] for r in records["removed"]]
    changed = {r["id"]: r for r in records["changed"]}
    changes = changed["mitigation:shi2024-alignment-training"]["changes"]
    label = next(c for c in changes if c["property"] == "rdfs:label")
    assert label["added"] == ['"Alignment training (RLHF, DPO)"@en'] and label["removed"] == ['"Alignment training"@en']
    assert [t["id"] for t in terms["added"]] == ["airm:Guideline"] and terms["added"][0]["type"] == "class"
    mit = next(t for t in terms["changed"] if t["id"] == "airm:Mitigation")
    assert any(c["property"] == "rdfs:subClassOf" and c["removed"] == ["vair:MitigationMeasure"]
               for c in mit["changes"])
    assert [m["id"] for m in mappings["removed"]] == ["airm:Mitigation rdfs:subClassOf vair:MitigationMeasure"]
    assert not mappings["added"]


def test_diff_in_words_json_and_markdown_through_the_cli(pair):
    old, new = map(str, pair)
    code, text, err = run_cli("diff", old, new)
    assert code == 0, err
    assert "+ mitigation:new-red-teaming (airm:Mitigation) \"Red teaming before release\"" in text
    assert "- airm:Mitigation rdfs:subClassOf vair:MitigationMeasure" in text
    assert "records: 1 added" in text
    code, out, _ = run_cli("diff", old, new, "--format", "json")
    doc = json.loads(out)
    assert doc["summary"]["records"]["added"] == 1 and doc["summary"]["mappings"]["removed"] == 1
    assert doc["old"]["version"] == doc["new"]["version"]
    code, md, _ = run_cli("diff", old, new, "--format", "md")
    assert md.startswith("## ") and "- Added `mitigation:new-red-teaming`" in md


def test_the_same_graph_in_two_formats_has_no_differences(kg, tmp_path):
    graph = kg.to_rdflib(scope="all", entailments=True)
    a, b = tmp_path / "a.jsonld", tmp_path / "b.rdf"
    write_file(a, export.serialize(graph, "jsonld"))
    write_file(b, export.serialize(graph, "rdfxml"))
    result = diff(a, b)
    assert result.empty, result.to_text()[:2000]
    assert "no differences" in result.to_text()


def test_diff_of_two_sssom_tables_compares_mappings(kg, tmp_path):
    data = export.mappings_tsv(kg).decode()
    old, new = tmp_path / "old.sssom.tsv", tmp_path / "new.sssom.tsv"
    old.write_text(data)
    new.write_text(data.replace("skos:closeMatch\tvair:Deployment", "skos:exactMatch\tvair:Deployment"))
    result = diff(old, new)
    assert set(result.sections) == {"mappings"}
    mappings = result.sections["mappings"]
    assert [m["id"] for m in mappings["added"]] == ["lifecycle:deploy skos:exactMatch vair:Deployment"]
    assert [m["id"] for m in mappings["removed"]] == ["lifecycle:deploy skos:closeMatch vair:Deployment"]


@pytest.mark.parametrize("setup, fragment", [
    (lambda p: p / "missing", "no such file or folder"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "not a build folder"),
    (lambda p: (p / "bad.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b ") and p / "bad.ttl", "bad.ttl:2"),
])
def test_bad_inputs_exit_2_naming_the_input(tmp_path, setup, fragment):
    path = setup(tmp_path)
    code, _out, err = run_cli("diff", str(path), str(path))
    assert code == 2 and fragment in err and "Traceback" not in err
