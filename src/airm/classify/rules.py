"""The offline text classifier: a lexicon of rules kept as data (data/classify/rules/*.ttl, read here, not built into
the knowledge graph), each counting for one concept when a pattern is found in the text or when the mitigation already
holds a given concept (its MIT taxonomy category, its NIST function), a hint the text alone often lacks.
Deterministic: the same text, facts and rules give the same proposals, with the matched words and facts as the reason.
A rules file naming a concept outside the schemes is refused, naming the file and line."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputFileError, UserError
from ..resources import classifier_rule_files
from ..vocab import Airm, Rdf
from .axes import AXES, Schemes

VERSION = "2"
SEARCH_SECONDS = 0.5  # per rule and text: a pattern that backtracks without end is stopped, naming the rule
RULE = Airm.ClassificationRule
MAX_RULES_BYTES = 10_000_000


@dataclass(frozen=True)
class Rule:
    iri: str
    axis: str
    value: str
    pattern: object | None  # a compiled `regex` pattern (it takes a deadline); None: a held-value rule or default
    weight: float
    where: str = ""  # file:line, for errors
    when_held: str = ""  # counts when the mitigation already holds this concept (on any axis)


def rule_files() -> list[Path]:
    return classifier_rule_files()


def load_rules(schemes: Schemes, paths=None) -> list[Rule]:
    """Every rule of ``paths`` (default: the shipped lexicon), checked against the concept schemes."""
    rules = []
    for path in rule_files() if paths is None else [Path(p) for p in paths]:
        rules += _rules_of(Path(path), schemes)
    return rules


def read_turtle_nodes(path: Path, max_bytes: int, kind: str) -> tuple[str, dict]:
    """A classifier data file's text and its nodes (subject -> predicate -> object), refused with the file named
    when it is too large, unreadable or not Turtle; ``kind`` names the file in the message ("rules", "model")."""
    try:
        if path.stat().st_size > max_bytes:
            raise InputFileError(path, f"the {kind} file is larger than {max_bytes:,} bytes")
        text = path.read_text(encoding="utf-8")
        triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except (OSError, UnicodeDecodeError) as e:
        raise InputFileError(path, f"cannot read the {kind} file: {e}") from None
    except SyntaxError as e:
        raise InputFileError(path, f"not valid Turtle: {e}") from None
    nodes: dict = defaultdict(dict)
    for t in triples:
        nodes[t.subject.value][t.predicate.value] = t.object
    return text, nodes


def _rules_of(path: Path, schemes: Schemes) -> list[Rule]:
    text, nodes = read_turtle_nodes(path, MAX_RULES_BYTES, "rules")
    out = []
    for iri, d in nodes.items():
        if d.get(Rdf.type, ox.Literal("")).value != RULE:
            continue
        out.append(_rule(path, text, iri, d, schemes))
    return out


def _rule(path: Path, text: str, iri: str, d: dict, schemes: Schemes) -> Rule:
    def fail(message: str, token: str, hint: str):
        raise InputFileError(path, f"rule {iri.rsplit('/', 1)[-1]}: {message}", line=_line_of(text, token), hint=hint)

    local = iri.rsplit("/", 1)[-1]
    axis = d.get(Airm.classificationAxis)
    if axis is None or axis.value not in AXES:
        fail(f"unknown axis {axis.value if axis else '(none)'!r}", local, f"use one of {', '.join(AXES)}")
    value = d.get(Airm.ruleValue)
    if value is None or schemes.concept(axis.value, value.value) is None:
        shown = value.value if value is not None else "(none)"
        fail(f"{shown} is not a concept of the {axis.value} scheme", _short(shown), "name a concept of "
             f"{AXES[axis.value].scheme} by its IRI (see data/schemes/ and data/taxonomies/)")
    try:
        weight = float(d[Airm.ruleWeight].value)
    except (KeyError, ValueError):
        weight = -1.0
    if not 0 < weight <= 1.5:
        fail("airm:ruleWeight must be a number above 0 and at most 1.5", local, "e.g. airm:ruleWeight 0.8")
    pattern, when_held = None, ""
    if Airm.ruleWhenHeld in d:
        when_held = d[Airm.ruleWhenHeld].value
        if not any(schemes.concept(a, when_held) for a in AXES) and when_held not in schemes.documents:
            fail(f"airm:ruleWhenHeld {when_held} is not a concept of any axis's scheme nor a document",
                 _short(when_held), "name a lifecycle, actor, RMF function, risk or MIT mitigation taxonomy concept, "
                 "or a bibo:Document such as https://w3id.org/airm/id/ref/nist-ai-600-1, by its IRI")
    if Airm.rulePattern in d:
        import regex

        try:
            pattern = regex.compile(d[Airm.rulePattern].value, regex.IGNORECASE)
        except regex.error as e:
            fail(f"the pattern is not a regular expression: {e}", local, "escape special characters with \\\\")
    elif not when_held and d.get(Airm.ruleDefault, ox_false()).value != "true":
        fail("a rule needs airm:rulePattern, airm:ruleWhenHeld or airm:ruleDefault true", local,
             "add the words to look for")
    return Rule(iri, axis.value, value.value, pattern, weight, f"{path}:{_line_of(text, local) or '?'}", when_held)


def ox_false():
    return ox.Literal("false")


def _short(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _line_of(text: str, token: str) -> int | None:
    """The first line naming ``token`` (a rule's or concept's local name): Turtle parsers give no triple lines."""
    for n, line in enumerate(text.splitlines(), 1):
        if token and token in line and not line.lstrip().startswith("#"):
            return n
    return None


@dataclass(frozen=True)
class Scored:
    value: str
    score: float
    words: tuple  # what matched, for the rationale
    default: bool
    held: tuple = ()  # concepts held that counted, for the rationale


def score(rules: list[Rule], axis: str, text: str, held=frozenset()) -> list[Scored]:
    """Concepts of ``axis`` ranked by summed rule weights over ``text`` and the concepts ``held`` (stated values on
    any axis); the default alone when nothing matched."""
    sums: dict = defaultdict(float)
    words: dict = defaultdict(list)
    facts: dict = defaultdict(list)
    default = None
    for r in rules:
        if r.axis != axis:
            continue
        if r.when_held:
            if r.when_held in held:
                sums[r.value] += r.weight
                facts[r.value].append(r.when_held)
            continue
        if r.pattern is None:
            default = r
            continue
        try:
            found = r.pattern.search(text, timeout=SEARCH_SECONDS)
        except TimeoutError:
            raise UserError(f"{r.where}: rule {r.iri.rsplit('/', 1)[-1]} took more than {SEARCH_SECONDS:g} s on one "
                            f"text: its pattern backtracks without end", hint="simplify the pattern (no nested "
                            "repetition such as (a|aa)+)") from None
        if found:
            sums[r.value] += r.weight
            words[r.value].append(found.group(0).strip().lower())
    if not sums:
        return [Scored(default.value, default.weight, (), True)] if default else []
    ranked = sorted(sums, key=lambda v: (-sums[v], v))
    return [Scored(v, sums[v], tuple(dict.fromkeys(words[v])), False, tuple(dict.fromkeys(facts[v]))) for v in ranked]
