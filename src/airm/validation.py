"""Check data against airm's SHACL shapes and report each problem as one line a person can act on.

Validation runs on the data graphs plus their structural entailments (sub-class, sub-property, inverse, transitive),
never merged with the ontology, so it stays fast; the ontology's own terms are checked by the editorial shapes apart.
Only airm's own shapes are used (pySHACL blocks SERVICE in a shape's SPARQL but not FROM, which can read local files).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import graph as graphmod
from . import infer, resources
from .convert import rdflib_graph, to_ox_term
from .namespaces import ENTAILMENT_GRAPH, GRAPH_BASE, curie, expand
from .parsing import subject_lines
from .severity import SEVERITY_ORDER
from .version import __version__
from .vocab import Dcterms, Rdf, Rdfs, Sh, Skos

VALIDATION_ENTAILMENTS = GRAPH_BASE + "validation-entailments"


@dataclass(frozen=True)
class Problem:
    severity: str
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    message: str
    file: str | None = None
    line: int | None = None
    shape: str | None = None

    def to_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        node = self.focus + (f' ("{self.focus_label}")' if self.focus_label else "")
        parts = [f"{where}{self.severity}: {node}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message}"


@dataclass
class ValidationReport:
    conforms: bool
    problems: list[Problem] = field(default_factory=list)
    checked_graphs: list[str] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def summary(self) -> dict:
        return {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "infos": self.count("Info"),
        }

    def to_text(self) -> str:
        lines = [p.to_line() for p in self.problems]
        s = self.summary
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{verdict}: {s['violations']} violation(s), {s['warnings']} warning(s), {s['infos']} info(s)")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {**self.summary, "problems": [asdict(p) for p in self.problems]}, indent=2, ensure_ascii=False
        )


def load_shapes(kind: str = "data"):
    """The shapes graph: 'data' (all but the editorial shapes) or 'ontology' (editorial only)."""
    from rdflib import Graph

    g = Graph()
    for path in resources.shape_files():
        editorial = path.name == "ontology.shapes.ttl"
        if (kind == "ontology") == editorial:
            g.parse(path, format="turtle")
    return g


def validate(target=None, *, with_embedded: bool = True, include_ontology_check: bool = True,
             trust_imports: bool = True, focus=None, graphs=None, engine: str = "prefilter") -> ValidationReport:
    """Validate data against the shapes and return a report; prints nothing and never changes its input.

    ``target``: None (the embedded data), a loaded KnowledgeGraph or dataset, an rdflib Graph, or file paths
    (Turtle, JSON-LD...). User data is checked together with the embedded data, so that it may refer to our
    concepts and sources. An imported source whose record says it was validated, unchanged, against the current
    shapes, ontology and curated data is used as context and not checked again (``trust_imports=False`` checks
    everything).

    ``focus`` (IRIs or pyoxigraph terms) checks those nodes only, every other node serving as context, and
    ``graphs`` (IRIs) names the data graphs to validate over instead of every data, user and import graph of the
    dataset: ``airm import`` checks a new import so, before anything is written (its nodes, in its own graph and
    the one holding what it links to in the other imports). With ``focus`` no import record is consulted.

    ``engine``: "prefilter" (Oxigraph finds the nodes that might fail, pySHACL checks those on a slice of the
    graph; the same report at a fraction of the cost on large graphs) or "pyshacl" (pySHACL over the whole graph,
    the reference).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}: one of {', '.join(ENGINES)}")
    owned = not _is_loaded(target)  # loaded here from files: the store is ours to work in, with no copy
    dataset = _as_dataset(target, with_embedded)
    data_graphs = list(graphs) if graphs is not None else dataset.graphs_of("data", "user", "import")
    if focus is not None:
        trusted, focus, context = set(), set(focus), None
    else:
        trusted = trusted_imports(dataset) if trust_imports else set()
        focus, context = _untrusted_focus(dataset.store, data_graphs, trusted)
    work = _working_store(dataset.store, trusted, context, owned)  # the caller's store is never changed
    infer.materialise(work, graph=VALIDATION_ENTAILMENTS, domain_range=False)
    checked = data_graphs + [VALIDATION_ENTAILMENTS]
    ontology = rdflib_graph(work, dataset.graphs_of("ontology")) if include_ontology_check else None
    aside = _set_aside(work, checked)
    try:
        if engine == "pyshacl":
            data_graph = rdflib_graph(work, checked)
            problems = _ill_typed(data_graph, focus) + _run(data_graph, load_shapes("data"), focus)
        else:
            problems = _prefiltered(work, checked, focus)
    finally:
        if work is dataset.store:  # the dataset as loaded, for the locations below
            work.remove_graph(ox.NamedNode(VALIDATION_ENTAILMENTS))
            work.extend(aside)
    if ontology is not None:
        problems += _run(ontology, load_shapes("ontology"))
    problems_list = _with_locations(problems, dataset)
    problems_list.sort(key=lambda p: (SEVERITY_ORDER.get(p.severity, 9), p.file or "", p.line or 0, p.focus,
                                      p.path or "", p.message))
    conforms = not any(p.severity == "Violation" for p in problems_list)
    return ValidationReport(conforms=conforms, problems=problems_list, checked_graphs=data_graphs)


ENGINES = ("prefilter", "pyshacl")


def _prefiltered(work, checked: list[str], focus) -> list[Problem]:
    """pySHACL on the nodes Oxigraph finds might fail (shacl_prefilter), over a slice of ``checked`` holding what
    the shapes read from them; ill-typed literals found by Oxigraph and confirmed by rdflib."""
    from rdflib import Literal

    from .convert import to_rdflib_term
    from .shacl_prefilter import find_candidates, slice_store, statements_with, typed_literals

    shapes = load_shapes("data")
    wanted = None if focus is None else {to_ox_focus(n) for n in focus}
    problems, bad_subjects = [], set()
    bad = {o: literal for o in typed_literals(work, checked)
           if isinstance(literal := to_rdflib_term(o), Literal) and literal.ill_typed}
    for s, p, o in statements_with(work, checked, bad):
        bad_subjects.add(s)
        if wanted is None or s in wanted:
            problems.append(_ill_typed_problem(to_rdflib_term(s), p.value, bad[o]))
    candidates = find_candidates(work, checked, shapes)
    # a literal of the right datatype but ill-typed fails sh:datatype: its subject (and what points to it) too
    candidates.nodes |= bad_subjects | {q.subject for n in bad_subjects
                                        for q in work.quads_for_pattern(None, None, n, None)}
    if wanted is not None:
        candidates.nodes &= wanted
    if not candidates.nodes:
        return problems
    if candidates.everything or any(isinstance(n, ox.BlankNode) for n in candidates.nodes):
        # pySHACL's focus list takes IRIs only, and an unbounded SPARQL constraint reads anything: whole graph
        return problems + _run(rdflib_graph(work, checked), shapes, None if focus is None else focus)
    part = slice_store(work, checked, candidates)
    # pySHACL's focus list also skips the sh:node checks of values outside it (pyshacl 0.40.1 filters every shape's
    # focus nodes by it, nested ones too): the slice is validated with the caller's focus (none: every target), as
    # the reference path does, and only the candidates' problems are kept, the other nodes' context being partial
    shown = {_show(to_rdflib_term(n)) for n in candidates.nodes}
    return problems + [p for p in _run(rdflib_graph(part, checked), shapes, focus) if p.focus in shown]


def to_ox_focus(node):
    """A focus given as an IRI string or a pyoxigraph term, as a pyoxigraph term."""
    return node if isinstance(node, (ox.NamedNode, ox.BlankNode)) else ox.NamedNode(str(node))


def _untrusted_focus(store, data_graphs: list[str], trusted: set[str]):
    """(focus, context): with trusted imports, the nodes of the other data graphs are checked (focus) and only what
    they link to, in two hops, is kept of the trusted graphs (context); (None, None) when nothing is trusted."""
    if not trusted:
        return None, None
    # imports validated on import, against these very shapes, ontology and data, serve as context only: what
    # the other graphs link to is kept from them, and only the other graphs' nodes are checked
    focus = set()
    for graph in data_graphs:
        if graph not in trusted:
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                focus.add(q.subject)
                if isinstance(q.object, (ox.NamedNode, ox.BlankNode)):
                    focus.add(q.object)
    # two hops of context: what the checked nodes link to, and what those link to (a scheme, a type)
    context = set(focus)
    for graph in trusted:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            if q.subject in focus and isinstance(q.object, (ox.NamedNode, ox.BlankNode)):
                context.add(q.object)
    return focus, context


def _working_store(store, trusted: set[str], context, owned: bool):
    """The store to compute structural entailments in: the dataset's own when validation loaded it and nothing is
    trusted (copying a million quads cost 9 s of CPU and 0.4 GB at 1M), else a copy (``_working_copy``)."""
    if not owned or context is not None:
        return _working_copy(store, trusted, context)
    entailments = ox.NamedNode(ENTAILMENT_GRAPH)
    if entailments in set(store.named_graphs()):  # as the copy leaves it out: a file may name that graph
        store.remove_graph(entailments)
    merge_restated_blank_nodes(store)
    return store


def _set_aside(store, checked: list[str]) -> list:
    """Take out of ``store`` every named graph validation does not read (the ontology's, the catalog's...) and
    return their quads. With the checked graphs alone in the store, Oxigraph reads them as the union of its graphs,
    which answered the candidate queries 8 times faster than naming 21 graphs (each bound lookup is one per graph)."""
    keep = {ox.NamedNode(g) for g in checked}
    aside: list = []
    for name in list(store.named_graphs()):
        if name not in keep:
            aside += store.quads_for_pattern(None, None, None, name)
            store.remove_graph(name)
    return aside


def _is_loaded(target) -> bool:
    """Whether ``target`` is a dataset the caller loaded (a KnowledgeGraph or LoadedDataset), never to be changed."""
    return hasattr(target, "dataset") or (hasattr(target, "store") and hasattr(target, "sources"))


def _working_copy(store, trusted: set[str], context):
    """A copy of the store to compute structural entailments in: no entailment graph, of the trusted graphs only
    the ``context`` nodes, and equal restated blank-node values as one."""
    def wanted(q) -> bool:
        graph = getattr(q.graph_name, "value", None)
        if graph == ENTAILMENT_GRAPH:
            return False
        return context is None or graph not in trusted or q.subject in context

    work = ox.Store()
    work.extend(q for q in store.quads_for_pattern(None, None, None, None) if wanted(q))
    merge_restated_blank_nodes(work)
    return work


USER_GRAPH = GRAPH_BASE + "user"


def merge_restated_blank_nodes(store) -> int:
    """Keep one of equal blank-node values of the same subject and property; returns how many copies went.

    A file that restates a node another file describes (``airm build``'s own airm.ttl restates every node) restates
    its blank-node values too, as new blank nodes: the author list of a work twice, equal member for member, which
    ``sh:maxCount 1`` counts as two lists. The graph with one copy says exactly the same (it is the lean form), so
    equal copies are one value; lists that differ stay two and are still reported. Only copies no other triple
    points into are removed."""
    groups: dict = {}  # (subject, predicate) with more than one blank-node value -> those values
    for row in store.query(_SEVERAL_BLANK_VALUES, use_default_graph_as_union=True):
        groups.setdefault((row["s"], row["p"]), []).append(row["o"])
    if not groups:
        return 0
    out: dict = {}  # each blank node reachable from those values -> its (predicate, object) pairs, over all graphs
    refs: dict = {}  # ... and how many distinct statements point into it
    stack = [o for values in groups.values() for o in values]
    while stack:
        node = stack.pop()
        if node in out:
            continue
        out[node] = {(q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, None)}
        refs[node] = len({(q.subject, q.predicate) for q in store.quads_for_pattern(None, None, node, None)})
        stack.extend(o for _p, o in out[node] if isinstance(o, ox.BlankNode))
    sig = _blank_signatures(out)
    doomed: set = set()
    for (s, p), values in groups.items():
        kept: set = set()
        for o in sorted(values, key=str):
            if refs.get(o) == 1 and o in sig:
                if sig[o] in kept:
                    doomed.add((s, p, o))
                kept.add(sig[o])
    removed = 0
    for s, p, o in doomed:
        for q in list(store.quads_for_pattern(s, p, o, None)):
            store.remove(q)
        removed += 1
        stack = [o]
        while stack:  # the copy's own nodes: each pointed into only from the copy
            node = stack.pop()
            for q in list(store.quads_for_pattern(node, None, None, None)):
                store.remove(q)
                if isinstance(q.object, ox.BlankNode) and refs.get(q.object) == 1:
                    stack.append(q.object)
    return removed


_SEVERAL_BLANK_VALUES = """SELECT ?s ?p ?o WHERE {
  { SELECT ?s ?p WHERE { ?s ?p ?v FILTER(isBlank(?v)) } GROUP BY ?s ?p HAVING (COUNT(DISTINCT ?v) > 1) }
  ?s ?p ?o FILTER(isBlank(?o))
}"""


def _blank_signatures(out: dict) -> dict:
    """A hash of each acyclic blank node's content (its statements, blank values by their own hash), computed
    without recursion (an author list of a thousand names is a chain a thousand deep)."""
    sig: dict = {}
    cyclic: set = set()
    for root in [n for n in out if isinstance(n, ox.BlankNode)]:
        stack, open_ = [(root, False)], set()
        while stack:
            node, ready = stack.pop()
            if node in sig or node in cyclic:
                continue
            children = [o for _p, o in out.get(node, ()) if isinstance(o, ox.BlankNode)]
            if ready:
                if any(c in cyclic or c not in sig for c in children):
                    cyclic.add(node)
                    continue
                lines = sorted(f"{p}\t{sig[o] if isinstance(o, ox.BlankNode) else o}" for p, o in out.get(node, ()))
                sig[node] = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
                continue
            if node in open_:
                cyclic.add(node)
                continue
            open_.add(node)
            stack.append((node, True))
            stack.extend((c, False) for c in children if c not in sig)
    return sig


def context_digest() -> str:
    """A hash of everything an import's validation depends on besides the import: airm's version, the shapes,
    the ontology and the curated data. An import records it when it validates."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(resources.shape_files()) + sorted(resources.ontology_files()) + sorted(resources.data_files()):
        h.update(resources.relative_name(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def trusted_imports(dataset) -> set[str]:
    """Graphs of imported sources whose record (sources/NAME.json) shows they passed validation in the current
    context, with the very file now on disk."""
    out = set()
    current = None
    for src in dataset.sources:
        if src.kind != "import":
            continue
        try:
            record = json.loads(src.path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        validation = record.get("validation") or {}
        if validation.get("violations", 1) != 0 or record.get("file_sha256") != src.sha256():
            continue
        current = current or context_digest()
        if validation.get("context") == current:
            out.add(src.graph)
    return out


def _as_dataset(target, with_embedded: bool):
    if _is_loaded(target):  # a KnowledgeGraph or a LoadedDataset
        return getattr(target, "dataset", target)
    base = graphmod.embedded_sources(include_data=with_embedded)
    if target is None:
        return graphmod.load_sources(base)
    if isinstance(target, (str, os.PathLike)):
        target = [target]
    if isinstance(target, (list, tuple)):
        return graphmod.load_sources(base + graphmod.user_sources(target))
    # an rdflib Graph
    dataset = graphmod.load_sources(base)
    g = ox.NamedNode(USER_GRAPH)
    dataset.store.extend(ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o), g) for s, p, o in target)
    dataset.sources.append(graphmod.Source(path=Path("<graph>"), graph=USER_GRAPH, kind="user", display="<graph>"))
    return dataset


def _run(data_graph, shapes_graph, focus=None) -> list[Problem]:
    """pySHACL with our shapes only: no inference, no JS, no owl:imports. ``focus``: IRIs (strings or terms) to
    check, the rest of the graph serving as context; None checks every target."""
    from pyshacl import Validator
    from rdflib import URIRef

    focus_terms = None
    if focus is not None:
        focus_terms = sorted({URIRef(getattr(n, "value", n)) for n in focus
                              if not hasattr(n, "value") or n.__class__.__name__ == "NamedNode"})
        if not focus_terms:
            return []

    class FocusedValidator(Validator):
        """pySHACL tests each target against its focus list; a frozenset makes that O(1) on large graphs."""

        def make_executor(self):
            executor = super().make_executor()
            if executor.focus_nodes:
                executor.focus_nodes = frozenset(executor.focus_nodes)
            return executor

    data_graph = _with_prepared_queries(data_graph)
    options = {"inference": "none", "inplace": True, "advanced": True, "allow_infos": True, "allow_warnings": True,
               "abort_on_first": False, "use_js": False}
    if focus_terms is not None:
        options["focus_nodes"] = focus_terms
    from pyshacl.graph_abstraction import DataGraph

    wrapped = DataGraph.from_rdflib(data_graph)  # keeps our graph as its implementation, prepared queries included
    _conforms, results, _text = FocusedValidator(wrapped, shacl_graph=shapes_graph, options=options).run()
    sh = lambda n: URIRef(Sh[n])  # noqa: E731
    labels = [URIRef(p) for p in (Rdfs.label, Skos.prefLabel, Dcterms.title)]
    problems = []
    for r in results.subjects(URIRef(Rdf.type), sh("ValidationResult")):
        if (None, sh("detail"), r) in results:
            # why a value failed an sh:node shape: pySHACL's detail, not a result of the report (SHACL 3.6.2.5);
            # listed, it gave a second problem on the value node, which other validators (Jena) do not report.
            # Its message is kept, in the problem it explains.
            continue
        node = results.value(r, sh("focusNode"))
        path = results.value(r, sh("resultPath"))
        value = results.value(r, sh("value"))
        severity = str(results.value(r, sh("resultSeverity"))).rsplit("#", 1)[-1]
        messages = [str(m) for m in results.objects(r, sh("resultMessage"))]
        shape = results.value(r, sh("sourceShape"))
        label = None
        for p in labels:  # the least of several labels: the same whatever order the graph was filled in
            label = min(data_graph.objects(node, p), key=str, default=None)
            if label is not None:
                break
        problems.append(
            Problem(
                severity=severity,
                focus=_show(node),
                focus_label=str(label) if label is not None else None,
                path=_show(path) if path is not None else None,
                value=_show(value) if value is not None else None,
                message=_with_details(sorted(messages, key=len)[-1] if messages else "constraint not met",
                                      results, r),
                shape=_show(shape) if shape is not None else None,
            )
        )
    return list(dict.fromkeys(problems))


def _with_details(message: str, results, result) -> str:
    """The message, followed by those of the sh:detail results that say why (a value failing an sh:node shape)."""
    from rdflib import URIRef

    details = sorted({str(m) for d in results.objects(result, URIRef(Sh.detail))
                      for m in results.objects(d, URIRef(Sh.resultMessage))} - {message})
    return f"{message} ({'; '.join(details)})" if details else message


def _with_prepared_queries(graph):
    """The same graph, whose SPARQL queries are parsed once per text: pySHACL runs each SPARQL constraint once per
    focus node, and rdflib re-parsing the text every time was most of the validation time (4 of 5 s at 90k triples)."""
    from rdflib import Graph
    from rdflib.plugins.sparql import prepareQuery

    class PreparedQueryGraph(Graph):
        _prepared: dict = {}

        def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
                  use_store_provided=True, **kwargs):
            if isinstance(query_object, str):
                key = (query_object, tuple(sorted((initNs or {}).items())))
                prepared = self._prepared.get(key)
                if prepared is None:
                    prepared = self._prepared[key] = prepareQuery(query_object, initNs=initNs or {})
                query_object = prepared
            return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    fast = PreparedQueryGraph(store=graph.store, identifier=graph.identifier, namespace_manager=graph.namespace_manager)
    return fast


def _ill_typed(graph, focus=None) -> list[Problem]:
    """Literals whose text is not a value of their datatype ("abc"^^xsd:integer, "2024-13-01"^^xsd:date): RDF
    calls them ill-typed and most tools drop or mangle them, so they are refused like any other violation."""
    from rdflib import Literal, URIRef

    wanted = None if focus is None else {URIRef(getattr(n, "value", n)) for n in focus}
    return [_ill_typed_problem(s, str(p), o) for s, p, o in graph
            if isinstance(o, Literal) and o.ill_typed and (wanted is None or s in wanted)]


def _ill_typed_problem(subject, predicate: str, literal) -> Problem:
    return Problem(
        severity="Violation", focus=_show(subject), focus_label=None, path=curie(predicate), value=_show(literal),
        message=f"{json.dumps(str(literal), ensure_ascii=False)} is not a valid {curie(str(literal.datatype))} value: "
                "write a valid one, or give the literal another datatype")


def _show(term) -> str:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, BNode):
        return "[blank node]"
    if isinstance(term, Literal):
        text = str(term)
        if len(text) > 60:
            text = text[:57] + "..."
        shown = json.dumps(text, ensure_ascii=False)
        if term.language:
            return f"{shown}@{term.language}"
        if term.datatype is not None:
            return f"{shown}^^{curie(str(term.datatype))}"
        return shown
    return str(term)


def _with_locations(problems: list[Problem], dataset) -> list[Problem]:
    """Attach to each problem the file (and line) where its focus node is defined."""
    if not problems:
        return problems
    index: dict[str, tuple[str, int | None]] = {}
    for src in dataset.sources:
        lines = subject_lines(src.path)
        for iri, line in lines.items():
            index.setdefault(iri, (src.display, line))
    out = []
    for p in problems:
        iri = p.focus[1:-1] if p.focus.startswith("<") else expand(p.focus)
        where = index.get(iri) if iri else None
        if where is None and iri:
            where = _defining_graph(dataset, iri)
        if where:
            p = Problem(**{**asdict(p), "file": where[0], "line": where[1]})
        out.append(p)
    return out


def _defining_graph(dataset, iri: str):
    node = ox.NamedNode(iri)
    for q in dataset.store.quads_for_pattern(node, None, None, None):
        for src in dataset.sources:
            if src.graph == getattr(q.graph_name, "value", None):
                return (src.display, None)
    return None
