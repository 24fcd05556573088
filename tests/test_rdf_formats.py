"""The one table of RDF format names agrees with the libraries it names."""

import pyoxigraph as ox
import pytest

from airm import parsing, rdf_formats


@pytest.mark.parametrize("fmt", list(rdf_formats.FORMATS.values()), ids=list(rdf_formats.FORMATS))
def test_each_format_is_what_pyoxigraph_and_rdflib_call_it(fmt):
    from rdflib.plugin import Parser, get

    ox_format = getattr(ox.RdfFormat, fmt.oxigraph)
    assert ox_format.media_type == fmt.media_type
    assert "." + ox_format.file_extension == fmt.suffixes[0]
    assert get(fmt.rdflib, Parser) is not None


def test_graph_formats_are_formats_and_suffixes_are_unique():
    assert set(rdf_formats.GRAPH_FORMATS) <= set(rdf_formats.FORMATS)
    suffixes = [s for f in rdf_formats.FORMATS.values() for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert rdf_formats.for_suffix(".TTL").key == "ttl" and rdf_formats.for_suffix(".csv") is None
    assert parsing.FORMATS[".owl"] == "RDF_XML"
