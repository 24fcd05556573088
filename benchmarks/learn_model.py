"""Learn the text model of `airm classify` (data/classify/model/text-model.ttl): one multinomial logistic regression
per axis over the features of airm.classify.model (words and two-word phrases of a record's text, and the facts the
graph states about it), from hand-labelled development items only (never tests/gold/). Model choice (C, the L1 share
of the penalty, the set threshold) is made by k-fold cross-validation over all development items, with folds grouped so
that records with the same normalised text or linked as duplicates never straddle two folds; the figures are printed
beside the majority-class baseline of the same folds. scikit-learn is needed here only (the `learn` extra).

    python benchmarks/learn_model.py --workspace WS --out data/classify/model/text-model.ttl [--report CV.json]
    python benchmarks/learn_model.py --workspace WS --out M.ttl --settings-from data/classify/model/text-model.ttl

The second form skips the cross-validation and refits with the choices (C, L1 share, threshold) a model file records:
the shipped file is reproduced byte for byte in seconds rather than the minutes the choice takes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

AXES = ("lifecycle-stage", "actor-type", "rmf-function", "risk")
DEV = Path(__file__).resolve().parent / "classify-dev"
# In this order: the first file to label an (item, axis) wins. The stage labels of every item were adjudicated
# against a second annotation in round 4 (classify-dev/README.md); the other axes are the first annotation's.
DEFAULT_LABELS = [DEV / "stage-adjudicated.tsv", DEV / "dev.tsv", DEV / "dev-a.tsv", DEV / "dev-b.tsv"]
NONE_SPECIFIC = "none-specific"
VERSION = "1"
GRID_C = (0.5, 2.0)
# L2, then weights under PRUNE left out. L1 (l1_ratio 1, solver saga) was tried at C 1 on lifecycle-stage: CV top-1
# 0.676 against 0.697 for L2, and slower to learn; --l1 adds it to the grid again.
GRID_L1 = (0.0,)
GRID_THRESHOLD = tuple(round(0.1 + 0.05 * i, 2) for i in range(9))  # 0.10 to 0.50
PRUNE = 0.1  # weights smaller than this (after rounding to 3 places) are left out of the file
MIN_ITEMS = 3  # a feature is used when it occurs in at least this many training items
DUPLICATES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?a ?b WHERE { GRAPH <https://w3id.org/airm/graph/duplicates> { ?a skos:exactMatch|skos:closeMatch ?b } }"""


def read_labels(paths) -> dict:
    """(mitigation IRI, axis) -> values by rank (risk: specific subdomains only), over every file; an (item, axis)
    labelled in two files counts once, as the first file read labels it (a `none-specific` risk row labels it too)."""
    out: dict = {}
    done: set = set()
    for path in paths:
        by: dict = defaultdict(list)
        labelled: set = set()
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["axis"] in AXES:
                    labelled.add((row["mitigation_iri"], row["axis"]))
                    if row["value"]:
                        by[(row["mitigation_iri"], row["axis"])].append((int(row["rank"]), row["value"]))
        out |= {k: [v for _, v in sorted(vs)] for k, vs in by.items() if k not in done}
        done |= labelled
    return out


def read_graph(workspace: Path):
    """The facts `airm classify` reads, the duplicate pairs of the de-duplication graph, the shipped text rules."""
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.facts import read_facts
    from airm.classify.rules import load_rules
    from airm.kg import load

    kg = load(workspace=workspace)

    def select(text):
        return graphs.select(kg.store, text)

    pairs = [(r["a"].value, r["b"].value) for r in kg.sparql(DUPLICATES)]
    schemes = load_schemes(select)
    return read_facts(select, schemes), pairs, load_rules(schemes)


def fold_of(items: list[str], facts, pairs, k: int, seed: int = 20261202) -> dict:
    """item IRI -> fold; items with the same normalised text or linked as duplicates share a fold."""
    parent = {i: i for i in items}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a, b):
        if a in parent and b in parent:
            ra, rb = sorted((root(a), root(b)))
            parent[rb] = ra

    by_text: dict = {}
    for i in items:
        m = facts.mitigations[i]
        norm = re.sub(r"[^a-z0-9]+", " ", f"{m.label} {m.text}".lower()).strip()
        join(by_text.setdefault(norm, i), i)
    for a, b in pairs:
        join(a, b)
    groups = sorted({root(i) for i in items})
    random.Random(seed).shuffle(groups)
    group_fold = {g: n % k for n, g in enumerate(groups)}
    return {i: group_fold[root(i)] for i in items}


def fit(rows: list[set], y: list[str], *, c: float, l1: float):
    """An AxisModel learned from feature sets and rank-1 values, rounded and pruned as it will be written."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from airm.classify.model import AxisModel

    counts = Counter(f for r in rows for f in r)
    vocab = sorted(f for f, n in counts.items() if n >= MIN_ITEMS)
    index = {f: n for n, f in enumerate(vocab)}
    cells = [(r, index[f]) for r, feats in enumerate(rows) for f in feats if f in index]
    x = csr_matrix((np.ones(len(cells)), ([a for a, _ in cells], [b for _, b in cells])), shape=(len(rows), len(vocab)))
    solver = "lbfgs" if l1 == 0 else "saga"
    clf = LogisticRegression(C=c, l1_ratio=l1, solver=solver, max_iter=3000, tol=1e-4, random_state=0)
    clf.fit(x, y)
    classes = list(clf.classes_)
    coef, intercept = clf.coef_, clf.intercept_
    if len(classes) == 2:  # a binary fit keeps one row: spread it as the softmax of two scores does
        coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    am = AxisModel("", 0.0)
    for ci, concept in enumerate(classes):
        am.bias[concept] = round(float(intercept[ci]), 3)
        for fi in np.flatnonzero(np.abs(coef[ci]) >= PRUNE):
            w = round(float(coef[ci, fi]), 3)
            if abs(w) >= PRUNE:
                am.weights[vocab[fi]][concept] = w
    return am


def _f1(pred: set, truth: set) -> float:
    hit = len(pred & truth)
    return 0.0 if not hit else 2 * hit / (len(pred) + len(truth))


def cross_validate(axis: str, items: list, feats: dict, labels: dict, folds: dict, k: int, c: float, l1: float):
    """Pooled out-of-fold figures: top-1, set F1 per threshold, and the majority baseline of each training part."""
    from airm.classify.model import TextModel, chosen, predict

    top1, majority, f1s, correct = 0, 0, Counter(), []
    for fold in range(k):
        train = [i for i in items if folds[i] != fold]
        test = [i for i in items if folds[i] == fold]
        am = fit([feats[i] for i in train], [labels[(i, axis)][0] for i in train], c=c, l1=l1)
        common = Counter(labels[(i, axis)][0] for i in train).most_common(1)[0][0]
        for i in test:
            truth = labels[(i, axis)]
            readings = predict(TextModel(VERSION, {axis: am}), axis, feats[i])
            top1 += readings[0].value == truth[0]
            correct += [i] if readings[0].value == truth[0] else []
            majority += common == truth[0]
            for t in GRID_THRESHOLD:
                am.threshold = t
                f1s[t] += _f1({r.value for r in chosen(TextModel(VERSION, {axis: am}), axis, readings)}, set(truth))
    n = len(items)
    best_t = max(GRID_THRESHOLD, key=lambda t: (round(f1s[t], 9), -t))
    return {"top1": top1 / n, "majority_top1": majority / n, "set_f1": f1s[best_t] / n, "threshold": best_t,
            "items": n, "correct": sorted(correct)}


def choose(axis: str, items: list, feats: dict, labels: dict, folds: dict, k: int, log, grid_l1=GRID_L1) -> dict:
    """The (C, L1 share) with the best cross-validated top-1 (then set F1, then the sparser, the stronger penalty)."""
    tried = []
    for l1 in grid_l1:
        for c in GRID_C:
            cv = cross_validate(axis, items, feats, labels, folds, k, c, l1)
            tried.append({"C": c, "l1_ratio": l1, **cv})
            log(f"  {axis} C={c} l1_ratio={l1}: top-1 {cv['top1']:.3f}, set F1 {cv['set_f1']:.3f} "
                f"(threshold {cv['threshold']}), majority {cv['majority_top1']:.3f}")
    best = max(tried, key=lambda t: (round(t["top1"], 6), round(t["set_f1"], 6), t["l1_ratio"], -t["C"]))
    return {"chosen": best, "tried": [{k: v for k, v in t.items() if k != "correct"} for t in tried]}


def turtle(model, sources: list[str], params: str) -> str:
    from airm.classify.model import BIAS

    out = [f"""# Learned text model of airm's offline classifier (`airm classify`, method text-model), written by
# benchmarks/learn_model.py from the hand labels of {', '.join(sources)} ({params}).
# Per axis, one airm:TextModel node and its weights: a concept's score is its (bias) weight plus the weights of the
# features a mitigation has (text:WORDS of its label and description; rules:AXIS:CODE and rules-near:AXIS:CODE, the
# best and near-best values of the text rules of data/classify/rules/; held:AXIS:CODE and match:AXIS:CODE, a value it
# or its exact match holds; source:, id-function:, task:, crosswalk:, document:, facts the graph states); the softmax
# of the scores is each concept's probability. Shapes: ontology/shapes/classify.shapes.ttl. Regenerate, do not edit.
@prefix airm: <https://w3id.org/airm#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix model: <https://w3id.org/airm/id/classify/model/> .
"""]
    for axis in [a for a in AXES if a in model.axes]:
        am = model.axes[axis]
        out.append(f"model:{axis} a airm:TextModel ; airm:classificationAxis \"{axis}\" ; "
                   f"airm:modelVersion \"{model.version}\" ;\n  airm:setThreshold \"{am.threshold}\"^^xsd:decimal .")
        rows = [(BIAS, c, w) for c, w in sorted(am.bias.items())]
        rows += [(f, c, w) for f in sorted(am.weights) for c, w in sorted(am.weights[f].items())]
        names: Counter = Counter()
        for feature, concept, w in rows:
            local = f"{axis}--{concept.rsplit('/', 1)[-1]}--{re.sub(r'[^a-z0-9-]+', '_', feature.lower()).strip('_')}"
            names[local] += 1
            local += f"--{names[local]}" if names[local] > 1 else ""
            shown = feature.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f"model:{local} a airm:ModelWeight ; airm:classificationAxis \"{axis}\" ;\n"
                       f"  airm:modelValue <{concept}> ; airm:modelFeature \"{shown}\" ; "
                       f"airm:modelWeight \"{w:.3f}\"^^xsd:decimal .")
    return "\n".join(out) + "\n"


def recorded_settings(path: Path) -> dict:
    """axis -> {"C", "l1_ratio", "threshold"} as a model file written by this script records them."""
    text = path.read_text(encoding="utf-8")
    settings = {axis: {"C": float(c), "l1_ratio": float(l1)}
                for axis, c, l1 in re.findall(r"([a-z-]+) C ([0-9.]+) l1_ratio ([0-9.]+)", text.split("@prefix")[0])}
    for axis, threshold in re.findall(r'model:([a-z-]+) a airm:TextModel ;.*?airm:setThreshold "([0-9.]+)"', text,
                                      flags=re.S):
        settings.setdefault(axis, {})["threshold"] = float(threshold)
    missing = [a for a in AXES if set(settings.get(a, {})) != {"C", "l1_ratio", "threshold"}]
    if missing:
        raise SystemExit(f"learn_model: {path} records no C, l1_ratio and threshold for {', '.join(missing)}")
    return settings


def learn(workspace: Path, label_paths: list[Path], k: int, log=print, grid_l1=GRID_L1, with_rules=True,
          settings=None):
    """(the final TextModel learned on every development item, the cross-validation report); with ``settings``
    (axis -> C, l1_ratio, threshold) no choice is made and the report holds those settings only."""
    from airm.classify.model import TextModel, features

    facts, pairs, rules = read_graph(workspace)
    labels = {key: v for key, v in read_labels(label_paths).items() if key[0] in facts.mitigations}
    labels = {key: [x for x in v if x != NONE_SPECIFIC] for key, v in labels.items()}
    feats = {iri: features(facts, facts.mitigations[iri], rules if with_rules else None)
             for iri in sorted({i for i, _ in labels})}
    folds = fold_of(sorted(feats), facts, pairs, k)
    model, report = TextModel(VERSION, {}), {}
    for axis in AXES:
        items = sorted(i for (i, a), v in labels.items() if a == axis and v)
        report[axis] = ({"chosen": dict(settings[axis])} if settings
                        else choose(axis, items, feats, labels, folds, k, log, grid_l1))
        best = report[axis]["chosen"]
        am = fit([feats[i] for i in items], [labels[(i, axis)][0] for i in items], c=best["C"], l1=best["l1_ratio"])
        am.axis, am.threshold = axis, best["threshold"]
        model.axes[axis] = am
    return model, report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, required=True, help="a workspace with the five sources imported")
    ap.add_argument("--labels", type=Path, nargs="+", default=DEFAULT_LABELS,
                    help="development label files (TSV); default: the three of benchmarks/classify-dev/")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--report", type=Path, help="also write the cross-validation figures here (JSON)")
    ap.add_argument("--l1", action="store_true", help="also try an L1 penalty (solver saga; slower)")
    ap.add_argument("--no-rules-features", action="store_true",
                    help="leave out the features that count the shipped text rules' reading")
    ap.add_argument("--settings-from", type=Path, metavar="MODEL_FILE",
                    help="refit with the C, L1 share and thresholds this model file records (no cross-validation)")
    args = ap.parse_args(argv)
    if any("gold" in p.parts for p in args.labels):
        print("learn_model: the gold set is for measuring only, never for learning", file=sys.stderr)
        return 2
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("learn_model: scikit-learn is needed to learn (pip install 'airm[learn]')", file=sys.stderr)
        return 2
    model, report = learn(args.workspace, args.labels, args.folds, log=lambda s: print(s, file=sys.stderr),
                          grid_l1=(0.0, 1.0) if args.l1 else GRID_L1, with_rules=not args.no_rules_features,
                          settings=recorded_settings(args.settings_from) if args.settings_from else None)
    params = f"{args.folds}-fold grouped cross-validation"
    params += ("" if args.no_rules_features else ", with the shipped text rules' reading") + "; " + "; ".join(
        f"{a} C {r['chosen']['C']} l1_ratio {r['chosen']['l1_ratio']}" for a, r in report.items())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(turtle(model, [p.name for p in args.labels], params), encoding="utf-8")
    if args.report:
        for r in report.values():  # the out-of-fold hits per item stay in memory (dev labels, but long)
            r["chosen"].pop("correct", None)
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for axis, r in report.items():
        b = r["chosen"]
        if args.settings_from:
            print(f"{axis}: refitted with C {b['C']}, l1_ratio {b['l1_ratio']}, threshold {b['threshold']}")
            continue
        print(f"{axis}: CV top-1 {b['top1']:.3f} (majority {b['majority_top1']:.3f}), set F1 {b['set_f1']:.3f} at "
              f"threshold {b['threshold']}, {b['items']} items; C {b['C']}, l1_ratio {b['l1_ratio']}")
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
