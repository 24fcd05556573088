"""Any SPARQL 1.1 store as an engine: queries over the SPARQL 1.1 Protocol, a build pushed with one SPARQL 1.1
Update request.

Queries: the same stored text as the embedded engines, sent with ``POST application/sparql-query``; SELECT and ASK
come back as SPARQL JSON, CONSTRUCT and DESCRIBE as N-Triples (or Turtle), and both become the same ``QueryResult``
the other engines return, so every output format works.

Parameters are bound, never pasted: a ``VALUES (?p ...) { (term ...) }`` block goes in at the start of the query's
WHERE group, each term written by pyoxigraph (N-Triples syntax with escaping), so a value is always one RDF term
and cannot change the query around it. A remote engine evaluates bottom-up, so a parameter is only guaranteed to be
bound before use where the top-level group sees the VALUES block; ``check_values_binding`` refuses (with a clear
error) a query that uses a parameter in a FILTER, BIND or OPTIONAL condition of a nested group that does not bind
it itself, where the endpoint's answer could differ from the embedded engine's.

Push: one SPARQL Update request replaces each named graph of the build (ontology, data, imports, entailments),
blank nodes skolemised, and drops what airm has there that the build does not (``airm.store_layout``): all or nothing
on a store that runs an update request as one transaction, as Oxigraph does; the store is counted afterwards, and a
push that raced another is sent again. Pushing again is idempotent. ``graph=IRI`` puts the union into one graph,
``graph="default"`` into the store's default graph (which every store queries).
"""

from __future__ import annotations

import functools
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from .errors import QueryError, QuerySyntaxError, QueryTimeout
from .results import RDF_LANGSTRING, XSD_STRING, QueryResult, Term, term_from_ox

ACCEPT_RESULTS = "application/sparql-results+json, application/json;q=0.5"
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"
DEFAULT_PUSH_TIMEOUT = 120.0
_CHUNK = 1 << 16
MAX_ANSWER_BYTES = 512 * 1024 * 1024  # an answer past this is refused rather than held in memory
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


class EndpointError(QueryError):
    """A SPARQL endpoint or graph store that cannot be reached, refused a request or answered something unusable."""


class EndpointTimeout(QueryTimeout, EndpointError):
    """A SPARQL endpoint or graph store did not answer in time."""


# --- URLs ---------------------------------------------------------------------------------------------------------

def check_url(url: str, *, option: str = "--endpoint") -> str:
    """An http(s) URL with a host; anything else (file:, ftp:, a bare host) is refused before any request."""
    if not isinstance(url, str) or not url.strip():
        raise EndpointError(f"{option} needs a URL", hint="e.g. http://127.0.0.1:7878/query")
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is no number, as a request would later
    except ValueError:  # an unclosed IPv6 bracket, a port that is no number
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{option} {url!r} is not an http:// or https:// URL",
                            hint="give the full URL of the SPARQL endpoint, e.g. http://127.0.0.1:7878/query")
    return url


def default_update_url(endpoint: str) -> str:
    """Oxigraph's layout: SPARQL Update at BASE/update beside BASE/query."""
    return _beside_query(endpoint, "update", "--update", "the SPARQL Update URL",
                         "Oxigraph BASE/update, Fuseki BASE/DATASET/update, GraphDB BASE/repositories/REPO/statements")


def _beside_query(endpoint: str, leaf: str, option: str, what: str, examples: str) -> str:
    parts = urllib.parse.urlsplit(check_url(endpoint))
    path = parts.path.rstrip("/")
    if not path.endswith("/query"):
        raise EndpointError(f"cannot tell {what} of {endpoint!r}", hint=f"give it with {option}, e.g. {examples}")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path[: -len("query")] + leaf, "", ""))


# --- HTTP ---------------------------------------------------------------------------------------------------------

class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"{req.full_url} redirected to {newurl!r}, which is not http(s): refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@functools.cache
def _opener(loopback: bool):
    handlers = [_HttpOnlyRedirects()]
    if loopback:  # a proxy cannot reach this machine's loopback: never send such requests through one
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


@dataclass
class _Response:
    status: int
    content_type: str
    body: bytes


def _request(method: str, url: str, *, data: bytes | None, headers: dict, timeout: float, what: str) -> _Response:
    """One HTTP request under a total deadline: connecting, waiting and reading all count against ``timeout``."""
    deadline = time.monotonic() + timeout
    req = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": "airm", **headers})
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    try:
        resp = _opener(host in _LOOPBACK).open(req, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise _http_error(e, url, what) from None
    except urllib.error.URLError as e:
        raise _network_error(e.reason, url, what, timeout) from None
    except (TimeoutError, socket.timeout) as e:
        raise _network_error(e, url, what, timeout) from None
    except (http.client.HTTPException, OSError) as e:
        raise _network_error(e, url, what, timeout) from None
    chunks, size = [], 0
    try:
        with resp:
            while True:
                if time.monotonic() > deadline:
                    raise EndpointTimeout(f"{what} {url} did not finish answering within {timeout:g} s",
                                          hint="narrow the query, or raise --timeout")
                chunk = resp.read1(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise EndpointError(f"{what} {url} answered more than {MAX_ANSWER_BYTES >> 20} MB",
                                        hint="narrow the query or add a LIMIT")
            status, ctype = resp.status, resp.headers.get("Content-Type", "")
            declared = resp.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) != size \
                and "chunked" not in resp.headers.get("Transfer-Encoding", "").lower():
            raise http.client.IncompleteRead(b"", int(declared) - size)  # read1() ends quietly at a short EOF
    except EndpointError:
        raise
    except http.client.IncompleteRead:
        raise EndpointError(f"{what} {url} cut its answer short (did the server time out while answering?)",
                            hint="narrow the query, or raise the server's own timeout") from None
    except (TimeoutError, socket.timeout) as e:
        raise _network_error(e, url, what, timeout) from None
    except (http.client.HTTPException, OSError) as e:
        raise _network_error(e, url, what, timeout) from None
    return _Response(status, ctype.split(";")[0].strip().lower(), b"".join(chunks))


def _http_error(e: urllib.error.HTTPError, url: str, what: str) -> EndpointError:
    try:
        body = e.read(4096).decode("utf-8", "replace")
    except Exception:
        body = ""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()][:5]
    message = " / ".join(lines)
    if len(message) > 500:
        message = message[:499] + "…"
    hint = None
    if e.code in (404, 405) and "update endpoint" in what:
        hint = "check the SPARQL Update URL (--update): Oxigraph BASE/update, Fuseki BASE/DATASET/update"
    elif e.code in (404, 405):
        hint = "check the endpoint URL: it must be the SPARQL query endpoint, e.g. Oxigraph BASE/query"
    elif e.code in (401, 403):
        hint = "the server refused access; airm does not send credentials"
    return EndpointError(f"{what} {url} answered HTTP {e.code} {e.reason}" + (f": {message}" if message else ""),
                         hint=hint)


def _network_error(reason, url: str, what: str, timeout: float) -> EndpointError:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return EndpointTimeout(f"{what} {url} did not answer within {timeout:g} s",
                               hint="narrow the query, or raise --timeout")
    if isinstance(reason, ConnectionRefusedError):
        return EndpointError(f"cannot reach {what} {url}: connection refused",
                             hint="is the server running, and is the host and port right?")
    if isinstance(reason, socket.gaierror):
        return EndpointError(f"cannot reach {what} {url}: unknown host", hint="check the host name in the URL")
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return EndpointError(f"cannot reach {what} {url}: {text}")


# --- query text: a small SPARQL tokenizer, enough to find the WHERE group -----------------------------------------

_PN_END = r"[^\s{}()\[\]<>,;\"'#^|/*+?!=&]*"
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>\#[^\n\r]*)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                  |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
      | (?P<name>[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*(?::""" + _PN_END + r""")?|:""" + _PN_END + r""")
      | (?P<punct>.)""",
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of every significant token; whitespace and comments dropped."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        out.append((kind, m.group(), m.start(), m.end()))
    return out


def _keyword(tok) -> str | None:
    return tok[1].upper() if tok[0] == "name" and ":" not in tok[1] else None


def query_form(text: str) -> str:
    """'select', 'ask' or 'construct' (CONSTRUCT and DESCRIBE) of a query, from its first form keyword."""
    depth = 0
    for tok in _tokens(text):
        if tok[1] == "{":
            depth += 1
        elif tok[1] == "}":
            depth -= 1
        elif depth == 0 and _keyword(tok) in _FORMS:
            k = _keyword(tok).lower()
            return "construct" if k in ("construct", "describe") else k
    raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")


def _matching(toks, i: int) -> int:
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][1] == "{":
            depth += 1
        elif toks[j][1] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise QueryError("unbalanced braces in the query")


def _where_group(text: str) -> tuple[int, int]:
    """Indexes, in the token list, of the braces that open and close the query's WHERE group."""
    toks = _tokens(text)
    i = next((k for k, t in enumerate(toks) if _keyword(t) in _FORMS), None)
    if i is None:
        raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query")
    j = i + 1
    if _keyword(toks[i]) == "CONSTRUCT":
        if j < len(toks) and _keyword(toks[j]) == "WHERE":
            raise QueryError("a CONSTRUCT WHERE { } short form cannot take parameters on an endpoint",
                             hint="write the template out: CONSTRUCT { ... } WHERE { ... }")
        if j >= len(toks) or toks[j][1] != "{":
            raise QueryError("CONSTRUCT needs a { template }")
        j = _matching(toks, j) + 1
    parens = 0
    for k in range(j, len(toks)):
        t = toks[k][1]
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == "{" and parens == 0:
            return k, _matching(toks, k)
    raise QueryError("the query has no WHERE { } group")


def values_block(bound: dict) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` with every term written by pyoxigraph (escaped N-Triples syntax)."""
    import pyoxigraph as ox

    names, terms = [], []
    for name, term in sorted(bound.items()):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(name)):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise QueryError(f"parameter {name!r} must be an IRI or a literal to be sent to an endpoint, not {term!r}")
        names.append("?" + name)
        terms.append(str(term))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def bind_values(text: str, bound: dict, *, verify: bool = True) -> str:
    """The query with its parameters bound by a VALUES block at the start of the WHERE group (text otherwise kept).

    ``verify=False`` skips re-parsing the rewritten text (the local engine parses it anyway)."""
    if not bound:
        return text
    check_values_binding(text, set(bound))
    toks = _tokens(text)
    open_i, close_i = _where_group(text)
    block = values_block(bound)
    start, end = toks[open_i][3], toks[close_i][2]
    first = toks[open_i + 1] if open_i + 1 < close_i else None
    if first is not None and _keyword(first) == "SELECT":  # WHERE { SELECT ... }: a sub-select must stay alone
        rewritten = text[:start] + f" {block} {{" + text[start:end] + "} " + text[end:]
    else:
        rewritten = text[:start] + f" {block}\n" + text[start:]
    if verify:
        _check_parses(rewritten)
    return rewritten


def _check_parses(text: str) -> None:
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as e:  # the original parsed (check_values_binding): this is airm's fault, say so
        raise QueryError(f"binding the parameters produced a query that does not parse ({e})",
                         hint="run the query on the embedded engine, and report this as a bug") from None


# --- is VALUES-at-the-start equivalent to binding before evaluation? ------------------------------------------------

def _algebra(text: str):
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return translateQuery(parseQuery(text)).algebra
    except Exception as e:
        raise QuerySyntaxError(f"SPARQL syntax error: {e}") from None


def _variables(node, out: set, _seen=None) -> set:
    from rdflib.term import Variable

    _seen = _seen if _seen is not None else set()
    if id(node) in _seen:
        return out
    _seen.add(id(node))
    if isinstance(node, Variable):
        out.add(str(node))
    elif isinstance(node, dict):
        for k, v in node.items():
            if not str(k).startswith("_"):
                _variables(v, out, _seen)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for v in node:
            _variables(v, out, _seen)
    return out


def _certain(node) -> set:
    """Variables a pattern binds in every solution (a safe under-estimate)."""
    from rdflib.term import Variable

    name = getattr(node, "name", None)
    if name == "BGP":
        return {str(x) for t in node.triples for x in t if isinstance(x, Variable)}
    if name == "Join":
        return _certain(node.p1) | _certain(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _certain(node.p1)
    if name == "Union":
        return _certain(node.p1) & _certain(node.p2)
    if name in ("Filter", "Extend", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet"):
        return _certain(node.p)
    if name == "Graph":
        return _certain(node.p) | ({str(node.term)} if isinstance(node.term, Variable) else set())
    if name == "Project":
        return {str(v) for v in node.PV} & _certain(node.p)
    if name == "values":
        rows = node.res or []
        return set.intersection(*({str(v) for v, t in r.items() if t is not None} for r in rows)) if rows else set()
    return set()


def _unsafe(node, top: bool, params: set, found: list) -> None:
    name = getattr(node, "name", None)
    if name is None:
        return

    def check(expr, bound_here: set, what: str):
        if top:
            return
        for v in sorted((_variables(expr, set()) & params) - bound_here):
            found.append((v, what))

    if name in ("SelectQuery", "ConstructQuery", "AskQuery", "DescribeQuery"):
        _unsafe(node.p, True, params, found)
    elif name in ("Project", "Distinct", "Reduced", "Slice", "ToMultiSet", "Group", "AggregateJoin", "OrderBy"):
        _unsafe(node.p, top, params, found)
    elif name == "Filter":
        check(node.expr, _certain(node.p), "a FILTER")
        _unsafe(node.p, top, params, found)
    elif name == "Extend":
        check(node.expr, _certain(node.p), "a BIND")
        _unsafe(node.p, top, params, found)
    elif name == "LeftJoin":
        check(node.expr, _certain(node.p1) | _certain(node.p2), "an OPTIONAL's FILTER")
        _unsafe(node.p1, top, params, found)
        _unsafe(node.p2, False, params, found)
    elif name in ("Join", "Minus"):
        _unsafe(node.p1, top, params, found)
        _unsafe(node.p2, False, params, found)
    elif name == "Union":
        _unsafe(node.p1, False, params, found)
        _unsafe(node.p2, False, params, found)
    elif name == "Graph":
        _unsafe(node.p, False, params, found)


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=512)
def _unsafe_uses(text: str, params: frozenset) -> tuple:
    found: list = []
    _unsafe(_algebra(text), True, set(params), found)
    return tuple(found)


def check_values_binding(text: str, params: set) -> None:
    """Refuse a query whose parameter an endpoint would see unbound where the embedded engine sees it bound."""
    found = _unsafe_uses(text, frozenset(params))
    if found:
        var, what = found[0]
        raise QueryError(
            f"parameter ?{var} is used in {what} inside a nested group ({{ }}, UNION, OPTIONAL or a sub-query) "
            "that does not bind it; a SPARQL endpoint evaluates that group before the parameter is bound",
            hint=f"bind ?{var} in that group with a triple pattern, or move the FILTER/BIND to the top level "
                 "(or run the query on the embedded engine)",
        )


# --- running queries ------------------------------------------------------------------------------------------------

def run_query(url: str, text: str, bound: dict | None = None, *, timeout: float = 30.0, limit: int = 100_000,
              kind: str | None = None) -> QueryResult:
    """Send ``text`` (with ``bound`` parameters as a VALUES block) to the SPARQL endpoint ``url``."""
    url = check_url(url)
    kind = kind or query_form(text)
    text = bind_values(text, bound or {})
    accept = ACCEPT_GRAPH if kind == "construct" else ACCEPT_RESULTS
    resp = _request("POST", url, data=text.encode("utf-8"), timeout=timeout, what="the SPARQL endpoint",
                    headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})
    if kind == "construct":
        return _graph_result(resp, url, limit)
    return _table_result(resp, url, limit)


def _table_result(resp: _Response, url: str, limit: int) -> QueryResult:
    if resp.content_type not in ("application/sparql-results+json", "application/json"):
        raise EndpointError(f"the SPARQL endpoint {url} answered {resp.content_type or 'without a content type'}, "
                            "not SPARQL JSON results", hint="is the URL the SPARQL query endpoint?")
    try:
        doc = json.loads(resp.body.decode("utf-8"))
        if "boolean" in doc:
            return QueryResult(kind="ask", boolean=bool(doc["boolean"]))
        variables = [str(v) for v in doc["head"].get("vars", [])]
        bindings = doc["results"]["bindings"]
        rows = [{v: _term_from_json(t) for v, t in b.items()} for b in bindings[:limit]]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise EndpointError(f"the SPARQL endpoint {url} answered with malformed SPARQL JSON ({e})",
                            hint="the answer may have been cut short by the server's own timeout") from None
    return QueryResult(kind="select", variables=variables, rows=rows, truncated=len(bindings) > limit)


def _term_from_json(d: dict) -> Term:
    t, value = d["type"], d["value"]
    if t == "uri":
        return Term("uri", value)
    if t == "bnode":
        return Term("bnode", value)
    if t in ("literal", "typed-literal"):
        lang = d.get("xml:lang")
        if lang:
            return Term("literal", value, RDF_LANGSTRING, lang.lower())
        return Term("literal", value, d.get("datatype") or XSD_STRING)
    raise ValueError(f"unsupported term type {t!r}")


def _graph_result(resp: _Response, url: str, limit: int) -> QueryResult:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_TRIPLES if resp.content_type == "text/plain" else ox.RdfFormat.from_media_type(resp.content_type)
    if fmt is None or fmt.supports_datasets:
        raise EndpointError(f"the SPARQL endpoint {url} answered {resp.content_type or 'without a content type'}, "
                            "not an RDF graph format airm reads (N-Triples, Turtle, RDF/XML)")
    triples = []
    try:
        for t in ox.parse(resp.body, format=fmt):
            if len(triples) >= limit:
                return QueryResult(kind="construct", triples=triples, truncated=True)
            triples.append((term_from_ox(t.subject), term_from_ox(t.predicate), term_from_ox(t.object)))
    except (SyntaxError, ValueError, TypeError) as e:
        raise EndpointError(f"the SPARQL endpoint {url} answered with malformed {fmt.name} ({e})",
                            hint="the answer may have been cut short by the server's own timeout") from None
    return QueryResult(kind="construct", triples=triples)


# --- pushing a build --------------------------------------------------------------------------------------------------

@dataclass
class PushReport:
    """What ``push`` sent: per target graph ("default" for the default graph) the number of triples."""

    update: str
    graphs: list[tuple[str, int]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    replaced: bool = True
    warnings: list[str] = field(default_factory=list)
    attempts: int = 1

    @property
    def triples(self) -> int:
        return sum(n for _g, n in self.graphs)

    def to_text(self) -> str:
        verb = "replaced" if self.replaced else "added to"
        lines = [f"{verb} {len(self.graphs)} graph{'s' if len(self.graphs) != 1 else ''}, "
                 f"{self.triples} triples, in one request to {self.update}"]
        lines += [f"  {g}  {n}" for g, n in self.graphs]
        if self.removed:
            lines.append(f"removed {len(self.removed)} airm graph(s) the build no longer has "
                         "(or an earlier push in another layout left):")
            lines += [f"  {g}" for g in self.removed]
        if self.replaced:
            tries = f" (sent {self.attempts} times: another push ran at the same time)" if self.attempts > 1 else ""
            lines.append(f"checked: the store holds exactly the build{tries}")
        return "\n".join(lines)


def _check_graph_iri(graph: str) -> str:
    import pyoxigraph as ox

    if graph == "default":
        return graph
    try:
        iri = ox.NamedNode(graph).value
    except ValueError as e:
        raise EndpointError(f"--graph {graph!r} is not an IRI: {e}",
                            hint="give an absolute IRI such as https://example.org/graph/airm, or 'default'") from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        raise EndpointError(f"--graph {graph!r} is not an absolute IRI", hint="e.g. https://example.org/graph/airm")
    return iri


PUSH_ATTEMPTS = 4  # a push whose check finds another push's triples beside its own sends itself again, this often


def push(kg, endpoint: str, *, update: str | None = None, graph: str | None = None, replace: bool = True,
         timeout: float = DEFAULT_PUSH_TIMEOUT) -> PushReport:
    """Load the build held by ``kg`` into a store with one SPARQL Update request, then check the store holds it.

    ``endpoint`` is the store's SPARQL query endpoint (used to see what the store holds before and after);
    ``update`` its SPARQL Update URL (default: Oxigraph's BASE/update beside BASE/query). The request drops each
    target graph (``replace``), inserts the build's triples, skolemised (``airm.skolem``: equal builds are equal
    triples, so a replace is idempotent), and removes what an earlier push left in another layout
    (``airm.store_layout``): airm's named graphs, or a default graph holding an airm build. ``graph`` puts the
    union into that one graph ("default": the default graph). A store that runs an update request as one
    transaction switches from the old build to the new one at once, and a failed push changes nothing.

    After the update, the triples per graph are counted: a store that is not exactly the build (two pushes ran at
    once and the store interleaved them) gets the request again, up to ``PUSH_ATTEMPTS`` times, and then an error.
    """
    import random

    from .store_layout import read_state

    endpoint = check_url(endpoint)
    update = check_url(update, option="--update") if update else default_update_url(endpoint)
    target = _check_graph_iri(graph) if graph is not None else None
    plan = push_plan(kg.store, target)
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        report = _push_once(plan, endpoint, update, target, replace, timeout)
        if not replace:
            break
        problems = _not_the_build(read_state(endpoint, timeout=timeout), plan, report)
        if not problems:
            break
        if attempt == PUSH_ATTEMPTS:
            raise EndpointError(
                f"after {attempt} attempts the store at {endpoint} still does not hold exactly this build: "
                + "; ".join(problems[:5]),
                hint="another push or another writer is changing the same graphs: push again when it has finished")
        time.sleep(random.uniform(0.1, 0.5) * attempt)  # let a racing push finish before sending again
    report.attempts = attempt
    if not _default_graph_sees(endpoint, kg, timeout):
        report.warnings.append(
            "queries on this endpoint do not see the pushed graphs in their default graph, so catalog queries will "
            "find nothing: start Oxigraph with 'oxigraph serve --union-default-graph', set tdb2:unionDefaultGraph "
            "true on a Fuseki TDB2 dataset, or push with --graph default")
    return report


def push_plan(store, target: str | None) -> list[tuple[str, list]]:
    """(target graph or "default", triples) of the build, blank nodes skolemised; one graph per source unless
    ``target`` names the one graph for everything."""
    import pyoxigraph as ox

    from .skolem import skolemise

    quads = skolemise(store)
    if target is not None:
        return [(target, sorted({q.triple for q in quads}, key=str))]
    by_graph: dict[str, list] = {}
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):  # the embedded store keeps nothing in its default graph
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)
    return sorted(by_graph.items())


def _push_once(plan, endpoint: str, update: str, target: str | None, replace: bool, timeout: float) -> PushReport:
    """One look at the store, and the one update request that replaces what airm has there with the build."""
    from .store_layout import read_state

    report = PushReport(update=update, replaced=replace)
    stale: list[str] = []
    if replace:
        stale = _left_by_other_pushes(read_state(endpoint, timeout=timeout), plan, target)
    body = push_request(plan, stale, replace)
    try:
        _request("POST", update, data=body, headers={"Content-Type": "application/sparql-update"}, timeout=timeout,
                 what="the update endpoint")
    except EndpointTimeout as e:
        raise EndpointTimeout(f"{e}; whether the store applied the push is not known",
                              hint="push again (pushing is idempotent), or raise --timeout") from None
    report.graphs = [(name, len(triples)) for name, triples in plan]
    report.removed = stale
    return report


def _left_by_other_pushes(state, plan, target: str | None) -> list[str]:
    """The airm graphs (and "default") the build does not have, to drop in the push's request; refuses a graph
    outside airm's namespace that holds an airm build, since it may be the user's own."""
    from .namespaces import GRAPH_BASE
    from .store_layout import DEFAULT

    others = [g for g in state.build_graphs() if g != target]
    if others:
        raise EndpointError(
            f"graph <{others[0]}> on the store holds an airm build (airm's ontology and query catalog), left by an "
            f"earlier 'airm push --graph {others[0]}' or loaded by hand; pushing beside it would double every answer "
            f"on a store whose default graph is the union, and airm deletes only graphs under {GRAPH_BASE} on its own",
            hint=f"push with --graph {others[0]} to replace it, or delete it (DROP GRAPH <{others[0]}>) and push again")
    keep = {name for name, _t in plan}
    stale = [g for g in state.airm_graphs() if g not in keep]
    if target != DEFAULT and state.default_is_airm():
        stale.append(DEFAULT)
    return stale


def _not_the_build(state, plan, report: PushReport) -> list[str]:
    """What differs, after the update, between the store and the build (empty when the store holds exactly it)."""
    from .store_layout import DEFAULT

    problems = []
    expected = dict(plan)
    for name, triples in plan:
        have = state.default_count() if name == DEFAULT else state.counts.get(name, 0)
        if have is None:
            report.warnings.append("the store does not let its own default graph be counted apart from its named "
                                   "graphs, so the push could not check it holds exactly the build")
        elif have != len(triples):
            problems.append(f"{'the default graph' if name == DEFAULT else f'graph <{name}>'} holds {have} triples, "
                            f"the build has {len(triples)}")
    problems += [f"graph <{g}> is left from another push" for g in state.airm_graphs() + state.build_graphs()
                 if g not in expected]
    if DEFAULT not in expected and state.default_is_airm():
        problems.append("the default graph still holds an airm build")
    return problems


def push_request(plan: list[tuple[str, list]], stale: list[str], replace: bool) -> bytes:
    """The one SPARQL Update request of a push: drop the targets (``replace``) and the ``stale`` graphs ("default"
    for the default graph), then insert. Every IRI and term is written by pyoxigraph (N-Triples syntax, escaped),
    never pasted as text, so no value can change the request around it."""
    import pyoxigraph as ox

    def where(target: str) -> str:
        return "DEFAULT" if target == "default" else f"GRAPH {ox.NamedNode(target)}"

    head = []
    if replace:
        head += [f"DROP SILENT {where(target)}" for target, _t in plan]
    head += [f"DROP SILENT {where(g)}" for g in stale]
    parts = [(" ;\n".join(head) + " ;\n").encode("utf-8") if head else b"", b"INSERT DATA {\n"]
    for target, triples in plan:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if target == "default":
            parts.append(data)
        else:
            parts += [f"GRAPH {ox.NamedNode(target)} {{\n".encode("utf-8"), data, b"}\n"]
    parts.append(b"}\n")
    return b"".join(parts)


def _default_graph_sees(endpoint: str, kg, timeout: float) -> bool:
    """Whether a triple of the build (an IRI-only one, from the ontology) is visible without GRAPH."""
    import pyoxigraph as ox

    probe = next((q.triple for q in kg.store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology"), None) if isinstance(q.subject, ox.NamedNode)), None)
    if probe is None:
        return True
    res = run_query(endpoint, "ASK { ?s ?p ?o }", {"s": probe.subject, "p": probe.predicate, "o": probe.object},
                    timeout=timeout, kind="ask")
    return bool(res.boolean)


def triple_count(endpoint: str, *, graph: str | None = None, timeout: float = 30.0) -> int:
    """Triples in one graph of the store (or in all its named graphs), counted by the endpoint."""
    import pyoxigraph as ox

    if graph is None:
        res = run_query(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", timeout=timeout)
    else:
        res = run_query(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                        {"g": ox.NamedNode(graph)}, timeout=timeout)
    return int(res.rows[0]["n"].value) if res.rows and "n" in res.rows[0] else 0
