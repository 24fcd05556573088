"""airm's vocabulary: its namespaces and the terms of each, as plain strings. GENERATED, do not edit.

Regenerate with ``python -m airm.vocab_gen`` (tests/test_vocab.py fails while this file is out of date). Sources:
ontology/prefixes.ttl, ontology/airm.ttl, ontology/shapes/atlas.shapes.ttl, ontology/shapes/citation.shapes.ttl,
ontology/shapes/classify.shapes.ttl, ontology/shapes/concept.shapes.ttl, ontology/shapes/imports.shapes.ttl,
ontology/shapes/mappings.shapes.ttl, ontology/shapes/mitigation.shapes.ttl, ontology/shapes/ontology.shapes.ttl,
ontology/shapes/references.shapes.ttl, ontology/inference/structural-axioms.ttl, data/schemes/actor.ttl,
data/schemes/curation.ttl, data/schemes/lifecycle.ttl, data/schemes/rmf.ttl.
Namespaces are the prefixes of ontology/prefixes.ttl, upper-cased (``SKOS``); each closed namespace class
(``Skos.prefLabel``) lists the terms those files use, so a misspelt term raises AttributeError. ``Skos["prefLabel"]``
reaches a term whose name is not a Python identifier (``Sh["in"]``, ``Scheme["actor-type"]``). Importing this module
loads nothing else (rdflib stays out of the CLI's fast paths).
"""

# fmt: off
# ruff: noqa  (generated)
from __future__ import annotations


class _Closed(type):
    """A namespace whose terms are fixed when it is generated: unknown names fail loudly."""

    def __new__(mcs, name: str, bases: tuple, body: dict):
        # terms by local name (the IRI after the namespace), which need not be a Python identifier: Sh["in"]
        namespace = body["_namespace"]
        body["_terms"] = {iri[len(namespace):]: iri for key, iri in body.items()
                          if not key.startswith("__") and key not in ("_prefix", "_namespace")}
        return super().__new__(mcs, name, bases, body)

    def __getattr__(cls, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{cls._prefix}:{name} is not a term of airm's vocabulary (declare it, then run "
                             "python -m airm.vocab_gen)")

    def __setattr__(cls, name: str, value) -> None:
        raise AttributeError(f"{cls._prefix}: a generated namespace is closed")

    def __getitem__(cls, local: str) -> str:
        try:
            return cls._terms[local]
        except KeyError:
            raise KeyError(f"{cls._prefix}:{local} is not a term of airm's vocabulary") from None

    def __contains__(cls, iri: object) -> bool:
        return iri in cls._terms.values()

    def __iter__(cls):
        return iter(cls._terms.values())


ONTOLOGY_IRI = 'https://w3id.org/airm'

# namespaces, in the order ontology/prefixes.ttl declares them
AIRM = 'https://w3id.org/airm#'
AIRMD = 'https://w3id.org/airm/id/'
MITIGATION = 'https://w3id.org/airm/id/mitigation/'
TECHNIQUE = 'https://w3id.org/airm/id/technique/'
REF = 'https://w3id.org/airm/id/ref/'
AGENT = 'https://w3id.org/airm/id/agent/'
SCHEME = 'https://w3id.org/airm/id/scheme/'
LIFECYCLE = 'https://w3id.org/airm/id/lifecycle/'
ACTOR = 'https://w3id.org/airm/id/actor/'
RMF = 'https://w3id.org/airm/id/rmf/'
MTAX = 'https://w3id.org/airm/id/mit-mitigation-taxonomy/'
MTAXP = 'https://w3id.org/airm/id/mit-mitigation-taxonomy-preliminary/'
MITDOM = 'https://w3id.org/airm/id/mit-risk-domain/'
MITCAUSAL = 'https://w3id.org/airm/id/mit-causal/'
LLMSR = 'https://w3id.org/airm/id/llm-safety-risk/'
CURATION = 'https://w3id.org/airm/id/curation/'
MITRISK = 'https://w3id.org/airm/id/mit-risk/'
MITPAPER = 'https://w3id.org/airm/id/mit-risk-paper/'
MITMIT = 'https://w3id.org/airm/id/mit-mitigation/'
MITDOC = 'https://w3id.org/airm/id/mit-mitigation-document/'
NISTGAI = 'https://w3id.org/airm/id/nist-ai-600-1/'
ATLAS = 'https://w3id.org/airm/id/atlas/'
IBMRISK = 'https://w3id.org/airm/id/ibm-risk-atlas/'
OWASP = 'https://w3id.org/airm/id/owasp-llm/'
MAPPING = 'https://w3id.org/airm/id/mapping/'
RULE = 'https://w3id.org/airm/id/classify/rule/'
QUERY = 'https://w3id.org/airm/query/'
QPARAM = 'https://w3id.org/airm/query/param/'
IMPORTREC = 'https://w3id.org/airm/id/import/'
RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'
RDFS = 'http://www.w3.org/2000/01/rdf-schema#'
OWL = 'http://www.w3.org/2002/07/owl#'
XSD = 'http://www.w3.org/2001/XMLSchema#'
SKOS = 'http://www.w3.org/2004/02/skos/core#'
DCTERMS = 'http://purl.org/dc/terms/'
DCAT = 'http://www.w3.org/ns/dcat#'
PROV = 'http://www.w3.org/ns/prov#'
FOAF = 'http://xmlns.com/foaf/0.1/'
BIBO = 'http://purl.org/ontology/bibo/'
FABIO = 'http://purl.org/spar/fabio/'
CITO = 'http://purl.org/spar/cito/'
SCHEMA = 'https://schema.org/'
SH = 'http://www.w3.org/ns/shacl#'
VANN = 'http://purl.org/vocab/vann/'
SEMAPV = 'https://w3id.org/semapv/vocab/'
SSSOM = 'https://w3id.org/sssom/'
SPDX = 'http://spdx.org/rdf/terms#'
AIRO = 'https://w3id.org/airo#'
VAIR = 'https://w3id.org/vair#'
DPV = 'https://w3id.org/dpv#'
RISK = 'https://w3id.org/dpv/risk#'
AI = 'https://w3id.org/dpv/ai#'
TECH = 'https://w3id.org/dpv/tech#'
NEXUS = 'https://w3id.org/ai-atlas-nexus/'
D3F = 'http://d3fend.mitre.org/ontologies/d3fend.owl#'

PREFIXES = {
    'airm': AIRM, 'airmd': AIRMD, 'mitigation': MITIGATION, 'technique': TECHNIQUE, 'ref': REF, 'agent': AGENT,
    'scheme': SCHEME, 'lifecycle': LIFECYCLE, 'actor': ACTOR, 'rmf': RMF, 'mtax': MTAX, 'mtaxp': MTAXP,
    'mitdom': MITDOM, 'mitcausal': MITCAUSAL, 'llmsr': LLMSR, 'curation': CURATION, 'mitrisk': MITRISK,
    'mitpaper': MITPAPER, 'mitmit': MITMIT, 'mitdoc': MITDOC, 'nistgai': NISTGAI, 'atlas': ATLAS,
    'ibmrisk': IBMRISK, 'owasp': OWASP, 'mapping': MAPPING, 'rule': RULE, 'query': QUERY, 'qparam': QPARAM,
    'importrec': IMPORTREC, 'rdf': RDF, 'rdfs': RDFS, 'owl': OWL, 'xsd': XSD, 'skos': SKOS, 'dcterms': DCTERMS,
    'dcat': DCAT, 'prov': PROV, 'foaf': FOAF, 'bibo': BIBO, 'fabio': FABIO, 'cito': CITO, 'schema': SCHEMA,
    'sh': SH, 'vann': VANN, 'semapv': SEMAPV, 'sssom': SSSOM, 'spdx': SPDX, 'airo': AIRO, 'vair': VAIR, 'dpv': DPV,
    'risk': RISK, 'ai': AI, 'tech': TECH, 'nexus': NEXUS, 'd3f': D3F,
}


class Airm(metaclass=_Closed):
    _prefix = 'airm'
    _namespace = AIRM
    ActorType = 'https://w3id.org/airm#ActorType'
    AttackTactic = 'https://w3id.org/airm#AttackTactic'
    AttackTechnique = 'https://w3id.org/airm#AttackTechnique'
    CaseStudy = 'https://w3id.org/airm#CaseStudy'
    CausalClass = 'https://w3id.org/airm#CausalClass'
    ClassificationProposal = 'https://w3id.org/airm#ClassificationProposal'
    ClassificationRule = 'https://w3id.org/airm#ClassificationRule'
    ClassificationSentinel = 'https://w3id.org/airm#ClassificationSentinel'
    ConceptMapping = 'https://w3id.org/airm#ConceptMapping'
    CurationMethod = 'https://w3id.org/airm#CurationMethod'
    LifecycleStage = 'https://w3id.org/airm#LifecycleStage'
    Mitigation = 'https://w3id.org/airm#Mitigation'
    MitigationCategory = 'https://w3id.org/airm#MitigationCategory'
    ModelWeight = 'https://w3id.org/airm#ModelWeight'
    ProcedureStep = 'https://w3id.org/airm#ProcedureStep'
    Risk = 'https://w3id.org/airm#Risk'
    RiskAddressing = 'https://w3id.org/airm#RiskAddressing'
    RiskCategory = 'https://w3id.org/airm#RiskCategory'
    RiskEntry = 'https://w3id.org/airm#RiskEntry'
    RiskEvidence = 'https://w3id.org/airm#RiskEvidence'
    RiskManagementFunction = 'https://w3id.org/airm#RiskManagementFunction'
    StoredQuery = 'https://w3id.org/airm#StoredQuery'
    Technique = 'https://w3id.org/airm#Technique'
    TextModel = 'https://w3id.org/airm#TextModel'
    achievesTactic = 'https://w3id.org/airm#achievesTactic'
    actorTaskActor = 'https://w3id.org/airm#actorTaskActor'
    actorTaskStage = 'https://w3id.org/airm#actorTaskStage'
    actorType = 'https://w3id.org/airm#actorType'
    addressedRisk = 'https://w3id.org/airm#addressedRisk'
    addresses = 'https://w3id.org/airm#addresses'
    aiActorTask = 'https://w3id.org/airm#aiActorTask'
    applicationNote = 'https://w3id.org/airm#applicationNote'
    arxivId = 'https://w3id.org/airm#arxivId'
    caseStudyType = 'https://w3id.org/airm#caseStudyType'
    causalEntity = 'https://w3id.org/airm#causalEntity'
    causalIntent = 'https://w3id.org/airm#causalIntent'
    causalTiming = 'https://w3id.org/airm#causalTiming'
    classificationAxis = 'https://w3id.org/airm#classificationAxis'
    classificationMethod = 'https://w3id.org/airm#classificationMethod'
    classificationRationale = 'https://w3id.org/airm#classificationRationale'
    curationMethod = 'https://w3id.org/airm#curationMethod'
    designedToAddress = 'https://w3id.org/airm#designedToAddress'
    extractedFrom = 'https://w3id.org/airm#extractedFrom'
    fallsUnder = 'https://w3id.org/airm#fallsUnder'
    hasComponentTechnique = 'https://w3id.org/airm#hasComponentTechnique'
    hasEvidence = 'https://w3id.org/airm#hasEvidence'
    hasProcedureStep = 'https://w3id.org/airm#hasProcedureStep'
    hasRiskAddressing = 'https://w3id.org/airm#hasRiskAddressing'
    inRelease = 'https://w3id.org/airm#inRelease'
    introducedIn = 'https://w3id.org/airm#introducedIn'
    isAddressedBy = 'https://w3id.org/airm#isAddressedBy'
    isPreliminary = 'https://w3id.org/airm#isPreliminary'
    isTechniqueOf = 'https://w3id.org/airm#isTechniqueOf'
    leadsTo = 'https://w3id.org/airm#leadsTo'
    lifecycleStage = 'https://w3id.org/airm#lifecycleStage'
    locator = 'https://w3id.org/airm#locator'
    mitigationCategory = 'https://w3id.org/airm#mitigationCategory'
    modelFeature = 'https://w3id.org/airm#modelFeature'
    modelValue = 'https://w3id.org/airm#modelValue'
    modelVersion = 'https://w3id.org/airm#modelVersion'
    modelWeight = 'https://w3id.org/airm#modelWeight'
    noMatch = 'https://w3id.org/airm#noMatch'
    parameterScheme = 'https://w3id.org/airm#parameterScheme'
    parameterType = 'https://w3id.org/airm#parameterType'
    proposalStatus = 'https://w3id.org/airm#proposalStatus'
    reaches = 'https://w3id.org/airm#reaches'
    recordedIn = 'https://w3id.org/airm#recordedIn'
    reportedBy = 'https://w3id.org/airm#reportedBy'
    representativeMeasure = 'https://w3id.org/airm#representativeMeasure'
    resultVariable = 'https://w3id.org/airm#resultVariable'
    riskCategory = 'https://w3id.org/airm#riskCategory'
    riskManagementFunction = 'https://w3id.org/airm#riskManagementFunction'
    ruleDefault = 'https://w3id.org/airm#ruleDefault'
    rulePattern = 'https://w3id.org/airm#rulePattern'
    ruleValue = 'https://w3id.org/airm#ruleValue'
    ruleWeight = 'https://w3id.org/airm#ruleWeight'
    ruleWhenHeld = 'https://w3id.org/airm#ruleWhenHeld'
    setThreshold = 'https://w3id.org/airm#setThreshold'
    sourceHeading = 'https://w3id.org/airm#sourceHeading'
    stepTactic = 'https://w3id.org/airm#stepTactic'
    stepTechnique = 'https://w3id.org/airm#stepTechnique'
    subTechniqueOf = 'https://w3id.org/airm#subTechniqueOf'
    targetSystem = 'https://w3id.org/airm#targetSystem'
    techniqueMaturity = 'https://w3id.org/airm#techniqueMaturity'
    techniquePlatform = 'https://w3id.org/airm#techniquePlatform'
    threatActor = 'https://w3id.org/airm#threatActor'
    usesTechnique = 'https://w3id.org/airm#usesTechnique'


class Ref(metaclass=_Closed):
    _prefix = 'ref'
    _namespace = REF
    nist_ai_100_1 = 'https://w3id.org/airm/id/ref/nist-ai-100-1'


class Agent(metaclass=_Closed):
    _prefix = 'agent'
    _namespace = AGENT
    airm_developers = 'https://w3id.org/airm/id/agent/airm-developers'


class Scheme(metaclass=_Closed):
    _prefix = 'scheme'
    _namespace = SCHEME
    actor_type = 'https://w3id.org/airm/id/scheme/actor-type'
    curation_method = 'https://w3id.org/airm/id/scheme/curation-method'
    lifecycle = 'https://w3id.org/airm/id/scheme/lifecycle'
    rmf_function = 'https://w3id.org/airm/id/scheme/rmf-function'


class Lifecycle(metaclass=_Closed):
    _prefix = 'lifecycle'
    _namespace = LIFECYCLE
    build_and_use_model = 'https://w3id.org/airm/id/lifecycle/build-and-use-model'
    collect_and_process_data = 'https://w3id.org/airm/id/lifecycle/collect-and-process-data'
    deploy = 'https://w3id.org/airm/id/lifecycle/deploy'
    not_recorded = 'https://w3id.org/airm/id/lifecycle/not-recorded'
    operate_and_monitor = 'https://w3id.org/airm/id/lifecycle/operate-and-monitor'
    plan_and_design = 'https://w3id.org/airm/id/lifecycle/plan-and-design'
    unable_to_classify = 'https://w3id.org/airm/id/lifecycle/unable-to-classify'
    verify_and_validate = 'https://w3id.org/airm/id/lifecycle/verify-and-validate'


class Actor(metaclass=_Closed):
    _prefix = 'actor'
    _namespace = ACTOR
    affected_stakeholder = 'https://w3id.org/airm/id/actor/affected-stakeholder'
    deployer = 'https://w3id.org/airm/id/actor/deployer'
    developer = 'https://w3id.org/airm/id/actor/developer'
    governance_actor = 'https://w3id.org/airm/id/actor/governance-actor'
    infrastructure_provider = 'https://w3id.org/airm/id/actor/infrastructure-provider'
    not_recorded = 'https://w3id.org/airm/id/actor/not-recorded'
    unable_to_classify = 'https://w3id.org/airm/id/actor/unable-to-classify'
    user = 'https://w3id.org/airm/id/actor/user'


class Rmf(metaclass=_Closed):
    _prefix = 'rmf'
    _namespace = RMF
    govern = 'https://w3id.org/airm/id/rmf/govern'
    manage = 'https://w3id.org/airm/id/rmf/manage'
    map = 'https://w3id.org/airm/id/rmf/map'
    measure = 'https://w3id.org/airm/id/rmf/measure'
    not_recorded = 'https://w3id.org/airm/id/rmf/not-recorded'
    unable_to_classify = 'https://w3id.org/airm/id/rmf/unable-to-classify'


class Mitcausal(metaclass=_Closed):
    _prefix = 'mitcausal'
    _namespace = MITCAUSAL
    entity_ai = 'https://w3id.org/airm/id/mit-causal/entity-ai'
    entity_human = 'https://w3id.org/airm/id/mit-causal/entity-human'
    entity_not_coded = 'https://w3id.org/airm/id/mit-causal/entity-not-coded'
    entity_other = 'https://w3id.org/airm/id/mit-causal/entity-other'
    intent_intentional = 'https://w3id.org/airm/id/mit-causal/intent-intentional'
    intent_not_coded = 'https://w3id.org/airm/id/mit-causal/intent-not-coded'
    intent_other = 'https://w3id.org/airm/id/mit-causal/intent-other'
    intent_unintentional = 'https://w3id.org/airm/id/mit-causal/intent-unintentional'
    timing_not_coded = 'https://w3id.org/airm/id/mit-causal/timing-not-coded'
    timing_other = 'https://w3id.org/airm/id/mit-causal/timing-other'
    timing_post_deployment = 'https://w3id.org/airm/id/mit-causal/timing-post-deployment'
    timing_pre_deployment = 'https://w3id.org/airm/id/mit-causal/timing-pre-deployment'


class Curation(metaclass=_Closed):
    _prefix = 'curation'
    _namespace = CURATION
    importer_derived = 'https://w3id.org/airm/id/curation/importer-derived'
    manual_curation = 'https://w3id.org/airm/id/curation/manual-curation'
    published_crosswalk = 'https://w3id.org/airm/id/curation/published-crosswalk'
    source_classification = 'https://w3id.org/airm/id/curation/source-classification'
    source_heading = 'https://w3id.org/airm/id/curation/source-heading'


class Rdf(metaclass=_Closed):
    _prefix = 'rdf'
    _namespace = RDF
    first = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#first'
    langString = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString'
    nil = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#nil'
    rest = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#rest'
    type = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'


class Rdfs(metaclass=_Closed):
    _prefix = 'rdfs'
    _namespace = RDFS
    comment = 'http://www.w3.org/2000/01/rdf-schema#comment'
    domain = 'http://www.w3.org/2000/01/rdf-schema#domain'
    isDefinedBy = 'http://www.w3.org/2000/01/rdf-schema#isDefinedBy'
    label = 'http://www.w3.org/2000/01/rdf-schema#label'
    range = 'http://www.w3.org/2000/01/rdf-schema#range'
    seeAlso = 'http://www.w3.org/2000/01/rdf-schema#seeAlso'
    subClassOf = 'http://www.w3.org/2000/01/rdf-schema#subClassOf'
    subPropertyOf = 'http://www.w3.org/2000/01/rdf-schema#subPropertyOf'


class Owl(metaclass=_Closed):
    _prefix = 'owl'
    _namespace = OWL
    AnnotationProperty = 'http://www.w3.org/2002/07/owl#AnnotationProperty'
    Class = 'http://www.w3.org/2002/07/owl#Class'
    DatatypeProperty = 'http://www.w3.org/2002/07/owl#DatatypeProperty'
    FunctionalProperty = 'http://www.w3.org/2002/07/owl#FunctionalProperty'
    ObjectProperty = 'http://www.w3.org/2002/07/owl#ObjectProperty'
    Ontology = 'http://www.w3.org/2002/07/owl#Ontology'
    SymmetricProperty = 'http://www.w3.org/2002/07/owl#SymmetricProperty'
    TransitiveProperty = 'http://www.w3.org/2002/07/owl#TransitiveProperty'
    imports = 'http://www.w3.org/2002/07/owl#imports'
    inverseOf = 'http://www.w3.org/2002/07/owl#inverseOf'
    propertyChainAxiom = 'http://www.w3.org/2002/07/owl#propertyChainAxiom'
    versionIRI = 'http://www.w3.org/2002/07/owl#versionIRI'
    versionInfo = 'http://www.w3.org/2002/07/owl#versionInfo'


class Xsd(metaclass=_Closed):
    _prefix = 'xsd'
    _namespace = XSD
    anyURI = 'http://www.w3.org/2001/XMLSchema#anyURI'
    boolean = 'http://www.w3.org/2001/XMLSchema#boolean'
    date = 'http://www.w3.org/2001/XMLSchema#date'
    decimal = 'http://www.w3.org/2001/XMLSchema#decimal'
    gYear = 'http://www.w3.org/2001/XMLSchema#gYear'
    gYearMonth = 'http://www.w3.org/2001/XMLSchema#gYearMonth'
    integer = 'http://www.w3.org/2001/XMLSchema#integer'
    string = 'http://www.w3.org/2001/XMLSchema#string'


class Skos(metaclass=_Closed):
    _prefix = 'skos'
    _namespace = SKOS
    Concept = 'http://www.w3.org/2004/02/skos/core#Concept'
    ConceptScheme = 'http://www.w3.org/2004/02/skos/core#ConceptScheme'
    altLabel = 'http://www.w3.org/2004/02/skos/core#altLabel'
    broadMatch = 'http://www.w3.org/2004/02/skos/core#broadMatch'
    broader = 'http://www.w3.org/2004/02/skos/core#broader'
    broaderTransitive = 'http://www.w3.org/2004/02/skos/core#broaderTransitive'
    closeMatch = 'http://www.w3.org/2004/02/skos/core#closeMatch'
    definition = 'http://www.w3.org/2004/02/skos/core#definition'
    exactMatch = 'http://www.w3.org/2004/02/skos/core#exactMatch'
    example = 'http://www.w3.org/2004/02/skos/core#example'
    hasTopConcept = 'http://www.w3.org/2004/02/skos/core#hasTopConcept'
    inScheme = 'http://www.w3.org/2004/02/skos/core#inScheme'
    mappingRelation = 'http://www.w3.org/2004/02/skos/core#mappingRelation'
    narrowMatch = 'http://www.w3.org/2004/02/skos/core#narrowMatch'
    narrower = 'http://www.w3.org/2004/02/skos/core#narrower'
    narrowerTransitive = 'http://www.w3.org/2004/02/skos/core#narrowerTransitive'
    notation = 'http://www.w3.org/2004/02/skos/core#notation'
    note = 'http://www.w3.org/2004/02/skos/core#note'
    prefLabel = 'http://www.w3.org/2004/02/skos/core#prefLabel'
    related = 'http://www.w3.org/2004/02/skos/core#related'
    relatedMatch = 'http://www.w3.org/2004/02/skos/core#relatedMatch'
    scopeNote = 'http://www.w3.org/2004/02/skos/core#scopeNote'
    topConceptOf = 'http://www.w3.org/2004/02/skos/core#topConceptOf'


class Dcterms(metaclass=_Closed):
    _prefix = 'dcterms'
    _namespace = DCTERMS
    bibliographicCitation = 'http://purl.org/dc/terms/bibliographicCitation'
    creator = 'http://purl.org/dc/terms/creator'
    date = 'http://purl.org/dc/terms/date'
    description = 'http://purl.org/dc/terms/description'
    hasPart = 'http://purl.org/dc/terms/hasPart'
    identifier = 'http://purl.org/dc/terms/identifier'
    isPartOf = 'http://purl.org/dc/terms/isPartOf'
    issued = 'http://purl.org/dc/terms/issued'
    license = 'http://purl.org/dc/terms/license'
    modified = 'http://purl.org/dc/terms/modified'
    publisher = 'http://purl.org/dc/terms/publisher'
    references = 'http://purl.org/dc/terms/references'
    source = 'http://purl.org/dc/terms/source'
    title = 'http://purl.org/dc/terms/title'


class Dcat(metaclass=_Closed):
    _prefix = 'dcat'
    _namespace = DCAT
    Dataset = 'http://www.w3.org/ns/dcat#Dataset'


class Prov(metaclass=_Closed):
    _prefix = 'prov'
    _namespace = PROV
    Entity = 'http://www.w3.org/ns/prov#Entity'
    wasDerivedFrom = 'http://www.w3.org/ns/prov#wasDerivedFrom'


class Foaf(metaclass=_Closed):
    _prefix = 'foaf'
    _namespace = FOAF
    Organization = 'http://xmlns.com/foaf/0.1/Organization'
    name = 'http://xmlns.com/foaf/0.1/name'


class Bibo(metaclass=_Closed):
    _prefix = 'bibo'
    _namespace = BIBO
    Document = 'http://purl.org/ontology/bibo/Document'
    authorList = 'http://purl.org/ontology/bibo/authorList'
    doi = 'http://purl.org/ontology/bibo/doi'


class Fabio(metaclass=_Closed):
    _prefix = 'fabio'
    _namespace = FABIO
    hasPublicationYear = 'http://purl.org/spar/fabio/hasPublicationYear'


class Cito(metaclass=_Closed):
    _prefix = 'cito'
    _namespace = CITO
    cites = 'http://purl.org/spar/cito/cites'


class Schema(metaclass=_Closed):
    _prefix = 'schema'
    _namespace = SCHEMA
    keywords = 'https://schema.org/keywords'
    position = 'https://schema.org/position'
    url = 'https://schema.org/url'


class Sh(metaclass=_Closed):
    _prefix = 'sh'
    _namespace = SH
    IRI = 'http://www.w3.org/ns/shacl#IRI'
    Info = 'http://www.w3.org/ns/shacl#Info'
    NodeShape = 'http://www.w3.org/ns/shacl#NodeShape'
    Parameter = 'http://www.w3.org/ns/shacl#Parameter'
    SPARQLAskExecutable = 'http://www.w3.org/ns/shacl#SPARQLAskExecutable'
    SPARQLConstraint = 'http://www.w3.org/ns/shacl#SPARQLConstraint'
    SPARQLConstructExecutable = 'http://www.w3.org/ns/shacl#SPARQLConstructExecutable'
    SPARQLExecutable = 'http://www.w3.org/ns/shacl#SPARQLExecutable'
    SPARQLSelectExecutable = 'http://www.w3.org/ns/shacl#SPARQLSelectExecutable'
    ValidationResult = 'http://www.w3.org/ns/shacl#ValidationResult'
    Violation = 'http://www.w3.org/ns/shacl#Violation'
    Warning = 'http://www.w3.org/ns/shacl#Warning'
    ask = 'http://www.w3.org/ns/shacl#ask'
    class_ = 'http://www.w3.org/ns/shacl#class'
    construct = 'http://www.w3.org/ns/shacl#construct'
    datatype = 'http://www.w3.org/ns/shacl#datatype'
    declare = 'http://www.w3.org/ns/shacl#declare'
    defaultValue = 'http://www.w3.org/ns/shacl#defaultValue'
    description = 'http://www.w3.org/ns/shacl#description'
    detail = 'http://www.w3.org/ns/shacl#detail'
    focusNode = 'http://www.w3.org/ns/shacl#focusNode'
    hasValue = 'http://www.w3.org/ns/shacl#hasValue'
    in_ = 'http://www.w3.org/ns/shacl#in'
    inversePath = 'http://www.w3.org/ns/shacl#inversePath'
    maxCount = 'http://www.w3.org/ns/shacl#maxCount'
    maxInclusive = 'http://www.w3.org/ns/shacl#maxInclusive'
    message = 'http://www.w3.org/ns/shacl#message'
    minCount = 'http://www.w3.org/ns/shacl#minCount'
    minExclusive = 'http://www.w3.org/ns/shacl#minExclusive'
    minInclusive = 'http://www.w3.org/ns/shacl#minInclusive'
    minLength = 'http://www.w3.org/ns/shacl#minLength'
    name = 'http://www.w3.org/ns/shacl#name'
    namespace = 'http://www.w3.org/ns/shacl#namespace'
    node = 'http://www.w3.org/ns/shacl#node'
    nodeKind = 'http://www.w3.org/ns/shacl#nodeKind'
    optional = 'http://www.w3.org/ns/shacl#optional'
    or_ = 'http://www.w3.org/ns/shacl#or'
    order = 'http://www.w3.org/ns/shacl#order'
    parameter = 'http://www.w3.org/ns/shacl#parameter'
    path = 'http://www.w3.org/ns/shacl#path'
    pattern = 'http://www.w3.org/ns/shacl#pattern'
    prefix = 'http://www.w3.org/ns/shacl#prefix'
    prefixes = 'http://www.w3.org/ns/shacl#prefixes'
    property = 'http://www.w3.org/ns/shacl#property'
    resultMessage = 'http://www.w3.org/ns/shacl#resultMessage'
    resultPath = 'http://www.w3.org/ns/shacl#resultPath'
    resultSeverity = 'http://www.w3.org/ns/shacl#resultSeverity'
    select = 'http://www.w3.org/ns/shacl#select'
    severity = 'http://www.w3.org/ns/shacl#severity'
    sourceShape = 'http://www.w3.org/ns/shacl#sourceShape'
    sparql = 'http://www.w3.org/ns/shacl#sparql'
    targetClass = 'http://www.w3.org/ns/shacl#targetClass'
    targetNode = 'http://www.w3.org/ns/shacl#targetNode'
    targetObjectsOf = 'http://www.w3.org/ns/shacl#targetObjectsOf'
    targetSubjectsOf = 'http://www.w3.org/ns/shacl#targetSubjectsOf'
    uniqueLang = 'http://www.w3.org/ns/shacl#uniqueLang'
    value = 'http://www.w3.org/ns/shacl#value'


class Vann(metaclass=_Closed):
    _prefix = 'vann'
    _namespace = VANN
    preferredNamespacePrefix = 'http://purl.org/vocab/vann/preferredNamespacePrefix'
    preferredNamespaceUri = 'http://purl.org/vocab/vann/preferredNamespaceUri'


class Semapv(metaclass=_Closed):
    _prefix = 'semapv'
    _namespace = SEMAPV
    LLMBasedMatching = 'https://w3id.org/semapv/vocab/LLMBasedMatching'
    LexicalMatching = 'https://w3id.org/semapv/vocab/LexicalMatching'
    ManualMappingCuration = 'https://w3id.org/semapv/vocab/ManualMappingCuration'
    MappingChaining = 'https://w3id.org/semapv/vocab/MappingChaining'
    StructuralMatching = 'https://w3id.org/semapv/vocab/StructuralMatching'


class Sssom(metaclass=_Closed):
    _prefix = 'sssom'
    _namespace = SSSOM
    Mapping = 'https://w3id.org/sssom/Mapping'
    author_id = 'https://w3id.org/sssom/author_id'
    comment = 'https://w3id.org/sssom/comment'
    confidence = 'https://w3id.org/sssom/confidence'
    mapping_date = 'https://w3id.org/sssom/mapping_date'
    mapping_justification = 'https://w3id.org/sssom/mapping_justification'
    mapping_tool = 'https://w3id.org/sssom/mapping_tool'
    mapping_tool_version = 'https://w3id.org/sssom/mapping_tool_version'
    object_id = 'https://w3id.org/sssom/object_id'
    predicate_id = 'https://w3id.org/sssom/predicate_id'
    similarity_measure = 'https://w3id.org/sssom/similarity_measure'
    similarity_score = 'https://w3id.org/sssom/similarity_score'
    subject_id = 'https://w3id.org/sssom/subject_id'


class Spdx(metaclass=_Closed):
    _prefix = 'spdx'
    _namespace = SPDX
    Checksum = 'http://spdx.org/rdf/terms#Checksum'
    algorithm = 'http://spdx.org/rdf/terms#algorithm'
    checksum = 'http://spdx.org/rdf/terms#checksum'
    checksumAlgorithm_sha256 = 'http://spdx.org/rdf/terms#checksumAlgorithm_sha256'
    checksumValue = 'http://spdx.org/rdf/terms#checksumValue'
    fileName = 'http://spdx.org/rdf/terms#fileName'


class Dpv(metaclass=_Closed):
    _prefix = 'dpv'
    _namespace = DPV
    isMitigatedByMeasure = 'https://w3id.org/dpv#isMitigatedByMeasure'
