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
from airm.atomic import write_file
from airm.errors import InternalError, UserError
from airm.export import serialization
from airm.export.compactor import compactor
from airm.export.jsonld import dump_json, sorted_jsonld
from airm.export.nt import sorted_ox_triples
from airm.export.ttl import MAX_NESTING
from helpers import ROOT, run_cli

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
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> } "
        "?p a ?t FILTER(STRSTARTS(STR(?p), 'https://w3id.org/airm#')) }",
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
    from rdflib import OWL, RDF, URIRef

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
        write_file(target, b"new content that never lands")
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

    monkeypatch.setattr(serialization, "compact_jsonld", lossy)
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
        st.integers(min_value=-10**30, max_value=10**30).map(
            lambda i: Literal(str(i), datatype=URIRef(XSD + "integer"))),
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
    # the combined set's version is the release plus a digest of its rows (issue 19: one id per distinct set of rows)
    assert re.search(rf'^#mapping_set_version: "{re.escape(version)}\+[0-9a-f]{{12}}"$', tsv, re.M)
    assert f'#mapping_date: "{m.group(1)}"' in tsv


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


# --- the fast writers: airm's own Turtle, the sorted N-Triples and the JSON-LD compaction, against the references --

def _pyld_compaction(graph) -> bytes:
    """What PyLD's whole compaction algorithm makes of the graph, sorted and dumped as airm does."""
    from pyld import jsonld

    doc = jsonld.compact(export.expanded_jsonld(graph), {"@context": export.context()},
                         {"documentLoader": export.document_loader})
    return dump_json(sorted_jsonld(doc))


_NT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_NT_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _NT_ESCAPES})


def _reference_ntriples(graph) -> bytes:
    """Canonical N-Triples as airm wrote them by hand before Oxigraph's writer took over: the bytes must not change."""
    import pyoxigraph as ox

    def term(t) -> str:
        if isinstance(t, ox.NamedNode):
            return f"<{t.value}>"
        if isinstance(t, ox.BlankNode):
            return "_:" + t.value
        text = '"' + t.value.translate(_NT_ESCAPES) + '"'
        if t.language:
            return text + "@" + t.language
        return text if t.datatype.value == XSD + "string" else f"{text}^^<{t.datatype.value}>"

    lines = sorted({f"{term(s)} {term(p)} {term(o)} ." for s, p, o in export.canonical(graph).triples})
    return ("\n".join(lines) + "\n").encode("utf-8")


def _edge_graph():
    """Blank-node shapes a Turtle writer nests or must not nest: a chain deeper than the nesting limit, a cycle of
    nodes each used once, a self-loop, a list holding a blank node and another list, a broken list, a node used
    twice, an empty node, an unreferenced node, and IRIs that cannot be prefixed names."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.collection import Collection

    ns = "https://w3id.org/airm/id/mitigation/"
    p, q = URIRef("https://w3id.org/airm#addresses"), URIRef("http://example.org/ends-with-dot.")
    g = Graph()
    a = URIRef(ns + "a")
    prev = a
    for i in range(40):
        b = BNode()
        g.add((prev, p, b))
        g.add((b, q, Literal(f"level {i}", lang="en-GB")))
        prev = b
    x, y, z = BNode(), BNode(), BNode()
    g.add((x, p, y)), g.add((y, p, z)), g.add((z, p, x))
    s = BNode()
    g.add((s, p, s))
    head, item, inner = BNode(), BNode(), BNode()
    g.add((item, q, Literal("item")))
    Collection(g, inner, [Literal("1", datatype=URIRef(XSD + "integer")), Literal("two")])
    Collection(g, head, [item, inner, URIRef(ns + "c"), Literal('tri"""ple\n"end\\"')])
    g.add((a, URIRef("http://purl.org/ontology/bibo/authorList"), head))
    g.add((a, p, BNode()))
    shared = BNode()
    g.add((a, q, shared)), g.add((URIRef(ns + "b"), q, shared)), g.add((shared, p, Literal("shared")))
    broken = BNode()
    g.add((a, p, broken)), g.add((broken, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#first"), Literal("x")))
    axiom = BNode()
    g.add((axiom, URIRef("http://www.w3.org/2002/07/owl#annotatedSource"), a))
    g.add((URIRef(ns + "weird/local"), URIRef("https://w3id.org/airm#1x."), Literal("ends.")))
    g.add((URIRef(ns + "ends."), URIRef("https://w3id.org/airm#"), Literal("\x07 bell\ttab\r\n", lang="de")))
    return g


def _check_own_writers(g):
    """airm's Turtle and the sorted N-Triples read back by Oxigraph and by rdflib, with no fallback involved, and the
    JSON-LD compaction byte-identical to PyLD's."""
    import io

    import pyoxigraph as ox
    from rdflib import Graph

    ttl, nt = export.turtle(g), export.ntriples(g)
    # the N-Triples are Oxigraph's, lines sorted: the same bytes as airm's former hand-written writer, and as
    # Oxigraph's writer on the canonical triples sorted by their text
    assert nt == _reference_ntriples(g)
    assert nt == (ox.serialize(sorted_ox_triples(export.canonical(g)), format=ox.RdfFormat.N_TRIPLES) or b"")
    assert export.same_graph(ox_graph(ttl, ox.RdfFormat.TURTLE), g)
    assert export.same_graph(Graph().parse(io.BytesIO(ttl), format="turtle"), g)
    assert export.same_graph(ox_graph(nt, ox.RdfFormat.N_TRIPLES), g)
    assert export.same_graph(Graph().parse(io.BytesIO(nt), format="nt"), g)
    assert dump_json(export.compact_jsonld(g)) == _pyld_compaction(g)


def test_the_pyld_adapter_runs_on_the_pinned_pyld():
    """The fast compaction reaches PyLD's private members through one adapter only; PyLD is pinned, once, to the
    version those members were read from, and each member still answers as the compaction expects."""
    from importlib.metadata import version

    from airm.export.pyld_adapter import PYLD_VERSION, PyLDContext

    assert version("PyLD") == PYLD_VERSION
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"PyLD=={PYLD_VERSION}"' in pyproject and pyproject.lower().count('"pyld') == 1
    ctx = PyLDContext({"ex": "http://example.org/", "id": "@id", "label": {"@id": "http://example.org/label"},
                       "authors": {"@id": "http://example.org/authors", "@container": "@list"},
                       "seeAlso": {"@id": "http://example.org/see", "@type": "@id"}},
                      export.document_loader, {"documentLoader": export.document_loader, "base": "",
                                               "processingMode": "json-ld-1.1"})
    assert sorted(ctx.mappings) == ["authors", "ex", "id", "label", "seeAlso"]
    assert ctx.compact_iri("@id") == "id"
    assert ctx.compact_iri("http://example.org/x", vocab=False, base="") == "ex:x"
    assert ctx.compact_iri("http://example.org/label", {"@value": "x"}, vocab=True) == "label"
    assert ctx.compact_iri("http://example.org/authors", {"@list": [{"@value": "a"}]}, vocab=True) == "authors"
    assert ctx.compact_value("label", {"@value": "x", "@language": "en"}) == {"@language": "en", "@value": "x"}
    assert ctx.compact_value("seeAlso", {"@id": "http://example.org/y"}) == "ex:y"
    assert ctx.get("authors", "@container") == ["@list"] and ctx.json_ld_11()


def test_curie_lookup_answers_as_pyld_does():
    """The compactor looks up only the prefixes of an IRI where PyLD tries every term: the same answer for IRIs
    under one prefix, two nested prefixes (the shortest CURIE wins, then the least), a term's own IRI, a namespace
    itself, a blank node, a keyword and an IRI under no prefix (None: PyLD goes on and is asked)."""
    from airm.export.compactor import Compactor

    ctx = {"ex": "http://example.org/", "exa": "http://example.org/a/", "e": "http://example.org/",
           "label": {"@id": "http://example.org/label"}, "id": "@id", "notprefix": {"@id": "http://example.org/b/"},
           "ex:c": {"@id": "http://example.org/c"}}
    c = Compactor.for_context(ctx)
    iris = ["http://example.org/x", "http://example.org/a/y", "http://example.org/label", "http://example.org/",
            "http://example.org/a/", "http://example.org/b/z", "http://example.org/c", "http://other.org/x",
            "_:b0", "@id"]
    for iri in iris:
        fast = c.curie(iri)
        assert fast is None or fast == c.pyld.compact_iri(iri, vocab=False, base=""), iri
        assert c.compact_id(iri) == c.pyld.compact_iri(iri, vocab=False, base=""), iri
    assert c.curie("http://example.org/a/y") == "e:a/y" and c.curie("http://other.org/x") is None  # shortest


def test_own_writers_and_compaction_on_the_built_graph(built):
    assert compactor() is not None, "the published context left the fast compaction walk"
    _check_own_writers(built)


def test_own_writers_on_awkward_blank_node_shapes():
    g = _edge_graph()
    _check_own_writers(g)
    text = export.turtle(g).decode()
    assert "( _:" in text and "[\n" in text  # lists and nesting are used where they can be
    depth = max(len(line) - len(line.lstrip(" ")) for line in text.splitlines())
    assert depth <= 4 * (MAX_NESTING + 2)  # the 40-deep chain is cut at the nesting limit
    assert "\n[\n" in text  # the unreferenced node is written without a label


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records(_text))
def test_awkward_records_with_the_own_writers(records):
    _check_own_writers(_graph(records))


def test_a_writer_mistake_falls_back_to_oxigraph_checked_by_rdflib(built, monkeypatch):
    """airm's own Turtle writer dropping a triple is caught; the file then comes from Oxigraph, read back by rdflib."""
    real = export.turtle
    used = []
    # a writer that loses the last block
    monkeypatch.setattr(serialization, "turtle", lambda g: real(g).rsplit(b"\n\n", 1)[0] + b"\n")
    real_verify = export.verify_roundtrip
    monkeypatch.setattr(serialization, "verify_roundtrip", lambda g, d, f: (used.append(f), real_verify(g, d, f)))
    data = export.serialize(built, "ttl")
    assert used == ["ttl", "ttl-oxigraph"]
    assert export.same_graph(read_back(data, "ttl"), built)
    monkeypatch.setattr(serialization, "_oxigraph_turtle", lambda g: b"")  # and if that one loses data too: nothing
    with pytest.raises(InternalError, match="does not read back"):
        export.serialize(built, "ttl")


def test_the_check_sees_an_extra_triple_and_a_named_graph(built):
    import pyoxigraph as ox

    nt = export.serialize(built, "nt")
    with pytest.raises(InternalError, match="does not read back"):
        export.verify_roundtrip(built, nt + b'<https://w3id.org/airm/id/x> <https://w3id.org/airm#p> "extra" .\n', "nt")
    doc = json.loads(export.serialize(built, "jsonld"))
    doc["@id"], doc["@graph"] = "https://w3id.org/airm/graph/elsewhere", doc["@graph"]  # the same nodes, named
    with pytest.raises(InternalError, match="does not read back"):
        export.verify_roundtrip(built, json.dumps(doc).encode(), "jsonld")
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == len(built)


# --- the full imported data ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def full_build(five_sources, five_sources_build):
    """All five reference sources imported and built (issue 4's combined graph): the build's report and files, and
    the merged graph as rdflib sees it."""
    import airm

    out_dir, said = five_sources_build
    assert said["code"] == 0, said["err"]
    files = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    kg = airm.load(workspace=five_sources)
    return json.loads(files["build-report.json"]), files, kg.to_rdflib(scope="all", entailments=True)


@pytest.mark.slow
def test_full_build_outputs_read_back_with_other_implementations(full_build):
    """The build's three files, on ~87k triples, as independent readers see them: PyLD for JSON-LD (the build
    checked it with Oxigraph), rdflib for N-Triples (Oxigraph's) and Oxigraph for Turtle (airm's own)."""
    import io

    import pyoxigraph as ox
    from rdflib import Graph

    report, files, merged = full_build
    assert len(merged) > 50_000 and report["triples"]["merged"] == len(merged)
    assert export.same_graph(pyld_graph(files["airm.jsonld"]), merged)
    assert export.same_graph(Graph().parse(io.BytesIO(files["airm.nt"]), format="nt"), merged)
    assert export.same_graph(ox_graph(files["airm.ttl"], ox.RdfFormat.TURTLE), merged)
    # the rdflib copy of the store and the build's own canonical form give the same bytes
    assert export.serialize(merged, "nt", verify=False) == files["airm.nt"]


@pytest.mark.slow
def test_full_build_json_ld_has_booleans_and_no_needless_wrappers(full_build):
    """Issue 19 item 5 on the imported data: 842 "isPreliminary": "true" strings, 3,208 lone {"@value"} and 8,104
    bare {"id"} objects before; now JSON booleans and context terms."""
    from test_jsonld_interop import wrappers

    _report, files, _merged = full_build
    doc = json.loads(files["airm.jsonld"])
    assert wrappers(doc) == {"value": [], "id": [], "boolean-string": []}
    assert sum(1 for n in doc["@graph"] if n.get("isPreliminary") is True) > 800


@pytest.mark.slow
def test_full_build_names_each_licence_by_one_spdx_iri(full_build):
    """Issue 19 item 4 on the imported data: one licence had three IRIs in the dataset metadata."""
    from rdflib import URIRef

    _report, _files, merged = full_build
    licences = {str(o) for o in merged.objects(None, URIRef("http://purl.org/dc/terms/license"))}
    assert licences == {"http://spdx.org/licenses/Apache-2.0", "http://spdx.org/licenses/CC-BY-4.0"}
