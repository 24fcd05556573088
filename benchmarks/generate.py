"""A synthetic AI-risk-mitigation graph shaped like the real one, of (at least) a requested number of triples.

Everything the catalog queries walk is there, built on the real curated vocabularies of ``data/`` (read from the
embedded graph at generation time, so a new concept in a scheme is picked up without code changes):

- mitigations (``A00001``-style identifiers) with labels, descriptions, source headings, one category per
  mitigation taxonomy (mtax and/or mtaxp), lifecycle stages, actor types, NIST AI RMF functions, the classification
  sentinels ("not recorded", "unable to classify") on a share of them, techniques used and works cited;
- the documents they are extracted from (the real MIT source documents plus generated ones) with years, author
  lists and identifiers; cited papers; techniques with ``airm:introducedIn`` and component techniques;
- risk entries shaped like the MIT AI Risk Repository import (category and sub-category entries per paper, the
  causal classes ``airm:causalEntity/Intent/Timing`` from mitcausal:, ``airm:riskCategory`` a real mitdom subdomain
  or one of its sentinels);
- ``airm:RiskAddressing`` nodes (and a few bare ``airm:addresses`` links) from mitigations to two thirds of the risk
  entries, to mitdom subdomains, to the LLM-safety risk areas and to two thirds of the concepts of three generated
  risk schemes (the rest are the gaps), which are cross-walked to mitdom, to the LLM-safety areas and to each other
  with ``skos:exactMatch/closeMatch/broadMatch/relatedMatch``.

The output is deterministic for a given (triples, seed): same bytes every time. The text is generated from small
word lists written for this file; it is not real data and says so (every scheme and document is labelled
"synthetic").

    python benchmarks/generate.py --triples 100000 --out /tmp/bench.ttl
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ID = "https://w3id.org/airm/id/"
AIRM = "https://w3id.org/airm#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
BIBO = "http://purl.org/ontology/bibo/"
FABIO = "http://purl.org/spar/fabio/"
CITO = "http://purl.org/spar/cito/"
SCHEMA = "https://schema.org/"

# Generated resources live in families of their own, so they can never be mistaken for curated ones.
NS = {
    "mitigation": ID + "bench-mitigation/",
    "doc": ID + "bench-doc/",
    "paper": ID + "bench-paper/",
    "riskpaper": ID + "bench-risk-paper/",
    "risk": ID + "bench-risk/",
    "technique": ID + "bench-technique/",
    "scheme": ID + "bench-scheme/",
    "concept": ID + "bench-concept/",
}
PREFIXES = {
    "airm": AIRM, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "dcterms": DCT, "prov": PROV, "bibo": BIBO,
    "fabio": FABIO, "cito": CITO, "schema": SCHEMA, "ref": ID + "ref/", "technique": ID + "technique/",
    "mtax": ID + "mit-mitigation-taxonomy/", "mtaxp": ID + "mit-mitigation-taxonomy-preliminary/",
    "lifecycle": ID + "lifecycle/", "actor": ID + "actor/", "rmf": ID + "rmf/", "mitdom": ID + "mit-risk-domain/",
    "mitcausal": ID + "mit-causal/", "llmsr": ID + "llm-safety-risk/", "curation": ID + "curation/",
    "bmit": NS["mitigation"], "bdoc": NS["doc"], "bpaper": NS["paper"], "brpaper": NS["riskpaper"],
    "brisk": NS["risk"], "btech": NS["technique"], "bscheme": NS["scheme"], "bconcept": NS["concept"],
}

# Words for labels and descriptions (written for this generator).
ACTIONS = ["Audit", "Filter", "Monitor", "Document", "Restrict", "Evaluate", "Watermark", "Fine-tune", "Log",
           "Review", "Sandbox", "Rate-limit", "Disclose", "Red-team", "Verify", "Benchmark", "Stress-test", "Gate"]
OBJECTS = ["model outputs", "training data", "deployment access", "the reward model", "incident reports",
           "third-party plugins", "user prompts", "model weights", "evaluation results", "fine-tuning datasets",
           "tool calls", "system prompts", "API usage", "safety policies", "capability thresholds", "data provenance"]
QUALIFIERS = ["before release", "after each update", "at inference time", "with external experts", "continuously",
              "per deployment", "for high-risk uses", "under a written policy", "with human sign-off", "quarterly"]
GOALS = ["harmful outputs are caught early", "misuse leaves a trace", "the reward model is not gamed",
         "private data stays private", "failures are reported to the right people", "dangerous capabilities are found",
         "decisions can be audited later", "groups are treated alike", "attacks are detected and blocked"]
HARMS = ["Biased decisions", "Leaked personal data", "Jailbroken safeguards", "Deceptive outputs", "Unsafe tool use",
         "Misinformation at scale", "Over-reliance on outputs", "Weakened oversight", "Poisoned training data",
         "Model theft", "Job displacement", "Power concentration", "Toxic content", "Unequal accuracy"]
CONTEXTS = ["in hiring", "in health care", "in elections", "in code generation", "in chat assistants", "in search",
            "in autonomous agents", "in education", "in finance", "in critical infrastructure"]
SURNAMES = ["Abe", "Banda", "Costa", "Dubois", "Eze", "Fischer", "Gupta", "Haddad", "Ivanova", "Jensen", "Kim",
            "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Umar",
            "Varga", "Wang", "Xu", "Yilmaz", "Zhou"]
GIVEN = ["A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "J.", "K.", "L.", "M."]
TOPICS = ["frontier model risk management", "AI incident reporting", "evaluating dangerous capabilities",
          "governance of general-purpose AI", "red teaming language models", "AI audits in practice",
          "privacy in machine learning", "fairness testing", "securing model weights", "oversight of AI agents"]
METHODS = ["preference optimisation", "adversarial training", "output filtering", "activation steering",
           "unlearning", "data deduplication", "reward shaping", "interpretability probes", "canary tokens",
           "membership inference testing", "input sanitisation", "safety fine-tuning"]
MATCHES = [SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "broadMatch", SKOS + "relatedMatch"]
EXAMPLE_TEXT = "reward model"  # a phrase the catalog's search example looks for: some descriptions carry it


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def plain(text: str) -> ox.Literal:
    return ox.Literal(text)


def typed(text: str, dt: str) -> ox.Literal:
    return ox.Literal(text, datatype=N(XSD + dt))


A = N(RDF + "type")


@dataclass
class Vocab:
    """The curated concepts the generated data classifies against, read from the embedded graph."""

    mtax: list = field(default_factory=list)
    mtax_sentinels: list = field(default_factory=list)
    mtaxp: list = field(default_factory=list)
    training: list = field(default_factory=list)  # mtaxp:training / mtax:2.2 and below
    stages: list = field(default_factory=list)
    stage_sentinels: list = field(default_factory=list)
    actors: list = field(default_factory=list)
    actor_sentinels: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    function_sentinels: list = field(default_factory=list)
    causal: dict = field(default_factory=dict)  # factor -> (values, not-coded sentinel)
    subdomains: list = field(default_factory=list)
    domain_sentinels: list = field(default_factory=list)
    llm_risks: list = field(default_factory=list)
    curation: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # real extraction sources
    techniques: list = field(default_factory=list)
    database: str = ID + "ref/mit-ai-risk-mitigation-database"
    repository: str = ID + "ref/slattery2024-ai-risk-repository"


def _values(store, text: str) -> list[tuple]:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    res = store.query(prologue + text, use_default_graph_as_union=True)
    names = list(res.variables)
    rows = [tuple(None if sol[v] is None else sol[v].value for v in names) for sol in res]
    return sorted(rows, key=lambda r: tuple("" if x is None else x for x in r))


def read_vocab(store=None) -> Vocab:
    """Concept lists from the embedded graph (ontology + curated data + entailments)."""
    if store is None:
        import airm

        store = airm.load(cache=False).store
    def sentinel(scheme: str) -> list[str]:
        return first(_values(store, f"""SELECT ?c WHERE {{
            ?c skos:inScheme <{ID}scheme/{scheme}> ; a skos:Concept , airm:ClassificationSentinel }}"""))

    def concrete(scheme: str, extra: str = "") -> list[str]:
        return first(_values(store, f"""SELECT ?c WHERE {{
            ?c skos:inScheme <{ID}scheme/{scheme}> ; a skos:Concept . {extra}
            FILTER NOT EXISTS {{ ?c a airm:ClassificationSentinel }} }}"""))

    def first(rows) -> list[str]:
        return [r[0] for r in rows]

    v = Vocab()
    leaf = "FILTER NOT EXISTS { ?n skos:broader ?c }"
    v.mtax = concrete("mit-mitigation-taxonomy", leaf)
    v.mtax_sentinels = sentinel("mit-mitigation-taxonomy")
    v.mtaxp = concrete("mit-mitigation-taxonomy-preliminary", leaf)
    v.training = first(_values(store, """SELECT DISTINCT ?c WHERE {
        VALUES ?top { mtaxp:training mtax:2.2 } ?c skos:broader* ?top }"""))
    v.stages, v.stage_sentinels = concrete("lifecycle"), sentinel("lifecycle")
    v.actors, v.actor_sentinels = concrete("actor-type"), sentinel("actor-type")
    v.functions, v.function_sentinels = concrete("rmf-function"), sentinel("rmf-function")
    for factor in ("entity", "intent", "timing"):
        v.causal[factor] = (concrete(f"mit-causal-{factor}"), sentinel(f"mit-causal-{factor}"))
    v.subdomains = concrete("mit-risk-domain", "?c skos:broader ?d .")
    v.domain_sentinels = sentinel("mit-risk-domain")
    v.llm_risks = concrete("llm-safety-survey-risks")
    v.curation = concrete("curation-method")
    v.documents = first(_values(store, """SELECT DISTINCT ?d WHERE {
        ?d a bibo:Document ; dcterms:identifier ?id . FILTER(STRSTARTS(STR(?id), "doc-")) }"""))
    v.documents += [ID + "ref/shi2024-llm-safety-survey"]
    v.techniques = first(_values(store, "SELECT ?t WHERE { ?t a airm:Technique }"))
    for name in ("mtax", "mtaxp", "stages", "actors", "functions", "subdomains", "llm_risks", "curation",
                 "documents", "techniques"):
        if not getattr(v, name):
            raise RuntimeError(f"the embedded graph has no {name}: the generator needs the curated schemes")
    return v


class Builder:
    def __init__(self):
        self.triples: dict = {}  # insertion-ordered set

    def add(self, s, p, o):
        if o is None:
            return
        s = N(s) if isinstance(s, str) else s
        p = N(p) if isinstance(p, str) else p
        o = N(o) if isinstance(o, str) else o
        self.triples.setdefault(ox.Triple(s, p, o), None)

    def add_list(self, s, p, items: list) -> None:
        """An rdf:List (e.g. bibo:authorList) of literals, with stable blank-node ids."""
        head = None
        nodes = [ox.BlankNode(f"{_slug(str(s))}-l{i}") for i in range(len(items))]
        for i, (node, item) in enumerate(zip(nodes, items, strict=True)):
            self.add(node, RDF + "first", item)
            self.add(node, RDF + "rest", nodes[i + 1] if i + 1 < len(nodes) else N(RDF + "nil"))
            head = head or node
        if head is not None:
            self.add(s, p, head)

    def __len__(self):
        return len(self.triples)


def _slug(iri: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in iri.rsplit("/", 1)[-1]).strip("-") or "x"


def _authors(rng: random.Random, k: int) -> list:
    return [plain(f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}") for _ in range(k)]


def _document(b: Builder, rng: random.Random, iri: str, number: int, kind: str) -> None:
    authors = _authors(rng, rng.randint(1, 6))
    year = rng.randint(2016, 2025)
    first = authors[0].value.split(",")[0]
    b.add(iri, A, BIBO + "Document")
    b.add(iri, A, BIBO + ("AcademicArticle" if rng.random() < 0.7 else "Report"))
    b.add(iri, RDFS + "label", en(f"{first} et al. {year} (synthetic {kind} {number})"))
    b.add(iri, DCT + "title", en(f"On {rng.choice(TOPICS)}: synthetic {kind} {number}"))
    b.add_list(iri, BIBO + "authorList", authors)
    b.add(iri, FABIO + "hasPublicationYear", typed(str(year), "gYear"))
    r = rng.random()
    if r < 0.6:
        arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(10000, 99999)}"
        b.add(iri, AIRM + "arxivId", plain(arxiv))
        b.add(iri, SCHEMA + "url", typed(f"https://arxiv.org/abs/{arxiv}", "anyURI"))
    elif r < 0.85:
        b.add(iri, BIBO + "doi", plain(f"10.{rng.randint(1000, 99999)}/bench.{number}"))
    else:
        b.add(iri, SCHEMA + "url", typed(f"https://example.org/bench/{kind}/{number}", "anyURI"))


def _scheme(b: Builder, rng: random.Random, v: Vocab, key: str, title: str, code: str, tops: int, per_top: int,
            targets: list[str]) -> list[str]:
    """A generated risk taxonomy (two levels when per_top > 0), each concept cross-walked to one or two targets."""
    scheme = NS["scheme"] + key
    b.add(scheme, A, SKOS + "ConceptScheme")
    b.add(scheme, SKOS + "prefLabel", en(f"{title} (synthetic)"))
    b.add(scheme, SKOS + "definition", en("A generated risk list for benchmarks; not real data."))
    concepts = []
    for t in range(1, tops + 1):
        top = f"{NS['concept']}{key}-{t:02d}"
        concepts.append(top)
        b.add(scheme, SKOS + "hasTopConcept", top)
        b.add(top, SKOS + "topConceptOf", scheme)
        for c in range(1, per_top + 1):
            child = f"{top}-{c:02d}"
            concepts.append(child)
            b.add(child, SKOS + "broader", top)
    for i, c in enumerate(concepts):
        b.add(c, A, AIRM + "RiskCategory")
        b.add(c, SKOS + "inScheme", scheme)
        b.add(c, SKOS + "notation", plain(f"{code}-{c.rsplit(key + '-', 1)[1]}"))
        b.add(c, SKOS + "prefLabel", en(f"{rng.choice(HARMS)} {rng.choice(CONTEXTS)} ({code} {i + 1})"))
        b.add(c, SKOS + "definition", en(f"Generated risk concept {i + 1} of the synthetic {title}."))
        for target in rng.sample(targets, k=min(len(targets), rng.choice((1, 1, 2)))):
            b.add(c, rng.choice(MATCHES), target)
    return concepts


def build(mitigations: int, *, seed: int = 42, vocab: Vocab | None = None) -> tuple[Builder, dict]:
    """The triples for ``mitigations`` mitigations and everything in proportion; returns (builder, samples)."""
    v = vocab or read_vocab()
    rng = random.Random(seed)
    b = Builder()
    n = max(1, mitigations)

    # documents, papers, techniques
    docs = [f"{NS['doc']}d{i:04d}" for i in range(1, max(3, n // 50) + 1)]
    for i, d in enumerate(docs, 1):
        _document(b, rng, d, i, "framework")
        b.add(d, DCT + "identifier", plain(f"doc-bench-{i:04d}"))
    papers = [f"{NS['paper']}p{i:05d}" for i in range(1, max(4, n // 8) + 1)]
    for i, p in enumerate(papers, 1):
        _document(b, rng, p, i, "paper")
    sources = docs + v.documents
    techniques = [f"{NS['technique']}t{i:04d}" for i in range(1, max(3, n // 25) + 1)]
    for i, t in enumerate(techniques, 1):
        method = rng.choice(METHODS)
        b.add(t, A, AIRM + "Technique")
        b.add(t, RDFS + "label", en(f"{method.capitalize()} variant {i}"))
        b.add(t, SKOS + "altLabel", plain(f"BT-{i}"))
        b.add(t, DCT + "description", en(f"A generated technique based on {method}."))
        b.add(t, AIRM + "introducedIn", rng.choice(papers))
        if i > 1 and rng.random() < 0.3:
            b.add(t, AIRM + "hasComponentTechnique", techniques[rng.randrange(i - 1)])
    all_techniques = techniques + v.techniques

    # risk schemes, cross-walked to the MIT domains, the LLM-safety areas and each other
    mit_targets = v.subdomains + v.llm_risks
    gai = _scheme(b, rng, v, "gai", "generative AI risk list", "GR", 12, 0, mit_targets)
    app = _scheme(b, rng, v, "app", "LLM application risk list", "AR", 10, 0, mit_targets + gai)
    atlas = _scheme(b, rng, v, "atlas", "risk atlas", "RA", 8, max(2, n // 300), mit_targets + gai + app)
    scheme_concepts = gai + app + atlas

    # risk entries of the MIT AI Risk Repository shape: papers, categories, sub-categories
    risk_papers = [f"{NS['riskpaper']}rp{i:04d}" for i in range(1, max(2, n // 35) + 1)]
    for i, p in enumerate(risk_papers, 1):
        _document(b, rng, p, i, "risk paper")
    risks = []
    for pi, paper in enumerate(risk_papers, 1):
        for ci in range(1, rng.randint(2, 4) + 1):
            cat = None
            for si in range(0, rng.randint(2, 6) + 1):
                ev = f"{pi:02d}.{ci:02d}.{si:02d}"
                r = NS["risk"] + ev
                risks.append(r)
                b.add(r, A, AIRM + "RiskEntry")
                harm, context = rng.choice(HARMS), rng.choice(CONTEXTS)
                b.add(r, RDFS + "label", en(f"{harm} {context} (risk {ev})"))
                b.add(r, DCT + "identifier", plain(ev))
                b.add(r, DCT + "description", en(f"{harm} {context}, as a generated risk paper describes it."))
                b.add(r, DCT + "source", paper)
                b.add(r, AIRM + "recordedIn", v.repository)
                b.add(r, AIRM + "locator", plain(f"p. {rng.randint(1, 60)}"))
                if si == 0:
                    cat = r
                else:
                    b.add(r, SKOS + "broader", cat)
                for factor, prop in (("entity", "causalEntity"), ("intent", "causalIntent"),
                                     ("timing", "causalTiming")):
                    values, not_coded = v.causal[factor]
                    pick = rng.choice(not_coded) if (not_coded and rng.random() < 0.06) else rng.choice(values)
                    b.add(r, AIRM + prop, pick)
                if rng.random() < 0.08 and v.domain_sentinels:
                    b.add(r, AIRM + "riskCategory", rng.choice(v.domain_sentinels))
                else:
                    b.add(r, AIRM + "riskCategory", rng.choice(v.subdomains))
    for r in rng.sample(risks, k=len(risks) // 20):  # a few entries are cross-walked to a generated scheme
        b.add(r, SKOS + "closeMatch", rng.choice(scheme_concepts))

    # mitigations; about a third of the risk entries are addressed by none (the gaps the gap queries look for)
    addressable = sorted(rng.sample(risks, k=max(1, (len(risks) * 2) // 3)))
    addressable_concepts = sorted(rng.sample(scheme_concepts, k=max(1, (len(scheme_concepts) * 2) // 3)))
    mits = []
    for i in range(1, n + 1):
        m = f"{NS['mitigation']}A{i:05d}"
        mits.append(m)
        action, obj, qual = rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)
        doc = rng.choice(sources)
        b.add(m, A, AIRM + "Mitigation")
        b.add(m, RDFS + "label", en(f"{action} {obj} {qual} (A{i:05d})"))
        if rng.random() < 0.3:
            b.add(m, SKOS + "altLabel", en(f"{action} {obj}"))
        goal = EXAMPLE_TEXT + " is not gamed" if rng.random() < 0.05 else rng.choice(GOALS)
        b.add(m, DCT + "identifier", plain(f"A{i:05d}"))
        b.add(m, DCT + "description", en(f"{action} {obj} {qual}, so that {goal}. Generated for benchmarks."))
        b.add(m, AIRM + "sourceHeading", plain(f"{rng.choice(TOPICS).capitalize()} > {action}"))
        b.add(m, AIRM + "extractedFrom", doc)
        b.add(m, AIRM + "recordedIn", v.database)
        b.add(m, AIRM + "isPreliminary", typed("true" if rng.random() < 0.3 else "false", "boolean"))
        training = rng.random() < 0.15
        categories = []  # at most one per mitigation taxonomy (a shape requires it)
        if training:
            categories.append(rng.choice(v.training))
        else:
            if rng.random() < 0.8:
                sentinel = v.mtax_sentinels and rng.random() < 0.04
                categories.append(rng.choice(v.mtax_sentinels) if sentinel else rng.choice(v.mtax))
            if rng.random() < 0.4 or not categories:
                categories.append(rng.choice(v.mtaxp))
        for c in categories:
            b.add(m, AIRM + "mitigationCategory", c)
        for prop, values, sentinels in (("lifecycleStage", v.stages, v.stage_sentinels),
                                        ("actorType", v.actors, v.actor_sentinels),
                                        ("riskManagementFunction", v.functions, v.function_sentinels)):
            if sentinels and rng.random() < 0.07:
                b.add(m, AIRM + prop, rng.choice(sentinels))
            else:
                for value in rng.sample(values, k=rng.choice((1, 1, 2)) if prop != "riskManagementFunction" else 1):
                    b.add(m, AIRM + prop, value)
        if rng.random() < 0.5:
            b.add(m, AIRM + "classificationRationale", en(f"Classified by what it acts on: {obj}."))
        for t in rng.sample(all_techniques, k=rng.choice((0, 1, 1, 2, 3) if not training else (1, 2, 3))):
            b.add(m, AIRM + "usesTechnique", t)
        for p in rng.sample(papers, k=rng.choice((0, 1, 2, 3))):
            b.add(m, CITO + "cites", p)
        for k in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
            r = rng.random()
            if r < 0.5:
                risk = rng.choice(addressable)
            elif r < 0.7:
                risk = rng.choice(v.subdomains)
            elif r < 0.85:
                risk = rng.choice(addressable_concepts)
            else:
                risk = rng.choice(v.llm_risks)
            if rng.random() < 0.1:
                b.add(m, AIRM + "addresses", risk)  # a bare link, with no qualified record
                continue
            ra = f"{m}--r{k}"
            b.add(m, AIRM + "hasRiskAddressing", ra)
            b.add(ra, A, AIRM + "RiskAddressing")
            b.add(ra, RDFS + "label", en(f"A{i:05d} addresses risk {k}"))
            b.add(ra, AIRM + "addressedRisk", risk)
            b.add(ra, PROV + "wasDerivedFrom", doc)
            b.add(ra, AIRM + "locator", plain(f"p. {rng.randint(1, 120)}"))
            b.add(ra, AIRM + "curationMethod", rng.choice(v.curation))
    samples = {"mitigation": mits[0], "document": docs[0], "technique": techniques[0], "risk": risks[0],
               "concept": scheme_concepts[0]}
    return b, samples


TRIPLES_PER_MITIGATION = 45  # a first guess; generate() corrects it


def generate(triples: int = 100_000, *, seed: int = 42, vocab: Vocab | None = None) -> tuple[Builder, dict]:
    """At least ``triples`` triples (a few percent over at most), the same ones for the same arguments."""
    v = vocab or read_vocab()
    n = max(1, triples // TRIPLES_PER_MITIGATION)
    for _ in range(20):
        b, samples = build(n, seed=seed, vocab=v)
        if len(b) >= triples:
            # step down while still large enough, so the graph is not much over the request
            while n > 1:
                smaller, s2 = build(n - max(1, n // 100), seed=seed, vocab=v)
                if len(smaller) < triples:
                    break
                n, b, samples = n - max(1, n // 100), smaller, s2
            samples["mitigations"] = n
            return b, samples
        n = int(n * triples / max(1, len(b))) + 1
    raise RuntimeError(f"could not reach {triples} triples")


def write(path, triples: int = 100_000, *, seed: int = 42, vocab: Vocab | None = None) -> dict:
    """Write the graph as Turtle (``.ttl``) or N-Triples (``.nt``); returns counts and sample IRIs."""
    path = Path(path)
    b, samples = generate(triples, seed=seed, vocab=vocab)
    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    kwargs = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(b"# Synthetic benchmark graph written by benchmarks/generate.py: not real data.\n")
        ox.serialize(list(b.triples), f, fmt, **kwargs)
    tmp.replace(path)
    return {"path": str(path), "triples": len(b), "seed": seed, **samples}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=100_000, help="least number of triples (default 100000)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="output file, .ttl (Turtle) or .nt (N-Triples)")
    args = ap.parse_args(argv)
    info = write(args.out, args.triples, seed=args.seed)
    print(f"wrote {info['triples']} triples ({info['mitigations']} mitigations) to {info['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
