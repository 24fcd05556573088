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
            "</rdf:RDF>", "<rdf:Description", ' rdf:about="https://e/a"', "/>", "<!DOCTYPE r [", "<!ENTITY e 'x'>",
            "]>", "&e;", "<ex:p>", "</ex:p>", ' xmlns:ex="https://e/"', "text", "<![CDATA[", "]]>"]

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
               "    type: resource", "    type: integer", "    required: true", "    default: 3",
               "    class: airm:Risk", "    description: d", "returns: [x]", "tags: [a]", "kind: select",
               "&a [*a, *a]", "!!python/object:os.system", "{", "- ", "\t", ":", "'", '"', "\n"]


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


# Importer inputs: each importer's edge-case fixture, one of its files mutated the way real files break (cut short,
# a span lost, bytes or whole lines pasted from elsewhere in the file, a line doubled, an odd byte).
IMPORTER_INPUTS = {  # source -> (fixture given to the importer, files in it to mutate)
    "mit-risks": ("mit-risks/edge-cases.csv", ["."]),
    "mit-mitigations": ("mit-mitigations/edge", ["knowledge_graph/mit_ai_risk_mitigation_data.yaml",
                                                 "knowledge_graph/mit_ai_risk_repository_data_controls.yaml",
                                                 "mappings/mit_ai_risk_mitigation_mappings.tsv"]),
    "nist-ai-600-1": ("nist-ai-600-1/edge", ["nist_ai_rmf_data.yaml", "nist_ai_rmf_actions_data.yaml"]),
    "atlas": ("atlas/edge-cases.yaml", ["."]),
    "nexus-mappings": ("nexus/edge-cases", ["data/knowledge_graph/risk_atlas_data.yaml",
                                            "data/knowledge_graph/owasp_llm_2.0_data.yaml",
                                            "data/mappings/mit_ai_risk_mitigation_mappings.tsv"]),
}


@st.composite
def mutated(draw, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 3))):
        n = len(data)
        kind = draw(st.sampled_from(["cut", "drop", "paste", "line", "byte"]))
        i = draw(st.integers(0, n))
        if kind == "cut":
            data = data[:i]
        elif kind == "drop":
            data = data[:i] + data[min(n, i + draw(st.integers(1, 40))):]
        elif kind == "paste":
            j = draw(st.integers(0, n))
            data = data[:i] + data[j:j + draw(st.integers(1, 60))] + data[i:]
        elif kind == "line":
            lines = data.split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[k])
            data = b"\n".join(lines)
        else:
            data = data[:i] + bytes([draw(st.sampled_from([0, 9, 10, 13, 34, 39, 44, 58, 45, 38, 42, 0xFF, 0xC3]))]) \
                + data[i:]
    return data


@pytest.mark.parametrize("source", sorted(IMPORTER_INPUTS))
def test_fuzz_importer_inputs(source, tmp_path_factory):
    """Any mutation of a real input file ends in an outcome or airm's typed error naming the input."""
    import shutil
    from pathlib import Path

    from airm.importers import importer

    fixture, files = IMPORTER_INPUTS[source]
    original = Path(__file__).resolve().parents[1] / "fixtures" / "importers" / fixture
    work = tmp_path_factory.mktemp("fuzz-import") / original.name
    if original.is_dir():
        shutil.copytree(original, work)
    else:
        shutil.copy(original, work)
    module = importer(source)

    @FUZZ
    @given(data=st.data())
    def run(data):
        rel = data.draw(st.sampled_from(files))
        target = work if rel == "." else work / rel
        source_bytes = (original if rel == "." else original / rel).read_bytes()
        target.write_bytes(data.draw(mutated(source_bytes)))
        try:
            module.read(work)
        except AirmError as e:
            assert "Traceback" not in str(e)
            assert work.name in str(e) or target.name in str(e), f"the error does not name the input: {e}"
        finally:
            target.write_bytes(source_bytes)

    run()
