"""ATLAS data format 6.x, turned into the 5.x layout the one ATLAS builder reads (:mod:`.atlas_build`).

Format 6.0.0 (ATLAS releases from 2026.05 on) differs from 5.x in shape, not in content: a ``format-version`` and a
``collection`` (whose ``version`` is the monthly release, "2026.09") at the top; tactics, techniques, mitigations and
case studies as maps keyed by id; every link in a ``relationships`` map keyed by the id of the record it starts
from, grouped by type:

=============  ======================  ============================================================================
type           from -> to              becomes, in the 5.x layout
=============  ======================  ============================================================================
achieves       technique -> tactic     the technique's ``tactics``
specializes    technique -> technique  the sub-technique's ``subtechnique-of``
mitigates      mitigation -> technique one of the mitigation's ``techniques`` (its ``description`` as the ``use``)
employs        case study -> technique one ``procedure`` step (``step-id``, ``tactic``, ``leads-to``, ``description``)
sequences      case study -> step      more ``leads-to`` links between the case study's steps (``step-id``)
=============  ======================  ============================================================================

An entry names its target by id, alone or as ``target`` of a mapping holding the link's own fields. A relationship
of a type not listed here, from or to an id the file does not hold, or from a record of the wrong kind, goes to
review and is skipped. A file mixing the two layouts, or of a format major version airm does not read, is refused.
"""

from __future__ import annotations

from ..errors import InputFileError
from .base import ReviewRow
from .toolkit import clean, show

FORMAT_MAJOR = 6

SECTIONS = {"tactics": "tactic", "techniques": "technique", "mitigations": "mitigation", "case-studies": "case-study"}

# relationship type -> (kind of the record it starts from, section of its target)
RELATIONSHIPS = {
    "achieves": ("technique", "tactics"),
    "specializes": ("technique", "techniques"),
    "mitigates": ("mitigation", "techniques"),
    "employs": ("case-study", "techniques"),
    "sequences": ("case-study", None),  # targets are step ids of the same case study
}

# 6.x field names -> the 5.x names the builder reads (the rest are spelt alike)
RENAMED_FIELDS = {"created-date": "created_date", "modified-date": "modified_date", "lifecycle": "ml-lifecycle",
                  "ai-lifecycle": "ml-lifecycle"}

HINT = "download dist/ATLAS-latest.yaml (format 6.x) or dist/ATLAS.yaml (format 5.x) again, unedited"


def _major(value) -> int | None:
    text = clean(value)
    head = text.split(".", 1)[0] if text else ""
    return int(head) if head.isdigit() else None


def is_v6(doc, display: str) -> bool:
    """Whether ``doc`` is in format 6.x; a file mixing the layouts or of an unknown format version is refused."""
    if not isinstance(doc, dict):
        return False  # the builder says what is wrong with it
    if "format-version" not in doc:
        if "relationships" in doc or "collection" in doc:
            raise InputFileError(display, "a 'relationships' or 'collection' section (format 6.x) but no "
                                          "'format-version': a mixed or edited file", hint=HINT)
        return False
    major = _major(doc.get("format-version"))
    if major is None or major not in (5, FORMAT_MAJOR):
        raise InputFileError(display, f"format-version {show(doc.get('format-version'))!r}: airm reads ATLAS data "
                                      "formats 5.x and 6.x", hint="check for a newer airm, or use a 6.x release file")
    if major == 5:
        return False
    if "matrices" in doc:
        raise InputFileError(display, "format-version 6 with a 5.x 'matrices' list: a mixed file", hint=HINT)
    for section in SECTIONS:
        if not isinstance(doc.get(section), dict):
            what = "missing" if section not in doc else "not a map keyed by id"
            raise InputFileError(display, f"'{section}' is {what} in a format 6.x file", hint=HINT)
    return True


class _Layout:
    def __init__(self, doc: dict, display: str):
        self.doc = doc
        self.display = display
        self.review: list[ReviewRow] = []
        self.records: dict[str, dict] = {}  # section -> {id: record in the 5.x layout}
        self.kind_of: dict[str, str] = {}   # id -> kind

    def flag(self, row: str, field: str, value, reason: str, *, damage: bool = False) -> None:
        self.review.append(ReviewRow(row=row, field=field, value=show(value) if value is not None else "",
                                     reason=reason, damage=damage))

    def section(self, name: str) -> list:
        """One section as a 5.x list; ids come from the keys (a differing ``id`` inside goes to review)."""
        kind = SECTIONS[name]
        out, by_id = [], {}
        for key, value in self.doc[name].items():
            if not isinstance(value, dict):
                out.append(value)  # the builder sends it to review
                continue
            record = {RENAMED_FIELDS.get(k, k): v for k, v in value.items()}
            rid = clean(key)
            if "id" in value and clean(value.get("id")) != rid:
                self.flag(str(key), "id", value.get("id"), "an id differing from its key: the key is used")
            record["id"], record["object-type"] = rid, kind
            out.append(record)
            if rid is not None:
                by_id.setdefault(rid, record)
                self.kind_of.setdefault(rid, kind)
        self.records[name] = by_id
        if name == "case-studies":
            for record in by_id.values():
                record.setdefault("procedure", [])
        return out

    def relationships(self) -> None:
        rels = self.doc.get("relationships")
        if rels is None:
            raise InputFileError(self.display, "no 'relationships' section in a format 6.x file", hint=HINT)
        if not isinstance(rels, dict):
            raise InputFileError(self.display, "'relationships' is not a map keyed by id", hint=HINT)
        later = []
        for source, groups in rels.items():
            sid = clean(source)
            if not isinstance(groups, dict):
                self.flag(str(source), "relationships", groups, "not a map of relationship types: skipped")
                continue
            for rtype, entries in groups.items():
                if rtype not in RELATIONSHIPS:
                    self.flag(str(source), f"relationships.{rtype}", entries,
                              "an ATLAS relationship type airm does not know: skipped")
                elif self.kind_of.get(sid) != RELATIONSHIPS[rtype][0]:
                    self.flag(str(source), f"relationships.{rtype}", entries,
                              f"'{rtype}' starts from a {RELATIONSHIPS[rtype][0]} and {sid!r} is "
                              f"{'not in the file' if sid not in self.kind_of else 'a ' + self.kind_of[sid]}: skipped")
                elif rtype == "sequences":
                    later.append((sid, entries))
                else:
                    self._group(sid, rtype, entries)
        for sid, entries in later:  # every step exists once all 'employs' are read
            self._sequences(sid, entries)

    def _entries(self, sid: str, rtype: str, entries):
        """(field, target id, fields of the link) for each well-formed entry; others go to review."""
        entries = entries if isinstance(entries, list) else [entries]
        for i, entry in enumerate(entries):
            field = f"relationships.{rtype}[{i}]"
            fields = entry if isinstance(entry, dict) else {}
            target = clean(fields.get("target")) if isinstance(entry, dict) else clean(entry)
            if target is None:
                self.flag(sid, field, entry, "a relationship without a target id: skipped")
                continue
            yield field, target, fields

    def _group(self, sid: str, rtype: str, entries) -> None:
        section = RELATIONSHIPS[rtype][1]
        record = self.records[next(s for s, k in SECTIONS.items() if k == self.kind_of[sid])][sid]
        for field, target, fields in self._entries(sid, rtype, entries):
            if target not in self.records[section]:
                self.flag(sid, field, target, f"a relationship to {target!r}, not among the file's {section}: skipped")
            elif rtype == "achieves":
                record.setdefault("tactics", []).append(target)
            elif rtype == "specializes":
                if record.get("subtechnique-of") is not None:
                    self.flag(sid, field, target, "a second parent technique: only the first is kept")
                else:
                    record["subtechnique-of"] = target
            elif rtype == "mitigates":
                record.setdefault("techniques", []).append({"id": target, "use": fields.get("description")})
            else:  # employs
                step = {"technique": target}
                step.update({k: fields[k] for k in ("step-id", "tactic", "leads-to", "description") if k in fields})
                record["procedure"].append(step)

    def _sequences(self, sid: str, entries) -> None:
        steps = {clean(s.get("step-id")): s for s in self.records["case-studies"][sid]["procedure"]
                 if clean(s.get("step-id")) is not None}
        for field, target, fields in self._entries(sid, "sequences", entries):
            step = steps.get(clean(fields.get("step-id")) if fields else None)
            if step is None or target not in steps:
                self.flag(sid, field, fields or target, "a sequence between steps this case study does not hold: "
                                                        "skipped")
                continue
            chain = step.get("leads-to")
            chain = chain if isinstance(chain, list) else [] if chain is None else [chain]
            if target not in [clean(c) for c in chain]:
                step["leads-to"] = chain + [target]


def to_v5_layout(doc: dict, display: str) -> tuple[dict, list[ReviewRow]]:
    """The 6.x file as a 5.x-layout mapping, and the review rows of what could not be placed."""
    collection = doc.get("collection")
    if not isinstance(collection, dict) or clean(collection.get("version")) is None:
        raise InputFileError(display, "no 'collection' with a 'version' (the release, such as \"2026.09\") in a "
                                      "format 6.x file", hint=HINT)
    layout = _Layout(doc, display)
    matrix = doc.get("matrix") if isinstance(doc.get("matrix"), dict) else {}
    sections = {name: layout.section(name) for name in SECTIONS}
    layout.relationships()
    out = {
        "id": clean(collection.get("id")) or "ATLAS",
        "name": collection.get("name") or "Adversarial Threat Landscape for AI Systems",
        "version": clean(collection.get("version")),
        "format-version": clean(doc.get("format-version")),
        "matrices": [{"id": clean(matrix.get("id")) or "ATLAS", "name": matrix.get("name") or "ATLAS Matrix",
                      "tactics": sections["tactics"], "techniques": sections["techniques"],
                      "mitigations": sections["mitigations"]}],
        "case-studies": sections["case-studies"],
    }
    return out, layout.review
