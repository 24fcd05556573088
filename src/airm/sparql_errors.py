"""A SPARQL syntax error as a person reads one: line, column, the line of their query and a caret under the spot.

Oxigraph says ``error at 2:16: expected ...`` and rdflib (pyparsing) ``... (at char 23), (line:1, col:24)``; neither
shows the text, and a query given on one command line is hard to count through.
"""

from __future__ import annotations

import re

_OXIGRAPH = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.S)
_PYPARSING = re.compile(r"\s*\(at char \d+\),\s*\(line:(\d+),\s*col:(\d+)\)\s*$")
MAX_SHOWN = 100  # characters of the offending line shown around the caret


def pointed(text: str, message: str) -> str:
    """``message`` rewritten to name line and column, followed by the query line and a caret; unchanged when it
    carries no position."""
    m = _OXIGRAPH.match(message.strip())
    if m:
        line, column, what = int(m[1]), int(m[2]), m[3].strip()
    else:
        p = _PYPARSING.search(message)
        if not p:
            return message
        line, column, what = int(p[1]), int(p[2]), message[:p.start()].strip()
    return f"line {line}, column {column}: {what}\n{caret(text, line, column)}"


def caret(text: str, line: int, column: int) -> str:
    """The query's line ``line`` (1-based) with ``^`` under ``column`` (1-based; one past the end at the end)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    shown = lines[line - 1].replace("\t", " ").rstrip("\r")
    col = max(1, min(column, len(shown) + 1))
    start = max(0, col - 1 - MAX_SHOWN // 2)
    cut = shown[start:start + MAX_SHOWN]
    lead = "…" if start else ""
    tail = "…" if start + MAX_SHOWN < len(shown) else ""
    return f"    {lead}{cut}{tail}\n    {' ' * (len(lead) + col - 1 - start)}^"
