"""Write ``src/airm/vocab.py``, airm's vocabulary as Python constants, from the RDF that defines it.

Run ``python -m airm.vocab_gen`` after editing ``ontology/prefixes.ttl``, the ontology, its shapes or inference
axioms, or a concept scheme in ``data/schemes/``; ``--check`` only reports whether the file is current (a test runs
the same comparison). Namespaces come from the one prefix file; each namespace's term list is every IRI in it that
those files mention, so a misspelt term in code fails at import or attribute lookup instead of matching nothing.
"""

from __future__ import annotations

import keyword
import re
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from .atomic import write_file
from .errors import InputFileError, UserError
from .resources import resource_dir

SH = "http://www.w3.org/ns/shacl#"
OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Terms the code uses that no ontology, shape, axiom or scheme file mentions: they describe validation reports,
# machine-made mappings and the query catalog rather than airm's own data. Add a term here when code needs one.
EXTRA_TERMS = {
    "rdfs": ("comment",),
    "sssom": ("mapping_tool", "mapping_tool_version", "similarity_measure", "similarity_score"),
    "semapv": ("LexicalMatching", "LLMBasedMatching", "MappingChaining", "StructuralMatching"),
    # pySHACL's validation report, read by validation.py
    "sh": ("ValidationResult", "focusNode", "resultPath", "value", "resultMessage", "resultSeverity", "sourceShape",
           "detail",
           # the query catalog, described as SHACL SPARQL executables (catalog_rdf.py)
           "SPARQLSelectExecutable", "SPARQLConstructExecutable", "SPARQLAskExecutable", "ask", "construct",
           "parameter", "name", "description", "order", "optional", "defaultValue"),
    "schema": ("keywords",),
}

HEADER = '''"""airm's vocabulary: its namespaces and the terms of each, as plain strings. GENERATED, do not edit.

Regenerate with ``python -m airm.vocab_gen`` (tests/test_vocab.py fails while this file is out of date). Sources:
{sources}.
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
        body["_terms"] = {{iri[len(namespace):]: iri for key, iri in body.items()
                          if not key.startswith("__") and key not in ("_prefix", "_namespace")}}
        return super().__new__(mcs, name, bases, body)

    def __getattr__(cls, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{{cls._prefix}}:{{name}} is not a term of airm's vocabulary (declare it, then run "
                             "python -m airm.vocab_gen)")

    def __setattr__(cls, name: str, value) -> None:
        raise AttributeError(f"{{cls._prefix}}: a generated namespace is closed")

    def __getitem__(cls, local: str) -> str:
        try:
            return cls._terms[local]
        except KeyError:
            raise KeyError(f"{{cls._prefix}}:{{local}} is not a term of airm's vocabulary") from None

    def __contains__(cls, iri: object) -> bool:
        return iri in cls._terms.values()

    def __iter__(cls):
        return iter(cls._terms.values())

'''


def source_files() -> list[Path]:
    """The files whose IRIs make up the term lists, in a stable order."""
    onto = resource_dir("ontology")
    return ([onto / "airm.ttl"] + sorted(onto.glob("shapes/*.shapes.ttl")) + sorted(onto.glob("inference/*.ttl"))
            + sorted((resource_dir("data") / "schemes").glob("*.ttl")))


def declared_prefixes(path: Path) -> dict[str, str]:
    """prefix -> namespace, in the order the prefix file declares them."""
    nodes: dict = {}
    for t in _triples(path):
        if t.predicate.value in (SH + "prefix", SH + "namespace"):
            nodes.setdefault(t.subject, {})[t.predicate.value] = t.object.value
    out = {d[SH + "prefix"]: d[SH + "namespace"] for d in nodes.values() if len(d) == 2}
    if len(set(out.values())) != len(out):
        raise InputFileError(path, "two prefixes declare the same namespace")
    return out


def _triples(path: Path):
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/airm/"))
    except (SyntaxError, ValueError) as e:
        raise InputFileError(path, f"cannot be parsed: {e}") from None


def used_terms(prefixes: dict[str, str], files: list[Path]) -> dict[str, set[str]]:
    """prefix -> local names of the IRIs the files mention in that namespace (the longest namespace wins)."""
    by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    found: dict[str, set[str]] = defaultdict(set)

    def place(iri: str) -> None:
        for prefix, ns in by_length:
            local = iri[len(ns):]
            if iri.startswith(ns) and local and "/" not in local and "#" not in local:
                found[prefix].add(local)
                return

    for path in files:
        for t in _triples(path):
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, ox.NamedNode):
                    place(term.value)
                elif isinstance(term, ox.Literal):
                    place(term.datatype.value)
    for prefix, locals_ in EXTRA_TERMS.items():
        found[prefix].update(locals_)
    return found


def ontology_iri(path: Path) -> str:
    """The IRI the ontology file declares as its owl:Ontology."""
    iris = sorted(t.subject.value for t in _triples(path) if t.predicate.value == RDF_TYPE
                  and t.object.value == OWL_ONTOLOGY)
    if len(iris) != 1:
        raise InputFileError(path, f"expected one owl:Ontology, found {len(iris)}")
    return iris[0]


def attribute_name(local: str) -> str:
    """A Python attribute for a local name: hyphens and dots become underscores, keywords get a trailing one."""
    name = re.sub(r"[^0-9A-Za-z_]", "_", local)
    if name[0].isdigit():
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) else name


def class_name(prefix: str) -> str:
    return prefix[0].upper() + prefix[1:]


def render() -> str:
    """The text of vocab.py for the files as they are now."""
    onto = resource_dir("ontology")
    prefixes = declared_prefixes(onto / "prefixes.ttl")
    files = source_files()
    terms = used_terms(prefixes, files)
    unknown = sorted(set(EXTRA_TERMS) - set(prefixes))
    if unknown:
        raise UserError(f"EXTRA_TERMS names undeclared prefixes: {', '.join(unknown)}")
    root = resource_dir("ontology").parent
    sources = textwrap.fill(", ".join(p.relative_to(root).as_posix() for p in [onto / "prefixes.ttl"] + files), 116)
    lines = [HEADER.format(sources=sources)]
    lines.append(f"ONTOLOGY_IRI = {ontology_iri(onto / 'airm.ttl')!r}\n")
    lines.append("# namespaces, in the order ontology/prefixes.ttl declares them")
    lines += [f"{p.upper()} = {ns!r}" for p, ns in prefixes.items()]
    lines.append("\nPREFIXES = {\n" + _wrapped([f"{p!r}: {p.upper()}," for p in prefixes]) + "}\n")
    for prefix, ns in prefixes.items():
        if terms.get(prefix):
            lines.append(_render_class(prefix, ns, sorted(terms[prefix])))
    return "\n".join(lines).rstrip() + "\n"


def _render_class(prefix: str, ns: str, locals_: list[str]) -> str:
    names = {attribute_name(local): local for local in locals_}
    if len(names) != len(locals_):
        raise UserError(f"two {prefix}: terms map to the same Python name; rename one or extend attribute_name()")
    out = [f"\nclass {class_name(prefix)}(metaclass=_Closed):", f"    _prefix = {prefix!r}",
           f"    _namespace = {prefix.upper()}"]
    out += [f"    {name} = {ns + local!r}" for name, local in names.items()]
    return "\n".join(out) + "\n"


def _wrapped(items: list[str], indent: str = "    ", width: int = 116) -> str:
    """Items joined by spaces on indented lines of at most ``width`` characters (keeps the module short)."""
    lines = [indent]
    for item in items:
        if len(lines[-1]) > len(indent) and len(lines[-1]) + 1 + len(item) > width:
            lines.append(indent)
        lines[-1] += (" " if len(lines[-1]) > len(indent) else "") + item
    return "".join(line + "\n" for line in lines)


def target() -> Path:
    return Path(__file__).with_name("vocab.py")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--check"]):
        print("usage: python -m airm.vocab_gen [--check]", file=sys.stderr)
        return 2
    try:
        text = render()
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    current = target().read_text(encoding="utf-8") if target().is_file() else None
    if args == ["--check"]:
        if current != text:
            print(f"{target()} is out of date: run python -m airm.vocab_gen", file=sys.stderr)
            return 1
        return 0
    if current != text:
        write_file(target(), text.encode("utf-8"))
    print(f"{target()}: {'written' if current != text else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
