"""The importers' import arrows point down: an importer imports the toolkit modules (toolkit, inputs, locate,
nexus_package, its own table reader), never a sibling importer nor the store; the toolkit modules import no importer."""

from __future__ import annotations

import ast
from pathlib import Path

from airm.importers import REGISTRY

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "airm" / "importers"
IMPORTERS = {module.rsplit(".", 1)[-1] for module in REGISTRY.values()}
ABOVE_THE_IMPORTERS = {"store"}  # the workspace's side: it runs the importers


def _sibling_imports(path: Path) -> set[str]:
    """The modules of this package that ``path`` imports (``from .x import``, ``from . import x``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".", 1)[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_no_importer_imports_a_sibling_importer_or_the_store():
    for name in sorted(IMPORTERS):
        wrong = _sibling_imports(PACKAGE / f"{name}.py") & (IMPORTERS | ABOVE_THE_IMPORTERS)
        assert not wrong, f"importers/{name}.py imports {sorted(wrong)}: shared code belongs in a toolkit module"


def test_the_toolkit_modules_import_no_importer():
    toolkit = {p.stem for p in PACKAGE.glob("*.py")} - IMPORTERS - ABOVE_THE_IMPORTERS - {"__init__"}
    assert {"toolkit", "inputs", "nexus_package"} <= toolkit
    for name in sorted(toolkit):
        wrong = _sibling_imports(PACKAGE / f"{name}.py") & (IMPORTERS | ABOVE_THE_IMPORTERS | {"__init__"})
        assert not wrong, f"importers/{name}.py imports {sorted(wrong)}: a toolkit module must not import upward"


def test_the_rule_is_checked_on_real_imports(tmp_path):
    """The check sees both spellings of a relative import (so the two tests above would fail on a regression)."""
    sample = tmp_path / "sample.py"
    sample.write_text("from .atlas import clean\nfrom . import store\nfrom ..errors import InputFileError\n")
    assert _sibling_imports(sample) == {"atlas", "store"}
