"""Pathological data cannot make loading explode: entailment growth is bounded and reported, big cliques stay cheap."""

from __future__ import annotations

import pytest

import airm
from airm.errors import UserError
from helpers import run_cli


def _chain(path, predicate: str, n: int) -> None:
    lines = [f"<https://example.org/c{i}> <{predicate}> <https://example.org/c{i + 1}> ." for i in range(n)]
    path.write_text("\n".join(lines) + "\n")


def test_a_very_deep_hierarchy_is_refused_with_a_reason(tmp_path):
    """A 2,000-long skos:broader chain would entail two million skos:broaderTransitive triples."""
    f = tmp_path / "deep.nt"
    _chain(f, "http://www.w3.org/2004/02/skos/core#broader", 2000)
    with pytest.raises(UserError) as e:
        airm.load(files=[f], cache=False)
    assert "inference would add more than" in str(e.value) and "Transitive" in str(e.value)
    code, _, err = run_cli("validate", str(f))
    assert code == 2 and "inference would add more than" in err and "Traceback" not in err


def test_an_equivalence_clique_stays_cheap(tmp_path):
    """owlrl took 10.8 s on a 46-node owl:sameAs chain; airm does not reason over sameAs, and a 46-node
    skos:exactMatch chain (transitive and symmetric) closes quickly."""
    f = tmp_path / "clique.nt"
    lines = []
    for i in range(45):
        lines.append(f"<https://example.org/s{i}> <http://www.w3.org/2002/07/owl#sameAs> "
                     f"<https://example.org/s{i + 1}> .")
        lines.append(f"<https://example.org/e{i}> <http://www.w3.org/2004/02/skos/core#exactMatch> "
                     f"<https://example.org/e{i + 1}> .")
    f.write_text("\n".join(lines) + "\n")
    kg = airm.load(files=[f], cache=False)
    rows = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/e0> skos:exactMatch ?x }").rows
    assert int(rows[0]["n"].value) >= 45


def test_a_broader_cycle_terminates(tmp_path):
    f = tmp_path / "cycle.nt"
    lines = [f"<https://example.org/k{i}> <http://www.w3.org/2004/02/skos/core#broader> "
             f"<https://example.org/k{(i + 1) % 50}> ." for i in range(50)]
    f.write_text("\n".join(lines) + "\n")
    kg = airm.load(files=[f], cache=False)  # terminates: a cycle closes like any other hierarchy
    rows = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/k0> skos:broaderTransitive ?x }").rows
    assert int(rows[0]["n"].value) == 50
