"""`airm push` converges: real pushes racing on a real Oxigraph server, and pushes switching layouts, leave the
store holding exactly one build (issue 12 item 3, issue 19 item 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest
from oxigraph_server import OxigraphServer, require_binary

from airm import catalog
from airm import endpoint as ep
from airm.engines import run_stored
from airm.namespaces import GRAPH_BASE
from airm.skolem import GENID, skolemise
from helpers import run_cli

CASES = [(name, case, params) for name, q in sorted(catalog.catalog().items()) for case, params in q.cases()]


@pytest.fixture()
def union_server(tmp_path):
    require_binary()
    srv = OxigraphServer(tmp_path / "store", union_default_graph=True).start()
    yield srv
    srv.stop()


@pytest.fixture()
def plain_server(tmp_path):
    require_binary()
    srv = OxigraphServer(tmp_path / "plain", union_default_graph=False).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def extra_file(tmp_path_factory):
    """One more file: a build with it differs from the embedded one in a graph, a blank node and its counts."""
    path = tmp_path_factory.mktemp("extra") / "extra.ttl"
    path.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c , ex:d ; ex:e [ ex:f \"g\" ] .\n",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bigger(extra_file):
    import airm

    return airm.load(files=[extra_file], cache=False)


def _update(server, body: str) -> None:
    ep._request("POST", server.base + "/update", data=body.encode(), timeout=10, what="the update endpoint",
                headers={"Content-Type": "application/sparql-update"})


def store_counts(server) -> dict:
    """Triples per named graph, and under "default" what queries see without GRAPH (one snapshot)."""
    res = ep.run_query(server.query_url, "SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
                       "{ ?s ?p ?o } } GROUP BY ?g", timeout=30)
    return {(r["g"].value if "g" in r else "default"): int(r["n"].value) for r in res.rows}


def expected_named(build, *, union: bool = True) -> dict:
    """What a union-default-graph store shows after a one-graph-per-source push of ``build``: nothing else."""
    counts = Counter(q.graph_name.value for q in build.store)
    return {**counts, "default": sum(counts.values()) if union else 0}


def _push_processes(server, builds: list[str | None]) -> list[subprocess.CompletedProcess]:
    """Real concurrent pushes: one process each, started together (``None``: the embedded build, else one file)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    procs = []
    for extra in builds:
        files = f"files=[{str(extra)!r}], cache=False" if extra else ""
        code = (f"import sys, airm\nfrom airm import endpoint as ep\n"
                f"r = ep.push(airm.load({files}), {server.query_url!r})\nprint(r.attempts)")
        procs.append(subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE))
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=300), *p.communicate()) for p in procs]


# --- skolem IRIs ----------------------------------------------------------------------------------------------------

def test_equal_builds_get_equal_skolem_iris_and_keep_every_triple(kg):
    import pyoxigraph as ox

    import airm

    first, second = skolemise(kg.store), skolemise(airm.load(cache=False).store)
    assert {str(q) for q in first} == {str(q) for q in second}
    assert len(first) == len(kg.store)
    assert not any(isinstance(t, ox.BlankNode) for q in first for t in (q.subject, q.object))
    assert any(q.subject.value.startswith(GENID) for q in first)


def test_skolem_iris_keep_blank_nodes_apart_and_shared_ones_together():
    import pyoxigraph as ox

    p, q, g1, g2 = (ox.NamedNode(f"https://example.org/{x}") for x in ("p", "q", "g1", "g2"))
    a, b, shared = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    quads = [ox.Quad(ox.NamedNode("https://example.org/x"), p, a, g1), ox.Quad(a, q, ox.Literal("same"), g1),
             ox.Quad(ox.NamedNode("https://example.org/y"), p, b, g1), ox.Quad(b, q, ox.Literal("same"), g1),
             ox.Quad(ox.NamedNode("https://example.org/x"), q, shared, g1),
             ox.Quad(ox.NamedNode("https://example.org/y"), q, shared, g2)]
    out = skolemise(quads)
    assert len(out) == len(quads)
    assert len({o.object for o in out if o.predicate == p}) == 2  # two like nodes in different places stay two
    assert len({o.object for o in out if o.predicate == q and isinstance(o.object, ox.NamedNode)}) == 1
    changed = skolemise(quads[:1] + [ox.Quad(a, q, ox.Literal("other"), g1)])
    assert changed[0].object not in {o.object for o in out}  # a node whose statements change gets a new IRI


# --- pushes at the same time ------------------------------------------------------------------------------------------

def test_three_pushes_of_one_build_at_once_leave_exactly_the_build(union_server, kg):
    """Before skolemising, each of the three requests inserted its own copy of the 804 blank-node triples."""
    for _round in range(3):
        done = _push_processes(union_server, [None, None, None])
        assert [p.returncode for p in done] == [0, 0, 0], [p.stderr.decode()[-500:] for p in done]
        assert store_counts(union_server) == expected_named(kg)


def test_two_different_builds_pushed_at_once_leave_exactly_one_of_them(union_server, kg, bigger, extra_file):
    expected = (expected_named(kg), expected_named(bigger))
    for _round in range(4):
        done = _push_processes(union_server, [None, extra_file])
        assert [p.returncode for p in done] == [0, 0], [p.stderr.decode()[-500:] for p in done]
        assert store_counts(union_server) in expected


def test_a_store_changed_under_every_attempt_fails_clearly(union_server, kg, monkeypatch):
    """A writer that adds to an airm graph after each update: the count check catches it and push gives up."""
    real = ep._request
    sneaked = GRAPH_BASE + "ontology/airm.ttl"

    def request(method, url, **kw):
        resp = real(method, url, **kw)
        if url.endswith("/update") and b"INSERT DATA" in (kw.get("data") or b""):
            real("POST", url, data=f"INSERT DATA {{ GRAPH <{sneaked}> {{ <urn:s> <urn:p> <urn:o> }} }}".encode(),
                 headers={"Content-Type": "application/sparql-update"}, timeout=10, what="a second writer")
        return resp

    monkeypatch.setattr(ep, "_request", request)
    monkeypatch.setattr("time.sleep", lambda s: None)
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url)
    assert code == 2 and "Traceback" not in err
    assert f"after {ep.PUSH_ATTEMPTS} attempts" in err and f"graph <{sneaked}> holds" in err
    assert "another push or another writer" in err


# --- switching layouts ------------------------------------------------------------------------------------------------

def _no_inflated_answers(server, kg):
    """Every stored query on the store gives the embedded engine's rows, as many of them."""
    for name, _case, params in CASES:
        q = catalog.get(name)
        bound = catalog.bind_params(kg, q, params)
        local = run_stored(kg, q, bound, engine="oxigraph")
        remote = run_stored(kg, q, bound, endpoint=server.query_url)
        assert len(remote) == len(local), f"{name}: {len(remote)} rows on the store, {len(local)} embedded"


def test_named_then_default_then_named_leaves_exactly_the_build(union_server, kg):
    distinct = len({q.triple for q in kg.store})
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url)
    assert code == 0, err
    named = len(store_counts(union_server)) - 1  # one graph per source, beside what queries see as the default
    code, out, err = run_cli("push", "--endpoint", union_server.query_url, "--graph", "default")
    assert code == 0, err
    assert store_counts(union_server) == {"default": distinct}  # the named graphs of the first push are gone
    assert f"removed {named} airm graph(s)" in out and "checked: the store holds exactly the build" in out
    _no_inflated_answers(union_server, kg)
    code, out, err = run_cli("push", "--endpoint", union_server.query_url)
    assert code == 0, err
    assert store_counts(union_server) == expected_named(kg)  # and the default graph of the second is gone
    assert "  default\n" in out
    _no_inflated_answers(union_server, kg)


def test_named_then_one_graph_then_back_is_refused_clearly(union_server, kg):
    graph = "https://example.org/graph/airm-all"
    distinct = len({q.triple for q in kg.store})
    assert run_cli("push", "--endpoint", union_server.query_url)[0] == 0
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url, "--graph", graph)
    assert code == 0, err
    assert store_counts(union_server) == {graph: distinct, "default": distinct}
    _no_inflated_answers(union_server, kg)
    before = store_counts(union_server)
    for layout in ([], ["--graph", "default"], ["--graph", "https://example.org/graph/other"]):
        code, _out, err = run_cli("push", "--endpoint", union_server.query_url, *layout)
        assert code == 2 and "Traceback" not in err
        assert f"graph <{graph}> on the store holds an airm build" in err and f"DROP GRAPH <{graph}>" in err
        assert store_counts(union_server) == before  # refused before anything was sent
    _update(union_server, f"DROP GRAPH <{graph}>")
    assert run_cli("push", "--endpoint", union_server.query_url)[0] == 0
    assert store_counts(union_server) == expected_named(kg)


def test_default_then_named_on_a_store_without_a_union_default_graph(plain_server, kg):
    distinct = len({q.triple for q in kg.store})
    assert run_cli("push", "--endpoint", plain_server.query_url, "--graph", "default")[0] == 0
    assert store_counts(plain_server) == {"default": distinct}
    code, _out, err = run_cli("push", "--endpoint", plain_server.query_url)
    assert code == 0
    assert "warning" in err and "--union-default-graph" in err  # the store's queries see nothing now: said
    counts = store_counts(plain_server)
    assert counts.pop("default", 0) == 0 and counts == {k: v for k, v in expected_named(kg).items() if k != "default"}


def test_foreign_graphs_and_a_foreign_default_graph_are_left_alone(union_server, kg):
    """Only what holds an airm build is airm's: a user's graph, and a default graph with airm's ontology alone."""
    foreign = "https://example.org/mine"
    header = "<https://w3id.org/airm> a <http://www.w3.org/2002/07/owl#Ontology>"
    _update(union_server, f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> . {header} . "
                          f"GRAPH <{foreign}> {{ <urn:x> <urn:y> <urn:z> }} }}")
    for _again in range(2):
        code, _out, err = run_cli("push", "--endpoint", union_server.query_url)
        assert code == 0, err
    counts = store_counts(union_server)
    assert counts[foreign] == 1
    assert counts["default"] == sum(n for g, n in counts.items() if g != "default") + 2


def test_a_described_document_with_an_author_list_gives_the_embedded_answer(union_server, kg):
    """Skolem IRIs stand for blank nodes: describe-entity leaves them out on a store as it does embedded."""
    assert run_cli("push", "--endpoint", union_server.query_url)[0] == 0
    q = catalog.get("describe-entity")
    bound = catalog.bind_params(kg, q, {"entity": "https://w3id.org/airm/id/ref/ouyang2022-instructgpt"})
    local = run_stored(kg, q, bound, engine="oxigraph")
    remote = run_stored(kg, q, bound, endpoint=union_server.query_url)
    assert len(local) > 3
    assert sorted(map(str, remote.triples)) == sorted(map(str, local.triples))


# --- a build larger than one request --------------------------------------------------------------------------------

def test_a_build_is_cut_into_requests_of_at_most_batch_triples_each_triple_once(kg):
    plan = ep.push_plan(kg.store, None)
    total = sum(len(t) for _g, t in plan)
    stale = [GRAPH_BASE + "data/gone.ttl"]
    requests = ep.push_requests(plan, stale, True, 700)
    assert len(requests) == -(-total // 700) and all(n <= 700 for _b, n in requests)
    assert sum(n for _b, n in requests) == total
    assert all(b"DROP SILENT" not in body for body, _n in requests[1:])  # every drop before any insert
    assert requests[0][0].count(b"DROP SILENT") == len(plan) + 1
    assert ep.push_requests(plan, stale, True, 0) == [(ep.push_request(plan, stale, True), total)]
    assert ep.push_requests(plan, stale, True, total) == [(ep.push_request(plan, stale, True), total)]


def test_a_push_in_batches_leaves_exactly_the_build_and_says_so(union_server, kg):
    _update(union_server, f"INSERT DATA {{ GRAPH <{GRAPH_BASE}data/gone.ttl> {{ <urn:s> <urn:p> <urn:o> }} }}")
    code, out, err = run_cli("push", "--endpoint", union_server.query_url, "--batch", "1000")
    assert code == 0 and "Traceback" not in err, err
    assert f"triples, in {-(-len(kg.store) // 1000)} requests to" in out
    assert store_counts(union_server) == expected_named(kg)  # the stale airm graph is gone


def test_a_push_in_batches_that_fails_part_way_says_how_far_it_got_and_a_new_push_repairs_it(
        union_server, kg, monkeypatch):
    real, sent = ep._request, []

    def request(method, url, **kw):
        if url.endswith("/update"):
            sent.append(1)
            if len(sent) == 3:
                raise ep.EndpointError("HTTP 500 from the update endpoint: out of memory (simulated)")
        return real(method, url, **kw)

    monkeypatch.setattr(ep, "_request", request)
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url, "--batch", "1000")
    assert code == 2 and "Traceback" not in err
    assert "stopped at request 3 of" in err and "after 2000 of" in err and "holds part of the build" in err
    assert "push again" in err
    monkeypatch.undo()
    assert store_counts(union_server) != expected_named(kg)
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url, "--batch", "1000")
    assert code == 0, err
    assert store_counts(union_server) == expected_named(kg)


def test_a_negative_batch_is_refused(union_server):
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url, "--batch", "-1")
    assert code == 2 and "--batch" in err and "Traceback" not in err


def test_a_single_request_the_store_refuses_suggests_a_batched_push(union_server, monkeypatch):
    def refuse(method, url, **kw):
        if url.endswith("/update"):
            raise ep.EndpointError("HTTP 400 from the update endpoint: SP030 memory exhausted (simulated)")
        return real(method, url, **kw)

    real = ep._request
    monkeypatch.setattr(ep, "_request", refuse)
    code, _out, err = run_cli("push", "--endpoint", union_server.query_url)
    assert code == 2 and "memory exhausted" in err and "--batch 2000" in err and "Traceback" not in err
