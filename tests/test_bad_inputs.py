"""Run the bad-input corpus (tests/bad_inputs/*.yaml): each case ends with its exit code and message, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES, REFERENCE, run_cli

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CLI_ENTRY_POINTS = ("data_files", "cli", "query_params", "importers")


def load_cases(names=CLI_ENTRY_POINTS):
    cases = []
    for name in names:
        path = CORPUS / f"{name}.yaml"
        if path.is_file():
            for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                cases.append(pytest.param(name, case, id=f"{name}:{case['id']}", marks=_marks(case)))
    return cases


def _marks(case):
    return [pytest.mark.usefixtures("reference")] if case.get("needs_reference") else []


def _materialise(case, tmp_path: Path) -> list[str]:
    for name, content in (case.get("files") or {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    reference, fixtures = str(REFERENCE), str(FIXTURES)
    return [str(a).replace("{tmp}", str(tmp_path)).replace("{reference}", reference).replace("{fixtures}", fixtures)
            .replace("{120k}", "x" * 120_000) for a in case["args"]]


@pytest.mark.parametrize(("entry_point", "case"), load_cases())
def test_bad_input(entry_point, case, tmp_path):
    args = _materialise(case, tmp_path)
    if case.get("subprocess"):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        proc = subprocess.run([sys.executable, "-c", "from airm.cli import entry_point; entry_point()", *args],
                              capture_output=True, text=True, env=env, timeout=120)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    else:
        code, out, err = run_cli(*args)
    stream = out if case.get("stream") == "stdout" else err
    assert code == case["exit"], f"exit {code}, expected {case['exit']}\nstdout: {out[-800:]}\nstderr: {err[-800:]}"
    assert case["message"] in stream, f"expected {case['message']!r} in {stream[-800:]!r}"
    assert "Traceback" not in out + err
    if entry_point == "importers":  # a refused import writes nothing
        assert not list((tmp_path / "ws" / "sources").glob("*")), "a failed import left files in the workspace"


def test_the_corpus_is_large_and_ids_are_unique():
    ids = []
    for path in CORPUS.glob("*.yaml"):
        ids += [c["id"] for c in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 50
