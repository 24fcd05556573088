"""airm at scale (issue 17): a generated graph of a million triples (or any size), its cold load against
pyoxigraph's bulk load of the same file, validation, every catalog case on the built graph, and the push of the
build to Virtuoso beside Oxigraph's server. Figures, never assertions.

    python benchmarks/scale.py --triples 1000000             # minutes; rewrites the "At scale" figures
    python benchmarks/scale.py --triples 3000 --no-readme    # the smoke test the suite runs
    python benchmarks/run.py --scale 1000000                 # the same after the main benchmark (make bench)

Each measurement runs in a fresh process, so its peak memory (getrusage's maximum resident set) is its own. CPU
seconds are given beside wall seconds: on a shared machine the wall clock measures the neighbours too.
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"
RESULTS = HERE / "results"
MARK_START = "<!-- bench:scale:start -->"
MARK_END = "<!-- bench:scale:end -->"
COLD_FACTOR, MEMORY_FACTOR, VALIDATE_S, QUERY_MS = 10.0, 3.0, 60.0, 200.0  # the targets at 1M


# -- measurements, each in its own process ------------------------------------------------------------------------

def _usage() -> dict:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": round(r.ru_utime + r.ru_stime, 2), "peak_mb": r.ru_maxrss // 1024}


def measure_bulk_load(path: str) -> dict:
    """pyoxigraph alone: the file bulk-loaded into an in-memory store."""
    import pyoxigraph as ox

    t = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:bench"))
    return {"wall_s": round(time.perf_counter() - t, 2), "quads": len(store), **_usage()}


def measure_cold_load(path: str) -> dict:
    """``airm.load(files=[path])`` with an empty cache: parse, de-duplication, inference, cache written."""
    import airm
    from airm import dedupe, infer, reach
    from airm import kg as kgmod

    stages: dict = {}

    def timing(label, f):
        def timed(*a, **k):
            t, c = time.perf_counter(), time.process_time()
            out = f(*a, **k)
            stages[label] = {"wall_s": round(time.perf_counter() - t, 2), "cpu_s": round(time.process_time() - c, 2)}
            return out
        return timed

    for module, name, label in ((kgmod, "load_sources", "parse"), (dedupe, "materialise", "dedupe"),
                                (infer, "materialise", "inference"), (reach, "materialise", "reach"),
                                (kgmod, "_write_cache", "cache")):
        setattr(module, name, timing(label, getattr(module, name)))
    t = time.perf_counter()
    graph = airm.load(files=[path])
    return {"wall_s": round(time.perf_counter() - t, 2), "quads": len(graph.store), "stages": stages, **_usage()}


def measure_validate(path: str, engine: str = "prefilter") -> dict:
    """``airm validate`` of the file, as the CLI runs it (the embedded data as context)."""
    from airm.validation import validate

    t = time.perf_counter()
    report = validate([path], engine=engine)
    return {"wall_s": round(time.perf_counter() - t, 2), "engine": engine, "conforms": report.conforms,
            "problems": len(report.problems), **_usage()}


def measure_queries(path: str, repeats: int, timeout: float) -> dict:
    """Every catalog case on the cached build (the default, read-only on-disk path the CLI opens), and raw
    pyoxigraph on an in-memory store of the same quads running the same bound text (benchmarks/raw.py's method)."""
    import pyoxigraph as ox

    import airm
    from airm import answers, catalog
    from airm.errors import QueryTimeout

    graph = airm.load(files=[path])
    raw_store = ox.Store()
    raw_store.bulk_extend(graph.store.quads_for_pattern(None, None, None, None))
    out = {}
    for name, q in sorted(catalog.catalog().items()):
        for case, params in q.cases():
            times, rows = [], None
            for _ in range(repeats + 1):  # the first run warms up and is dropped
                t = time.perf_counter()
                try:
                    rows = len(answers.run_named(graph, name, params, timeout=timeout))
                except QueryTimeout:
                    times = None
                    break
                times.append((time.perf_counter() - t) * 1000)
            fig = ({"median_ms": round(statistics.median(times[1:] or times), 1), "rows": rows}
                   if times else {"median_ms": None, "timeout_s": timeout})
            if times:  # raw has no timeout: run only where airm finished
                fig["raw_ms"] = _raw_median(raw_store, graph, q, params, repeats, timeout)
            out[f"{name} ({case})"] = fig
    return out


def _raw_median(store, graph, query, params: dict, repeats: int, budget_s: float) -> float:
    import pyoxigraph as ox

    from airm import catalog
    from airm.engines import _prefixes
    from airm.sparql.binding import bind_values

    bound = catalog.bind_params(graph, query, dict(params))
    text = bind_values(query.text, bound, verify=False) if bound else query.text
    prefixes = _prefixes()

    def run():
        res = store.query(text, use_default_graph_as_union=True, prefixes=prefixes)
        return 1 if isinstance(res, ox.QueryBoolean) else sum(1 for _ in res)  # every solution read

    run()
    times: list[float] = []
    while len(times) < repeats and sum(times) < budget_s:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 1)


OXIGRAPH_BATCH = 500_000  # Oxigraph's server refuses a request body over 128 MiB (the 1M build in one is ~300 MiB)


def measure_virtuoso(path: str, buffers: int, batch: int = 2000, case_timeout: float = 20.0) -> dict:
    """The cached build pushed to a fresh Oxigraph server (requests of 500,000 triples) and to a fresh Virtuoso
    (tests/virtuoso_server.py; requests of ``batch`` triples, the most its SPARQL parser takes); then Virtuoso,
    restarted on the same database with ``case_timeout`` as its MaxQueryExecutionTime, answers every catalog case,
    compared with the embedded engine's rows (benchmarks/engine_parity.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from oxigraph_server import OxigraphServer, oxigraph_binary
    from virtuoso_server import VirtuosoServer, virtuoso_binary

    import airm

    graph = airm.load(files=[path])
    out: dict = {}
    work = Path(tempfile.mkdtemp(prefix="airm-scale-stores-"))
    if oxigraph_binary() is None:
        out["oxigraph"] = {"skipped": "not installed"}
    else:
        out["oxigraph"] = _push_to(OxigraphServer(work / "oxigraph", timeout_s=600), graph, OXIGRAPH_BATCH)
    if virtuoso_binary() is None:
        out["virtuoso"] = {"skipped": "not installed"}
        return out
    make = lambda timeout: VirtuosoServer(work / "virtuoso", buffers=buffers, timeout_s=timeout)  # noqa: E731
    out["virtuoso"] = _push_to(make(3600), graph, batch)
    if "error" not in out["virtuoso"]:
        out["virtuoso"]["cases"] = _virtuoso_cases(lambda: make(max(1, int(case_timeout))), graph, case_timeout)
    return out


def _push_to(server, graph, batch: int) -> dict:
    """``airm push`` of the build to a fresh server, timed on both sides; the server is stopped after."""
    from airm import endpoint as ep

    server.start()
    try:
        t, c = time.perf_counter(), time.process_time()
        report = ep.push(graph, server.query_url, update=getattr(server, "update_url", None), timeout=3600,
                         batch=batch)
        return {"push_s": round(time.perf_counter() - t, 2), "client_cpu_s": round(time.process_time() - c, 2),
                "triples": report.triples, "requests": report.requests, "batch": batch,
                "server_cpu_s": _cpu_seconds(server.proc.pid)}
    except Exception as e:  # a figure, not a test: say what failed and go on
        return {"error": f"{type(e).__name__}: {e}"[:300]}
    finally:
        server.stop()


def _virtuoso_cases(make, graph, timeout: float) -> dict:
    """Every catalog case on the pushed store (the server restarted with its query time limit, and again after a
    case it did not finish) and embedded."""
    sys.path.insert(0, str(HERE))
    import engine_parity

    log = os.environ.get("AIRM_SCALE_PROGRESS")  # a file to follow the cases in while the step runs

    def say(message: str) -> None:
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{time.strftime('%H:%M:%S')} {message}\n")

    servers = [make().start()]

    def restart() -> str:
        servers[-1].stop()
        servers.append(make().start())
        return servers[-1].query_url

    try:
        return engine_parity.compare_catalog(graph, servers[0].query_url, timeout + 5, say=say, restart=restart)
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"[:300]}
    finally:
        servers[-1].stop()


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process (Linux /proc), the store's own share of the push."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, IndexError, ValueError):
        return None


WORKERS = {"bulk": measure_bulk_load, "cold": measure_cold_load, "validate": measure_validate,
           "queries": measure_queries, "virtuoso": measure_virtuoso}


def _in_process(kind: str, *args, env: dict, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__)), "--worker", kind, *map(str, args)]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:g} s"}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1][:300] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the run ------------------------------------------------------------------------------------------------------

STEPS = ("bulk", "cold", "queries", "validate", "virtuoso")


def run(triples: int, *, repeats: int = 5, timeout: float = 30.0, validate: bool = True, virtuoso: bool = True,
        buffers: int = 170_000, batch: int = 2000, seed: int = 42, steps=STEPS, earlier: dict | None = None,
        case_timeout: float = 20.0, generated: Path | None = None, say=print) -> dict:
    """Generate the graph and take the measurements of ``steps``; returns the figures (JSON-ready). ``earlier``:
    a previous report on the same (triples, seed), whose figures are kept for the steps not run now; ``generated``:
    a file generate.py already wrote for these (triples, seed), used instead of writing it again."""
    sys.path.insert(0, str(HERE))
    import generate
    from common import machine, versions

    tmp = Path(tempfile.mkdtemp(prefix="airm-scale-"))
    import airm

    # the workers import the very airm this process runs (an editable install elsewhere must not win)
    here = str(Path(airm.__file__).resolve().parents[1])
    env = dict(os.environ, AIRM_CACHE_DIR=str(tmp / "cache"), PYTHONPATH=os.pathsep.join([here, *sys.path]))
    path = tmp / f"generated-{triples}.nt"
    if generated is not None:
        path, info = generated, _describe(generated)
    else:
        say(f"[scale] generating {triples} triples")
        info = generate.write(path, triples, seed=seed)
    report = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
              "versions": versions("airm-kg", "pyoxigraph", "rdflib", "pyshacl"),
              "triples": info["triples"], "mitigations": info["mitigations"], "seed": seed, "repeats": repeats}
    if earlier and (earlier.get("triples"), earlier.get("seed")) == (report["triples"], seed):
        report.update({k: earlier[k] for k in STEPS if k in earlier and k not in steps})
        if "queries" not in steps and "repeats" in earlier:  # the medians kept are of the earlier run's repeats
            report["repeats"] = earlier["repeats"]
        report["dates"] = {**earlier.get("dates", {k: earlier.get("date") for k in STEPS if k in earlier})}
    cap = max(600.0, triples / 1000)
    args = {"bulk": (path,), "cold": (path,), "queries": (path, repeats, timeout), "validate": (path,),
            "virtuoso": (path, buffers, batch, case_timeout)}
    wanted = [k for k in steps if (k != "validate" or validate) and (k != "virtuoso" or virtuoso)]
    for kind in wanted:
        say(f"[scale] {kind}")
        report[kind] = _in_process(kind, *args[kind], env=env,
                                   timeout=cap * (6 if kind in ("validate", "virtuoso") else 2))
        report.setdefault("dates", {})[kind] = report["date"]
    report["verdict"] = verdict(report)
    return report


def _describe(path: Path) -> dict:
    """generate.write's figures for a file it wrote: its triples and mitigations, counted from the lines."""
    mitigation = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/airm#Mitigation> ."
    triples = mitigations = 0
    with open(path, "rb") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(b"#"):  # its first line is a comment saying the data are synthetic
                triples += 1
                mitigations += line.endswith(mitigation)
    return {"triples": triples, "mitigations": mitigations}


def verdict(r: dict) -> dict:
    bulk, cold = r.get("bulk", {}), r.get("cold", {})
    out = {}
    if "wall_s" in bulk and "wall_s" in cold:
        out["cold_wall_ratio"] = round(cold["wall_s"] / bulk["wall_s"], 1)
        out["cold_cpu_ratio"] = round(cold["cpu_s"] / max(bulk["cpu_s"], 0.01), 1)
        out["memory_ratio"] = round(cold["peak_mb"] / max(bulk["peak_mb"], 1), 1)
    if "wall_s" in r.get("validate", {}):
        out["validate_s"] = r["validate"]["wall_s"]
    cases = [c for c in r.get("queries", {}).values() if isinstance(c, dict)]
    if cases:
        out["cases_over_target"] = sum(1 for c in cases if c.get("median_ms") is None or c["median_ms"] >= QUERY_MS)
        out["cases"] = len(cases)
        out["raw_over_target"] = sum(1 for c in cases if c.get("raw_ms") is not None and c["raw_ms"] >= QUERY_MS)
    return out


def render(r: dict) -> str:
    """The README's "At scale" figures."""
    v, bulk, cold = r["verdict"], r.get("bulk", {}), r.get("cold", {})
    m = r["machine"]
    lines = [f"Run of {r['date']} on {m['cpu']} ({m['cores']} cores, load average {m['load_average']} at start); "
             f"{r['triples']:,} generated triples ({r['mitigations']:,} mitigations), medians of {r['repeats']} runs.",
             "", "| step | wall s | CPU s | peak MB | ratio |", "|---|---:|---:|---:|---|"]

    def row(label, fig, ratio=""):
        if "error" in fig:
            return f"| {label} | {fig['error']} | | | |"
        return f"| {label} | {fig.get('wall_s', '-')} | {fig.get('cpu_s', '-')} | {fig.get('peak_mb', '-')} | {ratio} |"

    lines.append(row("pyoxigraph bulk load", bulk))
    ratio = (f"{v['cold_wall_ratio']}× wall, {v['cold_cpu_ratio']}× CPU, {v['memory_ratio']}× memory "
             f"(targets {COLD_FACTOR:g}×, {MEMORY_FACTOR:g}×)" if "cold_wall_ratio" in v else "")
    lines.append(row("airm cold load", cold, ratio))
    for stage, fig in cold.get("stages", {}).items():
        lines.append(f"| &nbsp; {stage} | {fig['wall_s']} | {fig['cpu_s']} | | |")
    if "validate" in r:
        engine = r["validate"].get("engine", "pyshacl")
        lines.append(row(f"airm validate ({engine})", r["validate"], f"target {VALIDATE_S:g} s"))
    for engine, fig in (r.get("virtuoso") or {}).items():
        if isinstance(fig, dict):
            shown = fig.get("error") or fig.get("skipped")
            if shown:
                lines.append(f"| push to {engine} | {shown} | | | |")
                continue
            lines.append(f"| push to {engine}: {fig['triples']:,} triples in {fig.get('requests', 1):,} request(s) "
                         f"| {fig['push_s']} | {fig.get('client_cpu_s', '-')} client, {fig.get('server_cpu_s', '-')} "
                         f"server | | |")
    cases_block = _render_cases((r.get("virtuoso") or {}).get("virtuoso", {}).get("cases"))
    if cases_block:
        lines += ["", *cases_block]
    queries = r.get("queries", {})
    if "error" in queries:
        lines += ["", f"Catalog cases: {queries['error']}"]
    elif queries:
        lines += ["", f"**Catalog cases** (median ms on the cached build; target < {QUERY_MS:g} ms: "
                      f"{v['cases'] - v['cases_over_target']} of {v['cases']} met; " + (
                          f"raw pyoxigraph in memory on the same text is itself over {QUERY_MS:g} ms for "
                          f"{v['raw_over_target']} of them)" if any("raw_ms" in c for c in queries.values())
                          else "raw pyoxigraph was not timed in this run)"), "",
                  "| case | ms | raw ms | ratio | rows |", "|---|---:|---:|---:|---:|"]
        for case, fig in queries.items():
            ms = f"{fig['median_ms']:g}" if fig.get("median_ms") is not None else f"> {fig['timeout_s'] * 1000:g}"
            raw = fig.get("raw_ms")
            ratio = f"{fig['median_ms'] / raw:.1f}×" if raw and fig.get("median_ms") is not None else ""
            lines.append(f"| {case} | {ms} | {raw if raw is not None else '-'} | {ratio} | {fig.get('rows', '-')} |")
    return "\n".join(lines) + "\n"


def _render_cases(cases: dict | None) -> list[str]:
    """The Virtuoso step's comparison: every catalog case's status, rows and milliseconds on both engines."""
    if not cases:
        return []
    if "error" in cases:
        return [f"Catalog cases on Virtuoso: {cases['error']}"]
    counts: dict = {}
    for fig in cases.values():
        counts[fig["status"]] = counts.get(fig["status"], 0) + 1
    lines = ["**Catalog cases on Virtuoso** (rows compared with the embedded engine's as a multiset: "
             + ", ".join(f"{n} {status}" for status, n in sorted(counts.items(), key=lambda kv: -kv[1]))
             + f" of {len(cases)})", "",
             "| case | on Virtuoso | rows embedded | rows Virtuoso | ms embedded | ms Virtuoso |",
             "|---|---|---:|---:|---:|---:|"]
    for case, fig in cases.items():
        lines.append(f"| {case} | {fig['status']} | {fig.get('embedded_rows', '-')} | {fig.get('remote_rows', '-')} "
                     f"| {fig['embedded_ms']:g} | {fig['remote_ms']:g} |")
    return lines


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        kind, args = argv[1], argv[2:]
        typed = [a if not a.replace(".", "", 1).isdigit() else (float(a) if "." in a else int(a)) for a in args]
        print(json.dumps(WORKERS[kind](*typed)))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=5, help="runs per catalog case, median reported")
    ap.add_argument("--timeout", type=float, default=30.0, help="cap per catalog case run, seconds")
    ap.add_argument("--no-validate", action="store_true", help="skip the validation figure")
    ap.add_argument("--no-virtuoso", action="store_true", help="skip the pushes to Oxigraph's server and Virtuoso")
    ap.add_argument("--buffers", type=int, default=170_000, help="Virtuoso NumberOfBuffers (8 KB pages)")
    ap.add_argument("--batch", type=int, default=2000, help="triples per update request in the push to Virtuoso")
    ap.add_argument("--case-timeout", type=float, default=20.0,
                    help="Virtuoso's MaxQueryExecutionTime, and the cap of each case on both engines, seconds")
    ap.add_argument("--generated", type=Path, default=None,
                    help="an N-Triples file generate.py already wrote for --triples and --seed 42 (not rewritten)")
    ap.add_argument("--steps", default=",".join(STEPS),
                    help=f"comma-separated steps to run (of {','.join(STEPS)}); the others' figures are kept from "
                         "--out when it holds a run of the same size and seed")
    ap.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    ap.add_argument("--readme", type=Path, default=README)
    ap.add_argument("--no-readme", action="store_true")
    a = ap.parse_args(argv)
    steps = [x.strip() for x in a.steps.split(",") if x.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        ap.error(f"--steps: unknown step {unknown[0]!r} (known: {', '.join(STEPS)})")
    earlier = None
    if set(steps) != set(STEPS) and a.out.is_file():
        earlier = json.loads(a.out.read_text(encoding="utf-8"))
    report = run(a.triples, repeats=a.repeats, timeout=a.timeout, validate=not a.no_validate,
                 virtuoso=not a.no_virtuoso, buffers=a.buffers, batch=a.batch, steps=steps, earlier=earlier,
                 case_timeout=a.case_timeout, generated=a.generated)
    text = render(report)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not a.no_readme:
        sys.path.insert(0, str(HERE))
        from common import fill_section

        fill_section(a.readme, MARK_START, MARK_END, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
