"""`airm push` to a second engine, Virtuoso Open Source: a real server in a temporary folder (tests/virtuoso_server.py),
the embedded build pushed to it, and every catalog case giving the embedded engine's rows (issue 17). Skipped where
Virtuoso is not installed; a failure when CI=true (.ci/run installs it)."""

from __future__ import annotations

from collections import Counter

import pytest
from virtuoso_server import VirtuosoServer, require_binary

from airm import catalog
from airm import endpoint as ep
from airm.engines import run_stored
from airm.skolem import GENID
from airm.sparql.client import PartialAnswer, run_query
from helpers import run_cli

# Measured on Debian 12's Virtuoso 7.2 (07.20.3229), 3 December 2026: 41 of the 49 catalog cases give the embedded
# rows (browse-mitigations, training-methods-for-risk, mitigations-by-stage-and-actor and unclassified-mitigations were
# rewritten for it, and the hierarchy is read from the materialised airm:fallsUnder and airm:reaches instead of
# skos:broader* paths; each query says how). The others are Virtuoso's, not the push's: the same triples are there
# (the count check and the other cases say so). Listed so that a change either way is seen; benchmarks/README.md,
# "At scale", has the figures at a million triples.
_COMPILER_ERROR = "Virtuoso 7.2 fails to compile the one-row-per-mitigation aggregates (SQ156, an internal " \
                  "compiler error it asks to be reported: an IF over an aggregate)"
KNOWN_DIFFERENT = {
    ("taxonomy-tree", "default"): "Virtuoso 7.2 splits a concept's group in two, one with its parent unbound and depth "
                                  "-1, where one group joins a UNION of counts with an OPTIONAL parent",
    ("dataset-summary", "default"): "Virtuoso 7.2 counts 34 instances of bibo:Document where there are 44 (the other "
                                    "31 rows the same; a UNION branch of VALUES alone gave no rows, now a sub-select)",
    ("mitigations-from-document", "default"): _COMPILER_ERROR,
    ("mitigations-from-document", "example"): _COMPILER_ERROR,
    ("mitigations-for-risk", "default"): _COMPILER_ERROR,
    ("mitigations-for-risk", "example"): _COMPILER_ERROR,
    ("mitigations-for-risk-evidence", "example"): "Virtuoso 7.2 gives the one row with path 'sub-risk' where the other "
                                                  "engines say 'crosswalk: close match' (not examined further)",
}
# Cases Virtuoso does not finish in minutes (the crosswalk reach with its evidence, follow unbound): not run, since
# the server keeps working on them past its own MaxQueryExecutionTime and every later case then times out.
TOO_SLOW = {("mitigations-for-risk-evidence", "default")}


def _marked(name, case, params):
    marks = []
    if (name, case) in KNOWN_DIFFERENT:
        marks.append(pytest.mark.xfail(reason=KNOWN_DIFFERENT[(name, case)], strict=True))
    if (name, case) in TOO_SLOW:
        marks.append(pytest.mark.xfail(reason="Virtuoso 7.2 does not finish it within 20 s", run=False))
    return pytest.param(name, case, params, marks=marks, id=f"{name}-{case}")


CASES = [_marked(name, case, params) for name, q in sorted(catalog.catalog().items()) for case, params in q.cases()]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    require_binary()
    srv = VirtuosoServer(tmp_path_factory.mktemp("virtuoso") / "db", buffers=20_000).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def pushed(virtuoso, kg):
    report = ep.push(kg, virtuoso.query_url, update=virtuoso.update_url)
    return report


def _cell(term) -> str:
    """A cell as text; a blank node (embedded) and its skolem IRI (on the store) both read as one blank."""
    text = str(term)
    if type(term).__name__ == "BNode" or text.startswith(GENID):
        return "[blank]"
    return f"{type(term).__name__}:{text}"


def _rows(result) -> Counter:
    return Counter(tuple(sorted((v, _cell(t)) for v, t in row.items())) for row in result.rows)


def test_push_to_virtuoso_is_checked_and_repeatable(virtuoso, pushed, kg):
    assert pushed.triples == sum(n for _g, n in pushed.graphs) > 5_000  # the embedded build, rules kept out
    assert not pushed.warnings, pushed.warnings  # Virtuoso's default graph is the union of its graphs
    again = ep.push(kg, virtuoso.query_url, update=virtuoso.update_url)
    assert again.attempts == 1 and again.graphs == pushed.graphs  # idempotent, and checked by counting


@pytest.mark.parametrize(("name", "case", "params"), CASES)
def test_every_catalog_case_gives_the_embedded_rows(virtuoso, pushed, kg, name, case, params):
    q = catalog.get(name)
    bound = catalog.bind_params(kg, q, params)
    local = run_stored(kg, q, bound, engine="oxigraph")
    remote = run_stored(kg, q, bound, endpoint=virtuoso.query_url, timeout=30)
    assert remote.kind == local.kind
    if local.kind == "select":
        assert _rows(remote) == _rows(local), f"{name} ({case}): {len(remote)} rows on Virtuoso, {len(local)} embedded"
    else:
        assert sorted(map(str, remote.triples)) == sorted(map(str, local.triples))


def test_the_cli_pushes_to_virtuoso_and_queries_it(virtuoso, pushed):
    code, out, err = run_cli("push", "--endpoint", virtuoso.query_url, "--update", virtuoso.update_url)
    assert code == 0, err
    assert "checked: the store holds exactly the build" in out
    code, remote, err = run_cli("query", "run", "sources-of-mitigation", "--format", "csv",
                                "--endpoint", virtuoso.query_url)
    assert code == 0, err
    code, local, err = run_cli("query", "run", "sources-of-mitigation", "--format", "csv")
    assert code == 0, err
    assert sorted(remote.splitlines()) == sorted(local.splitlines()) and len(local.splitlines()) > 2


def test_a_push_in_batches_reaches_virtuoso_whole(virtuoso, pushed, kg):
    """What a build too large for one Virtuoso request takes (benchmarks/README.md, "At scale"): ``--batch``."""
    code, out, err = run_cli("push", "--endpoint", virtuoso.query_url, "--update", virtuoso.update_url,
                             "--batch", "2000")
    assert code == 0, err
    assert f"in {-(-pushed.triples // 2000)} requests to" in out and "checked: the store holds exactly the build" in out


def test_a_short_answer_is_refused_not_returned(virtuoso, pushed):
    """Virtuoso answers HTTP 200 with the rows it has when it hits its row cap (X-SPARQL-MaxRows) or, for a client
    that sends a ``timeout`` parameter, its time limit ("anytime" answers, X-SQL-State S1TAT): the client refuses
    both rather than return short rows as if they were all."""
    with pytest.raises(PartialAnswer, match="its row cap"):
        run_query(virtuoso.query_url + "?maxrows=5", "SELECT ?s WHERE { ?s a ?t }")
    slow = "SELECT ?a ?b WHERE { ?a a ?t . ?b a ?t . ?c a ?u . ?d a ?u } ORDER BY ?a LIMIT 3"
    with pytest.raises(PartialAnswer, match="S1TAT"):
        run_query(virtuoso.query_url + "?timeout=1000", slow, timeout=120)
    assert len(run_query(virtuoso.query_url, "SELECT ?s WHERE { ?s a ?t } LIMIT 5").rows) == 5
