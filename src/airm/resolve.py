"""What a parameter value names, the way a person means it: codes, labels, alt labels, partial and misspelt words.

Tiers, first that finds anything wins: an exact code, an exact label, an exact alternative label (all compared with
case, accents, punctuation and spacing folded), a label starting with the text, a label holding all its words
(stemmed, through the text index), and last a fuzzy match (rapidfuzz). The name tiers run first over the concepts of
a scheme (taxonomy entries, techniques: what a person names) and only then over records in no scheme (the MIT risk
database's excerpts, whose labels repeat taxonomy words: "Prompt injection" is one of them). Several hits in one
tier are ambiguous and returned as candidates (a prefix hit and a words hit count as one partial tier); a fuzzy hit
is taken only when it scores clearly above the rest. The tier is always reported (``how``), so a partial or fuzzy
pick is never silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .textindex import fts_query, normalise, open_index

TIERS = ("code", "label", "alt", "prefix", "words", "fuzzy")
CLEAR_MARGIN = 15.0  # points of similarity (0-100) by which a fuzzy best must lead the runner-up
FUZZY_CUTOFF = 80.0
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Candidate:
    iri: str
    label: str | None
    schemes: tuple[str, ...]  # labels of the concept schemes it belongs to
    score: float  # similarity of its closest name to the text, 0-100


@dataclass
class Resolution:
    """``best`` is the IRI taken (None when ambiguous or not found); ``how`` the tier that decided."""

    text: str
    best: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    how: str = "none"  # one of TIERS, "iri", or "none"

    @property
    def fuzzy(self) -> bool:
        return self.how == "fuzzy"

    def to_dict(self) -> dict:
        best = self.best
        return {"input": self.text, "iri": best.iri if best else None, "label": best.label if best else None,
                "how": self.how, "candidates": [c.iri for c in self.candidates] if best is None else []}


def resolve(kg, text: str, *, cls: str | None = None, scheme: str | None = None) -> Resolution:
    """Resolve ``text`` among resources of class ``cls`` and/or concept scheme ``scheme`` (IRIs or CURIEs)."""
    from .namespaces import expand

    cls = (expand(cls) or cls) if cls else None
    scheme = (expand(scheme) or scheme) if scheme else None
    conn = open_index(kg)
    key = normalise(text)
    members = _members(conn, cls, scheme)
    if not key or not members:
        return Resolution(text, None)
    found = _exact(conn, text, key, members, ("code",))
    for pool in (_members(conn, cls, scheme, in_a_scheme=True), members):
        found = found or (_by_name(conn, text, key, pool) if pool else None)
    return found or _fuzzy(conn, text, key, members)


def _exact(conn, text: str, key: str, members, kinds) -> Resolution | None:
    exact = conn.execute(f"SELECT id, kind FROM names WHERE norm = ? AND id IN ({members[0]})",
                         [key, *members[1]]).fetchall()
    for kind in kinds:
        ids = sorted({i for i, k in exact if k == kind})
        if ids:
            found = [_candidate(conn, i, 100.0) for i in ids]
            return Resolution(text, found[0] if len(found) == 1 else None, found, kind)
    return None


def _by_name(conn, text: str, key: str, members) -> Resolution | None:
    """Exact label, exact alt label, label prefix, all words: the first tier that finds anything decides."""
    found = _exact(conn, text, key, members, ("label", "alt"))
    if found:
        return found
    prefix = [i for (i,) in conn.execute(
        f"SELECT DISTINCT id FROM names WHERE substr(norm, 1, ?) = ? AND id IN ({members[0]})",
        [len(key), key, *members[1]])]
    query = fts_query(key)
    words = [i for (i,) in conn.execute(
        f"SELECT DISTINCT n.id FROM names_fts JOIN names n ON n.rowid = names_fts.rowid "
        f"WHERE names_fts MATCH ? AND n.id IN ({members[0]})", [query, *members[1]])] if query else []
    if not (prefix or words):
        return None
    return _pick(conn, text, key, prefix, [i for i in words if i not in set(prefix)])


def _pick(conn, text: str, key: str, prefix: list[int], words: list[int]) -> Resolution:
    """Partial matches: a label starting with the text ranks above one merely holding its words, but either is taken
    only when it is the one partial match: "prompt injection" names IBM's "Prompt injection attack" no more than
    ATLAS's "LLM Prompt Injection", and "harm" no one of the risks whose label holds it."""
    first = _ranked(_candidate(conn, i, _similarity(conn, key, i)) for i in prefix)
    rest = _ranked(_candidate(conn, i, _similarity(conn, key, i)) for i in words)
    ranked = first + rest
    return Resolution(text, ranked[0] if len(ranked) == 1 else None, ranked[:MAX_CANDIDATES],
                      "prefix" if first else "words")


def _members(conn, cls, scheme, *, in_a_scheme: bool = False) -> tuple[str, list] | None:
    """A SQL subquery (and its arguments) for the ids in the class and scheme (or in any scheme); None when none
    are."""
    parts, args = (["SELECT id FROM schemes"] if in_a_scheme else []), []
    if cls:
        parts.append("SELECT id FROM types WHERE type = ?")
        args.append(cls)
    if scheme:
        parts.append("SELECT id FROM schemes WHERE scheme = ?")
        args.append(scheme)
    sql = " INTERSECT ".join(parts) or "SELECT id FROM resources"
    if conn.execute(f"SELECT 1 FROM ({sql}) LIMIT 1", args).fetchone() is None:
        return None
    return sql, args


def _similarity(conn, key: str, rid: int) -> float:
    from rapidfuzz import fuzz

    names = conn.execute("SELECT norm FROM names WHERE id = ?", (rid,))
    return max((fuzz.ratio(key, n) for (n,) in names), default=0.0)


def _ranked(candidates) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (-c.score, c.label or "", c.iri))


def _fuzzy(conn, text: str, key: str, members) -> Resolution:
    """Near spellings: WRatio (which forgives a partial name) finds them, at least FUZZY_CUTOFF; they are ranked
    by its mean with the plain ratio, since WRatio alone rates any label sharing a short word ("AI") highly."""
    from rapidfuzz import fuzz, process

    names = conn.execute(f"SELECT id, norm FROM names WHERE kind <> 'code' AND id IN ({members[0]})",
                         members[1]).fetchall()  # a code is exact or nothing: 7.11 is no misspelt 7.1
    scored: dict[int, float] = {}
    close_ids = set()
    for norm, score, index in process.extract(key, [n for _i, n in names], scorer=fuzz.WRatio, limit=50):
        rid = names[index][0]
        scored[rid] = max(scored.get(rid, 0.0), (score + fuzz.ratio(key, norm)) / 2)
        if score >= FUZZY_CUTOFF:
            close_ids.add(rid)
    ranked = _ranked(_candidate(conn, i, s) for i, s in scored.items())
    close_iris = {_candidate(conn, i, 0.0).iri for i in close_ids}
    close = [c for c in ranked if c.iri in close_iris]
    if close and (len(close) == 1 or close[0].score - close[1].score >= CLEAR_MARGIN):
        return Resolution(text, close[0], close[:MAX_CANDIDATES], "fuzzy")
    return Resolution(text, None, (close or ranked)[:5], "fuzzy" if close else "none")



def _candidate(conn, rid: int, score: float) -> Candidate:
    iri, label = conn.execute("SELECT iri, label FROM resources WHERE id = ?", (rid,)).fetchone()
    schemes = tuple(sorted({lab or s for s, lab in conn.execute(
        "SELECT s.scheme, r.label FROM schemes s LEFT JOIN resources r ON r.iri = s.scheme WHERE s.id = ?", (rid,))}))
    return Candidate(iri, label, schemes, round(score, 1))


def label_of(kg, iri: str) -> str | None:
    row = open_index(kg).execute("SELECT label FROM resources WHERE iri = ?", (iri,)).fetchone()
    return row[0] if row else None


def codes_of(kg, iri: str) -> list[str]:
    """The codes (notations, identifiers) of ``iri``: what tells apart candidates that share a label."""
    rows = open_index(kg).execute(
        "SELECT DISTINCT n.text FROM names n JOIN resources r ON r.id = n.id WHERE r.iri = ? AND n.kind = 'code' "
        "ORDER BY n.text", (iri,))
    return [text for (text,) in rows]


def describe(c: Candidate) -> str:
    """'mitdom:2.2 "AI system security…" (MIT Risk Domain Taxonomy)': what a person needs to choose."""
    from .namespaces import curie

    where = f" ({'; '.join(c.schemes)})" if c.schemes else ""
    return f"{curie(c.iri)} {c.label!r}{where}" if c.label else f"{curie(c.iri)}{where}"


_HOW = {"iri": "as given", "code": "exact code", "label": "exact label", "alt": "exact alternative label",
        "prefix": "label starting with it", "words": "label holding its words",
        "fuzzy": "NEAR SPELLING ONLY, check it"}


def resolved_line(param: str, found: dict) -> str:
    """One line (for stderr) saying what a parameter value was taken to mean, and by which rule."""
    from .errors import shown
    from .namespaces import curie

    label = f" {found['label']!r}" if found.get("label") else ""
    return f"{param}: {shown(found['input'])} -> {curie(found['iri'])}{label} ({_HOW.get(found['how'], found['how'])})"
