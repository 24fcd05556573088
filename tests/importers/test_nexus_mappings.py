"""The AI Atlas Nexus importer: IBM AI Risk Atlas, OWASP LLM Top 10 and the SSSOM crosswalk tables, checked against
the reference copy read independently here (yaml / csv), plus a fixture with one row per edge case."""

from __future__ import annotations

import collections
import csv
import hashlib
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from airm.errors import InputFileError
from airm.importers import nexus_mappings as nexus
from airm.namespaces import expand
from helpers import run_cli as cli

from .conftest import validate_outcome

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "nexus" / "edge-cases"
SKOS = "http://www.w3.org/2004/02/skos/core#"
# the tables whose both sides airm holds (IBM, OWASP LLM, NIST AI 600-1, MIT domains and causal classes)
IN_SCOPE = ("ibm2ibm.tsv", "ibm2nistgenai.tsv", "ibm2owasp.tsv", "mit-ai-risk-repository_ibm-risk-atlas.tsv")
KNOWN_PREFIXES = ("ibm-risk-atlas:", "ibmairisk:", "owasp-llm-2.0:", "nistai:", "mit-ai-risk-repository:",
                  "mit-ai-risk-repository-causal:")


def N(curie: str) -> ox.NamedNode:
    return ox.NamedNode(expand(curie) if not curie.startswith("http") else curie)


def objects(triples, s, p) -> set:
    s, p = N(s) if isinstance(s, str) else s, N(p)
    return {t.object for t in triples if t.subject == s and t.predicate == p}


def instances(triples, cls: str) -> set:
    c, rdf_type = N(cls), N("rdf:type")
    return {t.subject for t in triples if t.predicate == rdf_type and t.object == c}


def mapping_node(subject: str, predicate: str, obj: str, table: str) -> ox.NamedNode:
    stem = table[:-4]
    predicate = "airm:noMatch" if predicate == "noMatch" else predicate
    key = f"{subject}|{predicate}|{obj}|{stem}"
    return N("mapping:" + hashlib.sha256(key.encode()).hexdigest()[:20])


def table_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, row) of an SSSOM table, read with the csv module."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(i, ln) for i, ln in enumerate(lines, start=1) if not ln.startswith("#") and ln.strip()]
    header = next(csv.reader([body[0][1]], delimiter="\t"))
    # the source tables have rows shorter and longer than their header: each is paired as far as both go
    return [(i, dict(zip(header, next(csv.reader([ln], delimiter="\t")), strict=False))) for i, ln in body[1:]]


@pytest.fixture(scope="module")
def root(reference):
    return reference / "ai-atlas-nexus"


@pytest.fixture(scope="module")
def kgdir(root):
    return root / "src" / "ai_atlas_nexus" / "data"


@pytest.fixture(scope="module")
def outcome(root):
    return nexus.read(root)


# --- the reference copy ----------------------------------------------------------------------------------------------


def test_taxonomy_counts_match_the_yaml(kgdir, outcome):
    ibm = yaml.safe_load((kgdir / "knowledge_graph" / "risk_atlas_data.yaml").read_text(encoding="utf-8"))
    owasp = yaml.safe_load((kgdir / "knowledge_graph" / "owasp_llm_2.0_data.yaml").read_text(encoding="utf-8"))
    assert outcome.counts["IBM risks"] == len(ibm["entries"]) == 99
    assert outcome.counts["IBM risk groups"] == len(ibm["groups"]) == 16
    assert outcome.counts["OWASP LLM risks"] == len(owasp["entries"]) == 10
    t = outcome.triples
    ibm_nodes = {N(f"ibmrisk:{e['id']}") for e in ibm["entries"]}
    assert ibm_nodes <= instances(t, "airm:RiskCategory")
    # every risk sits under its group (ids matched case-insensitively: the file spells one group two ways)
    per_group = collections.Counter(e["isPartOf"].casefold() for e in ibm["entries"])
    got = collections.Counter()
    for node in ibm_nodes:
        (group,) = objects(t, node, "skos:broader")
        got[group.value.rsplit("/", 1)[-1].casefold()] += 1
    assert got == per_group


def test_ibm_risk_and_owasp_entry_field_by_field(kgdir, outcome):
    ibm = yaml.safe_load((kgdir / "knowledge_graph" / "risk_atlas_data.yaml").read_text(encoding="utf-8"))
    src = next(e for e in ibm["entries"] if e["id"] == "atlas-evasion-attack")
    t = outcome.triples
    node = N("ibmrisk:atlas-evasion-attack")
    assert objects(t, node, "skos:prefLabel") == {ox.Literal(src["name"], language="en")}
    assert objects(t, node, "skos:inScheme") == {N("ibmrisk:ibm-risk-atlas")}
    assert objects(t, node, "skos:broader") == {N(f"ibmrisk:{src['isPartOf']}")}
    assert objects(t, node, "rdfs:seeAlso") == {N(src["url"])}
    assert objects(t, node, "dcterms:modified") == {ox.Literal(str(src["dateModified"]), datatype=N("xsd:date"))}
    owasp = N("owasp:llm01-prompt-injection")
    assert objects(t, owasp, "skos:notation") == {ox.Literal("LLM01")}
    assert objects(t, owasp, "skos:inScheme") == {N("owasp:owasp-llm-2.0")}


def test_mapping_rows_match_the_tables(kgdir, outcome):
    """Every in-scope row is imported once (repeated subject-predicate-object rows of a table once), with its
    predicate; every row of every table is either imported or in review."""
    tables = kgdir / "mappings"
    expected = collections.Counter()
    total_rows = 0
    for path in sorted(tables.glob("*.tsv")):
        if path.name == "mit_ai_risk_mitigation_mappings.tsv":
            continue
        rows = table_rows(path)
        total_rows += len(rows)
        if path.name not in IN_SCOPE:
            continue
        seen = set()
        for _, row in rows:
            s, p, o = row["subject_id"], row["predicate_id"], row["object_id"]
            if (s, p, o) in seen or (o and not o.startswith(KNOWN_PREFIXES)):
                continue
            seen.add((s, p, o))
            expected[p] += 1
    t = outcome.triples
    got = collections.Counter()
    for m in instances(t, "airm:ConceptMapping"):
        (p,) = objects(t, m, "sssom:predicate_id")
        got["noMatch" if p == N("airm:noMatch") else "skos:" + p.value[len(SKOS):]] += 1
    assert got == expected
    assert outcome.counts["mappings"] == sum(expected.values()) == 421
    assert outcome.counts["no-match mappings"] == expected["noMatch"]
    mapping_rows = outcome.rows_read - 99 - 16 - 10
    assert mapping_rows == total_rows
    assert len(outcome.review) >= mapping_rows - outcome.counts["mappings"]
    # the direct SKOS triples queries follow: one per non-noMatch record
    direct = sum(1 for x in t if x.predicate.value.startswith(SKOS) and x.predicate.value.endswith("Match"))
    assert direct == outcome.counts["direct SKOS links"] == sum(expected.values()) - expected["noMatch"]


def test_mapping_row_field_by_field(kgdir, outcome):
    t = outcome.triples
    # ibm2nistgenai.tsv: no date column, so the table's mapping_date applies (SSSOM propagation)
    m = mapping_node("ibmairisk:atlas-data-poisoning", "skos:broadMatch", "nistai:nist-information-security",
                     "ibm2nistgenai.tsv")
    assert objects(t, m, "sssom:subject_id") == {N("ibmrisk:atlas-data-poisoning")}
    assert objects(t, m, "sssom:predicate_id") == {N("skos:broadMatch")}
    assert objects(t, m, "sssom:object_id") == {N("nistgai:nist-information-security")}
    assert objects(t, m, "sssom:author_id") == {ox.Literal("cgi@zurich.ibm.com")}
    assert objects(t, m, "sssom:mapping_date") == {ox.Literal("2025-01-29", datatype=N("xsd:date"))}
    assert objects(t, m, "sssom:confidence") == {ox.Literal("0.95", datatype=N("xsd:decimal"))}
    assert objects(t, m, "sssom:mapping_justification") == {N("semapv:ManualMappingCuration")}
    assert objects(t, m, "prov:wasDerivedFrom") == {N("mapping:nexus-ibm2nistgenai")}
    assert objects(t, m, "airm:curationMethod") == {N("curation:published-crosswalk")}
    assert objects(t, "ibmrisk:atlas-data-poisoning", "skos:broadMatch") >= {N("nistgai:nist-information-security")}
    # mit-ai-risk-repository_ibm-risk-atlas.tsv: a row's own date, an MIT subdomain by its code
    rows = table_rows(kgdir / "mappings" / "mit-ai-risk-repository_ibm-risk-atlas.tsv")
    line, row = next((i, r) for i, r in rows if r["object_id"].startswith("mit-ai-risk-repository:"))
    m = mapping_node(row["subject_id"], row["predicate_id"], row["object_id"],
                     "mit-ai-risk-repository_ibm-risk-atlas.tsv")
    code = row["object_id"].rsplit("-", 1)[-1]
    assert objects(t, m, "sssom:object_id") == {N(f"mitdom:{code}")}
    assert objects(t, m, "sssom:author_id") == {ox.Literal(row["author_id"])}
    assert objects(t, m, "sssom:mapping_date") == {ox.Literal(row["mapping_date"], datatype=N("xsd:date"))}
    assert objects(t, m, "airm:locator") == {ox.Literal(f"mit-ai-risk-repository_ibm-risk-atlas.tsv line {line}")}
    subject = N("ibmrisk:" + row["subject_id"].split(":", 1)[1])
    assert N(f"mitdom:{code}") in objects(t, subject, row["predicate_id"])


def test_no_match_rows_keep_a_node_and_assert_nothing(outcome):
    t = outcome.triples
    m = mapping_node("ibm-risk-atlas:atlas-unreliable-source-attribution", "noMatch", "", "ibm2owasp.tsv")
    assert objects(t, m, "sssom:predicate_id") == {N("airm:noMatch")}
    assert objects(t, m, "sssom:object_id") == {N("sssom:NoTermFound")}
    assert objects(t, m, "sssom:comment") == {ox.Literal("Relates to explainability which is not covered in OWASP",
                                                         language="en")}
    # a no-match row naming an object keeps both ids on its node, and no triple joins the two concepts
    m = mapping_node("ibm-risk-atlas:atlas-toxic-output", "noMatch",
                     "owasp-llm-2.0:llm052025-improper-output-handling", "ibm2owasp.tsv")
    assert objects(t, m, "sssom:object_id") == {N("owasp:llm052025-improper-output-handling")}
    subject, obj = N("ibmrisk:atlas-toxic-output"), N("owasp:llm052025-improper-output-handling")
    assert not any(x.subject == subject and x.object == obj for x in t)


def test_real_quirks_go_to_review(outcome):
    by_row = {(r.row, r.field): r for r in outcome.review}
    assert "shifted" in by_row[("ibm2owasp.tsv line 64", "object_id")].reason
    assert "repeats line 34" in by_row[("ibm2owasp.tsv line 61", "")].reason
    assert not any("mit_ai_risk_mitigation_mappings" in r.row for r in outcome.review)
    assert not instances(outcome.triples, "airm:Mitigation")


def test_wheel_gives_the_same_graph(root, outcome, tmp_path):
    """A wheel is read in place: build one with the package's layout from the reference copy."""
    wheel = tmp_path / "ai_atlas_nexus-0.0.0-py3-none-any.whl"
    base = root / "src"
    with zipfile.ZipFile(wheel, "w") as zf:
        for p in sorted((base / "ai_atlas_nexus" / "data").rglob("*")):
            if p.is_file() and (p.suffix == ".tsv" or p.name in (nexus.IBM_FILE, nexus.OWASP_FILE, nexus.NIST_FILE)):
                zf.write(p, p.relative_to(base).as_posix())
    from_wheel = nexus.read(wheel)
    drop = {N("dcat:version"), N("rdfs:label")}  # the dataset node names the version it came from
    from_wheel_kept = {x for x in from_wheel.triples if x.predicate not in drop}
    assert from_wheel_kept == {x for x in outcome.triples if x.predicate not in drop}
    assert from_wheel.provenance.version == "ai-atlas-nexus 0.0.0"
    assert from_wheel.provenance.sha256 == hashlib.sha256(wheel.read_bytes()).hexdigest()


def test_stored_import_validates(root, tmp_path):
    import airm
    from airm.importers.store import import_source

    summary = import_source("nexus-mappings", root, workspace=tmp_path)
    assert summary.warnings == 0
    assert summary.classes["airm:ConceptMapping"] == 421
    kg = airm.load(workspace=tmp_path)
    rows = kg.query("equivalent-concepts", concept="ibmrisk:atlas-data-poisoning").values()
    assert {(r["relation"].rsplit("#", 1)[-1], r["other"]) for r in rows} >= {
        ("broadMatch", expand("nistgai:nist-information-security"))}


# --- edge cases -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge():
    return nexus.read(FIXTURE)


def _review(outcome, row, field=None):
    return [r for r in outcome.review if r.row == row and (field is None or r.field == field)]


def test_edge_taxonomies(edge):
    t = edge.triples
    # the group id differs in case between the entry and the group
    assert objects(t, "ibmrisk:atlas-prompt-injection", "skos:broader") == {
        N("ibmrisk:ibm-risk-atlas-robustness-prompt-attacks")}
    assert objects(t, "ibmrisk:atlas-data-poisoning", "skos:prefLabel") == {
        ox.Literal("  Data   poisoning ", language="en")}  # as spelt
    assert objects(t, "ibmrisk:atlas-prompt-injection", "skos:prefLabel") == {
        ox.Literal("Prompt injection attack", language="en")}
    assert _review(edge, "risk_atlas_data.yaml atlas-prompt-injection", "id")
    assert _review(edge, "risk_atlas_data.yaml entries[4]", "id")
    assert objects(t, "ibmrisk:atlas-orphan", "skos:topConceptOf") == {N("ibmrisk:ibm-risk-atlas")}
    assert objects(t, "ibmrisk:atlas-orphan", "rdfs:seeAlso") == set()
    assert _review(edge, "risk_atlas_data.yaml atlas-orphan", "url")[0].reason == "not a web address: left out"
    assert objects(t, "owasp:llm042025-data-and-model-poisoning", "skos:notation") == {ox.Literal("LLM04")}
    assert edge.counts["IBM risks"] == 3 and edge.counts["OWASP LLM risks"] == 2


def test_edge_rows(edge):
    t = edge.triples
    m = mapping_node("ibmairisk:atlas-data-poisoning", "skos:broadMatch", "nistai:nist-information-security",
                     "edge.tsv")
    assert objects(t, m, "sssom:mapping_date") == {ox.Literal("2025-01-29", datatype=N("xsd:date"))}  # propagated
    m = mapping_node("ibm-risk-atlas:atlas-prompt-injection", "skos:exactMatch", "owasp-llm-2.0:llm01-prompt-injection",
                     "edge.tsv")
    assert objects(t, m, "sssom:confidence") == {ox.Literal("0.9", datatype=N("xsd:decimal"))}
    assert objects(t, m, "sssom:author_id") == {ox.Literal("b.author@example.org")}  # the repeat (line 17) is out
    assert "repeats line 16" in _review(edge, "edge.tsv line 17")[0].reason
    assert _review(edge, "edge.tsv line 18", "predicate_id")[0].value == "skos:fooMatch"
    assert "credo-ucf" in _review(edge, "edge.tsv line 19", "subject_id")[0].reason
    assert _review(edge, "edge.tsv line 20", "subject_id")
    # blank cells: nothing invented
    m = mapping_node("ibm-risk-atlas:atlas-data-poisoning", "skos:relatedMatch",
                     "mit-ai-risk-repository:mit-ai-risk-subdomain-2.2", "edge.tsv")
    assert objects(t, m, "sssom:object_id") == {N("mitdom:2.2")}
    assert objects(t, m, "sssom:author_id") == objects(t, m, "sssom:mapping_justification") == set()
    assert objects(t, m, "sssom:confidence") == set()
    assert _review(edge, "edge.tsv line 24", "object_id")  # MIT 9.9 does not exist
    m = mapping_node("ibm-risk-atlas:atlas-prompt-injection", "skos:relatedMatch",
                     "mit-ai-risk-repository-causal:mit-ai-causal-risk-entity-human", "edge.tsv")
    assert objects(t, m, "sssom:object_id") == {N("mitcausal:entity-human")}
    assert _review(edge, "edge.tsv line 26", "object_id")  # NIST id not in the NIST file
    # bad fields are left out, the row stays
    m = mapping_node("ibmairisk:atlas-prompt-injection", "skos:broadMatch", "nistai:nist-information-security",
                     "edge.tsv")
    assert objects(t, m, "sssom:confidence") == set() and objects(t, m, "sssom:mapping_date") == set()
    assert {r.field for r in _review(edge, "edge.tsv line 27")} == {"confidence", "mapping_date"}
    assert "shifted" in _review(edge, "edge.tsv line 28", "object_id")[0].reason
    assert "12 cells for 10 columns" in _review(edge, "edge.tsv line 29")[0].reason
    assert _review(edge, "edge.tsv line 30")
    # whitespace and case in the predicate; two authors in one cell
    m = mapping_node("ibm-risk-atlas:atlas-data-poisoning", "skos:closeMatch",
                     "owasp-llm-2.0:llm042025-data-and-model-poisoning", "edge.tsv")
    assert objects(t, m, "sssom:predicate_id") == {N("skos:closeMatch")}
    assert len(objects(t, m, "sssom:author_id")) == 2
    # no-match rows
    m = mapping_node("ibm-risk-atlas:atlas-orphan", "noMatch", "", "edge.tsv")
    assert objects(t, m, "sssom:object_id") == {N("sssom:NoTermFound")}
    assert edge.counts["mappings"] == 8 and edge.counts["no-match mappings"] == 2
    # 9 taxonomy records and 17 table rows read; 7 records and 8 mappings imported; each of the 11 others reviewed
    assert (edge.rows_read, edge.rows_imported) == (26, 15)
    skipped = {r.row for r in edge.review if r.field in ("", "id", "subject_id", "predicate_id", "object_id")}
    assert len(skipped) == 11


def test_edge_graph_validates(edge, tmp_path):
    report = validate_outcome(edge, "nexus-mappings", tmp_path)
    assert report.conforms, report.to_text()
    # the one warning: the orphan risk has no description in the fixture
    assert [p.focus for p in report.problems] == ["ibmrisk:atlas-orphan"]


def test_bad_inputs(tmp_path):
    with pytest.raises(InputFileError, match="a single file cannot hold"):
        nexus.read(FIXTURE / "data" / "mappings" / "edge.tsv")
    xlsx = tmp_path / "book.xlsx"
    with zipfile.ZipFile(xlsx, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputFileError, match="risk_atlas_data.yaml"):
        nexus.read(xlsx)
    with pytest.raises(InputFileError, match="no risk_atlas_data.yaml under this folder"):
        nexus.read(tmp_path)
    # a truncated taxonomy file names the file and line
    copy = tmp_path / "nexus"
    import shutil

    shutil.copytree(FIXTURE, copy)
    target = copy / "data" / "knowledge_graph" / "risk_atlas_data.yaml"
    target.write_text(target.read_text(encoding="utf-8")[:600] + '\n    name: "cut', encoding="utf-8")
    with pytest.raises(InputFileError, match="risk_atlas_data.yaml:.*not valid YAML") as e:
        nexus.read(copy)
    assert e.value.line is not None


# --- the tables are read by airm.sssom.read_tsv, the reader of airm's own mapping sets -----------------------------


def _review_file(ws: Path) -> list[dict]:
    with (ws / "review" / "nexus-mappings.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_what_the_shared_sssom_reader_reports_reaches_the_review_file(tmp_path):
    """Rows and tables airm.sssom.read_tsv reports reach the review file with its line and reason, and the rows it
    reads are the ones imported: a quoted cell running over lines is one row, as csv and pandas (sssom-py) read it,
    where a line-by-line reader would see six rows."""
    import shutil

    from airm import sssom
    from airm.importers.store import import_source

    copy = tmp_path / "nexus"
    shutil.copytree(FIXTURE, copy)
    tables = copy / "data" / "mappings"
    edge = (tables / "edge.tsv").read_text(encoding="utf-8")
    # a quote opens the comment of line 16 and closes at the end of line 21
    quoted = edge.replace("\tsame thing\n", '\t"same thing\n', 1)
    quoted = quoted.replace("\tnothing in OWASP\n", '\tnothing in OWASP"\n', 1)
    assert quoted.count('"') == 2
    (tables / "edge.tsv").write_text(quoted, encoding="utf-8")
    table = sssom.read_tsv(tables / "edge.tsv", bad_rows="collect")
    (spanning,) = [r for r in table.rows if r.end_line > r.line]
    assert (spanning.line, spanning.end_line) == (16, 21)
    ((bad_line, bad_text, bad_reason),) = table.bad_rows

    ws = tmp_path / "ws"
    summary = import_source("nexus-mappings", copy, workspace=ws)
    review = _review_file(ws)
    assert {"row": f"edge.tsv line {bad_line}", "field": "", "value": " ".join(bad_text.split()),
            "reason": f"{bad_reason}: row not imported"} in review
    assert {"row": "edge.tsv line 16", "field": "", "value": "",
            "reason": "a quoted cell runs from line 16 to line 21: read as one row (check the quotes)"} in review
    # lines 17-21 are part of line 16's comment, no rows of their own: neither imported nor reviewed
    assert not [r for r in review if r["row"] in {f"edge.tsv line {n}" for n in range(17, 22)}]
    # 9 taxonomy records, and the edge table's rows as read_tsv reads them: 17 lines, 5 of them inside line 16's cell
    assert summary.rows_read == 9 + len(table.rows) + len(table.bad_rows) == 9 + 17 - 5
    t = nexus.read(copy).triples
    m = mapping_node("ibm-risk-atlas:atlas-prompt-injection", "skos:exactMatch", "owasp-llm-2.0:llm01-prompt-injection",
                     "edge.tsv")
    (comment,) = objects(t, m, "sssom:comment")
    assert comment.value.startswith("same thing\nibm-risk-atlas:atlas-prompt-injection")
    assert "nothing in OWASP" in comment.value


@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("alias.tsv", "#a: &x [1]\n#b: *x\nsubject_id\tpredicate_id\tobject_id\n", None, "alias"),
    ("unclosed.tsv",
     'subject_id\tpredicate_id\tobject_id\nibm-risk-atlas:atlas-orphan\tnoMatch\t"' + "x" * 140_000 + "\n",
     2, "field larger than field limit"),
    ("not-sssom.tsv", (FIXTURE.parent / "not-sssom.tsv").read_text(encoding="utf-8"), 1, "not an SSSOM table"),
])
def test_a_table_that_cannot_be_read_fails_the_import(tmp_path, name, text, line, message):
    """Issue 12 item 7: a table read_tsv refuses (an alias in its metadata, a cell over csv's limit) used to leave
    one review line and the import exit 0 without the table's rows; now nothing is imported."""
    import shutil


    copy = tmp_path / "nexus"
    shutil.copytree(FIXTURE, copy)
    table = copy / "data" / "mappings" / name
    table.write_text(text, encoding="utf-8")
    ws = tmp_path / "ws"
    code, out, err = cli("import", "nexus-mappings", str(copy), "--workspace", str(ws))
    assert code == 2 and message in err and "nothing was imported" in err and "Traceback" not in err
    assert (f"{table}:{line}:" if line else f"{table}:") in err
    assert not ws.exists()


def test_one_over_long_field_fails_the_whole_import_of_the_real_tables(tmp_path, nexus_dir):
    """The auditor's case: one cell of mit-ai-risk-repository_ibm-risk-atlas.tsv (252 rows) made longer than csv's
    131,072-character limit dropped the whole table with exit 0."""
    import shutil

    copy = tmp_path / "nexus"
    shutil.copytree(nexus_dir, copy)
    table = copy / "src" / "ai_atlas_nexus" / "data" / "mappings" / "mit-ai-risk-repository_ibm-risk-atlas.tsv"
    lines = table.read_text(encoding="utf-8").split("\n")
    row = next(i for i, x in enumerate(lines) if x.startswith("ibm-risk-atlas:"))
    lines[row] = lines[row] + " " + "y" * 140_000
    table.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = cli("import", "nexus-mappings", str(copy), "--workspace", str(tmp_path / "ws"))
    assert code == 2 and f"{table}:{row + 1}:" in err and "nothing was imported" in err
    assert not (tmp_path / "ws").exists()


# --- end to end, through the command line ----------------------------------------------------------------------------


def test_cli_import_dry_run_then_import(root, tmp_path):
    ws = tmp_path / "ws"
    code, out, err = cli("import", "nexus-mappings", str(root), "--workspace", str(ws), "--dry-run")
    assert code == 0, err
    assert "would import 546 of 1724 rows" in out and not ws.exists()
    code, out, err = cli("import", "nexus-mappings", str(root), "--workspace", str(ws))
    assert code == 0, err
    assert "airm:ConceptMapping: 421" in out
    review = (ws / "review" / "nexus-mappings.tsv").read_text(encoding="utf-8").splitlines()
    assert len(review) == 1 + 1724 - 546
    code, out, err = cli("sparql", "--workspace", str(ws), "--format", "tsv",
                         "PREFIX sssom: <https://w3id.org/sssom/> "
                         "SELECT ?a WHERE { ?m sssom:author_id ?a } GROUP BY ?a")
    assert code == 0, err
    assert "pslat@mit.edu" in out


def test_cli_wrong_path(tmp_path):
    code, out, err = cli("import", "nexus-mappings", str(FIXTURE / "data" / "mappings" / "edge.tsv"),
                         "--workspace", str(tmp_path / "ws"))
    assert code == 2 and "edge.tsv" in err and "pip download" in err and "Traceback" not in err
