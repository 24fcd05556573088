"""The review cycle of classifications: export every (mitigation, axis, value) as a TSV a person can edit, and apply
a reviewed TSV: validated whole first, then accepted rows move into the curated graph and rejected ones are marked,
both graph files replaced together, or nothing changes."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from .classify import graphs, proposals
from .classify.axes import AXES, load_schemes
from .classify.facts import read_facts
from .errors import InputFileError, UserError
from .kg import load
from .workspace import workspace_dir

COLUMNS = ["mitigation_id", "axis", "value", "value_label", "value_code", "method", "confidence", "status", "rationale"]
REVIEW_STATUSES = ("curated", "proposed", "accepted", "rejected")
MAX_REVIEW_BYTES = 100_000_000  # a full export of the five sources is ~2 MB


def _context(kg, workspace):
    ws = workspace_dir(workspace)
    kg = kg if kg is not None else load(workspace=ws)

    def select(text):
        return graphs.select(kg.store, text)

    schemes = load_schemes(select)
    return ws, schemes, read_facts(select, schemes)


def export_rows(kg=None, *, workspace=None) -> list[dict]:
    """One row per (mitigation, axis, value): source and curated values (status ``curated``, or ``accepted`` for a
    reviewed proposal) and every proposal with its status."""
    ws, schemes, facts = _context(kg, workspace)
    p_file, c_file = proposals.files(ws)
    made = {p.key(): p for p in proposals.read(c_file) + proposals.read(p_file)}
    rows = []
    for m in sorted(facts.mitigations.values(), key=lambda m: m.ident):
        for axis in AXES:
            for value in sorted(m.values.get(axis, ())):
                p = made.pop((m.iri, axis, value), None)
                rows.append(_row(m, axis, value, schemes, p, default_status="curated"))
        for axis in AXES:
            for key in sorted(k for k in made if k[0] == m.iri and k[1] == axis):
                rows.append(_row(m, axis, key[2], schemes, made.pop(key)))
    return rows


def _row(m, axis, value, schemes, p, default_status="proposed") -> dict:
    c = schemes.concept(axis, value)
    return {"mitigation_id": m.ident, "axis": axis, "value": value, "value_label": c.label if c else "",
            "value_code": c.code if c else "", "method": p.method if p else "source",
            "confidence": f"{p.confidence:.3f}" if p else "1.000", "status": p.status if p else default_status,
            "rationale": p.rationale if p else "stated by the source or curated data"}


def export_tsv(kg=None, *, workspace=None) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_rows(kg, workspace=workspace))
    return buf.getvalue().encode("utf-8")


def apply_review(path, decision: str, kg=None, *, workspace=None) -> dict:
    """Apply a reviewed TSV. Rows whose status says ``accepted`` or ``rejected`` are applied as they say; rows still
    ``proposed`` take ``decision`` ('accept' or 'reject'); ``curated`` rows are left as they are. All or nothing."""
    if decision not in ("accept", "reject"):
        raise UserError(f"unknown review decision {decision!r}", hint="use accept or reject")
    path = Path(path)
    ws, schemes, facts = _context(kg, workspace)
    decided = _read_reviewed(path, schemes, facts, decision)
    p_file, c_file = proposals.files(ws)
    pending = {p.key(): p for p in proposals.read(p_file)}
    curated = {p.key(): p for p in proposals.read(c_file)}
    counts = {"accepted": 0, "rejected": 0}
    for key, (status, row) in decided.items():
        base = pending.pop(key, None) or curated.pop(key, None) or _manual(key, row)
        counts[status] += 1
        if status == "accepted":
            curated[key] = replace(base, status="accepted")
        else:
            pending[key] = replace(base, status="rejected")
    proposals.save(ws, list(pending.values()), list(curated.values()))
    return counts


def _manual(key, row) -> proposals.Proposal:
    """A row the reviewer added by hand: curated as stated, with its rationale."""
    return proposals.Proposal(key[0], key[1], key[2], "manual", "1", 1.0, row.get("rationale") or "added by a reviewer")


def _read_reviewed(path: Path, schemes, facts, decision: str) -> dict:
    try:
        if path.stat().st_size > MAX_REVIEW_BYTES:
            raise InputFileError(path, f"the file is larger than {MAX_REVIEW_BYTES:,} bytes",
                                 hint="review in parts: each part is applied on its own")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputFileError(path, f"cannot read the reviewed file: {e}") from None
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    if reader.fieldnames != COLUMNS:
        raise InputFileError(path, f"the columns are {reader.fieldnames}, expected exactly {COLUMNS}", line=1,
                             hint="start from the file 'airm classify --export FILE' writes")
    by_ident = facts.by_ident()
    decided = {}
    for n, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            raise InputFileError(path, f"the row does not have exactly {len(COLUMNS)} tab-separated fields", line=n,
                                 hint="separate the columns with tabs, and keep tabs out of the rationale")
        status = row["status"].strip()
        if status not in REVIEW_STATUSES:
            raise InputFileError(path, f"status {status!r} is not one of {', '.join(REVIEW_STATUSES)}", line=n)
        m = by_ident.get(row["mitigation_id"].strip())
        if m is None:
            raise InputFileError(path, f"no mitigation with the identifier {row['mitigation_id']!r}", line=n,
                                 hint="keep the identifiers the export wrote; import the source that defines it")
        axis = row["axis"].strip()
        if axis not in AXES:
            raise InputFileError(path, f"unknown axis {axis!r}", line=n, hint=f"use one of {', '.join(AXES)}")
        if schemes.concept(axis, row["value"].strip()) is None:
            raise InputFileError(path, f"{row['value']!r} is not a concept of the {axis} scheme", line=n,
                                 hint=f"give the IRI of a concept of {AXES[axis].scheme}")
        if status == "curated":
            continue
        if status == "proposed":
            status = "accepted" if decision == "accept" else "rejected"
        decided[(m.iri, axis, row["value"].strip())] = (status, row)
    return decided
