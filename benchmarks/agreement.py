"""How far two people agree on the gold set, and the classifier beside each (issue 14, item 6).

The gold sample (tests/gold/) was labelled twice, independently: `classification-gold.tsv` by the first annotator
before any rule existed, `second-annotator.tsv` by two further annotators after the text model was final, from the
same record texts and guidelines, without seeing the first labels or any classifier output. Their agreement says how
well the axes can be decided from the text at all; the classifier is scored against each annotator and on the items
where both give the same first value. Nothing here is used to write or choose rules.

    python benchmarks/agreement.py [--workspace WS]   # WS: five sources imported and `airm classify` run
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import classify  # noqa: E402  (the benchmark's own reading of label files and its scoring)

SECOND = classify.ROOT / "tests" / "gold" / "second-annotator.tsv"


def kappa(first: dict, second: dict) -> float:
    """Cohen's kappa of the two first values over the items both label (chance from each side's own frequencies)."""
    keys = sorted(set(first) & set(second))
    observed = sum(first[k][0] == second[k][0] for k in keys) / len(keys)
    a, b = Counter(first[k][0] for k in keys), Counter(second[k][0] for k in keys)
    chance = sum(a[v] * b[v] for v in a) / len(keys) ** 2
    return round((observed - chance) / (1 - chance), 3)


def human_agreement(first: dict, second: dict) -> dict:
    """Per axis: the second annotator scored as if it were a classifier against the first, and Cohen's kappa."""
    figures = classify.score(second, first, len({k[0] for k in first}), Counter())
    for axis, fig in figures.items():
        fig.pop("coverage"), fig.pop("mitigations")
        fig["kappa_top1"] = kappa({k: v for k, v in first.items() if k[1] == axis},
                                  {k: v for k, v in second.items() if k[1] == axis})
    return figures


def classifier_figures(workspace: Path, first: dict, second: dict) -> dict:
    """The classifier's top-1 and set F1 against each annotator and where both annotators agree on the first value."""
    pred, total, coverage, _ = classify.predictions(workspace)
    agreed = {k: v for k, v in first.items() if k in second and second[k][0] == v[0]}
    return {"against the first annotator": classify.score(pred, first, total, coverage),
            "against the second annotator": classify.score(pred, second, total, coverage),
            "where both annotators agree": classify.score(pred, agreed, total, coverage)}


def markdown(human: dict, machine: dict | None) -> str:
    lines = ["| axis | annotators agree (top-1) | kappa | set F1 | items |", "|---|---|---|---|---|"]
    lines += [f"| {a} | {f['top1']:.3f} | {f['kappa_top1']:.3f} | {f['set_f1']:.3f} | {f['gold_items']} |"
              for a, f in human.items()]
    if machine:
        lines += ["", "| axis | " + " | ".join(f"classifier top-1, {k}" for k in machine) + " |",
                  "|---|" + "---|" * len(machine)]
        for axis in human:
            cells = [f"{m[axis]['top1']:.3f} ({m[axis]['gold_items']})" if axis in m else "—" for m in machine.values()]
            lines.append(f"| {axis} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, help="also score the classifier (its proposals already made there)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "agreement.json")
    args = ap.parse_args(argv)
    first, second = classify.gold(classify.FIRST), classify.gold(SECOND)
    human = human_agreement(first, second)
    machine = classifier_figures(args.workspace, first, second) if args.workspace else None
    args.out.write_text(json.dumps({"annotators": human, "classifier": machine}, indent=2) + "\n", encoding="utf-8")
    print(markdown(human, machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
