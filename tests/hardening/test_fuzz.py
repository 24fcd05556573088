"""Fuzz targets for airm's own parser entry points: any input ends in a result or a typed, located error.

Smoke mode by default (a bounded number of examples each); longer by hand, e.g.
``AIRM_FUZZ_EXAMPLES=20000 pytest tests/hardening/test_fuzz.py``. A crash found here becomes a case in
tests/bad_inputs/.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airm.errors import AirmError, InputFileError

EXAMPLES = int(os.environ.get("AIRM_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

TURTLE_BITS = ["@prefix", "@base", "ex:", "<https://e/a>", "<a b>", '"x"', '"""', "'", "@en", "@", "^^", "xsd:integer",
               "[", "]", "(", ")", ";", ",", ".", " ", "\n", "_:b", "a", "true", "1.5e3", "#", "\\u00", "\\", "{", "}",
               "GRAPH", "<https://w3id.org/airm#Mitigation>", "\u00e9", "\U0001f600", "\x00"]
turtle_like = st.lists(st.sampled_from(TURTLE_BITS), max_size=40).map("".join)
JSON_BITS = ['{', '}', '[', ']', '"@id"', '"@context"', '"@type"', '"@value"', '"@language"', ':', ',', '"x"', '1',
             'null', 'true', '"https://e/a"', '{"@vocab": "https://e/"}', '"@graph"', '"@list"', '"_:b"']
json_like = st.lists(st.sampled_from(JSON_BITS), max_size=40).map("".join)


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".nq", ".trig"])
def test_fuzz_rdf_files(suffix, tmp_path_factory):
    from airm.parsing import parse_file

    folder = tmp_path_factory.mktemp("fuzz")

    @FUZZ
    @given(data=st.one_of(turtle_like, st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
    def run(data):
        path = folder / f"input{suffix}"
        path.write_bytes(data.encode("utf-8", "surrogatepass"))
        try:
            parse_file(path, "https://example.org/g")
        except InputFileError as e:
            assert str(path) in str(e) or path.name in str(e)

    run()


def test_fuzz_jsonld_files(tmp_path_factory):
    from airm.parsing import parse_file

    folder = tmp_path_factory.mktemp("fuzz")

    @FUZZ
    @given(data=json_like)
    def run(data):
        path = folder / "input.jsonld"
        path.write_text(data, encoding="utf-8")
        try:
            parse_file(path, "https://example.org/g")
        except InputFileError:
            pass

    run()


def test_fuzz_rdfxml_files(tmp_path_factory):
    from airm.parsing import parse_file

    folder = tmp_path_factory.mktemp("fuzz")
    bits = ['<?xml version="1.0"?>', "<rdf:RDF", ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"', ">",
            "</rdf:RDF>", "<rdf:Description", ' rdf:about="https://e/a"', "/>", "<!DOCTYPE r [", "<!ENTITY e 'x'>", "]>",
            "&e;", "<ex:p>", "</ex:p>", ' xmlns:ex="https://e/"', "text", "<![CDATA[", "]]>"]

    @FUZZ
    @given(data=st.lists(st.sampled_from(bits), max_size=30).map("".join))
    def run(data):
        path = folder / "input.rdf"
        path.write_text(data, encoding="utf-8")
        try:
            parse_file(path, "https://example.org/g")
        except InputFileError:
            pass

    run()


HEADER_BITS = ["#+ ", "title: T", "description: D", "question: Q?", "params:", "  x:", "    type: string",
               "    type: resource", "    type: integer", "    required: true", "    default: 3", "    class: airm:Risk",
               "    description: d", "returns: [x]", "tags: [a]", "kind: select", "&a [*a, *a]", "!!python/object:os.system",
               "{", "- ", "\t", ":", "'", '"', "\n"]


def test_fuzz_query_headers(tmp_path_factory):
    from airm.catalog import parse_query_file

    folder = tmp_path_factory.mktemp("fuzz")
    bodies = ["SELECT ?x WHERE { ?x ?p ?o }", "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "", "ASK {}", "DROP ALL"]

    @FUZZ
    @given(header=st.lists(st.sampled_from(HEADER_BITS), max_size=30).map("".join),
           body=st.sampled_from(bodies))
    def run(header, body):
        path = folder / "fuzzed-query.rq"
        path.write_text("#+ " + header.replace("\n", "\n#+ ") + "\n" + body + "\n", encoding="utf-8")
        try:
            parse_query_file(path)
        except InputFileError as e:
            assert "fuzzed-query.rq" in str(e)

    run()


def test_fuzz_ad_hoc_sparql(kg):
    from airm.engines import run_sparql

    bits = ["SELECT", "*", "?s", "?p", "?o", "WHERE", "{", "}", "(", ")", "FILTER", "OPTIONAL", "UNION", "MINUS",
            "GRAPH", "SERVICE", "<https://e/a>", '"x"', ".", ";", "|", "/", "*", "+", "?", "COUNT", "AS", "BIND",
            "VALUES", "LIMIT 3", "INSERT", "DATA", "LOAD", "FROM", "NOT EXISTS", "rdfs:label", "1", "#", "\n"]

    @FUZZ
    @given(query=st.lists(st.sampled_from(bits), max_size=25).map(" ".join))
    def run(query):
        try:
            run_sparql(kg, query, timeout=5, limit=100)
        except AirmError:
            pass

    run()
