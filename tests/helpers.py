"""Plain helpers the tests share (conftest.py keeps only fixtures and hooks): import them with
``from helpers import ...``. Paths: ROOT is the checkout, REFERENCE the third-party copies (``../shared/reference``,
or ``$AIRM_REFERENCE`` when set)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = Path(os.environ.get("AIRM_REFERENCE") or ROOT.parent / "shared" / "reference")


def copy_workspace(workspace: Path, target: Path) -> Path:
    """A private copy of a workspace (its files are small; the graph cache is shared, keyed by content)."""
    import shutil

    shutil.copytree(workspace, target, dirs_exist_ok=True)
    return target


def made_once_per_run(tmp_path_factory, name: str, make) -> Path:
    """The folder ``make(folder)`` fills, made once per test run. Under pytest-xdist the workers of one run share it
    (it lies beside their own temporary folders): the first to take the lock makes it, the others wait and then read
    it, so an expensive input (the five sources take a minute to import) is not made once per worker. Read it only.
    Without xdist, or where file locks are missing (no fcntl), it is made once per session."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    if not os.environ.get("PYTEST_XDIST_WORKER") or fcntl is None:
        folder = tmp_path_factory.mktemp(name)
        make(folder)  # the folder, not what make returns: a build's make returns None (-n 0 failed so)
        return folder
    import shutil

    shared = tmp_path_factory.getbasetemp().parent  # this run's base, above every worker's own folder
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, and by the OS if the worker dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed half-way left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def import_all_sources(reference: Path, workspace: Path) -> Path:
    """The five public sources of ../shared/reference imported into ``workspace`` (issue 4's combined graph)."""
    from airm.importers.store import import_source

    nexus = reference / "ai-atlas-nexus"
    import_source("mit-risks", reference / "mit-ai-risk-repository" / "ai_risk_database_v3.csv", workspace=workspace)
    import_source("mit-mitigations", nexus, workspace=workspace)
    import_source("nist-ai-600-1", nexus, workspace=workspace)
    import_source("atlas", reference / "mitre-atlas" / "dist" / "ATLAS.yaml", workspace=workspace)
    import_source("nexus-mappings", nexus, workspace=workspace)
    return workspace


def run_cli(*args, env=None):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    import contextlib
    import io

    from airm.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


# Runs in a child before its body: airm.atomic's os is replaced by one whose N-th call of FUNC SIGKILLs the process.
# Only calls made while airm.atomic writes under ROOT count (cache files written on the way are left alone).
_KILLER = """
import os, signal, sys
from pathlib import Path
import airm.atomic as atomic

FUNC, N, ROOT = sys.argv[1], int(sys.argv[2]), os.path.realpath(sys.argv[3])
sys.argv = sys.argv[:1] + sys.argv[4:]
state = {"armed": 0, "calls": 0}

class KillingOs:
    def __getattr__(self, name):
        real = getattr(os, name)
        if name != FUNC:
            return real
        def call(*args, **kwargs):
            if state["armed"]:
                state["calls"] += 1
                if state["calls"] == N:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return call

def arming(func):
    def wrapper(path, *args, **kwargs):
        inside = os.path.realpath(path).startswith(ROOT)
        state["armed"] += inside
        try:
            return func(path, *args, **kwargs)
        finally:
            state["armed"] -= inside
    return wrapper

atomic.os = KillingOs()
atomic.write_file = arming(atomic.write_file)
atomic.write_files = arming(atomic.write_files)
"""


def run_killed(body: str, func: str, n: int, root, tmp_path, args=()):
    """Run python ``body`` in a child that SIGKILLs itself at the n-th call of os.<func> made by airm.atomic while
    writing under ``root``; ``args`` become the child's sys.argv[1:]. Returns the CompletedProcess."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "killed_child.py"
    script.write_text(_KILLER + textwrap.dedent(body), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.setdefault("AIRM_CACHE_DIR", str(tmp_path / "cache"))
    return subprocess.run([sys.executable, str(script), func, str(n), str(root), *map(str, args)], env=env,
                          capture_output=True, timeout=300)


CLI_BODY = "from airm.cli import entry_point\nentry_point()\n"


def order_keys(text: str) -> list[str] | None:
    """Variables of a query's top-level ORDER BY; None when there is none or it sorts on expressions. Lets a
    comparison of two engines check row order where the query fixes one."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import Variable

    from airm.namespaces import sparql_prologue

    node = translateQuery(parseQuery(sparql_prologue() + text)).algebra.p
    while getattr(node, "name", None) in ("Project", "Distinct", "Reduced", "Slice", "ToMultiSet"):
        node = node.p
    if getattr(node, "name", None) != "OrderBy":
        return None
    keys = []
    for cond in node.expr:
        expr = cond.expr if getattr(cond, "name", None) == "OrderCondition" else cond
        if not isinstance(expr, Variable):
            return None
        keys.append(str(expr))
    return keys
