"""``airm build``: load, infer, validate, then write the merged graph in three formats and a build report.

Everything is computed in memory and verified before the first byte is written; the four files are replaced
together or not at all (``airm.atomic.write_files``; a build killed during its renames is finished by the next
build), and the report lists each output's sha256, so a reader can check it has one build's files.
Outputs carry no clock time, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import kg as kgmod
from .atomic import write_files
from .errors import ValidationFailed
from .export import canonical_from_store, serialize_all
from .namespaces import CATALOG_GRAPH, DUPLICATES_GRAPH, ENTAILMENT_GRAPH, curie
from .validation import validate as run_validation
from .version import __version__
from .vocab import AIRM, Bibo, Foaf, Skos

OUTPUTS = {"airm.ttl": "ttl", "airm.nt": "nt", "airm.jsonld": "jsonld"}

_COUNT_CLASSES = f"""
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  ?x a ?class .
  FILTER (STRSTARTS(STR(?class), "{AIRM}") || ?class IN (
    <{Skos.Concept}>, <{Skos.ConceptScheme}>, <{Bibo.Document}>, <{Foaf.Organization}>))
}} GROUP BY ?class ORDER BY ?class
"""


@dataclass
class BuildResult:
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    report: dict = field(default_factory=dict)
    validation: object = None
    timings: dict = field(default_factory=dict)  # seconds per step; never written (outputs carry no clock)


def build(out_dir, *, workspace=None, files=(), validate: bool = True) -> BuildResult:
    """Build the merged graph into ``out_dir``. Raises ValidationFailed (nothing written) on violations."""
    out_dir = Path(out_dir)
    timings: dict = {}
    t = time.perf_counter()
    graph = kgmod.load(workspace=workspace, files=files, cache=False)
    timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    report = run_validation(graph) if validate else None
    timings["validate"] = time.perf_counter() - t
    if report is not None and not report.conforms:
        raise ValidationFailed(
            f"the data does not conform: {report.count('Violation')} violation(s); nothing was written",
            hint="run 'airm validate' for the list, fix the files it names, and build again",
        ).with_report(report)
    # the merged graph as KnowledgeGraph.to_rdflib(scope="all") has it, taken from the store without an rdflib copy
    t = time.perf_counter()
    names = graph.graph_names("ontology", "data", "user", "import")
    names += [CATALOG_GRAPH, DUPLICATES_GRAPH, ENTAILMENT_GRAPH]
    merged = canonical_from_store(graph.store, names)
    timings["from_store"] = time.perf_counter() - t
    serialized: dict = {}
    by_format = serialize_all(merged, tuple(OUTPUTS.values()), timings=serialized)
    timings.update({f"write_{fmt}": s for fmt, s in serialized.items() if fmt != "canonical"})  # canonical already
    outputs = {name: by_format[fmt] for name, fmt in OUTPUTS.items()}

    counts = {
        curie(sol["class"].value): int(sol["n"].value)
        for sol in graph.store.query(_COUNT_CLASSES, use_default_graph_as_union=True)
    }
    per_graph = {}
    for src in graph.sources:
        per_graph[src.display] = {
            "graph": src.graph,
            "kind": src.kind,
            "sha256": src.sha256(),
            "triples": sum(1 for _ in graph.store.quads_for_pattern(None, None, None, ox.NamedNode(src.graph))),
        }

    entailed = sum(1 for _ in graph.store.quads_for_pattern(None, None, None, ox.NamedNode(ENTAILMENT_GRAPH)))
    build_report = {
        "airm_version": __version__,
        "inputs_digest": graph.digest,
        "triples": {"merged": len(merged), "asserted": len(graph) - entailed, "entailed": entailed},
        "instances_per_class": counts,
        "validation": report.summary if report is not None else None,
        "inputs": per_graph,
        "outputs": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                    for name, data in outputs.items()},
        "tools": _tool_versions(),
    }
    report_text = json.dumps(build_report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    outputs["build-report.json"] = report_text.encode()
    t = time.perf_counter()
    write_files(out_dir, {out_dir / name: data for name, data in outputs.items()}, what="build folder")
    written = {name: out_dir / name for name in outputs}
    timings["files"] = time.perf_counter() - t
    return BuildResult(out_dir=out_dir, files=written, report=build_report, validation=report, timings=timings)


def _tool_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("rdflib", "pyshacl", "pyoxigraph", "owlrl"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out
