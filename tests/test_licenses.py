"""Issue 19 item 4: one licence IRI per licence (SPDX's) in the ontology, data, importers and ``airm sources``."""

import importlib

import pytest

from airm.licenses import SPDX, spdx_id, spdx_iri


@pytest.mark.parametrize("given, ident", [
    ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
    ("http://creativecommons.org/licenses/by/4.0", "CC-BY-4.0"),
    ("https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
    ("https://www.apache.org/licenses/LICENSE-2.0.html", "Apache-2.0"),  # as AI Atlas Nexus's SSSOM tables say
    ("http://spdx.org/licenses/Apache-2.0", "Apache-2.0"),
    ("https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"),
    ("CC-BY-SA-4.0", "CC-BY-SA-4.0"),
])
def test_every_form_of_a_licence_gets_its_one_spdx_iri(given, ident):
    assert spdx_id(given) == ident
    assert spdx_iri(given) == SPDX + ident


def test_an_unknown_licence_page_is_kept_as_given():
    assert spdx_id("https://example.org/my-licence") is None
    assert spdx_iri("https://example.org/my-licence") == "https://example.org/my-licence"


def test_every_licence_in_the_build_is_an_spdx_iri(kg):
    rows = kg.store.query("SELECT DISTINCT ?l WHERE { ?s <http://purl.org/dc/terms/license> ?l }",
                          use_default_graph_as_union=True)
    licences = {r["l"].value for r in rows}
    assert licences and all(v.startswith(SPDX) for v in licences), licences


@pytest.mark.parametrize("module", ["mit_risks", "mit_mitigations", "nist_ai_600_1", "atlas", "nexus_mappings"])
def test_every_importer_records_an_spdx_iri(module):
    assert importlib.import_module(f"airm.importers.{module}").LICENSE.startswith(SPDX)


def test_airm_sources_prints_spdx_ids_whatever_form_an_import_recorded():
    from airm.workspace import sources_table

    found = [{"name": n, "status": "ok", "license": lic, "counts": {}} for n, lic in (
        ("a", "https://creativecommons.org/licenses/by/4.0/"), ("b", "http://spdx.org/licenses/CC-BY-4.0"),
        ("c", "https://www.apache.org/licenses/LICENSE-2.0"))]
    lines = sources_table(found).splitlines()[1:]
    assert [line.split()[1] for line in lines] == ["CC-BY-4.0", "CC-BY-4.0", "Apache-2.0"]


def test_a_mapping_table_licence_page_becomes_its_spdx_iri():
    """AI Atlas Nexus's SSSOM tables name Apache 2.0 by its apache.org page; the imported set uses the SPDX IRI."""
    from pathlib import Path

    from airm.importers import nexus_mappings

    fixture = Path(__file__).resolve().parent / "fixtures" / "importers" / "nexus" / "edge-cases"
    assert "LICENSE-2.0.html" in (fixture / "data" / "mappings" / "edge.tsv").read_text()
    outcome = nexus_mappings.read(fixture)
    licences = {t.object.value for t in outcome.triples if t.predicate.value == "http://purl.org/dc/terms/license"}
    assert licences == {SPDX + "Apache-2.0"}
