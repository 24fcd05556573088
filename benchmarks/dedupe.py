"""De-duplication threshold, measured on the five public sources (issue 14 item 2).

Usage: python benchmarks/dedupe.py WORKSPACE [--out benchmarks/results/dedupe.json]

WORKSPACE holds the five sources imported as tests/helpers.py:import_all_sources does. For every mitigation, the
best rapidfuzz ratio against each other source is taken (normalised text, as airm.dedupe compares them), and the
distribution of those best scores is written out with the links airm.dedupe makes and a sample of them to check by
hand. Nothing here is timed; benchmarks/README.md, "De-duplication", records the threshold and the hand check.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path


def measure(workspace: Path) -> dict:
    import numpy as np
    from rapidfuzz import fuzz, process

    import airm
    from airm import dedupe

    kg = airm.load(workspace=workspace)
    recs = dedupe.records(kg.store)
    by_graph: dict[str, list] = {}
    for r in recs:
        by_graph.setdefault(r.graph, []).append(r)
    best_scores = []
    for a, left in by_graph.items():
        for b, right in by_graph.items():
            if a < b:
                scores = process.cdist([r.text for r in left], [r.text for r in right], scorer=fuzz.ratio,
                                       dtype=np.float32, workers=1)
                best_scores += [float(s) for s in scores.max(axis=1)]
    matches = dedupe.find_matches(recs)
    reps = dedupe.representatives(recs, matches)
    near = sorted(s for s in best_scores if 50 <= s < 100)
    texts = {r.iri: r.text for r in recs}
    sample = random.Random(14).sample([m for m in matches if m.predicate.endswith("exactMatch")], 20)
    return {
        "threshold": dedupe.CLOSE_THRESHOLD,
        "method_version": dedupe.METHOD_VERSION,
        "records": len(recs),
        "links": dict(Counter(m.predicate.rsplit("#", 1)[-1] for m in matches)),
        "clusters": len(set(reps.values())),
        "best_score_histogram_5pt": {str(k): v
                                     for k, v in sorted(Counter(int(s // 5 * 5) for s in best_scores).items())},
        "best_scores_between_50_and_100": [round(s, 1) for s in near],
        "close_matches": [{"subject": m.subject, "object": m.object, "score": m.score} for m in matches
                          if m.predicate.endswith("closeMatch")],
        "exact_sample": [{"subject": m.subject, "object": m.object, "text": texts[m.subject][:120]} for m in sample],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "dedupe.json")
    args = ap.parse_args()
    result = measure(args.workspace)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("close_matches", "exact_sample")}, indent=2))


if __name__ == "__main__":
    main()
