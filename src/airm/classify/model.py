"""The learned text model of `airm classify` (method text-model): one linear classifier per axis, kept as data
(data/classify/model/text-model.ttl, written by benchmarks/learn_model.py from the development labels). Each weight
ties one feature (a word or two-word phrase of the record's text, or a fact the graph states about it) to one concept;
a concept's score is its bias plus the weights of the features present, and the softmax of the scores gives each
concept's probability. Scoring is plain Python, so scikit-learn is needed only to learn the file. A weight naming a
concept outside its axis's scheme is refused, naming the file and line."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputFileError
from ..resources import classifier_model_file
from ..vocab import Airm, Rdf
from .axes import AXES, Schemes
from .facts import Facts, Mitigation, held
from .rules import read_turtle_nodes, score

BIAS = "(bias)"
MAX_MODEL_BYTES = 10_000_000
MODEL_AXES = ("lifecycle-stage", "actor-type", "rmf-function", "risk")
STOP = frozenset((  # noqa: SIM905 (a word list reads better as one string)
    "a an and are as at be been by can could do does for from has have if in into is it its may more most of on "
    "or other should such than that the their them then there these they this those through to under use used using "
    "was were which while who will with within would e g i ie eg etc also any all both each how not no own so").split())
WORD = re.compile(r"[a-z][a-z0-9]+(?:-[a-z0-9]+)*")
NIST_FUNCTION = re.compile(r"^(GV|MP|MS|MG)-\d")
SOURCE_KEYS = (("nist-ai-600-1", "nist"), ("atlas", "atlas"), ("mit-mitigation/", "mit"))


def terms(text: str) -> set[str]:
    """The distinct words (not stop words, three letters or more) and two-word phrases of a text, lower case."""
    words = WORD.findall(text.lower())
    out = {w for w in words if w not in STOP and len(w) > 2}
    out |= {f"{a} {b}" for a, b in pairwise(words) if a not in STOP and b not in STOP}
    return out


def _code(facts: Facts, axis: str, iri: str) -> str:
    c = facts.schemes.concept(axis, iri)
    return (c.code or iri.rsplit("/", 1)[-1]) if c else iri.rsplit("/", 1)[-1]


def _held_features(facts: Facts, prefix: str, m: Mitigation) -> set[str]:
    out = set()
    for axis, values in m.values.items():
        out |= {f"{prefix}:{axis}:{_code(facts, axis, v)}" for v in values if facts.schemes.concept(axis, v)}
    return out


def rules_features(facts: Facts, m: Mitigation, rules) -> set[str]:
    """The text rules' reading on each axis: ``rules:AXIS:CODE`` for their best value, ``rules-near:AXIS:CODE`` for
    the others scoring at least NEAR of it, so the model learns how far to trust the hand-written rules."""
    out = set()
    for axis in MODEL_AXES:
        ranked = [s for s in score(rules, axis, f"{m.label}. {m.text}", held(m, facts)) if not s.default]
        if ranked:
            out.add(f"rules:{axis}:{_code(facts, axis, ranked[0].value)}")
            out |= {f"rules-near:{axis}:{_code(facts, axis, s.value)}" for s in ranked[1:]
                    if s.score >= NEAR * ranked[0].score}
    return out


NEAR = 0.6
RULES_PREFIXES = ("rules:", "rules-near:")


def features(facts: Facts, m: Mitigation, rules=None) -> set[str]:
    """Everything the model may weigh for one mitigation: ``text:`` terms of its label and description, the text
    rules' reading (with ``rules``), and the facts the graph states: its source, the values it holds on any axis
    (``held:``) and those of its exact matches (``match:``), a NIST identifier's function code, the stages and actors
    of its NIST AI actor tasks, the subdomains the crosswalks reach from its risks and category, the documents it is
    extracted from. Kept in ``facts.features`` once computed."""
    key = (m.iri, rules is not None)
    if key not in facts.features:
        facts.features[key] = _features(facts, m) | (rules_features(facts, m, rules) if rules else set())
    return facts.features[key]


def _features(facts: Facts, m: Mitigation) -> set[str]:
    out = {f"text:{t}" for t in terms(f"{m.label}. {m.text}")}
    out.add("source:" + next((key for ns, key in SOURCE_KEYS if ns in m.iri), "curated"))
    out |= _held_features(facts, "held", m)
    for other in (facts.mitigations.get(o) for o in sorted(m.matches)):
        out |= _held_features(facts, "match", other) if other else set()
    found = NIST_FUNCTION.match(m.ident)
    out |= {f"id-function:{found.group(1)}"} if found else set()
    out |= {f"task:lifecycle-stage:{_code(facts, 'lifecycle-stage', facts.task_stage[t])}"
            for t in m.tasks if t in facts.task_stage}
    out |= {f"task:actor-type:{_code(facts, 'actor-type', facts.task_actor[t])}"
            for t in m.tasks if t in facts.task_actor}
    for concept in sorted(m.addressed) + sorted(m.values.get("mitigation-category", ())):
        out |= {f"crosswalk:{_code(facts, 'risk', sub)}" for sub, _p, _s in facts.crosswalk.get(concept, ())}
    out |= {f"document:{d.rsplit('/', 1)[-1]}" for d in m.documents}
    return out


@dataclass
class AxisModel:
    axis: str
    threshold: float  # a further value is proposed when its probability is at least this (multi-valued axes)
    bias: dict = field(default_factory=dict)  # concept -> bias
    weights: dict = field(default_factory=lambda: defaultdict(dict))  # feature -> {concept: weight}


@dataclass
class TextModel:
    version: str
    axes: dict  # axis -> AxisModel
    where: str = ""

    @property
    def uses_rules(self) -> bool:
        """Whether some weight counts the text rules' reading (rules_features): then scoring needs the rules."""
        return any(f.startswith(RULES_PREFIXES) for am in self.axes.values() for f in am.weights)


@dataclass(frozen=True)
class Reading:
    value: str
    probability: float
    because: tuple  # the present features that raised this value's score most, strongest first


def predict(model: TextModel, axis: str, feats: set[str]) -> list[Reading]:
    """Every concept of ``axis`` with its probability, most probable first (ties by IRI); [] if no model for it."""
    am = model.axes.get(axis)
    if am is None or not am.bias:
        return []
    scores = dict(am.bias)
    votes: dict = defaultdict(list)
    for f in sorted(feats):
        for concept, w in am.weights.get(f, {}).items():
            scores[concept] += w
            votes[concept].append((w, f))
    top = max(scores.values())
    exp = {c: math.exp(s - top) for c, s in scores.items()}
    total = sum(exp.values())
    ranked = sorted(scores, key=lambda c: (-scores[c], c))
    return [Reading(c, exp[c] / total, tuple(f for w, f in sorted(votes[c], key=lambda x: (-x[0], x[1])) if w > 0))
            for c in ranked]


def chosen(model: TextModel, axis: str, readings: list[Reading], most: int = 3) -> list[Reading]:
    """The most probable value, then (multi-valued axes) the others whose probability reaches the axis's threshold."""
    if not readings:
        return []
    if not AXES[axis].multi:
        return readings[:1]
    return readings[:1] + [r for r in readings[1:most] if r.probability >= model.axes[axis].threshold]


def load_model(schemes: Schemes, path=None) -> TextModel | None:
    """The shipped model (or ``path``), checked against the concept schemes; None when the file does not exist."""
    path = Path(path) if path is not None else classifier_model_file()
    if path is None or not path.exists():
        return None
    text, nodes = read_turtle_nodes(path, MAX_MODEL_BYTES, "model")
    return _model_of(path, text, nodes, schemes)


def _model_of(path: Path, text: str, nodes: dict, schemes: Schemes) -> TextModel:
    model = TextModel("", {}, str(path))
    for iri, d in sorted(nodes.items()):
        if d.get(Rdf.type, ox.Literal("")).value != Airm.TextModel:
            continue
        axis = _axis(path, text, iri, d)
        model.version = d.get(Airm.modelVersion, ox.Literal("")).value or model.version
        model.axes[axis] = AxisModel(axis, _number(path, text, iri, d, Airm.setThreshold, 0, 1))
    if not model.version:
        raise InputFileError(path, "no airm:TextModel with an airm:modelVersion", hint="regenerate the file with "
                             "benchmarks/learn_model.py")
    for iri, d in sorted(nodes.items()):
        if d.get(Rdf.type, ox.Literal("")).value != Airm.ModelWeight:
            continue
        _weight(path, text, iri, d, model, schemes)
    return model


def _weight(path: Path, text: str, iri: str, d: dict, model: TextModel, schemes: Schemes) -> None:
    local = iri.rsplit("/", 1)[-1]
    axis = _axis(path, text, iri, d)
    if axis not in model.axes:
        _fail(path, text, local, f"no airm:TextModel states the {axis} axis", "add the axis's model node")
    value = d.get(Airm.modelValue)
    if value is None or schemes.concept(axis, value.value) is None:
        shown = value.value if value is not None else "(none)"
        _fail(path, text, re.split(r"[/#]", shown)[-1] if value is not None else local,
              f"weight {local}: {shown} is not a concept of the {axis} scheme",
              f"name a concept of {AXES[axis].scheme} by its IRI (see data/schemes/ and data/taxonomies/)")
    feature = d.get(Airm.modelFeature, ox.Literal("")).value
    if not feature:
        _fail(path, text, local, f"weight {local} names no feature (airm:modelFeature)", 'e.g. "text:red teaming"')
    weight = _number(path, text, iri, d, Airm.modelWeight, -100, 100)
    am = model.axes[axis]
    if feature == BIAS:
        am.bias[value.value] = weight
    else:
        am.weights[feature][value.value] = weight
    am.bias.setdefault(value.value, 0.0)


def _axis(path: Path, text: str, iri: str, d: dict) -> str:
    axis = d.get(Airm.classificationAxis)
    if axis is None or axis.value not in MODEL_AXES:
        _fail(path, text, iri.rsplit("/", 1)[-1], f"{iri.rsplit('/', 1)[-1]}: unknown axis "
              f"{axis.value if axis else '(none)'!r}", f"use one of {', '.join(MODEL_AXES)}")
    return axis.value


def _number(path: Path, text: str, iri: str, d: dict, prop: str, low: float, high: float) -> float:
    try:
        value = float(d[prop].value)
    except (KeyError, ValueError):
        value = math.nan
    if not low <= value <= high:  # NaN fails too
        name = prop.rsplit("#", 1)[-1]
        _fail(path, text, iri.rsplit("/", 1)[-1], f"{iri.rsplit('/', 1)[-1]}: airm:{name} must be a number from "
              f"{low:g} to {high:g}", f'e.g. airm:{name} "0.5"^^xsd:decimal')
    return value


def _fail(path: Path, text: str, token: str, message: str, hint: str):
    line = next((n for n, row in enumerate(text.splitlines(), 1) if token and token in row
                 and not row.lstrip().startswith("#")), None)
    raise InputFileError(path, message, line=line, hint=hint)
