"""What issue 17 keeps so that a query costs less: the materialised reach of risks, the parsed catalog and the
VALUES-binding checks kept in the cache, and the choice between the on-disk and the in-memory store. Each must
give exactly what working it out afresh gives; nothing here is timed."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

import airm
from airm import catalog
from airm import kg as kgmod
from airm.errors import QueryError
from airm.reach import FALLS_UNDER, REACHES
from airm.sparql import binding

PATH = "skos:broader*/(skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch)?/skos:broader*"


def _pairs(store, query):
    return {(s["a"].value, s["r"].value) for s in store.query(query, use_default_graph_as_union=True, prefixes={
        "airm": "https://w3id.org/airm#", "skos": "http://www.w3.org/2004/02/skos/core#"})}


def test_reaches_is_the_path_the_gap_questions_followed(kg):
    """For everything a mitigation addresses, airm:reaches holds exactly the risks the property path reaches."""
    by_path = _pairs(kg.store, f"SELECT DISTINCT ?a ?r WHERE {{ ?m airm:addresses ?a . ?a {PATH} ?r }}")
    stored = _pairs(kg.store, "SELECT DISTINCT ?a ?r WHERE { ?m airm:addresses ?a . ?a airm:reaches ?r }")
    assert by_path and stored == by_path
    crosswalked = _pairs(kg.store, "SELECT ?a ?r WHERE { ?a airm:reaches ?r "
                                   "FILTER NOT EXISTS { ?a skos:broader* ?r } }")
    assert crosswalked, "the embedded data should reach some risk only through a crosswalk step"


def test_reaches_lives_with_the_entailments(kg):
    for prop in (REACHES, FALLS_UNDER):
        graphs = {q.graph_name.value for q in kg.store.quads_for_pattern(None, ox.NamedNode(prop), None, None)}
        assert graphs == {kgmod.ENTAILMENT_GRAPH}, prop


CLASSIFIED_BY = ("airm:mitigationCategory airm:lifecycleStage airm:actorType airm:riskManagementFunction "
                 "airm:addresses airm:riskCategory airm:causalEntity airm:causalIntent airm:causalTiming")


def test_falls_under_is_broader_star_from_every_concept_and_classifying_value(kg):
    """airm:fallsUnder holds exactly skos:broader* from every node the stored queries walk the hierarchy from."""
    starts = ("{ ?a a skos:Concept } UNION { ?a skos:inScheme ?s } UNION { ?a skos:broader ?u } UNION "
              f"{{ ?d skos:broader ?a }} UNION {{ VALUES ?p {{ {CLASSIFIED_BY} }} ?i ?p ?a }}")
    by_path = _pairs(kg.store, f"SELECT DISTINCT ?a ?r WHERE {{ {{ SELECT DISTINCT ?a WHERE {{ {starts} }} }} "
                               "?a skos:broader* ?r }")
    stored = _pairs(kg.store, "SELECT ?a ?r WHERE { ?a airm:fallsUnder ?r }")
    assert by_path and stored == by_path
    assert any(a != r for a, r in stored), "the embedded data has concepts below others"


def test_the_parsed_catalog_is_kept_and_follows_edits(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "queries"
    shutil.copytree(catalog.get("taxonomy-tree").path.parent, folder)
    catalog._load_dir.cache_clear()
    parsed = catalog.catalog(folder)
    assert list((tmp_path / "cache").glob("catalog-*.json")), "the parsed catalog is written to the cache"
    catalog._load_dir.cache_clear()
    assert catalog.catalog(folder) == parsed, "read back from the cache, it is the catalog parsed afresh"
    path = folder / "taxonomy-tree.rq"
    path.write_text(path.read_text(encoding="utf-8").replace("#+ title: ", "#+ title: Edited ", 1), encoding="utf-8")
    catalog._load_dir.cache_clear()
    assert catalog.catalog(folder)["taxonomy-tree"].title.startswith("Edited ")
    catalog._load_dir.cache_clear()


NESTED = "SELECT ?x ?p WHERE { { ?x ?q ?y } UNION { ?x ?q ?z FILTER(?z = ?p) } }"


def test_binding_checks_are_remembered_per_text(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    binding._unsafe_uses_all.cache_clear()
    with pytest.raises(QueryError, match=r"\?p is used in"):
        binding.check_values_binding(NESTED, {"p"})
    binding.check_values_binding(NESTED, {"x"})  # judged per variable: ?x is bound at the top
    assert (tmp_path / "cache" / "values-binding-checks.json").is_file()

    def no_parse(text):
        raise AssertionError("the remembered answer should be used")

    binding._unsafe_uses_all.cache_clear()
    monkeypatch.setattr(binding, "_algebra", no_parse)
    with pytest.raises(QueryError, match=r"\?p is used in"):
        binding.check_values_binding(NESTED, {"p"})
    binding._unsafe_uses_all.cache_clear()


def _writable(graph) -> bool:
    quad = ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o"))
    try:
        graph.store.add(quad)
    except (OSError, RuntimeError):  # a read-only store refuses the transaction
        return False
    return True


def test_in_memory_none_chooses_by_the_size_of_the_dump(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    airm.load()  # builds the cache
    monkeypatch.setattr(kgmod, "IN_MEMORY_MAX_BYTES", 0)
    assert not _writable(airm.load(in_memory=None)), "over the bound: the read-only on-disk store"
    monkeypatch.setattr(kgmod, "IN_MEMORY_MAX_BYTES", 1 << 40)
    assert _writable(airm.load(in_memory=None)), "under the bound: a store in memory"
    assert not _writable(airm.load()), "the default (a one-off CLI query) keeps the on-disk store"
