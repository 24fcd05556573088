"""Results for notebook users: records and a pandas DataFrame that keep what the parameters resolved to."""

from __future__ import annotations

import pytest


def test_to_records_are_plain_values_in_column_order(kg):
    result = kg.query("mitigations-for-risk", risk="2.2")
    records = result.to_records()
    assert records and list(records[0]) == result.variables
    assert records[0]["risk"] == "https://w3id.org/airm/id/mit-risk-domain/2.2"
    assert all(isinstance(v, (str, int, float, bool, type(None))) for r in records for v in r.values())


def test_to_pandas_keeps_rows_columns_and_resolution(kg):
    pd = pytest.importorskip("pandas")
    result = kg.query("mitigations-for-risk", risk="2.2")
    df = result.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == result.variables and len(df) == len(result)
    assert df.attrs["resolved"]["risk"]["how"] == "code"
    assert df["mitigationLabel"].tolist() == [r["mitigationLabel"] for r in result.to_records()]


def test_to_pandas_refuses_a_graph_result(kg):
    pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="no rows"):
        kg.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1").to_pandas()


def test_to_pandas_without_pandas_names_the_extra(kg, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas here")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"airm\[pandas\]"):
        kg.query("consensus-categories").to_pandas()


# --- the CLI's table ------------------------------------------------------------------------------------------------

def test_a_table_fits_the_width_it_is_given_and_shows_labels_not_iris(kg):
    result = kg.query("mitigations-for-risk")
    for width in (60, 80, 120, 200):
        text = result.to_table(width=width)
        assert max(len(line) for line in text.splitlines()[:-1]) <= width, width
    text = result.to_table(width=100)
    assert "Alignment training" in text and "mitigation:shi2024-alignment-training" not in text
    lines = text.splitlines()
    assert "risk: llmsr:value-misalignment" in lines and "follow: none" in lines  # one value in every row: said once
    assert "sourceLabel: Large Language Model Safety: A Holistic Survey" in lines and "source: " not in text
    # mitigation and source (each has a label column) and method (empty) are left out
    assert lines[-1] == "(6 rows; not shown: 3 column(s) (IRIs with a label column, empty ones): --wide)"


def test_a_wide_table_shows_every_column_with_whole_iris(kg):
    result = kg.query("mitigations-for-risk")
    text = result.to_table(width=400, wide=True)
    header = text.splitlines()[0].split()
    assert header == result.variables
    assert "mitigation:shi2024-alignment-training" in text and "not shown" not in text


def test_long_cells_are_cut_and_wrapped_never_lost_from_csv(kg):
    from airm.results import TEXT_CELL

    result = kg.query("mitigations-for-risk")
    long = max((r["description"].value for r in result.rows), key=len)
    assert len(long) > 100
    assert long in result.to_delimited(",")  # CSV keeps the cell whole
    table = result.to_table(width=80)
    assert long not in table and all(len(line) <= 80 for line in table.splitlines())
    assert all(len(word) < TEXT_CELL for word in table.split())


def test_table_width_follows_columns_and_has_a_default_for_pipes(monkeypatch):
    from airm.results import PIPE_WIDTH, table_width

    monkeypatch.setenv("COLUMNS", "73")
    assert table_width() == 73
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr("sys.stdout.isatty", lambda: False, raising=False)
    assert table_width() == PIPE_WIDTH


def test_cli_adds_label_columns_to_csv_and_json_and_keeps_the_iris():
    import json

    from helpers import run_cli

    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    names = doc["head"]["vars"]
    assert names.index("riskLabel") == names.index("risk") + 1  # added next to the IRI column it names
    row = doc["results"]["bindings"][0]
    assert row["risk"] == {"type": "uri", "value": "https://w3id.org/airm/id/llm-safety-risk/value-misalignment"}
    assert row["riskLabel"]["value"] == "Value Misalignment"
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert header[:2] == ["risk", "riskLabel"] and "source" in header and "sourceLabel" in header
    assert "https://w3id.org/airm/id/mitigation/shi2024-alignment-training" in out


def test_cli_table_honours_columns_and_wide(monkeypatch):
    from helpers import run_cli

    monkeypatch.setenv("COLUMNS", "70")
    code, out, err = run_cli("query", "run", "mitigations-for-risk")
    assert code == 0, err
    assert all(len(line) <= 70 for line in out.splitlines())
    monkeypatch.setenv("COLUMNS", "500")
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--wide")
    assert code == 0, err
    assert "mitigation:shi2024-alignment-training" in out


def _modules_loaded_by(code: str) -> str:
    """What ``code`` prints when run by a fresh interpreter (a start-up test needs a process of its own)."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_help_and_query_list_load_neither_rdflib_nor_rich():
    """Start-up stays quick: the table writer's rich and the reference engine load only when a query runs."""
    code = ("import contextlib, io, sys\nfrom airm.cli import main\n"
            "for argv in (['--help'], ['query', 'list'], ['query', 'run', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        main(argv)\n"
            "print(sorted(m for m in ('rdflib', 'rich') if m in sys.modules))")
    assert _modules_loaded_by(code) == "[]"


def test_a_table_of_identical_rows_stays_a_table():
    from airm.results import QueryResult, Term

    rows = [{"a": Term("literal", "x"), "b": Term("uri", "https://w3id.org/airm#Mitigation")}] * 3
    text = QueryResult("select", ["a", "b"], rows).to_table(width=50)
    assert text.splitlines()[0].split() == ["a", "b"] and text.count("airm:Mitigation") == 3
    assert text.splitlines()[-1] == "(3 rows)"


def test_a_label_column_right_after_an_iri_column_names_it():
    """browse-mitigations pairs mitigationCategory with categoryLabel: no second label column is added, and the
    table shows the label in the IRI's place."""
    import airm
    from airm.labels import add_label_columns
    from airm.results import label_column

    kg = airm.load()
    result = kg.query("browse-mitigations")
    before = list(result.variables)
    assert label_column(before, "mitigationCategory") == "categoryLabel"
    assert label_column(before, "categoryLabel") is None and label_column(before, "memberCount") is None
    add_label_columns(kg, result)
    assert [v for v in result.variables if v not in before] == []  # every IRI column there already has its label
    header = result.to_table(width=300).splitlines()
    assert "mitigationCategory" not in " ".join(header[:3]) and "categoryLabel" in " ".join(header)


def test_query_run_leaves_the_engines_to_the_query_process():
    """A stored query's parent process imports neither the engines nor pyoxigraph before it forks the query's
    process (airm.bounds checks --timeout and --limit on its own): the child does that work while the parent imports
    the renderer, so on two cores neither waits for the other."""
    code = ("import sys\nimport airm.isolation as iso\nfrom airm.cli import main\n"
            "def spy(work, **kw):\n"
            "    print(sorted(m for m in ('airm.engines', 'airm.catalog', 'pyoxigraph') if m in sys.modules))\n"
            "    raise SystemExit(0)\n"
            "iso.run_in_child = spy\n"
            "main(['query', 'run', 'training-methods-for-risk', '--timeout', '5'])")
    assert _modules_loaded_by(code) == "[]"
    from airm.bounds import check_bounds
    from airm.errors import QueryError

    with pytest.raises(QueryError, match="timeout must be a positive number"):
        check_bounds(float("nan"), None)
