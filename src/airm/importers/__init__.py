"""Importers for the public AI-risk datasets: one module per source, looked up by the CLI's SOURCE name."""

from __future__ import annotations

import importlib

# SOURCE name -> module (imported lazily: each importer pulls only the parsers it needs)
REGISTRY: dict[str, str] = {
    "mit-risks": "airm.importers.mit_risks",
    "mit-mitigations": "airm.importers.mit_mitigations",
    "nist-ai-600-1": "airm.importers.nist_ai_600_1",
    "atlas": "airm.importers.atlas",
    "nexus-mappings": "airm.importers.nexus_mappings",
    "nexus-taxonomies": "airm.importers.nexus_taxonomies",
}


def importer(name: str):
    """The module for SOURCE ``name``; raises KeyError for an unknown name (the CLI lists the known ones)."""
    return importlib.import_module(REGISTRY[name])
