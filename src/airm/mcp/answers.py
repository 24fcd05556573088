"""Every tool's answer: structured content (rows, what each parameter resolved to, evidence per mitigation-risk
link, whether the rows were cut) and a short text saying the same. Runs in the worker process on its graph.

Parameters go through the catalog's own resolution (``catalog.bind_params``); when a value does not resolve to
exactly one resource, the answer is the candidates, never a guess.
"""

from __future__ import annotations

import difflib

from .. import catalog
from ..errors import QueryError
from ..namespaces import curie, expand
from .evidence import link_evidence
from .tools import PROPOSALS_ARG, RESOLVE_KINDS, ROWS_ARG, SEARCH_SCOPES

TEXT_ROWS = 10  # rows repeated in the text part; the structured part has them all


class Unresolved(Exception):
    """A parameter value that names no resource, or several: carries the candidates to offer instead."""

    def __init__(self, entries: list[dict]):
        super().__init__("; ".join(e["message"] for e in entries))
        self.entries = entries


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
        lines += [f"  - {c['curie']}  {c.get('label') or ''}".rstrip() for c in e["candidates"]]
    lines.append("Nothing was run: call again with one of the candidates (its CURIE), or rephrase.")
    return {"structured": {"error": "unresolved parameter", "unresolved": entries}, "text": "\n".join(lines),
            "error": True}


# --- parameters -------------------------------------------------------------------------------------------------

def _label(kg, iri: str) -> str | None:
    from ..labels import label_of

    return label_of(kg.store, iri)


def candidates(kg, p: catalog.Param, text: str, n: int = 8) -> list[dict]:
    """The resources ``text`` might mean for ``p``: every exact match when it is ambiguous (``match: exact``), else
    the closest labels (``match: close``). Reads the same label table as ``catalog.resolve_resource``."""
    cls_iri = (expand(p.cls) or p.cls) if p.cls else "http://www.w3.org/2004/02/skos/core#Concept"
    rows = catalog._candidate_rows(kg, cls_iri)
    if p.scheme:
        members = catalog._scheme_members(kg, expand(p.scheme) or p.scheme)
        rows = [r for r in rows if r[0] in members]
    key = catalog._norm(str(text))
    found = sorted({x for x, label, _k in rows if catalog._norm(label) == key})
    match = "exact"
    if not found:
        match = "close"
        by_label: dict[str, str] = {}
        for x, label, _k in rows:
            by_label.setdefault(catalog._norm(label), x)
        close = difflib.get_close_matches(key, list(by_label), n=n, cutoff=0.5)
        close += [k for k in by_label if key in k and k not in close]
        found = list(dict.fromkeys(by_label[k] for k in close))
    return [{"iri": x, "curie": curie(x), "label": _label(kg, x), "match": match} for x in found[:n]]


def resolve_params(kg, q: catalog.StoredQuery, given: dict) -> dict:
    """What each parameter resolved to (given or default), raising ``Unresolved`` with candidates for any
    resource parameter that names no resource or several."""
    resolved, problems = {}, []
    for p in q.params.values():
        value = given.get(p.name)
        is_default = value is None
        if is_default:
            value = p.default
        if value is None:
            continue
        entry = {"given": value, "default": is_default}
        if p.type == "resource":
            try:
                iri = catalog.resolve_resource(kg, p, str(value))
            except QueryError as e:
                problems.append({"param": p.name, "given": value, "message": e.message,
                                 "candidates": candidates(kg, p, str(value))})
                continue
            entry.update(iri=iri, curie=curie(iri), label=_label(kg, iri))
        elif p.type == "iri":
            iri = catalog._as_iri(str(value))
            if iri is not None:
                entry.update(iri=iri, curie=curie(iri), label=_label(kg, iri))
        resolved[p.name] = entry
    if problems:
        raise Unresolved(problems)
    return resolved


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
    from ..engines import run_stored

    q = catalog.get(name)
    limit = int(args.get(ROWS_ARG) or limit)
    with_proposals = bool(args.get(PROPOSALS_ARG, False)) and PROPOSALS_ARG not in q.params
    given = {k: v for k, v in args.items() if k in q.params and v is not None}
    resolved = resolve_params(kg, q, given)
    bound = catalog.bind_params(kg, q, given)
    result = run_stored(kg, q, bound, timeout=timeout, limit=limit, with_proposals=with_proposals)
    catalog.annotate(kg, q, bound, result, with_proposals=with_proposals, timeout=timeout, limit=limit)
    narrow = ("Narrow it with " + ", ".join(q.params) + f", or raise {ROWS_ARG}.") if q.params \
        else f"Raise {ROWS_ARG}, or use a query with parameters."
    return result_answer(kg, result, query=name, title=q.title, resolved=resolved, limit=limit, narrow=narrow,
                         timeout=timeout)


def result_answer(kg, result, *, query: str | None, title: str, resolved: dict, limit: int, narrow: str,
                  timeout: float) -> dict:
    structured: dict = {"query": query, "kind": result.kind, "resolved": resolved}
    lines = [title]
    for name, r in resolved.items():
        shown = f"{r['curie']} ({r['label']})" if r.get("curie") and r.get("label") else r.get("curie") or r["given"]
        lines.append(f"{name} = {shown}" + (" [default]" if r["default"] else f" [from {r['given']!r}]"))
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
        links = link_evidence(kg, result, timeout=timeout)
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
    """Keyword search. The seam for a full-text index: ``search_backend`` picks what answers; today the stored
    substring queries do."""
    scope = args.get("scope") or "mitigations"
    if scope not in SEARCH_SCOPES:
        raise QueryError(f"scope must be one of {', '.join(SEARCH_SCOPES)}, not {scope!r}")
    backend = search_backend(kg)
    return backend(kg, scope, str(args["keyword"]), timeout=timeout, limit=int(args.get(ROWS_ARG) or limit))


def search_backend(kg):
    """The search in use: a full-text index, where the graph has one, would be returned here; until then the
    stored ``search-*`` queries (case-insensitive substring, label matches first)."""
    return _stored_search


def _stored_search(kg, scope: str, keyword: str, *, timeout: float, limit: int) -> dict:
    out = stored(kg, SEARCH_SCOPES[scope], {"keyword": keyword, ROWS_ARG: limit}, timeout=timeout, limit=limit)
    out["structured"]["backend"] = "stored query " + SEARCH_SCOPES[scope]
    return out


def _kind_param(kind: str) -> list[tuple[str, catalog.Param]]:
    kinds = RESOLVE_KINDS if kind in (None, "", "any") else {kind: RESOLVE_KINDS.get(kind)}
    if None in kinds.values():
        raise QueryError(f"kind must be 'any' or one of {', '.join(RESOLVE_KINDS)}, not {kind!r}")
    return [(k, catalog.Param(name="text", type="resource", description=k, cls=c)) for k, c in kinds.items()]


def lookup(kg, text: str, kind: str) -> tuple[list[dict], list[dict]]:
    """(exact, close): every resource ``text`` names exactly (a code, label or CURIE) among the kinds asked, and
    labels close to it. One exact match means resolved; several mean ambiguous (a code such as 2.2 is a risk
    domain and a mitigation category)."""
    exact: dict[str, dict] = {}
    close: dict[str, dict] = {}
    for k, p in _kind_param(kind):
        try:
            iri = catalog.resolve_resource(kg, p, text)
        except QueryError:
            for c in candidates(kg, p, text):
                (exact if c["match"] == "exact" else close).setdefault(c["iri"], dict(c, kind=k))
            continue
        exact.setdefault(iri, {"iri": iri, "curie": curie(iri), "label": _label(kg, iri), "match": "exact", "kind": k})
    return list(exact.values()), [c for iri, c in close.items() if iri not in exact]


def resolve(kg, args: dict, *, timeout: float, limit: int) -> dict:
    text, kind = str(args["text"]).strip(), args.get("kind") or "any"
    exact, close = lookup(kg, text, kind)
    if len(exact) == 1:
        m = exact[0]
        return {"structured": {"text": text, "resolved": m, "candidates": []},
                "text": f"{text!r} is {m['curie']} ({m['label']}), a {m['kind']}", "error": False}
    offered = exact if exact else close
    message = f"{text!r} names " + (f"{len(exact)} resources" if exact else "no resource") \
        + ("" if kind == "any" else f" of kind {kind}")
    out = unresolved_answer([{"param": "text", "given": text, "message": message, "candidates": offered}])
    out["structured"].update(text=text, resolved=None, candidates=offered)
    return out


def describe(kg, args: dict, *, timeout: float, limit: int) -> dict:
    from ..server.records import exists, record

    text, kind = str(args["entity"]).strip(), args.get("kind") or "any"
    iri = catalog._as_iri(text)
    if iri is None or not exists(kg, iri):
        exact, close = lookup(kg, text, kind)
        if len(exact) != 1:
            message = f"{text!r} names " + (f"{len(exact)} resources" if exact else "no resource in the graph")
            raise Unresolved([{"param": "entity", "given": text, "message": message, "candidates": exact or close}])
        iri = exact[0]["iri"]
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
