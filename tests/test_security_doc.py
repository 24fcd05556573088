"""docs/security.md's table of the bad-input corpus is generated from tests/bad_inputs/ and must stay current."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"
CORPUS = ROOT / "tests" / "bad_inputs"
ENTRY_POINTS = {
    "data_files": "RDF data files (`validate`, `build`)",
    "cli": "CLI options and arguments",
    "query_params": "stored-query parameters and ad-hoc SPARQL",
    "importers": "importer inputs (`airm import`)",
    "http": "HTTP requests to `airm serve`",
}


def corpus_table() -> str:
    rows = ["| entry point | cases | examples |", "|---|---|---|"]
    total = 0
    for name, title in ENTRY_POINTS.items():
        path = CORPUS / f"{name}.yaml"
        cases = (yaml.safe_load(path.read_text(encoding="utf-8")) or []) if path.is_file() else []
        total += len(cases)
        examples = ", ".join(f"`{c['id']}`" for c in cases[:4]) + (", ..." if len(cases) > 4 else "")
        rows.append(f"| {title} | {len(cases)} | {examples} |")
    rows.append(f"| **all** | **{total}** | |")
    return "\n".join(rows)


def render(text: str) -> str:
    start, end = "<!-- corpus:start -->", "<!-- corpus:end -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{corpus_table()}\n{end}{tail}"


def test_the_corpus_table_is_current(request):
    text = DOC.read_text(encoding="utf-8")
    expected = render(text)
    if request.config.getoption("--update-golden"):
        DOC.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, ("docs/security.md's corpus table is stale: "
                              "run pytest tests/test_security_doc.py --update-golden")
