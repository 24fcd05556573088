"""Full-text search over the graph: stemmed, ranked (BM25), with a snippet of where each hit matched.

Labels weigh most, then other names and codes, then descriptions, notes and use texts. The stored ``search-*``
queries stay for SPARQL users; this is the search a person types into.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import QueryError, shown
from .textindex import fts_query, open_index

# BM25 column weights: label, names (alt labels, codes), body (descriptions, notes, use texts)
WEIGHTS = (10.0, 5.0, 1.0)
SNIPPET_WORDS = 16


@dataclass(frozen=True)
class Hit:
    """One resource that matched: what it is, where it comes from, and the text around the match."""

    iri: str
    label: str | None
    type: str | None
    source: str | None
    snippet: str
    score: float  # BM25, higher is better

    def to_dict(self) -> dict:
        return asdict(self)


def search(kg, text: str, *, types=None, sources=None, limit: int = 20) -> list[Hit]:
    """Resources matching every word of ``text`` (stemmed: 'red-teaming' finds 'red team'), best first.

    ``types`` keeps hits of those classes (CURIEs, IRIs or local names such as 'Mitigation'), ``sources`` those of
    those sources (an import's name such as 'atlas', 'airm' for the embedded data, 'ontology' for airm's own terms,
    left out unless named). Snippets mark the match with
    [brackets]."""
    types = [types] if isinstance(types, str) else types
    sources = [sources] if isinstance(sources, str) else sources
    query = fts_query(text)
    if query is None:
        raise QueryError(f"nothing to search for in {shown(text)}", hint="give at least one word or code")
    if limit < 1:
        raise QueryError(f"the search limit must be at least 1, not {limit}")
    conn = open_index(kg)
    where, args = ["docs MATCH ?"], [query]
    if types:
        iris = _type_iris(conn, types)
        where.append(f"r.id IN (SELECT id FROM types WHERE type IN ({','.join('?' * len(iris))}))")
        args += iris
    if sources:
        wanted = [s.strip().casefold() for s in sources]
        where.append(f"lower(r.source) IN ({','.join('?' * len(wanted))})")
        args += wanted
    else:  # the ontology's own terms and the query catalog only when asked for by name
        where.append("r.source IS NOT NULL AND r.source <> 'ontology'")
    sql = f"""
        SELECT r.iri, r.label, r.type, r.source,
               snippet(docs, -1, '[', ']', '…', {SNIPPET_WORDS}) AS snip, bm25(docs, ?, ?, ?) AS rank
        FROM docs JOIN resources r ON r.id = docs.rowid
        WHERE {' AND '.join(where)}
        ORDER BY rank, r.label, r.iri LIMIT ?"""
    rows = conn.execute(sql, [*WEIGHTS, *args, limit]).fetchall()
    return [Hit(iri, label, typ, src, " ".join(snip.split()), round(-rank, 4))
            for iri, label, typ, src, snip, rank in rows]


def group_by_type(hits: list[Hit]) -> dict[str | None, list[Hit]]:
    """Hits grouped by type, groups in the order of their best hit, hits in rank order within each."""
    groups: dict[str | None, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.type, []).append(hit)
    return groups


def hits_text(hits: list[Hit]) -> str:
    """Hits for a terminal: a heading per type, then each hit's CURIE, label and source over its snippet."""
    from .namespaces import curie

    lines = []
    for typ, group in group_by_type(hits).items():
        lines.append(f"{curie(typ) if typ else 'untyped'} ({len(group)})")
        for h in group:
            lines += [f"  {curie(h.iri)}  {h.label or ''}  [{h.source or '?'}]", f"      {h.snippet}"]
    return "\n".join(lines)


def hits_json(hits: list[Hit]) -> str:
    import json

    return json.dumps([h.to_dict() for h in hits], indent=2, ensure_ascii=False)


def known_sources(kg) -> list[str]:
    conn = open_index(kg)
    return [s for (s,) in conn.execute("SELECT DISTINCT source FROM resources WHERE source IS NOT NULL ORDER BY 1")]


def _type_iris(conn, types) -> list[str]:
    """Each requested type as the class IRIs of the index it names; a name that names none is an error."""
    from .namespaces import expand

    present = [t for (t,) in conn.execute("SELECT DISTINCT type FROM types")]
    out = []
    for given in types:
        g = given.strip()
        full = expand(g) if ":" in g and not g.startswith("http") else g
        found = [t for t in present if t == full or _local(t).casefold() == g.casefold()]
        if not found:
            main_types = conn.execute("SELECT DISTINCT type FROM resources WHERE type IS NOT NULL")
            common = sorted({_local(t) for (t,) in main_types})
            raise QueryError(f"no resource in the graph has type {shown(given)}",
                             hint="types with resources: " + ", ".join(common[:30]))
        out += found
    return out


def _local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
