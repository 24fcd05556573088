"""IBM AI Atlas Nexus: every taxonomy the package holds beyond the ones other importers read, and the mapping rows
that name them.

PATH is the ``ai-atlas-nexus`` folder or the wheel (``pip download --no-deps ai-atlas-nexus==1.2.5``), read in place.
An extra step: the five-source workflow does not need it, and nothing it writes changes the other imports.

What it brings, each taxonomy as its own concept scheme ``airmd:nexus/<taxonomy id>`` (the list is
``FURTHER_TAXONOMIES`` in :mod:`.nexus_package`):

- risks and risk groups as ``airm:RiskCategory`` concepts ``airmd:nexus/<taxonomy>/<id>``, under their group
  (``isPartOf`` -> ``skos:broader``); names, ids and links are facts, kept as given; a description is the source's
  text, stored as such (``skos:definition``) with the taxonomy's document as its source;
- actions and controls (Credo UCF's actions, Granite Guardian's and ShieldGemma's detectors) and AIUC-1's
  requirements and control activities as ``airm:Mitigation``s extracted from the taxonomy's document, each linked to
  the risks it names (``hasRelatedRisk``, ``detectsRiskConcept``) by an ``airm:RiskAddressing`` whose evidence is that
  document; AIUC-1 names its risks only in mapping tables (``nexus:hasRelatedRisk`` rows and its requirement ->
  risk rows), so those rows are its risk links, with the table and line as evidence;
- every row of the mapping tables (``data/mappings/*.tsv``) in which one side is a taxonomy read here, as
  ``nexus-mappings`` writes rows (same node, same fields), the other side placed among the IBM AI Risk Atlas, the
  OWASP LLM Top 10, NIST AI 600-1 and the MIT risk taxonomy by the same rules. Rows between vocabularies that
  ``nexus-mappings`` imports are left to it. A row whose justification is ``semapv:LLMBasedMatching`` or whose
  comment says it awaits review is a *candidate*: its mapping node is kept, but not its direct SKOS triple, so
  stored queries follow it only when asked (``mitigations-for-risk`` with ``follow=candidates``).

Counts per taxonomy are reported (``credo-ucf risks``, ``credo-ucf mitigations``...). A taxonomy file missing from
the package is a review row (the checkout of July 2026 predates Eticas and OWASP AST10); a file without its
``taxonomies`` entry or its lists fails the import, naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from .. import sssom
from ..errors import InputFileError
from ..licenses import spdx_iri
from .base import NO_PROGRESS, ImportOutcome, NullProgress, Provenance, ReviewRow
from .inputs import check_rows
from .locate import LocatedFile
from .nexus_package import (
    EXPECTED,
    FURTHER_TAXONOMIES,
    HINT,
    is_single_file,
    mapping_tables,
    package_files,
    prefix_key,
    yaml_mapping_sets,
)
from .nexus_rows import PREDICATES, mapping_node
from .toolkit import CurieTriples, clean, codes, input_identity, iso_date, load_yaml, show, source_text

NAME = "nexus-taxonomies"
DESCRIPTION = ("IBM AI Atlas Nexus: every further taxonomy (Credo UCF, AIUC-1, AIR 2024, AILuminate, Eticas, OWASP "
               "agentic lists, Granite Guardian, ShieldGemma) with actions as mitigations, and the rows that map them")
HOMEPAGE = "https://github.com/IBM/ai-atlas-nexus"
LICENSE = spdx_iri("Apache-2.0")
ATTRIBUTION = ("IBM AI Atlas Nexus (github.com/IBM/ai-atlas-nexus), Apache-2.0. The taxonomies it carries keep "
               "their own terms (Credo UCF, AIUC-1, AIR 2024, MLCommons AILuminate, Eticas, OWASP: see each source).")

TAXONOMIES = FURTHER_TAXONOMIES  # file -> (taxonomy id, whether every release holds it)
# the lists of a taxonomy file that hold measures, and the field naming the risks each one addresses
MEASURE_LISTS = {"actions": "hasRelatedRisk", "controls": "detectsRiskConcept", "rules": None}
IBM_FILE, OWASP_FILE, NIST_FILE = "risk_atlas_data.yaml", "owasp_llm_2.0_data.yaml", "nist_ai_rmf_data.yaml"
# other importers' vocabularies, as the tables prefix them (case-folded, '_' read as '-') -> family
OTHER_PREFIXES = {"ibm-risk-atlas": "ibm", "ibmairisk": "ibm", "owasp-llm-2.0": "owasp", "nistai": "nist",
                  "nist-ai-rmf": "nist", "mit-ai-risk-repository": "mitdom"}
SKIPPED_TABLES = {"mit_ai_risk_mitigation_mappings.tsv", "ibm_capabilities_to_tasks.tsv"}
# a row stating that a measure addresses a risk (AIUC-1's control activities -> OWASP agentic risks)
RISK_LINK_PREDICATES = {"nexus:hasrelatedrisk"}
_MIT_DOMAIN = re.compile(r"^mit-ai-risk-(?:sub)?domain-(\d+(?:\.\d+)?)$")
_LOCAL = re.compile(r"^[A-Za-z0-9][^\s]*$")  # AIR 2024 ids hold '(', '/', ',': kept as given, escaped in IRIs
RISK_TYPES = {None, "Risk", "RiskGroup"}
_REVIEW_NOTE = re.compile(r"for (?:maintainer )?review", re.IGNORECASE)


_key = prefix_key


def is_candidate(row: dict) -> bool:
    """A row proposed by a language model, or one its authors left for review: kept, not followed by default."""
    return (row.get("mapping_justification", "").strip() == "semapv:LLMBasedMatching"
            or bool(_REVIEW_NOTE.search(row.get("comment", ""))))


class _Reader:
    def __init__(self, progress):
        self.progress = progress
        self.t = CurieTriples()
        self.review: list[ReviewRow] = []
        self.rows_read = self.rows_imported = 0
        self.counts: dict[str, int] = {}
        self.risks: dict[str, dict[str, object]] = {}  # taxonomy -> id -> node
        self.measures: dict[str, dict[str, object]] = {}  # taxonomy -> id -> node
        self.documents: dict[str, object] = {}  # taxonomy -> its document node
        self.other: dict[str, set[str]] = {"ibm": set(), "owasp": set(), "nist": set()}
        self.addressed: set[tuple] = set()
        self.kinds: set[tuple[str, str]] = set()

    def flag(self, row: str, field: str, value, reason: str) -> None:
        shown = show(value) if value is not None else ""
        self.review.append(ReviewRow(row=row, field=field, value=shown, reason=reason))

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    @staticmethod
    def node_iri(taxonomy: str, local: str = "") -> str:
        return f"airmd:nexus/{taxonomy}" + (f"/{quote(local, safe='-._~,')}" if local else "")

    # -- taxonomies ---------------------------------------------------------------------------------------------------
    def taxonomy(self, located: LocatedFile, tid: str) -> None:
        doc = load_yaml(located.data, located.display, expected=f"the AI Atlas Nexus {located.name}")
        taxonomies = doc.get("taxonomies") if isinstance(doc, dict) else None
        tax = next((x for x in taxonomies or [] if isinstance(x, dict) and clean(x.get("id")) == tid), None)
        if tax is None:
            raise InputFileError(located.display, f"no taxonomy '{tid}' in its 'taxonomies' list (expected the AI "
                                                  f"Atlas Nexus {located.name})",
                                 hint="the file may be from another release: " + HINT)
        t = self.t
        scheme = t.iri(self.node_iri(tid))
        t.add(scheme, "rdf:type", "skos:ConceptScheme")
        t.add(scheme, "skos:prefLabel", t.text(clean(tax.get("name")) or tid))
        t.add(scheme, "dcterms:identifier", t.text(tid, None))
        if source_text(tax.get("description")):
            t.add(scheme, "skos:definition", t.text(source_text(tax.get("description"))))
        if clean(tax.get("version")):
            t.add(scheme, "dcat:version", t.text(clean(tax.get("version")), None))
        document = self._document(doc, tax, tid, located)
        t.add(scheme, "dcterms:source", document)
        self.documents[tid] = document
        self.risks[tid], self.measures[tid] = {}, {}
        groups = self._records(doc, "groups", located, tid)
        entries = self._records(doc, "entries", located, tid)
        for rid, _item, _where in groups + entries:
            self.risks[tid][rid] = t.iri(self.node_iri(tid, rid))
        for kind, records in (("risk groups", groups), ("risks", entries)):
            for rid, item, where in records:
                self._risk(tid, scheme, rid, item, where, document, kind == "risk groups")
                self.count(f"{tid} {kind}")
        for key, risk_field in MEASURE_LISTS.items():
            for mid, item, where in self._records(doc, key, located, tid):
                self._measure(tid, mid, item, where, document, risk_field)

    def _records(self, doc: dict, key: str, located: LocatedFile, tid: str) -> list[tuple[str, dict, str]]:
        items = doc.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            raise InputFileError(located.display, f"'{key}' is not a list (expected the AI Atlas Nexus {located.name})",
                                 hint="the file may be damaged or from another release: " + HINT)
        out, seen = [], set()
        for i, item in enumerate(items):
            self.rows_read += 1
            where = f"{located.name} {key}[{i}]"
            rid = clean(item.get("id")) if isinstance(item, dict) else None
            if rid is None or not _LOCAL.match(rid) or clean(item.get("name")) is None:
                self.flag(where, "id", item.get("id") if isinstance(item, dict) else item,
                          "missing or malformed id, or no name: not imported")
                continue
            if clean(item.get("isDefinedByTaxonomy")) not in (None, tid):
                self.flag(where, "isDefinedByTaxonomy", item.get("isDefinedByTaxonomy"),
                          f"not taxonomy {tid}: not imported")
                continue
            if key in ("groups", "entries") and clean(item.get("type")) not in RISK_TYPES:
                self.flag(where, "type", item.get("type"), "not a risk or risk group: not imported")
                continue
            if rid in seen:
                self.flag(where, "id", rid, "id listed twice: the first entry was kept")
                continue
            seen.add(rid)
            out.append((rid, item, f"{located.name} {rid}"))
        return out

    def _document(self, doc: dict, tax: dict, tid: str, located: LocatedFile):
        """The document the taxonomy comes from: its ``documents`` entry, else the taxonomy's own page."""
        t = self.t
        node = t.iri(self.node_iri(tid, "document"))
        named = [d for d in doc.get("documents") or [] if isinstance(d, dict) and clean(d.get("name"))]
        title = clean(named[0].get("name")) if named else clean(tax.get("name")) or tid
        url = clean(named[0].get("url")) if named and clean(named[0].get("url")) else clean(tax.get("url"))
        t.add(node, "rdf:type", "bibo:Document")
        t.add(node, "dcterms:title", t.text(title))
        t.add(node, "rdfs:label", t.text(title))
        if url and url.startswith(("http://", "https://")) and " " not in url:
            t.add(node, "schema:url", t.typed(url, "xsd:anyURI"))
        elif url:
            self.flag(f"{located.name} {tid}", "url", url, "not a web address: left out")
        return node

    def _risk(self, tid: str, scheme, rid: str, item: dict, where: str, document, group: bool) -> None:
        t = self.t
        node = self.risks[tid][rid]
        t.add(node, "rdf:type", "airm:RiskCategory")
        t.add(node, "skos:inScheme", scheme)
        t.add(node, "skos:prefLabel", t.text(source_text(item.get("name"))))
        t.add(node, "dcterms:identifier", t.text(rid, None))
        description = source_text(item.get("description"))
        if description:  # the source's text, as spelt, with its source
            t.add(node, "skos:definition", t.text(description))
            t.add(node, "dcterms:source", document)
        elif group:  # as the IBM Risk Atlas groups are described by nexus-mappings: what the group gathers
            name = " ".join(source_text(item.get("name")).split())
            t.add(node, "skos:definition", t.text(f"The risks {tid} groups under \u201c{name}\u201d."))
        parent = clean(item.get("isPartOf"))
        if parent and parent in self.risks[tid] and parent != rid:
            t.add(node, "skos:broader", self.risks[tid][parent])
        else:
            if parent:
                self.flag(where, "isPartOf", parent, "not a group of this taxonomy: placed at the top")
            t.add(node, "skos:topConceptOf", scheme)
        self.rows_imported += 1

    def _measure(self, tid: str, mid: str, item: dict, where: str, document, risk_field: str | None) -> None:
        t = self.t
        node = t.iri(self.node_iri(tid, mid))
        self.measures[tid][mid] = node
        t.add(node, "rdf:type", "airm:Mitigation")
        t.add(node, "rdfs:label", t.text(source_text(item.get("name"))))
        t.add(node, "dcterms:identifier", t.text(mid, None))
        if source_text(item.get("description")):
            t.add(node, "dcterms:description", t.text(source_text(item.get("description"))))
        t.add(node, "airm:extractedFrom", document)
        t.add(node, "airm:actorType", "actor:not-recorded")
        t.add(node, "airm:lifecycleStage", "lifecycle:not-recorded")
        t.add(node, "airm:riskManagementFunction", "rmf:not-recorded")
        t.add(node, "airm:mitigationCategory", self._kind(tid, clean(item.get("type"))))
        self.count(f"{tid} mitigations")
        self.rows_imported += 1
        names = item.get(risk_field) if risk_field else None
        for rid in names if isinstance(names, list) else [names] if names else []:
            risk = self.risks[tid].get(clean(rid) or "")
            if risk is None:
                self.flag(where, risk_field, rid, f"not a risk of {tid}: the link is not imported")
                continue
            if self.address(node, mid, risk, str(clean(rid)), document, f"{where} {risk_field}",
                            "curation:source-classification"):
                self.count(f"{tid} risk links")
            else:
                self.flag(where, risk_field, rid, "the risk is listed twice: one link imported")

    def _kind(self, tid: str, kind: str | None):
        """The measure's category: the kind the source gives it (AIUC-1's Requirement, ControlActivityObligation...),
        in a scheme of the taxonomy's own; no kind gives the scheme's 'Unable to classify' sentinel."""
        t = self.t
        scheme = t.iri(self.node_iri(tid, "measure-kinds"))
        local = f"measure-kind-{quote(kind, safe='-._~')}" if kind else "measure-kind-unable-to-classify"
        node = t.iri(self.node_iri(tid, local))
        if (tid, local) not in self.kinds:
            self.kinds.add((tid, local))
            if len([k for k in self.kinds if k[0] == tid]) == 1:
                t.add(scheme, "rdf:type", "skos:ConceptScheme")
                t.add(scheme, "skos:prefLabel", t.text(f"Kinds of measure in {tid}"))
            t.add(node, "rdf:type", "airm:MitigationCategory")
            t.add(node, "skos:inScheme", scheme)
            t.add(node, "skos:topConceptOf", scheme)
            t.add(scheme, "skos:hasTopConcept", node)
            t.add(node, "skos:prefLabel", t.text(kind or "Unable to classify"))
            if kind:
                t.add(node, "skos:definition", t.text(f"The measures {tid} records as being of the kind {kind}."))
            else:
                t.add(node, "rdf:type", "airm:ClassificationSentinel")
                t.add(node, "skos:definition", t.text(f"The {tid} record gives no kind airm could read."))
        return node

    def address(self, measure, mid: str, risk, rid: str, evidence, locator: str, curation: str) -> bool:
        """One ``airm:RiskAddressing`` from a measure to a risk, with its evidence; False when already stated."""
        if (measure, risk) in self.addressed:
            return False
        self.addressed.add((measure, risk))
        t = self.t
        stmt = t.iri(f"{measure.value}--{quote(rid, safe='-._~,')}")
        t.add(measure, "airm:hasRiskAddressing", stmt)
        t.add(stmt, "rdf:type", "airm:RiskAddressing")
        t.add(stmt, "rdfs:label", t.text(f"{mid} addresses the risk {rid}"))
        t.add(stmt, "airm:addressedRisk", risk)
        t.add(stmt, "prov:wasDerivedFrom", evidence)
        t.add(stmt, "airm:locator", t.text(locator, None))
        t.add(stmt, "airm:curationMethod", curation)
        return True

    # -- the other importers' ids -------------------------------------------------------------------------------------
    def other_ids(self, family: str, located: LocatedFile | None) -> None:
        if located is None:
            return
        doc = load_yaml(located.data, located.display, expected=f"the AI Atlas Nexus {located.name}")
        for key in ("entries", "groups"):
            for e in (doc.get(key) if isinstance(doc, dict) and isinstance(doc.get(key), list) else []):
                if isinstance(e, dict) and clean(e.get("id")):
                    self.other[family].add(str(clean(e.get("id"))))

    def resolve(self, curie: str) -> tuple[object | None, str | None, str]:
        """(node, taxonomy read here or None, "") for an identifier, else (None, None, reason)."""
        if ":" not in curie:
            return None, None, "not a CURIE (prefix:id)"
        prefix, local = (x.strip() for x in curie.split(":", 1))
        t = self.t
        tid = next((x for x in self.risks if _key(x) == _key(prefix)), None)
        if tid is not None:
            node = self.risks[tid].get(local) or self.measures[tid].get(local)
            return (node, tid, "") if node is not None else (None, None, f"not an entry of {tid}")
        family = OTHER_PREFIXES.get(_key(prefix))
        if family in ("ibm", "owasp", "nist"):
            if local not in self.other[family]:
                return None, None, f"not an entry of the {family.upper()} vocabulary in this package"
            return t.iri(f"{ {'ibm': 'ibmrisk', 'owasp': 'owasp', 'nist': 'nistgai'}[family]}:{local}"), None, ""
        if family == "mitdom":
            m = _MIT_DOMAIN.match(local)
            node = codes("scheme:mit-risk-domain").get(m.group(1)) if m else None
            if node is None:
                return None, None, "not a domain or subdomain of the MIT taxonomy"
            return node, None, ""
        return None, None, f"vocabulary '{prefix}' is not one airm imports"

    # -- mapping tables -----------------------------------------------------------------------------------------------
    def table(self, located: LocatedFile) -> None:
        name = located.name
        table = sssom.read_tsv(located.data, name=located.display, required=("subject_id", "predicate_id", "object_id"),
                               bad_rows="collect")
        check_rows(len(table.rows) + len(table.bad_rows), located.display)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name[:-4] if name.endswith(".tsv") else name)
        tset = self.t.iri(f"mapping:nexus-{stem}")
        set_date = iso_date(str(table.metadata.get("mapping_date") or "")) if table.metadata else None
        seen: dict[str, int] = {}
        used = 0
        for row in table.rows:
            if self._row(row.values, f"{name} line {row.line}", row.line, tset, set_date, stem, seen):
                used += 1
        if used:
            t = self.t
            t.add(tset, "rdf:type", "bibo:Document")
            t.add(tset, "rdf:type", "dcat:Dataset")
            t.add(tset, "dcterms:title", t.text(f"AI Atlas Nexus mapping table {name}"))
            t.add(tset, "rdfs:label", t.text(name, None))
            t.add(tset, "schema:url", t.typed(HOMEPAGE, "xsd:anyURI"))
            self.count("mapping tables")

    def _row(self, row: dict, where: str, number: int, tset, set_date, stem: str, seen: dict) -> bool:
        subject_id, predicate_raw, object_id = row["subject_id"], row["predicate_id"], row["object_id"]
        ours = [c for c in (subject_id, object_id)
                if ":" in c and any(_key(c.split(":", 1)[0]) == _key(x) for x in self.risks)]
        if not ours:
            return False  # between vocabularies nexus-mappings imports, or none airm holds: not this importer's row
        self.rows_read += 1
        subject, s_tax, why = self.resolve(subject_id)
        obj, o_tax, why_o = self.resolve(object_id) if subject is not None else (None, None, "")
        if subject is None or obj is None:
            self.flag(where, "subject_id" if subject is None else "object_id",
                      subject_id if subject is None else object_id, f"{why or why_o}: row not imported")
            return False
        key = f"{subject_id}|{predicate_raw.casefold()}|{object_id}|{stem}"
        if key in seen:
            self.flag(where, "", f"{subject_id} {predicate_raw} {object_id}", f"repeats line {seen[key]}: not imported")
            return False
        seen[key] = number
        measure = s_tax is not None and subject_id.split(":", 1)[1].strip() in self.measures[s_tax]
        if measure and predicate_raw.casefold() in RISK_LINK_PREDICATES and o_tax is not None:
            return self._risk_link_row(row, where, subject, obj, tset, s_tax)
        predicate = PREDICATES.get(predicate_raw.casefold())
        if predicate is None:
            self.flag(where, "predicate_id", predicate_raw,
                      "not a SKOS mapping predicate between risks: row not imported")
            return False
        node = mapping_node(self.t, self.flag, row, where, f"{subject_id}|{predicate}|{object_id}|{stem}",
                            subject, predicate, obj, set_date)
        t = self.t
        t.add(node, "prov:wasDerivedFrom", tset)
        t.add(node, "airm:locator", t.text(where, None))
        t.add(node, "airm:curationMethod", "curation:published-crosswalk")
        self.rows_imported += 1
        self.count("mappings")
        if is_candidate(row):
            t.add(node, "airm:proposalStatus", t.text("proposed", None))  # the shapes exempt it from a direct triple
        if is_candidate(row):
            self.count("candidate mappings (not followed by default)")
        elif measure:  # a measure "related" to a risk of another vocabulary: recorded, not a claim that it addresses it
            self.count("measure-to-risk mappings (recorded only)")
        elif predicate != "airm:noMatch":
            t.add(subject, predicate, obj)
            self.count("direct SKOS links")
        return True

    def _risk_link_row(self, row: dict, where: str, measure, risk, tset, tid: str) -> bool:
        """A row from a measure (an AIUC-1 requirement or control activity) to a risk: the measure's risk link."""
        if is_candidate(row):
            self.flag(where, "mapping_justification", row.get("mapping_justification"),
                      "a proposed measure-risk link awaiting review: not imported as a risk link")
            return False
        mid = row["subject_id"].split(":", 1)[1].strip()
        if self.address(measure, mid, risk, row["object_id"].split(":", 1)[1].strip(), tset, where,
                        "curation:published-crosswalk"):
            self.count(f"{tid} risk links")
        self.rows_imported += 1
        return True


def read(path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome:
    """Read every further AI Atlas Nexus taxonomy, its measures and the mapping rows naming it, from ``path``."""
    path = Path(path)
    if is_single_file(path):
        raise InputFileError(path, f"a single file cannot hold the taxonomies (expected {EXPECTED})", hint=HINT)
    required = [f for f, (_tid, needed) in TAXONOMIES.items() if needed] + [IBM_FILE, OWASP_FILE]
    optional = [f for f, (_tid, needed) in TAXONOMIES.items() if not needed] + [NIST_FILE]
    files = package_files(path, required, optional)
    tables = [tb for tb in mapping_tables(path) if tb.name not in SKIPPED_TABLES]
    if not tables:
        yaml_sets = yaml_mapping_sets(path)
        why = (f"only the YAML form of the mapping sets ({yaml_sets[0]}...), which leaves out the justification and "
               "comment columns that tell a curated row from a proposed one" if yaml_sets else "no mapping tables")
        raise InputFileError(path, f"{why}: expected data/mappings/*.tsv ({EXPECTED})", hint=HINT)
    reader = _Reader(progress)
    used = [f for f in files.values() if f is not None] + tables
    name, digest, version = input_identity(path, used)
    progress.start(len(TAXONOMIES) + len(tables), "AI Atlas Nexus taxonomies")
    for filename, (tid, _needed) in TAXONOMIES.items():
        if files[filename] is None:
            reader.flag(filename, "", "", f"not in this package: taxonomy {tid} not imported")
        else:
            reader.taxonomy(files[filename], tid)
        progress.advance()
    for family, filename in (("ibm", IBM_FILE), ("owasp", OWASP_FILE), ("nist", NIST_FILE)):
        reader.other_ids(family, files[filename])
    for located in tables:
        reader.table(located)
        progress.advance()
    outcome = ImportOutcome(triples=reader.t.triples, review=reader.review, counts=dict(sorted(reader.counts.items())),
                            rows_read=reader.rows_read, rows_imported=reader.rows_imported)
    outcome.provenance = Provenance(
        source_file=str(path) if path.is_dir() else name, sha256=digest,
        title="IBM AI Atlas Nexus: further taxonomies, their measures and mapping rows", version=version,
        license=LICENSE, attribution=ATTRIBUTION, homepage=HOMEPAGE)
    return outcome
