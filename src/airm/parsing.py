"""Read RDF files safely into Oxigraph quads: one typed error naming file, line and column; nothing remote.

pyoxigraph refuses remote JSON-LD contexts by default and never opens files it is not given, which is why it is the
parser for every file we read (rdflib's JSON-LD parser always fetches a remote @context, with no switch to stop it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from .errors import InputFileError
from .rdf_formats import BY_SUFFIX

FORMATS = {suffix: f.oxigraph for suffix, f in BY_SUFFIX.items()}  # file suffix -> pyoxigraph format read
MAX_FILE_BYTES = 512 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
PARSER_TOKEN_LIMIT = 16 * 1024 * 1024  # pyoxigraph's longest literal, IRI or N-Quads line (MemoryError past it)

_POSITION = re.compile(r"line (\d+) (?:between columns|column) (\d+)")
_POSITION2 = re.compile(r"line (\d+)")


def rdf_format(path: Path):
    name = FORMATS.get(path.suffix.lower())
    if name is None:
        raise InputFileError(
            path,
            f"unknown RDF file type {path.suffix or '(no suffix)'!r}",
            hint="use one of " + ", ".join(sorted(FORMATS)),
        )
    return getattr(ox.RdfFormat, name)


def parse_file(path: Path, graph_iri: str | None, *, base_iri: str | None = None) -> list:
    """All quads of one file; triple formats go into ``graph_iri`` (None = default graph)."""
    path = Path(path)
    fmt = rdf_format(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}", hint="check the path") from None
    if not path.is_file():
        raise InputFileError(path, "not a regular file", hint="give an RDF file, not a folder or device")
    if size > MAX_FILE_BYTES:
        raise InputFileError(path, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_entity_bombs(path)
    elif fmt == ox.RdfFormat.JSON_LD:
        _refuse_bad_language_tags(path)
    graph = ox.NamedNode(graph_iri) if graph_iri else ox.DefaultGraph()
    kwargs = {"format": fmt, "base_iri": base_iri or path.resolve().as_uri()}
    if fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        kwargs["without_named_graphs"] = True
    with _parse_errors(path), open(path, "rb") as f:
        if f.read(3) != UTF8_BOM or fmt == ox.RdfFormat.RDF_XML:  # a BOM (Windows editors) is not data
            f.seek(0)
        quads = []
        for q in ox.parse(f, **kwargs):
            if isinstance(q.graph_name, ox.DefaultGraph):
                q = ox.Quad(q.subject, q.predicate, q.object, graph)
            quads.append(q)
        return quads


BULK_MIN_BYTES = 8 * 1024 * 1024  # from this size a triples file is loaded by Oxigraph straight into the store


def loads_in_bulk(path: Path) -> bool:
    """Whether ``load_into`` takes this file: N-Triples or Turtle of at least ``BULK_MIN_BYTES``."""
    path = Path(path)
    try:
        return path.suffix.lower() in (".nt", ".ttl") and path.stat().st_size >= BULK_MIN_BYTES
    except OSError:
        return False


def load_into(store, path: Path, graph_iri: str) -> None:
    """Load a large triples file into ``graph_iri`` of ``store`` inside Oxigraph: no Python object per triple (at a
    million triples, parse_file's list took twice the time and 0.5 GB more than the store itself). A parse error
    may leave part of the file in the store: only for a store the caller discards on error. Oxigraph gives the
    file's blank nodes fresh labels (parse_file keeps the file's own)."""
    path = Path(path)
    fmt = rdf_format(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputFileError(path, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
    with _parse_errors(path), open(path, "rb") as f:
        if f.read(3) != UTF8_BOM:
            f.seek(0)
        store.bulk_load(f, format=fmt, base_iri=path.resolve().as_uri(), to_graph=ox.NamedNode(graph_iri))


class _parse_errors:
    """Every failure of a parser as one InputFileError naming the file (and line and column where known)."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, e, _tb):
        path = self.path
        if e is None or not isinstance(e, Exception):
            return False
        if isinstance(e, InputFileError):
            return False
        if isinstance(e, SyntaxError):
            raise _syntax_error(path, e) from None
        if isinstance(e, RecursionError):
            raise InputFileError(path, "nesting too deep to parse",
                                 hint="flatten deeply nested blank nodes or lists") from None
        if isinstance(e, MemoryError):  # pyoxigraph's parsers stop at a 16 MiB token (a literal, an IRI, a line)
            raise InputFileError(path, f"a value or line over the parser's {PARSER_TOKEN_LIMIT // (1024 * 1024)} "
                                       "MiB limit: the file cannot be read",
                                 hint="split or shorten the over-long value") from None
        if isinstance(e, (OSError, ValueError)):
            raise InputFileError(path, f"cannot parse: {e}") from None
        return False


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _refuse_bad_language_tags(path: Path) -> None:
    """JSON-LD's toRdf drops a value whose @language is not a well-formed tag, and pyoxigraph follows it without a
    word: the triple would be lost. Every other syntax refuses such a tag, so JSON-LD does too."""
    import json

    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return  # pyoxigraph reports what is wrong, with its position
    except RecursionError:
        raise InputFileError(path, "JSON nested too deeply to check (over a few hundred levels)",
                             hint="flatten the document: give nested nodes an @id and list them in @graph") from None
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            tag = node.get("@language")
            if isinstance(tag, str) and not _LANGUAGE_TAG.match(tag):
                raise InputFileError(path, f"{tag!r} is not a language tag (@language)",
                                     hint="use a BCP 47 tag such as en, en-GB or de")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _refuse_entity_bombs(path: Path) -> None:
    """pyoxigraph expands XML internal entities without a bound: a 1 KB "billion laughs" file asks for gigabytes.
    Python's expat (2.4 and later) counts the expansion and stops past a small factor, so it reads the file first;
    entities used the usual way (namespace abbreviations, as Protégé writes them) pass. Anything else expat finds
    wrong is left for pyoxigraph to report, as for every other file."""
    import xml.parsers.expat as expat

    parser = expat.ParserCreate()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as e:
        if "amplification" in str(e):
            raise InputFileError(path, "XML entities expand far beyond the file's size; refused",
                                 line=e.lineno,
                                 hint="write the values out instead of nesting entity references") from None
    except OSError as e:
        raise InputFileError(path, f"cannot read: {e.strerror or e}") from None


def _syntax_error(path: Path, e: SyntaxError) -> InputFileError:
    text = str(e.args[0]) if e.args else str(e)
    line = column = None
    m = _POSITION.search(text) or _POSITION2.search(text)
    if m:
        line = int(m.group(1))
        column = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else None
    elif getattr(e, "lineno", None):
        line, column = e.lineno, e.offset
    message = re.sub(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ", "", text)
    message = re.sub(r" \(line \d+\)$", "", message)
    return InputFileError(path, f"syntax error: {message}", line=line, column=column, hint="fix the RDF syntax there")


_SUBJECT_LINE = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)\s")
_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


def subject_lines(path: Path) -> dict[str, int]:
    """IRI -> line where a Turtle/TriG file starts describing it (a subject at the start of a line).

    Only for reports ("defined in file:line"); a best effort that never raises.
    """
    found: dict[str, int] = {}
    if rdf_format_name(path) not in ("TURTLE", "TRIG"):
        return found
    prefixes: dict[str, str] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return found
    for number, line in enumerate(lines, 1):
        m = _PREFIX_LINE.match(line)
        if m:
            prefixes[m.group(1)] = m.group(2)
            continue
        m = _SUBJECT_LINE.match(line)
        if not m:
            continue
        token = m.group(1)
        if token.startswith("<"):
            iri = token[1:-1]
        else:
            p, local = token.split(":", 1)
            if p not in prefixes:
                continue
            iri = prefixes[p] + local.replace("\\", "")
        found.setdefault(iri, number)
    return found


def rdf_format_name(path: Path) -> str | None:
    return FORMATS.get(Path(path).suffix.lower())
