"""Every tool's answer: structured content (rows, what each parameter resolved to, evidence per mitigation-risk
link, whether the rows were cut) and a short text saying the same. Runs in the worker process on its graph.

Parameters go through the catalog's own resolution (``catalog.bind_params``, ranked by ``airm.resolve``); when a
value does not resolve to exactly one resource, the answer is the candidates, never a guess (see ``resolving``).
"""

from __future__ import annotations

import sqlite3

from .. import answers, catalog, textindex
from ..engines import run_stored
from ..errors import QueryError
from ..namespaces import curie
from ..search import search as full_text
from ..server.records import exists, record
from .evidence import link_evidence
from .resolving import Unresolved, bind, lookup
from .tools import PROPOSALS_ARG, ROWS_ARG, SEARCH_SCOPES

TEXT_ROWS = 10  # rows repeated in the text part; the structured part has them all


def answer(kg, tool: str, args: dict, *, timeout: float, limit: int, query: str | None = None) -> dict:
    """``{"structured": ..., "text": ..., "error": bool}`` for one call; airm's refusals become error answers."""
    try:
        if query is not None:
            return stored(kg, query, args, timeout=timeout, limit=limit)
        handler = {"search": search, "describe": describe, "resolve": resolve, "sparql": sparql}[tool]
        return handler(kg, args, timeout=timeout, limit=limit)
    except Unresolved as e:
        return unresolved_answer(e.entries)
    except QueryError as e:
        hint = e.hint if e.hint and "--allow-service" not in e.hint else None  # the CLI's way out is not ours
        return error_answer(e.message, hint)


def error_answer(message: str, hint: str | None = None, **extra) -> dict:
    structured = {"error": message, **({"hint": hint} if hint else {}), **extra}
    return {"structured": structured, "text": message + (f"\nhint: {hint}" if hint else ""), "error": True}


def unresolved_answer(entries: list[dict]) -> dict:
    lines = []
    for e in entries:
        lines.append(e["message"])
        lines += _candidate_lines(e["candidates"])
    lines.append("Nothing was run: call again with one of the candidates (its CURIE), or rephrase.")
    return {"structured": {"error": "unresolved parameter", "unresolved": entries}, "text": "\n".join(lines),
            "error": True}


# --- rows -------------------------------------------------------------------------------------------------------

def _cell(term):
    if term is None:
        return None
    return term.value if term.type != "literal" else term.to_python()


def rows_of(result) -> list[dict]:
    return [{v: _cell(row.get(v)) for v in result.variables if row.get(v) is not None} for row in result.rows]


def _cut_note(result, limit: int, narrow: str) -> str | None:
    if not result.truncated:
        return None
    what = "triples" if result.kind == "construct" else "rows"
    return f"The result was cut at {limit} {what}: there are more. {narrow}"


def _shown(value) -> str:
    if isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
        return curie(value)
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _text_table(rows: list[dict], columns: list[str]) -> list[str]:
    out = []
    for row in rows[:TEXT_ROWS]:
        out.append("- " + "; ".join(f"{c}={_shown(row[c])}" for c in columns if c in row))
    if len(rows) > TEXT_ROWS:
        out.append(f"... {len(rows) - TEXT_ROWS} more rows in the structured content")
    return out


def stored(kg, name: str, args: dict, *, timeout: float, limit: int) -> dict:
    """Run stored query ``name`` with the tool's arguments, the way ``airm query run`` does."""
    q = catalog.get(name)
    limit = int(args.get(ROWS_ARG) or limit)
    with_proposals = bool(args.get(PROPOSALS_ARG, False)) and PROPOSALS_ARG not in q.params
    given = {k: v for k, v in args.items() if k in q.params and v is not None}
    bound, resolved = bind(kg, q, given)
    result = run_stored(kg, q, bound, timeout=timeout, limit=limit, with_proposals=with_proposals)
    answers.annotate(kg, q, bound, result, with_proposals=with_proposals, timeout=timeout, limit=limit)
    narrow = ("Narrow it with " + ", ".join(q.params) + f", or raise {ROWS_ARG}.") if q.params \
        else f"Raise {ROWS_ARG}, or use a query with parameters."
    # a query that folds its evidence into one row per mitigation: the links come from its long form
    evidence = None if q.long is None else run_stored(kg, catalog.long_form(q), bound, timeout=timeout, limit=limit,
                                                      with_proposals=with_proposals)
    return result_answer(kg, result, query=name, title=q.title, resolved=resolved, limit=limit, narrow=narrow,
                         timeout=timeout, evidence=evidence)


def result_answer(kg, result, *, query: str | None, title: str, resolved: dict, limit: int, narrow: str,
                  timeout: float, evidence=None) -> dict:
    """The tool's answer: structured content and text; ``evidence``, when given, is the result the mitigation-risk
    links are read from (the long form of a query whose rows fold them)."""
    structured: dict = {"query": query, "kind": result.kind, "resolved": resolved}
    lines = [title]
    for name, r in resolved.items():
        shown = f"{r['curie']} ({r['label']})" if r.get("curie") and r.get("label") else r.get("curie") or r["given"]
        how = " - by near spelling only, check it" if r.get("how") == "fuzzy" else ""
        lines.append(f"{name} = {shown}" + (" [default]" if r["default"] else f" [from {r['given']!r}]{how}"))
    if result.kind == "ask":
        structured["boolean"] = bool(result.boolean)
        lines.append(f"answer: {'yes' if result.boolean else 'no'}")
    elif result.kind == "construct":
        triples = [[t.value for t in triple] for triple in result.triples]
        structured.update(triples=triples, count=len(triples), truncated=result.truncated)
        lines.append(f"{len(triples)} triples")
        lines += ["- " + " ".join(curie(t.value) if t.type == "uri" else _shown(t.value) for t in triple)
                  for triple in result.triples[:TEXT_ROWS]]
    else:
        rows = rows_of(result)
        structured.update(columns=list(result.variables), rows=rows, count=len(rows), truncated=result.truncated)
        links = link_evidence(kg, evidence if evidence is not None else result, timeout=timeout)
        if links is not None:
            structured["links"] = links
        lines.append(f"{len(rows)} row(s)" + (f"; {len(links)} mitigation-risk link(s) with their evidence "
                                               "in 'links'" if links else ""))
        lines += _text_table(rows, [c for c in result.variables if c not in resolved])
    cut = _cut_note(result, limit, narrow)
    if cut:
        structured["truncation"] = cut
        lines.append(cut)
    notes = list(getattr(result, "notes", []) or [])
    if notes:
        structured["notes"] = notes
        lines += [f"note: {n}" for n in notes]
    return {"structured": structured, "text": "\n".join(lines), "error": False}


# --- the fixed tools --------------------------------------------------------------------------------------------

def search(kg, args: dict, *, timeout: float, limit: int) -> dict:
    """Keyword search: ``search_backend`` picks what answers (the full-text index, else the stored queries)."""
    scope = args.get("scope") or "mitigations"
    if scope not in SEARCH_SCOPES:
        raise QueryError(f"scope must be one of {', '.join(SEARCH_SCOPES)}, not {scope!r}")
    backend = search_backend(kg)
    return backend(kg, scope, str(args["keyword"]), timeout=timeout, limit=int(args.get(ROWS_ARG) or limit))


SCOPE_TYPES = {"mitigations": "airm:Mitigation", "resources": None}  # what each search scope keeps


def search_backend(kg):
    """The search in use: airm's full-text index (stemmed, ranked, with snippets), or, where it cannot be opened
    (an SQLite without FTS5), the stored ``search-*`` queries (case-insensitive substring, label matches first)."""

    try:
        textindex.open_index(kg)
    except (ImportError, sqlite3.Error):
        return _stored_search
    return _index_search


def _index_search(kg, scope: str, keyword: str, *, timeout: float, limit: int) -> dict:
    hits = full_text(kg, keyword, types=SCOPE_TYPES[scope], limit=limit + 1)  # one more tells a cut result
    cut = len(hits) > limit
    rows = [dict(h.to_dict(), curie=curie(h.iri)) for h in hits[:limit]]
    structured = {"query": None, "backend": "full-text index", "scope": scope, "count": len(rows), "rows": rows,
                  "truncated": cut}
    lines = [f"Search {scope} for {keyword!r}: {len(rows)} hit(s), best first"]
    for h in rows[:TEXT_ROWS]:
        lines += [f"- {h['curie']}  {h['label'] or ''}  [{h['source'] or '?'}]", f"    {h['snippet']}"]
    if len(rows) > TEXT_ROWS:
        lines.append(f"... {len(rows) - TEXT_ROWS} more hits in the structured content")
    if cut:
        structured["truncation"] = f"The hits were cut at {limit}: there are more. Add words, or raise {ROWS_ARG}."
        lines.append(structured["truncation"])
    return {"structured": structured, "text": "\n".join(lines), "error": False}


def _stored_search(kg, scope: str, keyword: str, *, timeout: float, limit: int) -> dict:
    out = stored(kg, SEARCH_SCOPES[scope], {"keyword": keyword, ROWS_ARG: limit}, timeout=timeout, limit=limit)
    out["structured"]["backend"] = "stored query " + SEARCH_SCOPES[scope]
    return out


def _candidate_lines(offered: list[dict]) -> list[str]:
    return [f"  - {c['curie']}  {c.get('label') or ''}" + (f"  ({'; '.join(c['schemes'])})" if c.get("schemes") else "")
            + (f"  code {', '.join(c['codes'])}" if c.get("codes") else "") for c in offered]


def _not_one(text: str, kind: str, offered: list[dict], how: str) -> str:
    where = "" if kind == "any" else f" of kind {kind}"
    if offered and how in ("iri", "code", "label", "alt", "prefix", "words"):
        return f"{text!r} names {len(offered)} resources{where} equally well (by {how})"
    return f"{text!r} names no resource{where}" + ("; the closest are below" if offered else "")


def resolve(kg, args: dict, *, timeout: float, limit: int) -> dict:
    text, kind = str(args["text"]).strip(), args.get("kind") or "any"
    best, offered, how = lookup(kg, text, kind)
    if best is not None:
        warn = " - by near spelling only, check it" if how == "fuzzy" else ""
        return {"structured": {"text": text, "resolved": best, "how": how, "candidates": []},
                "text": f"{text!r} is {best['curie']} ({best['label']}), a {best['kind']} (by {how}){warn}",
                "error": False}
    message = _not_one(text, kind, offered, how)
    out = unresolved_answer([{"param": "text", "given": text, "message": message, "candidates": offered}])
    out["structured"].update(text=text, resolved=None, how=how, candidates=offered)
    return out


def describe(kg, args: dict, *, timeout: float, limit: int) -> dict:
    text, kind = str(args["entity"]).strip(), args.get("kind") or "any"
    try:
        iri = catalog.coerce(kg, catalog.Param(name="entity", type="iri", description="entity"), text).value
    except QueryError:
        iri = None
    if iri is None or not exists(kg, iri):
        best, offered, how = lookup(kg, text, kind)
        if best is None:
            raise Unresolved([{"param": "entity", "given": text, "message": _not_one(text, kind, offered, how),
                               "candidates": offered}])
        iri = best["iri"]
    rec = record(kg, iri, timeout=timeout, limit=limit)
    structured = record_json(rec)
    lines = [f"{structured['curie']}: {structured.get('label') or ''}",
             "types: " + ", ".join(curie(t) for t in structured["types"])]
    lines += [f"description ({', '.join(d['sources'])}): {d['text'][:300]}" for d in structured["descriptions"][:2]]
    for st in structured["statements"][:15]:
        shown = [f"{v.get('label') or curie(str(v['value']))} [{', '.join(v['sources'])}]" for v in st["values"][:5]]
        lines.append(f"{st['predicate']}: " + "; ".join(shown))
    return {"structured": structured, "text": "\n".join(lines), "error": False}


def record_json(rec: dict) -> dict:
    """The server's page record as JSON: every value with its label and the sources that state it."""
    labels = rec["labels"]

    def value(term):
        label = {"label": labels[term.value]} if term.value in labels else {}
        return {"value": term.value, "type": term.type, **label}

    return {
        "iri": rec["iri"], "curie": rec["curie"], "label": rec["label"],
        "types": [t.value for t in rec["types"]],
        "descriptions": [{"text": d.value, "sources": [s]} for d, s in rec["descriptions"]],
        "identifiers": rec["identifiers"],
        "statements": [{"predicate": curie(s["predicate"].value),
                        "values": [dict(value(v["term"]), sources=v["sources"],
                                        **({"items": [value(i) for i in v["items"]]} if v["items"] else {}))
                                   for v in s["values"]]} for s in rec["statements"]],
        "incoming": [{"predicate": curie(r["predicate"].value), "more": r["more"],
                      "subjects": [dict(value(e["term"]), sources=e["sources"]) for e in r["subjects"]]}
                     for r in rec["incoming"]],
        "incomingTruncated": rec["incoming_truncated"],
    }


def sparql(kg, args: dict, *, timeout: float, limit: int) -> dict:
    """Read-only SPARQL under the CLI's refusals (updates, SERVICE, unparseable), deadline and row cap."""
    limit = int(args.get(ROWS_ARG) or limit)
    result = kg.sparql(str(args["query"]), timeout=timeout, limit=limit)
    return result_answer(kg, result, query=None, title="SPARQL query", resolved={}, limit=limit,
                         narrow=f"Add a LIMIT or FILTER, or raise {ROWS_ARG}.", timeout=timeout)
