"""Fixtures for the importer tests: the reference copies of the sources, a wheel built like the PyPI one, and an
index over an importer's triples for field-by-field checks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from airm.namespaces import expand

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def term(x) -> ox.NamedNode:
    """A CURIE or IRI as a NamedNode."""
    if isinstance(x, ox.NamedNode):
        return x
    return ox.NamedNode(x if x.startswith("http") else expand(x))


class Index:
    """Triples of one import, looked up by subject and predicate (CURIEs welcome)."""

    def __init__(self, triples):
        self.triples = list(triples)
        self.by_sp: dict = {}
        self.by_po: dict = {}
        for t in self.triples:
            self.by_sp.setdefault((t.subject, t.predicate), set()).add(t.object)
            self.by_po.setdefault((t.predicate, t.object), set()).add(t.subject)

    def objects(self, s, p) -> set:
        return self.by_sp.get((term(s), term(p)), set())

    def values(self, s, p) -> set[str]:
        return {o.value for o in self.objects(s, p)}

    def one(self, s, p):
        found = self.objects(s, p)
        assert len(found) == 1, f"{s} {p}: {found}"
        return next(iter(found))

    def subjects(self, p, o) -> set:
        return self.by_po.get((term(p), term(o)), set())

    def instances(self, cls) -> set:
        return self.subjects("rdf:type", cls)


def validate_outcome(outcome, source: str, workspace):
    """An importer's outcome validated as ``airm import`` validates it (its own graph, the shapes, the ontology)."""
    from airm.importers.store import validate_import
    from airm.workspace import import_graph_iri

    g = ox.NamedNode(import_graph_iri(source))
    return validate_import([ox.Quad(t.subject, t.predicate, t.object, g) for t in outcome.triples], source,
                           workspace=workspace)


@pytest.fixture(scope="session")
def mit_csv(reference) -> Path:
    return reference / "mit-ai-risk-repository" / "ai_risk_database_v3.csv"


@pytest.fixture(scope="session")
def mit_xlsx(reference) -> Path:
    return reference / "mit-ai-risk-repository" / "The AI Risk Repository V3_26_03_2025.xlsx"


@pytest.fixture(scope="session")
def nexus_dir(reference) -> Path:
    return reference / "ai-atlas-nexus"


@pytest.fixture(scope="session")
def nexus_data(nexus_dir) -> Path:
    return nexus_dir / "src" / "ai_atlas_nexus" / "data"


@pytest.fixture(scope="session")
def nexus_wheel(nexus_data, tmp_path_factory) -> Path:
    """A wheel laid out like ai_atlas_nexus-1.2.5-py3-none-any.whl from PyPI (its data files, no code): what a user
    gets with 'pip download --no-deps ai-atlas-nexus==1.2.5', without the network."""
    wheel = tmp_path_factory.mktemp("wheel") / "ai_atlas_nexus-1.2.5-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(nexus_data.rglob("*")):
            if path.is_file():
                zf.write(path, "ai_atlas_nexus/data/" + path.relative_to(nexus_data).as_posix())
        zf.writestr("ai_atlas_nexus-1.2.5.dist-info/METADATA",
                    "Metadata-Version: 2.1\nName: ai-atlas-nexus\nVersion: 1.2.5\n")
    return wheel
