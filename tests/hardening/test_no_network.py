"""Parsing, validation and querying never open a URL or a file they were not given.

Two witnesses: a Python audit hook (sees urllib, sockets and open() from Python code, including rdflib and pyshacl),
and a listening loopback socket that must see zero connections (pyoxigraph's Rust requests bypass Python's hooks).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from netwitness import BYPASS_QUERIES, Listener

import airm
from helpers import run_cli

_WATCH = {"on": False, "events": []}


def _hook(event, args):
    if not _WATCH["on"]:
        return
    if event in ("socket.connect", "urllib.Request", "socket.getaddrinfo"):
        _WATCH["events"].append((event, repr(args)[:200]))
    elif event == "open":
        path = args[0]
        if isinstance(path, (str, bytes, Path)) and "/etc/" in str(path):
            _WATCH["events"].append((event, str(path)))


sys.addaudithook(_hook)


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def watch():
    _WATCH["events"].clear()
    _WATCH["on"] = True
    yield _WATCH["events"]
    _WATCH["on"] = False


def test_loading_files_that_point_at_urls_fetches_nothing(tmp_path, listener, watch):
    ttl = tmp_path / "imports.ttl"
    ttl.write_text(f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
<https://example.org/o> a owl:Ontology ; owl:imports <{listener.url}onto.ttl> , <file:///etc/passwd> .
<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{listener.url}more> .
""")
    jsonld = tmp_path / "remote-context.jsonld"
    jsonld.write_text(f'{{"@context": "{listener.url}context.jsonld", "@id": "https://example.org/y", "label": "y"}}')
    kg = airm.load(files=[ttl], cache=False)
    assert len(kg) > 0
    code, _, err = run_cli("validate", str(jsonld))
    assert code == 2 and "remote-context.jsonld" in err  # a remote @context is refused, not fetched
    assert listener.connections == 0
    assert watch == []


def test_validation_fetches_nothing(tmp_path, listener, watch):
    ttl = tmp_path / "data.ttl"
    ttl.write_text(f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
<https://example.org/o> a owl:Ontology ; owl:imports <{listener.url}onto.ttl> .
""")
    code, _, err = run_cli("validate", str(ttl))
    assert code in (0, 1), err
    assert listener.connections == 0
    assert watch == []


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }} LIMIT 1",
    "SELECT * FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
    "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }} LIMIT 1",
    "LOAD <{url}data.ttl>",
])
def test_queries_reach_nothing(template, engine, listener, watch, kg):
    code, _, err = run_cli("sparql", template.format(url=listener.url), "--engine", engine)
    assert "Traceback" not in err
    _in_this_process(kg, template.format(url=listener.url), engine)
    assert listener.connections == 0
    assert watch == []


def _in_this_process(kg, text: str, engine: str) -> None:
    """The CLI runs a query in a child process, whose Python requests this process's audit hook cannot see (the
    listener sees both): the same query through the library, here, for the hook."""
    from airm.errors import AirmError

    try:
        kg.sparql(text, engine=engine, timeout=10)
    except AirmError:
        pass


def test_stored_queries_reach_nothing(listener, watch, kg):
    from airm import answers, catalog

    for name in catalog.catalog():
        q = catalog.get(name)
        if any(p.required and p.default is None for p in q.params.values()):
            continue
        kg.query(name)
        answers.run_named(kg, name, {}, engine="rdflib")
    assert listener.connections == 0
    assert watch == []


def test_the_witnesses_notice_a_request_when_the_user_asks_for_one(listener, watch, kg):
    """Controls: with --allow-service Oxigraph does connect (the listener counts it), and Python's own
    requests show up in the audit hook, so the zero counts above mean something."""
    code, _, err = run_cli("sparql", f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}",
                           "--allow-service", "--timeout", "10")
    assert "Traceback" not in err
    assert listener.connections >= 1
    import urllib.request

    try:
        urllib.request.urlopen(listener.url, timeout=2)
    except Exception:
        pass
    assert any(e[0] in ("urllib.Request", "socket.connect") for e in watch)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("name", sorted(BYPASS_QUERIES))
def test_queries_only_oxigraph_reads_are_refused_unrun(name, engine, listener, watch, kg):
    """Issue 12: a query rdflib cannot check was handed to Oxigraph for a syntax message and its SERVICE ran."""
    code, _, err = run_cli("sparql", BYPASS_QUERIES[name].format(url=listener.url), "--engine", engine)
    assert "Traceback" not in err
    _in_this_process(kg, BYPASS_QUERIES[name].format(url=listener.url), engine)
    if name == "escaped-quote-hides-service":  # both engines now read one long string where SERVICE was: it runs
        assert code == 0, err
    else:
        assert code == 2, err
        assert "cannot be checked" in err or "SERVICE is refused" in err, err
    assert listener.connections == 0
    assert watch == []


def test_the_syntax_check_parses_without_evaluating(listener):
    """pyoxigraph parses, converts its dataset arguments, then evaluates; the parse-only check relies on that order:
    a valid query with a SERVICE gets no syntax message and reaches nothing."""
    from airm.query_checks import oxigraph_syntax_error

    for template in BYPASS_QUERIES.values():
        assert oxigraph_syntax_error(template.format(url=listener.url)) is None
    assert oxigraph_syntax_error("SELECT * WHERE { ?s ?p }").startswith("error at 1:25")
    assert listener.connections == 0


def test_escapes_are_expanded_once_for_every_engine(kg):
    """rdflib expands \\u escapes everywhere, Oxigraph only in strings and IRIs: both now run the expanded text."""
    rows = kg.sparql('SELECT ?x WHERE { BIND("caf\\u00e9" AS ?x) }').rows
    assert rows[0]["x"].value == "café"
    code, _, err = run_cli("sparql", "SELECT * WHERE { \\u003Fs ?p ?o } LIMIT 1")
    assert code == 0, err
