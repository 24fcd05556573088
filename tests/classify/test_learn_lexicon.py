"""benchmarks/learn_lexicon.py: a learned lexicon is a rules file like the hand-written ones (it loads, every value in
its scheme), learned only from the items it is given, and never from the gold set."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/airm/id/"
HEADER = ["mitigation_id", "source", "mitigation_iri", "axis", "value", "value_code", "rank", "justification"]


@pytest.fixture(scope="module")
def learner():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import learn_lexicon
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return learn_lexicon


def _labels(path: Path, items: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t")
        w.writerow(HEADER)
        for iri, stage in items:
            w.writerow([iri.rsplit("/", 1)[-1], "test", iri, "lifecycle-stage", ID + "lifecycle/" + stage, "", "1", ""])
    return path


TEXTS = {f"urn:m{i}": text for i, text in enumerate(
    ["Red team the model before release."] * 3 + ["Monitor the deployed system and log incidents."] * 3
    + ["Set a policy for the board."] * 3)}
STAGES = ["verify-and-validate"] * 3 + ["operate-and-monitor"] * 3 + ["plan-and-design"] * 3


def test_words_of_one_concept_become_rules_that_load(learner, tmp_path):
    labels = learner.read_labels([_labels(tmp_path / "l.tsv", list(zip(TEXTS, STAGES, strict=True)))])
    rules = learner.learn(labels, TEXTS, scale=0.5, min_support=2, min_lift=1.5, per_concept=10,
                          axes=("lifecycle-stage",))
    found = {(c.rsplit("/", 1)[-1], t) for _, c, t, _, _ in rules}
    assert ("verify-and-validate", "red team") in found and ("operate-and-monitor", "monitor") in found
    assert ("verify-and-validate", "monitor") not in found
    out = tmp_path / "learned.ttl"
    out.write_text(learner.turtle(rules, ["l.tsv"], "test"), encoding="utf-8")
    import airm
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.rules import load_rules, score

    kg = airm.load()
    loaded = load_rules(load_schemes(lambda t: graphs.select(kg.store, t)), [out])
    assert len(loaded) == len(rules)
    assert score(loaded, "lifecycle-stage", "We Red   team it")[0].value == ID + "lifecycle/verify-and-validate"


def test_held_out_items_are_not_learned_from(learner, tmp_path):
    path = _labels(tmp_path / "l.tsv", list(zip(TEXTS, STAGES, strict=True)))
    assert len(learner.read_labels([path])) == 9
    kept = learner.read_labels([path], holdout_from=4)
    assert sorted(iri for iri, _ in kept) == ["urn:m0", "urn:m1", "urn:m2"]


def test_the_gold_set_is_refused(learner, tmp_path, capsys):
    gold = tmp_path / "gold"
    gold.mkdir()
    code = learner.main(["--workspace", str(tmp_path), "--labels", str(_labels(gold / "g.tsv", [])),
                         "--out", str(tmp_path / "x.ttl")])
    assert code == 2 and "never for learning" in capsys.readouterr().err
    assert not (tmp_path / "x.ttl").exists()
