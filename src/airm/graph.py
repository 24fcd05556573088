"""Load ontology, data and imported sources into one Oxigraph dataset: one named graph per file or source.

Keeping each origin in its own graph lets a report name the file a node comes from, a provenance query name the
source, and a re-import replace exactly one graph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import InputFileError
from .namespaces import GRAPH_BASE
from .parsing import load_into, loads_in_bulk, parse_file


@dataclass(frozen=True)
class Source:
    """One input of the dataset."""

    path: Path
    graph: str
    kind: str  # "ontology" | "data" | "shapes" | "user" | "import"
    display: str

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def graph_iri(path: Path) -> str:
    rel = resources.relative_name(path)
    if rel.startswith("/"):
        return path.resolve().as_uri()
    return GRAPH_BASE + rel


def _source(path: Path, kind: str) -> Source:
    return Source(path=path, graph=graph_iri(path), kind=kind, display=resources.relative_name(path))


def embedded_sources(*, include_data: bool = True) -> list[Source]:
    srcs = [_source(p, "ontology") for p in resources.ontology_files()]
    if include_data:
        srcs += [_source(p, "data") for p in resources.data_files()]
    return srcs


def user_sources(paths) -> list[Source]:
    out: list[Source] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += [Source(f, f.resolve().as_uri(), "user", str(f)) for f in sorted(p.rglob("*")) if f.is_file()]
        else:
            out.append(Source(p, p.resolve().as_uri(), "user", str(p)))
    return out


@dataclass
class LoadedDataset:
    """An Oxigraph store plus what went into it."""

    store: object
    sources: list[Source] = field(default_factory=list)

    def graphs_of(self, *kinds: str) -> list[str]:
        names = [s.graph for s in self.sources if s.kind in kinds]
        if "user" in kinds:
            names += self.declared_graphs()
        return names

    def declared_graphs(self) -> list[str]:
        """Named graphs a user's TriG or N-Quads file declares itself: they belong to the user's data (validated,
        built, exported with it), not only to queries. Graphs under airm's own base stay airm's."""
        if not any(s.kind == "user" and s.path.suffix.lower() in (".trig", ".nq") for s in self.sources):
            return []
        known = {s.graph for s in self.sources}
        return sorted(g.value for g in self.store.named_graphs()
                      if g.value not in known and not g.value.startswith(GRAPH_BASE))


def load_sources(sources: list[Source], store=None) -> LoadedDataset:
    """Parse every source (all or nothing: a parse error leaves the store untouched). Into a new store, a large
    triples file is loaded by Oxigraph directly (``parsing.load_into``): a failure discards that store anyway."""
    fresh = store is None
    store = store if store is not None else ox.Store()
    quads = []
    for s in sources:
        try:
            if fresh and loads_in_bulk(s.path):
                load_into(store, s.path, s.graph)
            else:
                quads += parse_file(s.path, s.graph)
        except InputFileError as e:
            if s.kind == "import":  # a workspace file the user did not write: say how to get a readable one back
                e.hint = (f"this is the graph of the imported source '{s.path.stem}': import it again "
                          f"(airm import {s.path.stem} PATH) or remove {s.path} and its .json record")
            raise
    store.extend(quads)
    return LoadedDataset(store=store, sources=list(sources))


def inputs_digest(sources: list[Source], *extra: str) -> str:
    h = hashlib.sha256()
    for s in sources:
        h.update(s.graph.encode())
        h.update(b"\0")
        h.update(s.sha256().encode())
        h.update(b"\0")
    for e in extra:
        h.update(e.encode())
        h.update(b"\0")
    return h.hexdigest()
