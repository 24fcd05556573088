"""Whole-command start-up: `airm --help`, `airm query list` and a cached `airm query run`, each a fresh process, as a
user's shell runs them (issue 17: under 0.15 s, 0.15 s and 0.25 s wall), beside the interpreter's own start-up
(`python -c pass`) and click's import measured in the same run.

Measured as an installed package runs: airm's modules are compiled to bytecode first and PYTHONDONTWRITEBYTECODE is
removed from the children's environment (with it set, every run compiles airm's sources again: about 0.1 s that no
installed copy pays). The graph cache is warmed once in a cache folder of the run's own. Commands run in turn (A B C
A B C ...), so a change of load touches all alike; wall and CPU seconds (user + system of the child) are medians.

    python benchmarks/startup.py [--repeats 9] [--out benchmarks/results/startup.json] [--readme benchmarks/README.md]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import fill_section, machine, versions  # noqa: E402

RESULTS = HERE / "results" / "startup.json"
START, END = "<!-- bench:startup:start -->", "<!-- bench:startup:end -->"
AIRM = str(Path(sys.executable).with_name("airm"))
COMMANDS = {  # name -> (argv, target wall seconds or None for a baseline)
    "python -c pass": ([sys.executable, "-c", "pass"], None),
    "python -c 'import click'": ([sys.executable, "-c", "import click"], None),
    "airm --help": ([AIRM, "--help"], 0.15),
    "airm query list": ([AIRM, "query", "list"], 0.15),
    "airm query run training-methods-for-risk": (
        [AIRM, "query", "run", "training-methods-for-risk", "--param", "risk=value misalignment"], 0.25),
}


def _environment(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "AIRM_CACHE_DIR": str(cache), "COLUMNS": "120"}


def _once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``argv``, its output discarded; a failing command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"startup: {' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(repeats: int) -> dict:
    import airm

    compileall.compile_dir(str(Path(airm.__file__).parent), quiet=1)
    cache = Path(tempfile.mkdtemp(prefix="airm-startup-"))
    env = _environment(cache)
    for argv, _target in COMMANDS.values():  # warm: bytecode of dependencies, the graph cache, the catalog cache
        _once(argv, env)
    runs: dict = {name: [] for name in COMMANDS}
    for _ in range(repeats):
        for name, (argv, _target) in COMMANDS.items():
            runs[name].append(_once(argv, env))
    out = {}
    for name, (_argv, target) in COMMANDS.items():
        walls, cpus = [w for w, _ in runs[name]], [c for _, c in runs[name]]
        out[name] = {"wall_s": round(statistics.median(walls), 3), "cpu_s": round(statistics.median(cpus), 3),
                     "min_wall_s": round(min(walls), 3), "target_wall_s": target}
    return out


def render(report: dict) -> str:
    m = report["machine"]
    lines = [f"Run of {report['date']} on {m['cpu']} ({m['cores']} cores, load average {m['load_average']} at "
             f"start); medians of {report['repeats']} runs, commands in turn.", "",
             "| command | wall s | CPU s | fastest wall s | target wall s | verdict |", "|---|---:|---:|---:|---:|---|"]
    for name, f in report["commands"].items():
        target = f["target_wall_s"]
        verdict = "baseline" if target is None else ("met" if f["wall_s"] < target else
                                                     "missed (CPU under target)" if f["cpu_s"] < target else "missed")
        lines.append(f"| `{name}` | {f['wall_s']:.3f} | {f['cpu_s']:.3f} | {f['min_wall_s']:.3f} | "
                     f"{'' if target is None else target} | {verdict} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--readme", type=Path, help="also fill this file's bench:startup section (make bench does)")
    args = ap.parse_args(argv)
    report = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
              "versions": versions("airm-kg", "click", "pyoxigraph"), "repeats": args.repeats,
              "commands": measure(args.repeats)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = render(report)
    if args.readme:
        fill_section(args.readme, START, END, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
