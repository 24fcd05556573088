"""Import the five public AI-risk sources and build the combined graph, the airm way and with plain rdflib + owlrl +
pyshacl, in one run (issue 4's benchmark).

airm: in a fresh worker process with an empty workspace and cache, ``airm.importers.store.import_source`` for each
source from the reference copies, then ``airm.build`` (load, OWL-RL entailments, SHACL validation, Turtle, N-Triples
and JSON-LD each verified by reading it back). Repeated (``--repeats``), the median run reported.

Baseline: in another worker process, on the same inputs: rdflib parses the five ``.nq`` files airm's imports wrote
and the ontology and curated data (the Turtle files ``airm build`` loads); owlrl computes the OWL-RL closure
(``axiomatic_triples=False, datatype_axioms=False``); pySHACL validates it with airm's data shapes (no inference, no
JS); rdflib writes it as Turtle. It starts from airm's N-Quads, so it does no CSV, workbook or YAML reading at all.
It is capped (``--cap``, seconds): past the cap the worker is stopped and its time reported as a lower bound.

The targets (the whole airm import + build + validate under 15 s on two cores, and at least 10x faster than the
baseline) are reported, never asserted. Figures go to benchmarks/results/import-build.json and, unless --no-readme,
to the section of benchmarks/README.md between the import-build markers.

    python benchmarks/import_build.py                       # 3 airm runs, the baseline capped at 900 s
    python benchmarks/import_build.py --repeats 1 --cap 60  # a quick look; the ratio becomes a lower bound
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # beside its sibling scripts
from common import fill_section, machine, versions  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "results" / "import-build.json"
DEFAULT_REFERENCE = Path(os.environ.get("AIRM_REFERENCE") or ROOT.parent / "shared" / "reference")
README = HERE / "README.md"
START, END = "<!-- import-build:start -->", "<!-- import-build:end -->"
TARGET_SECONDS, TARGET_RATIO = 15.0, 10.0


def sources(reference: Path) -> list[tuple[str, Path]]:
    """The five sources and the reference copy each is imported from (as the README tells a user to)."""
    nexus = reference / "ai-atlas-nexus"
    return [
        ("atlas", reference / "mitre-atlas" / "dist" / "ATLAS.yaml"),
        ("nexus-mappings", nexus),
        ("mit-mitigations", nexus),
        ("nist-ai-600-1", nexus),
        ("mit-risks", reference / "mit-ai-risk-repository" / "ai_risk_database_v3.csv"),
    ]


# --- the workers --------------------------------------------------------------------------------------------------

def airm_worker(reference: Path, workspace: Path, out_dir: Path) -> dict:
    """One airm run: every import, then the build. Times are wall seconds inside this process."""
    t0 = time.perf_counter()
    import airm
    from airm.importers.store import import_source

    result = {"python_imports": time.perf_counter() - t0, "imports": {}}
    t_all = time.perf_counter()
    for name, path in sources(reference):
        t = time.perf_counter()
        summary = import_source(name, path, workspace=workspace)
        result["imports"][name] = {"seconds": time.perf_counter() - t, "triples": summary.triples}
    result["import_seconds"] = time.perf_counter() - t_all
    t = time.perf_counter()
    built = airm.build(out_dir, workspace=workspace)
    result["build_seconds"] = time.perf_counter() - t
    result["total_seconds"] = time.perf_counter() - t_all
    result["build_steps"] = built.timings
    result["triples"] = built.report["triples"]
    result["validation"] = built.report["validation"]
    result["outputs"] = {name: info["bytes"] for name, info in built.report["outputs"].items()}
    return result


def baseline_worker(workspace: Path) -> None:
    """The rdflib + owlrl + pyshacl pipeline; prints one JSON line per finished stage (the parent may stop it)."""
    def stage(name, seconds, **extra):
        print(json.dumps({"stage": name, "seconds": seconds, **extra}), flush=True)

    t = time.perf_counter()
    import owlrl
    import pyshacl
    from rdflib import RDF, SH, Dataset, Graph

    from airm import resources

    stage("python_imports", time.perf_counter() - t)
    t = time.perf_counter()
    g = Graph()
    for nq in sorted((workspace / "sources").glob("*.nq")):
        ds = Dataset()
        ds.parse(nq, format="nquads")  # N-Quads into a plain Graph would lose triples: a Dataset, then merged
        for s, p, o, _c in ds.quads((None, None, None, None)):
            g.add((s, p, o))
    for path in [*resources.ontology_files(), *resources.data_files()]:
        g.parse(path, format="turtle")
    stage("parse", time.perf_counter() - t, triples=len(g))
    t = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    stage("owlrl", time.perf_counter() - t, triples=len(g))
    t = time.perf_counter()
    shapes = Graph()
    for path in resources.shape_files():
        if path.name != "ontology.shapes.ttl":  # the editorial shapes check the ontology's own terms apart
            shapes.parse(path, format="turtle")
    conforms, report, _text = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True, js=False,
                                               do_owl_imports=False, allow_warnings=True)
    results = sum(1 for _ in report.subjects(RDF.type, SH.ValidationResult))
    stage("pyshacl", time.perf_counter() - t, conforms=bool(conforms), results=results)
    t = time.perf_counter()
    data = g.serialize(format="turtle", encoding="utf-8")
    stage("turtle", time.perf_counter() - t, bytes=len(data))


# --- running them -------------------------------------------------------------------------------------------------

def _env(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("AIRM_WORKSPACE",)}
    env["AIRM_CACHE_DIR"] = str(cache)
    return env


def run_airm(reference: Path, scratch: Path, i: int) -> dict:
    ws, out, cache = scratch / f"ws{i}", scratch / f"out{i}", scratch / f"cache{i}"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--worker", "airm", "--reference", str(reference),
                           "--workspace", str(ws), "--out-dir", str(out)],
                          capture_output=True, text=True, env=_env(cache), timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"the airm run failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - t
    result["workspace"] = str(ws)
    return result


def run_baseline(workspace: Path, cap: float, scratch: Path) -> dict:
    """The baseline worker under a cap; the stages it finished, and whether it was stopped."""
    stages: dict = {}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", "baseline", "--workspace", str(workspace)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(scratch / "cache-b"))
    import threading

    def read():
        for line in proc.stdout:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            stages[row.pop("stage")] = row

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=cap)
        capped = False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        capped = True
    reader.join(timeout=10)
    elapsed = time.perf_counter() - t
    if not capped and proc.returncode != 0:
        raise SystemExit(f"the baseline failed:\n{proc.stderr.read()[-3000:]}")
    work = sum(v["seconds"] for k, v in stages.items() if k != "python_imports")
    return {"stages": stages, "capped": capped, "cap_seconds": cap, "process_seconds": elapsed,
            # what the pipeline itself took (no interpreter start or module imports): a lower bound when capped
            "total_seconds": (max(work, elapsed - stages.get("python_imports", {}).get("seconds", 0)) if capped
                              else work)}


def machine_and_versions() -> dict:
    v = versions("airm", "pyoxigraph", "rdflib", "owlrl", "pyshacl", "PyLD")
    return {**machine(), "python": v.pop("python"), "versions": v}


def summarize(runs: list[dict], baseline: dict | None) -> dict:
    median = sorted(runs, key=lambda r: r["total_seconds"])[len(runs) // 2]
    airm_total = median["total_seconds"]
    out = {
        "airm": {
            "runs": len(runs),
            "total_seconds": [round(r["total_seconds"], 3) for r in runs],
            "median_total_seconds": airm_total,
            "median_run": median,
        },
        "baseline": baseline,
        "targets": {"total_under_seconds": TARGET_SECONDS, "total_met": airm_total < TARGET_SECONDS,
                    "ratio_at_least": TARGET_RATIO},
    }
    if baseline is not None:
        ratio = baseline["total_seconds"] / airm_total
        out["ratio"] = ratio  # airm's imports + build against the baseline, which starts from the imports' output
        out["ratio_build"] = baseline["total_seconds"] / median["build_seconds"]  # the same inputs on both sides
        out["ratio_is_lower_bound"] = baseline["capped"]
        out["targets"]["ratio_met"] = ratio >= TARGET_RATIO
    out["spread_seconds"] = round(max(r["total_seconds"] for r in runs) - min(r["total_seconds"] for r in runs), 3)
    out["median_of_totals"] = statistics.median(r["total_seconds"] for r in runs)
    return out


def markdown(result: dict) -> str:
    m, s = result["machine"], result["summary"]
    run = s["airm"]["median_run"]
    b = s["baseline"]
    lines = [
        f"Run of {result['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB; load average "
        f"{[round(x, 2) for x in m['load_average']]} at start), Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + ".",
        "",
        f"**airm** (median of {s['airm']['runs']} runs, each in a fresh process with an empty workspace; all runs: "
        + ", ".join(f"{x:.2f}" for x in s["airm"]["total_seconds"]) + " s)",
        "",
        "| step | seconds | triples |",
        "|---|---:|---:|",
    ]
    for name, info in run["imports"].items():
        triples = info["triples"] if info["triples"] is not None else ""
        lines.append(f"| import {name} | {info['seconds']:.2f} | {triples} |")
    steps = run["build_steps"]
    lines.append(f"| build (load, entailments, validation, three verified files) | {run['build_seconds']:.2f} | "
                 f"{run['triples']['merged']:,} |")
    lines.append("| &nbsp;&nbsp;of which: " + ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in steps.items())
                 + " | | |")
    lines.append(f"| **import + build + validate** | **{run['total_seconds']:.2f}** | |")
    lines.append("")
    if b is not None:
        lines += [f"**Baseline** rdflib + owlrl + pySHACL on the same N-Quads and Turtle "
                  f"(capped at {b['cap_seconds']:.0f} s)",
                  "", "| stage | seconds | |", "|---|---:|---|"]
        for name in ("parse", "owlrl", "pyshacl", "turtle"):
            st = b["stages"].get(name)
            if st is None:
                lines.append(f"| {name} | not reached | |")
                continue
            extra = ", ".join(f"{k} {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {v}"
                              for k, v in st.items() if k != "seconds")
            lines.append(f"| {name} | {st['seconds']:.2f} | {extra} |")
        bound = "≥ " if b["capped"] else ""
        lines.append(f"| **total** | **{bound}{b['total_seconds']:.2f}** | |")
        lines.append("")
        bound = "≥ " if s["ratio_is_lower_bound"] else ""
        lines.append(f"airm's import + build + validate is **{bound}{s['ratio']:.1f}×** faster than the baseline, "
                     f"which does not read the sources at all; on the same inputs (the imports' N-Quads and the "
                     f"curated Turtle), `airm.build` alone is **{bound}{s['ratio_build']:.1f}×** faster.")
    t = s["targets"]
    lines.append("")
    lines.append(f"**Targets** (issue 4): import + build + validate under {t['total_under_seconds']:.0f} s: "
                 f"{'met' if t['total_met'] else '**missed**'}"
                 + (f"; at least {t['ratio_at_least']:.0f}× the baseline: "
                    f"{'met' if t.get('ratio_met') else '**missed**'}" if "ratio_met" in t else "") + ".")
    return "\n".join(lines)


def update_readme(text: str) -> None:
    fill_section(README, START, END, text)


SECTION_HEAD = """## Import and build: the five public sources against rdflib + owlrl + pySHACL

```sh
python benchmarks/import_build.py          # writes benchmarks/results/import-build.json and the figures below
```

One run imports the five reference sources (`../shared/reference/`: MITRE ATLAS, the Nexus crosswalks, the MIT
mitigations, NIST AI 600-1, the MIT AI Risk Repository CSV) with `airm.importers.store.import_source` and builds
them with `airm.build` (load, OWL-RL entailments, SHACL validation, and `airm.ttl`, `airm.nt`, `airm.jsonld`, each
read back by another implementation before it is written), in a fresh process with an empty workspace, three times
(median). The baseline, in its own process, parses the same inputs with rdflib (the five `.nq` files airm's imports
wrote, plus the ontology and curated data), computes owlrl's OWL-RL closure, validates with pySHACL and airm's data
shapes and writes Turtle with rdflib; it reads no spreadsheet or YAML, so it does less than airm. It is capped
(`--cap`, 900 s by default) and then reported as a lower bound. Targets are reported, not asserted.
`python benchmarks/import_build.py --help` lists the options.
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE,
                    help="the reference copies (default: %(default)s)")
    ap.add_argument("--repeats", type=int, default=3, help="airm runs; the median is reported (default: 3)")
    ap.add_argument("--cap", type=float, default=900.0, help="seconds the baseline may take (default: 900)")
    ap.add_argument("--no-baseline", action="store_true", help="time airm only")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON result file (default: %(default)s)")
    ap.add_argument("--no-readme", action="store_true", help="leave benchmarks/README.md alone")
    ap.add_argument("--worker", choices=["airm", "baseline"], help=argparse.SUPPRESS)
    ap.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out-dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker == "airm":
        print(json.dumps(airm_worker(args.reference, args.workspace, args.out_dir)))
        return 0
    if args.worker == "baseline":
        baseline_worker(args.workspace)
        return 0
    if not args.reference.is_dir():
        print(f"error: reference data not found at {args.reference} (use --reference DIR)", file=sys.stderr)
        return 2
    start = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    info = machine_and_versions()
    with tempfile.TemporaryDirectory(prefix="airm-import-build-") as tmp:
        scratch = Path(tmp)
        runs = []
        for i in range(max(1, args.repeats)):
            runs.append(run_airm(args.reference, scratch, i))
            print(f"airm run {i + 1}: {runs[-1]['total_seconds']:.2f} s (imports {runs[-1]['import_seconds']:.2f}, "
                  f"build {runs[-1]['build_seconds']:.2f})", file=sys.stderr)
        baseline = None
        if not args.no_baseline:
            baseline = run_baseline(Path(runs[-1]["workspace"]), args.cap, scratch)
            print(f"baseline: {'≥ ' if baseline['capped'] else ''}{baseline['total_seconds']:.1f} s", file=sys.stderr)
    for r in runs:
        r.pop("workspace", None)
    result = {"date": start, "machine": info, "reference": str(args.reference), "summary": summarize(runs, baseline)}
    text = markdown(result)
    result["markdown"] = text
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = args.out.with_name(args.out.name + ".tmp")
    tmp_out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp_out, args.out)
    if not args.no_readme:
        update_readme(SECTION_HEAD + "\n" + text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
