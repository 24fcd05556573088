"""The offline methods, strongest first: inherited through an exact match, structural facts of the source, the
crosswalks, and the text rules. Each returns candidate proposals for one mitigation on one axis."""

from __future__ import annotations

import re

from .axes import AXES
from .facts import Facts, Mitigation, held, source_name
from .model import chosen, features, predict
from .proposals import Proposal
from .rules import VERSION as RULES_VERSION
from .rules import score

VERSION = "2"
# Axes on which a duplicate's values are evidence for the text rules (held-value rules), not proposals of their own: a
# NIST action's stages and actors are derived from the list of AI actor tasks taking part, which says who and when is
# involved, not what the measure itself is mostly about; its function comes from the RMF subcategory it is filed
# under, which the labelling guidelines do not copy either. Measured on benchmarks/classify-dev/: inheriting them lost
# about one stage, actor and function in ten among MIT copies of NIST actions.
HINT_ONLY_AXES = ("lifecycle-stage", "actor-type", "rmf-function")
NIST_FUNCTION = re.compile(r"^(GV|MP|MS|MG)-\d")
MATCH_WORD = {"exactMatch": "an exact", "closeMatch": "a close", "broadMatch": "a broader", "narrowMatch": "a narrower"}


def value_label(facts: Facts, axis: str, iri: str) -> str:
    c = facts.schemes.concept(axis, iri)
    return f"{c.code} {c.label}".strip() if c and axis in ("risk", "mitigation-category") else (c.label if c else iri)


def inherited(facts: Facts, m: Mitigation, axis: str) -> list[Proposal]:
    """The values of the records recorded as the same measure (on HINT_ONLY_AXES, none: see there)."""
    if axis in HINT_ONLY_AXES:
        return []
    out = []
    for other_iri in sorted(m.matches):
        other = facts.mitigations.get(other_iri)
        for value in sorted(other.values.get(axis, ())) if other else ():
            why = (f"inherited from {source_name(other.iri)} {other.ident}, recorded as the same measure "
                   f"(skos:exactMatch), which is classified {value_label(facts, axis, value)}.")
            out.append(Proposal(m.iri, axis, value, "inherited", VERSION, 0.95, why))
    return out


def structural(facts: Facts, m: Mitigation, axis: str) -> list[Proposal]:
    out = []
    if axis == "rmf-function":
        found = NIST_FUNCTION.match(m.ident)
        concept = found and facts.schemes.by_code(axis, found.group(1))
        if concept:
            why = (f"The NIST AI 600-1 identifier {m.ident} begins with {found.group(1)}, the code of the "
                   f"{concept.label} function.")
            out.append(Proposal(m.iri, axis, concept.iri, "structural", VERSION, 0.95, why))
    table = {"lifecycle-stage": facts.task_stage, "actor-type": facts.task_actor}.get(axis)
    if table:
        by_value: dict = {}
        for task in sorted(m.tasks):
            if task in table:
                by_value.setdefault(table[task], []).append(task)
        for value, tasks in by_value.items():
            named = ", ".join(f"'{t}'" for t in tasks)
            why = (f"NIST AI 600-1 assigns this action to the AI actor task {named}, which implies "
                   f"{value_label(facts, axis, value)}.")
            out.append(Proposal(m.iri, axis, value, "structural", VERSION, 0.7, why))
    return out


def crosswalk(facts: Facts, m: Mitigation, axis: str) -> list[Proposal]:
    """Risk subdomains reached from the risks a mitigation addresses (record level) or from its taxonomy
    subcategory (category level, weaker and said so)."""
    if axis != "risk":
        return []
    found: dict = {}
    for risk in sorted(m.addressed):
        for sub, pred, mset in facts.crosswalk.get(risk, ()):
            kind = MATCH_WORD.get(pred.rsplit("#", 1)[-1], "a")
            conf = 0.75 if kind in ("an exact", "a close") else 0.6
            via = f" {mset.rsplit('/', 1)[-1]}" if mset else ""
            why = (f"It addresses {facts.labels.get(risk, risk)}, which the crosswalk{via} maps to "
                   f"{value_label(facts, axis, sub)} by {kind} match.")
            _keep(found, Proposal(m.iri, axis, sub, "crosswalk", VERSION, conf, why))
    for category in sorted(m.values.get("mitigation-category", ())):
        for sub, _pred, _set in facts.crosswalk.get(category, ()):
            named = value_label(facts, "mitigation-category", category)
            why = (f"Its MIT taxonomy subcategory {named} is designed to address {value_label(facts, axis, sub)} "
                   "(a category-level crosswalk, weaker than a record-level link).")
            _keep(found, Proposal(m.iri, axis, sub, "crosswalk", VERSION, 0.5, why))
    return list(found.values())


def _keep(found: dict, p: Proposal) -> None:
    """One proposal per value: the most confident reason, counting how many reasons agreed."""
    old = found.get(p.value)
    if old is None or p.confidence > old.confidence:
        found[p.value] = p


AXIS_WORDS = {"lifecycle-stage": "lifecycle stage", "actor-type": "actor type", "rmf-function": "RMF function",
              "risk": "risk", "mitigation-category": "MIT taxonomy category"}


def _evidence(facts: Facts, m: Mitigation, s) -> str:
    """What a text-rules score rests on, in words: the matched words, then the held concepts (own or a duplicate's)."""
    own, of_match = [], []
    for concept in s.held:
        axis = next((a for a in AXES if facts.schemes.concept(a, concept)), "")
        if not axis:  # a document
            own.append(f"extracted from {concept.rsplit('/', 1)[-1]}")
            continue
        named = f"{AXIS_WORDS.get(axis, axis)} {value_label(facts, axis, concept)}"
        (own if concept in m.values.get(axis, ()) else of_match).append(named)
    parts = [f"its text mentions {', '.join(repr(w) for w in s.words[:3])}"] if s.words else []
    held = " and ".join(x if x.startswith("extracted") else "classified " + x for x in own)
    parts += [f"it is {held}"] if own else []
    parts += [f"its exact match is classified {' and '.join(of_match)}"] if of_match else []
    return "; ".join(parts)


def text_rules(facts: Facts, m: Mitigation, axis: str, rules) -> list[Proposal]:
    ranked = score(rules, axis, f"{m.label}. {m.text}", held(m, facts))
    if not ranked:
        return []
    if ranked[0].default:
        d = ranked[0]
        why = (f"No rule of the lexicon matched its text; {value_label(facts, axis, d.value)} is the low-confidence "
               f"default for this axis (text rules v{RULES_VERSION}).")
        return [Proposal(m.iri, axis, d.value, "text-rules", RULES_VERSION, 0.1, why)]
    keep = ranked[:1] if not AXES[axis].multi else [s for s in ranked if s.score >= 0.6 * ranked[0].score][:3]
    out = []
    for s in keep:
        why = (f"Proposed as {value_label(facts, axis, s.value)} because {_evidence(facts, m, s)} "
               f"(text rules v{RULES_VERSION}).")
        confidence = round(min(0.8, 0.3 + 0.15 * s.score), 3)
        out.append(Proposal(m.iri, axis, s.value, "text-rules", RULES_VERSION, confidence, why))
    return out


def rank(candidates: list[Proposal], text_scores: dict) -> list[Proposal]:
    """Most confident first; agreement with the text rules breaks ties (a NIST action in several tasks)."""
    return sorted(candidates, key=lambda p: (-p.confidence, -text_scores.get(p.value, 0.0), p.value))


# Methods beside whose values the text rules add their own reading when it differs: a source's stated values and the
# structural and crosswalk methods say where a measure was filed or what its tasks involve, not what its text says it
# mostly does (measured on benchmarks/classify-dev/, held-out part: the text's reading is the labelled primary value
# more often on every axis). An exact match's values are the same measure's, so no reading is added beside them.
READ_BESIDE = ("source", "structural", "crosswalk")


def text_reading(facts: Facts, m: Mitigation, axis: str, rules, besides, why_besides: str) -> list[Proposal]:
    """The value the text rules score highest, proposed beside ``besides`` (values stated or proposed by a stronger
    method, which stay as they are) when it is not among them; none when no rule matched."""
    ranked = [s for s in score(rules, axis, f"{m.label}. {m.text}", held(m, facts)) if not s.default]
    if not ranked or ranked[0].value in besides:
        return []
    top = ranked[0]
    why = (f"Its text reads mostly as {value_label(facts, axis, top.value)} because {_evidence(facts, m, top)}; "
           f"{why_besides} (text rules v{RULES_VERSION}).")
    return [Proposal(m.iri, axis, top.value, "text-rules", RULES_VERSION, round(min(0.8, 0.3 + 0.15 * top.score), 3),
                     why)]


def order_values(rules, facts: Facts, m: Mitigation, axis: str, stated, proposed, model=None) -> list[str]:
    """Every value of one mitigation on one axis, best first, for a top-1 answer: the value the text rules score
    highest when it is among them (the text's reading of what the measure mostly does), then the stated values, the
    one its text speaks for most first (a source's list, such as NIST's actor tasks or ATLAS's stages, has no order of
    its own), then the other proposals, most confident first. Nothing is dropped: a ranking, not a verdict. With a
    text ``model`` that has the axis, its probabilities take the place of the rules' scores."""
    if model is not None and axis in model.axes:
        return model_order(facts, m, axis, model, stated, proposed, rules)
    ranked = [s for s in score(rules, axis, f"{m.label}. {m.text}", held(m, facts)) if not s.default]
    scores = {s.value: s.score for s in ranked}
    top = ranked[0].value if ranked else None
    stated_order = sorted(stated, key=lambda v: (-scores.get(v, 0.0), v))
    rest = [p.value for p in sorted(proposed, key=lambda p: (-p.confidence, -scores.get(p.value, 0.0), p.value))]
    values = list(dict.fromkeys(stated_order + rest))
    return ([top] if top in values else []) + [v for v in values if v != top]



# --- the learned text model (method text-model): where it is loaded, it reads the text instead of the text rules ---

def _feature_words(facts: Facts, feature: str) -> str:
    """One feature of airm.classify.model in words, for a rationale."""
    kind, _, rest = feature.partition(":")
    axis, _, code = rest.partition(":")
    if kind == "text":
        return repr(rest)
    if kind in ("held", "match", "task"):
        c = facts.schemes.by_code(axis, code)
        named = f"{AXIS_WORDS.get(axis, axis)} {value_label(facts, axis, c.iri) if c else code}"
        return {"held": f"it is classified {named}", "match": f"its exact match is classified {named}",
                "task": f"its NIST AI actor tasks imply {named}"}[kind]
    if kind in ("rules", "rules-near"):
        c = facts.schemes.by_code(axis, code)
        named = f"{AXIS_WORDS.get(axis, axis)} {value_label(facts, axis, c.iri) if c else code}"
        return f"the text rules read it as {named}" + (" (among others)" if kind == "rules-near" else "")
    return {"source": f"it comes from {dict(TEXT_MODEL_SOURCES).get(rest, rest)}",
            "id-function": f"its identifier begins with {rest}", "crosswalk": f"a crosswalk reaches risk {rest}",
            "document": f"it is extracted from {rest}"}.get(kind, feature)


TEXT_MODEL_SOURCES = (("nist", "NIST AI 600-1"), ("atlas", "MITRE ATLAS"), ("mit", "the MIT database"),
                      ("curated", "airm's curated data"))


def _because(facts: Facts, reading) -> str:
    """The strongest features that voted for a reading, in words: the words of its text first, then facts."""
    top = reading.because[:4]
    words = [f.split(":", 1)[1] for f in top if f.startswith("text:")]
    parts = [f"its text says {', '.join(repr(w) for w in words)}"] if words else []
    parts += [_feature_words(facts, f) for f in top if not f.startswith("text:")]
    return "; ".join(parts) or "nothing in it spoke against how common this value is among the labelled items"


def model_readings(facts: Facts, m: Mitigation, axis: str, model, rules=None):
    """The text model's readings, most probable first; ``rules`` (the shipped text rules) when the model weighs
    their reading."""
    if model is None:
        return []
    return predict(model, axis, features(facts, m, rules if model.uses_rules else None))


def text_model(facts: Facts, m: Mitigation, axis: str, model, rules=None) -> list[Proposal]:
    """The text model's most probable value and, on a multi-valued axis, the others over its threshold."""
    out = []
    for r in chosen(model, axis, model_readings(facts, m, axis, model, rules)):
        why = (f"Proposed as {value_label(facts, axis, r.value)} with probability {r.probability:.2f} because "
               f"{_because(facts, r)} (text model v{model.version}).")
        out.append(Proposal(m.iri, axis, r.value, "text-model", model.version, round(r.probability, 3), why))
    return out


def model_reading(facts: Facts, m: Mitigation, axis: str, model, besides, why_besides: str,
                  rules=None) -> list[Proposal]:
    """The text model's most probable value, proposed beside ``besides`` (as text_reading does for the rules)."""
    readings = model_readings(facts, m, axis, model, rules)
    if not readings or readings[0].value in besides:
        return []
    top = readings[0]
    why = (f"Its text model reads it as {value_label(facts, axis, top.value)} with probability {top.probability:.2f} "
           f"because {_because(facts, top)}; {why_besides} (text model v{model.version}).")
    return [Proposal(m.iri, axis, top.value, "text-model", model.version, round(top.probability, 3), why)]


def model_order(facts: Facts, m: Mitigation, axis: str, model, stated, proposed, rules=None) -> list[str]:
    """order_values with the text model's probabilities in place of the text rules' scores."""
    probability = {r.value: r.probability for r in model_readings(facts, m, axis, model, rules)}
    top = max(probability, key=lambda v: (probability[v], v)) if probability else None
    stated_order = sorted(stated, key=lambda v: (-probability.get(v, 0.0), v))
    rest = [p.value for p in sorted(proposed, key=lambda p: (-p.confidence, -probability.get(p.value, 0.0), p.value))]
    values = list(dict.fromkeys(stated_order + rest))
    return ([top] if top in values else []) + [v for v in values if v != top]
