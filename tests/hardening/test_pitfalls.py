"""Each trap of docs/pitfalls.md (rdflib 7.6.0, pySHACL 0.40.1, owlrl 7.6.2, pyoxigraph 0.5.13) that can touch airm
has a test here or elsewhere that fails if the trap comes back through airm's own entry points.

Category: a = already tested elsewhere (the test named fails if the trap reaches airm), b = tested in this file,
a+b = both, c = does not apply to airm (why). ``test_the_table_names_only_tests_that_exist`` checks every test named
here exists, that every test of this file is named, and that there is one row per bullet of pitfalls.md.

| #  | pitfall                        | cat | where it is tested, or why it does not apply |
|----|--------------------------------|-----|----------------------------------------------|
| 1  | sparql-from-loads-files        | a   | tests/hardening/test_no_network.py::test_queries_reach_nothing |
|    |                                |     | tests/test_query_params.py::test_from_is_refused_on_the_rdflib_engine_only |
| 2  | service-makes-http-requests    | a   | tests/hardening/test_no_network.py::test_queries_reach_nothing |
|    |                                |     | tests/hardening/test_no_network.py::test_the_witnesses_notice_a_request_when_the_user_asks_for_one |
|    |                                |     | tests/test_query_params.py::test_service_is_refused_even_nested |
| 3  | update-load-reads-local-files  | a   | tests/test_query_params.py::test_updates_are_refused |
|    |                                |     | tests/test_bad_inputs.py::test_bad_input[query_params:sparql-load-file] |
| 4  | jsonld-fetches-remote-context  | a   | tests/test_parsing.py::test_jsonld_remote_context_is_refused_not_fetched |
|    |                                |     | tests/hardening/test_no_network.py::test_loading_files_that_point_at_urls_fetches_nothing |
|    |                                |     | tests/test_export.py::test_json_ld_exports_and_docs_open_no_connection |
| 5  | rdfxml-entities-and-size       | a+b | tests/test_bad_inputs.py::test_bad_input[data_files:rdfxml-external-entity] |
|    |                                |     | tests/hardening/test_pitfalls.py::test_rdfxml_entity_expansion_bomb_is_refused (was a bug, fixed) |
|    |                                |     | tests/test_bad_inputs.py::test_bad_input[data_files:rdfxml-billion-laughs] |
|    |                                |     | tests/hardening/test_pitfalls.py::test_rdf_files_over_the_size_limit_are_refused |
| 6  | pyshacl-from-in-shapes         | b   | tests/hardening/test_pitfalls.py::test_shapes_inside_user_data_are_never_run |
| 7  | rdflib-no-timeout-holds-gil    | a+b | tests/test_query_params.py::test_a_query_that_runs_too_long_times_out |
|    |                                |     | tests/hardening/test_pitfalls.py::test_an_rdflib_query_past_its_deadline_stops_running (was a bug, fixed) |
| 8  | http-200-truncated-body        | a+b | tests/server/test_faults.py::test_a_timed_out_response_is_never_2xx_in_any_format |
|    |                                |     | tests/hardening/test_pitfalls.py::test_an_endpoint_answer_cut_short_is_an_error (Content-Length case was a bug, fixed) |
| 9  | recursion-on-deep-nesting      | a+b | tests/test_query_params.py::test_deeply_nested_queries_are_refused_not_crashed |
|    |                                |     | tests/hardening/test_pitfalls.py::test_deeply_nested_data_files_load_or_fail_cleanly |
|    |                                |     | tests/hardening/test_pitfalls.py::test_the_writers_do_not_recurse_on_a_3000_deep_blank_node_chain |
|    |                                |     | tests/hardening/test_pitfalls.py::test_exporting_a_3000_deep_blank_node_chain_finishes (slow; was a bug, fixed: refused with a reason) |
| 10 | owlrl-entailment-blow-up       | a   | tests/hardening/test_pathological_data.py::test_a_very_deep_hierarchy_is_refused_with_a_reason |
|    |                                |     | tests/hardening/test_pathological_data.py::test_an_equivalence_clique_stays_cheap |
| 11 | owlrl-inconsistency-as-triples | a+b | airm's build never runs owlrl (own rules, none that can find an inconsistency); owlrl runs only in tests: |
|    |                                |     | tests/test_alignments.py::test_the_merged_ontology_is_consistent (checks the err: triples) |
|    |                                |     | tests/hardening/test_pitfalls.py::test_airm_never_imports_owlrl_or_sssom_nor_changes_rdflib_globals |
| 12 | yaml-alias-bombs               | a+b | tests/importers/test_atlas.py::test_bad_files_raise_a_clear_error |
|    |                                |     | tests/importers/test_mit_mitigations.py::test_truncated_and_malformed_files_name_file_and_line |
|    |                                |     | tests/test_alignments.py::test_the_sssom_reader_names_file_and_line_for_bad_tables |
|    |                                |     | tests/hardening/test_pitfalls.py::test_every_yaml_reader_refuses_an_alias_bomb |
| 13 | string-formatted-injection     | a   | tests/hardening/test_injection.py::test_arbitrary_parameter_text_only_narrows |
|    |                                |     | tests/test_query_params.py::test_string_parameters_cannot_change_the_query |
| 14 | rdflib-ignores-bindings        | a+b | tests/test_query_params.py::test_unknown_parameter_lists_the_known_ones |
|    |                                |     | tests/test_query_params.py::test_integer_parameter_is_coerced |
|    |                                |     | tests/hardening/test_pitfalls.py::test_the_catalog_refuses_a_parameter_assigned_by_bind |
|    |                                |     | tests/hardening/test_pitfalls.py::test_a_stored_query_takes_an_iri_given_as_a_plain_string |
|    |                                |     | tests/hardening/test_pitfalls.py::test_ad_hoc_bindings_with_an_unknown_name_are_refused (rdflib case was a bug, fixed) |
|    |                                |     | tests/hardening/test_pitfalls.py::test_ad_hoc_binding_of_a_bind_assigned_variable_is_refused (was a bug, fixed) |
|    |                                |     | tests/hardening/test_pitfalls.py::test_ad_hoc_binding_given_as_a_plain_string_is_not_silently_empty |
| 15 | csv-formula-cells              | b   | tests/hardening/test_pitfalls.py::test_csv_escapes_formula_cells_by_default (CLI; HTTP: tests/server/test_results_http.py) |
|    |                                |     | tests/hardening/test_pitfalls.py::test_csv_raw_keeps_the_values_as_they_are |
| 16 | turtle-undeclared-ns1-prefix   | a+b | tests/test_export.py::test_own_writers_on_awkward_blank_node_shapes |
|    |                                |     | tests/hardening/test_pitfalls.py::test_turtle_with_predicates_ending_in_a_dot_parses_back |
| 17 | jsonld-drops-bnode-cycles      | b   | tests/hardening/test_pitfalls.py::test_jsonld_export_keeps_blank_node_cycles |
| 18 | jsonld-drops-ill-typed-dtype   | b   | tests/hardening/test_pitfalls.py::test_jsonld_export_keeps_the_datatype_of_ill_typed_literals |
|    |                                |     | tests/hardening/test_pitfalls.py::test_ill_typed_literals_print_no_traceback (was a bug, fixed) |
|    |                                |     | tests/test_bad_inputs.py::test_bad_input[data_files:ill-typed-literal] |
| 19 | normalize-literals-and-owlrl   | b   | tests/hardening/test_pitfalls.py::test_curated_literals_are_canonical |
|    |                                |     | tests/hardening/test_pitfalls.py::test_literal_forms_do_not_depend_on_rdflib_or_pyshacl_globals |
|    |                                |     | tests/hardening/test_pitfalls.py::test_airm_never_imports_owlrl_or_sssom_nor_changes_rdflib_globals |
| 20 | language-tags                  | a+b | tests/test_bad_inputs.py::test_bad_input[data_files:turtle-bad-language-tag] |
|    |                                |     | tests/hardening/test_pitfalls.py::test_a_malformed_language_tag_is_an_error_naming_the_file (jsonld case was a bug, fixed) |
|    |                                |     | tests/test_bad_inputs.py::test_bad_input[data_files:jsonld-bad-language-tag] |
|    |                                |     | tests/hardening/test_pitfalls.py::test_language_tags_read_alike_on_both_engines_and_in_every_export |
| 21 | output-order-vs-hash-seed      | a+b | tests/test_foundation.py::test_build_is_byte_identical_across_runs |
|    |                                |     | tests/test_export.py::test_turtle_is_the_same_bytes_every_time_and_declares_only_the_prefix_file |
|    |                                |     | tests/hardening/test_pitfalls.py::test_exports_are_the_same_bytes_under_any_hash_seed |
| 22 | trig-nquads-into-plain-graph   | b   | tests/hardening/test_pitfalls.py::test_named_graphs_of_trig_and_nquads_files_are_exported (was a bug, fixed) |
|    |                                |     | tests/hardening/test_pitfalls.py::test_named_graphs_of_trig_and_nquads_files_are_validated (was a bug, fixed) |
| 23 | serialize-not-atomic           | a   | tests/test_export.py::test_interrupted_write_leaves_the_old_file_and_no_temporary |
| 24 | verify-then-commit             | a   | tests/test_export.py::test_a_writer_that_loses_data_is_caught_before_anything_is_written |
|    |                                |     | tests/test_export.py::test_a_writer_mistake_falls_back_to_oxigraph_checked_by_rdflib |
| 25 | atheris-prefix-indexerror      | a+b | tests/test_bad_inputs.py::test_bad_input[data_files:turtle-just-prefix-keyword] |
|    |                                |     | tests/hardening/test_fuzz.py::test_fuzz_rdf_files |
|    |                                |     | tests/hardening/test_pitfalls.py::test_the_seven_bytes_at_prefix_are_a_typed_error_everywhere |
| 26 | pylode-version-pin             | b   | tests/hardening/test_pitfalls.py::test_pylode_is_pinned_below_3_4 |
| 27 | sssom-py-optional-extra        | b   | tests/hardening/test_pitfalls.py::test_sssom_py_is_a_test_extra_only |
|    |                                |     | tests/hardening/test_pitfalls.py::test_airm_never_imports_owlrl_or_sssom_nor_changes_rdflib_globals |
| 28 | yasgui-shipped-offline         | a+b | airm ships no YASGUI: its editor is a server-rendered form that needs no script. |
|    |                                |     | tests/server/test_pages.py::test_page_is_accessible_html_without_script |
|    |                                |     | tests/hardening/test_pitfalls.py::test_pages_load_nothing_from_another_site |
| 29 | oxigraph-server-for-tests      | c   | a tool for tests, not a trap: tests/test_endpoint.py runs `oxigraph serve` (tests/oxigraph_server.py). |
| 30 | w3c-protocol-conformance       | c   | a fact about the W3C suite, not a trap; airm runs the fitting entries in tests/server/test_conformance.py. |
| 31 | rdflib-slow-heavy-imports      | b   | tests/hardening/test_pitfalls.py::test_cli_fast_paths_import_no_heavy_library |
| 32 | on-disk-store-slower           | c   | a performance fact; airm caches both a read-only store and N-Quads (in_memory=True, tests/test_kg.py). |
| 33 | pyoxigraph-jsonld-expanded     | a   | tests/test_export.py::test_jsonld_is_compacted_with_the_published_context |
| 34 | reasonable-memory-and-strings  | c   | airm does not use `reasonable` (its own rules run in Oxigraph: src/airm/infer.py). |
| 35 | pyshacl-speed-and-inference    | c   | a performance fact; airm validates a plain rdflib Graph with inference "none" (src/airm/validation.py). |
"""  # noqa: E501 - a table of pitfalls and the tests that cover them, one row per line

from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import airm
from airm import export
from airm.errors import AirmError, InputFileError, QueryError
from helpers import ROOT, run_cli

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://example.org/pitfalls/"
PITFALLS_DOC = ROOT.parent / "shared" / "docs" / "pitfalls.md"
SLOW_QUERY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
              "FILTER(STR(?c) = CONCAT(STR(?f), STR(?i))) }")


def _env(**extra) -> dict:
    """The environment of a child process: this interpreter's path and the session's own (temporary) cache."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "AIRM_CACHE_DIR": os.environ["AIRM_CACHE_DIR"],
            **extra}


def _python(code: str, *args, timeout: float = 120, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          env=_env(**env), timeout=timeout, check=False)


def _cli_process(*args, timeout: float = 120, memory: int | None = None) -> subprocess.CompletedProcess:
    """``airm ARGS`` in a child process (optionally with its address space capped at ``memory`` bytes)."""
    cap = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n" if memory else ""
    return _python(cap + "from airm.cli import entry_point; entry_point()", *args, timeout=timeout)


def _ox_parse(data: bytes, fmt: str) -> list:
    import pyoxigraph as ox

    name = {"ttl": "TURTLE", "nt": "N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML"}[fmt]
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=getattr(ox.RdfFormat, name))]


# --- a user file with every awkward term the fidelity traps are about ---------------------------------------------

AWKWARD_TTL = f"""@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix ex: <{EX}> .
ex:a ex:num "01"^^xsd:integer , "+5"^^xsd:integer , "1.50"^^xsd:decimal ;
    ex:flag "1"^^xsd:boolean , "true"^^xsd:boolean ;
    ex:ill "abc"^^xsd:integer ;
    fabio:hasPublicationYear "not a year"^^xsd:gYear , "abc"^^xsd:integer ;
    ex:lang "mixed case"@EN-GB ;
    <{EX}ends-with.> "dot" ;
    <https://w3id.org/airm#ends.> <{EX}object.> .
_:self ex:cycle _:self .
_:x ex:cycle _:y . _:y ex:cycle _:z . _:z ex:cycle _:x .
ex:b ex:list ( _:x "item" ) .
"""


def _write_awkward(folder: Path) -> Path:
    path = folder / "awkward.ttl"
    path.write_text(AWKWARD_TTL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def awkward(tmp_path_factory):
    """The embedded graph plus the awkward user file, loaded without the cache."""
    path = _write_awkward(tmp_path_factory.mktemp("awkward"))
    return airm.load(files=[path], cache=False)


@pytest.fixture(scope="module")
def awkward_exports(awkward):
    return {fmt: export.export(awkward, fmt, scope="data") for fmt in ("ttl", "nt", "jsonld", "rdfxml")}


# --- 5: RDF/XML entities and size ---------------------------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY l0 "lol">\n'
          + "".join(f' <!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
          + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="https://example.org/a"><rdf:value>&l9;</rdf:value></rdf:Description>'
            '</rdf:RDF>\n')


def test_rdfxml_entity_expansion_bomb_is_refused(tmp_path):
    """pitfalls.md trusts expat against billion laughs; airm reads RDF/XML with pyoxigraph, which expands them."""
    bomb = tmp_path / "laughs.rdf"
    bomb.write_text(LAUGHS, encoding="utf-8")
    assert bomb.stat().st_size < 2000
    proc = _cli_process("validate", bomb, timeout=60, memory=2_000_000_000)
    assert proc.returncode == 2, f"exit {proc.returncode}: {proc.stderr[-500:]}"
    assert "laughs.rdf" in proc.stderr and "Traceback" not in proc.stderr


def test_rdf_files_over_the_size_limit_are_refused(tmp_path, monkeypatch):
    from airm import parsing

    f = tmp_path / "big.ttl"
    f.write_text("<https://example.org/a> <https://example.org/b> " + '"' + "x" * 500 + '" .\n')
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputFileError, match="limit") as e:
        parsing.parse_file(f, None)
    assert e.value.path == str(f)


# --- 6: pySHACL runs FROM in shapes ---------------------------------------------------------------------------------

_OPENED = {"watch": None, "seen": []}


def _open_hook(event, args):
    if event == "open" and _OPENED["watch"] and args and str(args[0]).endswith(_OPENED["watch"]):
        _OPENED["seen"].append(str(args[0]))


sys.addaudithook(_open_hook)


def test_shapes_inside_user_data_are_never_run(tmp_path):
    """A data file may hold SHACL shapes; airm validates with its own shapes only, so a user's shape (here one whose
    SPARQL reads a local file with FROM, which pySHACL would do) neither runs nor reads anything."""
    secret = tmp_path / "secret-for-pitfalls.nt"
    secret.write_text('<https://example.org/s> <https://example.org/p> "SECRET-MARKER" .\n')
    data = tmp_path / "shapes-in-data.ttl"
    data.write_text(f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <{EX}> .
@prefix airm: <https://w3id.org/airm#> .
ex:Evil a sh:NodeShape ;
    sh:targetNode ex:thing ;
    sh:targetClass airm:Mitigation ;
    sh:property [ sh:path ex:needed ; sh:minCount 5 ; sh:message "USER-SHAPE-RAN" ] ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:message "USER-SPARQL-RAN {{?o}}" ;
        sh:select \"\"\"SELECT $this ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}\"\"\" ] .
ex:thing ex:label "thing" .
""")
    _OPENED["watch"], _OPENED["seen"] = secret.name, []
    try:
        code, out, err = run_cli("validate", str(data), "--format", "json")
    finally:
        _OPENED["watch"] = None
    assert code == 0, err
    assert "USER-" not in out + err and "SECRET-MARKER" not in out + err
    assert _OPENED["seen"] == []
    # control: pySHACL given the same graph as shapes does run them (so the silence above means something)
    import pyshacl
    from rdflib import Graph

    g = Graph().parse(data)
    _conforms, _report, text = pyshacl.validate(g, shacl_graph=g, advanced=True)
    assert "USER-SHAPE-RAN" in text


# --- 7: rdflib has no timeout and holds the GIL -------------------------------------------------------------------


def test_an_rdflib_query_past_its_deadline_stops_running():
    code = f"""
import threading, time, airm
from airm.errors import QueryTimeout
kg = airm.load()
try:
    kg.sparql({SLOW_QUERY!r}, engine="rdflib", timeout=0.5)
    raise SystemExit("no timeout")
except QueryTimeout:
    pass
def alive():
    return any(t.name == "airm-query" and t.is_alive() for t in threading.enumerate())
end = time.monotonic() + 2
while alive() and time.monotonic() < end:
    time.sleep(0.05)
print("RUNNING" if alive() else "STOPPED")
"""
    proc = _python(code, timeout=120)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert proc.stdout.strip() == "STOPPED", "the query still runs (holding the GIL) 2 s after its QueryTimeout"


# --- 8: an HTTP 200 with a truncated body ---------------------------------------------------------------------------

def _one_shot_server(response: bytes) -> str:
    """A loopback HTTP server answering one request with ``response`` (raw bytes), then closing the connection."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    sock.settimeout(15)

    def run():
        try:
            conn, _ = sock.accept()
            with conn:
                conn.settimeout(15)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, body = data.split(b"\r\n\r\n", 1)
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                while len(body) < length:
                    body += conn.recv(65536)
                conn.sendall(response)
        except OSError:
            pass
        finally:
            sock.close()

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}/query"


_NT = b'<https://example.org/a> <https://example.org/p> "1" .\n<https://example.org/a> <https://example.org/p> "2" .\n'
_CUT = {
    "chunked-without-last-chunk": ("CONSTRUCT", b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n"
                                   + f"{len(_NT):x}".encode() + b"\r\n" + _NT + b"\r\n"),
    "json-cut-mid-document": ("SELECT", (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                         b"Content-Length: 5000\r\n\r\n"
                                         b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri"}}')),
    "content-length-not-reached": ("CONSTRUCT", b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n"
                                   b"Content-Length: 5000\r\n\r\n" + _NT),
}


@pytest.mark.parametrize("case", [
    "chunked-without-last-chunk",
    "json-cut-mid-document",
    "content-length-not-reached",
])
def test_an_endpoint_answer_cut_short_is_an_error(case):
    from airm.engines import run_sparql

    form, response = _CUT[case]
    url = _one_shot_server(response)
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }" if form == "CONSTRUCT" else "SELECT ?s WHERE { ?s ?p ?o }"
    with pytest.raises(AirmError) as e:
        result = run_sparql(None, query, endpoint=url, timeout=10)
        print(f"returned {len(result)} rows as if complete")
    assert url in str(e.value)


# --- 9: recursion on deep nesting -----------------------------------------------------------------------------------

def test_deeply_nested_data_files_load_or_fail_cleanly(tmp_path):
    """100,000 levels of nested blank nodes, of lists and of JSON-LD objects: loaded, or refused naming the file;
    never a RecursionError or a crashed process (in a child process, so a stack overflow cannot take pytest down)."""
    code = """
import json, sys
from pathlib import Path
import airm
from airm.errors import AirmError
d, n = Path(sys.argv[1]), 100_000
files = {
    "deep-blank-nodes.ttl": ("<https://e.org/r> <https://e.org/p> " + "[ <https://e.org/p> " * n + '"x"' + " ]" * n
                             + " .\\n"),
    "deep-lists.ttl": "<https://e.org/r> <https://e.org/p> " + "( " * n + '"x"' + " )" * n + " .\\n",
    "deep.jsonld": ('{"@id": "https://e.org/r", ' + '"https://e.org/p": {' * n + '"https://e.org/v": "x"' + "}" * n
                    + "}"),
}
out = {}
for name, text in files.items():
    (d / name).write_text(text)
    try:
        airm.load(files=[d / name], cache=False)
        out[name] = "loaded"
    except AirmError as e:
        out[name] = "refused: " + str(e)
out["validate"] = airm.validate([d / "deep-blank-nodes.ttl"]).conforms
print(json.dumps(out))
"""
    proc = _python(code, tmp_path, timeout=300)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-800:]}"
    assert "RecursionError" not in proc.stderr
    results = json.loads(proc.stdout.splitlines()[-1])
    for name in ("deep-blank-nodes.ttl", "deep-lists.ttl", "deep.jsonld"):
        assert results[name] == "loaded" or (results[name].startswith("refused") and name in results[name]), results
    assert results["validate"] is True


def _chain_quads(depth: int):
    import pyoxigraph as ox

    p = ox.NamedNode(EX + "next")
    quads = [ox.Quad(ox.NamedNode(EX + "root"), p, ox.BlankNode("c0"))]
    quads += [ox.Quad(ox.BlankNode(f"c{i}"), p, ox.BlankNode(f"c{i + 1}")) for i in range(depth)]
    quads.append(ox.Quad(ox.BlankNode(f"c{depth}"), ox.NamedNode(EX + "value"), ox.Literal("end")))
    return quads


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdfxml"])
def test_the_writers_do_not_recurse_on_a_3000_deep_blank_node_chain(fmt):
    """rdflib's Turtle and JSON-LD writers overflow the stack on such a chain; airm's nest 32 levels at most and
    compact a flat node list. (The graph is handed over as already canonical: see the next test for why.)"""
    cg = export.CanonicalGraph(frozenset(), frozenset(_chain_quads(3000)))
    data = export.serialize(cg, fmt, verify=False)
    assert len(_ox_parse(data, fmt)) == 3002


@pytest.mark.slow
def test_exporting_a_3000_deep_blank_node_chain_finishes(tmp_path):
    chain = tmp_path / "chain.nt"
    lines = [f"<{EX}root> <{EX}next> _:c0 ."] + [f"_:c{i} <{EX}next> _:c{i + 1} ." for i in range(3000)]
    chain.write_text("\n".join(lines) + f'\n_:c3000 <{EX}value> "end" .\n')
    code = """
import sys, airm
from airm import export
from airm.errors import AirmError
kg = airm.load(files=[sys.argv[1]], cache=False)
try:
    export.export(kg, "ttl", scope="data")
    print("EXPORTED")
except AirmError as e:
    print("REFUSED", e)
"""
    try:
        proc = _python(code, chain, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("exporting a 3000-deep blank-node chain did not finish within 30 s")
    assert proc.returncode == 0 and "RecursionError" not in proc.stderr, proc.stderr[-800:]
    assert proc.stdout.startswith(("EXPORTED", "REFUSED"))


# --- 12: YAML alias bombs ---------------------------------------------------------------------------------------------

ALIAS_BOMB = ("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
              + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
                        for p, c in zip("abcdefgh", "bcdefghi", strict=True)))


def test_every_yaml_reader_refuses_an_alias_bomb():
    """The importers' one YAML reader and the SSSOM metadata reader refuse the 324-byte, 10^8-node bomb by its
    aliases."""
    from airm import sssom
    from airm.importers import inputs, toolkit

    data = ALIAS_BOMB.encode()
    assert len(data) < 400
    assert toolkit.load_yaml is inputs.load_yaml  # one reader, offered by the toolkit
    for reader in (inputs.load_yaml,):
        started = time.monotonic()
        with pytest.raises(InputFileError, match="alias") as e:
            reader(data, "bomb.yaml", expected="a source file")
        assert "bomb.yaml" in str(e.value) and time.monotonic() - started < 5
    table = "".join("#" + line + "\n" for line in ALIAS_BOMB.splitlines()) + "subject_id\tpredicate_id\tobject_id\n"
    with pytest.raises(InputFileError, match="alias"):
        sssom.read_tsv(table.encode(), name="bomb.sssom.tsv")


# --- 14: rdflib ignores unknown, BIND-assigned and mistyped bindings --------------------------------------------------

def test_the_catalog_refuses_a_parameter_assigned_by_bind(tmp_path):
    from airm.catalog import parse_query_file

    q = tmp_path / "bound-by-bind.rq"
    q.write_text("#+ title: t\n#+ description: d\n#+ question: q?\n#+ params:\n#+   x:\n#+     type: string\n"
                 "#+     description: a value\nSELECT ?x WHERE { ?s ?p ?o BIND(STR(?o) AS ?x) }\n")
    with pytest.raises(InputFileError, match="BIND") as e:
        parse_query_file(q)
    assert "bound-by-bind.rq" in str(e.value)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_stored_query_takes_an_iri_given_as_a_plain_string(kg, engine):
    """A plain-string IRI bound in rdflib gives zero rows; airm coerces parameter values to terms first."""
    iri = "https://w3id.org/airm/id/mitigation/shi2024-alignment-training"
    from airm.answers import run_named

    as_string = run_named(kg, "describe-entity", {"entity": iri}, engine=engine)
    as_curie = run_named(kg, "describe-entity", {"entity": "mitigation:shi2024-alignment-training"}, engine=engine)
    assert len(as_string) > 5
    assert {tuple(map(str, t)) for t in as_string} == {tuple(map(str, t)) for t in as_curie}


_ONE = "https://w3id.org/airm/id/mitigation/shi2024-alignment-training"
_MITIGATIONS = "SELECT ?x WHERE { ?x a airm:Mitigation }"


@pytest.mark.parametrize("engine", [
    "oxigraph",
    "rdflib",
])
def test_ad_hoc_bindings_with_an_unknown_name_are_refused(kg, engine):
    import pyoxigraph as ox

    with pytest.raises(QueryError):
        result = kg.sparql(_MITIGATIONS, bindings={"nope": ox.NamedNode(_ONE)}, engine=engine)
        print(f"{len(result)} rows: the binding was ignored")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ad_hoc_binding_of_a_bind_assigned_variable_is_refused(kg, engine):
    import pyoxigraph as ox

    query = 'SELECT ?x ?y WHERE { ?x a airm:Mitigation BIND("computed" AS ?y) }'
    with pytest.raises(QueryError):
        result = kg.sparql(query, bindings={"y": ox.Literal("given")}, engine=engine)
        print(f"{len(result)} rows, ?y = {sorted({r['y'].value for r in result.rows})}")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ad_hoc_binding_given_as_a_plain_string_is_not_silently_empty(kg, engine):
    import pyoxigraph as ox

    assert len(kg.sparql(_MITIGATIONS, bindings={"x": ox.NamedNode(_ONE)}, engine=engine)) == 1
    try:
        result = kg.sparql(_MITIGATIONS, bindings={"x": _ONE}, engine=engine)
    except AirmError:
        return  # refused with a typed error: fine
    assert len(result) == 1, "a plain-string IRI binding silently matched nothing"


# --- 15: CSV cells that spreadsheets run as formulas ----------------------------------------------------------------

FORMULAS = ('SELECT ?v WHERE { VALUES ?v { "=1+1" "+1+A1" "-1+A1" "@SUM(A1)" "\\tTAB" "\\rCR" "-1" "+2.5" "plain" '
            '"a=b" } }')
ESCAPED = {"'=1+1", "'+1+A1", "'-1+A1", "'@SUM(A1)", "'\tTAB", "'\rCR", "-1", "+2.5", "plain", "a=b"}
RAW = {"=1+1", "+1+A1", "-1+A1", "@SUM(A1)", "\tTAB", "\rCR", "-1", "+2.5", "plain", "a=b"}


@pytest.mark.parametrize("fmt", ["csv", "csv-safe"])
def test_csv_escapes_formula_cells_by_default(kg, fmt):
    """Issue 12: CSV is escaped by default (a leading ' before = + - @ tab CR; plain numbers kept)."""
    code, out, err = run_cli("sparql", FORMULAS, "--format", fmt)
    assert code == 0, err
    assert {row[0] for row in list(csv.reader(io.StringIO(out)))[1:]} == ESCAPED


def test_csv_raw_keeps_the_values_as_they_are(kg):
    code, out, err = run_cli("sparql", FORMULAS, "--format", "csv-raw")
    assert code == 0, err
    assert {row[0] for row in list(csv.reader(io.StringIO(out)))[1:]} == RAW


# --- 16-19: fidelity of exports -------------------------------------------------------------------------------------

def test_turtle_with_predicates_ending_in_a_dot_parses_back(awkward_exports, kg):
    import pyoxigraph as ox
    from rdflib import Graph

    from airm.convert import to_ox_term

    ttl = awkward_exports["ttl"]
    assert b"ns1:" not in ttl
    back = {tuple(map(to_ox_term, t)) for t in Graph().parse(data=ttl.decode(), format="turtle")}
    assert (ox.NamedNode(EX + "a"), ox.NamedNode("https://w3id.org/airm#ends."), ox.NamedNode(EX + "object.")) in back
    assert (ox.NamedNode(EX + "a"), ox.NamedNode(EX + "ends-with."), ox.Literal("dot")) in back
    query = (f"CONSTRUCT {{ <{EX}a> <https://w3id.org/airm#ends.> <{EX}o.> . "
             f'<{EX}a> <https://w3id.org/airm#other.> "v" }} WHERE {{}}')
    code, out, err = run_cli("sparql", query, "--format", "ttl")
    assert code == 0, err
    assert "ns1:" not in out and len(Graph().parse(data=out, format="turtle")) == 2


def test_jsonld_export_keeps_blank_node_cycles(awkward_exports):
    import pyoxigraph as ox

    jsonld, nt = _ox_parse(awkward_exports["jsonld"], "jsonld"), _ox_parse(awkward_exports["nt"], "nt")
    cycle = ox.NamedNode(EX + "cycle")
    edges = [t for t in jsonld if t.predicate == cycle]
    assert len(edges) == 4
    assert sum(1 for t in edges if t.subject == t.object) == 1  # _:self ex:cycle _:self, which nothing points into
    assert export.same_graph(jsonld, nt)


def test_jsonld_export_keeps_the_datatype_of_ill_typed_literals(awkward_exports):
    import pyoxigraph as ox

    back = set(_ox_parse(awkward_exports["jsonld"], "jsonld"))
    a, year = ox.NamedNode(EX + "a"), ox.NamedNode("http://purl.org/spar/fabio/hasPublicationYear")
    integer, gyear = ox.NamedNode(XSD + "integer"), ox.NamedNode(XSD + "gYear")
    assert ox.Triple(a, ox.NamedNode(EX + "ill"), ox.Literal("abc", datatype=integer)) in back
    assert ox.Triple(a, year, ox.Literal("not a year", datatype=gyear)) in back  # the context types "year" as gYear
    assert ox.Triple(a, year, ox.Literal("abc", datatype=integer)) in back  # the same property, another datatype


def test_ill_typed_literals_print_no_traceback(tmp_path):
    f = tmp_path / "ill-typed.ttl"
    f.write_text(f'<{EX}a> <{EX}n> "abc"^^<{XSD}integer> .\n')
    proc = _cli_process("validate", f)
    assert proc.returncode in (0, 1), proc.stderr[-800:]
    assert "Traceback" not in proc.stderr, proc.stderr[:800]


def test_curated_literals_are_canonical():
    """rdflib (NORMALIZE_LITERALS) and Oxigraph's store both rewrite a typed literal to its canonical form ("01" to
    "1") and so merge "1" and "true"^^xsd:boolean: airm's own files hold canonical literals only, so neither can
    change or merge any of them."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    from airm import resources
    from airm.parsing import rdf_format

    changed, typed = [], 0
    for path in resources.ontology_files() + resources.data_files() + resources.shape_files():
        parsed = [ox.Triple(q.subject, q.predicate, q.object)
                  for q in ox.parse(path=str(path), format=rdf_format(path), base_iri=path.resolve().as_uri())]
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in parsed)
        stored = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
        for t in parsed:
            o = t.object
            if isinstance(o, ox.Literal) and not o.language and o.datatype.value != XSD + "string":
                typed += 1
                by_rdflib = str(Literal(o.value, datatype=URIRef(o.datatype.value), normalize=True))
                if t not in stored or by_rdflib != o.value:
                    changed.append(f"{path.name}: {o}")
    assert typed > 50
    assert not changed, changed[:10]


def test_literal_forms_do_not_depend_on_rdflib_or_pyshacl_globals(awkward, monkeypatch):
    """pySHACL turns rdflib.NORMALIZE_LITERALS back on; exports must not depend on the flag, and must write each
    literal as queries return it."""
    import pyoxigraph as ox
    import rdflib

    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    before = {fmt: export.export(awkward, fmt, scope="data") for fmt in ("ttl", "nt", "jsonld")}
    awkward.validate()  # pySHACL sets the flag to True
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", True)
    after = {fmt: export.export(awkward, fmt, scope="data") for fmt in ("ttl", "nt", "jsonld")}
    assert before == after
    for p in ("num", "flag"):
        answer = awkward.sparql(f"SELECT ?o WHERE {{ <{EX}a> <{EX}{p}> ?o }}")
        queried = {(r["o"].value, r["o"].datatype) for r in answer}
        for fmt, data in after.items():
            written = {(t.object.value, t.object.datatype.value) for t in _ox_parse(data, fmt)
                       if t.subject == ox.NamedNode(EX + "a") and t.predicate == ox.NamedNode(EX + p)}
            assert written == queried, (fmt, p)


def test_airm_never_imports_owlrl_or_sssom_nor_changes_rdflib_globals(tmp_path):
    """owlrl rewrites rdflib's datatype mapping globally and reports inconsistency only as triples: airm's load,
    validation, build, exports and rdflib engine never import it (nor sssom-py, a test-only extra)."""
    path = _write_awkward(tmp_path)
    code = """
import json, sys
import rdflib, rdflib.term as term
mapping, flag = dict(term._toPythonMapping), rdflib.NORMALIZE_LITERALS
import airm
from airm import export
kg = airm.load(files=[sys.argv[1]], cache=False)
airm.build(sys.argv[2], files=[sys.argv[1]], validate=False)
airm.validate([sys.argv[1]])
for fmt in ("ttl", "nt", "jsonld", "jsonld-framed", "rdfxml", "sssom"):
    export.export(kg, fmt)
kg.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1", engine="rdflib")
print(json.dumps({"owlrl": "owlrl" in sys.modules, "sssom-py": "sssom" in sys.modules,
                  "mapping unchanged": dict(term._toPythonMapping) == mapping,
                  "flag unchanged": rdflib.NORMALIZE_LITERALS == flag}))
"""
    proc = _python(code, path, tmp_path / "build", timeout=180)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert json.loads(proc.stdout.splitlines()[-1]) == {
        "owlrl": False, "sssom-py": False, "mapping unchanged": True, "flag unchanged": True}


# --- 20: language tags ------------------------------------------------------------------------------------------------

_BAD_TAG = "not_a_tag"
_BAD_TAG_FILES = {
    ".ttl": f'<{EX}a> <{EX}b> "x"@{_BAD_TAG} .\n',
    ".nt": f'<{EX}a> <{EX}b> "x"@{_BAD_TAG} .\n',
    ".nq": f'<{EX}a> <{EX}b> "x"@{_BAD_TAG} <{EX}g> .\n',
    ".trig": f'<{EX}g> {{ <{EX}a> <{EX}b> "x"@{_BAD_TAG} . }}\n',
    ".rdf": ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             f'xmlns:e="{EX}"><rdf:Description rdf:about="{EX}a"><e:b xml:lang="{_BAD_TAG}">x</e:b>'
             "</rdf:Description></rdf:RDF>\n"),
    ".jsonld": json.dumps({"@id": EX + "a", EX + "b": {"@value": "x", "@language": _BAD_TAG}}),
}


@pytest.mark.parametrize("suffix", [
    *[s for s in _BAD_TAG_FILES if s != ".jsonld"],
    ".jsonld",
])
def test_a_malformed_language_tag_is_an_error_naming_the_file(tmp_path, suffix):
    f = tmp_path / f"bad-tag{suffix}"
    f.write_text(_BAD_TAG_FILES[suffix], encoding="utf-8")
    with pytest.raises(InputFileError) as e:
        kg = airm.load(files=[f], cache=False)
        print("loaded:", [r["o"].value for r in kg.sparql(f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }}").rows])
    assert f.name in str(e.value)


def test_language_tags_read_alike_on_both_engines_and_in_every_export(awkward, awkward_exports):
    """pyoxigraph lowercases tags and rdflib keeps them as written: everything airm answers goes through the store,
    so "EN-GB" reads as "en-gb" on both engines and in every export."""
    query = f"SELECT ?o (LANG(?o) AS ?tag) WHERE {{ <{EX}a> <{EX}lang> ?o FILTER(langMatches(LANG(?o), \"EN-GB\")) }}"
    answers = [[(r["o"].value, r["o"].lang, r["tag"].value) for r in awkward.sparql(query, engine=e).rows]
               for e in ("oxigraph", "rdflib")]
    assert answers[0] == answers[1] == [("mixed case", "en-gb", "en-gb")]
    for fmt, data in awkward_exports.items():
        tags = {t.object.language for t in _ox_parse(data, fmt) if t.predicate.value == EX + "lang"}
        assert tags == {"en-gb"}, fmt


# --- 21: output order and PYTHONHASHSEED ------------------------------------------------------------------------------

def test_exports_are_the_same_bytes_under_any_hash_seed(tmp_path):
    path = _write_awkward(tmp_path)
    code = """
import hashlib, json, sys, airm
from airm import export
kg = airm.load(files=[sys.argv[1]], cache=False)
print(json.dumps({fmt: hashlib.sha256(export.export(kg, fmt)).hexdigest()
                  for fmt in ("ttl", "nt", "jsonld", "jsonld-framed", "rdfxml")}))
"""
    digests = []
    for seed in ("1", "4242"):
        proc = _python(code, path, timeout=120, PYTHONHASHSEED=seed)
        assert proc.returncode == 0, proc.stderr[-800:]
        digests.append(json.loads(proc.stdout.splitlines()[-1]))
    assert digests[0] == digests[1]


# --- 22: TriG and N-Quads into a plain Graph ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dataset_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("datasets")
    trig, nq = d / "named.trig", d / "named.nq"
    trig.write_text(f'<{EX}graph1> {{ <{EX}t> <{EX}p> "trig, named graph" . }}\n'
                    f'<{EX}t> <{EX}p> "trig, default graph" .\n')
    nq.write_text(f'<{EX}n> <{EX}p> "nq, named graph" <{EX}graph2> .\n<{EX}n> <{EX}p> "nq, default graph" .\n')
    return trig, nq


def test_named_graphs_of_trig_and_nquads_files_are_exported(dataset_files):
    kg = airm.load(files=list(dataset_files), cache=False)
    values = {r["o"].value for r in kg.sparql(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}").rows}
    assert len(values) == 4  # the queries see all four
    exported = {t.object.value for t in _ox_parse(export.export(kg, "nt", scope="data"), "nt")
                if t.predicate.value == EX + "p"}
    assert exported == values


def test_named_graphs_of_trig_and_nquads_files_are_validated(tmp_path):
    f = tmp_path / "unlabelled.trig"
    f.write_text(f"<{EX}graph1> {{ <{EX}m-in-named-graph> a <https://w3id.org/airm#Mitigation> . }}\n")
    code, out, _err = run_cli("validate", str(f), "--severity", "violation")
    assert code == 1, "a mitigation without label, stage, actor or source passed validation"
    assert "m-in-named-graph" in out


# --- 25: the atheris case: seven bytes that crashed rdflib's Turtle parser -----------------------------------------

def test_the_seven_bytes_at_prefix_are_a_typed_error_everywhere(tmp_path):
    """Every entry point that reads RDF files: the Python API, validate, diff and a workspace source."""
    k = tmp_path / "k.ttl"
    k.write_bytes(b"@prefix")
    with pytest.raises(InputFileError) as e:
        airm.load(files=[k], cache=False)
    assert e.value.path == str(k)
    good = tmp_path / "good.ttl"
    good.write_text(f'<{EX}a> <{EX}b> "c" .\n')
    ws = tmp_path / "ws"
    (ws / "sources").mkdir(parents=True)
    (ws / "sources" / "k.nq").write_bytes(b"@prefix")
    for args in (["validate", str(k)], ["diff", str(good), str(k)], ["diff", str(k), str(good)],
                 ["export", "--format", "nt", "--workspace", str(ws)]):
        code, _out, err = run_cli(*args)
        assert code == 2 and "k." in err and "Traceback" not in err, (args, err)


# --- 26-31: versions and imports ------------------------------------------------------------------------------------

def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_pylode_is_pinned_below_3_4():
    """pyLODE 3.4.1 fails on import and 3.5+ needs Python 3.12: the pin, and what is installed, stay below 3.4."""
    from importlib.metadata import version

    from packaging.requirements import Requirement
    from packaging.version import Version

    reqs = [Requirement(r) for r in _pyproject()["project"]["dependencies"]]
    (pylode,) = [r for r in reqs if r.name.lower() == "pylode"]
    for bad in ("3.4.0", "3.4.1", "3.5.0"):
        assert not pylode.specifier.contains(bad), f"{pylode} admits {bad}"
    assert pylode.specifier.contains("3.3.4")
    assert Version(version("pylode")) in pylode.specifier


def test_sssom_py_is_a_test_extra_only():
    """sssom-py pulls in ~78 packages: only the test extra names it, and airm's code never imports it."""
    project = _pyproject()["project"]

    def names(reqs):
        return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in reqs}

    assert "sssom" not in names(project["dependencies"])
    assert "sssom" in names(project["optional-dependencies"]["test"])
    for path in (ROOT / "src" / "airm").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "sssom" for a in node.names), path
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                assert (node.module or "").split(".")[0] != "sssom", path


def test_pages_load_nothing_from_another_site():
    """No YASGUI from a CDN (or anything else remote): scripts, styles, images and frames come from airm itself."""
    from airm.server.app import SECURITY_HEADERS

    server = ROOT / "src" / "airm" / "server"
    remote = re.compile(r"<(script|link|img|iframe|source|embed|object)\b[^>]*\b(src|href|data)\s*=\s*[\"']?"
                        r"(https?:)?//", re.IGNORECASE)
    for path in list((server / "templates").glob("*.html")) + list((server / "static").glob("*")):
        text = path.read_text(encoding="utf-8")
        assert not remote.search(text), f"{path.name} loads {remote.search(text).group(0)}"
        assert not re.search(r"@import\s+(url\()?[\"']?(https?:)?//", text), path.name
    csp = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "http" not in csp


def test_cli_fast_paths_import_no_heavy_library():
    """rdflib (0.3 s), its first query (0.6 s), pySHACL (0.6 s) and the rest stay out of help, version and listing."""
    code = """
import contextlib, io, json, sys
from airm.cli import main
for argv in (["--help"], ["--version"], ["query", "list"], ["query", "show", "mitigations-for-risk"]):
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0, argv
heavy = ("rdflib", "pyshacl", "owlrl", "pyld", "matplotlib", "starlette", "jinja2", "pylode", "openpyxl", "sssom")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""
    proc = _python(code, timeout=60)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert json.loads(proc.stdout.splitlines()[-1]) == []


# --- the table cannot rot ---------------------------------------------------------------------------------------------

_NODE = re.compile(r"(tests/[\w/]+\.py)::(\w+)(?:\[([^\]]+)\])?")


def _table() -> list[dict]:
    rows: list[dict] = []
    for line in __doc__.splitlines():
        if not line.startswith("|") or line.startswith(("|--", "| # ")):
            continue
        number, name, cat, text = (c.strip() for c in line.strip().strip("|").split("|", 3))
        if number:
            rows.append({"n": int(number), "name": name, "cat": cat, "text": text})
        else:
            rows[-1]["text"] += " " + text
    return rows


def _bullets(doc: str) -> int:
    return sum(1 for line in doc.splitlines() if line.startswith("- "))


def test_the_table_names_only_tests_that_exist():
    rows = _table()
    assert [r["n"] for r in rows] == list(range(1, len(rows) + 1))
    defined: dict[str, set] = {}
    named_here = set()
    for row in rows:
        assert row["cat"] in ("a", "b", "a+b", "c"), row
        nodes = _NODE.findall(row["text"])
        here = [n for n in nodes if n[0] == "tests/hardening/test_pitfalls.py"]
        elsewhere = [n for n in nodes if n[0] != "tests/hardening/test_pitfalls.py"]
        if "a" in row["cat"]:
            assert elsewhere, f"row {row['n']} ({row['name']}) names no existing test"
        if "b" in row["cat"]:
            assert here, f"row {row['n']} ({row['name']}) names no test of this file"
        if row["cat"] == "c":
            assert len(row["text"]) > 20, f"row {row['n']} ({row['name']}) says not why it does not apply"
        for file, func, param in nodes:
            path = ROOT / file
            assert path.is_file(), f"row {row['n']}: {file} does not exist"
            if file not in defined:
                tree = ast.parse(path.read_text(encoding="utf-8"))
                defined[file] = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            assert func in defined[file], f"row {row['n']}: {file}::{func} does not exist"
            if file == "tests/hardening/test_pitfalls.py":
                named_here.add(func)
            if param and file == "tests/test_bad_inputs.py":
                import yaml

                corpus, case = param.split(":", 1)
                cases = yaml.safe_load((ROOT / "tests" / "bad_inputs" / f"{corpus}.yaml").read_text(encoding="utf-8"))
                assert case in {c["id"] for c in cases}, f"row {row['n']}: no bad-input case {param}"
    own = {name for name in globals() if name.startswith("test_")} - {"test_the_table_names_only_tests_that_exist"}
    assert own - named_here == set(), "tests of this file missing from the table"
    if PITFALLS_DOC.is_file():
        assert len(rows) == _bullets(PITFALLS_DOC.read_text(encoding="utf-8")), "one row per bullet of pitfalls.md"
