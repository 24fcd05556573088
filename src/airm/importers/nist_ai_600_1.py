"""NIST AI 600-1 (the Generative AI Profile of the NIST AI RMF), as IBM AI Atlas Nexus ships it.

PATH is the ``ai-atlas-nexus`` folder or the wheel from ``pip download --no-deps ai-atlas-nexus==1.2.5``. Two data
files are used:

- ``nist_ai_rmf_data.yaml``: the 12 generative-AI risks, each an ``airm:RiskCategory`` ``nistgai:<id>``
  (``nistgai:nist-data-privacy``) in the concept scheme ``nistgai:gai-risks``;
- ``nist_ai_rmf_actions_data.yaml``: the 212 suggested actions, each an ``airm:Mitigation`` ``nistgai:<id>``
  (``nistgai:GV-1.1-001``), extracted from NIST AI 600-1 (``ref:nist-ai-600-1``), labelled by the first clause
  of its own description (cut near 90 characters with "…"; the code is its ``skos:notation`` and identifier), with

  * its NIST AI RMF function from the code prefix of its id (GV, MP, MS, MG: the ``skos:notation`` of the curated
    ``rmf:`` concepts), and its AI RMF subcategory (``nistgai:GV-1.1``, broader ``nistgai:GV-1``) as its category;
  * one ``airm:RiskAddressing`` statement per related risk (the action's ``hasRelatedRisk`` and the risk's
    ``hasRelatedAction`` together), from which ``airm:addresses`` is inferred;
  * its AI actor tasks as the source spells them (``airm:aiActorTask "TEVV"``, "third-party entities"), and where
    a task plainly names an actor type or a lifecycle stage, that concept: AI Development -> developer and Build
    and Use Model; AI Deployment -> deployer and Deploy; End-Users -> user; Affected Individuals and Communities ->
    affected stakeholder; AI Design -> Plan and Design; Operation and Monitoring -> Operate and Monitor (the AI RMF
    pairs these tasks with these actors and stages; the other task groups, such as TEVV or Governance and Oversight,
    span several and are kept as names only). An action whose tasks name no actor type (or stage) is "unable to
    classify" on that axis; one with no task at all is "not recorded".
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
    readable_label,
)

NAME = "nist-ai-600-1"
DESCRIPTION = ("NIST AI 600-1 (Generative AI Profile): 12 risks and 212 actions with functions, risks and AI actor "
               "tasks (IBM AI Atlas Nexus data)")
RISKS = "nist_ai_rmf_data.yaml"
ACTIONS = "nist_ai_rmf_actions_data.yaml"
LICENSE = spdx_iri("Apache-2.0")
ATTRIBUTION = ("National Institute of Standards and Technology (2024). Artificial Intelligence Risk Management "
               "Framework: Generative Artificial Intelligence Profile (NIST AI 600-1). "
               "https://doi.org/10.6028/NIST.AI.600-1 (a work of the US Government); data files of IBM AI Atlas Nexus "
               "(Apache-2.0), https://github.com/IBM/ai-atlas-nexus")
HOMEPAGE = "https://doi.org/10.6028/NIST.AI.600-1"
DERIVED_FROM = "ref:nist-ai-600-1"

_ACTION_ID = re.compile(r"^([A-Za-z]{2})-(\d+)\.(\d+)-(\d+)$")
FUNCTION_NAMES = {"GV": "GOVERN", "MP": "MAP", "MS": "MEASURE", "MG": "MANAGE"}


def _task_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold())


# AI actor task groups of NIST AI 600-1 (its own spelling) -> actor type, lifecycle stage where the pairing is plain
TASKS: dict[str, tuple[str, str | None, str | None]] = {
    _task_key(name): (name, actor, stage)
    for name, actor, stage in [
        ("AI Deployment", "deployer", "deploy"),
        ("AI Development", "developer", "build-and-use-model"),
        ("AI Design", None, "plan-and-design"),
        ("Operation and Monitoring", None, "operate-and-monitor"),
        ("End-Users", "user", None),
        ("Affected Individuals and Communities", "affected-stakeholder", None),
        ("TEVV", None, None),
        ("Domain Experts", None, None),
        ("AI Impact Assessment", None, None),
        ("Governance and Oversight", None, None),
        ("Human Factors", None, None),
        ("Procurement", None, None),
        ("Third-party entities", None, None),
    ]
}


def read(path, *, progress: NullProgress = NO_PROGRESS) -> ImportOutcome:
    path = Path(path)
    files = package_files(path, [RISKS, ACTIONS])
    name, digest, version = input_identity(path, list(files.values()))
    risks_doc = load_yaml(files[RISKS].data, files[RISKS].display, expected=EXPECTED)
    actions_doc = load_yaml(files[ACTIONS].data, files[ACTIONS].display, expected=EXPECTED)
    if not isinstance(risks_doc, dict) or not isinstance(risks_doc.get("entries"), list):
        raise InputFileError(files[RISKS].display, f"no 'entries' list of risks; expected {EXPECTED}", hint=HINT)
    if not isinstance(actions_doc, dict) or not isinstance(actions_doc.get("actions"), list):
        raise InputFileError(files[ACTIONS].display, f"no 'actions' list; expected {EXPECTED}", hint=HINT)
    b = _Builder(progress)
    progress.start(len(risks_doc["entries"]) + len(actions_doc["actions"]), "mapping NIST AI 600-1")
    b.risks(risks_doc["entries"])
    b.actions(actions_doc["actions"])
    b.links()
    return ImportOutcome(
        triples=b.t,
        review=b.review,
        provenance=Provenance(source_file=name, sha256=digest,
                              title="NIST AI 600-1 risks and actions (via IBM AI Atlas Nexus)", version=version,
                              license=LICENSE, attribution=ATTRIBUTION, homepage=HOMEPAGE),
        counts=b.counts,
        rows_read=b.rows_read,
        rows_imported=b.rows_imported,
    )


class _Builder:
    def __init__(self, progress):
        self.progress = progress
        self.t = Triples()
        self.review: list[ReviewRow] = []
        self.rows_read = self.rows_imported = 0
        self.doc = iri("ref", "nist-ai-600-1")
        self.scheme = iri("nistgai", "gai-risks")
        self.rmf_scheme = iri("nistgai", "ai-rmf-categories")
        self.risk_nodes: dict[str, ox.NamedNode] = {}
        self.action_nodes: dict[str, ox.NamedNode] = {}
        self.wanted: dict[tuple[str, str], str] = {}  # (action id, risk id) -> where the link was stated
        self.categories: set[str] = set()
        self.counts = {"risks": 0, "actions": 0, "risk links": 0, "actions GV": 0, "actions MP": 0, "actions MS": 0,
                       "actions MG": 0, "actor types mapped": 0}
        self._schemes()

    def note(self, row: str, fld: str, value, reason: str) -> None:
        self.review.append(ReviewRow(row, fld, "" if value is None else str(value), reason))

    def _schemes(self) -> None:
        t = self.t
        t.add(self.scheme, V.type, V.ConceptScheme)
        t.add(self.scheme, V.prefLabel, en("NIST AI 600-1 generative AI risks"))
        t.add(self.scheme, V.definition, en("The twelve risks that NIST's Generative AI Profile says are unique to, "
                                            "or made worse by, generative AI."))
        t.add(self.scheme, V.source, self.doc)
        t.add(self.rmf_scheme, V.type, V.ConceptScheme)
        t.add(self.rmf_scheme, V.prefLabel, en("NIST AI RMF categories and subcategories"))
        t.add(self.rmf_scheme, V.definition, en("The categories and subcategories of the NIST AI RMF functions under "
                                                "which NIST AI 600-1 lists its suggested actions."))
        t.add(self.rmf_scheme, V.source, self.doc)

    # risks ----------------------------------------------------------------------------------------------------

    def risks(self, entries) -> None:
        for i, e in enumerate(entries):
            self.rows_read += 1
            self.progress.advance()
            where = f"{RISKS} entries[{i}]"
            if not isinstance(e, dict) or not one_line(str(e.get("id") or "")):
                self.note(where, "id", "" if isinstance(e, dict) else e, "a risk without an id; not imported")
                continue
            rid = one_line(str(e["id"]))
            where = f"{RISKS} entries[{i}] {rid}"
            if not re.fullmatch(r"[A-Za-z0-9._-]+", rid):
                self.note(where, "id", rid, "not an identifier (letters, digits, '-', '.', '_'); not imported")
                continue
            if rid in self.risk_nodes:
                self.note(where, "id", rid, "the risk is listed twice; the second entry is not imported")
                continue
            node = iri("nistgai", rid)
            self.risk_nodes[rid] = node
            name = str(e.get("name") or "")  # as the source spells it
            if not name.strip():
                name = rid
                self.note(where, "name", "", f"a risk without a name; labelled {rid}")
            t = self.t
            t.add(node, V.type, V.RiskCategory)
            t.add(node, V.inScheme, self.scheme)
            t.add(node, V.topConceptOf, self.scheme)
            t.add(self.scheme, V.hasTopConcept, node)
            t.add(node, V.prefLabel, en(name))
            t.add(node, V.identifier, plain(rid))
            description = str(e.get("description") or "")
            if description.strip():
                t.add(node, V.definition, en(description))
            t.add(node, V.source, self.doc)
            for aid in self._list(where, "hasRelatedAction", e.get("hasRelatedAction")):
                self.wanted.setdefault((aid.upper(), rid), where)
            self.counts["risks"] += 1
            self.rows_imported += 1

    # actions --------------------------------------------------------------------------------------------------

    def actions(self, actions) -> None:
        functions = codes("scheme:rmf-function")
        curated = curated_documents()
        for i, a in enumerate(actions):
            self.rows_read += 1
            self.progress.advance()
            where = f"{ACTIONS} actions[{i}]"
            if not isinstance(a, dict) or not one_line(str(a.get("id") or "")):
                self.note(where, "id", "" if isinstance(a, dict) else a, "an action without an id; not imported")
                continue
            raw_id = one_line(str(a["id"]))
            where = f"{ACTIONS} actions[{i}] {raw_id}"
            m = _ACTION_ID.match(raw_id)
            if not m:
                self.note(where, "id", raw_id, "not an action id like GV-1.1-001; not imported")
                continue
            prefix = m.group(1).upper()
            aid = f"{prefix}-{m.group(2)}.{m.group(3)}-{m.group(4)}"
            function = functions.get(prefix.casefold())
            if function is None:
                self.note(where, "id", raw_id, f"{prefix} is not a NIST AI RMF function code (GV, MP, MS, MG); "
                                               "not imported")
                continue
            if aid in self.action_nodes:
                self.note(where, "id", raw_id, "the action is listed twice; the second entry is not imported")
                continue
            node = iri("nistgai", aid)
            self.action_nodes[aid] = node
            t = self.t
            t.add(node, V.type, V.Mitigation)
            t.add(node, V.identifier, plain(aid))
            t.add(node, V.notation, plain(aid))
            description = str(a.get("description") or "")
            if description.strip():
                t.add(node, V.description, en(description))
                t.add(node, V.label, en(readable_label(description)))
            else:
                t.add(node, V.label, en(aid))
                self.note(where, "description", "", f"an action without a description; labelled {aid}")
            t.add(node, V.extractedFrom, self.doc)
            for doc in self._list(where, "hasDocumentation", a.get("hasDocumentation")):
                if curated.get(doc_key(doc)) != self.doc:
                    self.note(where, "hasDocumentation", doc, "not NIST AI 600-1; the action is recorded as "
                                                              "extracted from NIST AI 600-1")
            t.add(node, V.sourceHeading, plain(f"{FUNCTION_NAMES[prefix]} {m.group(2)}.{m.group(3)}"))
            t.add(node, V.mitigationCategory, self._category(prefix, m.group(2), m.group(3), function))
            t.add(node, V.riskManagementFunction, function)
            self._tasks(node, where, a.get("hasAiActorTask"))
            for rid in self._list(where, "hasRelatedRisk", a.get("hasRelatedRisk")):
                self.wanted.setdefault((aid, rid), where)
            self.counts["actions"] += 1
            self.counts[f"actions {prefix}"] += 1
            self.rows_imported += 1

    def _category(self, prefix: str, major: str, minor: str, function) -> ox.NamedNode:
        t = self.t
        cat_code, sub_code = f"{prefix}-{major}", f"{prefix}-{major}.{minor}"
        cat, sub = iri("nistgai", cat_code), iri("nistgai", sub_code)
        name = FUNCTION_NAMES[prefix]
        if cat_code not in self.categories:
            self.categories.add(cat_code)
            t.add(cat, V.type, V.MitigationCategory)
            t.add(cat, V.inScheme, self.rmf_scheme)
            t.add(cat, V.topConceptOf, self.rmf_scheme)
            t.add(self.rmf_scheme, V.hasTopConcept, cat)
            t.add(cat, V.notation, plain(cat_code))
            t.add(cat, V.prefLabel, en(f"{name} {major}"))
            t.add(cat, V.definition, en(f"Category {name} {major} of the NIST AI RMF, under which NIST AI 600-1 "
                                        f"groups suggested actions {cat_code}.x-nnn."))
        if sub_code not in self.categories:
            self.categories.add(sub_code)
            t.add(sub, V.type, V.MitigationCategory)
            t.add(sub, V.inScheme, self.rmf_scheme)
            t.add(sub, V.broader, cat)
            t.add(sub, V.notation, plain(sub_code))
            t.add(sub, V.prefLabel, en(f"{name} {major}.{minor}"))
            t.add(sub, V.definition, en(f"Subcategory {name} {major}.{minor} of the NIST AI RMF, under which NIST "
                                        f"AI 600-1 lists suggested actions {sub_code}-nnn."))
        return sub

    def _tasks(self, node, where: str, value) -> None:
        t = self.t
        tasks = self._list(where, "hasAiActorTask", value, raw=True)
        actors, stages = set(), set()
        for raw in tasks:
            known = TASKS.get(_task_key(raw))
            t.add(node, V.aiActorTask, plain(raw))  # the source's own spelling ("third-party entities")
            if known is None:
                self.note(where, "hasAiActorTask", raw, "not an AI actor task of NIST AI 600-1; kept as a name, "
                                                         "mapped to no actor type or stage")
                continue
            _name, actor, stage = known
            if actor:
                actors.add(actor)
            if stage:
                stages.add(stage)
        fallback = "unable-to-classify" if tasks else "not-recorded"
        for a in sorted(actors) or [fallback]:
            t.add(node, V.actorType, iri("actor", a))
        for s in sorted(stages) or [fallback]:
            t.add(node, V.lifecycleStage, iri("lifecycle", s))
        if actors:
            self.counts["actor types mapped"] += 1

    def _list(self, where: str, fld: str, value, *, raw: bool = False) -> list[str]:
        """A list of names from a YAML field; a single name is a list of one, anything else goes to review. Names
        are compared as ``one_line`` gives them; ``raw`` keeps them as spelt, for the graph."""
        if value is None:
            return []
        if isinstance(value, (str, int, float)):
            value = [value]
        if not isinstance(value, list):
            self.note(where, fld, value, "not a list of names; ignored")
            return []
        out = []
        for v in value:
            if isinstance(v, (str, int, float)) and one_line(str(v)):
                out.append(str(v) if raw else one_line(str(v)))
            elif v is not None:
                self.note(where, fld, v, "not a name; ignored")
        return out

    # risk links -----------------------------------------------------------------------------------------------

    def links(self) -> None:
        t = self.t
        curation = iri("curation", "source-classification")
        for (aid, rid), where in sorted(self.wanted.items()):
            action, risk = self.action_nodes.get(aid), self.risk_nodes.get(rid)
            if action is None:
                self.note(where, "hasRelatedAction", aid, f"no imported action {aid}; the link is not imported")
                continue
            if risk is None:
                self.note(where, "hasRelatedRisk", rid, f"no imported risk {rid}; the link is not imported")
                continue
            stmt = ox.NamedNode(f"{action.value}--{rid}")
            t.add(action, V.hasRiskAddressing, stmt)
            t.add(stmt, V.type, V.RiskAddressing)
            t.add(stmt, V.label, en(f"Action {aid} addresses the risk {rid}"))
            t.add(stmt, V.addressedRisk, risk)
            t.add(stmt, iri("prov", "wasDerivedFrom"), self.doc)
            t.add(stmt, V.locator, plain(f"NIST AI 600-1, action {aid}"))
            t.add(stmt, V.curationMethod, curation)
            self.counts["risk links"] += 1


