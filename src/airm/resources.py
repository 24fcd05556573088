"""Where the shipped ontology, shapes, data and queries live, for the wheel and for a source checkout alike.

The wheel carries them under ``airm/_resources`` (hatchling force-include); an editable install or a plain checkout
reads them from the repository's top level, where they are edited.
"""

from __future__ import annotations

import functools
from pathlib import Path

KINDS = ("ontology", "data", "queries")


@functools.cache
def resource_root() -> Path:
    here = Path(__file__).resolve().parent
    if (here / "_resources").is_dir():  # the wheel, installed as files: no need to import importlib.resources (15 ms)
        return here / "_resources"
    checkout = here.parents[1]
    if all((checkout / kind).is_dir() for kind in KINDS):
        return checkout
    from importlib import resources  # any other loader (a zip, say) that can still give the files a path

    packaged = resources.files("airm") / "_resources"
    if packaged.is_dir():
        return Path(str(packaged))
    raise FileNotFoundError(
        "airm cannot find its ontology, data and queries: neither airm/_resources (wheel) nor a source checkout"
    )


def resource_dir(kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {KINDS}")
    return resource_root() / kind


def ontology_files() -> list[Path]:
    """The ontology proper (not shapes, not the prefix list), then its alignments to other vocabularies, in a stable
    order."""
    root = resource_dir("ontology")
    return sorted(p for p in root.glob("*.ttl") if p.name != "prefixes.ttl") + sorted(root.glob("alignments/*.ttl"))


def shape_files() -> list[Path]:
    return sorted(resource_dir("ontology").glob("shapes/*.shapes.ttl"))


CLASSIFIER_RULES = "classify/rules"  # under data/: the rules `airm classify` reads itself
CLASSIFIER_MODEL = "classify/model"  # under data/: the learned text model `airm classify` reads itself


def data_files() -> list[Path]:
    """The curated data the knowledge graph is built from. The classifier's rules and model (data/classify/) are not
    among them: `airm classify` reads them itself, so they neither grow the graph nor reach its queries."""
    root = resource_dir("data")
    own = (root / CLASSIFIER_RULES, root / CLASSIFIER_MODEL)
    return sorted(p for p in root.rglob("*.ttl") if not any(d in p.parents for d in own))


def classifier_rule_files() -> list[Path]:
    """The shipped rules of `airm classify` (text rules, held-value rules, the learned lexicon)."""
    return sorted((resource_dir("data") / CLASSIFIER_RULES).glob("*.ttl"))


def classifier_model_file() -> Path:
    """The shipped learned text model of `airm classify` (benchmarks/learn_model.py writes it)."""
    return resource_dir("data") / CLASSIFIER_MODEL / "text-model.ttl"


def relative_name(path: Path) -> str:
    """A path as users see it in reports: relative to the resource root when it is ours."""
    try:
        return path.resolve().relative_to(resource_root()).as_posix()
    except ValueError:
        return str(path)
