"""RDF/XML, written by Oxigraph from the sorted canonical triples (rdflib reads it back).

XML cannot carry most control characters, and RDF/XML cannot write some property IRIs: both are refused with a
reason instead of writing a file that does not parse.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..errors import UserError
from ..namespaces import curie, prefixes
from .canon import canonical
from .nt import sorted_ox_triples

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_rdfxml(graph) -> bytes:
    """``graph`` as RDF/XML with the declared prefixes; UserError when XML cannot hold it."""
    cg = canonical(graph)
    for s, _p, o in cg.triples:
        if isinstance(o, ox.Literal):
            bad = _XML_ILLEGAL.search(o.value)
            if bad:
                raise UserError(f"a literal of {curie(s.value)} holds the character U+{ord(bad.group()):04X}, "
                                "which XML cannot carry, so the graph cannot be written as RDF/XML",
                                hint="use ttl, nt or jsonld, or remove the control character from the data")
    try:
        data = ox.serialize(sorted_ox_triples(cg), format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes()))
    except (ValueError, OSError) as e:
        raise UserError(f"the graph cannot be written as RDF/XML: {e}",
                        hint="RDF/XML cannot write some property IRIs (e.g. ending in a digit); "
                             "use ttl, nt or jsonld") from None
    # XML parsers turn a raw carriage return into a line feed; Oxigraph writes it raw. No IRI or markup holds one,
    # so every CR here is literal text: escape it.
    return data.replace(b"\r", b"&#13;")
