"""MIT AI Risk Repository (v3): the risk database sheet of the workbook, or its CSV export.

Every risk entry (rows at category level "Risk Category" and "Risk Sub-Category") becomes an ``airm:RiskEntry``
named after its Ev_ID (``mitrisk:01.01.00``), with its label, the source's description (user data in the user's
workspace, under the source's CC BY 4.0 licence), the page it is defined on, its paper (``mitpaper:<Paper_ID>``,
a ``bibo:Document``), the category it belongs to (``skos:broader``), its causal classes and its domain/subdomain.
Additional-evidence rows become ``airm:RiskEvidence`` nodes attached to their risk with ``airm:hasEvidence``, and so
does the "Additional ev." quote a risk row carries itself.

Classifications are matched by code against the curated schemes: "1 - Human" by its code 1 in
scheme:mit-causal-entity, "6.5 > Governance failure" by 6.5 in scheme:mit-risk-domain, "X.1 > Excluded" by X.1,
"4.0 > ..." by the 4.0 sentinel. A blank causal cell asserts nothing (not recorded) and is noted for review: only
the source's own "4 - Not coded" is the scheme's "Not coded" sentinel. Whatever cannot be mapped goes to
the review file with its row (``ai_risk_database_v3.csv line 57`` or ``AI Risk Database v3!row 57``).

Text is kept as the source spells it (labels, descriptions, quotes); a subcategory row's own "Risk category" text is
kept as its ``airm:sourceHeading``. An additional-evidence row is attached to the risk entry its "Risk subcategory"
names among the entries of its Ev_ID (21.02.01 or a lettered sibling such as 21.02.01.a); one that names none of
them is attached by its Ev_ID and noted for review.

The CSV and the workbook give the same graph: cells are read as the workbook holds them (the CSV's "3.0" is 3).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox

from ..licenses import spdx_iri
from .base import NO_PROGRESS, ImportOutcome, NullProgress, Provenance, ReviewRow
from .mit_risks_table import COLUMNS, EXPECTED, HINT, Row, read_rows  # noqa: F401 - EXPECTED: the importer's interface (base.py)
from .toolkit import Triples, V, cell, codes, en, file_sha256, iri, one_line, plain, slug, typed, year_of

NAME = "mit-risks"
DESCRIPTION = "MIT AI Risk Repository v3: risk entries, their papers and additional evidence (.xlsx or .csv)"

LICENSE = spdx_iri("CC-BY-4.0")
ATTRIBUTION = ("Slattery, P., Saeri, A. K., Grundy, E. A. C., Graham, J., Noetel, M., Uuk, R., Dao, J., Pour, S., "
               "Casper, S., & Thompson, N. (2024). The AI Risk Repository: A Comprehensive Meta-Review, Database, and "
               "Taxonomy of Risks From Artificial Intelligence. arXiv:2408.12622. https://airisk.mit.edu (CC BY 4.0)")
HOMEPAGE = "https://airisk.mit.edu/"
DERIVED_FROM = "ref:slattery2024-ai-risk-repository"

PAPER, CATEGORY, SUBCATEGORY, EVIDENCE = "paper", "category", "subcategory", "evidence"
_LEVELS = {"paper": PAPER, "riskcategory": CATEGORY, "risksubcategory": SUBCATEGORY,
           "additionalevidence": EVIDENCE}

_EV_ID = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:\.?([a-z]))?$", re.IGNORECASE)
_PAPER_ID = re.compile(r"^0*(\d+)(?:\.0+)?$")
_CAUSAL = re.compile(r"^\s*(\d+)\s*(?:[-–—.):]|$)")
_DOMAIN = re.compile(r"^\s*(\d+)\s*(?:[.):\-–]|\s|$)")
_SUBDOMAIN = re.compile(r"^\s*(\d+\.\d+|[xX]\.\d+)\s*(?:>|[-–:]|\s|$)")
_PAGE = re.compile(r"^\d+$")
_PAGES = re.compile(r"^(\d+)\s*[-–]\s*(\d+)$")

CAUSAL = {  # column -> (property, curated scheme)
    "Entity": (V.causalEntity, "scheme:mit-causal-entity"),
    "Intent": (V.causalIntent, "scheme:mit-causal-intent"),
    "Timing": (V.causalTiming, "scheme:mit-causal-timing"),
}


def _key(text: str) -> str:
    """A label compared for linking rows to each other: case, spacing and punctuation do not matter."""
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _stable(text: str) -> str:
    """A cell as earlier releases hashed it into IRIs (no-break spaces as spaces, trimmed): the IRIs stay the same."""
    return text.replace("\u00a0", " ").strip()


def read(path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome:
    path = Path(path)
    file_path, rows, version = read_rows(path, progress)
    return _Builder(rows, progress).build(
        Provenance(
            source_file=file_path.name,
            sha256=file_sha256(file_path),
            title="MIT AI Risk Repository: AI Risk Database",
            version=version,
            license=LICENSE,
            attribution=ATTRIBUTION,
            homepage=HOMEPAGE,
        )
    )


# --- building -----------------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, rows: list[Row], progress):
        self.rows = rows
        self.progress = progress
        self.t = Triples()
        self.review: list[ReviewRow] = []
        self.papers: dict[str, ox.NamedNode] = {}
        self.paper_rows: dict[str, Row] = {}
        self.counts = {"papers": 0, "risk categories": 0, "risk subcategories": 0, "additional evidence": 0,
                       "quoted evidence": 0, "duplicate rows": 0,
                       "causal cells not recorded": 0}
        self.dataset = iri("ref", "slattery2024-ai-risk-repository")

    def note(self, row: Row, fld: str, value: str, reason: str, *, damage: bool = False) -> None:
        self.review.append(ReviewRow(row.where, fld, value, reason, damage=damage))

    def build(self, provenance: Provenance) -> ImportOutcome:
        self.progress.start(len(self.rows), "mapping MIT risk entries")
        usable = [r for r in self._distinct(self.rows) if self._classify(r)]
        for r in usable:
            if r.level == PAPER:
                self._paper(r)
                self.progress.advance()
        risks = [r for r in usable if r.level in (CATEGORY, SUBCATEGORY)]
        self._name_risks(risks)
        by_ev: dict[str, list[Row]] = {}
        for r in risks:
            if r.node is not None:
                by_ev.setdefault(r.ev, []).append(r)
        for r in risks:
            if r.node is not None:
                self._risk(r, by_ev)
                self.progress.advance()
        evidence = [r for r in usable if r.level == EVIDENCE]
        self._name_evidence(evidence, by_ev)
        for r in evidence:
            if r.node is not None:
                self._evidence(r)
            self.progress.advance()
        imported = sum(1 for r in self.rows if r.imported)
        return ImportOutcome(
            triples=self.t,
            review=self.review,
            provenance=provenance,
            counts={k: v for k, v in self.counts.items()},
            rows_read=len(self.rows),
            rows_imported=imported,
        )

    # rows ------------------------------------------------------------------------------------------------------

    def _distinct(self, rows: list[Row]) -> list[Row]:
        """The rows that are not exact copies of an earlier row (every cell the same): a copy is reviewed and counted,
        never imported again as a node of its own."""
        first: dict[tuple, Row] = {}
        out = []
        for r in rows:
            key = tuple(r.v.get(c, "") for c in COLUMNS)
            if key in first:
                self.note(r, "(row)", r.v.get("Ev_ID", ""), f"an exact copy of {first[key].where}: not imported again")
                self.counts["duplicate rows"] += 1
                continue
            first[key] = r
            out.append(r)
        return out

    def _classify(self, r: Row) -> bool:
        for fld, value, reason, damage in r.extra:
            self.note(r, fld, value, reason, damage=damage)
        if r.extra:
            return False
        r.ev = one_line(r.v["Ev_ID"])
        raw_level = one_line(r.v["Category level"])
        r.level = _LEVELS.get(re.sub(r"[^a-z]", "", raw_level.casefold()), "")
        r.cat_key = _key(r.v["Risk category"])
        r.sub_key = _key(r.v["Risk subcategory"])
        if not r.ev:
            self.note(r, "Ev_ID", "", "blank Ev_ID: the row cannot be identified; not imported")
            return False
        if not _EV_ID.match(r.ev):
            self.note(r, "Ev_ID", r.ev, "not an Ev_ID of the form 01.02.03 (or 01.02.03.a); not imported")
            return False
        if _EV_ID.match(r.ev).group(4):
            r.ev = r.ev[:-1] + r.ev[-1].lower()  # 01.02.03.A and 01.02.03.a are one identifier
        if not r.level:
            self.note(r, "Category level", raw_level,
                      "unknown category level (expected Paper, Risk Category, Risk Sub-Category or Additional "
                      "evidence); not imported")
            return False
        return True

    def _paper_id(self, r: Row) -> str | None:
        raw = r.v["Paper_ID"].strip()
        m = _PAPER_ID.match(raw)
        if m:
            return m.group(1)
        from_ev = str(int(_EV_ID.match(r.ev).group(1)))
        if raw:
            self.note(r, "Paper_ID", raw, f"not a paper number; the paper was taken from the Ev_ID ({from_ev})")
        elif r.level == PAPER:
            self.note(r, "Paper_ID", "", f"blank Paper_ID; the paper number was taken from the Ev_ID ({from_ev})")
        return from_ev

    def _paper(self, r: Row) -> None:
        pid = self._paper_id(r)
        title, quickref = r.v["Title"], r.v["QuickRef"]
        if pid in self.paper_rows:
            first = self.paper_rows[pid]
            if _key(first.v["Title"]) == _key(title):
                r.imported = True  # the same paper twice: nothing new to say
                return
            self.note(r, "Paper_ID", pid,
                      f"Paper_ID {pid} is already used by {first.where} for another title; not imported")
            return
        if not title.strip() and not quickref.strip():
            self.note(r, "Title", "", "a paper row with neither Title nor QuickRef; not imported")
            return
        self.paper_rows[pid] = r
        self._describe_paper(pid, title, quickref, r)
        r.imported = True

    def _describe_paper(self, pid: str, title: str, quickref: str, r: Row) -> ox.NamedNode:
        node = iri("mitpaper", pid)
        self.papers[pid] = node
        if not title.strip():
            self.note(r, "Title", "", f"blank title; the QuickRef {quickref!r} is used as title")
            title = quickref
        t = self.t
        t.add(node, V.type, V.Document)
        t.add(node, V.title, en(title))
        t.add(node, V.label, en(quickref if quickref.strip() else title))
        t.add(node, V.identifier, plain(pid))
        year = year_of(quickref)
        if year:
            t.add(node, V.year, typed(year, "gYear"))
        t.add(node, V.recordedIn, self.dataset)
        self.counts["papers"] += 1
        return node

    def _paper_of(self, r: Row) -> ox.NamedNode:
        if r.paper is not None:
            return r.paper
        r.paper = self._paper_of_row(r)
        return r.paper

    def _paper_of_row(self, r: Row) -> ox.NamedNode:
        pid = self._paper_id(r)
        node = self.papers.get(pid)
        if node is None:
            title, quickref = r.v["Title"], r.v["QuickRef"]
            self.note(r, "Paper_ID", pid, f"no Paper row for Paper_ID {pid}: the paper is described from this row's "
                                          "Title and QuickRef")
            node = self._describe_paper(pid, title if title.strip() else f"Paper {pid}", quickref, r)
        return node

    # risk entries ----------------------------------------------------------------------------------------------

    def _label(self, r: Row) -> str:
        """The risk's name as the source spells it."""
        return r.v["Risk subcategory"] if r.level == SUBCATEGORY else r.v["Risk category"]

    def _name_risks(self, risks: list[Row]) -> None:
        """IRIs from Ev_IDs; an Ev_ID used by several rows gets its label as suffix, and a review note."""
        groups: dict[str, list[Row]] = {}
        for r in risks:
            groups.setdefault(r.ev, []).append(r)
        for ev, group in groups.items():
            if len(group) == 1:
                group[0].node = iri("mitrisk", ev)
                continue
            taken: dict[str, Row] = {}
            where = ", ".join(g.where.rsplit(" ", 1)[-1] for g in group)
            for r in group:
                suffix = slug(self._label(r)) or "x"
                if suffix in taken:
                    first = taken[suffix]
                    if all(cell(first.v.get(c, "")) == cell(r.v.get(c, "")) for c in COLUMNS if c in r.v):
                        self.note(r, "Ev_ID", ev, f"an exact copy of {first.where}; not imported again")
                        r.imported = True
                        continue
                    suffix += "-" + hashlib.sha1("\x1f".join(_stable(v) for v in r.v.values()).encode()).hexdigest()[:6]
                taken[suffix] = r
                r.node = iri("mitrisk", f"{ev}--{suffix}")
                self.note(r, "Ev_ID", ev, f"Ev_ID {ev} is used by {len(group)} rows ({where}); "
                                          f"imported as mitrisk:{ev}--{suffix}, named by its label")

    def _risk(self, r: Row, by_ev: dict[str, list[Row]]) -> None:
        t, node = self.t, r.node
        label = self._label(r)
        if not label.strip():
            col = "Risk subcategory" if r.level == SUBCATEGORY else "Risk category"
            label = f"MIT AI risk {r.ev}"
            self.note(r, col, "", f"blank name; labelled {label!r}")
        t.add(node, V.type, V.RiskEntry)
        t.add(node, V.label, en(label))
        t.add(node, V.identifier, plain(r.ev))
        desc = r.v["Description"]
        if desc.strip() not in ("", "-"):
            t.add(node, V.description, en(desc))
        t.add(node, V.source, self._paper_of(r))
        t.add(node, V.recordedIn, self.dataset)
        t.add(node, V.locator, self._page(r, "P.Def"))
        if r.level == SUBCATEGORY:
            parent = self._category_of(r, by_ev)
            if parent is not None:
                t.add(node, V.broader, parent.node)
            if r.v["Risk category"].strip():  # the heading the source lists the row under, even where it differs
                t.add(node, V.sourceHeading, plain(r.v["Risk category"]))
        self._causal(r)
        self._domain(r)
        quote = r.v.get("Additional ev.", "")
        if quote.strip() not in ("", "-"):
            ev_node = ox.NamedNode(node.value + "-evidence")
            self._evidence_node(ev_node, r, [quote], f"Evidence quoted for MIT AI risk {r.ev}", r.ev, "p.AddEv")
            t.add(node, V.hasEvidence, ev_node)
            self.counts["quoted evidence"] += 1
        self.counts["risk subcategories" if r.level == SUBCATEGORY else "risk categories"] += 1
        r.imported = True

    def _category_of(self, r: Row, by_ev: dict[str, list[Row]]) -> Row | None:
        m = _EV_ID.match(r.ev)
        cat_ev = f"{m.group(1)}.{m.group(2)}.00"
        cands = [c for c in by_ev.get(cat_ev, []) if c.level == CATEGORY]
        if len(cands) > 1:
            cands = [c for c in cands if c.cat_key == r.cat_key]
        if len(cands) == 1:
            return cands[0]
        if not cands:  # the Ev_ID points nowhere: the category row of the same paper with the same name
            same = [c for evs in by_ev.values() for c in evs
                    if c.level == CATEGORY and c.ev.split(".")[0] == m.group(1)
                    and c.cat_key == r.cat_key and r.cat_key]
            if len(same) == 1:
                self.note(r, "Ev_ID", r.ev, f"there is no Risk Category row {cat_ev}; linked to {same[0].ev}, the "
                                            "category of this paper with the same name")
                return same[0]
        self.note(r, "Risk category", one_line(r.v["Risk category"]),
                  f"no single Risk Category row {cat_ev} (or one of this paper with this name): imported without a "
                  "link to its category")
        return None

    def _page(self, r: Row, column: str):
        raw = r.v.get(column, "").strip()
        if not raw or raw == "-":
            return None
        if _PAGE.match(raw):
            return plain(f"p. {raw}")
        m = _PAGES.match(raw)
        if m:
            return plain(f"pp. {m.group(1)}-{m.group(2)}")
        looks_like_date = bool(re.match(r"^\d{4}-\d\d-\d\d", raw))
        self.note(r, column, raw, "not a page number or page range"
                  + (" (a spreadsheet seems to have turned it into a date)" if looks_like_date else "")
                  + "; the page was left out")
        return None

    def _causal(self, r: Row) -> None:
        for column, (prop, scheme) in CAUSAL.items():
            raw = one_line(r.v[column])
            table = codes(scheme)
            if not raw:  # not recorded: nothing is asserted (the source's own "4 - Not coded" is another thing)
                self.note(r, column, "", "blank: not recorded, so no causal class is asserted (a blank is not the "
                                         "source's '4 - Not coded')")
                self.counts["causal cells not recorded"] += 1
                continue
            m = _CAUSAL.match(raw)
            concept = table.get(m.group(1).lstrip("0") or "0") if m else None
            if concept is None:
                self.note(r, column, raw, f"no code of {scheme} in this value (expected e.g. '1 - ...'); "
                                          "left unclassified on this factor")
                continue
            self.t.add(r.node, prop, concept)

    def _domain(self, r: Row) -> None:
        table = codes("scheme:mit-risk-domain")
        dom_raw, sub_raw = one_line(r.v["Domain"]), one_line(r.v["Sub-domain"])
        dom = sub = dom_code = None
        if dom_raw:
            m = _DOMAIN.match(dom_raw)
            dom_code = m.group(1).lstrip("0") if m else None
            dom = table.get(dom_code) if dom_code else None
            if dom is None:
                self.note(r, "Domain", dom_raw, "no domain code of scheme:mit-risk-domain (expected e.g. '6. ...')")
        if sub_raw:
            m = _SUBDOMAIN.match(sub_raw)
            code = m.group(1).casefold() if m else None
            sub = table.get(code) if code else None
            if sub is None:
                self.note(r, "Sub-domain", sub_raw,
                          "no subdomain code of scheme:mit-risk-domain (expected e.g. '6.5 > ...', 'X.1 > Excluded')"
                          + ("; the domain was used instead" if dom is not None else ""))
            elif dom is not None and code.split(".")[0] != dom_code:
                self.note(r, "Domain", dom_raw, f"the domain disagrees with the sub-domain {code.upper()}; "
                                                "the sub-domain was used")
        concept = sub if sub is not None else dom
        if concept is not None:
            self.t.add(r.node, V.riskCategory, concept)
        elif not dom_raw and not sub_raw:
            self.note(r, "Sub-domain", "", "neither domain nor sub-domain given: the risk is not classified by domain")

    # evidence --------------------------------------------------------------------------------------------------

    def _evidence_target(self, r: Row, base: str, by_ev: dict[str, list[Row]], families: dict[str, list[Row]]
                         ) -> list[Row]:
        """The risk entries an evidence row can belong to: those of its Ev_ID and its lettered siblings (21.02.01 and
        21.02.01.a) whose name is the row's "Risk subcategory" (or "Risk category" when that is blank); with no name
        match, the entry of the bare Ev_ID when there is exactly one (noted for review)."""
        family = families.get(base, [])
        if r.sub_key:
            named = [c for c in family if c.level == SUBCATEGORY and c.sub_key == r.sub_key]
        else:
            named = [c for c in family if c.level == CATEGORY and c.cat_key == r.cat_key]
        if len(named) > 1:
            named = [c for c in named if c.cat_key == r.cat_key] or named
        if named:
            return named
        own = by_ev.get(base, [])
        if len(own) == 1:
            self.note(r, "Risk subcategory" if r.sub_key else "Risk category",
                      r.v["Risk subcategory"] if r.sub_key else r.v["Risk category"],
                      f"names no risk entry of Ev_ID {base} or its lettered siblings; attached to {own[0].ev} "
                      "by its Ev_ID")
        return own

    def _name_evidence(self, rows: list[Row], by_ev: dict[str, list[Row]]) -> None:
        seen: dict[str, Row] = {}
        families = _families(by_ev)
        for r in rows:
            m = _EV_ID.match(r.ev)
            base = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
            cands = self._evidence_target(r, base, by_ev, families) if m.group(4) else []
            if not m.group(4):
                self.note(r, "Ev_ID", r.ev, "an additional-evidence Ev_ID needs a letter suffix (01.02.03.a) naming "
                                            "its risk; not imported")
                continue
            if len(cands) != 1:
                what = "no risk entry" if not cands else "more than one risk entry"
                self.note(r, "Ev_ID", r.ev, f"{what} with Ev_ID {base} to attach this additional evidence to; "
                                            "not imported")
                continue
            texts = [x for x in (r.v.get("Additional ev.", ""), r.v["Description"]) if x.strip() not in ("", "-")]
            if not texts:
                self.note(r, "Additional ev.", "", "an additional-evidence row with no text; not imported")
                continue
            r.parent = cands[0]
            r.texts = texts
            local = r.ev
            if local in seen:
                local = f"{r.ev}--{hashlib.sha1(_stable(texts[0]).encode()).hexdigest()[:8]}"
                self.note(r, "Ev_ID", r.ev, f"Ev_ID {r.ev} is also used by {seen[r.ev].where}; imported as "
                                            f"mitrisk:{local}")
            seen.setdefault(r.ev, r)
            r.node = iri("mitrisk", local)

    def _evidence(self, r: Row) -> None:
        self._evidence_node(r.node, r, r.texts, f"Additional evidence {r.ev}", r.ev, "p.AddEv")
        self.t.add(r.parent.node, V.hasEvidence, r.node)
        for column in ("Entity", "Intent", "Timing", "Domain", "Sub-domain"):
            raw = one_line(r.v[column])
            if raw:
                self.note(r, column, raw, "a classification on an additional-evidence row is not applied (the risk's "
                                          "own row classifies the risk)")
        self.counts["additional evidence"] += 1
        r.imported = True

    def _evidence_node(self, node, r: Row, texts: list[str], label: str, identifier: str, page_column: str) -> None:
        t = self.t
        t.add(node, V.type, V.RiskEvidence)
        t.add(node, V.label, en(label))
        t.add(node, V.identifier, plain(identifier))
        for text in texts:
            t.add(node, V.description, en(text))
        t.add(node, V.source, self._paper_of(r))
        t.add(node, V.locator, self._page(r, page_column))


def _families(by_ev: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """Ev_ID -> the entries of that Ev_ID and of its lettered siblings (21.02.01: 21.02.01, 21.02.01.a, ...), in the
    order of ``by_ev``: built once, where scanning every Ev_ID for each evidence row took 0.3-0.6 s on the MIT file."""
    out: dict[str, list[Row]] = {}
    for ev, group in by_ev.items():
        out.setdefault(ev, []).extend(group)
        head, dot, tail = ev.rpartition(".")
        if dot and tail.isalpha():
            out.setdefault(head, []).extend(group)
    return out
