"""Draw the gold set's sample: mitigations stratified by source, proportional with a floor, fixed seed.

Usage: python tests/gold/draw_sample.py WORKSPACE [--out FILE]
WORKSPACE holds the five sources imported as tests/helpers.py:import_all_sources does. Prints (or writes) a TSV
of mitigation_id, source, mitigation_iri. The draw looks only at identifiers, never at a record's text or labels.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

SEED = 20261202
TOTAL = 160
FLOOR = 20
GRAPH_BASE = "https://w3id.org/airm/graph/"

MITIGATIONS = """
SELECT ?g ?m (GROUP_CONCAT(?id; separator="|") AS ?ids) WHERE {
  GRAPH ?g { ?m a airm:Mitigation . OPTIONAL { ?m dcterms:identifier ?id } }
} GROUP BY ?g ?m
"""


def source_name(graph: str) -> str:
    """An import graph is named after its source; records from the project's own data/ files are 'curated'."""
    tail = graph.removeprefix(GRAPH_BASE)
    return tail.removeprefix("import/") if tail.startswith("import/") else "curated"


def source_id(iri: str, ids: list[str]) -> str:
    """The source's own identifier: the MIT record id carries its document suffix (A0753_NIST2024); records
    without one (the curated survey records) go by their IRI's last segment."""
    with_suffix = [i for i in ids if "_" in i]
    if with_suffix:
        return sorted(with_suffix)[0]
    if ids:
        return sorted(ids)[0]
    return iri.rstrip("/").rsplit("/", 1)[-1]


def mitigations(workspace: Path) -> dict[str, list[tuple[str, str]]]:
    """Every airm:Mitigation of the built graph as (id, IRI), grouped by source, each group sorted by IRI."""
    import airm

    kg = airm.load(workspace=workspace, in_memory=True)
    result = kg.sparql(MITIGATIONS)
    if result.truncated:
        raise SystemExit("the mitigation list was truncated: raise the row limit")
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in result:
        iri = row["m"].value
        ids = [i for i in row["ids"].value.split("|") if i] if row.get("ids") else []
        groups.setdefault(source_name(row["g"].value), []).append((source_id(iri, ids), iri))
    return {name: sorted(items, key=lambda item: item[1]) for name, items in groups.items()}


def allocate(sizes: dict[str, int], total: int = TOTAL, floor: int = FLOOR) -> dict[str, int]:
    """How many to draw per source: all of a small source, at least ``floor`` of the others, the rest of ``total``
    proportional to size (largest remainder)."""
    quota = {name: n for name, n in sizes.items() if n < floor}
    open_ = {name: n for name, n in sizes.items() if n >= floor}
    while open_:
        left = total - sum(quota.values())
        size = sum(open_.values())
        under = {name for name, n in open_.items() if left * n / size < floor}
        if not under:
            shares = {name: left * n / size for name, n in open_.items()}
            quota.update({name: int(s) for name, s in shares.items()})
            spare = total - sum(quota.values())
            for name in sorted(shares, key=lambda k: (-(shares[k] - int(shares[k])), k))[:spare]:
                quota[name] += 1
            break
        for name in under:
            quota[name] = floor
            del open_[name]
    return quota


def draw(groups: dict[str, list[tuple[str, str]]], seed: int = SEED) -> list[tuple[str, str, str]]:
    """(id, source, IRI) of the sample, sorted by source and id; one generator, sources taken in name order."""
    rng = random.Random(seed)
    quota = allocate({name: len(items) for name, items in groups.items()})
    sample = []
    for name in sorted(groups):
        sample += [(mid, name, iri) for mid, iri in rng.sample(groups[name], quota[name])]
    return sorted(sample, key=lambda row: (row[1], row[0]))


def as_tsv(sample: list[tuple[str, str, str]]) -> str:
    return "mitigation_id\tsource\tmitigation_iri\n" + "".join("\t".join(row) + "\n" for row in sample)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--out", type=Path, help="write the TSV here instead of printing it")
    args = parser.parse_args(argv)
    text = as_tsv(draw(mitigations(args.workspace)))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
