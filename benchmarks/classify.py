"""Agreement of `airm classify` with the hand-labelled gold set (issue 14 item 6), per axis: coverage over every
mitigation, top-1 accuracy and set F1 on the gold items, beside the majority-class baseline.

This is the only code that reads the gold labels, and only to compute these aggregate figures: no rule was written
or tuned from them. Usage (imports the five sources from ../shared/reference into a temporary workspace unless
--workspace names one that has them):

    python benchmarks/classify.py [--workspace DIR] [--out benchmarks/results/classify.json]

``--dev`` scores the development labels of benchmarks/classify-dev/ instead, the training part and the held-out part
apart (as that folder's README defines them), and never opens the gold files: the mode to tune rules with.

    python benchmarks/classify.py --dev [--workspace DIR] [--out benchmarks/results/classify-dev.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The gold set the targets are scored on: the two annotations adjudicated (tests/gold/README.md, "Adjudication");
# the first annotation alone, the gold set of rounds 1 to 3, is scored beside it.
GOLD = ROOT / "tests" / "gold" / "adjudicated.tsv"
FIRST = ROOT / "tests" / "gold" / "classification-gold.tsv"
RESULTS = ROOT / "benchmarks" / "results"
REFERENCE = Path(os.environ.get("AIRM_REFERENCE") or ROOT.parent / "shared" / "reference")
AXES = ("lifecycle-stage", "actor-type", "rmf-function", "risk")
NONE_SPECIFIC = "none-specific"


def predictions(workspace: Path) -> tuple[dict, int, dict, set]:
    """(mitigation IRI, axis) -> values best first (airm.classify.methods.order_values: the text's reading, by the
    shipped text model where there is one, then source and curated values, then proposals by confidence); the last
    item is the set of (mitigation IRI, axis) where a source or a curator states a value."""
    from airm.classify import graphs, proposals
    from airm.classify.axes import load_schemes
    from airm.classify.facts import read_facts
    from airm.classify.methods import order_values
    from airm.classify.model import load_model
    from airm.classify.rules import load_rules
    from airm.kg import load

    kg = load(workspace=workspace)
    schemes = load_schemes(lambda t: graphs.select(kg.store, t))
    facts = read_facts(lambda t: graphs.select(kg.store, t), schemes)
    rules = load_rules(schemes)
    model = load_model(schemes)  # the text model `airm classify` read the texts with (None: the text rules did)
    made: dict = defaultdict(list)
    for p in proposals.read(proposals.files(workspace)[0]):
        if p.status == "proposed" and p.axis in AXES:
            made[(p.mitigation, p.axis)].append(p)
    out: dict = {}
    for m in facts.mitigations.values():
        for axis in AXES:
            out[(m.iri, axis)] = order_values(rules, facts, m, axis, m.values.get(axis, ()), made[(m.iri, axis)],
                                          model)
    stated = {(m.iri, a) for m in facts.mitigations.values() for a in AXES if m.values.get(a)}
    coverage = {a: sum(1 for m in facts.mitigations if out.get((m, a))) for a in AXES}
    return out, len(facts.mitigations), coverage, stated


def gold(path: Path = GOLD) -> dict:
    """(mitigation IRI, axis) -> gold values by rank."""
    by: dict = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            by[(row["mitigation_iri"], row["axis"])].append((int(row["rank"]), row["value"] or row["value_code"]))
    return {k: [v for _, v in sorted(vs)] for k, vs in by.items()}


def f1(pred: set, truth: set) -> float:
    hit = len(pred & truth)
    return 0.0 if not hit else 2 * hit / (len(pred) + len(truth))


def score(pred: dict, labels: dict, total: int, coverage: dict) -> dict:
    figures = {}
    for axis in AXES:
        items = {k: v for k, v in labels.items() if k[1] == axis and NONE_SPECIFIC not in v}
        if not items:
            continue
        majority = Counter(v[0] for v in items.values()).most_common(1)[0][0]
        top1 = [bool(pred.get(k)) and pred[k][0] == v[0] for k, v in items.items()]
        sets = [f1(set(pred.get(k, [])), set(v)) for k, v in items.items()]
        figures[axis] = {
            "coverage": round(coverage[axis] / total, 3), "mitigations": total, "gold_items": len(items),
            "top1": round(sum(top1) / len(items), 3), "set_f1": round(sum(sets) / len(items), 3),
            "majority_value": majority,
            "majority_top1": round(sum(v[0] == majority for v in items.values()) / len(items), 3),
            "majority_set_f1": round(sum(f1({majority}, set(v)) for v in items.values()) / len(items), 3),
        }
    return figures


DEV = sorted((ROOT / "benchmarks" / "classify-dev").glob("*.tsv"))
DEV_TRAIN_FILES = ("dev.tsv", "dev-a.tsv")  # wholly training; dev-b.tsv is split at HOLDOUT_FROM
HOLDOUT_FILE, HOLDOUT_FROM = "dev-b.tsv", 76  # its items from the 76th on (file order) are held out


def dev_parts(folder: Path = ROOT / "benchmarks" / "classify-dev") -> dict:
    """The development labels split as classify-dev/README.md defines: {"training": labels, "held-out": labels}, each
    (mitigation IRI, axis) -> values by rank. A mitigation labelled in two files counts once, in the first file read."""
    parts: dict = {"training": {}, "held-out": {}}
    for name in (*DEV_TRAIN_FILES, HOLDOUT_FILE):
        order: list = []
        by: dict = defaultdict(list)
        with (folder / name).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["mitigation_iri"] not in order:
                    order.append(row["mitigation_iri"])
                part = "held-out" if name == HOLDOUT_FILE and len(order) >= HOLDOUT_FROM else "training"
                by[(part, row["mitigation_iri"], row["axis"])].append((int(row["rank"]),
                                                                      row["value"] or row["value_code"]))
        seen = {m for labels in parts.values() for m, _ in labels}
        for (part, iri, axis), values in by.items():
            if iri not in seen:
                parts[part][(iri, axis)] = [v for _, v in sorted(values)]
    return parts


def dev_report(pred: dict, total: int, coverage: dict, stated: set) -> dict:
    """Figures per part of the development labels, also split by whether a source states the value."""
    out = {}
    for part, labels in dev_parts().items():
        out[part] = score(pred, labels, total, coverage)
        out[part + ", source states a value"] = score(pred, {k: v for k, v in labels.items() if k in stated},
                                                      total, coverage)
        out[part + ", proposal"] = score(pred, {k: v for k, v in labels.items() if k not in stated}, total, coverage)
    return out
TWINS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?a ?b WHERE { GRAPH <https://w3id.org/airm/graph/duplicates> { ?a skos:exactMatch|skos:closeMatch ?b } }"""


def with_dev_twin(workspace: Path, labels: dict) -> set[str]:
    """Gold mitigations that have an identical or near-identical text (a de-duplication link) among the development
    labels: a rule tuned on the development files may have seen their words under another identifier."""
    from airm.kg import load

    dev = set()
    for path in DEV:
        with path.open(encoding="utf-8", newline="") as f:
            dev |= {row["mitigation_iri"] for row in csv.DictReader(f, delimiter="\t")}
    pairs = [(r["a"].value, r["b"].value) for r in load(workspace=workspace).sparql(TWINS)]
    gold_items = {m for m, _ in labels}
    return {a for a, b in pairs if a in gold_items and b in dev} | {b for a, b in pairs if b in gold_items and a in dev}


def markdown(figures: dict) -> str:
    lines = ["| axis | coverage | gold items | top-1 | set F1 | majority top-1 | majority set F1 |",
             "|---|---|---|---|---|---|---|"]
    for axis, f in figures.items():
        lines.append(f"| {axis} | {f['coverage']:.1%} | {f['gold_items']} | {f['top1']:.3f} | {f['set_f1']:.3f} | "
                     f"{f['majority_top1']:.3f} | {f['majority_set_f1']:.3f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None,
                    help="default benchmarks/results/classify.json (with --dev: classify-dev.json)")
    ap.add_argument("--dev", action="store_true",
                    help="score the development labels (training and held-out apart), not the gold set")
    ap.add_argument("--gold", type=Path, default=GOLD,
                    help="labels to score against (development: classify-dev/dev.tsv)")
    ap.add_argument("--no-classify", action="store_true", help="score the proposals the workspace already holds")
    args = ap.parse_args(argv)
    from airm.classify import classify

    workspace = args.workspace
    if workspace is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from helpers import import_all_sources

        workspace = import_all_sources(REFERENCE, Path(tempfile.mkdtemp(prefix="airm-classify-bench-")))
    if not args.no_classify:
        classify(workspace=workspace)
    pred, total, coverage, stated = predictions(workspace)
    if args.dev:
        return _write_dev(pred, total, coverage, stated, args.out or RESULTS / "classify-dev.json")
    args.out = args.out or RESULTS / "classify.json"
    report = gold_report(workspace, pred, total, coverage, stated, gold(args.gold))
    if args.gold == GOLD:
        report["first_annotation"] = gold_report(workspace, pred, total, coverage, stated, gold(FIRST))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown({k: v for k, v in report.items() if k in AXES}))
    print(f"\nThe same, on the gold mitigations with no near-duplicate among the development labels "
          f"({report['without_dev_twin']['excluded_gold_mitigations']} left out):\n")
    print(markdown({k: v for k, v in report["without_dev_twin"].items() if k in AXES}))
    print("\nThe same, on the (gold item, axis) pairs where no source or curator states a value, so the answer is a"
          " proposal of airm classify:\n")
    print(markdown(report["where_no_source_states_a_value"]))
    if "first_annotation" in report:
        print("\nAgainst the first annotation alone (classification-gold.tsv, the gold set of rounds 1 to 3):\n")
        print(markdown({k: v for k, v in report["first_annotation"].items() if k in AXES}))
    return 0


def gold_report(workspace: Path, pred: dict, total: int, coverage: dict, stated: set, labels: dict) -> dict:
    """The figures against one set of labels: all items, those without a development twin, those where the answer
    is a proposal."""
    twins = with_dev_twin(workspace, labels)
    unseen = score(pred, {k: v for k, v in labels.items() if k[0] not in twins}, total, coverage)
    return {**score(pred, labels, total, coverage),
            "without_dev_twin": {"excluded_gold_mitigations": len(twins), **unseen},
            "where_no_source_states_a_value": score(pred, {k: v for k, v in labels.items() if k not in stated},
                                                    total, coverage)}


def _write_dev(pred: dict, total: int, coverage: dict, stated: set, out: Path) -> int:
    report = dev_report(pred, total, coverage, stated)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for part, figures in report.items():
        print(f"\nDevelopment labels, {part}:\n")
        print(markdown(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
