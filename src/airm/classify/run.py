"""``airm classify``: propose, for every mitigation lacking a value on an axis, values from the strongest method that
has any, and write them as the proposals graph of the workspace (all or nothing). Curated facts are never touched."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import UserError
from ..kg import load
from ..workspace import workspace_dir
from . import graphs, methods, proposals
from .axes import AXES, load_schemes
from .facts import held, read_facts
from .model import load_model
from .rules import load_rules, score

MAX_VALUES = 3  # on a multi-valued axis: at most this many proposals per mitigation


@dataclass
class ClassifyResult:
    workspace: str
    mitigations: int
    proposed: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)  # axis -> (with a curated or source value, with a proposal)
    rejected_answers: list = field(default_factory=list)  # LLM values outside the schemes, reported, never stored

    def lines(self) -> list[str]:
        by = Counter((p.axis, p.method) for p in self.proposed)
        out = [f"classified {self.mitigations} mitigations; {len(self.proposed)} proposals written to "
               f"{self.workspace}/{proposals.FOLDER}/proposals.nq (review with: airm classify --export FILE)"]
        for axis in AXES:
            have, proposed = self.coverage.get(axis, (0, 0))
            methods_used = ", ".join(f"{m} {n}" for (a, m), n in sorted(by.items()) if a == axis) or "none"
            out.append(f"  {axis}: {have} had a value, {proposed} more now have a proposal "
                       f"({_pct(have + proposed, self.mitigations)} covered); by method: {methods_used}")
        out += [f"  rejected: {r}" for r in self.rejected_answers]
        return out


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f} %" if total else "n/a"


def classify(kg=None, *, workspace=None, only=None, rules_files=None, llm=None, model_file=None) -> ClassifyResult:
    """Propose values for every mitigation (or the identifiers in ``only``) and replace the proposals graph.

    Proposals already rejected are not made again; accepted ones are curated facts by now, so their axis is no
    longer lacking. ``llm`` (an :class:`airm.classify.llm.LLMClient`) replaces the text reading where it is given.
    The text is read by the learned text model (``model_file``, default the shipped one; ``"none"``: no model) on
    the axes it has, by the text rules elsewhere; given ``rules_files`` and no ``model_file``, by those rules alone.
    """
    ws = workspace_dir(workspace)
    kg = kg if kg is not None else load(workspace=ws)

    def select(text):
        return graphs.select(kg.store, text)

    schemes = load_schemes(select)
    rules = load_rules(schemes, rules_files)
    reader = Reader(rules, _model(schemes, model_file, rules_files))
    facts = read_facts(select, schemes)
    p_file, c_file = proposals.files(ws)
    old, curated = proposals.read(p_file), proposals.read(c_file)
    rejected = {p.key(): p for p in old if p.status == "rejected"}
    chosen = _chosen_mitigations(facts, only)
    result = ClassifyResult(str(ws), len(chosen))
    new, asked = [], []
    for m in chosen:
        for axis in AXES:
            if m.values.get(axis):
                new += _reading_beside_stated(facts, m, axis, reader, set(rejected))
                continue
            picked = _propose(facts, m, axis, reader, set(rejected))
            if picked and picked[0].method in TEXT_METHODS and llm is not None and axis != "mitigation-category":
                asked.append((m, axis))
                continue
            new += picked
    if asked:
        new += _ask_llm(llm, facts, asked, result)
    result.proposed = sorted(new, key=proposals.Proposal.key)
    had = {a: {m.iri for m in chosen if m.values.get(a)} for a in AXES}
    result.coverage = {a: (len(had[a]), len({p.mitigation for p in new if p.axis == a} - had[a])) for a in AXES}
    proposals.save(ws, list(rejected.values()) + result.proposed, curated)
    return result


def _chosen_mitigations(facts, only):
    if not only:
        return [facts.mitigations[k] for k in sorted(facts.mitigations)]
    by_ident = facts.by_ident()
    missing = [i for i in only if i not in by_ident and i not in facts.mitigations]
    if missing:
        raise UserError(f"no mitigation with the identifier {', '.join(missing)}",
                        hint="give the source's own identifier, e.g. A0388_NIST2024, AML.M0019 or GV-1.1-001")
    return [by_ident.get(i) or facts.mitigations[i] for i in only]


TEXT_METHODS = ("text-rules", "text-model")


@dataclass(frozen=True)
class Reader:
    """What reads a mitigation's text: the learned text model on the axes it has, the text rules on the others."""

    rules: list
    model: object = None

    def uses_model(self, axis: str) -> bool:
        return self.model is not None and axis in self.model.axes

    def propose(self, facts, m, axis) -> list:
        if self.uses_model(axis):
            return methods.text_model(facts, m, axis, self.model, self.rules)
        return methods.text_rules(facts, m, axis, self.rules)

    def beside(self, facts, m, axis, besides, why: str) -> list:
        if self.uses_model(axis):
            return methods.model_reading(facts, m, axis, self.model, besides, why, self.rules)
        return methods.text_reading(facts, m, axis, self.rules, besides, why)

    def scores(self, facts, m, axis) -> dict:
        if self.uses_model(axis):
            return {r.value: r.probability for r in methods.model_readings(facts, m, axis, self.model, self.rules)}
        scored = score(self.rules, axis, f"{m.label}. {m.text}", held(m, facts))
        return {s.value: s.score for s in scored if not s.default}


def _model(schemes, model_file, rules_files):
    if model_file == "none" or (model_file is None and rules_files):
        return None
    return load_model(schemes, model_file)


def _propose(facts, m, axis, reader: Reader, rejected: set) -> list:
    """The candidates of the strongest method that has any, best first."""
    tiers = [lambda: methods.inherited(facts, m, axis), lambda: methods.structural(facts, m, axis),
             lambda: methods.crosswalk(facts, m, axis)]
    if axis != "mitigation-category":  # the taxonomy category only where a source or match fixes it
        tiers.append(lambda: reader.propose(facts, m, axis))
    for tier in tiers:
        found = [p for p in tier() if p.key() not in rejected]
        if found:
            ranked = methods.rank(found, reader.scores(facts, m, axis))
            kept = ranked[:MAX_VALUES] if AXES[axis].multi else ranked[:1]
            if kept[0].method in methods.READ_BESIDE and axis != "mitigation-category":
                why = f"the {kept[0].method} method's {_values_named(facts, axis, kept)} stay proposed beside it"
                kept += [p for p in reader.beside(facts, m, axis, {p.value for p in kept}, why)
                         if p.key() not in rejected]
            return kept
    return []


def _reading_beside_stated(facts, m, axis, reader: Reader, rejected: set) -> list:
    """The text's own reading where a source states other values on the axis (they stay stated): see
    methods.READ_BESIDE. Not for the taxonomy category, which only a source or a match fixes."""
    if axis == "mitigation-category":
        return []
    stated = m.values[axis]
    why = f"the source states {_values_named(facts, axis, stated)}, which stay{'s' if len(stated) == 1 else ''} stated"
    return [p for p in reader.beside(facts, m, axis, stated, why) if p.key() not in rejected]


def _values_named(facts, axis, values) -> str:
    named = [methods.value_label(facts, axis, v if isinstance(v, str) else v.value) for v in values]
    return ", ".join(sorted(named))


def _ask_llm(llm, facts, asked, result) -> list:
    by_mitigation: dict = {}
    for m, axis in asked:
        by_mitigation.setdefault(m.iri, (m, []))[1].append(axis)
    out = []
    for m, axes in by_mitigation.values():
        found, rejected = llm.classify(m, axes, facts.schemes)
        out += found
        result.rejected_answers += rejected
    return out
