"""One reading of SPARQL query text, shared by the catalog, the engines, the endpoint client and the query checks.

A tokenizer that knows comments, the four string forms (with escapes), IRIs, variables and prefixed names answers
what the modules above ask of a query without a full parse: its form, its projection, whether a variable occurs in
its code (not in a comment or a string), where its WHERE group is, and how deeply it nests. Before there was one
tokenizer, three scanners disagreed: a ``?risk`` seen only in a comment and a string passed the catalog and was
refused by the engine.

The reading is deliberately the lexer's, not the parser's: an unterminated string or comment runs to the end of the
text, a comment ends at a line feed or a carriage return (as Oxigraph ends it), and a backslash outside a string
takes the next character with it (a prefixed name's escape such as ``ex:a\\#``). The query checks rely on that to
look for SERVICE wherever either engine could see it.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from ..errors import QueryError

_NAME_CHARS = r"\w\-.:%\u00B7\u00C0-\uFFFF"
_COMMENT = r"\#[^\r\n]*"
_STRING = r"""\"\"\"(?:[^"\\]+|\\[\s\S]?|"(?!""))*(?:\"\"\"|\Z)
            |'''(?:[^'\\]+|\\[\s\S]?|'(?!''))*(?:'''|\Z)
            |"(?:[^"\\]+|\\[\s\S]?)*(?:"|\Z)
            |'(?:[^'\\]+|\\[\s\S]?)*(?:'|\Z)"""
_IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
_SCANNER_PATTERN = (
    rf"""(?P<ws>\s+)
      | (?P<comment>{_COMMENT})
      | (?P<string>{_STRING})
      | (?P<iri>{_IRI})
      | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
      | (?P<name>(?:[{_NAME_CHARS}]|\\[\s\S]?)+)
      | (?P<punct>\\[\s\S]?|.)"""
)
# What code_only blanks, found without tokenizing the rest: no other token holds a '#', a quote or a '<' unless
# escaped by a backslash, and a backslash takes the next character along in both readings.
_NOT_CODE_PATTERN = rf"\\[\s\S]?|(?P<blank>{_COMMENT}|{_STRING}|{_IRI})"


@functools.cache
def _compiled(pattern: str) -> re.Pattern:
    """Compiled on first use: the two patterns' Unicode ranges take about 10 ms to compile, which commands that
    never read a query (`airm --help`, `airm query list`) should not pay."""
    return re.compile(pattern, re.VERBOSE | re.DOTALL)


FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Token(NamedTuple):
    """One token: its kind (ws, comment, string, iri, var, name, punct), its text and where it lies in the query."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased word when the token is a bare name (SELECT, WHERE, AS...), else None."""
        return self.text.upper() if self.kind == "name" and ":" not in self.text else None

    @property
    def variable(self) -> str | None:
        """The variable's name without ``?`` or ``$``, when the token is a variable."""
        return self.text[1:] if self.kind == "var" else None


def scan(text: str):
    """Every token of ``text``, white space and comments included: together they cover the text exactly."""
    pos, n, scanner = 0, len(text), _compiled(_SCANNER_PATTERN)
    while pos < n:
        m = scanner.match(text, pos)
        kind, end = m.lastgroup, m.end()
        if kind == "name" and text[end - 1] == "." and not text.endswith("\\.", 0, end):
            end = pos + len(m.group().rstrip("."))  # a name never ends with '.': that dot closes a triple
            if end == pos:
                kind, end = "punct", pos + 1
        yield Token(kind, text[pos:end], pos, end)
        pos = end


_CACHED_CHARS = 1 << 16  # a stored query is read several times in a row; a huge ad-hoc one is not kept


def tokens(text: str) -> tuple[Token, ...]:
    """The significant tokens of ``text``: white space and comments dropped."""
    return _cached_tokens(text) if len(text) <= _CACHED_CHARS else _significant(text)


def _significant(text: str) -> tuple[Token, ...]:
    return tuple(t for t in scan(text) if t.kind not in ("ws", "comment"))


_cached_tokens = functools.lru_cache(maxsize=16)(_significant)


def code_only(text: str) -> str:
    """``text`` with its comments, string literals and IRIs blanked out (same length, line feeds kept): what is
    left is the query's own syntax, where variables, keywords and brackets can be looked for safely. The same
    reading as ``scan``, in one regular-expression pass (a megabyte of brackets must not take seconds)."""
    out, done = [], 0
    for m in _compiled(_NOT_CODE_PATTERN).finditer(text):
        if m.lastgroup != "blank":
            continue
        span = m.group()
        out += [text[done:m.start()], re.sub(r"[^\n]", " ", span) if "\n" in span else " " * len(span)]
        done = m.end()
    out.append(text[done:])
    return "".join(out)


def nesting_depth(text: str) -> int:
    """Deepest nesting of { ( [ outside strings, IRIs and comments."""
    depth = deepest = 0
    for c in code_only(text):
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "})]":
            depth -= 1
    return deepest


def _top_level(toks) -> list[tuple[int, Token]]:
    """(index, token) of the tokens outside every { } group."""
    out, depth = [], 0
    for i, tok in enumerate(toks):
        if tok.text == "{" and tok.kind == "punct":
            depth += 1
        elif tok.text == "}" and tok.kind == "punct":
            depth -= 1
        elif depth == 0:
            out.append((i, tok))
    return out


def query_form(text: str) -> str | None:
    """'select', 'construct', 'ask', 'describe' or 'update' from the first form keyword outside any group; None
    when the text has none."""
    for _i, tok in _top_level(tokens(text)):
        if tok.keyword in FORMS:
            return tok.keyword.lower()
        if tok.keyword in UPDATE_KEYWORDS:
            return "update"
    return None


def result_kind(text: str) -> str | None:
    """What running the query gives: 'select' (a table), 'ask' (a boolean) or 'construct' (triples, also for
    DESCRIBE); None for an update or a text with no query form."""
    form = query_form(text)
    return {"describe": "construct", "update": None}.get(form, form)


class Projection(NamedTuple):
    """The variables a SELECT query returns: every one in scope (``star``) or those listed, in order."""

    star: bool
    variables: tuple[str, ...]

    def __contains__(self, name) -> bool:
        return self.star or name in self.variables


def projection(text: str) -> Projection | None:
    """The top-level SELECT's projection: ``?v`` listed, and ``(expression AS ?v)``; None for other forms."""
    toks = tokens(text)
    start = next((i for i, t in _top_level(toks) if t.keyword in FORMS), None)
    if start is None or toks[start].keyword != "SELECT":
        return None
    star, names, parens = False, [], 0
    for i in range(start + 1, len(toks)):
        tok = toks[i]
        if parens == 0 and (tok.text == "{" or tok.keyword in ("WHERE", "FROM")):
            break
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "*" and parens == 0:
            star = True
        elif tok.kind == "var" and (parens == 0 or toks[i - 1].keyword == "AS"):
            names.append(tok.variable)
    return Projection(star, tuple(dict.fromkeys(names)))


def mentions(text: str, name: str) -> bool:
    """Whether variable ``?name`` (or ``$name``) occurs in the query's code: comments, strings and IRIs do not count."""
    return any(tok.variable == name for tok in tokens(text))


def assigns(text: str, name: str) -> bool:
    """Whether the query assigns ``?name`` itself, with ``BIND(... AS ?name)`` or ``(... AS ?name)``."""
    toks = tokens(text)
    return any(tok.variable == name and toks[i - 1].keyword == "AS" for i, tok in enumerate(toks) if i)


def _matching(toks, i: int) -> int:
    """Index of the brace that closes the one at ``i``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind != "punct":
            continue
        if toks[j].text == "{":
            depth += 1
        elif toks[j].text == "}":
            depth -= 1
            if depth == 0:
                return j
    raise QueryError("unbalanced braces in the query")


def where_group(text: str) -> tuple[Token, Token, Token | None]:
    """The braces that open and close the query's WHERE group, and the first token inside it (None when empty).

    A CONSTRUCT template comes before it, and braces inside the projection's parentheses (``EXISTS { }``) are no
    group of the query's own."""
    toks = tokens(text)
    i = next((k for k, t in _top_level(toks) if t.keyword in FORMS), None)
    if i is None:
        raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")
    j = i + 1
    if toks[i].keyword == "CONSTRUCT":
        if j < len(toks) and toks[j].keyword == "WHERE":
            raise QueryError("a CONSTRUCT WHERE { } short form cannot take parameters on an endpoint",
                             hint="write the template out: CONSTRUCT { ... } WHERE { ... }")
        if j >= len(toks) or toks[j].text != "{":
            raise QueryError("CONSTRUCT needs a { template }")
        j = _matching(toks, j) + 1
    parens = 0
    for k in range(j, len(toks)):
        t = toks[k].text if toks[k].kind == "punct" else None
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == "{" and parens == 0:
            close = _matching(toks, k)
            return toks[k], toks[close], toks[k + 1] if k + 1 < close else None
    raise QueryError("the query has no WHERE { } group")
