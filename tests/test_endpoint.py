"""The endpoint engine against a real `oxigraph serve` on loopback: push the build over the Graph Store Protocol, run
every catalog query over the SPARQL 1.1 Protocol, and get what the embedded engine gives; bound parameters,
timeouts and errors.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from oxigraph_server import OxigraphServer, free_port, require_binary

from airm import catalog
from airm import endpoint as ep
from airm.engines import run_sparql, run_stored
from airm.errors import QueryError, QueryTimeout
from airm.namespaces import GRAPH_BASE
from airm.sparql import binding
from helpers import order_keys, run_cli

# Every query of the catalog, read when the tests are collected: queries added later are covered without edits.
CASES = [(name, case, params) for name, q in sorted(catalog.catalog().items()) for case, params in q.cases()]

# A query slow enough for any small timeout: a three-way cross product of the build, counted.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_binary()
    srv = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "store", union_default_graph=True).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def pushed(server, kg):
    """The embedded build, pushed with the CLI exactly as a user would."""
    code, out, err = run_cli("push", "--endpoint", server.query_url)
    assert code == 0, err
    return server, out, err


def _norm(term):
    return ("bnode", "_") if term.type == "bnode" else tuple(term)


def _rows(result) -> Counter:
    return Counter(tuple(sorted((k, _norm(v)) for k, v in row.items())) for row in result.rows)


def _graph(triples):
    from rdflib import Graph

    g = Graph()
    g.parse(data="".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples), format="nt")
    return g


def assert_same_result(local, remote, text: str):
    assert remote.kind == local.kind
    if local.kind == "ask":
        assert remote.boolean == local.boolean
        return
    if local.kind == "construct":
        from rdflib.compare import isomorphic

        assert len(remote.triples) == len(local.triples)
        assert isomorphic(_graph(local.triples), _graph(remote.triples))
        return
    assert remote.variables == local.variables
    assert _rows(remote) == _rows(local)
    keys = order_keys(text)
    if keys:
        def seq(result):
            return [tuple(_norm(r[k]) if k in r else None for k in keys) for r in result.rows]

        assert seq(remote) == seq(local), "rows come back in a different order"


# --- push ------------------------------------------------------------------------------------------------------------

def test_push_loads_every_graph_of_the_build(pushed, kg):
    import pyoxigraph as ox

    server, out, err = pushed
    names = sorted(g.value for g in kg.store.named_graphs())
    assert f"replaced {len(names)} graphs, {len(kg.store)} triples, in one request to {server.base}/update" in out
    for name in names:
        assert name in out
    assert "warning" not in err
    assert ep.triple_count(server.query_url) == len(kg.store)
    for name in names[:3]:
        local = sum(1 for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        assert ep.triple_count(server.query_url, graph=name) == local


def test_pushing_again_is_idempotent(pushed, kg):
    server, _out, _err = pushed
    before = ep.triple_count(server.query_url)
    report = ep.push(kg, server.query_url)
    assert report.triples == len(kg.store)
    assert not report.removed and not report.warnings
    assert ep.triple_count(server.query_url) == before == len(kg.store)


def test_push_deletes_stale_airm_graphs_only(pushed, kg):
    import pyoxigraph as ox

    server, _out, _err = pushed
    stale, foreign = GRAPH_BASE + "data/removed-file.ttl", "http://example.org/not-airm"
    triple = [ox.Triple(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o"))]
    for g in (stale, foreign):
        _update(server, ep.push_request([(g, triple)], [], replace=True))
    try:
        report = ep.push(kg, server.query_url)
        assert report.removed == [stale]
        assert ep.triple_count(server.query_url, graph=stale) == 0
        assert ep.triple_count(server.query_url, graph=foreign) == 1
    finally:
        _update(server, f"DROP GRAPH <{foreign}>".encode())
    assert ep.triple_count(server.query_url) == len(kg.store)


# --- push is all or nothing -----------------------------------------------------------------------------------------

@pytest.fixture()
def own_server(tmp_path):
    """A store of its own, holding the embedded build: these tests break pushes on purpose."""
    require_binary()
    srv = OxigraphServer(tmp_path / "store", union_default_graph=True).start()
    yield srv
    srv.stop()


def _graphs(server) -> dict:
    """Every named graph on the server with its triple count."""
    res = ep.run_query(server.query_url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                       timeout=30)
    return {r["g"].value: int(r["n"].value) for r in res.rows}


@pytest.fixture()
def bigger_build(tmp_path):
    """The embedded build plus one more file: a push of it adds a graph and changes the counts."""
    import airm

    extra = tmp_path / "extra.ttl"
    extra.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c , ex:d .\n", encoding="utf-8")
    return airm.load(files=[extra], cache=False)


def _update(server, body: bytes) -> None:
    ep._request("POST", server.base + "/update", data=body, headers={"Content-Type": "application/sparql-update"},
                timeout=10, what="the update endpoint")


def test_oxigraph_runs_an_update_request_as_one_transaction(own_server):
    """What push's all-or-nothing rests on: a request whose second operation fails changes nothing."""
    g = "https://example.org/atomicity"
    with pytest.raises(ep.EndpointError):
        ep._request("POST", own_server.base + "/update", what="the update endpoint",
                    data=f"INSERT DATA {{ GRAPH <{g}> {{ <urn:s> <urn:p> <urn:o> }} }} ;\n"
                         "MOVE GRAPH <https://example.org/no-such-graph> TO <https://example.org/y>".encode(),
                    headers={"Content-Type": "application/sparql-update"}, timeout=10)
    assert _graphs(own_server) == {}


def test_a_push_the_store_refuses_half_way_leaves_the_store_as_it_was(own_server, kg, bigger_build, monkeypatch):
    """The request fails at the store after its drops and inserts have run: nothing of it remains."""
    ep.push(kg, own_server.query_url)
    before = _graphs(own_server)
    real = ep.push_request
    monkeypatch.setattr(ep, "push_request",
                        lambda *a, **k: real(*a, **k) + b"; MOVE GRAPH <urn:no-such-graph> TO <urn:x>")
    with pytest.raises(ep.EndpointError, match="does not exist"):
        ep.push(bigger_build, own_server.query_url)
    monkeypatch.undo()
    assert _graphs(own_server) == before


def test_a_push_to_a_wrong_update_url_leaves_the_store_as_it_was(own_server, kg, bigger_build):
    ep.push(kg, own_server.query_url)
    before = _graphs(own_server)
    code, _out, err = run_cli("push", "--endpoint", own_server.query_url, "--update", own_server.base + "/nope")
    assert code == 2 and "HTTP 404" in err and "--update" in err and "Traceback" not in err
    assert _graphs(own_server) == before


def test_a_push_killed_while_sending_leaves_the_store_as_it_was(own_server, kg, bigger_build, tmp_path):
    """A real SIGKILL of the pushing process half way through its request body: the store applies nothing."""
    import os
    import signal
    import subprocess
    import sys

    ep.push(kg, own_server.query_url)
    before = _graphs(own_server)
    extra = tmp_path / "extra.ttl"
    child = f"""
import http.client, os, signal
import airm
from airm import endpoint as ep
real_send = http.client.HTTPConnection.send
def send(self, data):
    if isinstance(data, (bytes, bytearray)) and len(data) > 100000:
        real_send(self, data[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    return real_send(self, data)
http.client.HTTPConnection.send = send
ep.push(airm.load(files=[{str(extra)!r}], cache=False), {own_server.query_url!r})
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert _graphs(own_server) == before
    report = ep.push(bigger_build, own_server.query_url)  # and the next push goes through whole
    assert _graphs(own_server) == {g: n for g, n in report.graphs}
    assert sum(_graphs(own_server).values()) == len(bigger_build.store)


def test_blank_nodes_shared_by_two_graphs_stay_one_node(own_server):
    """One request is one blank-node scope: a node two graphs share is still one node on the store."""
    import types

    import pyoxigraph as ox

    node, p = ox.BlankNode(), ox.NamedNode("https://example.org/p")
    build = types.SimpleNamespace(store=ox.Store())
    build.store.extend([
        ox.Quad(ox.NamedNode("https://example.org/x"), p, node, ox.NamedNode("https://example.org/g1")),
        ox.Quad(ox.NamedNode("https://example.org/y"), p, node, ox.NamedNode("https://example.org/g2"))])
    ep.push(build, own_server.query_url)
    res = ep.run_query(own_server.query_url, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                       timeout=10)
    assert res.rows[0]["n"].value == "1"


def test_queries_during_a_push_see_the_old_build_or_the_new_one(own_server, kg, bigger_build):
    """No temporary graph: a query never sees half a push or a copy beside the old build."""
    import threading

    ep.push(kg, own_server.query_url)
    sizes = {len(kg.store), len(bigger_build.store)}
    seen, done = [], threading.Event()

    def watch():
        while not done.is_set():
            res = ep.run_query(own_server.query_url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                               timeout=10)
            seen.append(int(res.rows[0]["n"].value))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for build in (bigger_build, kg, bigger_build):
            ep.push(build, own_server.query_url)
    finally:
        done.set()
        watcher.join(30)
    assert seen and set(seen) <= sizes, f"a query saw {sorted(set(seen) - sizes)} triples"


def test_push_with_no_update_endpoint_is_a_clear_error(own_server, kg):
    code, _out, err = run_cli("push", "--endpoint", own_server.query_url, "--update", "ftp://example.org/update")
    assert code != 0 and "--update 'ftp://example.org/update' is not an http:// or https:// URL" in err
    assert "Traceback" not in err


# --- the whole catalog, remote vs embedded ----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "case", "params"), CASES, ids=[f"{n}.{c}" for n, c, _p in CASES])
def test_catalog_query_gives_the_embedded_answer(name, case, params, pushed, kg):
    server, _out, _err = pushed
    q = catalog.get(name)
    bound = catalog.bind_params(kg, q, params)
    local = run_stored(kg, q, bound, engine="oxigraph")
    remote = run_stored(kg, q, bound, endpoint=server.query_url)
    assert_same_result(local, remote, q.text)


def test_the_catalog_is_not_trivially_empty_on_the_endpoint(pushed, kg):
    server, _out, _err = pushed
    nonempty = 0
    for name, _case, params in CASES:
        q = catalog.get(name)
        nonempty += len(run_stored(kg, q, catalog.bind_params(kg, q, params), endpoint=server.query_url)) > 0
    assert nonempty >= len(CASES) * 2 // 3


def test_cli_output_is_the_same_in_every_format(pushed):
    server, _out, _err = pushed
    for name, formats in (("training-methods-for-risk", ("table", "csv", "tsv", "json", "md")),
                          ("coverage-stage-by-actor", ("csv", "json")),
                          ("describe-entity", ("nt",))):
        for fmt in formats:
            local = run_cli("query", "run", name, "--format", fmt)
            remote = run_cli("query", "run", name, "--format", fmt, "--endpoint", server.query_url)
            assert local[0] == remote[0] == 0, remote[2]
            if fmt == "nt":
                assert sorted(local[1].splitlines()) == sorted(remote[1].splitlines())
            else:
                assert remote[1] == local[1], f"{name} --format {fmt}"


def test_cli_sparql_on_the_endpoint(pushed, kg):
    server, _out, _err = pushed
    code, out, err = run_cli("sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv",
                             "--endpoint", server.query_url)
    assert code == 0, err
    assert out.splitlines() == ["n", str(len(kg.store))]
    code, out, err = run_cli("sparql", "ASK { ?s a <https://w3id.org/airm#Mitigation> }",
                             "--endpoint", server.query_url)
    assert (code, out.strip()) == (0, "yes")


def test_updates_are_refused_before_reaching_the_endpoint(pushed, kg):
    server, _out, _err = pushed
    code, _out, err = run_cli("sparql", "DROP ALL", "--endpoint", server.query_url)
    assert code == 2 and "refused" in err
    assert ep.triple_count(server.query_url) == len(kg.store)


def test_endpoint_and_another_engine_exclude_each_other(pushed):
    server, _out, _err = pushed
    code, _out, err = run_cli("query", "run", "dataset-summary", "--engine", "rdflib", "--endpoint", server.query_url)
    assert code == 2 and "exclude each other" in err and "Traceback" not in err


# --- bound parameters ------------------------------------------------------------------------------------------------

HOSTILE = ['"} ; DROP ALL ; {', "> } #", '") } UNION { ?s ?p ?o } #', "'''", '"""', "back\\slash \\u0022 \\n",
           "new\nline\ttab", "}}}{{{", "# not a comment", "$x ?y <z>", "é ∀ \u0000 \u007f"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_string_parameter_stays_one_literal(pushed, kg, value):
    import pyoxigraph as ox

    server, _out, _err = pushed
    text = "SELECT ?v (STRLEN(?v) AS ?n) ?rows WHERE { { SELECT (COUNT(*) AS ?rows) WHERE { ?s ?p ?o } } }"
    res = run_sparql(None, text, endpoint=server.query_url, bindings={"v": ox.Literal(value)})
    assert len(res.rows) == 1
    row = res.rows[0]
    assert row["v"].value == value and row["v"].datatype.endswith("#string")
    assert int(row["n"].value) == len(value)
    assert int(row["rows"].value) == len(kg.store)  # the pattern was not widened, nothing was dropped


def test_the_rewritten_query_differs_only_by_the_values_block():
    import pyoxigraph as ox
    from rdflib import Literal
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    q = catalog.get("search-mitigations")
    value = '"} ; DROP ALL ; {'
    rewritten = binding.bind_values(q.text, {"keyword": ox.Literal(value)})
    block = binding.values_block({"keyword": ox.Literal(value)})
    assert rewritten.replace(" " + block + "\n", "", 1) == q.text
    algebra = translateQuery(parseQuery(rewritten)).algebra
    found = []

    def walk(node):
        if getattr(node, "name", None) == "values":
            found.append(node.res)
        if isinstance(node, dict):
            for k, v in node.items():
                if not str(k).startswith("_"):
                    walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)

    walk(algebra)
    keyword_rows = [rows for rows in found if any("keyword" in map(str, r) for r in rows)]
    by_name = [[{str(k): v for k, v in r.items()} for r in rows] for rows in keyword_rows]
    assert by_name == [[{"keyword": Literal(value)}]]


def test_catalog_search_with_a_hostile_keyword_matches_the_embedded_engine(pushed, kg):
    server, _out, _err = pushed
    q = catalog.get("search-mitigations")
    for value in HOSTILE + ["align"]:
        bound = catalog.bind_params(kg, q, {"keyword": value})
        assert_same_result(run_stored(kg, q, bound), run_stored(kg, q, bound, endpoint=server.query_url), q.text)
    assert ep.triple_count(server.query_url) == len(kg.store)


def test_an_iri_parameter_cannot_carry_syntax(kg):
    import pyoxigraph as ox

    with pytest.raises(ValueError):
        ox.NamedNode("https://example.org/x> } #")
    with pytest.raises(QueryError):
        binding.values_block({"v": ox.BlankNode("b")})
    with pytest.raises(QueryError):
        binding.values_block({"v } #": ox.Literal("x")})


@pytest.mark.parametrize("text", [
    # WHERE { SELECT ... } : the sub-select is wrapped, not broken
    "SELECT ?p ?o WHERE { SELECT ?p ?o WHERE { ?s ?p ?o } }",
    # braces in comments, strings and a projected EXISTS must not be taken for the WHERE group
    'SELECT ?p (EXISTS { ?s ?p "}" } AS ?e) # { not here\nWHERE { ?s ?p ?o FILTER(?o != "{") }',
    # a CONSTRUCT template comes before the WHERE group
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    # the parameter in an OPTIONAL's filter and in a top-level BIND sees the binding, as with substitution
    "SELECT ?p ?label ?x WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?label FILTER(?q = ?p) } BIND(STR(?p) AS ?x) }",
])
def test_values_binding_is_equivalent_to_substitution(pushed, kg, text):
    import pyoxigraph as ox

    server, _out, _err = pushed
    bound = {"p": ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")}
    local = run_sparql(kg, text, bindings=bound)
    remote = run_sparql(None, text, bindings=bound, endpoint=server.query_url)
    assert local.boolean if local.kind == "ask" else len(local) > 0
    assert_same_result(local, remote, text)


def test_a_parameter_filtered_in_a_nested_group_is_refused(pushed, kg):
    import pyoxigraph as ox

    server, _out, _err = pushed
    text = "SELECT ?p ?s WHERE { { ?s ?q ?o FILTER(?q = ?p) } UNION { ?s a ?p } }"
    bound = {"p": ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")}
    local = run_sparql(kg, text, bindings=bound)  # the embedded engine binds before evaluation
    assert len(local) > 0
    assert all(row["p"].value == "http://www.w3.org/2004/02/skos/core#prefLabel" for row in local.rows)
    with pytest.raises(QueryError, match=r"\?p is used in a FILTER inside a nested group"):
        run_sparql(None, text, bindings=bound, endpoint=server.query_url)


def test_every_catalog_query_can_be_bound_on_an_endpoint():
    """A new catalog query that an endpoint could answer differently fails here, naming itself."""
    for name, q in catalog.catalog().items():
        try:
            binding.check_values_binding(q.text, set(q.params))
        except QueryError as e:
            pytest.fail(f"{name}: {e}")


# --- errors -----------------------------------------------------------------------------------------------------------

def test_connection_refused_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(ep.EndpointError, match="connection refused") as info:
        ep.run_query(url, "ASK {}", timeout=5)
    assert url in str(info.value)
    code, out, err = run_cli("query", "run", "dataset-summary", "--endpoint", url)
    assert code == 2 and url in err and "connection refused" in err and "Traceback" not in err


def test_http_errors_name_the_url_status_and_server_message(pushed):
    server, _out, _err = pushed
    with pytest.raises(ep.EndpointError) as info:
        ep.run_query(server.query_url, "SELECT * WHERE { ?s ?p ?o ", timeout=10, kind="select")
    text = str(info.value)
    assert server.query_url in text and "HTTP 400" in text and "error at 1:" in text
    code, _out, err = run_cli("sparql", "ASK {}", "--endpoint", server.base + "/nope")
    assert code == 2 and "HTTP 404" in err and server.base + "/nope" in err and "Traceback" not in err


def test_non_http_urls_are_refused_before_any_request():
    for url in ("file:///etc/passwd", "ftp://example.org/q", "127.0.0.1:7878/query", ""):
        code, _out, err = run_cli("sparql", "ASK {}", "--endpoint", url)
        assert code == 2 and "http" in err and "Traceback" not in err


def test_push_errors_are_clear(pushed, kg):
    server, _out, _err = pushed
    code, _out, err = run_cli("push", "--endpoint", server.base + "/sparql")
    assert code == 2 and "--update" in err
    code, _out, err = run_cli("push", "--endpoint", server.query_url, "--graph", "not an iri")
    assert code == 2 and "--graph" in err
    url = f"http://127.0.0.1:{free_port()}/query"
    code, _out, err = run_cli("push", "--endpoint", url)
    assert code == 2 and "connection refused" in err
    assert ep.triple_count(server.query_url) == len(kg.store)


# --- a store whose default graph is not the union ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    require_binary()
    srv = OxigraphServer(tmp_path_factory.mktemp("oxigraph-plain") / "store", union_default_graph=False).start()
    yield srv
    srv.stop()


def test_push_warns_when_queries_would_not_see_the_named_graphs(plain_server, kg):
    report = ep.push(kg, plain_server.query_url)
    assert report.triples == len(kg.store)
    assert any("--union-default-graph" in w and "--graph default" in w for w in report.warnings)


def test_push_into_the_default_graph_works_on_any_store(plain_server, kg):
    code, out, err = run_cli("push", "--endpoint", plain_server.query_url, "--graph", "default")
    assert code == 0, err
    assert "warning" not in err
    distinct = len({q.triple for q in kg.store})
    assert f"replaced 1 graph, {distinct} triples" in out
    q = catalog.get("training-methods-for-risk")
    bound = catalog.bind_params(kg, q, {})
    local = run_stored(kg, q, bound)
    assert len(local) > 0
    assert_same_result(local, run_stored(kg, q, bound, endpoint=plain_server.query_url), q.text)


def test_push_into_one_named_graph_and_add_without_replacing(plain_server, kg):
    graph = "https://example.org/graph/airm-all"
    code, out, err = run_cli("push", "--endpoint", plain_server.query_url, "--graph", graph)
    assert code == 0, err
    distinct = len({q.triple for q in kg.store})
    assert ep.triple_count(plain_server.query_url, graph=graph) == distinct
    code, out, err = run_cli("push", "--endpoint", plain_server.query_url, "--graph", graph)
    assert ep.triple_count(plain_server.query_url, graph=graph) == distinct
    code, out, err = run_cli("push", "--endpoint", plain_server.query_url, "--graph", graph, "--no-replace")
    assert code == 0 and out.startswith("added to 1 graph")
    # blank nodes go out as skolem IRIs derived from content, so adding the same build again adds nothing
    assert ep.triple_count(plain_server.query_url, graph=graph) == distinct


# --- timeouts (last: the server keeps computing the slow query until its own --timeout-s) -----------------------------

def test_a_slow_query_times_out_with_the_endpoint_named(pushed):
    server, _out, _err = pushed
    start = time.monotonic()
    with pytest.raises(QueryTimeout) as info:
        run_sparql(None, SLOW, endpoint=server.query_url, timeout=0.5)
    assert time.monotonic() - start < 5
    assert server.query_url in str(info.value) and "0.5 s" in str(info.value)


def test_a_long_answer_times_out_too(pushed):
    server, _out, _err = pushed
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not finish answering"):
        ep.run_query(server.query_url, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
    assert time.monotonic() - start < 6


def test_cli_timeout_is_a_clear_error(pushed):
    server, _out, _err = pushed
    code, _out, err = run_cli("sparql", SLOW, "--endpoint", server.query_url, "--timeout", "0.5")
    assert code == 2 and "did not answer within 0.5 s" in err and server.query_url in err and "Traceback" not in err
