"""The development labels the text model learns from (benchmarks/classify-dev/): the stage labels adjudicated in
round 4 agree with both annotations where they agree and say whose list they took where not; the learner takes the
stage from that file and every other axis from the first annotation; no development item is a gold item."""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from helpers import ROOT

DEV = ROOT / "benchmarks" / "classify-dev"
FIRST = [DEV / "dev.tsv", DEV / "dev-a.tsv", DEV / "dev-b.tsv"]
SECOND = DEV / "stage-second.tsv"
ADJUDICATED = DEV / "stage-adjudicated.tsv"
COLUMNS = ["mitigation_id", "source", "mitigation_iri", "axis", "value", "value_code", "rank", "justification"]
STAGE = "lifecycle-stage"


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        return reader.fieldnames, list(reader)


def _stages(paths) -> dict:
    """mitigation IRI -> stage codes by rank, the first file to label an item winning."""
    out: dict = {}
    for path in paths:
        by = defaultdict(list)
        for row in _rows(path)[1]:
            if row["axis"] == STAGE:
                by[row["mitigation_iri"]].append((int(row["rank"]), row["value_code"]))
        out |= {k: [c for _, c in sorted(v)] for k, v in by.items() if k not in out}
    return out


def test_both_stage_files_have_the_documented_columns_and_only_stage_rows():
    for path, extra in ((SECOND, []), (ADJUDICATED, ["basis"])):
        columns, rows = _rows(path)
        assert columns == COLUMNS + extra, path.name
        assert {r["axis"] for r in rows} == {STAGE}
        assert {r["value_code"] for r in rows} <= set("123456")
        assert all(r["value"].endswith("/" + r["value"].rsplit("/", 1)[-1]) and r["value"] for r in rows)


def test_the_adjudicated_stages_keep_what_both_annotations_agree_on_and_say_where_they_chose():
    first, second, final = _stages(FIRST), _stages([SECOND]), _stages([ADJUDICATED])
    basis = {r["mitigation_iri"]: r["basis"] for r in _rows(ADJUDICATED)[1]}
    assert set(final) == set(first) == set(second) and len(final) >= 900
    expected = {"agreed": lambda k: first[k] == second[k] == final[k],
                "adjudicated-first": lambda k: first[k] != second[k] and final[k] == first[k],
                "adjudicated-second": lambda k: first[k] != second[k] and final[k] == second[k],
                "adjudicated-own": lambda k: final[k] not in (first[k], second[k])}
    wrong = [(k, basis.get(k)) for k in final if basis.get(k) not in expected or not expected[basis[k]](k)]
    assert wrong == []
    assert all(1 <= len(v) <= 3 and len(set(v)) == len(v) for v in final.values())


def test_the_learner_takes_the_stage_from_the_adjudicated_file_and_the_other_axes_from_the_first_annotation():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import learn_model

    assert learn_model.DEFAULT_LABELS[0] == ADJUDICATED
    labels = learn_model.read_labels(learn_model.DEFAULT_LABELS)
    concept = {r["value_code"]: r["value"] for r in _rows(ADJUDICATED)[1]}
    final = _stages([ADJUDICATED])
    assert {k: v for k, v in labels.items() if k[1] == STAGE} == {
        (k, STAGE): [concept[c] for c in v] for k, v in final.items()}
    others = learn_model.read_labels(FIRST)
    assert {k: v for k, v in labels.items() if k[1] != STAGE} == {k: v for k, v in others.items() if k[1] != STAGE}
    assert sum(1 for _, axis in labels if axis == "actor-type") >= 900


def test_no_development_item_is_in_the_gold_sample():
    gold = {r["mitigation_iri"] for r in _rows(ROOT / "tests" / "gold" / "sample.tsv")[1]}
    assert not gold & set(_stages(FIRST + [SECOND, ADJUDICATED]))
