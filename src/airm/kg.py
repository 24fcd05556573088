"""The knowledge graph a user holds: an Oxigraph store of named graphs, built once and reopened from a cache."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox

from . import catalog, dedupe, infer, reach
from .answers import run_named
from .cache_paths import cache_dir
from .catalog_rdf import catalog_quads
from .convert import rdflib_graph
from .engines import run_sparql
from .graph import LoadedDataset, Source, embedded_sources, inputs_digest, load_sources, user_sources
from .namespaces import CATALOG_GRAPH, DUPLICATES_GRAPH, ENTAILMENT_GRAPH
from .resolve import resolve
from .search import search
from .version import __version__
from .workspace import classification_sources, imported_sources, proposals_file

CACHE_FORMAT = "5"  # 4: airm:reaches materialised (airm.reach); 5: airm:fallsUnder too
# in_memory=None bulk-loads the cached N-Quads dump into memory up to this size, else opens the on-disk store
# (benchmarks/README.md, "Where the time goes": memory answers 3-9x faster, opening costs about 1 s per 10 MB of dump)
IN_MEMORY_MAX_BYTES = 256 * 1024 * 1024


class KnowledgeGraph:
    """Ontology, data, imported sources and their entailments, ready to query."""

    def __init__(self, dataset: LoadedDataset, digest: str):
        self.dataset = dataset
        self.digest = digest
        self.proposals_file = None  # set by load(): the workspace's unreviewed classification proposals, if any
        self._derived: dict = {}
        self._derived_lock = threading.RLock()  # re-entrant: one derived thing may be made from another
        self.cache_dir = None  # set by load() when caching: where the text index is kept beside the store

    def cached(self, key: str, make):
        """``make()``'s value, made once per knowledge graph and kept with it: things derived from the store (the
        rdflib copy the reference engine queries, the store with the proposals added, lookup tables) live exactly as
        long as the graph they come from. Made under a lock, so two threads asking at once build it once."""
        try:
            return self._derived[key]
        except KeyError:
            pass
        with self._derived_lock:
            if key not in self._derived:
                self._derived[key] = make()
            return self._derived[key]

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
        data = ("data", "user", "import", "curated")  # classification proposals are never part of an export
        kinds = {"ontology": ("ontology",), "data": data, "all": ("ontology",) + data}
        if scope not in kinds:
            raise ValueError(f"scope must be one of {sorted(kinds)}")
        graphs = self.dataset.graphs_of(*kinds[scope])
        if scope == "all":
            graphs = graphs + [CATALOG_GRAPH]
        if entailments and scope != "ontology":
            graphs = graphs + [DUPLICATES_GRAPH, ENTAILMENT_GRAPH]
        return rdflib_graph(self.store, graphs)

    def validate(self):
        from .validation import validate  # not needed to open a graph and query it: kept off the CLI's start-up

        return validate(self.dataset)

    def query(self, name: str, /, *, with_proposals: bool = False, **params):
        """Run a stored query; ``with_proposals=True`` also reads the unreviewed classification proposals."""
        return run_named(self, name, params, with_proposals=with_proposals)

    def search(self, text: str, /, *, types=None, sources=None, limit: int = 20):
        """Full-text search (see ``airm.search.search``): ranked hits with type, source and snippet."""
        return search(self, text, types=types, sources=sources, limit=limit)

    def resolve(self, text: str, /, *, cls: str | None = None, scheme: str | None = None):
        """What a parameter value names (see ``airm.resolve.resolve``)."""
        return resolve(self, text, cls=cls, scheme=scheme)

    def sparql(self, text: str, *, timeout: float | None = None, **options):
        return run_sparql(self, text, timeout=timeout, **options)


def load(
    *,
    files=(),
    workspace=None,
    include_embedded: bool = True,
    cache: bool = True,
    in_memory: bool | None = False,
) -> KnowledgeGraph:
    """Load the embedded ontology and data (plus ``files`` and the workspace's imports) with entailments.

    The workspace is ``workspace``, else ``$AIRM_WORKSPACE``, else ``./airm-data`` relative to the current folder
    (absent: embedded data only): the same call gives other answers in another folder, so say ``workspace=`` in a
    notebook; ``airm.workspace.workspace_line(workspace)`` says which one and what it holds.

    Offline; the only thing written is a cache of the loaded store, keyed by a hash of the inputs: an on-disk
    Oxigraph database, which the next load of the same inputs opens read-only at once (right for one-off queries),
    and an N-Quads copy, which ``in_memory=True`` bulk-loads into memory (slower to open, faster to query: right for
    a server or a notebook asking many questions). ``in_memory=None`` takes memory when the dump is at most
    ``IN_MEMORY_MAX_BYTES`` (what the server's workers do). Neither re-parses the sources nor re-reasons.
    """
    sources = (embedded_sources(include_data=include_embedded) + imported_sources(workspace)
               + classification_sources(workspace) + user_sources(files))
    queries = catalog.catalog()  # parsed first: a broken query header fails the load, before any work
    axioms = infer.structural_axioms_path().read_text(encoding="utf-8")
    digest = inputs_digest(sources, __version__, CACHE_FORMAT, axioms, "dedupe:" + dedupe.METHOD_VERSION,
                           *(q.path.name + ":" + q.text for q in queries.values()))
    database, dump = cache_dir() / f"{digest}.oxigraph", cache_dir() / f"{digest}.nq"
    if cache:
        store = _open_cached(database, dump, in_memory)
        if store is not None:
            return _with_proposals_file(_cached(KnowledgeGraph(LoadedDataset(store=store, sources=sources), digest)),
                                        workspace)
    dataset = load_sources(sources)
    dataset.store.extend(catalog_quads(CATALOG_GRAPH, queries))
    dedupe.materialise(dataset.store)  # derived before the entailments, so they cover its links too
    infer.materialise(dataset.store)
    reach.materialise(dataset.store)  # after the entailments: symmetric matches count
    if cache and _write_cache(dataset.store, database, dump):
        dataset = _as_reopened(dataset, database, dump, in_memory)
    kg = KnowledgeGraph(dataset, digest)
    return _with_proposals_file(_cached(kg) if cache else kg, workspace)


def _cached(kg: KnowledgeGraph) -> KnowledgeGraph:
    kg.cache_dir = cache_dir()
    return kg


def _with_proposals_file(kg: KnowledgeGraph, workspace) -> KnowledgeGraph:
    """Proposals stay out of the store: queries add them only when asked (see query_store.py)."""
    kg.proposals_file = proposals_file(workspace)
    return kg


def _open_cached(database: Path, dump: Path, in_memory: bool | None):
    """The cached store, or None (a damaged cache is dropped, to be rebuilt)."""
    if not ((database / "CURRENT").is_file() and dump.is_file()):
        return None
    try:
        if in_memory is None:
            in_memory = dump.stat().st_size <= IN_MEMORY_MAX_BYTES
        if not in_memory:
            return ox.Store.read_only(str(database))  # RocksDB files: opened, not parsed
        store = ox.Store()
        # lenient: the dump is pyoxigraph's own output, written whole and renamed into place (checks cost half the load)
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS, lenient=True)
        return store
    except (OSError, SyntaxError):
        shutil.rmtree(database, ignore_errors=True)
        dump.unlink(missing_ok=True)
        return None


def _write_cache(store, database: Path, dump: Path, keep: int = 8) -> bool:
    """Persist the store twice (N-Quads, then the database bulk-loaded from it inside Oxigraph), each built beside
    its final name and renamed into place; False when it could not be written. Oxigraph gives the database's blank
    nodes new labels, so a caller that will reopen the database takes its graph from there (``_as_reopened``).
    At a million triples this is 20 s CPU against 27 s for ``bulk_extend`` from the store (each quad crossing into
    Python and back), and no list of quads in memory."""
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=database.name + ".", suffix=".tmp", dir=database.parent))
        try:
            text = tmp / "dump.nq"
            with open(text, "wb") as f:
                store.dump(f, format=ox.RdfFormat.N_QUADS)
                f.flush()
                os.fsync(f.fileno())
            disk = ox.Store(str(tmp / "db"))
            disk.bulk_load(path=str(text), format=ox.RdfFormat.N_QUADS, lenient=True)  # our own output
            disk.flush()
            del disk
            os.replace(text, dump)
            if not database.exists():
                os.replace(tmp / "db", database)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _prune(database.parent, keep)
        return True
    except OSError:
        return False  # a cache that cannot be written only costs time


def _as_reopened(dataset: LoadedDataset, database: Path, dump: Path, in_memory: bool | None) -> LoadedDataset:
    """The first load as the next load of the same inputs will see it: the on-disk database when that is what the
    next load opens (its blank-node labels are the database's, so a reopened graph equals the first load), else the
    store just built (an in-memory reload of the dump renames blank nodes anyway)."""
    try:
        if in_memory is None:
            in_memory = dump.stat().st_size <= IN_MEMORY_MAX_BYTES
        if in_memory:
            return dataset
        return LoadedDataset(store=ox.Store.read_only(str(database)), sources=dataset.sources)
    except OSError:
        return dataset


def _prune(directory: Path, keep: int) -> None:
    """Keep the most recent ``keep`` cached stores: each set of inputs leaves one behind."""
    stores = sorted(directory.glob("*.oxigraph"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stores[keep:]:
        shutil.rmtree(old, ignore_errors=True)
        old.with_suffix(".nq").unlink(missing_ok=True)
        old.with_suffix(".fts.sqlite").unlink(missing_ok=True)  # the text index kept beside it (airm.textindex)
