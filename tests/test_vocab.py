"""The generated vocabulary module: current with the RDF it comes from, closed, and light to import."""

import subprocess
import sys

import pytest

from airm import vocab, vocab_gen
from airm.resources import resource_dir


def test_vocab_module_is_current_with_the_ontology_and_prefix_file():
    written = vocab_gen.target().read_text(encoding="utf-8")
    assert written == vocab_gen.render(), "src/airm/vocab.py is out of date: run python -m airm.vocab_gen"


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "vocab.py"
    stale.write_text("# stale\n", encoding="utf-8")
    monkeypatch.setattr(vocab_gen, "target", lambda: stale)
    assert vocab_gen.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "# stale\n"  # --check never writes
    assert vocab_gen.main([]) == 0
    assert vocab_gen.main(["--check"]) == 0


def test_namespaces_are_the_prefix_files():
    declared = vocab_gen.declared_prefixes(resource_dir("ontology") / "prefixes.ttl")
    assert vocab.PREFIXES == declared
    assert vocab.SKOS == "http://www.w3.org/2004/02/skos/core#"
    assert vocab.ONTOLOGY_IRI == "https://w3id.org/airm"


def test_every_class_and_property_the_ontology_declares_is_a_term():
    import pyoxigraph as ox

    declared = {t.subject.value for t in ox.parse(path=str(resource_dir("ontology") / "airm.ttl"))
                if t.predicate.value == vocab.Rdf.type and isinstance(t.subject, ox.NamedNode)
                and t.subject.value.startswith(vocab.AIRM)}
    assert declared and declared <= set(vocab.Airm)
    assert vocab.Airm.Mitigation == vocab.AIRM + "Mitigation"


def test_a_misspelt_term_fails_loudly():
    with pytest.raises(AttributeError, match="skos:prefLable is not a term"):
        vocab.Skos.prefLable  # noqa: B018
    with pytest.raises(KeyError):
        vocab.Sh["nosuch"]
    with pytest.raises(AttributeError, match="closed"):
        vocab.Skos.prefLable = "x"


def test_terms_that_are_not_identifiers_are_reachable():
    assert vocab.Sh["in"] == vocab.Sh.in_ == vocab.SH + "in"
    assert vocab.Scheme["actor-type"] == vocab.Scheme.actor_type == vocab.SCHEME + "actor-type"
    assert vocab.Rdf.type in vocab.Rdf and vocab.Skos.prefLabel not in vocab.Rdf


def test_attribute_names_are_python_identifiers():
    assert vocab_gen.attribute_name("in") == "in_"
    assert vocab_gen.attribute_name("not-recorded") == "not_recorded"
    assert vocab_gen.attribute_name("2.2") == "_2_2"


def test_importing_vocab_loads_no_rdf_library():
    code = ("import sys, airm.vocab, airm.namespaces; "
            "print(sorted(m for m in ('rdflib', 'pyoxigraph') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_prefix_file_that_does_not_parse_is_named(tmp_path):
    from airm.errors import InputFileError

    broken = tmp_path / "prefixes.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n[ sh:prefix \"x\" ; sh:namespace \n",
                      encoding="utf-8")
    with pytest.raises(InputFileError, match="prefixes.ttl"):
        vocab_gen.declared_prefixes(broken)


def test_unknown_arguments_are_refused(capsys):
    assert vocab_gen.main(["--frobnicate"]) == 2
    assert "usage" in capsys.readouterr().err
