"""Imported data against its source, field by field (issue 12, items 7-12 and 15): text as the source spells it, one
counted normalisation (the ends of each value trimmed), evidence attached by what the row says, "not recorded" apart
from "Not coded", duplicates counted, damage told from quirks, and nothing local or executable in what is written.
The source files are read here with csv and PyYAML, independently of the importers."""

from __future__ import annotations

import collections
import csv
import re

import pyoxigraph as ox
import pytest
import yaml

from airm.importers import atlas, mit_risks, nexus_mappings
from airm.importers.store import import_source
from helpers import run_cli

from .conftest import FIXTURES, Index, term

RISK_LEVELS = ("Risk Category", "Risk Sub-Category")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _literals(triples) -> list:
    return [t.object for t in triples if isinstance(t.object, ox.Literal)]


# --- MIT AI Risk Repository ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mit_rows(mit_csv) -> list[dict]:
    with open(mit_csv, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def mit(mit_csv):
    return mit_risks.read(mit_csv)


def test_mit_risk_labels_descriptions_and_headings_are_the_source_text(mit_rows, mit):
    """Every risk entry's label, description and (for subcategories) heading is its row's cell, unchanged: 619
    labels with trailing spaces and 20 'Risk category' texts were changed or dropped before."""
    g = Index(mit.triples)
    by_id = collections.defaultdict(list)
    for node in g.instances("airm:RiskEntry"):
        by_id[g.one(node, "dcterms:identifier").value].append(node)
    checked = trailing = 0
    for row in mit_rows:
        if row["Category level"] not in RISK_LEVELS:
            continue
        sub = row["Category level"] == "Risk Sub-Category"
        label = row["Risk subcategory"] if sub else row["Risk category"]
        nodes = [n for n in by_id[row["Ev_ID"].strip()] if g.values(n, "rdfs:label") == {label}]
        assert len(nodes) == 1, (row["Ev_ID"], label)
        node = nodes[0]
        if row["Description"].strip() not in ("", "-"):
            assert g.values(node, "dcterms:description") == {row["Description"]}
        assert g.values(node, "airm:sourceHeading") == ({row["Risk category"]} if sub else set())
        checked += 1
        trailing += label != label.rstrip()
    assert checked == 515 + 1097 and trailing > 600


def test_mit_evidence_is_attached_to_the_entry_its_subcategory_names(mit_rows, mit):
    g = Index(mit.triples)
    for letter in "bcd":  # 'Model misspecification' is 21.02.01.a, not 21.02.01 ('Model bias')
        assert g.subjects("airm:hasEvidence", f"mitrisk:21.02.01.{letter}") == {term("mitrisk:21.02.01.a")}
    parent_of = {t.object: t.subject for t in mit.triples if t.predicate == term("airm:hasEvidence")}
    noted = {r.value for r in mit.review if "names no risk entry" in r.reason}
    assert len(noted) == 1  # 62.18.02a: "in- terpretability", a hyphenation its entry does not have
    for row in mit_rows:
        if row["Category level"] != "Additional evidence":
            continue
        node = term(f"mitrisk:{row['Ev_ID'].strip()}")
        if node not in parent_of or (row["Risk subcategory"] or row["Risk category"]) in noted:
            continue
        parent = parent_of[node]
        labels = {_key(v) for v in g.values(parent, "rdfs:label")}
        assert _key(row["Risk subcategory"] or row["Risk category"]) in labels, row["Ev_ID"]


def test_mit_blank_causal_cells_are_not_recorded_not_not_coded(mit_rows, mit):
    g = Index(mit.triples)
    blanks = [(row, column) for row in mit_rows if row["Category level"] in RISK_LEVELS
              for column in ("Entity", "Intent", "Timing") if not row[column].strip()]
    assert len(blanks) == mit.counts["causal cells not recorded"] == 9
    prop = {"Entity": "airm:causalEntity", "Intent": "airm:causalIntent", "Timing": "airm:causalTiming"}
    for row, column in blanks:
        nodes = [t.subject for t in mit.triples
                 if t.predicate == term("dcterms:identifier") and t.object.value == row["Ev_ID"].strip()]
        assert nodes
        for node in nodes:
            assert not g.objects(node, prop[column])
    coded = sum(row[c].startswith("4") for row in mit_rows if row["Category level"] in RISK_LEVELS for c in prop)
    not_coded = {term(f"mitcausal:{a}-not-coded") for a in ("entity", "intent", "timing")}
    assert sum(1 for t in mit.triples if t.object in not_coded) == coded  # only the source's own "4 - Not coded"


def test_the_one_normalisation_is_counted_in_the_summary(tmp_path, mit_csv, mit):
    """The store trims the ends of every text value (and only that) and says how many it trimmed."""
    expected = sum(1 for o in _literals(mit.triples) if o.value != o.value.strip())
    summary = import_source("mit-risks", mit_csv, workspace=tmp_path / "ws")
    assert summary.trimmed == expected > 600
    assert f"{expected} value(s) trimmed of leading/trailing whitespace" in "\n".join(summary.lines())
    stored = list(ox.parse(path=str(summary.files["graph"]), format=ox.RdfFormat.N_QUADS))
    assert all(q.object.value == q.object.value.strip() for q in stored if isinstance(q.object, ox.Literal))
    inner = {o.value.strip() for o in _literals(mit.triples)}
    assert {q.object.value for q in stored if isinstance(q.object, ox.Literal)} >= inner - {""}


def test_duplicated_rows_are_counted_not_imported_again(tmp_path, mit_csv):
    """The auditor's case: the database rows given twice; 561 evidence rows used to become new nodes."""
    text = mit_csv.read_text(encoding="utf-8-sig")
    header, body = text.split("\n", 1)
    doubled = tmp_path / "doubled.csv"
    doubled.write_text(header + "\n" + body + ("" if body.endswith("\n") else "\n") + body, encoding="utf-8")
    once, twice = mit_risks.read(mit_csv), mit_risks.read(doubled)
    assert set(twice.triples) == set(once.triples)
    assert twice.counts["duplicate rows"] == 2242 and twice.rows_read == 2 * 2242
    assert twice.rows_imported == once.rows_imported
    copies = [r for r in twice.review if r.reason.startswith("an exact copy of doubled.csv line ")]
    assert len(copies) == 2242


def test_a_bom_in_the_csv_is_read_as_no_data(tmp_path):
    edge = FIXTURES / "mit-risks" / "edge-cases.csv"
    bom = tmp_path / "edge-cases.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + edge.read_bytes().lstrip(b"\xef\xbb\xbf"))
    assert set(mit_risks.read(bom).triples) == set(mit_risks.read(edge).triples)


# --- MITRE ATLAS ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def atlas_yaml(reference):
    return reference / "mitre-atlas" / "dist" / "ATLAS.yaml"


def test_atlas_texts_are_the_source_text(atlas_yaml):
    """Names, definitions, descriptions, summaries and step texts as the YAML holds them (71 trailing newlines of
    ATLAS texts were dropped before)."""
    doc = yaml.load(atlas_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    g = Index(atlas.read(atlas_yaml).triples)
    matrix = doc["matrices"][0]
    newlines = 0
    for item in matrix["tactics"] + matrix["techniques"]:
        node = f"atlas:{item['id']}"
        assert g.values(node, "skos:prefLabel") == {item["name"]}
        assert g.values(node, "skos:definition") == {item["description"]}
        newlines += item["description"].endswith("\n")
    for item in matrix["mitigations"]:
        node = f"atlas:{item['id']}"
        assert g.values(node, "rdfs:label") == {item["name"]}
        assert g.values(node, "dcterms:description") == {item["description"]}
        for link in item["techniques"]:
            if isinstance(link, dict) and link.get("use"):
                assert link["use"] in g.values(f"atlas:{item['id']}--{link['id']}", "airm:applicationNote")
    for case in doc["case-studies"]:
        node = f"atlas:{case['id']}"
        assert g.values(node, "rdfs:label") == {case["name"]}
        assert g.values(node, "dcterms:description") == {case["summary"]}
        for i, step in enumerate(case["procedure"], start=1):
            assert g.values(f"{node}--step-{i}", "dcterms:description") == {step["description"]}
        for key, prop in (("target", "airm:targetSystem"), ("actor", "airm:threatActor")):
            assert g.values(node, prop) == {case[key]}
    assert newlines > 0


def _cut(atlas_yaml, tmp_path, before: str, *, extra: int = 0) -> tuple:
    """ATLAS.yaml cut inside its 22nd case study, at the first line starting with ``before`` (+ ``extra`` lines):
    still valid YAML."""
    lines = atlas_yaml.read_text(encoding="utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("- id: AML.CS")]
    cut = next(i for i in range(starts[21], starts[22]) if lines[i].startswith(before)) + extra
    path = tmp_path / "ATLAS.yaml"
    path.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
    case = yaml.safe_load("\n".join(lines[starts[21]:starts[22]]))[0]["id"]
    return path, case


def test_a_truncated_atlas_file_fails_unless_damage_is_accepted(atlas_yaml, tmp_path):
    path, case = _cut(atlas_yaml, tmp_path, "  incident-date:")
    yaml.safe_load(path.read_text(encoding="utf-8"))  # still valid YAML
    ws = tmp_path / "ws"
    code, out, err = run_cli("import", "atlas", str(path), "--workspace", str(ws))
    assert code == 2 and "the input looks damaged (1 problem(s)); nothing was imported" in err
    assert f"{case} incident-date, incident-date-granularity, procedure, target, actor, case-study-type" in err
    assert "--accept-damage" in err and not ws.exists()
    code, out, err = run_cli("import", "atlas", str(path), "--workspace", str(ws), "--accept-damage")
    assert code == 0, err
    assert "damage accepted, 1 problem(s); what was lost:" in out and case in out
    review = (ws / "review" / "atlas.tsv").read_text(encoding="utf-8")
    assert f"{case}\tincident-date, incident-date-granularity, procedure" in review and "\tdamage: required" in review


def test_a_case_study_cut_in_its_procedure_is_damage(atlas_yaml, tmp_path):
    path, case = _cut(atlas_yaml, tmp_path, "  - tactic:", extra=2)
    with pytest.raises(Exception, match=f"{case} procedure"):
        import_source("atlas", path, workspace=tmp_path / "ws")


def test_a_file_cut_mid_line_is_damage(atlas_yaml, tmp_path):
    data = atlas_yaml.read_bytes()
    path = tmp_path / "ATLAS.yaml"
    path.write_bytes(data[:-25])  # the last reference URL cut short: valid YAML, no final line break
    code, out, err = run_cli("import", "atlas", str(path), "--workspace", str(tmp_path / "ws"))
    assert code == 2 and "(file): the file does not end with a line break: it looks cut short" in err


def test_the_published_atlas_file_has_no_damage(atlas_yaml):
    assert not [r for r in atlas.read(atlas_yaml).review if r.damage]


@pytest.mark.parametrize("url", ["mailto:security@example.org", "javascript:alert(1)", "urn:x-local:1", "data:,x"])
def test_a_reference_url_that_is_not_a_web_address_is_reviewed_not_linked(tmp_path, url):
    doc = yaml.safe_load((FIXTURES / "atlas" / "edge-cases.yaml").read_text(encoding="utf-8"))
    doc["matrices"][0]["techniques"][0]["references"] = [{"title": "odd", "url": url}]
    doc["case-studies"][0]["references"] = [{"title": "odd", "url": url}]
    path = tmp_path / "ATLAS.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    ws = tmp_path / "ws"
    code, out, err = run_cli("import", "atlas", str(path), "--workspace", str(ws))
    assert code == 0, err
    assert url.encode() not in (ws / "sources" / "atlas.nq").read_bytes()
    review = (ws / "review" / "atlas.tsv").read_text(encoding="utf-8")
    assert review.count(f"{url}\tnot a web (http or https) address: left out of the graph, kept here") == 2


# --- IBM AI Atlas Nexus --------------------------------------------------------------------------------------------

def test_ibm_risk_names_and_definitions_are_the_source_text(nexus_dir, nexus_data):
    doc = yaml.safe_load((nexus_data / "knowledge_graph" / "risk_atlas_data.yaml").read_text(encoding="utf-8"))
    g = Index(nexus_mappings.read(nexus_dir).triples)
    collapsed = 0
    for entry in doc["entries"]:
        node = f"ibmrisk:{entry['id']}"
        assert g.values(node, "skos:prefLabel") == {entry["name"]}
        if entry.get("description"):
            assert g.values(node, "skos:definition") == {entry["description"]}
            collapsed += " ".join(entry["description"].split()) != entry["description"].strip()
    assert collapsed >= 5


# --- what is written -----------------------------------------------------------------------------------------------

def test_review_cells_that_a_spreadsheet_would_run_are_escaped(tmp_path):
    edge = (FIXTURES / "mit-risks" / "edge-cases.csv").read_text(encoding="utf-8")
    path = tmp_path / "formulas.csv"
    path.write_text(edge.replace("x.1 > excluded", "=cmd|' /C calc'!A0", 1), encoding="utf-8")
    ws = tmp_path / "ws"
    import_source("mit-risks", path, workspace=ws)
    cells = [c for line in (ws / "review" / "mit-risks.tsv").read_text(encoding="utf-8").splitlines()
             for c in line.split("\t")]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize("source, given", [("atlas", "atlas"), ("mit-risks", "mit-risks"),
                                           ("nexus-mappings", "nexus")])
def test_no_local_path_reaches_the_published_graph(tmp_path, source, given, reference):
    paths = {"atlas": reference / "mitre-atlas" / "dist" / "ATLAS.yaml",
             "mit-risks": reference / "mit-ai-risk-repository" / "ai_risk_database_v3.csv",
             "nexus": reference / "ai-atlas-nexus"}
    summary = import_source(source, paths[given], workspace=tmp_path / "ws", dry_run=False)
    data = summary.files["graph"].read_bytes()
    assert str(reference).encode() not in data and str(tmp_path).encode() not in data
    names = [q.object.value for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)
             if q.predicate.value == "http://spdx.org/rdf/terms#fileName"]
    assert names == [paths[given].name]


def test_a_bom_in_a_turtle_file_is_not_data(tmp_path):
    ttl = tmp_path / "bom.ttl"
    ttl.write_bytes(b"\xef\xbb\xbf@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n")
    code, out, err = run_cli("validate", str(ttl), "--no-embedded")
    assert code == 0, err
