import pytest

from airm.errors import InputFileError
from airm.parsing import parse_file, subject_lines


def test_malformed_turtle_names_file_line_and_column(tmp_path):
    f = tmp_path / "bad.ttl"
    f.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ;\n  ex:d ex:g .\nex:e ex:f \"unterminated .\n")
    with pytest.raises(InputFileError) as e:
        parse_file(f, None)
    assert e.value.path == str(f)
    assert e.value.line == 5
    assert "bad.ttl:5" in str(e.value)


def test_unknown_prefix_is_named(tmp_path):
    f = tmp_path / "prefix.ttl"
    f.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b nope:c .\n")
    with pytest.raises(InputFileError) as e:
        parse_file(f, None)
    assert "nope:" in str(e.value) and e.value.line == 2


def test_unknown_file_type_names_the_expected_formats(tmp_path):
    f = tmp_path / "data.csv"
    f.write_text("a,b\n")
    with pytest.raises(InputFileError) as e:
        parse_file(f, None)
    assert ".ttl" in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="cannot read"):
        parse_file(tmp_path / "nope.ttl", None)


def test_jsonld_remote_context_is_refused_not_fetched(tmp_path):
    f = tmp_path / "remote.jsonld"
    f.write_text('{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "http://example.org/a", "name": "x"}')
    with pytest.raises(InputFileError, match="remote contexts|LoadDocumentCallback"):
        parse_file(f, None)


def test_quads_go_into_the_named_graph(tmp_path):
    f = tmp_path / "ok.ttl"
    f.write_text("<http://example.org/a> <http://example.org/b> 1 .\n")
    (q,) = parse_file(f, "https://w3id.org/airm/graph/test")
    assert q.graph_name.value == "https://w3id.org/airm/graph/test"


def test_subject_lines_index_curies_and_iris(tmp_path):
    f = tmp_path / "s.ttl"
    f.write_text("@prefix ex: <http://example.org/> .\n\n"
                 "ex:a ex:p 1 .\n<http://example.org/b> ex:p 2 .\n  ex:c ex:p 3 .\n")
    lines = subject_lines(f)
    assert lines == {"http://example.org/a": 3, "http://example.org/b": 4}


def test_a_large_file_loaded_in_bulk_holds_what_parse_file_reads(tmp_path, monkeypatch):
    """Above parsing.BULK_MIN_BYTES a new store is filled by Oxigraph directly: the same triples in the same graph
    (blank nodes relabelled), and a syntax error still names the file and the line."""
    import pyoxigraph as ox

    from airm import parsing
    from airm.graph import Source, load_sources

    good = tmp_path / "big.ttl"
    good.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p ex:b , [ ex:q \"x\"@en ] .\n", encoding="utf-8")
    monkeypatch.setattr(parsing, "BULK_MIN_BYTES", 1)
    source = Source(path=good, graph="https://example.org/g", kind="user", display="big.ttl")
    assert parsing.loads_in_bulk(good)
    store = load_sources([source]).store
    norm = lambda qs: sorted(tuple("_" if isinstance(t, ox.BlankNode) else str(t) for t in q) for q in qs)  # noqa: E731
    assert norm(store) == norm(parse_file(good, "https://example.org/g")) and len(store) == 3
    bad = tmp_path / "bad.nt"
    bad.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n<oops\n")
    with pytest.raises(InputFileError) as e:
        load_sources([Source(path=bad, graph="https://example.org/g", kind="user", display="bad.nt")])
    assert "bad.nt" in str(e.value) and "line 2" in str(e.value)
