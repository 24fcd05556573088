"""The one builder behind ``airm import atlas``: ATLAS records, in the 5.x layout (lists of records, links inside
the records), become airm's triples and review rows. The 6.x reader (:mod:`.atlas_v6`) turns its maps and
``relationships`` into that layout first, so both formats give the same model.

What it builds, all with IRIs made from ATLAS's own ids (``atlas:AML.TA0002``, ``atlas:AML.T0051``,
``atlas:AML.M0015``, ``atlas:AML.CS0000``):

- tactics (``airm:AttackTactic``) and techniques (``airm:AttackTechnique``), both risk categories and SKOS concepts of
  the ATLAS matrix scheme; a technique ``airm:achievesTactic`` its tactics, a sub-technique ``airm:subTechniqueOf``
  its parent (both sub-properties of ``skos:broader``, so "a risk and its sub-risks" reaches every technique of a
  tactic); its maturity and, where the source gives them, its platforms; a tactic keeps its column of the matrix
  (``schema:position``, the order of the source's list);
- mitigations (``airm:Mitigation``) with one ``airm:RiskAddressing`` node per technique they list, carrying ATLAS's
  per-link use note (``airm:applicationNote``): ``airm:addresses`` follows by the ontology's property chain; their
  category (a concept of an ATLAS mitigation-category scheme) and their lifecycle stages mapped onto airm's
  lifecycle scheme by ``LIFECYCLE_MAP`` below;
- case studies (``airm:CaseStudy``) with their procedure steps, each step linked to the technique and tactic it shows
  and, where the source gives the chain, to the steps it leads to.

Anything that cannot be placed (an unknown lifecycle value, a malformed list item, a link to an unknown technique, a
duplicated id) goes to the review list, never into the graph half-formed.
"""

from __future__ import annotations

import re

from ..errors import InputFileError
from ..licenses import spdx_iri
from .base import ImportOutcome, ReviewRow
from .toolkit import CurieTriples, clean, iso_date, show, source_text

HOMEPAGE = "https://atlas.mitre.org/"
LICENSE = spdx_iri("Apache-2.0")
EXPECTED = ("MITRE ATLAS's compiled data file (dist/ATLAS.yaml, format 5.x, or dist/ATLAS-latest.yaml / "
            "dist/v6/ATLAS-YYYY.MM.yaml, format 6.x, of github.com/mitre-atlas/atlas-data), "
            "or that repository's folder")

# ATLAS's ML lifecycle (the CRISP-ML(Q) phases) -> airm's lifecycle scheme (data/schemes/lifecycle.ttl), matched on
# the case-folded, whitespace-collapsed value. Each pair names the same phase of work:
#   Business and Data Understanding -> Plan and Design (scoping the system, its requirements and its data needs)
#   Data Preparation               -> Collect and Process Data
#   ML Model Engineering           -> Build and Use Model
#   ML Model Evaluation            -> Verify and Validate
#   Deployment                     -> Deploy
#   Monitoring and Maintenance     -> Operate and Monitor
# Format 6.x renamed the two model phases ("AI Model Engineering", "AI Model Evaluation"); both spellings map alike.
# A value not in this table is sent to review; a mitigation left with no mapped stage gets lifecycle:unable-to-classify
# (values present, none placeable) or lifecycle:not-recorded (no values at all).
LIFECYCLE_MAP = {
    "business and data understanding": "plan-and-design",
    "data preparation": "collect-and-process-data",
    "ml model engineering": "build-and-use-model",
    "ml model evaluation": "verify-and-validate",
    "ai model engineering": "build-and-use-model",
    "ai model evaluation": "verify-and-validate",
    "deployment": "deploy",
    "monitoring and maintenance": "operate-and-monitor",
}

ID_PATTERNS = {
    "tactic": re.compile(r"^AML\.TA\d{4}$"),
    "technique": re.compile(r"^AML\.T\d{4}(\.\d{3})?$"),
    "mitigation": re.compile(r"^AML\.M\d{4}$"),
    "case-study": re.compile(r"^AML\.CS\d{4}$"),
}

# ATLAS's mitigation categories by code (the case-folded label reduced to letters, digits and hyphens) -> the key of
# the category concept (atlas:category-<key>). Format 6.x renamed "Technical - ML" to "Technical - AI": the same
# category, so the same concept. A 6.x file naming a category not listed here sends it to review; a 5.x file keeps
# any category it names (as airm always did for that frozen format).
CATEGORY_CODES = {
    "policy": "policy",
    "technical-cyber": "technical-cyber",
    "technical-ml": "technical-ml",
    "technical-ai": "technical-ml",
}

UNCLASSIFIED = "unable-to-classify"  # key of the sentinel category ("Unable to classify") for records giving none

# Fields ATLAS's schema (dist/schemas/atlas_output_schema.json) requires of every record (it states none for
# mitigations: those are the fields every published mitigation has); every record of the published file has them,
# so one missing is damage (a file cut mid-record), not a quirk.
REQUIRED = {
    "tactic": ("id", "object-type", "name", "description"),
    "technique": ("id", "object-type", "name", "description"),
    "mitigation": ("id", "object-type", "name", "description"),
    "case-study": ("id", "object-type", "name", "summary", "incident-date", "incident-date-granularity", "procedure",
                   # not in the schema, but in every published case study, after its procedure: a record cut in its
                   # procedure lacks them
                   "target", "actor", "case-study-type"),
    "procedure step": ("tactic", "technique", "description"),
}


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, dict)) and not value)


DATE_GRANULARITY = {"YEAR": ("gYear", 4), "MONTH": ("gYearMonth", 7), "DATE": ("date", 10)}



class AtlasBuilder:
    """Builds one ATLAS release in the 5.x layout. ``known_categories_only`` (the 6.x reader sets it) sends a
    mitigation category missing from CATEGORY_CODES to review; ``review`` holds rows the format's own reader made."""

    def __init__(self, doc: dict, display: str, progress, *, known_categories_only: bool = False,
                 review: list[ReviewRow] | None = None):
        self.doc = doc
        self.display = display
        self.progress = progress
        self.known_categories_only = known_categories_only
        self.t = CurieTriples()
        self.review: list[ReviewRow] = list(review or [])
        self.counts = {"tactics": 0, "techniques": 0, "sub-techniques": 0, "mitigations": 0, "technique links": 0,
                       "case studies": 0, "procedure steps": 0}
        self.rows_read = 0
        self.rows_imported = 0
        self.tactics: dict[str, dict] = {}
        self.techniques: dict[str, dict] = {}
        self.dataset = self.t.iri("atlas:ATLAS")
        self.scheme = self.t.iri("atlas:matrix-ATLAS")
        self.category_scheme = self.t.iri("atlas:mitigation-categories")

    def flag(self, row: str, field: str, value, reason: str, *, damage: bool = False) -> None:
        self.review.append(ReviewRow(row=row, field=field, value=show(value) if value is not None else "",
                                     reason=reason, damage=damage))

    def damaged(self, rid: str, item: dict, kind: str) -> None:
        """Damage, as opposed to a quirk the source is known for: a field ATLAS's own schema requires of every
        record (dist/schemas/atlas_output_schema.json) missing or empty, as in a record cut short."""
        missing = [f for f in REQUIRED[kind] if _blank(item.get(f))]
        if kind == "technique" and _blank(item.get("tactics")) and _blank(item.get("subtechnique-of")):
            missing.append("tactics or subtechnique-of")
        if missing:
            self.flag(rid, ", ".join(missing), "", f"required field(s) missing or empty: the {kind} record looks cut "
                                                   "short or damaged", damage=True)
        if kind == "case-study":
            for i, step in enumerate(item.get("procedure") or []):
                gone = [f for f in REQUIRED["procedure step"] if not isinstance(step, dict) or _blank(step.get(f))]
                if gone:
                    self.flag(rid, f"procedure[{i}]", ", ".join(gone), "a procedure step lacks required field(s): "
                                                                      "it looks cut short or damaged", damage=True)

    # -- structure ------------------------------------------------------------------------------------------------
    def _section(self, container: dict, key: str, where: str) -> list:
        value = container.get(key)
        if value is None:
            raise InputFileError(self.display, f"no '{key}' list in {where} (expected {EXPECTED})",
                                 hint="the file may be truncated: download dist/ATLAS.yaml again")
        if not isinstance(value, list):
            raise InputFileError(self.display, f"'{key}' in {where} is not a list (expected {EXPECTED})")
        return value

    def _records(self, items: list, kind: str, section: str) -> dict[str, dict]:
        """Well-formed records of one kind by id; malformed and duplicated ones go to review."""
        out: dict[str, dict] = {}
        for i, item in enumerate(items):
            self.rows_read += 1
            where = f"{section}[{i}]"
            if not isinstance(item, dict):
                self.flag(where, "", item, f"a {kind} entry that is not a mapping: not imported")
                continue
            rid = clean(item.get("id"))
            if rid is None or not ID_PATTERNS[kind].match(rid):
                self.flag(where, "id", item.get("id"), f"missing or malformed ATLAS {kind} id: record not imported")
                continue
            if rid in out:
                self.flag(rid, "id", rid,
                          f"{kind} id listed twice: the first record was kept, this one was not imported")
                continue
            self.damaged(rid, item, kind)
            if clean(item.get("name")) is None:
                self.flag(rid, "name", item.get("name"), f"{kind} without a name: record not imported")
                continue
            out[rid] = item
        return out

    def run(self) -> ImportOutcome:
        doc = self.doc
        if not isinstance(doc, dict):
            raise InputFileError(self.display, f"the top level is not a mapping (expected {EXPECTED})")
        version = clean(doc.get("version"))
        if version is None or clean(doc.get("id")) is None:
            raise InputFileError(self.display, f"no 'id' and 'version' at the top level: not an ATLAS data file "
                                               f"(expected {EXPECTED})")
        matrices = self._section(doc, "matrices", "the file")
        case_studies = self._section(doc, "case-studies", "the file")
        matrix = next((m for m in matrices if isinstance(m, dict) and clean(m.get("id")) == "ATLAS"), None)
        if matrix is None:
            matrix = next((m for m in matrices if isinstance(m, dict)), None)
        if matrix is None:
            raise InputFileError(self.display, f"no matrix in 'matrices' (expected {EXPECTED})")
        tactics = self._records(self._section(matrix, "tactics", "the matrix"), "tactic", "tactics")
        techniques = self._records(self._section(matrix, "techniques", "the matrix"), "technique", "techniques")
        mitigations = self._records(self._section(matrix, "mitigations", "the matrix"), "mitigation", "mitigations")
        cases = self._records(case_studies, "case-study", "case-studies")
        self.tactics, self.techniques = tactics, techniques
        self.progress.start(len(tactics) + len(techniques) + len(mitigations) + len(cases), "MITRE ATLAS")

        self._dataset(doc, matrix, version)
        for position, (rid, item) in enumerate(tactics.items(), start=1):
            self._tactic(rid, item, position)
        for rid, item in techniques.items():
            self._technique(rid, item)
        categories: dict[str, object] = {}
        for rid, item in mitigations.items():
            self._mitigation(rid, item, categories)
        for rid, item in cases.items():
            self._case_study(rid, item)
        return ImportOutcome(triples=self.t.triples, review=self.review, counts=self.counts,
                             rows_read=self.rows_read, rows_imported=self.rows_imported)

    # -- records --------------------------------------------------------------------------------------------------
    def _common(self, node, rid: str, item: dict) -> None:
        t = self.t
        t.add(node, "dcterms:identifier", t.text(rid, None))
        for key, prop in (("created_date", "dcterms:created"), ("modified_date", "dcterms:modified")):
            if key in item:
                day = iso_date(item[key])
                if day:
                    t.add(node, prop, t.typed(day, "xsd:date"))
                else:
                    self.flag(rid, key, item[key], "not a date (YYYY-MM-DD): left out")
        ref = item.get("ATT&CK-reference")
        if isinstance(ref, dict) and clean(ref.get("url")):
            self._see_also(node, rid, "ATT&CK-reference", clean(ref.get("url")))
        elif ref is not None:
            self.flag(rid, "ATT&CK-reference", ref, "ATT&CK reference without a URL: left out")

    def _see_also(self, node, rid: str, field: str, url: str, prop: str = "rdfs:seeAlso") -> None:
        """A link to a web page; any other scheme (mailto:, javascript:, a bare word) is kept in the review file
        only: as an IRI it would be a link no browser should follow, and pySHACL reads an IRI such as
        javascript:alert(1) as a CURIE."""
        if not re.match(r"^https?://", url, re.IGNORECASE):
            self.flag(rid, field, url, "not a web (http or https) address: left out of the graph, kept here")
            return
        try:
            target = self.t.ox.NamedNode(url)
        except ValueError:
            self.flag(rid, field, url, "not a valid URL: left out")
            return
        self.t.add(node, prop, target)

    def _dataset(self, doc: dict, matrix: dict, version: str) -> None:
        t = self.t
        d = self.dataset
        t.add(d, "rdf:type", "bibo:Document")
        t.add(d, "rdf:type", "dcat:Dataset")
        t.add(d, "dcterms:title", t.text(source_text(doc.get("name")) or "MITRE ATLAS"))
        t.add(d, "rdfs:label", t.text(f"MITRE ATLAS {version}"))
        t.add(d, "dcterms:identifier", t.text(clean(doc.get("id")), None))
        t.add(d, "dcat:version", t.text(version, None))
        t.add(d, "schema:url", t.typed(HOMEPAGE, "xsd:anyURI"))
        t.add(d, "dcterms:license", t.iri(LICENSE))
        s = self.scheme
        t.add(s, "rdf:type", "skos:ConceptScheme")
        t.add(s, "skos:prefLabel", t.text(source_text(matrix.get("name")) or "ATLAS Matrix"))
        t.add(s, "dcterms:identifier", t.text(clean(matrix.get("id")) or "ATLAS", None))
        t.add(s, "dcterms:source", d)
        c = self.category_scheme
        t.add(c, "rdf:type", "skos:ConceptScheme")
        t.add(c, "skos:prefLabel", t.text("MITRE ATLAS mitigation categories"))
        t.add(c, "dcterms:source", d)

    def _concept(self, node, rid: str, item: dict, cls: str) -> None:
        t = self.t
        t.add(node, "rdf:type", cls)
        t.add(node, "skos:inScheme", self.scheme)
        t.add(node, "skos:notation", t.text(rid, None))
        t.add(node, "skos:prefLabel", t.text(source_text(item.get("name"))))
        description = source_text(item.get("description"))
        if description:
            t.add(node, "skos:definition", t.text(description))
        else:
            self.flag(rid, "description", item.get("description"), "no description: imported without a definition")
        self._common(node, rid, item)

    def _tactic(self, rid: str, item: dict, position: int) -> None:
        """A tactic, with its column in the matrix (``schema:position``: the source's order, not the ids' order)."""
        node = self.t.iri(f"atlas:{rid}")
        self._concept(node, rid, item, "airm:AttackTactic")
        self.t.add(node, "skos:topConceptOf", self.scheme)
        self.t.add(node, "schema:position", self.t.typed(str(position), "xsd:integer"))
        self.counts["tactics"] += 1
        self.rows_imported += 1
        self.progress.advance()

    def _technique(self, rid: str, item: dict) -> None:
        t = self.t
        node = t.iri(f"atlas:{rid}")
        self._concept(node, rid, item, "airm:AttackTechnique")
        maturity = clean(item.get("maturity"))
        if maturity:
            t.add(node, "airm:techniqueMaturity", t.text(maturity.lower(), None))
        self._platforms(node, rid, item)
        parent = clean(item.get("subtechnique-of"))
        linked = False
        if parent is not None:
            if parent in self.techniques and parent != rid:
                t.add(node, "airm:subTechniqueOf", t.iri(f"atlas:{parent}"))
                linked = True
            else:
                self.flag(rid, "subtechnique-of", item.get("subtechnique-of"),
                          "parent technique not in the file: link left out")
        tactics = item.get("tactics") or []
        if not isinstance(tactics, list):
            self.flag(rid, "tactics", tactics, "not a list of tactic ids: tactics left out")
            tactics = []
        for i, tac in enumerate(tactics):
            tid = clean(tac)
            if tid in self.tactics:
                t.add(node, "airm:achievesTactic", t.iri(f"atlas:{tid}"))
                linked = True
            else:
                self.flag(rid, f"tactics[{i}]", tac, "not a tactic id of this file: link left out")
        if not linked:
            self.flag(rid, "tactics", item.get("tactics"), "technique with neither a tactic nor a parent technique")
        for i, ref in enumerate(item.get("references") or []):
            url = clean(ref.get("url")) if isinstance(ref, dict) else None
            if url:
                self._see_also(node, rid, f"references[{i}]", url, "dcterms:references")
            else:
                self.flag(rid, f"references[{i}]", ref, "reference without a URL: left out")
        self.counts["sub-techniques" if parent is not None else "techniques"] += 1
        self.rows_imported += 1
        self.progress.advance()

    def _platforms(self, node, rid: str, item: dict) -> None:
        """The kinds of AI system a technique applies to (6.x ``platforms``), as the source names them."""
        raw = item.get("platforms")
        values = raw if isinstance(raw, list) else [] if raw is None else [raw]
        for i, value in enumerate(values):
            name = clean(value)
            if name:
                self.t.add(node, "airm:techniquePlatform", self.t.text(" ".join(name.split()), None))
            else:
                self.flag(rid, f"platforms[{i}]", value, "not a platform name: left out")

    def _category(self, label: str, categories: dict):
        code = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-") or "unnamed"
        key = CATEGORY_CODES.get(code, code)
        node = categories.get(key)
        if node is None:
            t = self.t
            node = categories[key] = t.iri(f"atlas:category-{key}")
            t.add(node, "rdf:type", "airm:MitigationCategory")
            t.add(node, "skos:inScheme", self.category_scheme)
            t.add(node, "skos:topConceptOf", self.category_scheme)
            t.add(node, "skos:prefLabel", t.text(label))
            if key == UNCLASSIFIED:
                t.add(node, "rdf:type", "airm:ClassificationSentinel")
                t.add(node, "skos:definition", t.text("The ATLAS record gives no category airm could read."))
            else:
                spelt = " ".join(label.split())
                t.add(node, "skos:definition", t.text(
                    f"The mitigations that MITRE ATLAS files under its category \u201c{spelt}\u201d."))
        return node

    def _mitigation(self, rid: str, item: dict, categories: dict) -> None:
        t = self.t
        node = t.iri(f"atlas:{rid}")
        name = source_text(item.get("name"))
        t.add(node, "rdf:type", "airm:Mitigation")
        t.add(node, "rdfs:label", t.text(name))
        description = source_text(item.get("description"))
        if description:
            t.add(node, "dcterms:description", t.text(description))
        t.add(node, "airm:extractedFrom", self.dataset)
        self._common(node, rid, item)
        t.add(node, "airm:actorType", "actor:not-recorded")
        t.add(node, "airm:riskManagementFunction", "rmf:not-recorded")
        self._mitigation_category(node, rid, item, categories)
        for stage in self._lifecycle_stages(rid, item):
            t.add(node, "airm:lifecycleStage", f"lifecycle:{stage}")
        self._technique_links(node, rid, name, item)
        self.counts["mitigations"] += 1
        self.rows_imported += 1
        self.progress.advance()

    def _mitigation_category(self, node, rid: str, item: dict, categories: dict) -> None:
        """One category per taxonomy (the shapes say so); extra ones go to review, none gives the sentinel."""
        t = self.t
        raw = item.get("category")
        labels = raw if isinstance(raw, list) else [raw] if raw is not None else []
        chosen = None
        for i, value in enumerate(labels):
            label = source_text(value)
            if label is None:
                self.flag(rid, f"category[{i}]", value, "not a category name: left out")
            elif chosen is None and self.known_categories_only and not self._known_category(label):
                self.flag(rid, f"category[{i}]", value, "not an ATLAS mitigation category airm knows: left out")
            elif chosen is None:
                chosen = self._category(label, categories)
                t.add(node, "airm:mitigationCategory", chosen)
            else:
                self.flag(rid, f"category[{i}]", value, "a second category in the same scheme: only the first is kept")
        if chosen is None:
            self.flag(rid, "category", raw, "no category: recorded as unable to classify")
            t.add(node, "airm:mitigationCategory", self._category("Unable to classify", categories))

    @staticmethod
    def _known_category(label: str) -> bool:
        return re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-") in CATEGORY_CODES

    def _lifecycle_stages(self, rid: str, item: dict) -> list[str]:
        """The mitigation's ML lifecycle phases as airm's stages (mapped by LIFECYCLE_MAP), in the source's order."""
        raw = item.get("ml-lifecycle")
        values = raw if isinstance(raw, list) else [raw] if raw is not None else []
        stages = []
        for i, value in enumerate(values):
            text = clean(value)
            stage = LIFECYCLE_MAP.get(" ".join(text.split()).casefold()) if text else None
            if stage is None:
                reason = ("a structured item inside ml-lifecycle (it looks like a technique link placed in the wrong "
                          "list): not imported" if isinstance(value, dict)
                          else "not an ATLAS ML lifecycle phase airm can place: not imported")
                self.flag(rid, f"ml-lifecycle[{i}]", value, reason)
            elif stage not in stages:
                stages.append(stage)
        if not stages:
            stages = ["unable-to-classify" if values else "not-recorded"]
        return stages

    def _technique_links(self, node, rid: str, name: str, item: dict) -> None:
        """Each technique the mitigation lists, as one qualified node holding its use note(s)."""
        t = self.t
        links = item.get("techniques") or []
        if not isinstance(links, list):
            self.flag(rid, "techniques", links, "not a list of technique links: links left out")
            links = []
        seen: dict[str, object] = {}
        for i, link in enumerate(links):
            tech = clean(link.get("id")) if isinstance(link, dict) else None
            if tech is None or tech not in self.techniques:
                self.flag(rid, f"techniques[{i}]", link, "not a link to a technique of this file: not imported")
                continue
            note = source_text(link.get("use"))
            addressing = seen.get(tech)
            if addressing is None:
                addressing = seen[tech] = t.iri(f"atlas:{rid}--{tech}")
                t.add(node, "airm:hasRiskAddressing", addressing)
                t.add(addressing, "rdf:type", "airm:RiskAddressing")
                t.add(addressing, "rdfs:label", t.text(
                    f"{name.strip()} addresses {clean(self.techniques[tech].get('name'))}"))  # airm's sentence
                t.add(addressing, "airm:addressedRisk", t.iri(f"atlas:{tech}"))
                t.add(addressing, "prov:wasDerivedFrom", self.dataset)
                t.add(addressing, "airm:locator", t.text(f"{rid} techniques: {tech}", None))
                t.add(addressing, "airm:curationMethod", "curation:source-classification")
            else:
                self.flag(rid, f"techniques[{i}]", tech,
                          "technique listed twice: both use notes are kept on the one link")
            if note:
                t.add(addressing, "airm:applicationNote", t.text(note))
            self.counts["technique links"] += 1

    def _case_study(self, rid: str, item: dict) -> None:
        t = self.t
        node = t.iri(f"atlas:{rid}")
        t.add(node, "rdf:type", "airm:CaseStudy")
        t.add(node, "rdfs:label", t.text(source_text(item.get("name"))))
        t.add(node, "dcterms:identifier", t.text(rid, None))
        t.add(node, "dcterms:source", self.dataset)
        summary = source_text(item.get("summary"))
        if summary:
            t.add(node, "dcterms:description", t.text(summary))
        day = iso_date(item.get("incident-date"))
        if day:
            granularity = clean(item.get("incident-date-granularity")) or "DATE"
            dtype, width = DATE_GRANULARITY.get(granularity.upper(), DATE_GRANULARITY["DATE"])
            if granularity.upper() not in DATE_GRANULARITY:
                self.flag(rid, "incident-date-granularity", granularity, "unknown granularity: kept as a full date")
            t.add(node, "dcterms:date", t.typed(day[:width], f"xsd:{dtype}"))
        elif item.get("incident-date") is not None:
            self.flag(rid, "incident-date", item.get("incident-date"), "not a date: left out")
        for key, prop in (("case-study-type", "airm:caseStudyType"), ("target", "airm:targetSystem"),
                          ("actor", "airm:threatActor"), ("reporter", "airm:reportedBy")):
            value = clean(item.get(key)) if key == "case-study-type" else source_text(item.get(key))
            if value:
                t.add(node, prop, t.text(value.lower() if key == "case-study-type" else value, None))
        for i, ref in enumerate(item.get("references") or []):
            url = clean(ref.get("url")) if isinstance(ref, dict) else None
            if url:
                self._see_also(node, rid, f"references[{i}]", url, "dcterms:references")
            elif isinstance(ref, dict) and clean(ref.get("title")):
                t.add(node, "dcterms:bibliographicCitation", t.text(source_text(ref.get("title")), None))
            else:
                self.flag(rid, f"references[{i}]", ref, "reference with neither URL nor title: left out")
        self._procedure(node, rid, item)
        self.counts["case studies"] += 1
        self.rows_imported += 1
        self.progress.advance()



    def _procedure(self, node, rid: str, item: dict) -> None:
        """The case study's steps in the source's order; a step naming the steps it leads to (6.x ``leads-to``, by
        ``step-id``) is linked to them (``airm:leadsTo``) once every step is known."""
        t = self.t
        steps = item.get("procedure") or []
        if not isinstance(steps, list) or not steps:
            self.flag(rid, "procedure", item.get("procedure"), "no procedure steps")
            steps = steps if isinstance(steps, list) else []
        by_step_id: dict[str, object] = {}
        chains = []
        for i, step in enumerate(steps, start=1):
            tech = clean(step.get("technique")) if isinstance(step, dict) else None
            if tech not in self.techniques:
                self.flag(rid, f"procedure[{i - 1}]", step, "step without a technique of this file: not imported")
                continue
            s = t.iri(f"atlas:{rid}--step-{i}")
            t.add(node, "airm:hasProcedureStep", s)
            t.add(s, "rdf:type", "airm:ProcedureStep")
            t.add(s, "rdfs:label", t.text(f"{rid} step {i}", None))
            t.add(s, "schema:position", t.typed(str(i), "xsd:integer"))
            t.add(s, "airm:stepTechnique", t.iri(f"atlas:{tech}"))
            tactic = clean(step.get("tactic"))
            if tactic in self.tactics:
                t.add(s, "airm:stepTactic", t.iri(f"atlas:{tactic}"))
            elif step.get("tactic") is not None:
                self.flag(rid, f"procedure[{i - 1}].tactic", step.get("tactic"), "not a tactic of this file: left out")
            description = source_text(step.get("description"))
            if description:
                t.add(s, "dcterms:description", t.text(description))
            if clean(step.get("step-id")) is not None:
                by_step_id[clean(step.get("step-id"))] = s
            chains.append((i, s, step.get("leads-to")))
            self.counts["procedure steps"] += 1
        for i, s, leads_to in chains:
            self._leads_to(rid, i, s, leads_to, by_step_id)

    def _leads_to(self, rid: str, i: int, step, leads_to, by_step_id: dict) -> None:
        targets = leads_to if isinstance(leads_to, list) else [] if leads_to is None else [leads_to]
        for k, target in enumerate(targets):
            other = by_step_id.get(clean(target))
            if other is None or other == step:
                self.flag(rid, f"procedure[{i - 1}].leads-to[{k}]", target,
                          "not another step of this case study: link left out")
            else:
                self.t.add(step, "airm:leadsTo", other)
                self.counts["step links"] = self.counts.get("step links", 0) + 1
