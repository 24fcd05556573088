"""Content negotiation: which format answers a request, from ``?format=`` or the ``Accept`` header.

Pages take ``?format=`` as an order. The SPARQL endpoint follows the protocol's negotiation on ``Accept`` first and
reads ``format``/``output``/``results`` as hints, the way clients such as SPARQLWrapper send them (``format=xml`` on
every request, RDF/XML meant for a graph): a hint the Accept header allows picks among acceptable formats, any
other falls back to Accept.

Pure functions, shared by the web process (pages) and the query workers (results, whose kind is known only after
the query ran: a table for SELECT/ASK, a graph for CONSTRUCT/DESCRIBE).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BadFormat, NotAcceptable

# format key -> media type sent back. The first media type listed for a key is the one a response carries.
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",  # formula cells escaped (a leading ')
    "csv-raw": "text/csv; charset=utf-8",  # values as they are: only by ?format=csv-raw, never negotiated
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "html": "text/html; charset=utf-8",
}

# media types a client may ask for, each mapped to a format key
ACCEPTED = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "text/html": "html",
    "application/xhtml+xml": "html",
}

# media types that name a graph format too, counted only when the result is a graph and only when named exactly:
# JSON-LD asked for as plain JSON, Turtle as N3 (every Turtle document is N3), RDF/XML as plain XML
GRAPH_ACCEPTED = {
    "application/json": "jsonld",
    "application/x-json+ld": "jsonld",
    "text/n3": "ttl",
    "application/n3": "ttl",
    "text/rdf+n3": "ttl",
    "application/turtle": "ttl",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}

TABLE_FORMATS = ("json", "xml", "csv", "tsv", "csv-raw")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "rdfxml")
FORMAT_ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "rdf": "rdfxml",
                  "rdf+xml": "rdfxml", "n3": "ttl", "srj": "json", "srx": "xml"}
# what a hint names when the result is a graph (SPARQLWrapper's "xml" and "json" for CONSTRUCT and DESCRIBE)
GRAPH_HINTS = {"xml": "rdfxml", "json": "jsonld", **GRAPH_ACCEPTED}
HINT_PARAMETERS = ("format", "output", "results")


def not_acceptable(offered: list[str]) -> NotAcceptable:
    """The 406 for an Accept header none of ``offered`` satisfies, naming what is available."""
    types = ", ".join(MEDIA_TYPES[f].split(";")[0] for f in offered)
    return NotAcceptable(f"none of the media types in the Accept header can carry this result; available: {types}")


@dataclass(frozen=True)
class Range:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 for none."""
        t, s = media.split("/", 1)
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == t and self.subtype == "*":
            return 2
        return 3 if (self.type, self.subtype) == (t, s) else 0


def parse_accept(header: str | None) -> list[Range]:
    """The media ranges of an Accept header; an empty or missing header accepts anything."""
    if not header or not header.strip():
        return [Range("*", "*", 1.0, 0)]
    out = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        t, s = media.split("/", 1)
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(f[2:])))
                except ValueError:
                    q = 0.0
        out.append(Range(t.strip(), s.strip(), q, i))
    return out or [Range("*", "*", 1.0, 0)]


def quality(ranges: list[Range], fmt: str) -> float:
    """The q the client gives a format: that of the most specific range matching any of its media types."""
    best_q, best_spec = 0.0, 0
    canonical = MEDIA_TYPES[fmt].split(";")[0]
    aliases = GRAPH_ACCEPTED.items() if fmt in GRAPH_FORMATS else ()
    for media, key in [*ACCEPTED.items(), *aliases]:
        if key != fmt:
            continue
        for r in ranges:
            spec = r.matches(media)
            if media != canonical and spec < 3:
                continue  # an alias (application/xml for SPARQL XML) counts only when named exactly
            if spec > best_spec or (spec == best_spec and spec and r.q > best_q):
                best_spec, best_q = spec, r.q
    return best_q if best_spec else 0.0


def negotiate(accept: str | None, offered: list[str]) -> str:
    """The offered format with the highest q; ties go to the earlier offer (the server's preference)."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for fmt in offered:
        q = quality(ranges, fmt)
        if q > best_q:
            best, best_q = fmt, q
    if best is None:
        raise not_acceptable(offered)
    return best


def normalise_format(value: str) -> str:
    v = value.strip().lower()
    v = FORMAT_ALIASES.get(v, v)
    if v in MEDIA_TYPES:
        return v
    if v.split(";")[0].strip() in ACCEPTED:
        return ACCEPTED[v.split(";")[0].strip()]
    raise BadFormat(f"unknown format {value!r}; use one of {', '.join(MEDIA_TYPES)}")


def format_hints(params: dict[str, list[str]]) -> list[str]:
    """The values of the protocol endpoint's format parameters, in the order given."""
    return [v for name in HINT_PARAMETERS for v in params.get(name, []) if v.strip()]


def hinted(value: str, kind: str) -> str | None:
    """The format a hint names for a result of ``kind``, or None when it names none."""
    v = value.strip().lower()
    if kind == "construct" and v.split(";")[0].strip() in GRAPH_HINTS:
        return GRAPH_HINTS[v.split(";")[0].strip()]
    try:
        return normalise_format(v)
    except BadFormat:
        return None


def choose(kind: str, *, accept: str | None, fmt: str | list[str] | None, html: bool, prefer_html: bool) -> str:
    """The format for a result of ``kind`` ('select', 'ask', 'construct').

    ``fmt`` as a string (a page's ``?format=``) wins over ``Accept``; as a list (the protocol endpoint's hints) it
    picks only among the formats ``Accept`` allows. ``html`` offers an HTML page; ``prefer_html`` puts it first
    (pages), else it comes last (the protocol endpoint, where ``*/*`` means SPARQL JSON or Turtle).
    """
    data = list(GRAPH_FORMATS if kind == "construct" else TABLE_FORMATS)
    if kind == "ask":
        data = ["json", "xml"]
    if isinstance(fmt, (list, tuple)):
        ranges = parse_accept(accept)
        for value in fmt:
            key = hinted(value, kind)
            if key == "html" and html:
                return key
            if key in data and quality(ranges, "csv" if key == "csv-raw" else key) > 0:  # raw CSV is still text/csv
                return key
    elif fmt:
        key = normalise_format(fmt)
        if key == "html" and html:
            return key
        if key not in data:
            what = "a graph (CONSTRUCT/DESCRIBE)" if kind == "construct" else "a table (SELECT/ASK)"
            raise BadFormat(f"{what} result cannot be given as {key}; use one of {', '.join(data)}")
        return key
    offered = (["html"] + data if prefer_html else data + ["html"]) if html else data
    return negotiate(accept, offered)
