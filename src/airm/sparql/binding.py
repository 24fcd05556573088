"""Parameters bound as RDF terms, never pasted: the rules for a variable that may take a bound value (shared by the
catalog's headers and ad-hoc bindings), and the ``VALUES (?p ...) { (term ...) }`` block that binds it.

The block goes in at the start of the query's WHERE group, each term written by pyoxigraph (N-Triples syntax with
escaping), so a value is always one RDF term and cannot change the query around it. An engine evaluates bottom-up,
so a parameter is only guaranteed to be bound before use where the top-level group sees the VALUES block;
``check_values_binding`` refuses a query that uses a parameter in a FILTER, BIND or OPTIONAL condition of a nested
group that does not bind it itself, where the answer could differ from binding before evaluation.
"""

from __future__ import annotations

import functools

from ..errors import QueryError, QuerySyntaxError
from . import text as sparql_text


def parameter_problem(text: str, name: str) -> tuple[str, str] | None:
    """Why variable ``name`` (a valid name, without '?') cannot take a bound value in this query, as (message,
    hint); None when it can.

    A name the query's code does not use, or one it assigns with BIND/AS, would be ignored (rdflib) or give no rows;
    a SELECT must project it, since Oxigraph binds by substitution only variables of the projection."""
    if not sparql_text.mentions(text, name):
        return (f"the query has no variable ?{name} (comments, strings and IRIs do not count)",
                "bind only variables the query uses")
    if sparql_text.assigns(text, name):
        return (f"the query assigns ?{name} with BIND/AS, so a bound value would be ignored or give no rows",
                "use the parameter only in triple patterns and FILTERs")
    projected = sparql_text.projection(text)
    if projected is not None and name not in projected:
        return (f"the SELECT clause does not project ?{name}",
                "project it: Oxigraph binds parameters by substitution, which needs the variable in the projection")
    return None


def values_block(bound: dict) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` with every term written by pyoxigraph (escaped N-Triples syntax)."""
    import pyoxigraph as ox

    names, terms = [], []
    for name, term in sorted(bound.items()):
        if not sparql_text.VARIABLE_NAME.fullmatch(str(name)):
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
    opening, closing, first = sparql_text.where_group(text)
    block = values_block(bound)
    start, end = opening.end, closing.start
    if first is not None and first.keyword == "SELECT":  # WHERE { SELECT ... }: a sub-select must stay alone
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


def _unsafe_uses(text: str, params: frozenset) -> tuple:
    """The (variable, place) pairs of ``params`` that VALUES at the start would not bind in time. Each variable is
    judged on its own, so the answer for every variable of the query is worked out once per text (rdflib's parser,
    0.3-0.5 s to import) and kept on disk: a one-off CLI query of a stored text then never imports rdflib."""
    return tuple((var, what) for var, what in _unsafe_uses_all(text) if var in params)


@functools.lru_cache(maxsize=512)
def _unsafe_uses_all(text: str) -> tuple:
    import hashlib

    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = _read_checks()
    if key in known:
        return tuple(tuple(pair) for pair in known[key])
    algebra = _algebra(text)
    found: list = []
    _unsafe(algebra, True, _variables(algebra, set()), found)
    _remember_check(key, found)
    return tuple(found)


_CHECKS_FILE = "values-binding-checks.json"
_CHECKS_KEEP = 2000  # texts remembered (stored queries and recent ad-hoc ones); the oldest go first


def _checks_path():
    from ..cache_paths import cache_dir

    return cache_dir() / _CHECKS_FILE


def _read_checks() -> dict:
    import json

    try:
        data = json.loads(_checks_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember_check(key: str, found: list) -> None:
    """Add one text's answer to the file (written whole and renamed into place; a lost race only costs time)."""
    import json

    from ..atomic import write_file
    from ..errors import UserError

    known = _read_checks()
    known[key] = [list(pair) for pair in found]
    while len(known) > _CHECKS_KEEP:
        known.pop(next(iter(known)))
    try:
        path = _checks_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, json.dumps(known).encode("utf-8"))
    except (OSError, UserError):
        pass


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
