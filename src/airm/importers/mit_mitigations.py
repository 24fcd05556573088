"""MIT AI Risk Mitigation database (Saeri et al. 2025), as IBM AI Atlas Nexus ships it.

PATH is the ``ai-atlas-nexus`` folder (a checkout or unpacked package) or the wheel a user gets with
``pip download --no-deps ai-atlas-nexus==1.2.5`` (read in place, never installed). Three data files are used:

- ``mit_ai_risk_repository_data_controls.yaml``: the 831 mitigations (``A0086_Future_of_Life_Institute2024``...),
  each an ``airm:Mitigation`` named by its A-number (``mitmit:A0086``; should an A-number repeat, every use of it
  is named by A-number and document, ``mitmit:A0086-FLI2024``, and noted for review);
- ``mit_ai_risk_mitigation_data.yaml``: the source documents, each a ``bibo:Document`` ``mitdoc:<id>`` (and
  ``nist_ai_rmf_data.yaml`` for NIST AI 600-1, which the database also draws from), linked with ``owl:sameAs`` to
  airm's curated citation of the same document where there is one;
- ``mappings/mit_ai_risk_mitigation_mappings.tsv``: which subcategory each mitigation is filed under. The Nexus
  identifiers carry the taxonomy code at their end (``mit-draft-ai-risk-mitigation-group-1.1`` is 1.1), matched by
  that code against ``skos:notation`` in airm's curated MIT mitigation taxonomy (``mtax:1.1``); labels are ignored.

The database records no lifecycle stage, actor or NIST function for these mitigations here, so they get the
"not recorded" concepts of those schemes. A mitigation the mapping table does not categorise is filed under
``mtax:unable-to-classify`` and noted for review.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputFileError
from ..licenses import spdx_iri
from .base import NO_PROGRESS, ImportOutcome, NullProgress, Provenance, ReviewRow
from .nexus_package import EXPECTED, HINT, package_files
from .toolkit import (
    TRUE,
    Triples,
    V,
    codes,
    curated_documents,
    doc_key,
    en,
    input_identity,
    iri,
    load_yaml,
    one_line,
    plain,
    safe_local,
    typed,
)

NAME = "mit-mitigations"
DESCRIPTION = ("MIT AI Risk Mitigation database: 831 mitigations, their source documents and categories "
               "(IBM AI Atlas Nexus data)")
CONTROLS = "mit_ai_risk_repository_data_controls.yaml"
TAXONOMY = "mit_ai_risk_mitigation_data.yaml"
MAPPINGS = "mit_ai_risk_mitigation_mappings.tsv"
NIST = "nist_ai_rmf_data.yaml"

LICENSE = spdx_iri("Apache-2.0")
ATTRIBUTION = ("MIT AI Risk Mitigation database: Saeri, A. K., Lloyd George, S., Graham, J., Lacarriere, C. D., "
               "Slattery, P., Noetel, M., & Thompson, N. (2025). Mapping AI Risk Mitigations. MIT AI Risk Initiative, "
               "https://airisk.mit.edu; data files of IBM AI Atlas Nexus (Apache-2.0), https://github.com/IBM/ai-atlas-nexus")
HOMEPAGE = "https://airisk.mit.edu/"
DERIVED_FROM = "ref:mit-ai-risk-mitigation-database"

_A_NUMBER = re.compile(r"^(A\d+)(?:_(.*))?$", re.IGNORECASE)
_GROUP_CODE = re.compile(r"group-(\d+(?:\.\d+)?)\s*$", re.IGNORECASE)
SCHEME = "scheme:mit-mitigation-taxonomy"


def read(path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome:
    path = Path(path)
    files = package_files(path, [CONTROLS, TAXONOMY, MAPPINGS], optional=[NIST])
    controls_file, taxonomy_file, mappings_file = files[CONTROLS], files[TAXONOMY], files[MAPPINGS]
    name, digest, version = input_identity(path, [f for f in files.values() if f is not None])
    b = _Builder(progress)
    controls = _list_of(load_yaml(controls_file.data, controls_file.display, expected=EXPECTED), "controls",
                        controls_file)
    documents = _list_of(load_yaml(taxonomy_file.data, taxonomy_file.display, expected=EXPECTED), "documents",
                         taxonomy_file)
    if files.get(NIST) is not None:
        nist = load_yaml(files[NIST].data, files[NIST].display, expected=EXPECTED)
        if isinstance(nist, dict) and isinstance(nist.get("documents"), list):
            documents = documents + list(_pairs(nist["documents"], files[NIST]))
    progress.start(len(controls) + len(documents), "mapping MIT mitigations")
    b.documents(documents)
    categories = b.mappings(mappings_file)
    b.controls(controls, categories)
    return ImportOutcome(
        triples=b.t,
        review=b.review,
        provenance=Provenance(source_file=name, sha256=digest,
                              title="MIT AI Risk Mitigation database (via IBM AI Atlas Nexus)", version=version,
                              license=LICENSE, attribution=ATTRIBUTION, homepage=HOMEPAGE),
        counts=b.counts,
        rows_read=b.rows_read,
        rows_imported=b.rows_imported,
    )


def _list_of(doc, key: str, located) -> list:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise InputFileError(located.display, f"no '{key}' list at the top level; expected {EXPECTED}", hint=HINT)
    return list(_pairs(doc[key], located))


def _pairs(items: list, located):
    for i, item in enumerate(items):
        yield item, located, i


class _Builder:
    def __init__(self, progress):
        self.progress = progress
        self.t = Triples()
        self.review: list[ReviewRow] = []
        self.rows_read = 0
        self.rows_imported = 0
        self.docs: dict[str, ox.NamedNode] = {}
        self.counts = {"mitigations": 0, "documents": 0, "documents with mitigations": 0, "category links": 0,
                       "uncategorised": 0}
        self.database = iri("ref", "mit-ai-risk-mitigation-database")
        self.reviewed_rows: set[str] = set()
        self.with_mitigations: set = set()

    def note(self, row: str, fld: str, value, reason: str) -> None:
        self.review.append(ReviewRow(row, fld, "" if value is None else str(value), reason))

    # documents ----------------------------------------------------------------------------------------------

    def documents(self, documents) -> None:
        for d, located, i in documents:
            self.rows_read += 1
            self.progress.advance()
            where = f"{located.name} documents[{i}]"
            if not isinstance(d, dict) or not str(d.get("id") or "").strip():
                self.note(where, "id", d if not isinstance(d, dict) else "", "a document without an id; not imported")
                continue
            doc_id = str(d["id"]).strip()
            where = f"{located.name} documents[{i}] {doc_id}"
            if doc_id in self.docs:
                self.note(where, "id", doc_id, "the document is described twice; the first description is used")
                self.rows_imported += 1
                continue
            self._document(doc_id, d, where)
            self.rows_imported += 1

    def _document(self, doc_id: str, d: dict, where: str) -> ox.NamedNode:
        node = iri("mitdoc", safe_local(re.sub(r"^doc-", "", doc_id)))
        self.docs[doc_id] = node
        t = self.t
        title = str(d.get("name") or "")  # text as the source spells it; the store trims the ends
        if not title.strip():
            self.note(where, "name", "", "a document without a name; its id is used as title")
            title = doc_id
        t.add(node, V.type, V.Document)
        t.add(node, V.title, en(title))
        t.add(node, V.label, en(re.sub(r"^doc-", "", doc_id)))
        t.add(node, V.identifier, plain(doc_id))
        author = str(d.get("author") or "")
        if author.strip():
            t.add(node, V.creator, plain(author))
        description = str(d.get("description") or "")
        if description.strip():
            t.add(node, V.description, en(description))
        url = str(d.get("url") or "").strip()
        if url:
            if re.match(r"^https?://\S+$", url):
                t.add(node, V.url, typed(url, "anyURI"))
            else:
                self.note(where, "url", url, "not an http(s) address; left out")
        created = d.get("dateCreated")
        year = getattr(created, "year", None) or (re.match(r"^\s*(\d{4})", str(created or "")) or [None, None])[1]
        if year:
            t.add(node, V.year, typed(str(year), "gYear"))
        t.add(node, V.recordedIn, self.database)
        same = curated_documents().get(doc_key(doc_id))
        if same is not None:  # airm's own citation of the same document
            t.add(node, V.sameAs, same)
        self.counts["documents"] += 1
        return node

    def _document_of(self, doc_id: str, where: str) -> ox.NamedNode:
        node = self.docs.get(doc_id)
        if node is None:
            self.note(where, "hasDocumentation", doc_id, f"document {doc_id} is not described in {TAXONOMY}; it is "
                                                         "recorded with its id as title")
            node = self._document(doc_id, {"name": doc_id}, where)
        return node

    # categories -----------------------------------------------------------------------------------------------

    def mappings(self, located) -> dict[str, list[tuple[str, ox.NamedNode]]]:
        """control id -> [(row locator, category concept)] from the mapping table; odd rows go to review."""
        table = codes(SCHEME)
        try:
            text = located.data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputFileError(located.display, f"not UTF-8 text (byte {e.start}); expected {EXPECTED}") from None
        header = None
        out: dict[str, list] = {}
        self.mapping_rows: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if header is None:
                header = {c.casefold(): i for i, c in enumerate(cells)}
                if not {"subject_id", "predicate_id", "object_id"} <= set(header):
                    raise InputFileError(located.display, "no subject_id / predicate_id / object_id header: not an "
                                         f"SSSOM-style mapping table; expected {EXPECTED}", line=number, hint=HINT)
                continue
            where = f"{located.name} line {number}"
            self.rows_read += 1
            subject, predicate, obj = (cells[header[col]] if header[col] < len(cells) else ""
                                       for col in ("subject_id", "predicate_id", "object_id"))
            if not subject or not obj:
                self.note(where, "subject_id" if not subject else "object_id", "",
                          "a mapping row without subject or object (the file may be truncated); not used")
                continue
            if predicate.split(":")[-1].casefold() != "iscategorizedas":
                self.note(where, "predicate_id", predicate, "not an isCategorizedAs mapping; not used")
                continue
            m = _GROUP_CODE.search(obj)
            concept = table.get(m.group(1)) if m else None
            if concept is None:
                self.note(where, "object_id", obj, f"no category code of {SCHEME} at the end of this id "
                                                   "(expected ...-group-1.1); not used")
                continue
            control = subject.split(":", 1)[1] if ":" in subject else subject
            out.setdefault(control, []).append((where, concept))
        if header is None:
            raise InputFileError(located.display, f"an empty mapping table; expected {EXPECTED}", hint=HINT)
        return out

    # mitigations ----------------------------------------------------------------------------------------------

    def controls(self, controls, categories) -> None:
        parsed = []
        for c, located, i in controls:
            self.rows_read += 1
            self.progress.advance()
            where = f"{located.name} controls[{i}]"
            if not isinstance(c, dict):
                self.note(where, "(entry)", c, "not a mapping of fields; not imported")
                continue
            cid = one_line(str(c.get("id") or ""))
            if not cid:
                self.note(where, "id", "", "a mitigation without an id; not imported")
                continue
            where = f"{located.name} controls[{i}] {cid}"
            m = _A_NUMBER.match(cid)
            if not m:
                self.note(where, "id", cid, "the id does not start with an A-number (A0086_...); not imported")
                continue
            docs = c.get("hasDocumentation") or []
            docs = [str(x).strip() for x in (docs if isinstance(docs, list) else [docs]) if str(x).strip()]
            if not docs:
                self.note(where, "hasDocumentation", "", "no source document; not imported")
                continue
            parsed.append((where, cid, m.group(1).upper(), docs, c))
        by_number: dict[str, list] = {}
        for p in parsed:
            by_number.setdefault(p[2], []).append(p)
        used_rows: set[str] = set()
        for group in by_number.values():
            seen_docs: dict[str, str] = {}
            for where, cid, a, docs, c in group:
                if len(group) == 1:
                    local = a
                else:
                    doc_local = safe_local(re.sub(r"^doc-", "", docs[0]))
                    if doc_local in seen_docs:
                        self.note(where, "id", cid, f"A-number {a} with document {docs[0]} again (first: "
                                                    f"{seen_docs[doc_local]}); not imported")
                        continue
                    seen_docs[doc_local] = where
                    local = f"{a}-{doc_local}"
                    self.note(where, "id", cid, f"A-number {a} is used by {len(group)} mitigations; imported as "
                                                f"mitmit:{local}, named by A-number and document")
                self._mitigation(iri("mitmit", local), where, cid, a, docs, c, categories.get(cid, []), used_rows)
        for control, rows in categories.items():
            for where, _concept in rows:
                if where not in used_rows and where not in self.reviewed_rows:
                    self.note(where, "subject_id", control, "no imported mitigation with this id; the row is not used")
        self.rows_imported += len(used_rows)

    def _mitigation(self, node, where, cid, a, docs, c, rows, used_rows) -> None:
        t = self.t
        name = str(c.get("name") or "")
        if not name.strip():
            name = a
            self.note(where, "name", "", f"a mitigation without a name; labelled {a}")
        t.add(node, V.type, V.Mitigation)
        t.add(node, V.label, en(name))
        t.add(node, V.identifier, plain(a))
        t.add(node, V.identifier, plain(cid))
        description = str(c.get("description") or "")
        if description.strip():
            t.add(node, V.description, en(description))
        doc = self._document_of(docs[0], where)
        t.add(node, V.extractedFrom, doc)
        if len(docs) > 1:
            self.note(where, "hasDocumentation", ", ".join(docs[1:]),
                      f"more than one source document; the mitigation is recorded as extracted from {docs[0]}")
        t.add(node, V.recordedIn, self.database)
        t.add(node, V.isPreliminary, TRUE)
        t.add(node, V.mitigationCategory, self._category(where, rows, used_rows))
        t.add(node, V.lifecycleStage, iri("lifecycle", "not-recorded"))
        t.add(node, V.actorType, iri("actor", "not-recorded"))
        t.add(node, V.riskManagementFunction, iri("rmf", "not-recorded"))
        self.counts["mitigations"] += 1
        self.rows_imported += 1
        if doc not in self.with_mitigations:
            self.with_mitigations.add(doc)
            self.counts["documents with mitigations"] += 1

    def _category(self, where: str, rows: list, used_rows: set) -> ox.NamedNode:
        unable = iri("mtax", "unable-to-classify")
        if not rows:
            self.note(where, "category", "", f"no category in {MAPPINGS}; filed under mtax:unable-to-classify")
            self.counts["uncategorised"] += 1
            return unable
        concepts = {concept for _, concept in rows}
        if len(concepts) > 1:  # keep the most specific when the others are its broader categories
            narrow = [c for c in concepts if all(c == o or c.value.startswith(o.value + ".") for o in concepts)]
            if len(narrow) != 1:
                for w, concept in rows:
                    self.note(w, "object_id", concept.value.rsplit("/", 1)[-1],
                              f"the mitigation is mapped to {len(concepts)} unrelated categories; filed under "
                              "mtax:unable-to-classify")
                    self.reviewed_rows.add(w)
                self.counts["uncategorised"] += 1
                return unable
            concepts = set(narrow)
        used_rows.update(w for w, _ in rows)
        self.counts["category links"] += 1
        return next(iter(concepts))
