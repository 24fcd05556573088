"""airm.validation's use of pySHACL internals: the focused run (imports trusted as context) must report exactly what a
full run reports for the same nodes, and the frozenset trick must still reach pySHACL's shapes; both fail loudly if
a pySHACL upgrade changes what they rely on."""

from __future__ import annotations

import pytest

from airm import validation
from airm.convert import rdflib_graph

BAD = """
@prefix airm: <https://w3id.org/airm#> .
@prefix ex: <https://example.org/> .
ex:m1 a airm:Mitigation .
ex:m2 a airm:Mitigation .
ex:m3 a airm:Mitigation ; airm:addressesRisk ex:nowhere .
"""


@pytest.fixture(scope="module")
def data_graph(tmp_path_factory):
    import airm

    bad = tmp_path_factory.mktemp("bad") / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    kg = airm.load(files=[bad], cache=False)
    return rdflib_graph(kg.store, kg.graph_names("data", "user"))


def _key(p):
    return (p.focus, p.path, p.severity, p.message)


def test_a_focused_run_reports_what_a_full_run_reports_for_those_nodes(data_graph):
    shapes = validation.load_shapes("data")
    full = validation._run(data_graph, shapes)
    on_m1 = {_key(p) for p in full if "example.org/m1" in p.focus}
    assert on_m1, "the fixture must give m1 problems"
    assert {_key(p) for p in full if "example.org/m3" in p.focus}
    focused = validation._run(data_graph, shapes, focus=["https://example.org/m1"])
    assert {_key(p) for p in focused} == on_m1


def test_the_focus_list_reaches_pyshacls_shapes_as_a_frozenset(data_graph, monkeypatch):
    """pyshacl 0.40.1 tests each target with ``in executor.focus_nodes`` (pyshacl/shape.py): a list there makes a
    focused run over an import O(targets x focus nodes)."""
    import pyshacl.shape

    seen = []
    real = pyshacl.shape.Shape.validate

    def spy(self, executor, *args, **kwargs):
        seen.append(type(executor.focus_nodes))
        return real(self, executor, *args, **kwargs)

    monkeypatch.setattr(pyshacl.shape.Shape, "validate", spy)
    validation._run(data_graph, validation.load_shapes("data"), focus=["https://example.org/m1"])
    assert seen and set(seen) == {frozenset}


def test_the_public_validate_checks_only_the_focus_nodes_over_the_named_graphs(tmp_path):
    """``validate(..., focus=, graphs=)``, what ``airm import`` calls: the focus nodes' problems, as a full run
    reports them, and none of the other nodes'; a graph left out of ``graphs`` is not read."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    full = validation.validate([bad], include_ontology_check=False)
    on_m1 = {_key(p) for p in full.problems if "example.org/m1" in p.focus}
    assert on_m1 and any("example.org/m3" in p.focus for p in full.problems)

    focused = validation.validate([bad], include_ontology_check=False, focus=["https://example.org/m1"])
    assert {_key(p) for p in focused.problems} == on_m1 and not focused.conforms

    from airm import graph as graphmod

    dataset = graphmod.load_sources(graphmod.embedded_sources(include_data=True) + graphmod.user_sources([bad]))
    without_user = validation.validate(dataset, include_ontology_check=False, focus=["https://example.org/m1"],
                                       graphs=dataset.graphs_of("data"))
    assert without_user.conforms and without_user.problems == []
