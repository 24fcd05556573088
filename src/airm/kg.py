"""The knowledge graph a user holds: an Oxigraph store of named graphs, built once and reopened from a cache."""

from __future__ import annotations

import os
from pathlib import Path

from . import __version__
from .graph import LoadedDataset, Source, embedded_sources, inputs_digest, load_sources, user_sources
from .namespaces import CATALOG_GRAPH, ENTAILMENT_GRAPH

CACHE_FORMAT = "1"


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

    Offline; the only thing written is a cache of the loaded store, keyed by a hash of the inputs, so the next load
    of the same inputs skips parsing and inference.
    """
    import pyoxigraph as ox

    from . import catalog, infer
    from .catalog_rdf import catalog_quads
    from .workspace import imported_sources

    sources = embedded_sources(include_data=include_embedded) + imported_sources(workspace) + user_sources(files)
    queries = catalog.catalog()  # parsed first: a broken query header fails the load, before any work
    digest = inputs_digest(sources, __version__, CACHE_FORMAT, *(q.path.name + ":" + q.text for q in queries.values()))
    cached = cache_dir() / f"{digest}.nq"
    if cache and cached.is_file():
        store = ox.Store()
        try:
            store.bulk_load(path=str(cached), format=ox.RdfFormat.N_QUADS)
            return KnowledgeGraph(LoadedDataset(store=store, sources=sources), digest)
        except (OSError, SyntaxError):
            store = None  # a damaged cache is rebuilt below
    dataset = load_sources(sources)
    dataset.store.extend(catalog_quads(CATALOG_GRAPH, queries))
    infer.materialise(dataset.store)
    if cache:
        _write_cache(dataset.store, cached)
    return KnowledgeGraph(dataset, digest)


def _write_cache(store, path: Path) -> None:
    import pyoxigraph as ox

    from .export import atomic_write

    try:
        data = ox.serialize(store.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
        atomic_write(path, data)
    except OSError:
        pass  # a cache that cannot be written only costs time
