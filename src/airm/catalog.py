"""The query catalog: one .rq file per competency question, with a ``#+`` YAML header that declares its parameters.

A header that does not parse, or that declares something the query text does not honour, is an error (never a
warning): the catalog is the API, and its contract is the header.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputFileError, QueryError, UnknownQuery, shown
from .sparql.binding import parameter_problem
from .sparql.text import VARIABLE_NAME, query_form, result_kind

PARAM_TYPES = ("resource", "iri", "string", "integer", "decimal", "boolean")
REQUIRED_KEYS = ("title", "description", "question")
ALLOWED_KEYS = {"title", "description", "question", "params", "returns", "tags", "kind", "example", "long"}
PARAM_KEYS = {"type", "required", "default", "example", "description", "class", "scheme", "values"}
NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    required: bool = False
    default: object = None
    example: object = None
    cls: str | None = None  # restrict a resource to instances of this class (CURIE or IRI)
    scheme: str | None = None  # restrict a resource to concepts of this scheme
    values: tuple | None = None  # the only values a string parameter takes (a typo is an error, not an empty answer)


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    title: str
    description: str
    question: str
    text: str
    kind: str
    params: dict = field(default_factory=dict)
    returns: tuple = ()
    tags: tuple = ()
    long: str | None = None  # the companion query that gives this one's rows in long form (one row per link)

    def header(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "question": self.question,
            "kind": self.kind,
            "params": {
                p.name: {k: v for k, v in (("type", p.type), ("required", p.required), ("default", p.default),
                                            ("example", p.example), ("description", p.description),
                                            ("class", p.cls), ("scheme", p.scheme)) if v is not None}
                for p in self.params.values()
            },
            "returns": list(self.returns),
            "tags": list(self.tags),
            **({"long": self.long} if self.long else {}),
        }

    def cases(self) -> list[tuple[str, dict]]:
        """The runs its header declares: "default" (no parameters) unless one is required without a default, and
        "example" with every declared example. Goldens, engine comparisons and benchmarks all run these."""
        out = []
        if not any(p.required and p.default is None for p in self.params.values()):
            out.append(("default", {}))
        examples = {p.name: p.example for p in self.params.values() if p.example is not None}
        if examples:
            out.append(("example", examples))
        return out


def parse_query_file(path: Path, text: str | None = None) -> StoredQuery:
    """``text``: the file's text when the caller has read it already (with query_checks.read_query_file)."""
    import yaml

    from .query_checks import read_query_file

    path = Path(path)
    text = read_query_file(path) if text is None else text
    name = path.stem
    if not NAME_RE.match(name):
        raise InputFileError(path, f"query name {name!r} must be lowercase words joined by '-'")
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        else:
            break
    if not header_lines:
        raise InputFileError(path, "no '#+ ' header", line=1, hint="start the file with '#+ title: ...' lines")
    try:
        header = yaml.load("\n".join(header_lines), Loader=_safe_loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputFileError(path, f"header is not valid YAML: {getattr(e, 'problem', e)}",
                             line=(mark.line + 1) if mark else None) from None
    if not isinstance(header, dict):
        raise InputFileError(path, "header must be a YAML mapping (key: value lines)", line=1)
    unknown = set(header) - ALLOWED_KEYS
    if unknown:
        raise InputFileError(path, f"unknown header key(s): {', '.join(sorted(unknown))}",
                             hint=f"allowed: {', '.join(sorted(ALLOWED_KEYS))}")
    for key in REQUIRED_KEYS:
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise InputFileError(path, f"header needs a non-empty '{key}'")
    body = "\n".join(text.splitlines()[len(header_lines):])
    if query_form(body) == "update":
        raise InputFileError(path, "a stored query is read-only: updates (INSERT, DELETE, LOAD, ...) are refused")
    kind = result_kind(body)
    if kind is None:
        raise InputFileError(path, "no SELECT, CONSTRUCT, ASK or DESCRIBE in the query body")
    params = {}
    raw_params = header.get("params") or {}
    if not isinstance(raw_params, dict):
        raise InputFileError(path, "'params' must map parameter names to their declarations")
    for pname, decl in raw_params.items():
        params[pname] = _param(path, pname, decl, body)
    returns = header.get("returns") or []
    tags = header.get("tags") or []
    if not isinstance(returns, list) or not isinstance(tags, list):
        raise InputFileError(path, "'returns' and 'tags' must be YAML lists")
    long = header.get("long")
    if long is not None and (not isinstance(long, str) or not NAME_RE.match(long) or long == name):
        raise InputFileError(path, f"'long' must name another stored query, not {long!r}")
    return StoredQuery(
        name=name, path=path, title=header["title"].strip(), description=" ".join(header["description"].split()),
        question=header["question"].strip(), text=text, kind=kind, params=params,
        returns=tuple(str(r) for r in returns), tags=tuple(str(t) for t in tags), long=long,
    )


def _param(path: Path, name: str, decl, body: str) -> Param:
    if not VARIABLE_NAME.fullmatch(str(name)):
        raise InputFileError(path, f"parameter name {name!r} is not a SPARQL variable name")
    if not isinstance(decl, dict):
        raise InputFileError(path, f"parameter {name!r} must be a mapping with at least 'type' and 'description'")
    unknown = set(decl) - PARAM_KEYS
    if unknown:
        raise InputFileError(path, f"parameter {name!r}: unknown key(s) {', '.join(sorted(unknown))}")
    ptype = decl.get("type")
    if ptype == "concept":
        ptype = "resource"
    if ptype not in PARAM_TYPES:
        raise InputFileError(path, f"parameter {name!r}: type must be one of {', '.join(PARAM_TYPES)} (or concept)")
    if not decl.get("description"):
        raise InputFileError(path, f"parameter {name!r} needs a description")
    problem = parameter_problem(body, name)
    if problem is not None:
        raise InputFileError(path, f"parameter ?{name} is declared, but {problem[0]}", hint=problem[1])
    return Param(
        name=name, type=ptype, description=str(decl["description"]), required=bool(decl.get("required", False)),
        default=decl.get("default"), example=decl.get("example"), cls=decl.get("class"), scheme=decl.get("scheme"),
        values=tuple(str(v) for v in decl["values"]) if decl.get("values") else None,
    )


def _safe_loader():
    """libyaml's safe loader where PyYAML was built with it (the catalog's 26 headers parse 5-10x faster: this is
    paid by every CLI run), else the pure-Python one; both accept and refuse the same documents."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _load_dir(directory: str) -> dict:
    from . import catalog_cache
    from .query_checks import read_query_file

    d = Path(directory)
    files = [(path, read_query_file(path)) for path in sorted(d.glob("*.rq"))]
    entry = catalog_cache.key(d, files)
    cached = catalog_cache.load(entry, StoredQuery, Param)
    if cached is not None:
        return cached
    queries = {}
    for path, text in files:
        q = parse_query_file(path, text)
        queries[q.name] = q
    for q in queries.values():
        _check_long_form(q, queries)
    catalog_cache.save(entry, queries, StoredQuery, Param)
    return queries


def _check_long_form(query: StoredQuery, queries: dict) -> None:
    """A declared long form exists and takes the same parameters, so ``--long`` runs it with what the user gave."""
    if query.long is None:
        return
    companion = queries.get(query.long)
    if companion is None:
        raise InputFileError(query.path, f"'long' names {query.long!r}, which is not a stored query")
    if set(companion.params) != set(query.params):
        raise InputFileError(query.path, f"'long' names {query.long!r}, whose parameters "
                                         f"({', '.join(companion.params) or 'none'}) differ from this query's "
                                         f"({', '.join(query.params) or 'none'})")


def long_form(query: StoredQuery, directory=None) -> StoredQuery:
    """The query that gives ``query``'s rows in long form: its declared companion, or itself when it has none
    (its rows are already one per link)."""
    return get(query.long, directory) if query.long else query


def catalog(directory=None) -> dict[str, StoredQuery]:
    """Every stored query by name (parsed once per process)."""
    from .resources import resource_dir

    return dict(_load_dir(str(directory or resource_dir("queries"))))


def get(name: str, directory=None) -> StoredQuery:
    queries = catalog(directory)
    if name not in queries:
        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
        hint = f"did you mean {', '.join(close)}?" if close else "run 'airm query list' to see the catalog"
        raise UnknownQuery(f"no stored query named {shown(name)}", hint=hint)
    return queries[name]


# --- parameters ---------------------------------------------------------------------------------------------------

def bind_params(kg, query: StoredQuery, given: dict, *, resolved: dict | None = None) -> dict:
    """Check names, apply defaults, enforce required ones and coerce each value to an RDF term (Oxigraph).
    ``resolved``, when given, receives what each resource parameter the caller gave resolved to and how."""
    unknown = set(given) - set(query.params)
    if unknown:
        known = ", ".join(query.params) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(shown(u) for u in sorted(unknown)[:5])}"
            f"{' and more' if len(unknown) > 5 else ''}",
            hint=f"its parameters: {known}",
        )
    bound = {}
    for p in query.params.values():
        value = given.get(p.name)
        if value is None or (isinstance(value, str) and value.strip() == "" and p.type != "string"):
            value = p.default
        if value is None:
            if p.required:
                ex = f" (e.g. --param {p.name}={p.example!r})" if p.example is not None else ""
                raise QueryError(f"query {query.name!r} needs parameter {p.name!r}: {p.description}{ex}")
            continue
        if resolved is not None and p.type not in _LITERAL_TYPES and p.name in given and given[p.name] is not None:
            found = resolve_param(kg, p, str(value))
            resolved[p.name] = found
            bound[p.name] = _node(found.best.iri)
        else:
            bound[p.name] = coerce(kg, p, value)
    return bound


_LITERAL_TYPES = ("string", "integer", "decimal", "boolean", "iri")


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def coerce(kg, p: Param, value):
    import pyoxigraph as ox

    XSD = "http://www.w3.org/2001/XMLSchema#"
    if p.type == "string":
        if p.values and str(value) not in p.values:
            raise QueryError(f"parameter {p.name!r} is {str(value)[:80]!r}, not one of: {', '.join(p.values)}",
                             hint=p.description)
        return ox.Literal(str(value))
    if p.type == "integer":
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            n = int(str(value).strip())
        except ValueError:
            raise QueryError(f"parameter {p.name!r} must be a whole number, not {shown(value)}") from None
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))
    if p.type == "decimal":
        try:
            from decimal import Decimal, InvalidOperation

            d = Decimal(str(value).strip())
            if not d.is_finite():
                raise InvalidOperation
        except Exception:
            raise QueryError(f"parameter {p.name!r} must be a decimal number, not {shown(value)}") from None
        return ox.Literal(format(d, "f"), datatype=ox.NamedNode(XSD + "decimal"))
    if p.type == "boolean":
        s = str(value).strip().lower()
        if s not in ("true", "false", "1", "0", "yes", "no"):
            raise QueryError(f"parameter {p.name!r} must be true or false, not {shown(value)}")
        return ox.Literal("true" if s in ("true", "1", "yes") else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if p.type == "iri":
        iri = _as_iri(str(value).strip())
        if iri is None:
            raise QueryError(f"parameter {p.name!r} must be an IRI (https://...) or a CURIE (prefix:name), "
                             f"not {shown(value)}")
        return ox.NamedNode(iri)
    return ox.NamedNode(resolve_resource(kg, p, str(value)))


def _as_iri(text: str) -> str | None:
    from .namespaces import expand

    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"^(https?|urn|file):[^\s<>\"{}|\\^`]+$", text) and not _looks_like_curie(text):
        return text
    iri = expand(text)
    if iri is not None and re.match(r"^[^\s<>\"{}|\\^`]+$", iri):
        return iri
    return None


def _looks_like_curie(text: str) -> bool:
    from .namespaces import prefixes

    return text.split(":", 1)[0] in prefixes() and not text.split(":", 1)[1].startswith("//")


def resolve_resource(kg, p: Param, text: str) -> str:
    """An IRI, a CURIE, a code (e.g. 7.1) or a label, case-insensitive, within the parameter's class or scheme."""
    return resolve_param(kg, p, text).best.iri


def resolve_param(kg, p: Param, text: str):
    """What ``text`` names for parameter ``p`` (an ``airm.resolve.Resolution`` with a best match), or a
    QueryError listing the candidates with their labels and schemes (see airm.resolve for the ranking)."""
    from .namespaces import curie, expand

    text = text.strip()
    if not text:
        raise QueryError(f"parameter {p.name!r} is empty")
    from .resolve import Candidate, Resolution, describe, resolve

    cls_iri = (expand(p.cls) or p.cls) if p.cls else "http://www.w3.org/2004/02/skos/core#Concept"
    scheme_iri = (expand(p.scheme) or p.scheme) if p.scheme else None
    members = _named_members(kg, cls_iri, scheme_iri)
    iri = _as_iri(text)
    if iri is not None and members is None and iri.startswith("http"):
        return Resolution(text, Candidate(iri, None, (), 100.0), how="iri")
    is_member = iri is not None and members is not None and _is_named_member(kg, iri, members)
    if iri is not None and not is_member and _exists(kg, iri):
        what = p.cls or p.scheme or "concept"
        raise QueryError(f"{curie(iri)} is not a {what}, as parameter {p.name!r} needs")
    if is_member:
        return Resolution(text, Candidate(iri, None, (), 100.0), how="iri")
    found = resolve(kg, text, cls=cls_iri, scheme=scheme_iri)
    if found.best is not None:
        return found
    what = p.cls or p.scheme or "concept"
    listed = "; ".join(describe(c) for c in found.candidates)
    if found.how in ("code", "label", "alt", "prefix", "words"):
        raise QueryError(f"{shown(text)} matches several values for parameter {p.name!r}: {listed}",
                         hint=f"give a code, a full label or the CURIE (e.g. {curie(found.candidates[0].iri)}) "
                              "to pick one")
    if found.candidates:
        fuzzy = found.how == "fuzzy"
        loose = " (near spellings only, none clear enough to take: give one of these)" if fuzzy else ""
        raise QueryError(f"no {what} matches {shown(text)} for parameter {p.name!r}", hint=f"closest: {listed}{loose}")
    raise QueryError(f"no {what} matches {shown(text)} for parameter {p.name!r}",
                     hint="give an IRI, a CURIE, a code or a label")


def _named_members(kg, cls_iri: str, scheme_iri: str | None) -> tuple[str, list] | None:
    """The parameter's candidates (of the class, in the scheme, with a name or a code) as conditions on an entry
    ``r`` of the text index built with the graph's cache (``<digest>.fts.sqlite``); None when there are none.
    Asking the store instead cost 1.5 s per process on the five sources (a union over every label of the class)."""
    from .textindex import open_index

    conds = ["EXISTS (SELECT 1 FROM types t WHERE t.type = ? AND t.id = r.id)",
             "EXISTS (SELECT 1 FROM names n WHERE n.id = r.id AND n.kind IN ('label', 'alt', 'code'))"]
    args = [cls_iri]
    if scheme_iri:
        conds.insert(1, "EXISTS (SELECT 1 FROM schemes s WHERE s.scheme = ? AND s.id = r.id)")
        args.append(scheme_iri)
    where = " AND ".join(conds)
    known = kg.cached("parameter-members", dict)  # (class, scheme) -> whether any: asked once per graph
    if (cls_iri, scheme_iri) not in known:
        found = open_index(kg).execute(f"SELECT 1 FROM resources r WHERE {where} LIMIT 1", args).fetchone()
        known[(cls_iri, scheme_iri)] = found is not None
    return (where, args) if known[(cls_iri, scheme_iri)] else None


def _is_named_member(kg, iri: str, members: tuple[str, list]) -> bool:
    from .textindex import open_index

    where, args = members
    found = open_index(kg).execute(f"SELECT 1 FROM resources r WHERE r.iri = ? AND {where}", [iri, *args])
    return found.fetchone() is not None


def _exists(kg, iri: str) -> bool:
    import pyoxigraph as ox

    return next(kg.store.quads_for_pattern(ox.NamedNode(iri), None, None, None), None) is not None
