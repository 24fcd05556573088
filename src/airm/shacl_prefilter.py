"""Which focus nodes could fail airm's shapes, found by SPARQL on Oxigraph, so that pySHACL checks only those.

pySHACL costs about 25 s of CPU per 100k triples, linear in the data; at a million triples it was 332 s. Most nodes
of a large graph conform. Each shape is compiled into a SPARQL condition that is true for every focus node that
might fail it (a superset: any constraint this module does not model counts as "might fail"), Oxigraph evaluates
them over the same graphs pySHACL would see, and pySHACL, the reference, then validates those candidates only, on a
slice of the graph holding what the shapes read from them. Its report is the report: messages, paths and severities
are pySHACL's own. ``tests/test_validation_prefilter.py`` compares the two paths' reports.
"""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox

from .vocab import Rdf, Rdfs, Xsd

SH = "http://www.w3.org/ns/shacl#"
RDFS_CLASS = "http://www.w3.org/2000/01/rdf-schema#Class"
_NODE_KINDS = {"IRI": "!isIRI({x})", "BlankNode": "!isBlank({x})", "Literal": "!isLiteral({x})",
               "BlankNodeOrIRI": "isLiteral({x})", "BlankNodeOrLiteral": "isIRI({x})", "IRIOrLiteral": "isBlank({x})"}
_RANGE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
# components that need no condition of their own (they only shape the others) or that say nothing about a value
_NEUTRAL = {"path", "property", "sparql", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
            "severity", "message", "name", "description", "order", "group", "defaultValue", "deactivated",
            "prefixes", "declare", "flags"}


class ShapeCompiler:
    """SPARQL conditions over the shapes graph (rdflib): ``condition(shape, var)`` is a FILTER expression true for
    every node bound to ``var`` that might not conform to ``shape``."""

    def __init__(self, shapes):
        from rdflib import URIRef

        self.g = shapes
        self.sh = lambda n: URIRef(SH + n)  # noqa: E731
        self._fresh = itertools.count()

    def var(self) -> str:
        return f"?_v{next(self._fresh)}"

    def condition(self, shape, x: str, depth: int = 0) -> str:
        """For a node shape, or a property shape with ``x`` its focus node."""
        from rdflib import Literal

        if depth > 8 or (shape, self.sh("deactivated"), Literal(True)) in self.g:
            return "true" if depth > 8 else "false"
        if (shape, self.sh("path"), None) in self.g:
            return self._property(shape, x, depth)
        parts = [self._value(shape, x, depth)]
        parts += [self._property(p, x, depth) for p in self.g.objects(shape, self.sh("property"))]
        if depth and (shape, self.sh("sparql"), None) in self.g:
            parts.append("true")  # a SPARQL constraint reached through sh:node: not modelled
        return _any(parts)

    def _property(self, ps, x: str, depth: int) -> str:
        path = self.path(self.g.value(ps, self.sh("path")))
        if path is None:
            return "true"
        v, parts = self.var(), []
        for count in self.g.objects(ps, self.sh("minCount")):
            parts.append(f"NOT EXISTS {{ {x} {path} {v} }}" if int(count) == 1 else
                         "false" if int(count) == 0 else "true")
        for count in self.g.objects(ps, self.sh("maxCount")):
            a, b = self.var(), self.var()
            parts.append(f"EXISTS {{ {x} {path} {v} }}" if int(count) != 1 else
                         f"EXISTS {{ {x} {path} {a}, {b} FILTER(!sameTerm({a}, {b})) }}")
        if (ps, self.sh("uniqueLang"), None) in self.g:
            a, b = self.var(), self.var()
            parts.append(f"EXISTS {{ {x} {path} {a}, {b} FILTER(!sameTerm({a}, {b}) && LANG({a}) != \"\" "
                         f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) }}")
        for value in self.g.objects(ps, self.sh("hasValue")):
            term = _sparql_term(value)
            parts.append(f"NOT EXISTS {{ {x} {path} {term} }}" if term else "true")
        if (ps, self.sh("sparql"), None) in self.g or (ps, self.sh("property"), None) in self.g:
            parts.append("true")
        value_condition = self._value(ps, v, depth, skip={"hasValue", "minCount", "maxCount", "uniqueLang"})
        if value_condition != "false":
            parts.append(f"EXISTS {{ {x} {path} {v} FILTER({value_condition}) }}")
        return _any(parts)

    def _value(self, shape, x: str, depth: int, skip=frozenset()) -> str:
        """The components that test each value node on its own (class, datatype, node kind, sh:in, sh:node...)."""
        parts = []
        for p, o in self.g.predicate_objects(shape):
            name = str(p)[len(SH):] if str(p).startswith(SH) else None
            if name is None or name in _NEUTRAL or name in skip:
                continue
            parts.append(self._component(name, o, x, depth))
        return _any(parts)

    def _component(self, name: str, o, x: str, depth: int) -> str:
        from rdflib import Literal

        if name == "class":
            return f"NOT EXISTS {{ {x} <{Rdf.type}>/<{Rdfs.subClassOf}>* <{o}> }}"
        if name == "datatype":
            # an ill-typed literal of the right datatype also fails; validation adds the subjects of those itself
            return f"(!isLiteral({x}) || !sameTerm(DATATYPE({x}), <{o}>))"
        if name == "nodeKind":
            kind = str(o).rsplit("#", 1)[-1]
            return _NODE_KINDS[kind].format(x=x) if kind in _NODE_KINDS else "true"
        if name == "in":
            from rdflib.collection import Collection

            terms = [_sparql_term(t) for t in Collection(self.g, o)]
            if not terms or any(t is None or t.startswith('"') for t in terms):
                return "true"
            return "!(" + " || ".join(f"sameTerm({x}, {t})" for t in terms) + ")"
        if name == "hasValue":
            term = _sparql_term(o)
            return f"!sameTerm({x}, {term})" if term and not term.startswith('"') else "true"
        if name == "pattern":
            flags = self.g.value(None, self.sh("flags"), None)  # conservative below if flags are used
            if flags is not None:
                return "true"
            return f"COALESCE(isBlank({x}) || !REGEX(STR({x}), {_string(str(o))}), true)"
        if name in ("minLength", "maxLength"):
            op = "<" if name == "minLength" else ">"
            return f"COALESCE(isBlank({x}) || STRLEN(STR({x})) {op} {int(o)}, true)"
        if name in _RANGE and isinstance(o, Literal):
            return f"COALESCE(!({x} {_RANGE[name]} {_sparql_term(o)}), true)"
        if name == "node":
            return self.condition(o, x, depth + 1)
        if name in ("or", "and"):
            from rdflib.collection import Collection

            parts = [self.condition(s, x, depth + 1) for s in Collection(self.g, o)]
            return _all(parts) if name == "or" else _any(parts)
        return "true"  # not modelled (sh:not, sh:xone, sh:closed, sh:languageIn, pairs...): might fail

    def queries(self, shape, target: str) -> list[str]:
        """SELECTs of ?this whose union holds every target that might fail ``shape``: one per property shape
        component, as joins and MINUS (hash joins in Oxigraph) rather than one FILTER of EXISTS per target, which
        costs a plan per node (4 s at 100k for the mitigation shape alone). What is not split stays a FILTER."""
        from rdflib import Literal

        if (shape, self.sh("deactivated"), Literal(True)) in self.g:
            return []
        out = []
        properties = list(self.g.objects(shape, self.sh("property")))
        if (shape, self.sh("path"), None) in self.g:
            properties, node_level = [shape], "false"
        else:
            node_level = self._value(shape, "?this", 0, skip={"or"})
            for alternatives in self.g.objects(shape, self.sh("or")):
                out.append(self._or_query(alternatives, target))
        if node_level != "false":
            out.append(_select(target, f"FILTER({node_level})" if node_level != "true" else ""))
        for ps in properties:
            out += self._property_queries(ps, target)
        return out

    def query(self, shape, target: str) -> list[str]:
        """One SELECT of ?this for the whole shape: its targets once, then every component OR-ed in one FILTER of
        EXISTS tests. Each test is a lookup per target, so this wins on small target sets only (``SMALL_SHAPE``)."""
        condition = self.condition(shape, "?this")
        if condition == "false":
            return []
        test = f"FILTER({condition})" if condition != "true" else ""
        return [f"SELECT DISTINCT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} {test} }}"]

    def _or_query(self, alternatives, target: str) -> str:
        """Fails every alternative: for alternatives that each only require a property, one MINUS per property."""
        from rdflib.collection import Collection

        minus = []
        for alt in Collection(self.g, alternatives):
            path = self.path(self.g.value(alt, self.sh("path")))
            keys = {str(p)[len(SH):] for p in self.g.predicates(alt) if str(p).startswith(SH)}
            counts = [int(c) for c in self.g.objects(alt, self.sh("minCount"))]
            if path is None or keys - {"path", "minCount"} or counts != [1]:
                condition = self._component("or", alternatives, "?this", 0)
                return _select(target, f"FILTER({condition})" if condition != "true" else "")
            minus.append(f"MINUS {{ ?this {path} [] }}")
        return _select(target, " ".join(minus))

    def _property_queries(self, ps, target: str) -> list[str]:
        path = self.path(self.g.value(ps, self.sh("path")))
        if path is None:
            return [_select(target, "")]
        out, v = [], "?_value"
        for count in self.g.objects(ps, self.sh("minCount")):
            if int(count) == 1:
                out.append(_select(target, f"MINUS {{ ?this {path} [] }}"))
            elif int(count) > 1:
                out.append(_select(target, ""))
        for count in self.g.objects(ps, self.sh("maxCount")):
            pair = f"?this {path} ?_a, ?_b FILTER(!sameTerm(?_a, ?_b))"
            out.append(_select(target, pair if int(count) == 1 else f"?this {path} []"))
        if (ps, self.sh("uniqueLang"), None) in self.g:
            out.append(_select(target, f"?this {path} ?_a, ?_b FILTER(!sameTerm(?_a, ?_b) && LANG(?_a) != \"\" "
                                       f"&& LCASE(LANG(?_a)) = LCASE(LANG(?_b)))"))
        for value in self.g.objects(ps, self.sh("hasValue")):
            term = _sparql_term(value)
            out.append(_select(target, f"MINUS {{ ?this {path} {term} }}" if term else ""))
        if (ps, self.sh("sparql"), None) in self.g or (ps, self.sh("property"), None) in self.g:
            out.append(_select(target, ""))
        for c in self.g.objects(ps, self.sh("class")):
            # entailed types are in the validation graphs; a type reached only through rdfs:subClassOf here
            # leaves the node a candidate, which pySHACL then clears
            out.append(_select(target, f"?this {path} {v} MINUS {{ {v} <{Rdf.type}> <{c}> }}"))
        rest = self._value(ps, v, 0, skip={"hasValue", "minCount", "maxCount", "uniqueLang", "class"})
        if rest != "false":
            out.append(_select(target, f"?this {path} {v}" + (f" FILTER({rest})" if rest != "true" else "")))
        return out

    def path(self, p) -> str | None:
        """A SHACL path as a SPARQL property path; None for a form this module does not know."""
        from rdflib import BNode, URIRef
        from rdflib.collection import Collection

        if isinstance(p, URIRef):
            return f"<{p}>"
        if not isinstance(p, BNode):
            return None
        if (p, URIRef(Rdf.first), None) in self.g:
            parts = [self.path(x) for x in Collection(self.g, p)]
            return None if None in parts else "(" + "/".join(parts) + ")"
        for name, form in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"),
                           ("zeroOrOnePath", "{}?")):
            inner = self.g.value(p, self.sh(name))
            if inner is not None:
                inner = self.path(inner)
                return None if inner is None else "(" + form.format(inner) + ")"
        alternatives = self.g.value(p, self.sh("alternativePath"))
        if alternatives is not None:
            parts = [self.path(x) for x in Collection(self.g, alternatives)]
            return None if None in parts else "(" + "|".join(parts) + ")"
        return None

    def target_pattern(self, shape) -> str | None:
        """The SPARQL pattern binding ?this to the shape's targets; None when it has none."""
        from rdflib import URIRef

        forms = []
        for c in self.g.objects(shape, self.sh("targetClass")):
            forms.append(f"?this <{Rdf.type}>/<{Rdfs.subClassOf}>* <{c}> .")
        if (shape, URIRef(Rdf.type), URIRef(RDFS_CLASS)) in self.g:
            forms.append(f"?this <{Rdf.type}>/<{Rdfs.subClassOf}>* <{shape}> .")
        for p in self.g.objects(shape, self.sh("targetSubjectsOf")):
            forms.append(f"?this <{p}> [] .")
        for p in self.g.objects(shape, self.sh("targetObjectsOf")):
            forms.append(f"[] <{p}> ?this .")
        for n in self.g.objects(shape, self.sh("targetNode")):
            term = _sparql_term(n)
            forms.append(f"BIND({term} AS ?this)" if term else "?this ?_any_p ?_any_o .")
        return " UNION ".join("{ " + f + " }" for f in forms) if forms else None

    def sparql_constraints(self, shape):
        """Each SPARQL constraint of the shape: its SELECT text with ``$this`` as ``?this`` and its prefixes
        declared, or None when it reads what Oxigraph cannot bind (the shapes graph, the current shape)."""
        for c in self.g.objects(shape, self.sh("sparql")):
            select = self.g.value(c, self.sh("select"))
            if select is None:
                yield None
                continue
            text = str(select)
            if re.search(r"\$(shapesGraph|currentShape|value|PATH)\b", text):
                yield None
                continue
            prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(c))
            yield prefixes + text.replace("$this", "?this"), self.predicates(c, text)

    def prefixes(self, constraint):
        """(prefix, namespace) of each sh:declare the constraint's sh:prefixes point to."""
        for source in self.g.objects(constraint, self.sh("prefixes")):
            for decl in self.g.objects(source, self.sh("declare")):
                yield str(self.g.value(decl, self.sh("prefix"))), str(self.g.value(decl, self.sh("namespace")))

    def predicates(self, constraint, text: str) -> set[str] | None:
        """The IRIs a SPARQL constraint's text names (its properties, among others); None if one cannot be read."""
        ns = dict(self.prefixes(constraint))
        text = re.sub(r"(?m)(^|\s)#[^\n]*", " ", text)  # comments (a ':' in one is no prefix)
        out = set(re.findall(r"<([^<>\s]+)>", text))
        for prefix, local in re.findall(r"(?<![\w?$<])([A-Za-z][\w-]*):([\w-]*)", text):
            if prefix not in ns:
                return None
            out.add(ns[prefix] + local)
        return out


def _select(target: str, pattern: str) -> str:
    return f"SELECT DISTINCT ?this WHERE {{ {target} {pattern} }}"


def _any(parts) -> str:
    parts = [p for p in parts if p != "false"]
    if "true" in parts:
        return "true"
    return "false" if not parts else parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def _all(parts) -> str:
    parts = [p for p in parts if p != "true"]
    if "false" in parts:
        return "false"
    return "true" if not parts else parts[0] if len(parts) == 1 else "(" + " && ".join(parts) + ")"


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _sparql_term(t) -> str | None:
    from rdflib import Literal, URIRef

    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        if t.language:
            return f"{_string(str(t))}@{t.language}"
        return f"{_string(str(t))}^^<{t.datatype or Xsd.string}>"
    return None


# Shapes with at most this many targets are tested in one query (ShapeCompiler.query), larger ones as joins, one
# per component (ShapeCompiler.queries). At 1M triples the single query won on every shape of up to 5,000 targets
# (the document shape: 0.10 s against 0.42 s in 13 joins) and lost on the large ones (44,766 risk addressing
# statements: 6.8 s against 1.5 s).
SMALL_SHAPE = 5000


class Candidates:
    """The focus nodes to check and the predicates whose every triple the check may read."""

    def __init__(self):
        self.nodes: set = set()
        self.predicates: set[str] = set()
        self.everything = False  # a SPARQL constraint reads what no predicate list bounds: slice = whole graph


def find_candidates(store, graphs: list[str], shapes) -> Candidates:
    """Run each targeted shape's condition (and SPARQL constraints as they are) on Oxigraph over ``graphs``."""
    from rdflib import URIRef

    compiler = ShapeCompiler(shapes)
    dataset = dataset_of(store, graphs)
    out = Candidates()

    def run(query):
        return {row["this"] for row in store.query(query, **dataset) if row["this"] is not None}

    shapes_with_targets = {s for p in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
                           for s in shapes.subjects(URIRef(SH + p), None)}
    shapes_with_targets |= set(shapes.subjects(URIRef(Rdf.type), URIRef(RDFS_CLASS))) & set(
        shapes.subjects(URIRef(Rdf.type), URIRef(SH + "NodeShape")))
    reads = []  # (targets of a shape with SPARQL constraints, the predicates they read or None: anything)
    for shape in sorted(shapes_with_targets, key=str):
        target = compiler.target_pattern(shape)
        if target is None:
            continue
        small = sum(1 for _ in store.query(f"SELECT ?this WHERE {{ {target} }} LIMIT {SMALL_SHAPE + 1}",
                                           **dataset)) <= SMALL_SHAPE
        for query in compiler.query(shape, target) if small else compiler.queries(shape, target):
            out.nodes |= run(query)
        constraints = list(compiler.sparql_constraints(shape))
        if not constraints:
            continue
        targets = run(f"SELECT DISTINCT ?this WHERE {{ {target} }}")
        predicates: set | None = set()
        for constraint in constraints:
            if constraint is None:  # not run here: every target might fail it
                out.nodes |= targets
                predicates = None
                continue
            query, named = constraint
            out.nodes |= run(query) & targets
            predicates = None if predicates is None or named is None else predicates | named
        reads.append((targets, predicates))
    # pySHACL runs a shape's SPARQL constraints on each candidate it targets: the slice must hold what they read
    for targets, predicates in reads:
        if targets & out.nodes:
            if predicates is None:
                out.everything = True
            else:
                out.predicates |= predicates
    return out


def slice_store(store, graphs: list[str], candidates: Candidates) -> ox.Store:
    """What pySHACL needs to validate the candidates: their own statements and those pointing into them, what
    their values and the nodes pointing into them state, two hops out (a value's type, its scheme; a checksum's
    parts), every blank node reached from those, and every statement of the predicates the SPARQL constraints read.
    The graphs keep their names."""
    names = [ox.NamedNode(g) for g in graphs]

    def quads(s=None, o=None, p=None):
        for name in names:
            yield from store.quads_for_pattern(s, p, o, name)

    keep: set = set(candidates.nodes)
    frontier = set(candidates.nodes) | {q.subject for n in candidates.nodes for q in quads(o=n)}
    keep |= frontier
    for hop in itertools.count():
        reached = {q.object for n in frontier for q in quads(s=n)
                   if not isinstance(q.object, ox.Literal) and q.object not in keep}
        if hop >= 2:  # beyond two hops only blank nodes, which belong to the node that states them
            reached = {n for n in reached if isinstance(n, ox.BlankNode)}
        if not reached:
            break
        keep |= reached
        frontier = reached
    out = ox.Store()
    for name in names:
        out.extend(q for n in keep for q in store.quads_for_pattern(n, None, None, name))
        out.extend(q for n in candidates.nodes for q in store.quads_for_pattern(None, None, n, name))
        for p in sorted(candidates.predicates):
            out.extend(store.quads_for_pattern(None, ox.NamedNode(p), None, name))
    return out


def dataset_of(store, graphs: list[str]) -> dict:
    """The query options reading the union of ``graphs``: the union of all graphs when the store holds those only
    (one index lookup per pattern, where a list of graphs costs one per graph: 8 times slower at 21 graphs)."""
    names = [ox.NamedNode(g) for g in graphs]
    alone = set(store.named_graphs()) <= set(names)
    if alone and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": names}


def typed_literals(store, graphs: list[str]) -> list:
    """Each distinct literal in ``graphs`` whose datatype is neither a string nor a language string: the only ones
    that can be ill-typed. Distinct values, not statements: a million triples hold a few thousand dates and years,
    and rdflib's check of each (which then says which are ill-typed) is what costs."""
    query = (f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && "
             f"!sameTerm(DATATYPE(?o), <{Xsd.string}>) && !sameTerm(DATATYPE(?o), <{Rdf.langString}>)) }}")
    return [row["o"] for row in store.query(query, **dataset_of(store, graphs))]


def statements_with(store, graphs: list[str], values) -> list:
    """The distinct (subject, predicate, object) statements of ``graphs`` whose object is one of ``values``."""
    out = {(q.subject, q.predicate, q.object) for value in values for g in graphs
           for q in store.quads_for_pattern(None, None, value, ox.NamedNode(g))}
    return sorted(out, key=str)
