"""The MIT AI Risk Repository importer: the reference workbook and CSV (counts computed here with csv / openpyxl,
independently of the importer), known records field by field, and small fixtures for each kind of dirty data."""

from __future__ import annotations

import collections
import csv
import re

import pytest

from airm.errors import InputFileError
from airm.importers import mit_risks

from .conftest import FIXTURES, Index, term

EDGE = FIXTURES / "mit-risks" / "edge-cases.csv"
RISK_LEVELS = ("Risk Category", "Risk Sub-Category")
CAUSAL = {
    "Entity": ("airm:causalEntity",
               {"1": "entity-human", "2": "entity-ai", "3": "entity-other", "4": "entity-not-coded"}),
    "Intent": ("airm:causalIntent", {"1": "intent-intentional", "2": "intent-unintentional", "3": "intent-other",
                                     "4": "intent-not-coded"}),
    "Timing": ("airm:causalTiming", {"1": "timing-pre-deployment", "2": "timing-post-deployment", "3": "timing-other",
                                     "4": "timing-not-coded"}),
}


# --- the source, read here without the importer -----------------------------------------------------------------


@pytest.fixture(scope="module")
def raw(mit_csv) -> list[dict]:
    with open(mit_csv, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def raw_by_ev(raw) -> dict:
    out = collections.defaultdict(list)
    for r in raw:
        out[r["Ev_ID"]].append(r)
    return out


@pytest.fixture(scope="module")
def outcome(mit_csv):
    return mit_risks.read(mit_csv)


@pytest.fixture(scope="module")
def g(outcome) -> Index:
    return Index(outcome.triples)


def expected_domain(row) -> str:
    """The curated concept for a row's domain columns, by code, computed without the importer."""
    sub = row["Sub-domain"].split(">")[0].strip()
    if sub:
        return "mitdom:excluded" if sub.upper() == "X.1" else f"mitdom:{sub}"
    return "mitdom:" + row["Domain"].split(".")[0].strip()


def expected_causal(row, column) -> str | None:
    """The class a cell names; None for a blank cell (not recorded: nothing asserted, issue 12 item 12)."""
    code = row[column].split("-")[0].strip()
    return "mitcausal:" + CAUSAL[column][1][code] if code else None


# --- counts against the source ------------------------------------------------------------------------------------


def test_every_risk_entry_is_a_risk(raw, g, outcome):
    risk_rows = [r for r in raw if r["Category level"] in RISK_LEVELS]
    assert len(risk_rows) == 515 + 1097  # NOTE.md
    assert len(g.instances("airm:RiskEntry")) == len(risk_rows)
    assert outcome.counts["risk categories"] == sum(r["Category level"] == "Risk Category" for r in raw)
    assert outcome.counts["risk subcategories"] == sum(r["Category level"] == "Risk Sub-Category" for r in raw)
    # every risk entry is named after its Ev_ID (the duplicated ones with their label as suffix)
    ids = {r["Ev_ID"] for r in risk_rows}
    for node in g.instances("airm:RiskEntry"):
        (identifier,) = g.values(node, "dcterms:identifier")
        assert identifier in ids
        assert node.value.split("/")[-1].split("--")[0] == identifier


def test_papers_are_citations(raw, g):
    papers = [r for r in raw if r["Category level"] == "Paper"]
    assert len(papers) == 65
    docs = g.instances("bibo:Document")
    assert len(docs) == 65
    titles = {g.one(d, "dcterms:title").value for d in docs}
    assert titles == {r["Title"] for r in papers}  # as the source spells them (issue 12 item 11)
    assert {g.one(d, "rdfs:label").value for d in docs} == {r["QuickRef"] for r in papers}


def test_counts_per_domain_and_causal_class(raw, g):
    risk_rows = [r for r in raw if r["Category level"] in RISK_LEVELS]
    expected = collections.Counter(expected_domain(r) for r in risk_rows)
    got = collections.Counter(t.object.value for t in g.triples if t.predicate == term("airm:riskCategory"))
    assert got == {term(k).value: v for k, v in expected.items()}
    assert expected["mitdom:excluded"] == 203 and expected["mitdom:2.2"] == 98
    for column, (prop, _) in CAUSAL.items():
        expected = collections.Counter(expected_causal(r, column) for r in risk_rows if expected_causal(r, column))
        got = collections.Counter(t.object.value for t in g.triples if t.predicate == term(prop))
        assert got == {term(k).value: v for k, v in expected.items()}, column


def test_evidence_rows_attach_to_their_risk_or_go_to_review(raw, g, outcome):
    evidence_rows = [r for r in raw if r["Category level"] == "Additional evidence"]
    assert len(evidence_rows) == 565
    attached = {t.object for t in g.triples if t.predicate == term("airm:hasEvidence")}
    assert attached == g.instances("airm:RiskEvidence")
    from_rows = {n for n in attached if not n.value.endswith("-evidence")}
    quoted = {n for n in attached if n.value.endswith("-evidence")}
    not_imported = [r for r in outcome.review if r.reason.endswith("not imported")
                    and any(x in r.reason for x in ("additional evidence", "additional-evidence"))]
    assert len(from_rows) + len(not_imported) == len(evidence_rows)
    assert len(quoted) == sum(1 for r in raw if r["Category level"] in RISK_LEVELS and r["Additional ev."].strip())
    # each piece of evidence supports exactly one risk
    for n in attached:
        assert len(g.subjects("airm:hasEvidence", n)) == 1


def test_every_row_is_imported_or_in_review(raw, outcome, mit_csv):
    assert outcome.rows_read == len(raw) == 2242
    assert outcome.rows_imported == 2238
    rejected = {r.row for r in outcome.review if "not imported" in r.reason}
    assert len(rejected) == outcome.rows_read - outcome.rows_imported
    # review locators are the lines where the records start in the file
    lines = mit_csv.read_text(encoding="utf-8").splitlines()
    for r in outcome.review:
        number = int(re.search(r"line (\d+)$", r.row).group(1))
        if r.field == "Ev_ID" and r.value:
            assert r.value in lines[number - 1], (r, lines[number - 1][:80])


# --- known records, field by field -----------------------------------------------------------------------------------


def test_record_01_01_00(raw_by_ev, g):
    (row,) = raw_by_ev["01.01.00"]
    risk = "mitrisk:01.01.00"
    assert g.values(risk, "rdf:type") == {term("airm:RiskEntry").value}
    assert g.values(risk, "rdfs:label") == {row["Risk category"].strip()}
    assert g.values(risk, "dcterms:description") == {row["Description"].strip()}
    assert g.one(risk, "dcterms:description").language == "en"
    assert g.values(risk, "dcterms:identifier") == {"01.01.00"}
    assert g.values(risk, "airm:locator") == {"p. 3"}
    assert g.objects(risk, "dcterms:source") == {term("mitpaper:1")}
    assert g.objects(risk, "airm:causalEntity") == {term("mitcausal:entity-human")}
    assert g.objects(risk, "airm:causalIntent") == {term("mitcausal:intent-unintentional")}
    assert g.objects(risk, "airm:causalTiming") == {term("mitcausal:timing-other")}
    assert g.objects(risk, "airm:riskCategory") == {term("mitdom:6.5")}
    assert not g.objects(risk, "skos:broader")
    evidence = g.objects(risk, "airm:hasEvidence")
    expected = {f"mitrisk:01.01.00.{x}" for x in "ab"} | {"mitrisk:01.01.00-evidence"}
    assert {e.value for e in evidence} >= {term(x).value for x in expected}
    quoted = term("mitrisk:01.01.00-evidence")
    assert g.values(quoted, "dcterms:description") == {row["Additional ev."].strip()}
    assert g.values(quoted, "airm:locator") == {"p. 4"}
    (a,) = raw_by_ev["01.01.00.a"]
    assert g.values("mitrisk:01.01.00.a", "dcterms:description") == {a["Additional ev."].strip()}
    paper = term("mitpaper:1")
    assert g.values(paper, "rdfs:label") == {"Critch2023"}
    assert g.values(paper, "fabio:hasPublicationYear") == {"2023"}
    assert g.values(paper, "dcterms:title") == {row["Title"].strip()}


def test_subcategory_links_to_its_category(g):
    sub = "mitrisk:02.03.04"
    assert g.values(sub, "rdfs:label") == {"Software Vulnerabilities"}
    assert g.objects(sub, "skos:broader") == {term("mitrisk:02.03.00")}
    assert g.objects(sub, "airm:riskCategory") == {term("mitdom:2.2")}
    assert g.objects("mitrisk:02.03.00", "airm:riskCategory") == {term("mitdom:4.3")}
    assert g.values(sub, "airm:locator") == {"p. 11"}


def test_sentinels(g):
    # domain-level code N.0 and the excluded sentinel; "4 - Not coded" in every causal column
    assert g.objects("mitrisk:14.02.00", "airm:riskCategory") == {term("mitdom:2.0")}
    r = "mitrisk:02.11.01"
    assert g.objects(r, "airm:riskCategory") == {term("mitdom:excluded")}
    assert g.objects(r, "airm:causalEntity") == {term("mitcausal:entity-not-coded")}
    assert g.objects(r, "airm:causalIntent") == {term("mitcausal:intent-not-coded")}
    assert g.objects(r, "airm:causalTiming") == {term("mitcausal:timing-not-coded")}
    # a category row whose causal cells are blank: not recorded, so nothing is asserted (issue 12 item 12)
    assert g.objects("mitrisk:62.03.00", "airm:causalEntity") == set()


def test_duplicated_ev_ids_keep_both_risks(raw_by_ev, g, outcome):
    rows = raw_by_ev["49.01.02"]
    assert len(rows) == 2
    nodes = {n for n in g.instances("airm:RiskEntry") if g.values(n, "dcterms:identifier") == {"49.01.02"}}
    assert {g.one(n, "rdfs:label").value for n in nodes} == {r["Risk subcategory"].strip() for r in rows}
    assert all(n.value.split("/")[-1].startswith("49.01.02--") for n in nodes)
    notes = [r for r in outcome.review if r.field == "Ev_ID" and r.value == "49.01.02"]
    assert len(notes) == 2 and all("used by 2 rows" in r.reason for r in notes)
    # the Gipiškis categories share Ev_IDs: each subcategory hangs under the category of its own name
    for n in g.instances("airm:RiskEntry"):
        if g.values(n, "dcterms:identifier") == {"62.31.01"}:
            (parent,) = g.objects(n, "skos:broader")
            assert parent.value.split("/")[-1].startswith("62.31.00--")


def test_broken_links_are_repaired_by_name_and_noted(g, outcome):
    # 62.15.01 points to a category row 62.15.00 that does not exist; its category is 62.14.00 by name
    assert g.objects("mitrisk:62.15.01", "skos:broader") == {term("mitrisk:62.14.00")}
    assert any(r.value == "62.15.01" and "linked to 62.14.00" in r.reason for r in outcome.review)
    # evidence for a risk that is not in the file goes to review
    assert any(r.value == "62.20.11a" and "not imported" in r.reason for r in outcome.review)
    # a spreadsheet turned a page range into a date: left out, noted
    assert any(r.field == "P.Def" and r.value.startswith("2025-08-09") for r in outcome.review)


# --- the workbook --------------------------------------------------------------------------------------------------


def test_workbook_and_csv_give_the_same_graph(mit_xlsx, outcome):
    from_xlsx = mit_risks.read(mit_xlsx)
    assert set(from_xlsx.triples) == set(outcome.triples)
    assert from_xlsx.counts == outcome.counts
    assert (from_xlsx.rows_read, from_xlsx.rows_imported) == (outcome.rows_read, outcome.rows_imported)
    assert from_xlsx.provenance.version == "v3 (updated 26 March 2025)"
    assert all(re.match(r"^AI Risk Database v3!row \d+$", r.row) for r in from_xlsx.review)


def test_workbook_counts_read_with_openpyxl(mit_xlsx, g):
    import openpyxl

    wb = openpyxl.load_workbook(mit_xlsx, read_only=True, data_only=True)
    try:
        rows = list(wb["AI Risk Database v3"].iter_rows(values_only=True))
    finally:
        wb.close()
    header = list(rows[2])
    level = header.index("Category level")
    counts = collections.Counter(r[level] for r in rows[3:] if r[level])
    assert counts["Risk Category"] + counts["Risk Sub-Category"] == len(g.instances("airm:RiskEntry"))
    assert counts["Paper"] == len(g.instances("bibo:Document"))


def test_provenance(outcome, mit_csv):
    import hashlib

    p = outcome.provenance
    assert p.source_file == "ai_risk_database_v3.csv"
    assert p.sha256 == hashlib.sha256(mit_csv.read_bytes()).hexdigest()
    assert p.version == "v3"
    assert p.license == "http://spdx.org/licenses/CC-BY-4.0"
    assert "Slattery" in p.attribution and "2408.12622" in p.attribution


# --- edge cases (fixture written for the tests) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge():
    return mit_risks.read(EDGE)


@pytest.fixture(scope="module")
def eg(edge) -> Index:
    return Index(edge.triples)


def review_of(outcome, line: int, field: str | None = None):
    return [r for r in outcome.review if r.row == f"{EDGE.name} line {line}" and (field is None or r.field == field)]


def test_edge_rows_add_up(edge):
    # 22 data lines after the banner and the header; two blank lines do not count
    assert edge.rows_read == 20
    rejected = {r.row for r in edge.review if "not imported" in r.reason}
    assert len(rejected) == edge.rows_read - edge.rows_imported == 5
    assert edge.counts == {"papers": 3, "risk categories": 4, "risk subcategories": 7, "additional evidence": 2,
                           "quoted evidence": 1, "duplicate rows": 0, "causal cells not recorded": 4}


def test_edge_stray_whitespace_and_case(eg):
    r = "mitrisk:01.01.01"
    assert eg.values(r, "rdfs:label") == {"  Sub one   A "}  # as the source spells it; the store trims the ends
    assert eg.objects(r, "airm:causalEntity") == {term("mitcausal:entity-ai")}  # " 2 - ai "
    assert eg.objects(r, "airm:causalIntent") == {term("mitcausal:intent-intentional")}  # "1 - INTENTIONAL"
    assert eg.objects(r, "airm:riskCategory") == {term("mitdom:2.2")}  # "  2.2>AI system security"
    assert eg.values(r, "airm:locator") == {"pp. 14-15"}
    assert eg.objects("mitrisk:01.01.02", "airm:riskCategory") == {term("mitdom:excluded")}  # "x.1 > excluded"


def test_edge_label_drift_is_matched_by_code(eg, edge):
    # the paper's title differs on a risk row: the Paper_ID decides, no second paper
    assert eg.objects("mitrisk:01.01.01", "dcterms:source") == {term("mitpaper:1")}
    assert eg.values("mitpaper:1", "dcterms:title") == {"A Test Paper on Made-up Risks"}
    # "4 - Other" is code 4, the "Not coded" sentinel, whatever its label says
    assert eg.objects("mitrisk:01.01.02", "airm:causalTiming") == {term("mitcausal:timing-not-coded")}
    # a drifted domain name with a known code
    assert eg.objects("mitrisk:01.02.03", "airm:riskCategory") == {term("mitdom:6.0")}
    assert not review_of(edge, 15)


def test_edge_sentinels_and_blank_cells(eg, edge):
    assert eg.objects("mitrisk:01.01.02", "airm:causalIntent") == set()  # blank: not recorded
    assert [r.reason for r in review_of(edge, 9, "Intent")] == [
        "blank: not recorded, so no causal class is asserted (a blank is not the source's '4 - Not coded')"]
    assert eg.objects("mitrisk:01.02.00", "airm:riskCategory") == {term("mitdom:4.0")}
    blank = "mitrisk:02.01.00"
    for prop in ("airm:causalEntity", "airm:causalIntent", "airm:causalTiming"):
        assert eg.objects(blank, prop) == set()
    assert not eg.objects(blank, "airm:riskCategory")
    assert [r.field for r in review_of(edge, 23)] == ["Entity", "Intent", "Timing", "Sub-domain"]  # each blank is noted
    assert not eg.objects(blank, "dcterms:description")


def test_edge_unknown_codes_go_to_review(eg, edge):
    r = "mitrisk:01.02.01"
    assert not eg.objects(r, "airm:causalEntity") and not eg.objects(r, "airm:causalIntent")
    assert eg.objects(r, "airm:causalTiming") == {term("mitcausal:timing-other")}
    assert not eg.objects(r, "airm:riskCategory")
    assert {x.field for x in review_of(edge, 11)} == {"P.Def", "Entity", "Intent", "Domain", "Sub-domain"}
    assert eg.objects(r, "skos:broader") == {term("mitrisk:01.02.00")}


def test_edge_duplicate_identifier(eg, edge):
    a, b = term("mitrisk:01.02.02--duplicate-a"), term("mitrisk:01.02.02--duplicate-b")
    assert eg.objects(a, "airm:riskCategory") == {term("mitdom:7.1")}  # the sub-domain wins over the domain
    assert [x.field for x in review_of(edge, 12)] == ["Ev_ID", "Domain"]
    assert eg.objects(b, "airm:riskCategory") == {term("mitdom:4.3")}
    # the evidence row names the second of them by its subcategory
    assert eg.objects(b, "airm:hasEvidence") == {term("mitrisk:01.02.02.a")}
    assert not eg.objects(a, "airm:hasEvidence")


def test_edge_rows_not_imported(edge):
    reasons = {line: review_of(edge, line)[0].reason for line in (17, 18, 19, 20, 21)}
    assert "blank Ev_ID" in reasons[17]
    assert "not an Ev_ID" in reasons[18]
    assert "unknown category level" in reasons[19]
    assert "no risk entry with Ev_ID 01.09.09" in reasons[20]
    assert "no text" in reasons[21]


def test_edge_papers(eg, edge):
    assert eg.values("mitpaper:2", "rdfs:label") == {"Second2023"}
    assert "taken from the Ev_ID" in review_of(edge, 22, "Paper_ID")[0].reason
    assert eg.values("mitpaper:3", "dcterms:title") == {"A Third Paper"}  # no Paper row: from the risk row
    assert "no Paper row" in review_of(edge, 24, "Paper_ID")[0].reason
    assert not eg.objects("mitrisk:03.01.00", "airm:locator")  # "-" is a blank page
    assert not eg.objects("mitrisk:01.03.01", "skos:broader")  # its category row is missing


def test_edge_workbook_gives_the_same_graph(tmp_path, edge):
    """The same rows typed into a workbook (numbers as numbers, a banner above the header) import identically."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Contents"
    ws = wb.create_sheet("AI Risk Database v3")
    with open(EDGE, newline="", encoding="utf-8") as f:
        records = list(csv.reader(f))
    ws.append(["Updated: 1 January 2030"])
    for rec in records[1:]:
        ws.append([float(v) if re.fullmatch(r"\d+\.0", v) else v for v in rec] if rec else [])
    path = tmp_path / "edge.xlsx"
    wb.save(path)
    from_xlsx = mit_risks.read(path)
    assert set(from_xlsx.triples) == set(edge.triples)
    assert len(from_xlsx.review) == len(edge.review)
    assert from_xlsx.provenance.version == "v3 (updated 1 January 2030)"


def test_truncated_csv_keeps_whole_rows_and_reviews_the_cut_one(tmp_path, edge):
    text = EDGE.read_text(encoding="utf-8")
    cut = text.index("Third Paper,Third2022") + 40
    path = tmp_path / "cut.csv"
    path.write_text(text[:cut], encoding="utf-8")
    out = mit_risks.read(path)
    assert out.rows_read == edge.rows_read
    assert out.rows_imported == edge.rows_imported - 1
    (note,) = [r for r in out.review if r.row == "cut.csv line 24"]
    assert "truncated" in note.reason


def test_a_row_with_too_many_cells_goes_to_review(tmp_path, edge):
    path = tmp_path / "commas.csv"
    text = EDGE.read_text(encoding="utf-8").replace("Sub one B,", "Sub one B, with a comma,")
    path.write_text(text, encoding="utf-8")
    out = mit_risks.read(path)
    assert out.rows_imported == edge.rows_imported - 1
    (note,) = [r for r in out.review if r.row == "commas.csv line 9"]
    assert "20 cells for 19 columns" in note.reason


def test_truncated_workbook_is_a_clear_error(tmp_path, mit_xlsx):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(mit_xlsx.read_bytes()[: 200_000])
    with pytest.raises(InputFileError,
                       match=r"cut\.xlsx: not a readable zip archive.*expected the MIT AI Risk Repository"):
        mit_risks.read(path)


@pytest.mark.parametrize("name, content, message", [
    ("risks.yaml", "risks:\n  - id: 1\n",
     r"a \.yaml file is not the MIT AI Risk Repository database; expected .*\.xlsx.*CSV"),
    ("other.csv", "a,b,c\n1,2,3\n", r"no header row with Ev_ID and Category level"),
    ("half.csv", "Ev_ID,Category level,Title\n01.00.00,Paper,x\n", r"lacks the column\(s\) Paper_ID"),
    ("latin1.csv", None, r"not UTF-8"),
])
def test_wrong_files_name_the_expected_format(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        path.write_bytes("Title,Ev_ID\nCaf\xe9,1\n".encode("latin-1"))
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as info:
        mit_risks.read(path)
    assert str(path) in str(info.value)


def test_missing_and_empty_inputs(tmp_path):
    with pytest.raises(InputFileError, match="no such file or folder"):
        mit_risks.read(tmp_path / "nothing.xlsx")
    with pytest.raises(InputFileError, match="no .xlsx or .csv file in this folder"):
        mit_risks.read(tmp_path)
    wheel = tmp_path / "x.zip"
    import zipfile

    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("a.txt", "not a workbook")
    with pytest.raises(InputFileError, match="cannot open the workbook"):
        mit_risks.read(wheel)
