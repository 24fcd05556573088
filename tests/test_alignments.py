"""Alignments to AIRO, VAIR, DPV, AI Atlas Nexus, D3FEND and ATLAS: they name real terms, they close under OWL-RL
without typing anything wrongly, and they answer the question they exist for; their SSSOM export reads back."""

from __future__ import annotations

import pytest

from airm import alignments, sssom
from airm.errors import InputFileError
from helpers import run_cli

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
AIRM = "https://w3id.org/airm#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
REFERENCE_FILES = ["airo/airo.ttl", "vair/vair.ttl", "dpv/2.3/dpv/dpv.ttl", "dpv/2.3/risk/risk.ttl",
                   "dpv/2.3/ai/ai.ttl", "dpv/2.3/tech/tech.ttl"]
# annotation properties of the reference vocabularies that no OWL-RL rule reads: left out to keep the closure quick
ANNOTATIONS = {
    "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2000/01/rdf-schema#isDefinedBy", SKOS + "definition", SKOS + "prefLabel", SKOS + "altLabel",
    SKOS + "scopeNote", SKOS + "note", SKOS + "example", "http://www.w3.org/2003/06/sw-vocab-status/ns#term_status",
    "http://purl.org/vocab/vann/example",
}


def test_every_external_term_exists_in_the_reference_copy_of_its_vocabulary(reference):
    terms = alignments.external_terms()
    assert {t.prefix for t in terms} >= {"airo", "vair", "dpv", "risk", "ai", "tech", "nexus", "d3f"}
    assert alignments.check_references(reference, terms) == []


def test_the_reference_check_catches_unknown_terms_owl_copies_and_unchecked_vocabularies(reference, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/airm#Mitigation> rdfs:subClassOf <https://w3id.org/airo#NoSuchControl> ,\n"
        "  <https://w3id.org/dpv/owl#RiskMitigationMeasure> ,\n"
        "  <http://d3fend.mitre.org/ontologies/d3fend.owl#Harden> .\n")
    problems = alignments.check_references(reference, alignments.external_terms([bad]))
    assert len(problems) == 3
    assert any("airo:NoSuchControl is not defined" in p for p in problems)
    assert any("DPV /owl# copy" in p for p in problems)
    assert any("without a reference copy" in p for p in problems)


def test_alignments_load_with_the_ontology_and_reach_the_records(kg):
    ask = lambda q: kg.store.query(q, use_default_graph_as_union=True)  # noqa: E731
    assert ask("ASK { <https://w3id.org/airm#Mitigation> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
               "<https://w3id.org/airo#RiskControl> }")
    assert any(s.path.parent.name == "alignments" and s.kind == "ontology" for s in kg.sources)
    # our own inference already types every mitigation as an AIRO risk control
    assert ask("ASK { <https://w3id.org/airm/id/mitigation/shi2024-alignment-training> "
               "a <https://w3id.org/airo#RiskControl> ; <https://w3id.org/airo#mitigatesRiskConcept> "
               "<https://w3id.org/airm/id/llm-safety-risk/value-misalignment> }")


def _alignment_graph():
    from rdflib import Graph

    g = Graph()
    for path in alignments.alignment_files():
        g.parse(path, format="turtle")
    return g


def test_every_alignment_axiom_carries_its_sssom_fields_and_vice_versa():
    from rdflib import BNode, URIRef

    g = _alignment_graph()
    annotated = {}
    for ax in g.subjects(URIRef(RDF_TYPE), URIRef(OWL + "Axiom")):
        key = tuple(g.value(ax, URIRef(OWL + p)) for p in ("annotatedSource", "annotatedProperty", "annotatedTarget"))
        assert key in g, f"annotation without its axiom: {key}"
        assert g.value(ax, URIRef("https://w3id.org/sssom/mapping_justification")) is not None, key
        assert g.value(ax, URIRef("https://w3id.org/sssom/comment")) is not None, key
        mset = g.value(ax, URIRef("http://purl.org/dc/terms/isPartOf"))
        assert g.value(mset, URIRef("https://w3id.org/sssom/author_id")) is not None, mset
        assert g.value(mset, URIRef("https://w3id.org/sssom/mapping_date")) is not None, mset
        annotated[key] = ax
    external = tuple(ns for ns, _files in alignments.CHECKED.values()) + tuple(
        ns for ns, _l in alignments.UNCHECKED.values())
    for s, p, o in g:
        if isinstance(s, BNode) or p == URIRef(RDF_TYPE) or not str(o).startswith(external):
            continue
        if str(p) in ("http://www.w3.org/2000/01/rdf-schema#seeAlso", "http://purl.org/dc/terms/references"):
            continue  # pointers to web pages and the set's sources, not alignments
        assert (s, p, o) in annotated, f"alignment without SSSOM annotation: {s} {p} {o}"


def test_no_alignment_uses_a_property_that_would_make_a_mitigation_an_ai_system(reference):
    """AIRO properties whose domain is an AI system or component (hasLifecyclePhase, isDeployedBy...) are never used."""
    from rdflib import Graph, URIRef
    from rdflib.collection import Collection

    airo = Graph().parse(reference / "airo" / "airo.ttl")
    system_like = {URIRef("https://w3id.org/airo#AISystem"), URIRef("https://w3id.org/airo#AIComponent")}
    risky = set()
    for prop, dom in airo.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#domain")):
        members = {dom}
        union = airo.value(dom, URIRef(OWL + "unionOf"))
        if union is not None:
            members = set(Collection(airo, union))
        if members & system_like:
            risky.add(prop)
    assert URIRef("https://w3id.org/airo#hasLifecyclePhase") in risky
    assert URIRef("https://w3id.org/airo#isDeployedBy") in risky
    from airm import resources

    for path in resources.ontology_files() + resources.data_files() + resources.classifier_rule_files():
        g = Graph().parse(path, format="turtle")
        used = {p for p in g.predicates()} | {o for o in g.objects() if isinstance(o, URIRef)}
        assert not (used & risky), f"{path.name} uses {sorted(used & risky)}"


@pytest.fixture(scope="module")
def closure(kg, reference):
    """Our asserted graph merged with AIRO, VAIR and DPV (core, RISK, AI, TECH), closed under OWL-RL by owlrl."""
    import owlrl
    from rdflib import Graph

    g = kg.to_rdflib(scope="all", entailments=False)
    for rel in REFERENCE_FILES:
        for s, p, o in Graph().parse(reference / rel):
            if str(p) not in ANNOTATIONS and not str(p).startswith("http://purl.org/dc/terms/"):
                g.add((s, p, o))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    return g


def _types(g, node) -> set[str]:
    from rdflib import URIRef

    return {str(t) for t in g.objects(node, URIRef(RDF_TYPE))}


ALLOWED_MITIGATION_TYPES = {
    AIRM + "Mitigation", "http://www.w3.org/ns/prov#Entity", OWL + "Thing",
    "https://w3id.org/airo#RiskControl", "https://w3id.org/vair#MitigationMeasure",
    "https://w3id.org/dpv/risk#RiskControl", "https://w3id.org/dpv#RiskMitigationMeasure",
    "https://w3id.org/dpv#TechnicalOrganisationalMeasure",
}
SYSTEM_LIKE = ("AISystem", "AIComponent", "AIModel", "Technology", "System", "Component", "Stakeholder", "Agent",
               "LifecyclePhase", "LifecycleStage", "Risk#", "RiskConcept")


def test_owl_rl_gives_each_mitigation_only_the_intended_classes(kg, closure):
    from rdflib import URIRef

    mitigations = set(closure.subjects(URIRef(RDF_TYPE), URIRef(AIRM + "Mitigation")))
    assert len(mitigations) >= 7
    report = {m: sorted(_types(closure, m)) for m in mitigations}
    for m, types in sorted(report.items()):
        unexpected = set(types) - ALLOWED_MITIGATION_TYPES
        assert not unexpected, f"{m} is also typed {sorted(unexpected)}; all its classes: {types}"
        assert not [t for t in types if t.rsplit("/", 1)[-1].split("#")[-1] in ("AISystem", "AIComponent", "AIModel")]
        assert "https://w3id.org/airo#RiskControl" in types


def test_owl_rl_types_risks_as_risk_concepts_and_nothing_system_like(closure):
    from rdflib import URIRef

    risks = set(closure.subjects(URIRef(RDF_TYPE), URIRef(AIRM + "Risk")))
    assert risks
    for r in risks:
        types = _types(closure, r)
        assert "https://w3id.org/airo#RiskConcept" in types and "https://w3id.org/dpv#RiskConcept" in types
        external = {t for t in types if not t.startswith((AIRM, SKOS, OWL, "http://www.w3.org/ns/prov#"))}
        assert external <= {"https://w3id.org/airo#RiskConcept", "https://w3id.org/dpv#RiskConcept"}, (r, sorted(types))


def test_owl_rl_leaves_our_concepts_out_of_other_vocabularies_classes(closure):
    """Lifecycle stages, actor types and categories are matched by SKOS, so they get no AIRO/VAIR/DPV class."""
    from rdflib import URIRef

    for cls in ("LifecycleStage", "ActorType", "MitigationCategory", "RiskManagementFunction"):
        for c in closure.subjects(URIRef(RDF_TYPE), URIRef(AIRM + cls)):
            external = {t for t in _types(closure, c) if not t.startswith((AIRM, SKOS, OWL))}
            assert not external, (c, sorted(external))


def test_the_merged_ontology_is_consistent(closure):
    from rdflib import URIRef

    err = "http://www.daml.org/2002/03/agents/agent-ont#"
    flagged = [t for t in closure if any(str(x).startswith(err) for x in t)]
    assert not flagged, flagged[:5]
    assert not list(closure.subjects(URIRef(RDF_TYPE), URIRef(OWL + "Nothing")))


DOMAIN_2_QUERY = """
PREFIX airo: <https://w3id.org/airo#>
PREFIX airm: <https://w3id.org/airm#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX mitdom: <https://w3id.org/airm/id/mit-risk-domain/>
# Which AIRO risk controls mitigate risks in MIT domain 2 (privacy and security)? A risk is in the domain when it is
# the domain or below it, is matched (exactly or closely) to such a concept, or is classified into one.
SELECT DISTINCT ?control ?risk WHERE {
  ?control a airo:RiskControl ; airo:mitigatesRiskConcept ?risk .
  ?risk (skos:exactMatch|skos:closeMatch|airm:riskCategory)?/skos:broader* mitdom:2 .
}
ORDER BY ?control ?risk
"""


def test_done_criterion_airo_risk_controls_for_mit_domain_2(kg, reference):
    """Our graph merged with AIRO, closed under OWL-RL, answers the question in AIRO's own terms."""
    import owlrl
    from rdflib import Graph

    g = kg.to_rdflib(scope="all", entailments=False)  # asserted only: owlrl derives the rest
    g += Graph().parse(reference / "airo" / "airo.ttl")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    rows = {(str(r.control).rsplit("/", 1)[1], str(r.risk).rsplit("/", 1)[1]) for r in g.query(DOMAIN_2_QUERY)}
    assert ("shi2024-privacy-protection", "privacy") in rows
    assert ("shi2024-robustness-to-attack", "robustness-to-attack") in rows
    assert all(not c.startswith("shi2024-mitigating-toxicity") for c, _ in rows)  # toxicity is domain 1
    # and the same answer from the embedded store, where airm's own inference applies the alignments
    ox_rows = {(sol["control"].value.rsplit("/", 1)[1], sol["risk"].value.rsplit("/", 1)[1])
               for sol in kg.store.query(DOMAIN_2_QUERY, use_default_graph_as_union=True)}
    assert ox_rows == rows


# --- SSSOM ---------------------------------------------------------------------------------------------------------

def test_mappings_export_is_an_sssom_table_sssom_py_reads(tmp_path, kg):
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    out = tmp_path / "airm.sssom.tsv"
    code, _o, err = run_cli("mappings", "export", "--out", str(out))
    assert code == 0, err
    msdf = parse_sssom_table(out)
    expected = sum(len(s.mappings) for s in sssom.collect(kg.store))
    assert len(msdf.df) == expected > 60
    for column in ("subject_id", "predicate_id", "object_id", "mapping_justification", "author_label", "mapping_date"):
        assert msdf.df[column].astype(str).str.len().min() > 0, f"a row without {column}"
    assert msdf.metadata["mapping_set_id"].startswith(sssom.COMBINED_SET + "-all/")
    report = validate(msdf, [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness],
                      fail_on_error=False)
    problems = [r for v in report.values() for r in (getattr(v, "results", None) or [])]
    assert not problems, problems[:5]
    row = msdf.df[(msdf.df.subject_id == "airm:Mitigation") & (msdf.df.object_id == "airo:RiskControl")].iloc[0]
    assert row.predicate_id == "rdfs:subClassOf" and row.mapping_justification == "semapv:ManualMappingCuration"


def test_one_mapping_set_keeps_its_own_metadata(kg):
    data = run_cli("mappings", "export", "--set", "mapping:airm-to-vair")[1]
    table = sssom.read_tsv(data.encode())
    assert table.metadata["mapping_set_id"] == "https://w3id.org/airm/id/mapping/airm-to-vair"
    assert table.metadata["license"] == "http://spdx.org/licenses/CC-BY-4.0"
    rows = sssom.parse_tsv_mappings(table)
    assert ("https://w3id.org/airm/id/lifecycle/deploy", SKOS + "closeMatch", "https://w3id.org/vair#Deployment") in {
        (m.subject_id, m.predicate_id, m.object_id) for m in rows}


def test_the_sssom_reader_reads_every_nexus_table(reference):
    folder = reference / "ai-atlas-nexus" / "src" / "ai_atlas_nexus" / "data" / "mappings"
    tables = sorted(folder.glob("*.tsv"))
    assert len(tables) >= 10
    for path in tables:
        table = sssom.read_tsv(path)
        body = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip() and not ln.startswith("#")]
        assert len(table.rows) <= len(body) - 1  # quoted cells may span lines; never more rows than lines
        assert table.curie_map, path.name
        for row in table.rows[:20]:
            assert row.line > 0 and row.values["subject_id"]
            assert table.expand(row.values["subject_id"]) is not None, (path.name, row.line, row.values["subject_id"])


@pytest.mark.parametrize("text, message", [
    (b"#curie_map:\n#  a: http://a/\nsubject_id\tobject_id\na:1\ta:2\n", "no predicate_id column"),
    (b"subject_id\tpredicate_id\tobject_id\na:1\tskos:exactMatch\ta:2\tEXTRA\n", "4 cells for 3 columns"),
    (b"#x: &a [1]\n#y: *a\nsubject_id\tpredicate_id\tobject_id\n", "YAML alias"),
    (b"\xff\xfe bad", "not UTF-8"),
    (b"#only: metadata\n", "no header row"),
])
def test_the_sssom_reader_names_file_and_line_for_bad_tables(text, message):
    with pytest.raises(InputFileError, match=message) as e:
        sssom.read_tsv(text, name="table.tsv")
    assert "table.tsv" in str(e.value)


def test_the_sssom_reader_can_collect_bad_rows_for_review():
    text = b"subject_id\tpredicate_id\tobject_id\na:1\tskos:exactMatch\ta:2\tEXTRA\na:3\tskos:exactMatch\ta:4\n"
    table = sssom.read_tsv(text, name="t.tsv", bad_rows="collect")
    assert [r.values["subject_id"] for r in table.rows] == ["a:3"]
    assert table.bad_rows == [(2, "a:1\tskos:exactMatch\ta:2\tEXTRA", "4 cells for 3 columns")]


def test_the_sssom_reader_takes_a_metadata_block_that_is_not_yaml():
    text = (b"#curie_map:\n#  x: http://x/\n#mapping_date: '2025\n"
            b"subject_id\tpredicate_id\tobject_id\nx:1\tx:p\tx:2\n")
    table = sssom.read_tsv(text, name="t.tsv")
    assert table.warnings and table.curie_map == {"x": "http://x/"}
    assert table.expand("x:1") == "http://x/1" and table.rows[0].line == 5


def test_round_trip_of_no_match_rows():
    m = sssom.Mapping(subject_id="http://x/1", predicate_id=sssom.NO_MATCH, object_id="http://x/2",
                      mapping_justification="https://w3id.org/semapv/vocab/ManualMappingCuration", authors=("someone",))
    n = sssom.Mapping(subject_id="http://x/3", predicate_id=sssom.NO_MATCH, object_id=sssom.NO_TERM_FOUND)
    data = sssom.to_tsv(sssom.MappingSet(id="http://x/set", license="http://x/licence", mappings=[m, n]))
    back = sssom.parse_tsv_mappings(sssom.read_tsv(data))
    assert {(b.subject_id, b.predicate_id, b.object_id) for b in back} == {
        ("http://x/1", sssom.NO_MATCH, "http://x/2"), ("http://x/3", sssom.NO_MATCH, sssom.NO_TERM_FOUND)}
