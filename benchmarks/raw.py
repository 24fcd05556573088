"""The query path against raw pyoxigraph (issue 17): how much airm adds on top of the engine it runs on.

For each graph (the embedded data; the five public sources of ../shared/reference imported as the CLI imports them;
the generated graph of benchmarks/generate.py) one worker process opens the built graph three ways:

- **disk**: ``airm.load(in_memory=False)``, the read-only on-disk cache (the store a one-off CLI query opens);
- **mem**: ``airm.load(in_memory=True)``, the N-Quads dump bulk-loaded into memory (what a server keeps);
- **raw**: a plain in-memory ``pyoxigraph.Store`` holding the same quads,

and times every catalog case (tests/test_catalog.py's default and example cases) through ``airm.answers.run_named``
on the first two (parameter checks and resolution, binding, execution, result conversion, notes) and, on raw, the
exact text the engine is handed (parameters bound by the same VALUES block), solutions read to the end. The ratios
disk/raw and mem/raw say what the query layer costs; the issue's target is mem (the path the server and the CLI
take below the crossover, see airm.kg.IN_MEMORY_MAX_BYTES) at most 1.5x raw plus 1 ms.

    python benchmarks/raw.py                          # embedded, five-sources, generated-100k
    python benchmarks/raw.py --graphs five-sources --repeats 5
    python benchmarks/raw.py --quick                  # a 2,000-triple graph, one repeat: a smoke test
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fill_section, machine, versions  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"
MARK_START, MARK_END = "<!-- raw:results:start -->", "<!-- raw:results:end -->"
GRAPHS = ("embedded", "five-sources", "generated")
TARGET_RATIO, TARGET_SLACK_MS = 1.5, 1.0  # at most 1.5x raw, plus 1 ms for parameter checks and conversion
TARGET_MS = {"five-sources": 30.0, "generated": 50.0}


# ============================================================= worker: one process per graph, JSON lines on stdin

class _Handlers:
    def open(self, workspace, files):
        import pyoxigraph as ox

        import airm

        out = {}
        t = time.perf_counter()
        airm.load(workspace=workspace, files=files, in_memory=False)  # builds the cache when it is cold
        out["build_s"] = time.perf_counter() - t
        t = time.perf_counter()
        self.disk = airm.load(workspace=workspace, files=files, in_memory=False)
        out["open_disk_s"] = time.perf_counter() - t
        t = time.perf_counter()
        self.mem = airm.load(workspace=workspace, files=files, in_memory=True)
        out["open_mem_s"] = time.perf_counter() - t
        self.raw = ox.Store()
        self.raw.bulk_extend(self.mem.store.quads_for_pattern(None, None, None, None))
        dump = self.disk.cache_dir / f"{self.disk.digest}.nq"
        out.update(quads=len(self.raw), dump_bytes=dump.stat().st_size if dump.is_file() else None)
        return out

    def case(self, name, params, repeats):
        import pyoxigraph as ox

        from airm import answers, catalog
        from airm.engines import _prefixes
        from airm.sparql.binding import bind_values

        query = catalog.get(name)
        bound = catalog.bind_params(self.mem, query, dict(params))
        text = bind_values(query.text, bound, verify=False) if bound else query.text
        prefixes = _prefixes()

        def raw_on(store):
            res = store.query(text, use_default_graph_as_union=True, prefixes=prefixes)
            return 1 if isinstance(res, ox.QueryBoolean) else sum(1 for _ in res)  # every solution read

        def raw():
            return raw_on(self.raw)

        def raw_disk():  # the engine alone on the same read-only RocksDB store the disk path opens
            return raw_on(self.disk.store)

        def rows(result):
            return {"select": lambda: len(result.rows), "construct": lambda: len(result.triples)}.get(
                result.kind, lambda: 1)()

        out = {}
        for label, run in (("disk", lambda: answers.run_named(self.disk, name, params)),
                           ("mem", lambda: answers.run_named(self.mem, name, params)), ("raw", raw),
                           ("raw_disk", raw_disk)):
            first = run()  # warm-up: caches made once per graph (labels, candidates) are not what is measured
            out[f"{label}_rows"] = first if label.startswith("raw") else rows(first)
            times = []
            while len(times) < repeats and sum(times) < 20.0:
                t = time.perf_counter()
                run()
                times.append(time.perf_counter() - t)
            out[label] = {"median_ms": round(statistics.median(times) * 1000, 3), "n": len(times)}
        return out


def worker_main() -> int:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    handlers = _Handlers()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            out = getattr(handlers, req["op"])(**req.get("args", {}))
        except Exception as e:  # reported beside the figures, not fatal
            out = {"error": f"{type(e).__name__}: {e}"}
        proto.write(json.dumps(out) + "\n")
    return 0


# ============================================================= parent

def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def prepare(graph: str, tmp: Path, args) -> tuple[str | None, list[str], str]:
    """(workspace, files, description) of a graph; the five sources are imported as the CLI imports them."""
    empty = str(tmp / "empty-workspace")
    if graph == "embedded":
        return empty, [], "ontology + curated data"
    if graph == "five-sources":
        sys.path.insert(0, str(ROOT / "tests"))
        from helpers import import_all_sources

        ws = tmp / "five-sources"
        import_all_sources(Path(args.reference), ws)
        return str(ws), [], "embedded data + the five public sources imported (tests/helpers.py:import_all_sources)"
    import generate

    path = tmp / f"generated-{args.triples}.ttl"
    generate.write(path, args.triples, seed=args.seed)
    return empty, [str(path)], f"embedded data + {args.triples:,} generated triples (benchmarks/generate.py)"


def run_graph(graph: str, args, tmp: Path, env: dict, log) -> dict:
    from run import WorkerTimeout, query_cases

    workspace, files, description = prepare(graph, tmp, args)
    name = f"generated-{args.triples // 1000}k" if graph == "generated" else graph
    _say(f"[{name}] build and open (disk, memory, raw)")
    w = _worker(env, log)
    opened = w.call("open", args.load_timeout, workspace=workspace, files=files)
    if "error" in opened:
        raise RuntimeError(f"{name}: {opened['error']}")
    rows = []
    for qname, case, params in query_cases():
        try:
            r = w.call("case", args.timeout, name=qname, params=params, repeats=args.repeats)
        except WorkerTimeout:
            r = {"error": f"no answer within {args.timeout:g} s"}
            w = _worker(env, log)
            w.call("open", args.load_timeout, workspace=workspace, files=files)
        row = {"query": qname, "case": case, **r}
        if "raw" in r:
            raw = max(r["raw"]["median_ms"], 0.001)
            row["disk_ratio"] = round(r["disk"]["median_ms"] / raw, 2)
            if "raw_disk" in r:
                row["disk_over_raw_disk"] = round(r["disk"]["median_ms"] / max(r["raw_disk"]["median_ms"], 0.001), 2)
            row["mem_ratio"] = round(r["mem"]["median_ms"] / raw, 2)
            row["mem_within_target"] = r["mem"]["median_ms"] <= TARGET_RATIO * raw + TARGET_SLACK_MS
        rows.append(row)
        _say(f"  {qname} ({case}): " + (row.get("error") or f"disk {r['disk']['median_ms']} mem "
                                                            f"{r['mem']['median_ms']} raw {r['raw']['median_ms']} ms"))
    w.close()
    return {"name": name, "graph": graph, "description": description, "open": opened, "queries": rows}


def _worker(env: dict, log):
    """A worker process of this script, driven by run.py's Worker (the same protocol, killed at its deadline)."""
    import subprocess

    from run import Worker

    w = Worker.__new__(Worker)
    w.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=log, env=env)
    w.buf = b""
    return w


def render(report: dict) -> str:
    m = report["machine"]
    lines = [f"Run of {report['date']} on {m['cpu']} ({m['cores']} cores; load average {m['load_average']} at "
             f"start), pyoxigraph {report['versions']['pyoxigraph']}. Medians of {report['settings']['repeats']} "
             "runs in one process per graph; ms. disk = `airm.load(in_memory=False)` (read-only on-disk cache), "
             "mem = `airm.load(in_memory=True)`, raw = a plain in-memory pyoxigraph Store of the same quads "
             "running the same bound text, raw disk = that text on the read-only on-disk store the disk path opens "
             "(the engine's own cost on disk); ×: airm / raw."
             + (" Quick mode: a smoke test, not a measurement." if report["settings"]["quick"] else ""), ""]
    graphs = report["graphs"]
    lines += ["| graph | quads | N-Quads dump | first load s (builds the cache) | open disk s | open mem s | "
              "`in_memory=None` opens |", "|---|---:|---:|---:|---:|---:|---|"]
    for g in graphs:
        o = g["open"]
        lines.append(f"| {g['name']} | {o['quads']:,} | {(o['dump_bytes'] or 0) / 1e6:.1f} MB | "
                     f"{_s(o.get('build_s'))} | {_s(o.get('open_disk_s'))} | {_s(o.get('open_mem_s'))} | "
                     f"{g.get('default_open', '-')} |")
    lines += ["", "| query (case) |" + "".join(f" {g['name']}: disk | mem | raw | raw disk | disk× | mem× |"
                                             for g in graphs),
              "|---|" + "---:|---:|---:|---:|---:|---:|" * len(graphs)]
    keys = list(dict.fromkeys((r["query"], r["case"]) for g in graphs for r in g["queries"]))
    index = [{(r["query"], r["case"]): r for r in g["queries"]} for g in graphs]
    for key in keys:
        line = f"| {key[0]} ({key[1]}) |"
        for idx in index:
            r = idx.get(key, {})
            if "raw" not in r:
                line += " error | | | | | |" if r else " - | - | - | - | - | - |"
                continue
            mark = "" if r["mem_within_target"] else " ✗"
            raw_disk = _ms(r["raw_disk"]) if "raw_disk" in r else "-"
            line += (f" {_ms(r['disk'])} | {_ms(r['mem'])} | {_ms(r['raw'])} | {raw_disk} | {r['disk_ratio']:g}× | "
                     f"{r['mem_ratio']:g}×{mark} |")
        lines.append(line)
    lines.append("")
    for g in graphs:
        ok = [r for r in g["queries"] if r.get("mem_within_target")]
        bound = TARGET_MS.get(g["graph"], 1e9)
        slow = [r for r in g["queries"] if "mem" in r and r["mem"]["median_ms"] >= bound]
        engine = [(sum(1 for r in g["queries"] if k in r and r[k]["median_ms"] >= bound)) for k in ("raw", "raw_disk")]
        lines.append(f"- {g['name']}: {len(ok)} of {len(g['queries'])} cases within 1.5× raw + 1 ms in memory "
                     f"(✗ marks the others)" + (f"; {len(slow)} over {bound:g} ms in memory, where raw pyoxigraph "
                                               f"alone takes {bound:g} ms or more on {engine[0]} in memory and on "
                                               f"{engine[1]} on disk: "
                                               + ", ".join(f"{r['query']} ({r['case']})" for r in slow)
                                               if g["graph"] in TARGET_MS else "") + ".")
    return "\n".join(lines) + "\n"


def _s(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def _ms(fig: dict) -> str:
    v = fig["median_ms"]
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Time airm's query path against raw pyoxigraph on the same quads.")
    ap.add_argument("--graphs", nargs="+", choices=GRAPHS, help=f"which graphs (default: {' '.join(GRAPHS)})")
    ap.add_argument("--quick", action="store_true", help="embedded and a 2,000-triple graph, one repeat")
    ap.add_argument("--triples", type=int, help="size of the generated graph (default 100000; 2000 with --quick)")
    ap.add_argument("--repeats", type=int, help="runs per case and path, median reported (default 7)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--reference", default=str(ROOT.parent / "shared" / "reference"),
                    help="folder of the five public sources (default ../shared/reference)")
    ap.add_argument("--timeout", type=float, default=300.0, help="cap for one case's runs, seconds")
    ap.add_argument("--load-timeout", type=float, default=900.0)
    ap.add_argument("--out", type=Path, help="figures file (default benchmarks/results/raw.json, raw-quick.json)")
    ap.add_argument("--no-readme", action="store_true", help="leave benchmarks/README.md alone")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    a.triples = a.triples or (2000 if a.quick else 100_000)
    a.repeats = a.repeats or (1 if a.quick else 7)
    a.graphs = a.graphs or (["embedded", "generated"] if a.quick else list(GRAPHS))
    if "five-sources" in a.graphs and not Path(a.reference).is_dir():
        ap.error(f"no reference data at {a.reference} (give --reference, or leave five-sources out of --graphs)")
    a.out = a.out or HERE / "results" / ("raw-quick.json" if a.quick else "raw.json")
    a.no_readme = a.no_readme or a.quick
    return a


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return worker_main()
    a = parse_args(argv)
    from airm.atomic import write_file
    from airm.kg import IN_MEMORY_MAX_BYTES

    tmp = Path(tempfile.mkdtemp(prefix="airm-raw-"))
    env = dict(os.environ, AIRM_CACHE_DIR=str(tmp / "cache"), AIRM_WORKSPACE=str(tmp / "empty-workspace"))
    os.environ.update(AIRM_CACHE_DIR=env["AIRM_CACHE_DIR"], AIRM_WORKSPACE=env["AIRM_WORKSPACE"])
    report = {"schema": 1, "date": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
              "command": "python benchmarks/raw.py " + " ".join(argv), "machine": machine(),
              "versions": versions("airm-kg", "pyoxigraph"), "in_memory_max_bytes": IN_MEMORY_MAX_BYTES,
              "settings": {"quick": a.quick, "repeats": a.repeats, "triples": a.triples, "seed": a.seed},
              "graphs": []}
    with open(tmp / "workers.log", "wb") as log:
        for graph in a.graphs:
            g = run_graph(graph, a, tmp, env, log)
            size = g["open"]["dump_bytes"] or 0
            g["default_open"] = "mem" if size <= IN_MEMORY_MAX_BYTES else "disk"
            report["graphs"].append(g)
    text = render(report)
    write_file(a.out, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    if not a.no_readme:
        fill_section(README, MARK_START, MARK_END, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
