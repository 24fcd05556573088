"""Issue 19: airm's artefacts in Apache Jena 4.5 (Debian's libapache-jena-java), the tool many RDF users run.

riot validates every export format of the embedded build; ARQ answers every stored query (parameters bound as airm
binds them for an endpoint) with the rows airm gives; Jena SHACL with airm's shapes agrees with ``airm validate``.
The embedded build is exported once per module and each tool runs in one JVM per batch (see tests/jena_tools.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jena_tools import jena_classpath, run_jena, run_queries
from netwitness import Listener

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SH = "http://www.w3.org/ns/shacl#"
EXPORTS = {"ttl": "airm.ttl", "nt": "airm.nt", "rdfxml": "airm.rdf", "jsonld": "airm.jsonld"}


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    return jena_classpath(tmp_path_factory.mktemp("jena"))


@pytest.fixture(scope="module")
def build(kg, tmp_path_factory):
    """The embedded build in every export format (``airm export --scope all``), and its store as N-Quads."""
    import pyoxigraph as ox

    from airm.export import export

    out = tmp_path_factory.mktemp("jena-build")
    for fmt, name in EXPORTS.items():
        (out / name).write_bytes(export(kg, fmt, scope="all"))
    kg.store.dump(str(out / "airm.nq"), format=ox.RdfFormat.N_QUADS)
    return out


INFO = "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"  # riot names each file before its warnings and count
BAD_TURTLE = '<https://example.org/a> <https://example.org/p> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'


def riot_validate(jena, files, *options, java_options=()) -> tuple[int, dict]:
    """``riot --validate --count`` on ``files`` in one JVM: its exit code and, per file name, what riot said about
    it (warnings, errors, its triple count)."""
    done = run_jena(jena, "riotcmd.riot", *options, "--validate", "--count", *files, java_options=[INFO, *java_options])
    said: dict = {Path(f).name: [] for f in files}
    current = said[Path(files[0]).name] if len(files) == 1 else None  # riot names files only when given several
    for line in (done.stderr + done.stdout).splitlines():
        named = re.search(r"INFO \S+ - File: (.+)$", line)
        if named:
            current = said[Path(named.group(1)).name]
        elif current is not None and not line.startswith("Total "):
            current.append(line.strip())
    return done.returncode, said


@pytest.fixture(scope="module")
def riot_said(jena, build, tmp_path_factory):
    """riot on the Turtle, N-Triples and RDF/XML exports, with a file it must warn about (the check is not blind)."""
    bad = tmp_path_factory.mktemp("riot") / "bad.ttl"
    bad.write_text(BAD_TURTLE, encoding="utf-8")
    return riot_validate(jena, [build / EXPORTS[f] for f in ("ttl", "nt", "rdfxml")] + [bad])


# --- riot -----------------------------------------------------------------------------------------------------------

def test_riot_reports_a_warning_the_tests_would_see(riot_said):
    """Not vacuous: riot's warnings reach the test through slf4j-simple, under the file they are about."""
    code, said = riot_said
    assert code != 0
    assert any("Lexical form 'abc' not valid" in line for line in said["bad.ttl"]), said["bad.ttl"]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "rdfxml"])
def test_riot_validates_the_export_with_no_warning(riot_said, build, fmt):
    """No warning, no error, and as many triples as airm wrote (its N-Triples export: one line each)."""
    _code, said = riot_said
    name = EXPORTS[fmt]
    assert said[name] == [f"file://{build / name} : Triples = {_triples(build):,}"], said[name]


def _triples(build) -> int:
    return sum(1 for line in (build / "airm.nt").read_text(encoding="utf-8").splitlines() if line.strip())


def _proxied(listener):
    """Every HTTP(S) request Jena's JSON-LD 1.0 reader (Apache HttpClient, system properties) makes goes to the
    loopback witness."""
    return [f"-D{scheme}.proxy{key}={value}" for scheme in ("http", "https")
            for key, value in (("Host", "127.0.0.1"), ("Port", listener.port))]


def test_the_network_witness_sees_jena_fetch_a_remote_context(jena, tmp_path):
    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": "http://example.org/context.jsonld", "@id": "https://example.org/a", "p": "x"}')
    listener = Listener()
    try:
        code, _said = riot_validate(jena, [doc], "--syntax=jsonld10", java_options=_proxied(listener))
    finally:
        listener.close()
    assert code != 0 and listener.connections >= 1


def test_riot_reads_the_jsonld_export_offline_with_no_warning(jena, build):
    """Read with Jena's JSON-LD 1.0 reader (jsonld-java): Debian's Jena 4.5 cannot run its JSON-LD 1.1 reader at all
    (titanium finds no Jakarta JSON-P provider: 'LOADING_DOCUMENT_FAILED' on any document). The context is embedded,
    so nothing is fetched: the witness proxy sees no connection."""
    listener = Listener()
    try:
        code, said = riot_validate(jena, [build / "airm.jsonld"], "--syntax=jsonld10", java_options=_proxied(listener))
    finally:
        listener.close()
    assert listener.connections == 0
    expected = [f"file://{build / 'airm.jsonld'} : Triples = {_triples(build):,}"]
    assert code == 0 and said["airm.jsonld"] == expected, said


# --- ARQ ------------------------------------------------------------------------------------------------------------

def _airm_term(t) -> tuple:
    """An airm results.Term as a comparable RDF term (blank nodes as one wildcard: labels are the engine's own)."""
    if t.type == "literal":
        if t.lang:
            return ("literal", t.value, RDF_LANGSTRING, t.lang.lower())
        return ("literal", t.value, t.datatype or XSD_STRING, None)
    return (t.type, "" if t.type == "bnode" else t.value, None, None)


def _json_term(d: dict) -> tuple:
    if d["type"] in ("literal", "typed-literal"):
        if d.get("xml:lang"):
            return ("literal", d["value"], RDF_LANGSTRING, d["xml:lang"].lower())
        return ("literal", d["value"], d.get("datatype", XSD_STRING), None)
    return (d["type"], "" if d["type"] == "bnode" else d["value"], None, None)


def _ox_term(t) -> tuple:
    from airm.results import term_from_ox

    return _airm_term(term_from_ox(t))


def _airm_answer(result):
    if result.kind == "ask":
        return result.boolean
    if result.kind == "construct":
        return {tuple(_airm_term(x) for x in triple) for triple in result.triples}
    return {frozenset((v, _airm_term(t)) for v, t in row.items()) for row in result.rows}


def _jena_answer(path):
    import pyoxigraph as ox

    if path.suffix == ".nt":
        return {(_ox_term(t.subject), _ox_term(t.predicate), _ox_term(t.object))
                for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)}
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "boolean" in doc:
        return doc["boolean"]
    return {frozenset((v, _json_term(t)) for v, t in b.items()) for b in doc["results"]["bindings"]}


def _stored_cases(kg):
    """(id, airm's result, the text an endpoint gets) for every declared case of every stored query: parameters
    bound by airm's VALUES block, airm's prefixes prepended (what ``--endpoint`` sends)."""
    from airm import answers, catalog
    from airm.namespaces import sparql_prologue
    from airm.sparql.binding import bind_values

    out = []
    for name, query in sorted(catalog.catalog().items()):
        for case, params in query.cases():
            bound = catalog.bind_params(kg, query, params)
            out.append((f"{name}.{case}", answers.run_named(kg, name, params),
                        sparql_prologue() + bind_values(query.text, bound)))
    return out


def test_arq_gives_airms_rows_for_every_stored_query(jena, build, kg, tmp_path):
    compare_with_arq(jena, kg, build / "airm.nq", tmp_path)


@pytest.mark.slow
@pytest.mark.reference
def test_arq_gives_airms_rows_over_the_five_imported_sources(jena, five_sources, tmp_path):
    """The same over the five public sources imported (about 87k triples), where the answers are long."""
    import pyoxigraph as ox

    import airm

    kg = airm.load(workspace=five_sources)
    kg.store.dump(str(tmp_path / "all.nq"), format=ox.RdfFormat.N_QUADS)
    compare_with_arq(jena, kg, tmp_path / "all.nq", tmp_path)


def compare_with_arq(jena, kg, nquads, work):
    """Every stored query's cases run by ARQ over ``nquads`` (the store of ``kg``) give airm's rows."""
    from airm import catalog

    cases = _stored_cases(kg)
    files = []
    for case_id, _result, text in cases:
        files.append(work / f"{case_id}.rq")
        files[-1].write_text(text, encoding="utf-8")
    answers = run_queries(jena, nquads, files)
    differ, refused = [], []
    for case_id, result, _text in cases:
        answer = answers.get(case_id, "ERROR: no answer")
        if answer.startswith("ERROR: "):
            refused.append(f"{case_id}: {answer}")
            continue
        ours, theirs = _airm_answer(result), _jena_answer(Path(answer))
        if ours != theirs:
            differ.append(_difference(case_id, ours, theirs))
    assert not refused, "Jena refused or failed:\n" + "\n".join(refused)
    assert not differ, "Jena ARQ and airm differ:\n" + "\n".join(differ)
    assert {c.split(".")[0] for c, _r, _t in cases} == set(catalog.catalog())
    with_rows = [c for c, r, _t in cases if r.kind == "ask" or (r.rows if r.kind == "select" else r.triples)]
    assert len(with_rows) >= len(cases) - 5, "most stored queries must have rows for the comparison to mean anything"


def _difference(case_id, ours, theirs) -> str:
    if not isinstance(ours, set) or not isinstance(theirs, set):
        return f"{case_id}: airm {ours}, Jena {theirs}"
    only_airm, only_jena = sorted(map(sorted, ours - theirs))[:3], sorted(map(sorted, theirs - ours))[:3]
    return f"{case_id}: airm {len(ours)} rows, Jena {len(theirs)}; only airm {only_airm}; only Jena {only_jena}"


# --- SHACL ----------------------------------------------------------------------------------------------------------

BROKEN = """@prefix airm: <https://w3id.org/airm#> .
@prefix ex: <https://example.org/> .
ex:m1 a airm:Mitigation .
ex:m2 a airm:Mitigation ; airm:addressesRisk ex:nowhere .
ex:m3 a airm:Mitigation ; airm:addressesRisk ex:nowhere ; airm:lifecycleStage ex:nowhen .
"""


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    """airm's shapes (ontology/shapes/*.shapes.ttl, data and editorial) as one N-Triples file for Jena."""
    from rdflib import Graph

    from airm.resources import shape_files

    graph = Graph()
    for path in shape_files():
        graph.parse(path, format="turtle")
    out = tmp_path_factory.mktemp("shapes") / "airm.shapes.nt"
    graph.serialize(out, format="nt", encoding="utf-8")
    return out


def jena_shacl(jena, shapes, data) -> tuple[bool, set]:
    """Jena SHACL's verdict on ``data`` and its results as (severity, focus node, path), read with Oxigraph."""
    import pyoxigraph as ox

    done = run_jena(jena, "shacl.shacl_validate", "--shapes", shapes, "--data", data)
    assert done.returncode == 0 and "ValidationReport" in done.stdout, done.stderr[-3000:]
    report = ox.Store()
    report.extend(ox.Quad(t.subject, t.predicate, t.object)
                  for t in ox.parse(done.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    [verdict] = list(report.query(f"SELECT ?c WHERE {{ ?r <{SH}conforms> ?c }}"))
    rows = report.query(f"SELECT ?s ?f ?p WHERE {{ ?r <{SH}result> ?x . ?x <{SH}resultSeverity> ?s ; "
                        f"<{SH}focusNode> ?f OPTIONAL {{ ?x <{SH}resultPath> ?p }} }}")
    results = {(row["s"].value.rsplit("#", 1)[-1], row["f"].value, row["p"].value if row["p"] else "") for row in rows}
    return verdict["c"].value == "true", results


def test_jena_shacl_finds_the_build_conforming_as_airm_validate_does(jena, build, kg, shapes):
    ours = kg.validate()
    conforms, results = jena_shacl(jena, shapes, build / "airm.nt")
    assert ours.conforms and ours.problems == []
    assert (conforms, results) == (True, set()), sorted(results)


def test_jena_shacl_and_airm_validate_report_the_same_focus_nodes_on_broken_data(jena, build, shapes, tmp_path):
    """The broken file checked with the embedded build around it, as ``airm validate FILE`` checks it."""
    import pyoxigraph as ox

    from airm.validation import validate

    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN, encoding="utf-8")
    ours = validate([broken])
    data = tmp_path / "build-and-broken.nt"
    with data.open("wb") as out:
        out.write((build / "airm.nt").read_bytes())
        ox.serialize(ox.parse(path=str(broken), format=ox.RdfFormat.TURTLE), out, format=ox.RdfFormat.N_TRIPLES)
    conforms, results = jena_shacl(jena, shapes, data)
    assert not ours.conforms and not conforms
    airm_results = {(p.severity, _iri(p.focus), _iri(p.path or "")) for p in ours.problems}
    assert {f for _s, f, _p in results} == {f for _s, f, _p in airm_results}
    assert {f for _s, f, _p in results} >= {f"https://example.org/m{i}" for i in (1, 2, 3)}
    assert results == airm_results


def _iri(text: str) -> str:
    """airm's report writes nodes in N-Triples form and paths as CURIEs; Jena's report is read as plain IRIs."""
    from airm.namespaces import prefixes

    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, _, local = text.partition(":")
    return prefixes()[prefix] + local if prefix in prefixes() and not local.startswith("//") else text


# --- the two faults the Jena checks found, held without Java -----------------------------------------------------

def test_the_ontology_graphs_own_nodes_meet_the_data_shapes(kg):
    """The published build is checked as a whole by other people's validators: the ontology's own nodes (its
    publisher, an organisation) must meet the data shapes too, which ``airm validate`` applies to data graphs only."""
    from airm import validation
    from airm.convert import rdflib_graph

    problems = validation._run(rdflib_graph(kg.store, kg.graph_names("ontology")), validation.load_shapes("data"))
    assert problems == [], [p.to_line() for p in problems]


def test_a_value_failing_an_sh_node_shape_is_one_problem_of_its_subject(tmp_path):
    """A lifecycle stage from the actor scheme: one problem on the mitigation's airm:lifecycleStage, none on the
    (well-defined) concept itself, which says why; pySHACL's sh:detail results were listed as problems of the
    concept."""
    from airm.validation import validate

    data = tmp_path / "wrong-scheme.ttl"
    data.write_text("@prefix airm: <https://w3id.org/airm#> .\n"
                    "<https://example.org/m> a airm:Mitigation ; "
                    "airm:lifecycleStage <https://w3id.org/airm/id/actor/developer> .\n", encoding="utf-8")
    problems = validate([data]).problems
    assert {p.focus for p in problems} == {"<https://example.org/m>"}, [p.to_line() for p in problems]
    [stage] = [p for p in problems if p.path == "airm:lifecycleStage"]
    assert "Value does not have class airm:LifecycleStage" in stage.message  # the detail says why, in its problem
