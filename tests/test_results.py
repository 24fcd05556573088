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
