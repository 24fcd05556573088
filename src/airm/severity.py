"""SHACL's three severities in one order, most severe first: what validation sorts by and ``--severity`` filters
by. A module of its own so the CLI can build its options from it without loading validation."""

from __future__ import annotations

SEVERITIES = ("Violation", "Warning", "Info")  # the local names of sh:Violation, sh:Warning, sh:Info
SEVERITY_ORDER = {name: rank for rank, name in enumerate(SEVERITIES)}


def at_least(problems, lowest: str) -> list:
    """The problems (anything with a ``severity``) at ``lowest`` or more severe; an unknown severity counts as a
    violation, so nothing unexpected is hidden."""
    keep = SEVERITY_ORDER[lowest.capitalize()]
    return [p for p in problems if SEVERITY_ORDER.get(p.severity, 0) <= keep]
