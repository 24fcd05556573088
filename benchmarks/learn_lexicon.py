"""Learn a lexicon for `airm classify` from hand-labelled development items: words and two-word phrases that are much
more frequent in the text of items labelled with one concept than overall, each written as a text rule of
data/classify/rules/ (same format and shapes as the hand-written rules), so the result is a reviewable data file that
the classifier reads deterministically like any other. Only development labels may be given (never tests/gold/).

    python benchmarks/learn_lexicon.py --workspace WS --labels benchmarks/classify-dev/dev.tsv \\
        benchmarks/classify-dev/dev-a.tsv benchmarks/classify-dev/dev-b.tsv --holdout-from 76 \\
        --axes lifecycle-stage,rmf-function,risk --scale 0.1 --min-support 2 \\
        --out data/classify/rules/learned-lexicon.ttl

Weight of a rule for word w and concept c: scale * ln(P(c | w) / P(c)), with P(c | w) smoothed towards P(c); kept
only when w occurs in at least --min-support items labelled c and the lift is at least --min-lift.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from airm.classify.model import terms  # the words and phrases the text model reads too: one definition

AXES = ("lifecycle-stage", "actor-type", "rmf-function", "risk")


def read_labels(paths, holdout_from: int = 0) -> dict:
    """(mitigation IRI, axis) -> the rank-1 value, over every labels file (the first file wins on a repeat). With
    ``holdout_from`` N, the items of the last file from its N-th on (in file order) are left out: a validation set."""
    out: dict = {}
    for n, path in enumerate(paths, 1):
        seen: list = []
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row["mitigation_iri"] not in seen:
                    seen.append(row["mitigation_iri"])
                if n == len(paths) and holdout_from and len(seen) >= holdout_from:
                    continue
                if row["axis"] in AXES and row["rank"] == "1" and row["value"]:
                    out.setdefault((row["mitigation_iri"], row["axis"]), row["value"])
    return out


def texts(workspace: Path) -> dict:
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.facts import read_facts
    from airm.kg import load

    kg = load(workspace=workspace)
    def select(text):
        return graphs.select(kg.store, text)

    facts = read_facts(select, load_schemes(select))
    return {iri: f"{m.label}. {m.text}" for iri, m in facts.mitigations.items()}


def learn(labels: dict, text_of: dict, *, scale: float, min_support: int, min_lift: float, per_concept: int,
          axes=AXES) -> list:
    """[(axis, concept, term, weight, support)] best first within each axis and concept."""
    rules = []
    for axis in axes:
        items = {iri: v for (iri, a), v in labels.items() if a == axis and iri in text_of}
        prior = Counter(items.values())
        n = len(items)
        with_term: dict = defaultdict(Counter)
        for iri, value in items.items():
            for t in terms(text_of[iri]):
                with_term[t][value] += 1
        for concept, count in sorted(prior.items()):
            p_c = count / n
            found = []
            for t, by in with_term.items():
                n_t, n_tc = sum(by.values()), by[concept]
                if n_tc < min_support:
                    continue
                lift = ((n_tc + 2 * p_c) / (n_t + 2)) / p_c
                if lift >= min_lift:
                    found.append((round(min(1.5, scale * math.log(lift)), 2), n_tc, t))
            found.sort(key=lambda x: (-x[0], -x[1], x[2]))
            rules += [(axis, concept, t, w, s) for w, s, t in found[:per_concept] if w > 0]
    return rules


def turtle(rules: list, sources: list[str], params: str) -> str:
    head = f"""# Learned lexicon of airm's offline classifier (`airm classify`, method text-rules), written by
# benchmarks/learn_lexicon.py from the hand labels of {', '.join(sources)} ({params}).
# Each rule: a word or two-word phrase that is markedly more frequent in items labelled with the concept than overall;
# the comment gives how many labelled items it occurred in. Read like text-rules.ttl (shapes:
# ontology/shapes/classify.shapes.ttl); regenerate rather than edit by hand, or move a rule to text-rules.ttl.
@prefix airm: <https://w3id.org/airm#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rule: <https://w3id.org/airm/id/classify/rule/> .
"""
    out = [head]
    for axis, concept, term, weight, support in rules:
        local = re.sub(r"[^a-z0-9-]+", "_", term)  # "ai-generated" and "ai generated" stay apart
        name = f"learned--{axis}--{concept.rsplit('/', 1)[-1]}--{local}"
        pattern = r"\\b" + re.escape(term).replace("\\ ", r"\\s+").replace("\\-", "-") + r"\\b"
        out.append(f"rule:{name} a airm:ClassificationRule ; airm:classificationAxis \"{axis}\" ;"
                   f"  # in {support} items\n"
                   f"  airm:ruleValue <{concept}> ; airm:ruleWeight \"{weight}\"^^xsd:decimal ;\n"
                   f"  airm:rulePattern \"{pattern}\" .")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, required=True, help="a workspace with the labelled items imported")
    ap.add_argument("--labels", type=Path, nargs="+", required=True, help="development label files (TSV)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--min-support", type=int, default=2)
    ap.add_argument("--min-lift", type=float, default=1.6)
    ap.add_argument("--per-concept", type=int, default=40)
    ap.add_argument("--holdout-from", type=int, default=0, metavar="N",
                    help="leave out the items of the last labels file from its N-th on (a validation set)")
    ap.add_argument("--axes", default=",".join(AXES), help="comma-separated axes to learn rules for")
    args = ap.parse_args(argv)
    if any("gold" in p.parts for p in args.labels):
        print("learn_lexicon: the gold set is for measuring only, never for learning", file=sys.stderr)
        return 2
    labels = read_labels(args.labels, args.holdout_from)
    rules = learn(labels, texts(args.workspace), scale=args.scale, min_support=args.min_support,
                  min_lift=args.min_lift, per_concept=args.per_concept, axes=args.axes.split(","))
    held = f", items {args.holdout_from}+ of {args.labels[-1].name} held out" if args.holdout_from else ""
    params = f"axes {args.axes}{held}, scale {args.scale}, min support {args.min_support}, min lift {args.min_lift}"
    args.out.write_text(turtle(rules, [p.name for p in args.labels], params), encoding="utf-8")
    print(f"{len(rules)} rules from {len({k[0] for k in labels})} labelled items -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
