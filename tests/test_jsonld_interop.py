"""Issue 19 item 5: JSON-LD as other tools read it, checked with PyLD offline (no document is ever fetched).

Booleans are JSON booleans; no value object ``{"@value": ...}`` stands alone (an untagged string under the default
@language) and no bare ``{"id": ...}`` object where a context term fits; the published context re-frames the
compact export; the framed export of the ontology scope refuses rather than writing an empty @graph.
"""

from __future__ import annotations

import json

import pytest

from airm import export


def wrappers(doc) -> dict[str, list[str]]:
    """Keys whose values are lone {"@value"} or {"id"} objects, and booleans written as strings."""
    found: dict[str, list[str]] = {"value": [], "id": [], "boolean-string": []}

    def walk(o, key=None):
        if isinstance(o, dict):
            if set(o) == {"@value"}:
                found["value"].append(key)
            if set(o) in ({"id"}, {"@id"}):
                found["id"].append(key)
            for k, v in o.items():
                if k != "@context":
                    walk(v, k)
        elif isinstance(o, list):
            for x in o:
                walk(x, key)
        elif key == "isPreliminary" and isinstance(o, str):
            found["boolean-string"].append(key)

    walk(doc)
    return found


@pytest.fixture(scope="module")
def compact(kg):
    return export.export(kg, "jsonld", scope="all")


def test_compact_json_ld_has_booleans_and_no_needless_wrappers(compact):
    doc = json.loads(compact)
    assert wrappers(doc) == {"value": [], "id": [], "boolean-string": []}
    flags = [n["isPreliminary"] for n in doc["@graph"] if "isPreliminary" in n]
    assert flags and all(v is True or v is False for v in flags)


def test_pyld_reads_the_compact_export_back_as_the_graph_offline(kg, compact):
    """The booleans read back as the "true"^^xsd:boolean literals they were; every triple survives."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    back = export.parse_jsonld_with_pyld(compact)
    graph = kg.to_rdflib(scope="all", entailments=True)
    assert export.same_graph(back, graph)
    flag = URIRef("https://w3id.org/airm#isPreliminary")
    assert {o for o in back.objects(None, flag)} <= {Literal("true", datatype=XSD.boolean),
                                                      Literal("false", datatype=XSD.boolean)}


def test_the_compact_export_reframes_offline_with_the_published_frame(kg, compact):
    """A user re-frames airm's JSON-LD with PyLD and airm's document loader: the frame's context IRI is served from
    the package, nothing is fetched, and the records are those of the framed export."""
    from pyld import jsonld

    framed = jsonld.frame(json.loads(compact), export.FRAME_URL, {"documentLoader": export.document_loader,
                                                                  "omitGraph": False})
    ours = json.loads(export.export(kg, "jsonld-framed", scope="all"))
    assert sorted(n["id"] for n in framed["@graph"]) == sorted(n["id"] for n in ours["@graph"])
    assert len(ours["@graph"]) == 7


def test_the_document_loader_fetches_nothing_else():
    from pyld import jsonld

    with pytest.raises(jsonld.JsonLdError):
        export.document_loader("https://example.org/other-context.jsonld")


def test_framed_export_of_the_ontology_refuses_with_exit_2(tmp_path):
    from helpers import run_cli

    out = tmp_path / "framed.jsonld"
    code, _out, err = run_cli("export", "--format", "jsonld-framed", "--scope", "ontology", "--out", str(out))
    assert code == 2 and "one record per mitigation" in err and "Traceback" not in err
    assert not out.exists()
    code, _out, err = run_cli("export", "--format", "jsonld-framed", "--scope", "data", "--out", str(out))
    assert code == 0, err
    assert len(json.loads(out.read_bytes())["@graph"]) == 7
