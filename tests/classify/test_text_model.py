"""The learned text model of airm classify (method text-model): the plain-Python scorer on hand-made weights, the
features it reads from the graph, the model file's shapes and load-time checks (a bad file is refused naming the file
and line), the shipped file valid, and (slow, with scikit-learn) reproduced byte for byte by
benchmarks/learn_model.py."""

from __future__ import annotations

import math
import os
import shutil
import sys
from pathlib import Path

import pytest

from helpers import run_cli

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ID = "https://w3id.org/airm/id/"
PREFIXES = """@prefix airm: <https://w3id.org/airm#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix model: <https://w3id.org/airm/id/classify/model/> .
"""
HEAD = PREFIXES + """model:rmf-function a airm:TextModel ; airm:classificationAxis "rmf-function" ;
  airm:modelVersion "t1" ; airm:setThreshold "0.3"^^xsd:decimal .
model:lifecycle-stage a airm:TextModel ; airm:classificationAxis "lifecycle-stage" ;
  airm:modelVersion "t1" ; airm:setThreshold "0.3"^^xsd:decimal .
"""


def _weight(name: str, axis: str, value: str, feature: str, w: float) -> str:
    return (f'model:{name} a airm:ModelWeight ; airm:classificationAxis "{axis}" ;\n'
            f'  airm:modelValue <{ID}{value}> ; airm:modelFeature "{feature}" ;\n'
            f'  airm:modelWeight "{w}"^^xsd:decimal .\n')


SMALL = HEAD + "".join((
    _weight("b-ms", "rmf-function", "rmf/measure", "(bias)", 0.5),
    _weight("b-gv", "rmf-function", "rmf/govern", "(bias)", 1.0),
    _weight("redteam-ms", "rmf-function", "rmf/measure", "text:red team", 2.0),
    _weight("redteam-gv", "rmf-function", "rmf/govern", "text:red team", -0.5),
    _weight("policy-gv", "rmf-function", "rmf/govern", "text:policy", 1.5),
    _weight("b-vv", "lifecycle-stage", "lifecycle/verify-and-validate", "(bias)", 0.0),
    _weight("b-om", "lifecycle-stage", "lifecycle/operate-and-monitor", "(bias)", 0.0),
    _weight("b-pd", "lifecycle-stage", "lifecycle/plan-and-design", "(bias)", -3.0),
    _weight("ms-vv", "lifecycle-stage", "lifecycle/verify-and-validate", "held:rmf-function:MS", 1.0),
    _weight("monitor-om", "lifecycle-stage", "lifecycle/operate-and-monitor", "text:monitor", 1.0),
))


@pytest.fixture(scope="module")
def schemes():
    import airm
    from airm.classify import graphs
    from airm.classify.axes import load_schemes

    kg = airm.load()
    return load_schemes(lambda t: graphs.select(kg.store, t))


def _load(tmp_path, text, schemes):
    from airm.classify.model import load_model

    path = tmp_path / "model.ttl"
    path.write_text(text, encoding="utf-8")
    return load_model(schemes, path)


def test_scorer_sums_bias_and_present_weights_then_softmax(tmp_path, schemes):
    from airm.classify.model import chosen, predict

    model = _load(tmp_path, SMALL, schemes)
    readings = predict(model, "rmf-function", {"text:red team", "text:unrelated"})
    # measure 0.5 + 2.0 = 2.5, govern 1.0 - 0.5 = 0.5: p(measure) = 1 / (1 + e^-2)
    assert [r.value for r in readings] == [ID + "rmf/measure", ID + "rmf/govern"]
    assert math.isclose(readings[0].probability, 1 / (1 + math.exp(-2.0)), rel_tol=1e-9)
    assert readings[0].because == ("text:red team",) and readings[1].because == ()
    assert predict(model, "rmf-function", {"text:policy"})[0].value == ID + "rmf/govern"
    assert predict(model, "risk", {"text:policy"}) == []  # no model for the axis: the text rules read it
    # a multi-valued axis keeps a second value over the threshold, a single-valued one never does
    stages = chosen(model, "lifecycle-stage", predict(model, "lifecycle-stage", {"held:rmf-function:MS",
                                                                                 "text:monitor"}))
    assert {r.value for r in stages} == {ID + "lifecycle/verify-and-validate", ID + "lifecycle/operate-and-monitor"}
    assert len(chosen(model, "rmf-function", readings)) == 1


def test_features_are_words_phrases_and_stated_facts():
    from airm.classify.axes import Concept, Schemes
    from airm.classify.facts import Facts, Mitigation
    from airm.classify.model import features, terms

    assert terms("Red-team the models, then red team them.") == {"red-team", "models", "red", "team", "red team"}
    fn = Concept(ID + "rmf/measure", "Measure", "MS")
    schemes = Schemes({"rmf-function": {fn.iri: fn}, "lifecycle-stage": {}, "actor-type": {}, "risk": {}})
    m = Mitigation(ID + "nist-ai-600-1/MS-2.3-001", "MS-2.3-001", "Red team", "Evaluate the model.")
    m.values["rmf-function"].add(fn.iri)
    found = features(Facts({m.iri: m}, schemes, {}, {}, {}), m)
    assert {"text:red team", "text:evaluate", "source:nist", "held:rmf-function:MS", "id-function:MS"} <= found


def test_the_text_rules_reading_is_a_feature(tmp_path, schemes):
    from airm.classify.facts import Facts, Mitigation
    from airm.classify.model import features, rules_features
    from airm.classify.rules import load_rules

    rules_file = tmp_path / "rules.ttl"
    rules_file.write_text(
        "@prefix airm: <https://w3id.org/airm#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + "".join(
            f'<https://example.org/r{n}> a airm:ClassificationRule ; airm:classificationAxis "lifecycle-stage" ;\n'
            f'  airm:ruleWeight "{w}"^^xsd:decimal ; airm:rulePattern "{p}" ; airm:ruleValue <{ID}lifecycle/{v}> .\n'
            for n, (p, v, w) in enumerate([("monitor", "operate-and-monitor", 1.0), ("log", "deploy", 0.7),
                                            ("test", "verify-and-validate", 0.5)])), encoding="utf-8")
    rules = load_rules(schemes, [rules_file])
    m = Mitigation("urn:m", "m", "Monitor and log", "")
    facts = Facts({m.iri: m}, schemes, {}, {}, {})
    assert rules_features(facts, m, rules) == {"rules:lifecycle-stage:6", "rules-near:lifecycle-stage:5"}
    assert "rules:lifecycle-stage:6" in features(facts, m, rules) and "text:monitor" in features(facts, m)


BAD_CONCEPT = HEAD + _weight("bad", "rmf-function", "rmf/launch-party", "text:party", 1.0)


def test_a_weight_naming_an_unknown_concept_is_refused_naming_file_and_line(tmp_path):
    fixture = tmp_path / "ws"
    (fixture / "sources").mkdir(parents=True)
    shutil.copy(HERE / "fixture.nq.txt", fixture / "sources" / "fixture.nq")
    bad = tmp_path / "bad-model.ttl"
    bad.write_text(BAD_CONCEPT, encoding="utf-8")
    code, _, err = run_cli("classify", "--text-model", str(bad), "--workspace", str(fixture))
    line = BAD_CONCEPT.splitlines().index(next(r for r in BAD_CONCEPT.splitlines() if "launch-party" in r)) + 1
    assert code == 2 and f"{bad}:{line}" in err and "launch-party is not a concept of the rmf-function scheme" in err
    assert "Traceback" not in err and not (fixture / "classification").exists()


@pytest.mark.parametrize("text, message", [
    (HEAD + _weight("w", "rmf-function", "rmf/govern", "text:x", 500), "must be a number from -100 to 100"),
    (HEAD + _weight("w", "actor-type", "actor/developer", "text:x", 1), "no airm:TextModel states the actor-type"),
    (PREFIXES + _weight("w", "rmf-function", "rmf/govern", "text:x", 1), "no airm:TextModel"),
])
def test_other_bad_model_files_are_refused(tmp_path, schemes, text, message):
    from airm.errors import InputFileError

    with pytest.raises(InputFileError, match=message):
        _load(tmp_path, text, schemes)


def test_shapes_refuse_a_bad_weights_file(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_CONCEPT + PREFIXES + 'model:x a airm:ModelWeight ; airm:classificationAxis "colour" ;\n'
                   '  airm:modelWeight "heavy" .\n', encoding="utf-8")
    code, out, err = run_cli("validate", str(bad))
    text = out + err
    assert code != 0 and "0 violation(s)" not in text
    assert "names exactly one concept" in text and "one axis" in text and "names one feature" in text


def test_shipped_model_loads_conforms_and_stays_out_of_the_graph(schemes):
    import airm
    from airm.classify.model import MODEL_AXES, load_model
    from airm.resources import classifier_model_file, data_files

    path = classifier_model_file()
    model = load_model(schemes)
    assert model is not None and set(model.axes) == set(MODEL_AXES)
    assert all(0 < am.threshold < 1 and am.bias for am in model.axes.values())
    code, out, err = run_cli("validate", str(path))
    assert code == 0 and "0 violation(s)" in out + err, out + err
    assert path not in data_files()
    assert airm.load().sparql("ASK { ?w a <https://w3id.org/airm#ModelWeight> }").boolean is False


@pytest.mark.slow
def test_learned_file_reproduces_byte_for_byte(five_sources, tmp_path):
    try:
        import sklearn  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but scikit-learn is missing (pip install 'airm[learn]')")
        pytest.skip("scikit-learn is needed to learn the model (pip install 'airm[learn]')")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import learn_model
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from airm.resources import classifier_model_file

    out = tmp_path / "text-model.ttl"
    # the choices the cross-validation made are read back from the shipped file (running it again takes minutes)
    argv = ["--workspace", str(five_sources), "--out", str(out), "--settings-from", str(classifier_model_file())]
    assert learn_model.main(argv) == 0

    assert out.read_bytes() == classifier_model_file().read_bytes()


def test_learning_refuses_the_gold_set(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import learn_model
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    gold = ROOT / "tests" / "gold" / "classification-gold.tsv"
    assert learn_model.main(["--workspace", str(tmp_path), "--out", str(tmp_path / "m.ttl"), "--labels",
                             str(gold)]) == 2
    assert not (tmp_path / "m.ttl").exists()


@pytest.fixture
def ws(tmp_path):
    """The fixture workspace of test_classify.py (two NIST-like actions, two MIT-like records, an exact match)."""
    (tmp_path / "sources").mkdir()
    shutil.copy(HERE / "fixture.nq.txt", tmp_path / "sources" / "fixture.nq")
    return tmp_path


def _facts(ws):
    """(schemes, facts, the shipped rules) of a workspace."""
    import airm
    from airm.classify import graphs
    from airm.classify.axes import load_schemes
    from airm.classify.facts import read_facts
    from airm.classify.rules import load_rules

    kg = airm.load(workspace=ws)
    schemes = load_schemes(lambda t: graphs.select(kg.store, t))
    return schemes, read_facts(lambda t: graphs.select(kg.store, t), schemes), load_rules(schemes)


def test_classify_reads_texts_with_the_shipped_model_by_default(ws):
    from airm.classify import classify
    from airm.classify.methods import model_readings
    from airm.classify.model import load_model

    result = classify(workspace=ws)
    schemes, facts, rules = _facts(ws)
    model = load_model(schemes)
    m = facts.mitigations["https://w3id.org/airm/id/mit-mitigation/T0002"]
    stages = [p for p in result.proposed if p.mitigation == m.iri and p.axis == "lifecycle-stage"]
    readings = model_readings(facts, m, "lifecycle-stage", model, rules)
    assert stages and all(p.method == "text-model" and p.version == model.version for p in stages)
    assert stages[0].value == readings[0].value and stages[0].confidence == round(readings[0].probability, 3)
    assert f"with probability {readings[0].probability:.2f} because " in stages[0].rationale
    assert stages[0].rationale.endswith(f"(text model v{model.version}).")
    assert all(p.confidence >= model.axes["lifecycle-stage"].threshold for p in stages[1:])
    functions = [p for p in result.proposed if p.mitigation == m.iri and p.axis == "rmf-function"]
    assert len(functions) == 1  # exactly one function


def test_model_reading_ranks_first_beside_stated_values(ws):
    from airm.classify import classify
    from airm.classify.methods import model_readings, order_values
    from airm.classify.model import load_model

    result = classify(workspace=ws)
    schemes, facts, rules = _facts(ws)
    model = load_model(schemes)
    m = facts.mitigations["https://w3id.org/airm/id/nist-ai-600-1/GV-9.9-002"]
    stated = m.values["rmf-function"]
    proposed = [p for p in result.proposed if p.mitigation == m.iri and p.axis == "rmf-function"]
    top = model_readings(facts, m, "rmf-function", model, rules)[0].value
    order = order_values(rules, facts, m, "rmf-function", stated, proposed, model)
    assert order[0] == top and set(order) == set(stated) | {p.value for p in proposed}
    assert all(p.method == "text-model" for p in proposed) and (top in stated) == (not proposed)


def test_given_rules_files_the_text_rules_read_alone_unless_a_model_is_named(ws, tmp_path):
    from airm.classify import classify
    from airm.classify.rules import rule_files

    result = classify(workspace=ws, rules_files=rule_files())
    assert {p.method for p in result.proposed} <= {"inherited", "structural", "crosswalk", "text-rules"}
    model = tmp_path / "m.ttl"
    model.write_text(SMALL, encoding="utf-8")
    result = classify(workspace=ws, rules_files=rule_files(), model_file=model)
    methods = {(p.axis, p.method) for p in result.proposed}
    assert ("rmf-function", "text-model") in methods and ("risk", "text-model") not in methods
