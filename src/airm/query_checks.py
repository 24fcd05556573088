"""What an ad-hoc query may do, decided before any engine runs it: size, nesting, read-only, no SERVICE, no FROM on
rdflib. Nothing here evaluates a query.

The checks read the query with rdflib's SPARQL 1.1 parser. Oxigraph reads more (SPARQL 1.2: VERSION, LATERAL,
ADJUST, triple terms, reifiers), so a query rdflib cannot read is refused rather than run unchecked; its syntax
message comes from Oxigraph's parser alone (see ``oxigraph_syntax_error``). The two parsers must also read the same
text: rdflib expands ``\\u`` escapes everywhere before parsing (as SPARQL 1.1 section 19.2 says) and Oxigraph only in
strings and IRIs, so every engine gets the expanded text; and a SERVICE keyword that a third, plain lexer (the
scanner of ``airm.sparql.text``) finds in the query's code but rdflib does not (a comment ended by a bare carriage
return, say) gets the query refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import InputFileError, InternalError, QueryError, QuerySyntaxError, UpdateRefused
from .namespaces import prefixes
from .sparql.text import code_only, nesting_depth

MAX_QUERY_CHARS = 1_000_000
MAX_NESTING = 32  # rdflib's parser overflows Python's stack near 40 levels; Oxigraph's crashes a thread far deeper
ESCAPE_RE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)  # the escapes rdflib expands
BARE_CR_RE = re.compile(r"\r(?!\n)")  # Oxigraph ends a comment there, rdflib only at a line feed
SERVICE_REFUSED = "SERVICE is refused: it would send requests to another server"
SERVICE_HINT = "pass --allow-service if you mean to query a remote endpoint"


@dataclass(frozen=True)
class Checked:
    """A query that passed the checks: the text every engine is to run, and whether it names its own dataset."""

    text: str
    dataset_clause: bool


def check_query(text: str, *, allow_service: bool = False, engine: str = "oxigraph",
                base: str | None = None) -> Checked:
    """Size, escapes, read-only, SERVICE, and on rdflib FROM and GRAPH checks; the text to run. ``base`` is the IRI
    relative IRIs resolve against (the query's own BASE wins), given to the parsers rather than written into the
    text, so error positions are those of the user's text."""
    check_size(text)
    check_utf8(text)
    text = expand_escapes(text.removeprefix("\ufeff"))  # a byte-order mark some editors put first is no syntax
    parsed = parse_read_only(text, base=base)
    dataset = _has_dataset_clause(parsed)
    if engine == "rdflib":
        check_slices(parsed)
    if engine == "rdflib" and dataset:
        raise QueryError("FROM / FROM NAMED are refused on the rdflib engine: they would load what they name",
                         hint="use GRAPH <...> { } patterns, or the oxigraph engine")
    if engine == "rdflib" and _contains(parsed, "GraphGraphPattern"):
        raise QueryError("GRAPH patterns are refused on the rdflib engine: it queries the union of the named graphs "
                         "as one graph, so it cannot tell them apart",
                         hint="run it on the oxigraph engine (the default)")
    if not allow_service:
        if _contains(parsed, "ServiceGraphPattern"):
            raise QueryError(SERVICE_REFUSED, hint=SERVICE_HINT)
        if re.search(r"(?<![?$:\w-])SERVICE(?![\w:-])", code_only(text), re.IGNORECASE):
            raise QueryError("the query cannot be checked: airm's checker and the query engine read its comments "
                             "or strings differently, and one of them sees a SERVICE clause there",
                             hint="end comments with a line feed and write strings without raw line breaks")
        if BARE_CR_RE.search(text):  # the lexer above can be misled too (a '<' that is a less-than, say)
            raise QueryError("the query cannot be checked: it has a carriage return without a line feed after it, "
                             "which ends a comment for the query engine but not for airm's checker",
                             hint="save the query with LF or CRLF line endings")
    return Checked(text=text, dataset_clause=dataset)


MAX_QUERY_FILE_BYTES = 4 * MAX_QUERY_CHARS  # UTF-8 takes at most four bytes a character


def read_query_file(path) -> str:
    """A query file's text: a regular file (not a FIFO or a device such as /dev/zero, which never end), at most
    MAX_QUERY_FILE_BYTES, UTF-8 with or without a byte-order mark."""
    import os
    import stat
    from pathlib import Path

    path = Path(path)
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputFileError(path, "not a regular file (a device, a pipe or a folder): airm reads queries "
                                           "from files", hint="save the query in a .rq file")
            data = f.read(MAX_QUERY_FILE_BYTES + 1)
    except OSError as e:
        raise InputFileError(path, f"cannot read query file: {e.strerror or e}") from None
    if len(data) > MAX_QUERY_FILE_BYTES:
        raise InputFileError(path, f"the query file is larger than {MAX_QUERY_FILE_BYTES:,} bytes",
                             hint="store large value lists as data and join them instead")
    try:
        return data.decode("utf-8-sig")  # a byte-order mark some editors write is not part of the query
    except UnicodeDecodeError as e:
        raise InputFileError(path, f"cannot read query file: not UTF-8 ({e.reason} at byte {e.start})",
                             hint="save the file as UTF-8") from None


def check_size(text: str) -> None:
    """Refuse queries too long or too deeply nested to parse safely, before any parser sees them."""
    if not text.strip():
        raise QueryError("the query is empty", hint="give a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; airm accepts at most {MAX_QUERY_CHARS:,}",
                         hint="store large value lists as data and join them instead")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise QueryError(f"the query nests groups or brackets {depth} levels deep; airm accepts at most {MAX_NESTING}",
                         hint="flatten the nested groups")


def check_utf8(text: str) -> None:
    """Refuse text that cannot be written as UTF-8: bytes that were not UTF-8 (Python keeps them in a command line
    as lone surrogates) would otherwise fail inside an engine."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise QueryError(f"the query is not UTF-8 text (a byte that is not UTF-8 at character {e.start + 1})",
                         hint="type or save the query as UTF-8") from None


def check_slices(parsed) -> None:
    """rdflib slices results with ``itertools.islice``, which takes no LIMIT or OFFSET past ``sys.maxsize``."""
    import sys

    for clause in _named(parsed, "LimitOffsetClauses"):
        for key in ("limit", "offset"):
            value = int(clause[key]) if key in clause else 0
            if value > sys.maxsize:
                raise QueryError(f"{key.upper()} {value:,} is past the largest the rdflib engine takes "
                                 f"({sys.maxsize:,})", hint=f"drop the {key.upper()}, or run it on the oxigraph engine")


def expand_escapes(text: str) -> str:
    """The text with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes expanded, as rdflib's parser expands them: what both
    engines are given, so that the one that runs the query reads what the checks read."""
    if not ESCAPE_RE.search(text):
        return text
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        out = expandUnicodeEscapes(text)
        out.encode("utf-8")
    except (ValueError, OverflowError, UnicodeEncodeError):
        raise QueryError("the query has a \\u escape that is not a Unicode character (or is half of a pair)",
                         hint="write the character itself") from None
    if ESCAPE_RE.search(out):
        raise QueryError("the query's \\u escapes spell further \\u escapes, which engines read differently",
                         hint="write the characters themselves") from None
    return out


def parse_read_only(text: str, *, base: str | None = None):
    """rdflib's parse of a query; an update, a syntax error or syntax rdflib cannot check is refused."""
    from rdflib.plugins.sparql import parser

    try:
        return parser.parseQuery(text)
    except RecursionError:
        raise QueryError("the query is nested too deeply to check", hint="flatten the nested groups") from None
    except Exception as e:
        checker_error = e
    try:
        parser.parseUpdate(text)
    except Exception:
        pass
    else:
        raise UpdateRefused(
            "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) are refused: airm queries are read-only",
            hint="change the data files and rebuild instead",
        )
    message = oxigraph_syntax_error(text, base=base)
    if message is not None:
        from .sparql_errors import pointed

        raise QuerySyntaxError(f"SPARQL syntax error at {pointed(text, message)}", hint="check the query at the caret")
    where = _checker_position(checker_error)
    raise QueryError(
        "the query cannot be checked, so it is not run: airm checks every query with a SPARQL 1.1 parser before "
        f"running it, and that parser stops {where}. Oxigraph would read it (SPARQL 1.2 syntax such as VERSION, "
        "LATERAL, ADJUST, triple terms <<( )>> or reifiers ~ is beyond the check)",
        hint="write the query in SPARQL 1.1")


_NOT_A_GRAPH = object()


def oxigraph_syntax_error(text: str, *, base: str | None = None) -> str | None:
    """Oxigraph's own syntax message for ``text``, or None when Oxigraph can parse it; never evaluates it.

    pyoxigraph parses the query, then converts the dataset arguments, then evaluates: a named graph that is not a
    term stops the call between the first two (tests/hardening/test_no_network.py holds pyoxigraph to that order).
    """
    try:
        ox.Store().query(text, prefixes=prefixes(), named_graphs=[_NOT_A_GRAPH], base_iri=base)
    except SyntaxError as e:
        return str(e)
    except (TypeError, ValueError):
        return None
    raise InternalError("pyoxigraph ran a query it was only asked to parse: airm's parse-only check no longer holds",
                        hint="report this with the pyoxigraph version")


def _checker_position(error: Exception) -> str:
    line, col = getattr(error, "lineno", None), getattr(error, "col", None)
    found = re.search(r"found (.{1,40}?)\s+\(at char", str(error))
    where = f"at {line}:{col}" if line is not None else "somewhere"
    return where + (f" (at {found.group(1)})" if found else "")


def _has_dataset_clause(parsed) -> bool:
    try:
        value = parsed[1].get("datasetClause")
        return bool(value) and not isinstance(value, str)  # a missing key comes back as its own name
    except Exception:
        return False


def _contains(node, name: str) -> bool:
    """Whether the parse tree holds a node called ``name``."""
    return next(_named(node, name), None) is not None


def _named(node, name: str, _seen=None):
    """The nodes called ``name`` in a parse tree (pyparsing results, rdflib CompValues, lists)."""
    from pyparsing import ParseResults

    _seen = _seen if _seen is not None else set()
    if id(node) in _seen:
        return
    _seen.add(id(node))
    if getattr(node, "name", None) == name:
        yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _named(v, name, _seen)
    elif isinstance(node, (list, tuple, ParseResults)):
        for v in node:
            yield from _named(v, name, _seen)
