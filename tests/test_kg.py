"""The cached store: reopened from disk when inputs are unchanged, rebuilt when they change or the cache is damaged."""

from __future__ import annotations

import shutil

import airm
from airm.kg import cache_dir


def _quads(kg):
    return {str(q) for q in kg.store.quads_for_pattern(None, None, None, None)}


def test_second_load_reopens_the_on_disk_store(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    first = airm.load()
    stored = cache_dir() / f"{first.digest}.oxigraph"
    assert (stored / "CURRENT").is_file()
    second = airm.load()
    assert second.digest == first.digest
    assert _quads(second) == _quads(first)
    # the second load came from the database on disk (blank-node labels are kept; a re-parse would renumber them)
    assert any(q.subject.__class__.__name__ == "BlankNode"
               for q in second.store.quads_for_pattern(None, None, None, None))


def test_changed_input_gives_a_new_store(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"one\" .\n")
    one = airm.load(files=[extra])
    extra.write_text("<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"two\" .\n")
    two = airm.load(files=[extra])
    assert one.digest != two.digest
    labels = {r["l"].value for r in two.sparql("SELECT ?l WHERE { <https://example.org/a> rdfs:label ?l }").rows}
    assert labels == {"two"}


def test_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    first = airm.load()
    size = len(first)  # counted before the damage: the first load reads the database it wrote, as later loads do
    stored = cache_dir() / f"{first.digest}.oxigraph"
    for f in stored.iterdir():
        if f.suffix == ".sst":
            f.write_bytes(b"not a table")
    (stored / "CURRENT").write_text("MANIFEST-999999\n")
    again = airm.load()
    assert len(again) == size
    third = airm.load()  # and the rebuilt cache is good again
    assert _quads(third) == _quads(again)


def test_load_without_cache_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    airm.load(cache=False)
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


def test_in_memory_load_holds_the_same_graph(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    first = airm.load()
    on_disk = airm.load()
    in_memory = airm.load(in_memory=True)
    assert len(on_disk) == len(in_memory) == len(first)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?m a airm:Mitigation }"
    assert on_disk.sparql(q).rows == in_memory.sparql(q).rows


def test_derived_things_are_made_once_per_knowledge_graph_and_kept_apart():
    """What modules derive from the store lives in the knowledge graph's own cache, not in attributes they add."""
    import threading

    import pyoxigraph as ox

    from airm.graph import LoadedDataset
    from airm.kg import KnowledgeGraph

    first, second = (KnowledgeGraph(LoadedDataset(store=ox.Store(), sources=[]), "digest") for _ in range(2))
    made = []

    def make():
        made.append(1)
        return object()

    threads = [threading.Thread(target=first.cached, args=("thing", make)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert first.cached("thing", make) is first.cached("thing", make) and len(made) == 1
    assert second.cached("thing", make) is not first.cached("thing", make) and len(made) == 2
    # nested: no deadlock
    assert first.cached("outer", lambda: first.cached("inner", list)) is first.cached("inner", list)
    attributes = set(vars(first))
    from airm import engines

    engines.reference_graph(first)
    assert set(vars(first)) == attributes
