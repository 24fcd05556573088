"""IBM AI Atlas Nexus: the IBM AI Risk Atlas, the OWASP Top 10 for LLM Applications, and the crosswalk tables.

PATH is the ``ai-atlas-nexus`` folder (a checkout or an unpacked copy) or the wheel that
``pip download --no-deps ai-atlas-nexus==1.2.5`` fetches; the wheel is read in place, never installed.

What it brings:

- the IBM AI Risk Atlas (``risk_atlas_data.yaml``): its risks as ``airm:RiskCategory`` concepts ``ibmrisk:<id>``
  under their groups (``skos:broader``), in the scheme ``ibmrisk:<taxonomy id>``;
- the OWASP Top 10 for LLM Applications 2025 (``owasp_llm_2.0_data.yaml``): ``owasp:<id>`` in ``owasp:<taxonomy id>``;
- every row of the SSSOM-style mapping tables (``data/mappings/*.tsv``) as an ``airm:ConceptMapping`` node
  ``mapping:<hash of subject|predicate|object|table>`` with its SSSOM fields (subject, predicate, object,
  justification, author, date, confidence, comment; table-level date and licence apply to rows that give none, as
  SSSOM propagates them), plus the direct SKOS triple between the two concepts so that queries can follow
  crosswalks. A ``noMatch`` row keeps its node (predicate ``airm:noMatch``) and asserts no triple.

The tables are read by :func:`airm.sssom.read_tsv`, the reader of airm's own SSSOM mapping sets: a table it cannot
read (not UTF-8, no header row, no subject_id/predicate_id/object_id column, a cell over the csv module's limit...)
fails the import, naming the table and line; a row it cannot split into the table's columns goes to review with its
reason, and the rest of the import goes on.

Identifiers in the tables are mapped onto airm's IRIs by prefix (``PREFIXES`` below) and checked: MIT repository
subdomains and causal classes onto the curated ``mitdom:``/``mitcausal:`` concepts by code, NIST AI 600-1 risks onto
``nistgai:<Nexus id>`` (known ids from ``nist_ai_rmf_data.yaml``), IBM risks and OWASP entries onto the ones read
here. A row naming a vocabulary this importer does not hold, an unknown id, an unknown predicate or a repeated row
goes to review with its table and line; the rows naming the further taxonomies (Credo UCF, AIUC-1, AILuminate,
Eticas, the OWASP agentic lists...) are imported by ``nexus-taxonomies``, which their review lines name.

``mit_ai_risk_mitigation_mappings.tsv`` (mitigations to their taxonomy category) is read by the ``mit-mitigations``
importer and skipped here.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import sssom
from ..errors import InputFileError
from ..licenses import spdx_iri
from .base import NO_PROGRESS, ImportOutcome, NullProgress, Provenance, ReviewRow
from .inputs import check_rows
from .locate import LocatedFile
from .nexus_package import EXPECTED, further_taxonomy, is_single_file, mapping_tables, package_files
from .nexus_rows import PREDICATES, mapping_node
from .toolkit import CurieTriples, clean, codes, input_identity, iso_date, load_yaml, show, source_text

NAME = "nexus-mappings"
DESCRIPTION = "IBM AI Atlas Nexus: IBM AI Risk Atlas, OWASP LLM Top 10, and every crosswalk row (SSSOM tables)"
HINT = "download the package with: pip download --no-deps ai-atlas-nexus==1.2.5 (its dependencies are not needed)"

DERIVED_FROM = "mapping:nexus"  # the dataset node the import record points to (prov:wasDerivedFrom)
HOMEPAGE = "https://github.com/IBM/ai-atlas-nexus"
LICENSE = spdx_iri("Apache-2.0")
ATTRIBUTION = ("IBM AI Atlas Nexus (github.com/IBM/ai-atlas-nexus), Apache-2.0. Third-party content keeps its own "
               "terms: OWASP Top 10 for LLM Applications (CC BY-SA 4.0), MIT AI Risk Repository (CC BY 4.0), "
               "NIST AI 600-1 (U.S. Government work).")

IBM_FILE = "risk_atlas_data.yaml"
OWASP_FILE = "owasp_llm_2.0_data.yaml"
NIST_FILE = "nist_ai_rmf_data.yaml"
SKIPPED_TABLES = {"mit_ai_risk_mitigation_mappings.tsv": "mit-mitigations"}

# The tables' CURIE prefixes (case-folded, '_' read as '-') -> the family their ids belong to. The tables name one
# vocabulary with several prefixes (ibmairisk / ibm-risk-atlas; nistai / nist-ai-rmf).
PREFIXES = {
    "ibm-risk-atlas": "ibm",
    "ibmairisk": "ibm",
    "owasp-llm-2.0": "owasp",
    "nistai": "nist",
    "nist-ai-rmf": "nist",
    "mit-ai-risk-repository": "mitdom",
    "mit-ai-risk-repository-causal": "mitcausal",
}

_MIT_DOMAIN = re.compile(r"^mit-ai-risk-(?:sub)?domain-(\d+(?:\.\d+)?)$")
_MIT_CAUSAL = re.compile(r"^mit-ai-causal-risk-((?:entity|intent|timing)-[a-z-]+)$")
_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_OWASP_CODE = re.compile(r"^\s*(LLM\d{2})\b")

REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id")


class _Reader:
    def __init__(self, progress):
        self.progress = progress
        self.t = CurieTriples()
        self.review: list[ReviewRow] = []
        self.rows_read = 0
        self.rows_imported = 0
        self.counts = {"IBM risks": 0, "IBM risk groups": 0, "OWASP LLM risks": 0, "mapping tables": 0,
                       "mappings": 0, "no-match mappings": 0, "direct SKOS links": 0}
        self.ibm: set[str] = set()
        self.owasp: set[str] = set()
        self.nist: set[str] | None = None
        self.nexus = self.t.iri("mapping:nexus")

    def flag(self, row: str, field: str, value, reason: str) -> None:
        self.review.append(ReviewRow(row=row, field=field, value=show(value) if value is not None else "",
                                     reason=reason))

    def _link(self, node, prop: str, url: str, where: str, field: str) -> None:
        """An IRI-valued link to a web address; anything else goes to review."""
        target = None
        if url.startswith(("http://", "https://")):
            try:
                target = self.t.ox.NamedNode(url)
            except ValueError:
                target = None
        if target is None:
            self.flag(where, field, url, "not a web address: left out")
        else:
            self.t.add(node, prop, target)

    # -- the dataset --------------------------------------------------------------------------------------------------
    def dataset(self, version: str | None) -> None:
        t, d = self.t, self.nexus
        t.add(d, "rdf:type", "bibo:Document")
        t.add(d, "rdf:type", "dcat:Dataset")
        t.add(d, "dcterms:title", t.text("IBM AI Atlas Nexus"))
        t.add(d, "rdfs:label", t.text(f"AI Atlas Nexus{' ' + version if version else ''}"))
        t.add(d, "schema:url", t.typed(HOMEPAGE, "xsd:anyURI"))
        t.add(d, "dcterms:license", t.iri(LICENSE))
        if version:
            t.add(d, "dcat:version", t.text(version, None))

    # -- taxonomies ---------------------------------------------------------------------------------------------------
    def _section(self, doc, key: str, located: LocatedFile) -> list:
        value = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(value, list):
            raise InputFileError(located.display, f"no '{key}' list (expected the AI Atlas Nexus {located.name})",
                                 hint="the file may be truncated or from another release: " + HINT)
        return value

    def _taxonomy(self, doc, located: LocatedFile, prefix: str, fallback_id: str, fallback_name: str):
        taxonomies = doc.get("taxonomies") if isinstance(doc, dict) else None
        tax = next((x for x in taxonomies if isinstance(x, dict)), None) if isinstance(taxonomies, list) else None
        tid = clean(tax.get("id")) if tax else None
        if tid is None or not _LOCAL.match(tid):
            self.flag(f"{located.name} taxonomies", "id", tid, f"no usable taxonomy id: using {fallback_id}")
            tid = fallback_id
        t = self.t
        scheme = t.iri(f"{prefix}:{tid}")
        t.add(scheme, "rdf:type", "skos:ConceptScheme")
        name = clean(tax.get("name")) if tax else None
        t.add(scheme, "skos:prefLabel", t.text(name or fallback_name))
        t.add(scheme, "dcterms:identifier", t.text(tid, None))
        t.add(scheme, "dcterms:source", self.nexus)
        if tax:
            if clean(tax.get("description")):
                t.add(scheme, "skos:definition", t.text(clean(tax.get("description"))))
            url = clean(tax.get("url"))
            if url:
                self._link(scheme, "rdfs:seeAlso", url, f"{located.name} taxonomies", "url")
            if clean(tax.get("version")):
                t.add(scheme, "dcat:version", t.text(clean(tax.get("version")), None))
        return scheme

    def _entry(self, node, scheme, item: dict, where: str) -> None:
        t = self.t
        t.add(node, "rdf:type", "airm:RiskCategory")
        t.add(node, "skos:inScheme", scheme)
        t.add(node, "skos:prefLabel", t.text(source_text(item.get("name"))))  # as spelt
        t.add(node, "dcterms:identifier", t.text(clean(item.get("id")), None))
        description = source_text(item.get("description"))
        if description:  # as spelt: IBM's line breaks and double spaces are kept
            t.add(node, "skos:definition", t.text(description))
        else:
            self.flag(where, "description", item.get("description"), "no description: imported without a definition")
        url = clean(item.get("url"))
        if url:
            self._link(node, "rdfs:seeAlso", url, where, "url")
        for key, prop in (("dateCreated", "dcterms:created"), ("dateModified", "dcterms:modified")):
            if item.get(key) is not None:
                day = iso_date(item.get(key))
                if day:
                    t.add(node, prop, t.typed(day, "xsd:date"))
                else:
                    self.flag(where, key, item.get(key), "not a date (YYYY-MM-DD): left out")

    def _records(self, items: list, located: LocatedFile, kind: str) -> list[tuple[str, dict, str]]:
        out, seen = [], set()
        for i, item in enumerate(items):
            self.rows_read += 1
            where = f"{located.name} {kind}[{i}]"
            rid = clean(item.get("id")) if isinstance(item, dict) else None
            if rid is None or not _LOCAL.match(rid):
                self.flag(where, "id", item.get("id") if isinstance(item, dict) else item,
                          "missing or malformed id: not imported")
                continue
            if rid.casefold() in seen:
                self.flag(f"{located.name} {rid}", "id", rid, "id listed twice: the first entry was kept")
                continue
            if clean(item.get("name")) is None:
                self.flag(f"{located.name} {rid}", "name", item.get("name"), "no name: not imported")
                continue
            seen.add(rid.casefold())
            out.append((rid, item, f"{located.name} {rid}"))
        return out

    def ibm_atlas(self, located: LocatedFile) -> None:
        doc = load_yaml(located.data, located.display, expected=f"the IBM AI Risk Atlas data ({IBM_FILE})")
        entries = self._section(doc, "entries", located)
        groups = doc.get("groups") if isinstance(doc.get("groups"), list) else []
        scheme = self._taxonomy(doc, located, "ibmrisk", "ibm-risk-atlas", "IBM AI Risk Atlas")
        t = self.t
        for d in doc.get("documents") or []:
            did = clean(d.get("id")) if isinstance(d, dict) else None
            if did and _LOCAL.match(did) and clean(d.get("name")):
                node = t.iri(f"ibmrisk:document-{did}")
                t.add(node, "rdf:type", "bibo:Document")
                t.add(node, "dcterms:title", t.text(clean(d.get("name"))))
                t.add(node, "rdfs:label", t.text(clean(d.get("name"))))
                url = clean(d.get("url"))
                if url and url.startswith(("http://", "https://")):
                    t.add(node, "schema:url", t.typed(url, "xsd:anyURI"))
                t.add(scheme, "dcterms:source", node)
        by_key: dict[str, object] = {}
        for gid, item, _where in self._records(groups, located, "groups"):
            node = t.iri(f"ibmrisk:{gid}")
            by_key[gid.casefold()] = node
            t.add(node, "rdf:type", "airm:RiskCategory")
            t.add(node, "skos:inScheme", scheme)
            t.add(node, "skos:topConceptOf", scheme)
            name = source_text(item.get("name"))
            t.add(node, "skos:prefLabel", t.text(name))
            t.add(node, "dcterms:identifier", t.text(gid, None))
            t.add(node, "skos:definition",
                  t.text(f"The risks the IBM AI Risk Atlas groups under \u201c{' '.join(name.split())}\u201d."))
            self.counts["IBM risk groups"] += 1
            self.rows_imported += 1
        self.progress.start(len(entries), "IBM AI Risk Atlas")
        for rid, item, where in self._records(entries, located, "entries"):
            node = t.iri(f"ibmrisk:{rid}")
            self._entry(node, scheme, item, where)
            group = clean(item.get("isPartOf"))
            if group and group.casefold() in by_key:  # group ids drift in case between entries and groups
                t.add(node, "skos:broader", by_key[group.casefold()])
            else:
                self.flag(where, "isPartOf", item.get("isPartOf"), "not a group of this file: placed at the top")
                t.add(node, "skos:topConceptOf", scheme)
            self.ibm.add(rid)
            self.counts["IBM risks"] += 1
            self.rows_imported += 1
            self.progress.advance()

    def owasp_llm(self, located: LocatedFile) -> None:
        doc = load_yaml(located.data, located.display, expected=f"the OWASP LLM Top 10 data ({OWASP_FILE})")
        entries = self._section(doc, "entries", located)
        scheme = self._taxonomy(doc, located, "owasp", "owasp-llm-2.0", "OWASP Top 10 for LLM Applications")
        t = self.t
        used_codes: dict[str, str] = {}
        for rid, item, where in self._records(entries, located, "entries"):
            node = t.iri(f"owasp:{rid}")
            self._entry(node, scheme, item, where)
            t.add(node, "skos:topConceptOf", scheme)
            m = _OWASP_CODE.match(clean(item.get("name"))) or _OWASP_CODE.match(rid.upper())
            if m and m.group(1) not in used_codes:
                used_codes[m.group(1)] = rid
                t.add(node, "skos:notation", t.text(m.group(1), None))
            elif m:
                self.flag(where, "name", item.get("name"),
                          f"code {m.group(1)} already used by {used_codes[m.group(1)]}: no code given")
            self.owasp.add(rid)
            self.counts["OWASP LLM risks"] += 1
            self.rows_imported += 1

    def nist_ids(self, located: LocatedFile | None) -> None:
        if located is None:
            return
        doc = load_yaml(located.data, located.display, expected=f"the NIST AI RMF data ({NIST_FILE})")
        entries = doc.get("entries") if isinstance(doc, dict) else None
        if isinstance(entries, list):
            self.nist = {clean(e.get("id")) for e in entries if isinstance(e, dict) and clean(e.get("id"))}

    # -- identifiers --------------------------------------------------------------------------------------------------
    def resolve(self, curie: str) -> tuple[object | None, str]:
        """(IRI, "") for an identifier airm can place, else (None, reason)."""
        if ":" not in curie:
            return None, "not a CURIE (prefix:id)"
        prefix, local = curie.split(":", 1)
        prefix, local = prefix.strip(), local.strip()
        family = PREFIXES.get(prefix.casefold().replace("_", "-"))
        if family is None:
            if prefix.casefold() == "semapv":
                return None, "a justification term where an identifier belongs: the row's cells look shifted"
            if further_taxonomy(prefix):
                return None, (f"vocabulary '{prefix}' is imported by nexus-taxonomies, with this row: "
                              "airm import nexus-taxonomies PATH")
            return None, f"vocabulary '{prefix}' is not one airm imports: row kept for review only"
        if not _LOCAL.match(local):
            return None, "malformed identifier"
        t = self.t
        if family == "ibm":
            if local not in self.ibm:
                return None, "not a risk of the IBM AI Risk Atlas"
            return t.iri(f"ibmrisk:{local}"), ""
        if family == "owasp":
            if local not in self.owasp:
                return None, "not an entry of the OWASP LLM Top 10"
            return t.iri(f"owasp:{local}"), ""
        if family == "nist":
            if self.nist is not None and local not in self.nist:
                return None, "not a risk of NIST AI 600-1 in nist_ai_rmf_data.yaml"
            return t.iri(f"nistgai:{local}"), ""
        if family == "mitdom":
            m = _MIT_DOMAIN.match(local)
            node = codes("scheme:mit-risk-domain").get(m.group(1)) if m else None
            return (node, "") if node is not None else (None, "not a domain or subdomain code of the MIT taxonomy")
        if family == "mitcausal":
            m = _MIT_CAUSAL.match(local)
            if m:
                axis = m.group(1).split("-", 1)[0]
                node = t.iri(f"mitcausal:{m.group(1)}")
                if node in set(codes(f"scheme:mit-causal-{axis}").values()):
                    return node, ""
            return None, "not a class of the MIT causal taxonomy"
        return None, "unknown vocabulary"  # pragma: no cover - every family is handled above

    # -- mapping tables -----------------------------------------------------------------------------------------------
    def table(self, located: LocatedFile) -> None:
        name = located.name
        try:
            table = sssom.read_tsv(located.data, name=located.display, required=REQUIRED_COLUMNS, bad_rows="collect")
        except sssom.TableError as e:  # a whole table is never dropped with a review line: the import fails
            e.hint = (f"{e.hint + '; ' if e.hint else ''}a mapping table that cannot be read fails the import: "
                      "nothing was imported")
            raise
        check_rows(len(table.rows) + len(table.bad_rows), located.display)
        for warning in table.warnings:
            self.flag(name, "metadata", "", warning)
        meta = {key: self._meta_text(table.metadata, key, name)
                for key in ("mapping_date", "mapping_set_description", "mapping_set_id", "license")}
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name[:-4] if name.endswith(".tsv") else name)
        tset = self.t.iri(f"mapping:nexus-{stem}")
        set_date = iso_date(meta["mapping_date"])
        seen: dict[str, int] = {}
        # the rows read and the rows read_tsv could not split into the columns, in the table's order
        items = [(row.line, row) for row in table.rows]
        items += [(line, (text, reason)) for line, text, reason in table.bad_rows]
        for number, item in sorted(items, key=lambda x: x[0]):
            self.rows_read += 1
            where = f"{name} line {number}"
            if not isinstance(item, sssom.Row):
                text, reason = item
                self.flag(where, "", text, f"{reason}: row not imported")
                continue
            if item.end_line > item.line:
                self.flag(where, "", "", f"a quoted cell runs from line {item.line} to line {item.end_line}: "
                                         "read as one row (check the quotes)")
            if self._row(item.values, where, number, tset, set_date, stem, seen):
                self.rows_imported += 1
        # the table itself, as the document its mappings derive from
        t = self.t
        t.add(tset, "rdf:type", "bibo:Document")
        t.add(tset, "rdf:type", "dcat:Dataset")
        t.add(tset, "dcterms:title", t.text(f"AI Atlas Nexus mapping table {name}"))
        t.add(tset, "rdfs:label", t.text(name, None))
        t.add(tset, "dcterms:isPartOf", self.nexus)
        description = meta["mapping_set_description"]
        if description:
            t.add(tset, "dcterms:description", t.text(description))
        set_id = meta["mapping_set_id"]
        url = set_id if set_id.startswith(("http://", "https://")) and " " not in set_id else HOMEPAGE
        t.add(tset, "schema:url", t.typed(url, "xsd:anyURI"))
        licence = meta["license"]
        if licence:
            self._link(tset, "dcterms:license", spdx_iri(licence), name, "license")  # one IRI per licence
        if set_date:
            t.add(tset, "dcterms:created", t.typed(set_date, "xsd:date"))
        self.counts["mapping tables"] += 1

    def _meta_text(self, metadata: dict, key: str, name: str) -> str:
        """A table-level slot as text ("" when absent); a list or mapping where one value belongs goes to review."""
        value = metadata.get(key)
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            self.flag(name, key, value, "not a single value: left out")
            return ""
        return str(value).strip()

    def _row(self, row: dict, where: str, number: int, tset, set_date, stem: str, seen: dict) -> bool:
        """One mapping row as an airm:ConceptMapping node (and its direct SKOS triple); False when it was sent to
        review instead."""
        resolved = self._resolve_row(row, where)
        if resolved is None:
            return False
        subject, predicate, obj = resolved
        subject_id, predicate_raw, object_id = row["subject_id"], row["predicate_id"], row["object_id"]
        key = f"{subject_id}|{predicate}|{object_id}|{stem}"  # the predicate as airm writes it: case-proof
        if key in seen:
            self.flag(where, "", f"{subject_id} {predicate_raw} {object_id}",
                      f"repeats line {seen[key]} of this table (same subject, predicate and object): not imported")
            return False
        seen[key] = number
        node = self._mapping_node(row, where, key, subject, predicate, obj, set_date)
        t = self.t
        t.add(node, "prov:wasDerivedFrom", tset)
        t.add(node, "airm:locator", t.text(where, None))
        t.add(node, "airm:curationMethod", "curation:published-crosswalk")
        self.counts["mappings"] += 1
        if predicate == "airm:noMatch":
            self.counts["no-match mappings"] += 1
        else:
            t.add(subject, predicate, obj)
            self.counts["direct SKOS links"] += 1
        return True

    def _resolve_row(self, row: dict, where: str):
        """(subject, predicate, object) of a row, as airm's terms; None, with a review entry, when a cell is blank
        where it may not be or names nothing airm can place."""
        subject_id, predicate_raw, object_id = row["subject_id"], row["predicate_id"], row["object_id"]
        if not subject_id and not predicate_raw and not object_id:
            self.flag(where, "", "", "a row with no subject, predicate or object: not imported")
            return None
        predicate = PREDICATES.get(predicate_raw.casefold())
        if predicate is None:
            self.flag(where, "predicate_id", predicate_raw,
                      "not a SKOS mapping predicate (exact/close/broad/narrow/related) or noMatch: row not imported")
            return None
        if not subject_id:
            self.flag(where, "subject_id", "", "blank subject: row not imported")
            return None
        subject, why = self.resolve(subject_id)
        if subject is None:
            self.flag(where, "subject_id", subject_id, why)
            return None
        no_match = predicate == "airm:noMatch"
        if object_id:
            obj, why = self.resolve(object_id)
            if obj is None:
                self.flag(where, "object_id", object_id, why)
                return None
        elif no_match:
            obj = self.t.iri("sssom:NoTermFound")
        else:
            self.flag(where, "object_id", "", "blank object in a mapping that is not noMatch: row not imported")
            return None
        return subject, predicate, obj

    def _mapping_node(self, row: dict, where: str, key: str, subject, predicate: str, obj, set_date):
        return mapping_node(self.t, self.flag, row, where, key, subject, predicate, obj, set_date)


def read(path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome:
    """Read the AI Atlas Nexus taxonomies and crosswalks from ``path`` into triples and review rows."""
    path = Path(path)
    if is_single_file(path):
        raise InputFileError(path, f"a single file cannot hold the taxonomies and mapping tables (expected {EXPECTED})",
                             hint=HINT)
    files = package_files(path, [IBM_FILE, OWASP_FILE], optional=[NIST_FILE])
    ibm, owasp, nist = files[IBM_FILE], files[OWASP_FILE], files[NIST_FILE]  # no NIST file: ids accepted by form
    tables = mapping_tables(path)
    if not tables:
        raise InputFileError(path, f"no mapping tables (data/mappings/*.tsv) here (expected {EXPECTED})", hint=HINT)
    reader = _Reader(progress)
    used = [ibm, owasp] + ([nist] if nist else []) + tables
    name, digest, version = input_identity(path, used)
    reader.dataset(version)
    reader.ibm_atlas(ibm)
    reader.owasp_llm(owasp)
    reader.nist_ids(nist)
    if nist is None:
        reader.flag(NIST_FILE, "", "", "file not found: NIST AI 600-1 risk ids were accepted by their form alone")
    wanted = [tb for tb in tables if tb.name not in SKIPPED_TABLES]
    progress.start(len(wanted), "AI Atlas Nexus mapping tables")
    for located in wanted:
        reader.table(located)
        progress.advance()
    outcome = ImportOutcome(triples=reader.t.triples, review=reader.review, counts=reader.counts,
                            rows_read=reader.rows_read, rows_imported=reader.rows_imported)
    outcome.provenance = Provenance(
        source_file=str(path) if path.is_dir() else name,
        sha256=digest,
        title="IBM AI Atlas Nexus: IBM AI Risk Atlas, OWASP LLM Top 10 and crosswalk tables",
        version=version,
        license=LICENSE,
        attribution=ATTRIBUTION,
        homepage=HOMEPAGE,
    )
    return outcome
