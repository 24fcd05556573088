"""Bounded inputs and a workspace that stays readable (issue 12, items 2 and 6): non-regular files, sizes, archive
members, workbook shared strings, rows, YAML depth, over-long values, and the read-back before a commit."""

from __future__ import annotations

import os
import zipfile

import pytest
import yaml

from airm.errors import InputFileError, UserError
from airm.importers import inputs
from airm.importers.store import import_source
from helpers import run_cli

from .conftest import FIXTURES

ATLAS_EDGE = FIXTURES / "atlas" / "edge-cases.yaml"
SOURCES = ["atlas", "mit-risks", "mit-mitigations", "nist-ai-600-1", "nexus-mappings"]


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- non-regular files: refused before anything opens them (a FIFO would block, /dev/zero never ends) -------------

@pytest.mark.parametrize("source", SOURCES)
def test_a_fifo_is_refused_without_blocking(source, tmp_path):
    fifo = tmp_path / "ATLAS.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="named pipe"):
        import_source(source, fifo, workspace=tmp_path / "ws")
    assert files_under(tmp_path / "ws") == []


@pytest.mark.parametrize("source", SOURCES)
def test_a_link_to_a_device_is_refused(source, tmp_path):
    link = tmp_path / "data.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputFileError, match="a device, not a regular file") as e:
        import_source(source, link, workspace=tmp_path / "ws")
    assert "data.csv" in str(e.value)


def test_a_fifo_inside_a_folder_is_refused(tmp_path):
    folder = tmp_path / "atlas-data" / "dist"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "ATLAS.yaml")
    with pytest.raises(InputFileError, match="named pipe"):
        import_source("atlas", tmp_path / "atlas-data", workspace=tmp_path / "ws")


# --- sizes ----------------------------------------------------------------------------------------------------------

def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "ATLAS.yaml"
    with open(big, "wb") as f:  # sparse: the size is what is checked, nothing is read
        f.truncate(inputs.MAX_FILE_BYTES + 1)
    with pytest.raises(InputFileError, match="over airm's 32 MiB limit") as e:
        import_source("atlas", big, workspace=tmp_path / "ws")
    assert str(big) in str(e.value)


def _wheel(path, members: dict):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_wheel_member_that_unpacks_too_large_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    wheel = _wheel(tmp_path / "ai_atlas_nexus-9.9.9-py3-none-any.whl", {
        "ai_atlas_nexus/data/knowledge_graph/nist_ai_rmf_data.yaml": b"\n" * (inputs.MAX_FILE_BYTES + 1),
        "ai_atlas_nexus/data/knowledge_graph/nist_ai_rmf_actions_data.yaml": b"actions: []\n"})
    assert wheel.stat().st_size < 100_000
    unpacked = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, name, *a, **k: unpacked.append(name) or real_open(self, name, *a, **k))
    with pytest.raises(InputFileError, match="unpacks to 33,554,433 bytes, over airm's 32 MiB limit") as e:
        import_source("nist-ai-600-1", wheel, workspace=tmp_path / "ws")
    assert "nist_ai_rmf_data.yaml" in str(e.value) and unpacked == []


def test_an_archive_with_too_many_members_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_ARCHIVE_MEMBERS", 5)
    wheel = _wheel(tmp_path / "many.whl", {f"ai_atlas_nexus/x{i}.txt": b"" for i in range(6)})
    with pytest.raises(InputFileError, match="holds 6 files, over airm's limit of 5"):
        import_source("nexus-mappings", wheel, workspace=tmp_path / "ws")


def test_a_workbook_shared_string_bomb_is_refused_before_openpyxl_reads_it(tmp_path, monkeypatch):
    import openpyxl

    strings = b"<sst>" + b"<si><t>x</t></si>" * (inputs.MAX_SHARED_STRINGS_BYTES // 17 + 1) + b"</sst>"
    book = _wheel(tmp_path / "book.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": strings})
    assert book.stat().st_size < 200_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl was reached"))
    with pytest.raises(InputFileError, match="sharedStrings.xml: unpacks to .* over airm's 16 MiB limit"):
        import_source("mit-risks", book, workspace=tmp_path / "ws")


def test_a_csv_over_the_row_cap_is_refused(tmp_path):
    csv = tmp_path / "ai_risk_database_v3.csv"
    header = ("Title,QuickRef,Ev_ID,Paper_ID,Cat_ID,SubCat_ID,AddEv_ID,Category level,Risk category,Risk subcategory,"
              "Description,Additional ev.,P.Def,p.AddEv,Entity,Intent,Timing,Domain,Sub-domain\n")
    csv.write_text(header + "T,Q,01.01.00,1,,,,Risk Category,c,,d,,,,,,,,\n" * (inputs.MAX_ROWS + 1), encoding="utf-8")
    with pytest.raises(InputFileError, match="more than 100,000 rows"):
        import_source("mit-risks", csv, workspace=tmp_path / "ws")


def test_yaml_nested_990_deep_is_refused_naming_the_file(tmp_path):
    deep = tmp_path / "ATLAS.yaml"
    deep.write_text("id: ATLAS\nversion: '1'\nname: x\nmatrices:\n- tactics: " + "[" * 990 + "]" * 990 + "\n",
                    encoding="utf-8")
    code, out, err = run_cli("import", "atlas", str(deep), "--workspace", str(tmp_path / "ws"))
    assert code == 2 and f"{deep}:5: YAML nested more than 64 levels deep" in err and "Traceback" not in err


def test_the_real_sources_are_within_every_bound(reference):
    """The limits leave the published files far inside them (a bound that refused real data would be a bug)."""
    nexus_graph = reference / "ai-atlas-nexus" / "src" / "ai_atlas_nexus" / "data" / "knowledge_graph"
    for path in [reference / "mitre-atlas" / "dist" / "ATLAS.yaml", *nexus_graph.glob("*.yaml")]:
        inputs.load_yaml(inputs.read_file(path), str(path), expected="a source")
    with inputs.open_archive(next((reference / "ai-atlas-nexus-wheel").glob("*.whl"))):
        pass
    with inputs.open_archive(next((reference / "mit-ai-risk-repository").glob("*.xlsx"))):
        pass


# --- item 2: an over-long value never reaches the workspace; a poisoned workspace says which file and what to do --

def _atlas_with_description(tmp_path, size: int):
    doc = yaml.safe_load(ATLAS_EDGE.read_text(encoding="utf-8"))
    doc["matrices"][0]["tactics"][0]["description"] = "x" * size
    path = tmp_path / "big" / "ATLAS.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_a_20_mib_description_is_refused_naming_file_and_record(tmp_path):
    ws = tmp_path / "ws"
    import_source("atlas", ATLAS_EDGE, workspace=ws)
    before = {p: p.read_bytes() for p in (ws / "sources").iterdir()}
    big = _atlas_with_description(tmp_path, 20 * 1024 * 1024)
    code, out, err = run_cli("import", "atlas", str(big), "--workspace", str(ws))
    assert code == 2, err
    assert f"{big}: record atlas:AML.TA0900: its skos:definition is 20,971,520 characters" in err
    assert {p: p.read_bytes() for p in (ws / "sources").iterdir()} == before  # the previous import is untouched
    code, out, err = run_cli("query", "run", "mitigations-for-risk", "--workspace", str(ws))
    assert code == 0, err


def test_an_import_that_does_not_read_back_is_not_written(tmp_path, monkeypatch):
    from airm.importers import store

    real = store.serialize_nquads
    monkeypatch.setattr(store, "serialize_nquads", lambda quads: real(quads)[: -200])  # a line cut short
    with pytest.raises(InputFileError, match="does not read back|reads back as"):
        import_source("atlas", ATLAS_EDGE, workspace=tmp_path / "ws")
    assert files_under(tmp_path / "ws") == []


def test_a_poisoned_workspace_names_the_file_and_the_fix(tmp_path):
    ws = tmp_path / "ws"
    import_source("atlas", ATLAS_EDGE, workspace=ws)
    nq = ws / "sources" / "atlas.nq"
    with open(nq, "a", encoding="utf-8") as f:  # what an import without the bound used to write
        f.write(f'<https://e/a> <https://e/b> "{"x" * (17 * 1024 * 1024)}" '
                '<https://w3id.org/airm/graph/import/atlas> .\n')
    for args in (["query", "run", "mitigations-for-risk"], ["build", "--out", str(tmp_path / "out")],
                 ["export", "--format", "nt", "--out", str(tmp_path / "x.nt")]):
        code, out, err = run_cli(*args, "--workspace", str(ws))
        assert code == 2, (args, err)
        assert f"{nq}: a value or line over the parser's 16 MiB limit" in err
        assert "import it again (airm import atlas PATH) or remove" in err and "Traceback" not in err
    code, out, err = run_cli("import", "atlas", str(ATLAS_EDGE), "--workspace", str(ws))  # re-import mends it
    assert code == 0, err
    assert run_cli("query", "run", "mitigations-for-risk", "--workspace", str(ws))[0] == 0


def test_a_workspace_that_is_a_regular_file_is_refused(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "airm-data"
    not_a_folder.write_text("x", encoding="utf-8")
    monkeypatch.setenv("AIRM_WORKSPACE", str(not_a_folder))
    for args in (["sources"], ["query", "run", "mitigations-for-risk"], ["import", "atlas", str(ATLAS_EDGE)]):
        code, out, err = run_cli(*args)
        assert code == 2 and f"{not_a_folder} ($AIRM_WORKSPACE) is not a folder" in err, (args, err)
    with pytest.raises(UserError):
        import_source("atlas", ATLAS_EDGE)


def test_a_user_file_over_the_parsers_limit_is_exit_2_naming_it(tmp_path):
    """pyoxigraph stops at a 16 MiB literal with a MemoryError, which was an internal error (exit 3)."""
    big = tmp_path / "big.ttl"
    big.write_text(f'<https://e/a> <https://e/b> "{"x" * (17 * 1024 * 1024)}" .\n', encoding="utf-8")
    code, out, err = run_cli("validate", str(big), "--no-embedded")
    assert code == 2 and f"{big}: a value or line over the parser's 16 MiB limit" in err and "Traceback" not in err
