"""Exports: every format reads back, with a different implementation, as the graph that was exported; Turtle is
deterministic; JSON-LD uses the published context and never touches the network; writes are atomic; one version."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airm import export
from airm.errors import InternalError, UserError
from conftest import ROOT, run_cli

XSD = "http://www.w3.org/2001/XMLSchema#"


def ox_graph(data: bytes, fmt):
    """Parse with Oxigraph, independently of airm.export."""
    import pyoxigraph as ox
    from rdflib import Graph

    from airm.convert import to_rdflib_term

    g = Graph()
    for t in ox.parse(data, format=fmt):
        g.add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))
    return g


def refuse_everything(url, options=None):
    raise AssertionError(f"tried to load {url}")


def pyld_graph(data: bytes):
    """Parse JSON-LD with PyLD and a document loader that fails the test on any load."""
    from pyld import jsonld
    from rdflib import BNode, Graph, Literal, URIRef

    dataset = jsonld.to_rdf(json.loads(data), {"documentLoader": refuse_everything})
    g = Graph()

    def term(t):
        if t["type"] == "IRI":
            return URIRef(t["value"])
        if t["type"] == "blank node":
            return BNode(t["value"][2:])
        if t.get("language"):
            return Literal(t["value"], lang=t["language"])
        dt = t.get("datatype")
        return Literal(t["value"], datatype=None if dt in (None, XSD + "string") else URIRef(dt))

    for triples in dataset.values():
        for tr in triples:
            g.add((term(tr["subject"]), term(tr["predicate"]), term(tr["object"])))
    return g


def rdflib_xml_graph(data: bytes):
    import io

    from rdflib import Graph

    return Graph().parse(io.BytesIO(data), format="xml")


def read_back(data: bytes, fmt: str):
    import pyoxigraph as ox

    if fmt == "ttl":
        return ox_graph(data, ox.RdfFormat.TURTLE)
    if fmt == "nt":
        return ox_graph(data, ox.RdfFormat.N_TRIPLES)
    if fmt == "jsonld":
        return pyld_graph(data)
    return rdflib_xml_graph(data)


@pytest.fixture(scope="module")
def built(kg):
    return kg.to_rdflib(scope="all", entailments=True)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdfxml"])
def test_every_format_reads_back_as_the_built_graph_with_another_implementation(built, fmt):
    data = export.serialize(built, fmt)
    back = read_back(data, fmt)
    assert len(back) == len(built)
    assert export.same_graph(back, built)
    # datatypes and language tags survive (same_graph compares terms exactly; spot-check a few anyway)
    from rdflib import Literal, URIRef

    year = Literal("2024", datatype=URIRef(XSD + "gYear"))
    assert (None, URIRef("http://purl.org/spar/fabio/hasPublicationYear"), year) in back
    assert any(isinstance(o, Literal) and o.language == "en" for o in back.objects())


def test_turtle_is_the_same_bytes_every_time_and_declares_only_the_prefix_file(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"{seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "airm.cli", "export", "--format", "ttl", "--out", str(out)], check=True,
                       env=env, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    from airm.namespaces import prefixes

    declared = dict(re.findall(r"^@prefix (\S*): <([^>]*)> \.$", outs[0].decode(), re.M))
    assert declared and all(prefixes().get(p) == ns for p, ns in declared.items()), "a prefix not from prefixes.ttl"
    header = outs[0].decode().split("\n\n", 1)[0].splitlines()
    assert all(line.startswith("@prefix ") for line in header)  # not PREFIX: older Turtle readers know only @prefix


def test_jsonld_is_compacted_with_the_published_context(kg):
    doc = json.loads(export.export(kg, "jsonld"))
    published = json.loads((ROOT / "ontology" / "context.jsonld").read_text())["@context"]
    assert doc["@context"] == export.context()
    assert all(doc["@context"][k] == v for k, v in published.items())
    m = next(n for n in doc["@graph"] if n["id"] == "mitigation:shi2024-alignment-training")
    assert m["label"] == "Alignment training"
    assert m["lifecycleStage"] == "lifecycle:build-and-use-model"
    assert m["addresses"] == ["llmsr:value-misalignment"]
    assert "Mitigation" in m["type"] and "airo:RiskControl" in m["type"]


def test_published_context_declares_every_prefix_and_a_term_for_every_airm_property(kg):
    from airm.namespaces import prefixes

    ctx = json.loads((ROOT / "ontology" / "context.jsonld").read_text())["@context"]
    missing = {p: ns for p, ns in prefixes().items() if ctx.get(p) != ns}
    assert not missing, f"add these prefixes to ontology/context.jsonld (as in ontology/prefixes.ttl): {missing}"
    mapped = {(d if isinstance(d, str) else d.get("@id")) for d in ctx.values()}
    props = [sol["p"].value for sol in kg.store.query(
        "SELECT DISTINCT ?p WHERE { VALUES ?t { <http://www.w3.org/2002/07/owl#ObjectProperty> "
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> } ?p a ?t FILTER(STRSTARTS(STR(?p), 'https://w3id.org/airm#')) }",
        use_default_graph_as_union=True)]
    lacking = sorted(p for p in props if "airm:" + p.rsplit("#", 1)[1] not in mapped)
    assert not lacking, f"give these properties a readable term in ontology/context.jsonld: {lacking}"


def test_jsonld_reading_never_fetches_a_remote_context():
    from pyld.jsonld import JsonLdError

    with pytest.raises(JsonLdError):
        export.document_loader("http://127.0.0.1:9/context.jsonld")
    remote = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a", "name": "x"})
    with pytest.raises(SyntaxError, match="refused"):
        export.parse_jsonld_with_pyld(remote.encode())
    # the published context's own URL is served from the package
    doc = {"@context": export.CONTEXT_URL, "@id": "mitigation:x", "label": "x"}
    g = export.parse_jsonld_with_pyld(json.dumps(doc).encode())
    assert len(g) == 1


def test_framed_jsonld_has_one_nested_record_per_mitigation(kg):
    doc = json.loads(export.export(kg, "jsonld-framed"))
    mitigations = {sol["m"].value for sol in kg.store.query(
        "SELECT ?m WHERE { ?m a <https://w3id.org/airm#Mitigation> }", use_default_graph_as_union=True)}
    records = doc["@graph"]
    assert len(records) == len(mitigations)
    seed = next(r for r in records if r["id"] == "mitigation:shi2024-alignment-training")
    assert seed["addresses"][0]["prefLabel"] == "Value Misalignment"
    assert seed["lifecycleStage"]["prefLabel"] == "Build and Use Model"
    assert seed["actorType"]["prefLabel"] == "Developer"
    assert seed["riskManagementFunction"]["prefLabel"] == "Manage"
    assert {t["label"] for t in seed["usesTechnique"]} >= {"Direct Preference Optimization",
                                                           "Reinforcement learning from human feedback"}
    assert seed["extractedFrom"]["title"] == "Large Language Model Safety: A Holistic Survey"
    assert seed["extractedFrom"]["authors"][0] == "Shi, Dan"  # the author list, in order
    assert all("id" in r and "Mitigation" in r["type"] for r in records)


@pytest.mark.parametrize("scope", ["ontology", "data"])
def test_scopes_split_terms_from_records(kg, scope):
    from rdflib import RDF, OWL, URIRef

    g = read_back(export.export(kg, "nt", scope=scope), "nt")
    has_class = (URIRef("https://w3id.org/airm#Mitigation"), RDF.type, OWL.Class) in g
    has_record = (URIRef("https://w3id.org/airm/id/mitigation/shi2024-alignment-training"), None, None) in g
    assert (has_class, has_record) == ((True, False) if scope == "ontology" else (False, True))


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "jsonld-framed", "rdfxml", "sssom"])
def test_cli_export_writes_each_format(tmp_path, fmt):
    out = tmp_path / f"airm.{fmt}"
    code, _out, err = run_cli("export", "--format", fmt, "--scope", "ontology" if fmt != "jsonld-framed" else "all",
                              "--out", str(out))
    assert code == 0, err
    assert out.stat().st_size > 1000
    assert oct(out.stat().st_mode & 0o777) != oct(0o600), "an export must be readable like any other file"


def test_cli_export_rejects_an_unknown_scope():
    code, _out, err = run_cli("export", "--scope", "everything")
    assert code == 2 and "everything" in err


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "airm.ttl"
    target.write_bytes(b"old")

    def boom(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        export.atomic_write(target, b"new content that never lands")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["airm.ttl"]


def test_turtle_writes_strings_that_trip_rdflibs_escaping():
    """rdflib's Turtle writer breaks a multi-line string ending in backslash-quote (found by the property test)."""
    from rdflib import Graph, Literal, URIRef

    g = Graph()
    g.add((URIRef("https://w3id.org/airm/id/mitigation/x"), URIRef("http://purl.org/dc/terms/description"),
           Literal('line one\nends with \\"')))
    data = export.serialize(g, "ttl")
    assert export.same_graph(read_back(data, "ttl"), g)


def test_rdfxml_refuses_characters_xml_cannot_carry():
    from rdflib import Graph, Literal, URIRef

    g = Graph()
    g.add((URIRef("https://w3id.org/airm/id/mitigation/x"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
           Literal("bell \x07")))
    with pytest.raises(UserError, match="U\\+0007"):
        export.serialize(g, "rdfxml")
    assert export.serialize(g, "ttl")  # the other formats carry it


def test_a_writer_that_loses_data_is_caught_before_anything_is_written(built, monkeypatch):
    real = export.compact_jsonld

    def lossy(graph):
        doc = real(graph)
        doc["@graph"] = doc["@graph"][1:]
        return doc

    monkeypatch.setattr(export, "compact_jsonld", lossy)
    with pytest.raises(InternalError, match="does not read back"):
        export.serialize(built, "jsonld")


# --- lossless round trips of awkward records (property-based) -----------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
_xml_safe_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=[
    c for c in map(chr, range(32)) if c not in "\t\n\r"] + ["\ufffe", "\uffff"]), max_size=300)
_lang = st.sampled_from(["en", "de", "fr-ca", "zh-hant", "x-private", "en-gb-oxendict"])
_plain_words = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)


def _literal(text_strategy):
    from rdflib import Literal, URIRef

    return st.one_of(
        text_strategy.map(Literal),
        st.tuples(text_strategy, _lang).map(lambda t: Literal(t[0], lang=t[1])),
        st.integers(min_value=-10**30, max_value=10**30).map(lambda i: Literal(str(i), datatype=URIRef(XSD + "integer"))),
        st.dates().map(lambda d: Literal(d.isoformat(), datatype=URIRef(XSD + "date"))),
        st.booleans().map(lambda b: Literal("true" if b else "false", datatype=URIRef(XSD + "boolean"))),
        text_strategy.map(lambda t: Literal(t, datatype=URIRef("https://example.org/dt#opaque"))),
        st.text("abc \"'\\\n", max_size=40).map(lambda t: Literal(t, datatype=URIRef(XSD + "string"))),
    )


def _records(text_strategy):
    return st.lists(
        st.tuples(_plain_words, st.lists(_literal(text_strategy), min_size=1, max_size=4),
                  st.lists(text_strategy, max_size=4)),
        min_size=1, max_size=5)


def _graph(records):
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.collection import Collection

    g = Graph()
    ns = "https://w3id.org/airm/id/mitigation/"
    for name, literals, authors in records:
        node = URIRef(ns + name)
        g.add((node, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("https://w3id.org/airm#Mitigation")))
        for lit in literals:
            g.add((node, URIRef("http://purl.org/dc/terms/description"), lit))
        if authors:
            head = BNode()
            Collection(g, head, [Literal(a) for a in authors])
            g.add((node, URIRef("http://purl.org/ontology/bibo/authorList"), head))
        g.add((node, URIRef("https://w3id.org/airm#addresses"), URIRef("https://w3id.org/airm/id/mit-risk-domain/2.2")))
    return g


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records(_text))
def test_awkward_records_round_trip_in_turtle_ntriples_and_jsonld(records):
    g = _graph(records)
    for fmt in ("ttl", "nt", "jsonld"):
        data = export.serialize(g, fmt)  # verify=True: airm's own check
        back = read_back(data, fmt)  # and an independent one
        assert export.same_graph(back, g), fmt


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records(_xml_safe_text))
def test_awkward_records_round_trip_in_rdfxml(records):
    g = _graph(records)
    back = read_back(export.serialize(g, "rdfxml"), "rdfxml")
    assert export.same_graph(back, g)


# --- one version number --------------------------------------------------------------------------------------------

def test_one_version_number_names_the_package_the_ontology_and_the_release(kg):
    import tomllib

    import airm

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert airm.__version__ == version, "src/airm/__init__.py and pyproject.toml disagree on the version"
    info = export.release(kg.store)
    assert info["version"] == version, "owl:versionInfo in ontology/airm.ttl is not the package version"
    iri = next(sol["v"].value for sol in kg.store.query(
        "SELECT ?v WHERE { <https://w3id.org/airm> <http://www.w3.org/2002/07/owl#versionIRI> ?v }",
        use_default_graph_as_union=True))
    assert iri == f"https://w3id.org/airm/{version}"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    m = re.search(rf"^## {re.escape(version)} - (\d{{4}}-\d{{2}}-\d{{2}})$", changelog, re.M)
    assert m, f"CHANGELOG.md has no '## {version} - DATE' section"
    assert info["date"] == m.group(1), "dcterms:modified of the ontology is not the release date in CHANGELOG.md"
    tsv = export.mappings_tsv(kg).decode()
    assert f'#mapping_set_version: "{version}"' in tsv and f'#mapping_date: "{m.group(1)}"' in tsv


# --- offline ---------------------------------------------------------------------------------------------------------

_NET = {"on": False, "events": []}


def _net_hook(event, args):
    if _NET["on"] and event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _NET["events"].append((event, repr(args)[:200]))


sys.addaudithook(_net_hook)


def test_json_ld_exports_and_docs_open_no_connection(tmp_path):
    _NET["on"], _NET["events"] = True, []
    try:
        for fmt in ("jsonld", "jsonld-framed"):
            code, _o, err = run_cli("export", "--format", fmt, "--out", str(tmp_path / f"x.{fmt}"))
            assert code == 0, err
        code, _o, err = run_cli("docs", "--out", str(tmp_path / "site"))
        assert code == 0, err
        export.parse_jsonld_with_pyld((tmp_path / "x.jsonld").read_bytes())
    finally:
        _NET["on"] = False
    assert _NET["events"] == []
