"""Does a second engine give the embedded engine's rows? Every catalog case run on the embedded store and on a SPARQL
endpoint holding the same build (``airm push``), compared as sorted multisets of rows (issue 17, benchmarks/scale.py's
``virtuoso`` step). Each case ends as one of: same, different, refused, timeout, or not compared (the embedded
engine itself did not finish)."""

from __future__ import annotations

import time
from collections import Counter

from airm import catalog
from airm.engines import run_stored
from airm.errors import QueryError, QueryTimeout
from airm.skolem import GENID
from airm.sparql.client import EndpointTimeout, PartialAnswer

# what Virtuoso says when its MaxQueryExecutionTime ends a query (an HTTP 500, not a partial answer: airm sends no
# `timeout` parameter, so Virtuoso does not answer "anytime")
_TIMEOUT_WORDS = ("timed out", "timeout", "S1T00", "SR171")


def _cell(term) -> str:
    """A cell as its text, as tests/test_virtuoso.py compares them (a COUNT typed xsd:int by one engine and
    xsd:integer by the other is the same number); a blank node (embedded) and its skolem IRI (on the store) both
    read as one blank."""
    text = str(term)
    if getattr(term, "type", None) == "bnode" or text.startswith(GENID):
        return "[blank]"
    return text


def row_multiset(result) -> Counter:
    """A SELECT answer as a multiset of rows (order ignored); CONSTRUCT as a multiset of triples."""
    if result.kind == "select":
        return Counter(tuple(sorted((v, _cell(t)) for v, t in row.items())) for row in result.rows)
    if result.kind == "ask":
        return Counter([("boolean", bool(result.boolean))])
    return Counter(tuple(_cell(t) for t in triple) for triple in result.triples)


def _timed(run) -> tuple[str, object, float]:
    """("ok", answer) or ("timeout"|"refused"|"partial", message), with wall milliseconds."""
    t = time.perf_counter()
    try:
        out = ("ok", run())
    except (QueryTimeout, EndpointTimeout) as e:
        out = ("timeout", str(e))
    except PartialAnswer as e:
        out = ("partial", str(e))
    except QueryError as e:
        text = str(e)
        out = ("timeout" if any(w.lower() in text.lower() for w in _TIMEOUT_WORDS) else "refused", text)
    return out[0], out[1], round((time.perf_counter() - t) * 1000, 1)


def compare_case(kg, name: str, params: dict, endpoint: str, timeout: float) -> dict:
    """One catalog case on both engines: its status, rows and milliseconds on each."""
    q = catalog.get(name)
    bound = catalog.bind_params(kg, q, dict(params))
    kind, local, local_ms = _timed(lambda: run_stored(kg, q, bound, engine="oxigraph", timeout=timeout))
    rkind, remote, remote_ms = _timed(lambda: run_stored(kg, q, bound, endpoint=endpoint, timeout=timeout))
    fig: dict = {"embedded_ms": local_ms, "remote_ms": remote_ms}
    if kind == "ok":
        fig["embedded_rows"] = _size(local)
    if rkind == "ok":
        fig["remote_rows"] = _size(remote)
    if rkind != "ok":
        fig["status"], fig["message"] = ("refused" if rkind == "partial" else rkind), remote[:300]
    elif kind != "ok":
        fig["status"] = "not compared"
        fig["message"] = f"embedded: {local[:200]}"
    else:
        fig["status"] = "same" if row_multiset(local) == row_multiset(remote) else "different"
    return fig


def _size(result) -> int:
    return len(result.rows) if result.kind == "select" else len(result.triples) if result.kind != "ask" else 1


def compare_catalog(kg, endpoint: str, timeout: float, say=lambda _m: None, restart=None) -> dict:
    """Every catalog case, in catalog order, keyed ``"NAME (CASE)"``. ``restart()`` gives a fresh server's URL
    after a case the store did not finish: Virtuoso 7.2 keeps working on such a query past its own time limit (in its
    SQL compiler, which the limit does not reach), and every later query waits behind it."""
    out = {}
    for name, q in sorted(catalog.catalog().items()):
        for case, params in q.cases():
            fig = compare_case(kg, name, params, endpoint, timeout)
            out[f"{name} ({case})"] = fig
            if fig["status"] == "timeout" and restart is not None:
                endpoint = restart()
                fig["restarted"] = True
            say(f"{name} ({case}): {fig['status']} {fig.get('embedded_rows', '-')}/{fig.get('remote_rows', '-')} "
                f"rows, {fig['embedded_ms']:.0f}/{fig['remote_ms']:.0f} ms")
    return out


def tally(cases: dict) -> dict:
    return dict(Counter(c["status"] for c in cases.values()))
