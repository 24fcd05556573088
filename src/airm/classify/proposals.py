"""Proposals as RDF: each a node in the proposals graph (method, version, confidence, rationale, status, in SSSOM
terms) beside the plain statement it proposes; accepted ones move, with their node, into the curated graph. Both
graphs are N-Quads files in the workspace, replaced together atomically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_files
from ..errors import InputFileError
from ..namespaces import AIRM_ID
from ..vocab import Airm, Rdf, Semapv, Sssom, Xsd
from .axes import AXES
from .graphs import CURATED_GRAPH, PROPOSALS_GRAPH

RDF_TYPE = Rdf.type
METHODS = {  # method -> SEMAPV justification while proposed
    "inherited": "MappingChaining",
    "structural": "StructuralMatching",
    "crosswalk": "MappingChaining",
    "text-rules": "LexicalMatching",
    "text-model": "LexicalMatching",
    "llm": "LLMBasedMatching",
    "manual": "ManualMappingCuration",
}
STATUSES = ("proposed", "accepted", "rejected")
FOLDER = "classification"


@dataclass(frozen=True)
class Proposal:
    mitigation: str  # IRI
    axis: str
    value: str  # concept IRI
    method: str
    version: str
    confidence: float
    rationale: str
    status: str = "proposed"

    @property
    def iri(self) -> str:
        key = "\0".join((self.mitigation, self.axis, self.value)).encode()
        return f"{AIRM_ID}classification/{hashlib.sha256(key).hexdigest()[:20]}"

    def key(self) -> tuple:
        return (self.mitigation, self.axis, self.value)


def files(workspace: Path) -> tuple[Path, Path]:
    return workspace / FOLDER / "proposals.nq", workspace / FOLDER / "curated.nq"


def to_quads(proposals, graph: str) -> list:
    g = ox.NamedNode(graph)
    out = []
    for p in proposals:
        node = ox.NamedNode(p.iri)
        prop = ox.NamedNode(AXES[p.axis].prop)
        justification = "ManualMappingCuration" if p.status == "accepted" else METHODS[p.method]
        fields = [
            (RDF_TYPE, ox.NamedNode(Airm.ClassificationProposal)),
            (Sssom.subject_id, ox.NamedNode(p.mitigation)),
            (Sssom.predicate_id, prop),
            (Sssom.object_id, ox.NamedNode(p.value)),
            (Sssom.mapping_justification, ox.NamedNode(Semapv[justification])),
            (Sssom.mapping_tool, ox.Literal(f"airm classify ({p.method})")),
            (Sssom.mapping_tool_version, ox.Literal(p.version)),
            (Sssom.confidence, ox.Literal(f"{p.confidence:.3f}", datatype=ox.NamedNode(Xsd.decimal))),
            (Sssom.comment, ox.Literal(p.rationale)),
            (Airm.classificationAxis, ox.Literal(p.axis)),
            (Airm.classificationMethod, ox.Literal(p.method)),
            (Airm.proposalStatus, ox.Literal(p.status)),
        ]
        out += [ox.Quad(node, ox.NamedNode(k), v, g) for k, v in fields]
        if p.status != "rejected":  # the statement itself, so queries that ask for proposals find it
            out.append(ox.Quad(ox.NamedNode(p.mitigation), prop, ox.NamedNode(p.value), g))
    return out


def serialize(proposals, graph: str) -> bytes:
    """Sorted N-Quads: the same proposals give the same bytes."""
    lines = ox.serialize(to_quads(proposals, graph), format=ox.RdfFormat.N_QUADS).decode().splitlines()
    return ("\n".join(sorted(set(lines))) + "\n").encode() if lines else b""


def read(path: Path) -> list[Proposal]:
    """The proposals recorded in one of the two files (none when it does not exist yet)."""
    if not path.is_file():
        return []
    nodes: dict = {}
    try:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(AIRM_ID + "classification/"):
                nodes.setdefault(q.subject.value, {})[q.predicate.value] = q.object.value
    except (SyntaxError, OSError) as e:
        raise InputFileError(path, f"the classification graph cannot be read: {e}",
                             hint="restore it, or delete it and run 'airm classify' again") from None
    out = []
    for d in nodes.values():
        try:
            out.append(Proposal(d[Sssom.subject_id], d[Airm.classificationAxis], d[Sssom.object_id],
                                d[Airm.classificationMethod], d[Sssom.mapping_tool_version],
                                float(d[Sssom.confidence]), d[Sssom.comment], d[Airm.proposalStatus]))
        except (KeyError, ValueError) as e:
            raise InputFileError(path, f"a classification node lacks {e}",
                                 hint="restore the file, or delete it and run 'airm classify' again") from None
    return sorted(out, key=Proposal.key)


def save(workspace: Path, proposals, curated) -> None:
    """Replace both graph files, or neither."""
    p_file, c_file = files(workspace)
    write_files(workspace, {p_file: serialize(proposals, PROPOSALS_GRAPH), c_file: serialize(curated, CURATED_GRAPH)},
                what="workspace")


def with_status(p: Proposal, status: str) -> Proposal:
    return replace(p, status=status)
