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
