"""The one toolkit every importer uses: RDF terms built directly as pyoxigraph objects (no rdflib in the hot path),
a CURIE-keyed triple builder, cell and scalar clean-up, taxonomy codes looked up in the curated schemes, the one
bounded YAML reader, checksums. Importers import this module and :mod:`.inputs`, never each other.

Codes, never labels: every classification an importer asserts is found by the code the source gives ("6.5",
"2 - AI", "GV"), matched against ``skos:notation`` in airm's own curated schemes, so a label that drifts between
releases changes nothing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..errors import InputFileError
from ..namespaces import prefixes
from .inputs import (
    is_zip,
    load_yaml,  # noqa: F401 - the one bounded YAML reader, offered here with the other helpers
    read_file,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


@functools.cache
def _ns(prefix: str) -> str:
    return prefixes()[prefix]


def iri(prefix: str, local: str = "") -> ox.NamedNode:
    """A NamedNode from a declared prefix and a local name (the prefix list is the one source of namespaces)."""
    return ox.NamedNode(_ns(prefix) + local)


class V:
    """Vocabulary terms used by the importers, built once."""

    type = iri("rdf", "type")
    first = iri("rdf", "first")
    rest = iri("rdf", "rest")
    nil = iri("rdf", "nil")
    label = iri("rdfs", "label")
    seeAlso = iri("rdfs", "seeAlso")
    sameAs = iri("owl", "sameAs")
    prefLabel = iri("skos", "prefLabel")
    altLabel = iri("skos", "altLabel")
    definition = iri("skos", "definition")
    notation = iri("skos", "notation")
    broader = iri("skos", "broader")
    inScheme = iri("skos", "inScheme")
    topConceptOf = iri("skos", "topConceptOf")
    hasTopConcept = iri("skos", "hasTopConcept")
    Concept = iri("skos", "Concept")
    ConceptScheme = iri("skos", "ConceptScheme")
    title = iri("dcterms", "title")
    description = iri("dcterms", "description")
    identifier = iri("dcterms", "identifier")
    source = iri("dcterms", "source")
    creator = iri("dcterms", "creator")
    license = iri("dcterms", "license")
    hasVersion = iri("dcterms", "hasVersion")
    bibliographicCitation = iri("dcterms", "bibliographicCitation")
    publisher = iri("dcterms", "publisher")
    Document = iri("bibo", "Document")
    number = iri("bibo", "number")
    year = iri("fabio", "hasPublicationYear")
    url = iri("schema", "url")
    Entity = iri("prov", "Entity")
    wasDerivedFrom = iri("prov", "wasDerivedFrom")
    Dataset = iri("dcat", "Dataset")
    landingPage = iri("dcat", "landingPage")
    spdxFileName = iri("spdx", "fileName")
    spdxChecksum = iri("spdx", "checksum")
    Checksum = iri("spdx", "Checksum")
    algorithm = iri("spdx", "algorithm")
    sha256 = iri("spdx", "checksumAlgorithm_sha256")
    checksumValue = iri("spdx", "checksumValue")
    # airm
    Mitigation = iri("airm", "Mitigation")
    Risk = iri("airm", "Risk")
    RiskEntry = iri("airm", "RiskEntry")
    RiskCategory = iri("airm", "RiskCategory")
    MitigationCategory = iri("airm", "MitigationCategory")
    RiskAddressing = iri("airm", "RiskAddressing")
    RiskEvidence = iri("airm", "RiskEvidence")
    hasEvidence = iri("airm", "hasEvidence")
    hasRiskAddressing = iri("airm", "hasRiskAddressing")
    addressedRisk = iri("airm", "addressedRisk")
    curationMethod = iri("airm", "curationMethod")
    extractedFrom = iri("airm", "extractedFrom")
    recordedIn = iri("airm", "recordedIn")
    sourceHeading = iri("airm", "sourceHeading")
    locator = iri("airm", "locator")
    isPreliminary = iri("airm", "isPreliminary")
    mitigationCategory = iri("airm", "mitigationCategory")
    lifecycleStage = iri("airm", "lifecycleStage")
    actorType = iri("airm", "actorType")
    riskManagementFunction = iri("airm", "riskManagementFunction")
    riskCategory = iri("airm", "riskCategory")
    causalEntity = iri("airm", "causalEntity")
    causalIntent = iri("airm", "causalIntent")
    causalTiming = iri("airm", "causalTiming")
    aiActorTask = iri("airm", "aiActorTask")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def plain(text: str) -> ox.Literal:
    return ox.Literal(text)


def typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


TRUE = typed("true", "boolean")


class Triples(list):
    """A list of pyoxigraph Triples with a short ``add``; objects that are None are skipped."""

    def add(self, s, p, o) -> None:
        if o is not None:
            self.append(ox.Triple(s, p, o))


class CurieTriples:
    """Builds pyoxigraph triples from CURIEs of the project's prefixes (``"skos:prefLabel"``), each IRI made once:
    the YAML importers write terms as CURIEs, the table importers use :class:`V`."""

    def __init__(self):
        self.ox = ox
        self.ns = prefixes()
        self.triples: list = []
        self._iris: dict[str, object] = {}

    def iri(self, curie_or_iri: str):
        node = self._iris.get(curie_or_iri)
        if node is None:
            if ":" in curie_or_iri and not curie_or_iri.startswith(("http://", "https://")):
                p, local = curie_or_iri.split(":", 1)
                full = self.ns[p] + local
            else:
                full = curie_or_iri
            node = self._iris[curie_or_iri] = ox.NamedNode(full)
        return node

    def text(self, value: str, lang: str | None = "en"):
        return ox.Literal(value, language=lang) if lang else ox.Literal(value)

    def typed(self, value: str, datatype: str):
        return ox.Literal(value, datatype=self.iri(datatype))

    def add(self, s, p, o) -> None:
        self.triples.append(ox.Triple(s, self.iri(p) if isinstance(p, str) else p,
                                      self.iri(o) if isinstance(o, str) else o))


# --- cells --------------------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def cell(value) -> str:
    """A spreadsheet or CSV cell as text, the same for both: None -> "", 3.0 -> "3", dates as the CSV writes them.
    Text is kept as the source spells it (spaces, line breaks, no-break spaces): callers that compare cells use
    ``one_line``; the store trims leading and trailing whitespace of every value alike."""
    if type(value) is str:  # most cells (every CSV cell): straight to the number check, the regex compiled once
        return _whole_number(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return _whole_number(str(value))


_WHOLE = re.compile(r"-?\d+\.0+")


def _whole_number(text: str) -> str:
    """The CSV export writes spreadsheet numbers as "3.0": read them back as the workbook holds them."""
    if "." in text and _WHOLE.fullmatch(text.strip()):
        return text.strip().split(".", 1)[0]
    return text


def one_line(text: str) -> str:
    """Whitespace runs (line breaks, doubled and no-break spaces) as one space: for comparing and matching names,
    never for the text written into the graph (that keeps the source's own spelling)."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


_CLAUSE_END = re.compile(r"(?<!\bvs)(?<!\betc)(?<=[a-z0-9)\]])\.\s|[;:]\s")
_ASIDE = re.compile(r"\s*\([^()]*\)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:)])")
_DANGLING = re.compile(r"[\s,;:(-]+$|\s+(and|or|to|of|the|a|an|for|in|with|by|as|including|against|on|from|into|about|"
                       r"that|e\.g|i\.e)$", re.IGNORECASE)


def readable_label(text: str, limit: int = 90, shortest: int = 40) -> str:
    """A short name made from a record's own description, for sources that name records only by a code: its first
    clause (up to the first full stop, colon or semicolon at least ``shortest`` characters in), with asides in
    brackets dropped and cut at a word boundary with "…" when still longer than ``limit`` characters. Whitespace
    runs become one space; a space the source left before punctuation goes."""
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", one_line(text))
    ends = [m.start() for m in _CLAUSE_END.finditer(text)
            if m.start() >= shortest and not _DANGLING.search(text[: m.start()])]
    clause = text[: ends[0]] if ends else text
    clause = clause.rstrip(" .")
    if len(clause) > limit:
        clause = _ASIDE.sub("", clause)
    if len(clause) <= limit:
        return clause
    cut = clause[: limit - 1]
    if " " in cut and not clause[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")"):  # no label ends inside an aside that was cut short
        cut = cut[: cut.rindex("(")]
    previous = None
    while previous != cut:  # no label ends on "and", "of the" or a comma
        previous, cut = cut, _DANGLING.sub("", cut)
    return cut + "…"


def slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return s[:limit].rstrip("-") or "x"


def safe_local(identifier: str) -> str:
    """A source identifier as an IRI local name: kept as is but for characters an IRI cannot hold (space -> '-')."""
    s = re.sub(r"\s+", "-", identifier.strip())
    return re.sub(r"[^A-Za-z0-9._~\-]", lambda m: f"%{ord(m.group(0)):02X}" if ord(m.group(0)) < 128 else m.group(0), s)


def year_of(text: str) -> str | None:
    m = re.search(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", text or "")
    return m.group(1) if m else None


# --- YAML scalars --------------------------------------------------------------------------------------------------


def clean(value) -> str | None:
    """A cell or scalar as a stripped string; None when blank or not a scalar."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def source_text(value) -> str | None:
    """A scalar as the source spells it (line breaks and spaces kept; the store trims the ends of every value alike);
    None when blank or not a scalar."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text if text.strip() else None


def show(value, limit: int = 200) -> str:
    """A value as review text: JSON for structures, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def iso_date(value) -> str | None:
    """YAML dates come as datetime.date; strings are accepted when they look like YYYY-MM-DD."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = clean(value)
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return _dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    return None


# --- curated schemes ------------------------------------------------------------------------------------------------


@functools.cache
def _curated_store():
    store = ox.Store()
    quads = []
    for path in resources.data_files():
        with open(path, "rb") as f:
            quads.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(f, format=ox.RdfFormat.TURTLE))
    store.extend(quads)
    return store


@functools.cache
def codes(scheme: str) -> dict[str, ox.NamedNode]:
    """skos:notation (case-folded) -> concept, for one curated scheme given as a CURIE like 'scheme:mit-risk-domain'."""
    p, local = scheme.split(":", 1)
    node = iri(p, local)
    store = _curated_store()
    out: dict[str, ox.NamedNode] = {}
    for q in store.quads_for_pattern(None, V.inScheme, node, None):
        for n in store.quads_for_pattern(q.subject, V.notation, None, None):
            out[n.object.value.strip().casefold()] = q.subject
    return out


@functools.cache
def curated_documents() -> dict[str, ox.NamedNode]:
    """Normalised identifiers and report numbers of the curated citations -> their IRIs (to link imported ones)."""
    store = _curated_store()
    out: dict[str, ox.NamedNode] = {}
    for p in (V.identifier, V.number):
        for q in store.quads_for_pattern(None, p, None, None):
            out[doc_key(q.object.value)] = q.subject
    return out


def doc_key(identifier: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^doc-", "", identifier.strip(), flags=re.I).casefold())


# --- files ------------------------------------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def input_identity(path: Path, located: list) -> tuple[str, str, str | None]:
    """(file name, sha256, version) for provenance of a source read from ``path``.

    A wheel or a single file: its own name and checksum. A folder: the names of the files used, and the sha256 of
    their checksums listed as ``<sha256>  <name>`` lines (what ``sha256sum`` prints), sorted by name.
    """
    path = Path(path)
    version = None
    if not path.is_dir() and is_zip(path):
        m = re.match(r"([A-Za-z0-9_.]+?)-(\d[^-]*)-", path.name)
        version = f"{m.group(1).replace('_', '-')} {m.group(2)}" if m else None
        return path.name, file_sha256(path), version
    if not path.is_dir():
        return path.name, file_sha256(path), None
    try:
        text = read_file(path / "COMMIT", limit=4096).decode("utf-8", errors="replace").strip()
    except InputFileError:
        text = ""  # no COMMIT file: no version
    if text:
        if re.fullmatch(r"[0-9a-f]{7,40}", text):
            version = f"commit {text}"
    lines = sorted(f"{sha256(loc.data)}  {loc.name}" for loc in located)
    names = " + ".join(sorted(loc.name for loc in located))
    return names, sha256(("\n".join(lines) + "\n").encode()), version
