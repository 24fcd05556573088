"""The knowledge graph a user holds: an Oxigraph store of named graphs, built once and reopened from a cache."""

from __future__ import annotations

import os
from pathlib import Path

from . import __version__
from .graph import LoadedDataset, Source, embedded_sources, inputs_digest, load_sources, user_sources
from .namespaces import CATALOG_GRAPH, ENTAILMENT_GRAPH

CACHE_FORMAT = "2"


def cache_dir() -> Path:
    env = os.environ.get("AIRM_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "airm"


class KnowledgeGraph:
    """Ontology, data, imported sources and their entailments, ready to query."""

    def __init__(self, dataset: LoadedDataset, digest: str):
        self.dataset = dataset
        self.digest = digest

    @property
    def store(self):
        return self.dataset.store

    @property
    def sources(self) -> list[Source]:
        return self.dataset.sources

    def __len__(self) -> int:
        return len(self.store)

    def graph_names(self, *kinds: str) -> list[str]:
        names = self.dataset.graphs_of(*kinds) if kinds else [s.graph for s in self.sources]
        return names

    def to_rdflib(self, *, scope: str = "all", entailments: bool = True):
        """An rdflib Graph of the union: scope 'ontology', 'data' (data and imports) or 'all'."""
        from .convert import rdflib_graph

        kinds = {"ontology": ("ontology",), "data": ("data", "user", "import"), "all": ("ontology", "data", "user", "import")}
        if scope not in kinds:
            raise ValueError(f"scope must be one of {sorted(kinds)}")
        graphs = self.dataset.graphs_of(*kinds[scope])
        if scope == "all":
            graphs = graphs + [CATALOG_GRAPH]
        if entailments and scope != "ontology":
            graphs = graphs + [ENTAILMENT_GRAPH]
        return rdflib_graph(self.store, graphs)

    def validate(self):
        from .validation import validate

        return validate(self.dataset)

    def query(self, name: str, /, **params):
        from .catalog import run_named

        return run_named(self, name, params)

    def sparql(self, text: str, *, timeout: float | None = None, **options):
        from .engines import run_sparql

        return run_sparql(self, text, timeout=timeout, **options)


def load(
    *,
    files=(),
    workspace=None,
    include_embedded: bool = True,
    cache: bool = True,
) -> KnowledgeGraph:
    """Load the embedded ontology and data (plus ``files`` and the workspace's imports) with entailments.

    Offline; the only thing written is a cache of the loaded store (an on-disk Oxigraph database, keyed by a hash
    of the inputs), so the next load of the same inputs copies it into memory without parsing or inference.
    """
    import pyoxigraph as ox

    from . import catalog, infer
    from .catalog_rdf import catalog_quads
    from .workspace import imported_sources

    sources = embedded_sources(include_data=include_embedded) + imported_sources(workspace) + user_sources(files)
    queries = catalog.catalog()  # parsed first: a broken query header fails the load, before any work
    digest = inputs_digest(sources, __version__, CACHE_FORMAT, *(q.path.name + ":" + q.text for q in queries.values()))
    cached = cache_dir() / f"{digest}.oxigraph"
    if cache and (cached / "CURRENT").is_file():
        try:
            disk = ox.Store.read_only(str(cached))  # RocksDB files: opened, not parsed
            # queried in memory: Oxigraph's in-memory store answers several times faster than its disk store
            store = ox.Store()
            store.bulk_extend(disk.quads_for_pattern(None, None, None, None))
            del disk
            return KnowledgeGraph(LoadedDataset(store=store, sources=sources), digest)
        except OSError:
            import shutil

            shutil.rmtree(cached, ignore_errors=True)  # a damaged cache is dropped and rebuilt below
    dataset = load_sources(sources)
    dataset.store.extend(catalog_quads(CATALOG_GRAPH, queries))
    infer.materialise(dataset.store)
    if cache:
        _write_cache(dataset.store, cached)
    return KnowledgeGraph(dataset, digest)


def _write_cache(store, path: Path, keep: int = 8) -> None:
    """Persist the store as an on-disk Oxigraph database, built beside its final name and renamed into place."""
    import os
    import shutil
    import tempfile

    import pyoxigraph as ox

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent))
        try:
            disk = ox.Store(str(tmp / "db"))
            disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
            disk.flush()
            del disk
            os.replace(tmp / "db", path) if not path.exists() else None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _prune(path.parent, keep)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _prune(directory: Path, keep: int) -> None:
    """Keep the most recent ``keep`` cached stores: each set of inputs leaves one behind."""
    import shutil

    stores = sorted(directory.glob("*.oxigraph"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stores[keep:]:
        shutil.rmtree(old, ignore_errors=True)
