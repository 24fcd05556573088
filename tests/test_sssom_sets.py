"""Issue 19 item 6: one mapping_set_id per distinct set of rows, with its own version and licence."""

from __future__ import annotations

import pytest

from airm import export, sssom


def _metadata(data: bytes) -> dict:
    table = sssom.read_tsv(data, name="export")
    return table.metadata


@pytest.fixture(scope="module")
def tables(kg):
    return {scope: export.mappings_tsv(kg, scope=scope) for scope in ("ontology", "data", "all")}


def test_each_scope_has_its_own_set_id_and_version(tables):
    metas = {scope: _metadata(data) for scope, data in tables.items()}
    ids = {m["mapping_set_id"] for m in metas.values()}
    versions = {m["mapping_set_version"] for m in metas.values()}
    assert len(ids) == 3 and len(versions) == 3, metas
    for scope, m in metas.items():
        assert m["mapping_set_id"].startswith(f"{sssom.COMBINED_SET}-{scope}/")
        digest = m["mapping_set_id"].rsplit("/", 1)[1]
        assert m["mapping_set_version"].endswith("+" + digest)


def test_the_same_rows_give_the_same_id_and_other_rows_another(kg, tables):
    assert export.mappings_tsv(kg, scope="ontology") == tables["ontology"]
    sets = sssom.collect(kg.store, kinds=("alignment",), version="0.1.0")
    whole = sssom.combine(sets, version="0.1.0", scope="ontology")
    fewer = sssom.combine(sets[1:], version="0.1.0", scope="ontology")
    assert whole.id == _metadata(tables["ontology"])["mapping_set_id"]
    assert fewer.id != whole.id and fewer.version != whole.version


def test_licence_is_the_rows_own_when_they_share_one(tables):
    assert _metadata(tables["ontology"])["license"] == "http://spdx.org/licenses/CC-BY-4.0"
    for data in tables.values():
        assert _metadata(data)["license"] in ("http://spdx.org/licenses/CC-BY-4.0", sssom.UNSPECIFIED_LICENSE)


def test_sssom_py_reads_each_set_with_its_id(tables, tmp_path):
    from sssom.parsers import parse_sssom_table

    for scope, data in tables.items():
        path = tmp_path / f"{scope}.sssom.tsv"
        path.write_bytes(data)
        msdf = parse_sssom_table(path)
        assert msdf.metadata["mapping_set_id"] == _metadata(data)["mapping_set_id"]
        assert len(msdf.df) > 0
