"""The query-layer benchmark: the airm path against a plain rdflib baseline on the same graph, side by side.

For the embedded data and for a generated graph shaped like the real one (benchmarks/generate.py, 100,000 triples
by default) it times

1. opening the built graph: ``airm.load()`` from its warm cache (a fresh process each time) against rdflib parsing
   the same quads (Turtle and N-Quads dumps of the loaded store); plus, as extra information, the cold load
   (parse + inference, which writes the cache) against rdflib parsing the inputs and running owlrl's OWL-RL closure;
2. every stored query of the catalog (iterated from ``airm.catalog.catalog()``, with the same default and example
   parameters as tests/test_catalog.py), the median of N repeats on the default engine (Oxigraph) against the
   rdflib reference engine (``engine="rdflib"``, an rdflib Graph of the same quads), and the catalog total.

Each engine runs in a worker process of its own, so a runaway rdflib query can be killed at its deadline without
slowing what is measured next (rdflib holds the GIL and has no timeout of its own). Results go to
benchmarks/results/latest.json, and the figures section of benchmarks/README.md is regenerated from it.

    make bench                                   # the full run
    python benchmarks/run.py --triples 100000    # the same, by hand
    python benchmarks/run.py --quick             # a tiny graph, one repeat: a smoke test, not a measurement
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # beside its sibling scripts
from common import fill_section, machine, versions  # noqa: E402

from airm.atomic import write_file  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
README = HERE / "README.md"
MARK_START = "<!-- bench:results:start -->"
MARK_END = "<!-- bench:results:end -->"

TARGET_RATIO = 10.0  # every catalog query at least 10x faster than rdflib at 100k triples
TARGET_QUERY_MS = 50.0  # and its median under 50 ms there
TARGET_OPEN_S = 0.5  # opening a cached build
SLOW_FIRST_RUN_S = 1.0  # a first run slower than this counts as a sample (a warm-up would only double the cost)


# =================================================================================================================
# worker side: one process per engine, answering JSON requests on stdin, one per line
# =================================================================================================================

def _count(result) -> int:
    if result.kind == "select":
        return len(result.rows)
    if result.kind == "construct":
        return len(result.triples)
    return 1


class _Handlers:
    def __init__(self):
        self.kg = None
        self.graph = None  # rdflib graph of the parsed inputs (cold baseline)

    def open(self, files, engine=None, in_memory=False):
        import airm
        from airm.kg import cache_dir

        before = {p.name for p in cache_dir().glob("*.oxigraph")}
        t = time.perf_counter()
        self.kg = airm.load(files=files, in_memory=True) if in_memory else airm.load(files=files)
        out = {"load_s": time.perf_counter() - t, "quads": len(self.kg.store), "digest": self.kg.digest,
               "warm": f"{self.kg.digest}.oxigraph" in before}
        if engine == "rdflib":
            from airm import engines

            t = time.perf_counter()
            g = engines.reference_graph(self.kg)
            out["reference_graph_s"] = time.perf_counter() - t
            out["reference_triples"] = len(g)
            t = time.perf_counter()
            self.kg.sparql("ASK { ?s ?p ?o }", engine="rdflib")  # rdflib's SPARQL machinery initialises once
            out["rdflib_first_query_s"] = time.perf_counter() - t
        return out

    def cold(self, files, dump_dir):
        """A cold load (the cache is empty), then dumps of what it built for the rdflib parse baseline."""
        import pyoxigraph as ox

        import airm
        from airm.namespaces import CATALOG_GRAPH, ENTAILMENT_GRAPH

        t = time.perf_counter()
        kg = airm.load(files=files)
        cold_s = time.perf_counter() - t
        store = kg.store
        entailed = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(ENTAILMENT_GRAPH)))
        catalog = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(CATALOG_GRAPH)))
        dump = Path(dump_dir)
        nq, ttl = dump / "built.nq", dump / "built.ttl"
        store.dump(str(nq), ox.RdfFormat.N_QUADS)
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object)
                                for q in store.quads_for_pattern(None, None, None, None))
        with open(ttl, "wb") as f:
            ox.serialize(list(triples), f, ox.RdfFormat.TURTLE)
        sources = [str(s.path) for s in kg.sources]
        return {"cold_s": cold_s, "quads": len(store), "entailed": entailed, "catalog": catalog,
                "asserted": len(store) - entailed - catalog, "union_triples": len(triples), "nquads": str(nq),
                "turtle": str(ttl), "sources": sources, "digest": kg.digest}

    def rdflib_parse(self, path, fmt, repeats, budget):
        from rdflib import Dataset, Graph

        times, size = [], 0
        while len(times) < repeats and sum(times) < budget:
            g = Dataset() if fmt == "nquads" else Graph()
            t = time.perf_counter()
            g.parse(path, format=fmt)
            times.append(time.perf_counter() - t)
            size = len(g) if fmt != "nquads" else sum(1 for _ in g.quads((None, None, None, None)))
            del g
        return {"times": times, "size": size}

    def rdflib_inputs(self, sources):
        """rdflib parsing every input file of the build (the start of a plain-rdflib cold load)."""
        from rdflib import Graph

        t = time.perf_counter()
        g = Graph()
        for s in sources:
            fmt = "nquads" if s.endswith(".nq") else "nt" if s.endswith(".nt") else "turtle"
            if fmt == "nquads":
                from rdflib import Dataset

                d = Dataset()
                d.parse(s, format=fmt)
                for q in d.quads((None, None, None, None)):
                    g.add(q[:3])
            else:
                g.parse(s, format=fmt)
        self.graph = g
        return {"parse_s": time.perf_counter() - t, "triples": len(g)}

    def owlrl(self):
        """owlrl's OWL-RL closure of the parsed inputs, without the axiomatic and datatype triples that swell it."""
        import owlrl

        n = len(self.graph)
        t = time.perf_counter()
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                               datatype_axioms=False).expand(self.graph)
        return {"closure_s": time.perf_counter() - t, "triples_before": n, "triples_after": len(self.graph)}

    def query(self, name, params, engine, repeats, budget, timeout):
        from airm import answers
        from airm.errors import QueryTimeout

        def once():
            t = time.perf_counter()
            res = answers.run_named(self.kg, name, params, engine=engine, timeout=timeout)
            return time.perf_counter() - t, res

        try:
            first, res = once()
            rows = _count(res)
            times = [first] if first >= SLOW_FIRST_RUN_S else []  # else the first run was a warm-up
            while len(times) < repeats and (not times or sum(times) < budget):
                times.append(once()[0])
        except QueryTimeout:
            return {"timeout": True}
        except Exception as e:  # reported, not fatal: the other queries still run
            return {"error": f"{type(e).__name__}: {e}"}
        return {"times": times, "rows": rows, "kind": res.kind}


def worker_main() -> int:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the protocol
    sys.stdout = sys.stderr
    handlers = _Handlers()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            out = getattr(handlers, req["op"])(**req.get("args", {}))
        except Exception as e:
            import traceback

            traceback.print_exc()
            out = {"error": f"{type(e).__name__}: {e}"}
        proto.write(json.dumps(out) + "\n")
    return 0


# =================================================================================================================
# parent side
# =================================================================================================================

class WorkerTimeout(Exception):
    pass


class Worker:
    """A worker process; ``call`` waits at most ``wait`` seconds for the answer, then kills it."""

    def __init__(self, env: dict, log):
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
        self.buf = b""

    def call(self, op: str, wait: float, **args) -> dict:
        self.proc.stdin.write((json.dumps({"op": op, "args": args}) + "\n").encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + wait
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerTimeout(f"{op} did not answer within {wait:g} s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    self.kill()
                    raise RuntimeError(f"the benchmark worker died during {op} (see the worker log)")
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except Exception:
                self.kill()


def query_cases() -> list[tuple[str, str, dict]]:
    """Every stored query, with the cases tests/test_catalog.py uses: defaults, and examples where declared."""
    from airm import catalog

    return [(name, case, params) for name, q in sorted(catalog.catalog().items()) for case, params in q.cases()]


def _median_ms(times):
    return round(statistics.median(times) * 1000, 3) if times else None


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="airm-bench-"))
        self.env = dict(os.environ)
        self.env["AIRM_CACHE_DIR"] = str(self.tmp / "cache")  # a cache of its own: cold and warm are known
        self.env["AIRM_WORKSPACE"] = str(self.tmp / "workspace")  # no user imports in the figures
        self.env.pop("PYTHONHASHSEED", None)
        os.environ.update({k: self.env[k] for k in ("AIRM_CACHE_DIR", "AIRM_WORKSPACE")})  # the generator loads too
        self.log = open(self.tmp / "workers.log", "wb")
        self.workers: list[Worker] = []
        self.digests: set[str] = set()

    def worker(self) -> Worker:
        w = Worker(self.env, self.log)
        self.workers.append(w)
        return w

    def close(self):
        for w in self.workers:
            w.close()
        self.log.close()
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- one graph -------------------------------------------------------------------------------------------------

    def run_graph(self, name: str, files: list[str], description: str, extra: dict) -> dict:
        a = self.args
        out = {"name": name, "description": description, **extra}
        dump = self.tmp / f"dump-{name}"
        dump.mkdir()
        _say(f"[{name}] cold load (parse + inference, writes the cache)")
        w = self.worker()
        cold = w.call("cold", a.load_timeout, files=files, dump_dir=str(dump))
        w.close()
        if "error" in cold:
            raise RuntimeError(f"{name}: the cold load failed: {cold['error']}")
        out["size"] = {k: cold[k] for k in ("quads", "asserted", "entailed", "catalog", "union_triples")}
        self.digests = {cold["digest"]}
        opening = {"airm_cold_s": cold["cold_s"]}

        _say(f"[{name}] rdflib parse of the built graph (Turtle, N-Quads)")
        w = self.worker()
        for fmt, path in (("turtle", cold["turtle"]), ("nquads", cold["nquads"])):
            try:
                r = w.call("rdflib_parse", a.load_timeout, path=path, fmt=fmt, repeats=a.open_repeats,
                           budget=a.budget)
                opening[f"rdflib_parse_{fmt}_s"] = statistics.median(r["times"])
                opening[f"rdflib_parse_{fmt}_samples"] = len(r["times"])
            except WorkerTimeout:
                opening[f"rdflib_parse_{fmt}_s"] = None
                opening[f"rdflib_parse_{fmt}_over_s"] = a.load_timeout
                w = self.worker()
        if a.owlrl:
            _say(f"[{name}] rdflib cold baseline: parse the inputs, then owlrl's OWL-RL closure")
            r = w.call("rdflib_inputs", a.load_timeout, sources=cold["sources"])
            opening["rdflib_inputs_parse_s"] = r.get("parse_s")
            try:
                r = w.call("owlrl", a.owlrl_timeout)
                opening["owlrl_closure_s"] = r.get("closure_s")
                opening["owlrl_triples"] = [r.get("triples_before"), r.get("triples_after")]
            except WorkerTimeout:
                opening["owlrl_closure_s"] = None
                opening["owlrl_over_s"] = a.owlrl_timeout
                w = None
        if w is not None:
            w.close()

        _say(f"[{name}] queries: {a.repeats} repeats each, Oxigraph (airm default) and rdflib side by side")
        ox_worker = self.worker()
        opens = [self._note(ox_worker.call("open", a.load_timeout, files=files))]
        for _ in range(a.open_repeats - 1):  # more fresh processes, each opening the warm cache once
            w = self.worker()
            opens.append(self._note(w.call("open", a.load_timeout, files=files)))
            w.close()
        warm = [o["load_s"] for o in opens if o["warm"]] or [o["load_s"] for o in opens]
        opening["airm_warm_s"] = statistics.median(warm)
        opening["airm_warm_samples"] = len(warm)
        if not all(o["warm"] for o in opens):
            opening["cold_opens_left_out"] = sum(1 for o in opens if not o["warm"])
        for fmt in ("turtle", "nquads"):
            base = opening.get(f"rdflib_parse_{fmt}_s")
            opening[f"ratio_{fmt}"] = round(base / opening["airm_warm_s"], 1) if base else None
        out["open"] = opening

        mem_worker = None
        if a.in_memory:  # extra: the same path with the store bulk-loaded into memory (airm.load(in_memory=True))
            mem_worker = self.worker()
            mem_open = self._note(mem_worker.call("open", a.load_timeout, files=files, in_memory=True))
            opening["airm_warm_in_memory_s"] = mem_open["load_s"]
        rd_worker, rd_open = self._rdflib_worker(files)
        out["rdflib_reference_graph_s"] = rd_open.get("reference_graph_s")
        rows = []
        for qname, case, params in query_cases():
            row = {"query": qname, "case": case, "params": params}
            r = ox_worker.call("query", a.timeout + a.budget + 60, name=qname, params=params, engine="oxigraph",
                               repeats=a.repeats, budget=a.budget, timeout=a.timeout)
            row["airm"] = self._figures(r)
            if mem_worker is not None:
                r = mem_worker.call("query", a.timeout + a.budget + 60, name=qname, params=params,
                                    engine="oxigraph", repeats=a.repeats, budget=a.budget, timeout=a.timeout)
                row["airm_in_memory"] = self._figures(r)
            try:
                r = rd_worker.call("query", a.timeout + a.budget + 60, name=qname, params=params, engine="rdflib",
                                   repeats=a.repeats, budget=a.budget, timeout=a.timeout)
            except WorkerTimeout:
                r = {"timeout": True}
            if r.get("timeout"):  # the engine's own deadline fired, its thread still runs: replace the worker
                rd_worker.kill()
                rd_worker, _ = self._rdflib_worker(files)
            row["rdflib"] = self._figures(r)
            am, rm = row["airm"].get("median_ms"), row["rdflib"].get("median_ms")
            if row["rdflib"].get("timeout"):
                rm = a.timeout * 1000
                row["ratio_lower_bound"] = True
            row["ratio"] = round(rm / am, 1) if am and rm else None
            ra, rr = row["airm"].get("rows"), row["rdflib"].get("rows")
            row["rows_agree"] = None if ra is None or rr is None else ra == rr
            rows.append(row)
            shown = f"{row['ratio']}x" if row["ratio"] is not None else "-"
            _say(f"  {qname} ({case}): airm {am} ms, rdflib "
                 f"{f'> {a.timeout:g} s' if row['rdflib'].get('timeout') else f'{rm} ms'}, {shown}")
        ox_worker.close()
        rd_worker.close()
        if mem_worker is not None:
            mem_worker.close()
        out["queries"] = rows
        if len(self.digests) > 1:  # someone edited the ontology, data or queries while the benchmark ran
            out["inputs_changed_during_run"] = len(self.digests)
        total_a = sum(r["airm"].get("median_ms") or 0 for r in rows)
        total_r = sum((a.timeout * 1000 if r["rdflib"].get("timeout") else r["rdflib"].get("median_ms") or 0)
                      for r in rows)
        out["catalog_total"] = {
            "airm_ms": round(total_a, 1),
            "airm_in_memory_ms": round(sum(r.get("airm_in_memory", {}).get("median_ms") or 0 for r in rows), 1)
            if mem_worker is not None else None, "rdflib_ms": round(total_r, 1),
            "ratio": round(total_r / total_a, 1) if total_a else None,
            "lower_bound": any(r["rdflib"].get("timeout") for r in rows),
            "errors": [f"{r['query']} ({r['case']})" for r in rows
                       if r["airm"].get("error") or r["rdflib"].get("error")],
        }
        return out

    def _rdflib_worker(self, files):
        w = self.worker()
        return w, self._note(w.call("open", self.args.load_timeout * 3, files=files, engine="rdflib"))

    def _note(self, opened: dict) -> dict:
        if "error" in opened:
            raise RuntimeError(f"a worker could not load the graph: {opened['error']}")
        self.digests.add(opened["digest"])
        return opened

    @staticmethod
    def _figures(r: dict) -> dict:
        if r.get("timeout"):
            return {"timeout": True}
        if "error" in r:
            return {"error": r["error"]}
        t = r["times"]
        return {"median_ms": _median_ms(t), "min_ms": round(min(t) * 1000, 3), "n": len(t), "rows": r["rows"]}


# -- report --------------------------------------------------------------------------------------------------------

def verdict(graphs: list[dict], target_graph: str | None) -> dict:
    """The issue's targets, checked (not asserted): queries on the generated graph, opening on every graph."""
    misses = []
    opening = {g["name"]: g["open"]["airm_warm_s"] for g in graphs}
    for name, s in opening.items():
        if s >= TARGET_OPEN_S:
            misses.append(f"opening the cached {name} graph took {s:.3f} s (target < {TARGET_OPEN_S} s)")
    query_graph = next((g for g in graphs if g["name"] == target_graph), None)
    ratio_ok = speed_ok = None
    if query_graph is not None:
        ratio_ok = speed_ok = True
        for r in query_graph["queries"]:
            label = f"{r['query']} ({r['case']})"
            am = r["airm"].get("median_ms")
            if am is None:
                misses.append(f"{label}: no airm figure ({r['airm'].get('error') or 'timeout'})")
                ratio_ok = speed_ok = False
                continue
            if am >= TARGET_QUERY_MS:
                speed_ok = False
                misses.append(f"{label}: median {am:.1f} ms on the generated graph (target < {TARGET_QUERY_MS:g} ms)")
            if r["ratio"] is None or (r["ratio"] < TARGET_RATIO and not r.get("ratio_lower_bound")):
                ratio_ok = False
                misses.append(f"{label}: {r['ratio']}x faster than rdflib (target >= {TARGET_RATIO:g}x)")
    in_memory = None
    if query_graph is not None and any("airm_in_memory" in r for r in query_graph["queries"]):
        ok = 0
        for r in query_graph["queries"]:
            m = r.get("airm_in_memory", {}).get("median_ms")
            rm = (r["rdflib"].get("median_ms") if not r["rdflib"].get("timeout")
                  else query_graph.get("timeout_ms", float("inf")))
            if m is not None and m < TARGET_QUERY_MS and rm is not None and rm / m >= TARGET_RATIO:
                ok += 1
        in_memory = {"cases": len(query_graph["queries"]), "meeting": ok}
    return {"in_memory": in_memory, "open_under_target": all(s < TARGET_OPEN_S for s in opening.values()),
            "queries_ratio_target": ratio_ok, "queries_ms_target": speed_ok, "misses": misses}


def _fmt_ms(fig: dict, timeout: float) -> str:
    if fig.get("timeout"):
        return f"> {timeout * 1000:g}"
    if fig.get("error"):
        return "error"
    v = fig.get("median_ms")
    return "-" if v is None else (f"{v:.1f}" if v < 100 else f"{v:.0f}")


def _fmt_ratio(r: dict) -> str:
    if r.get("ratio") is None:
        return "-"
    return ("≥ " if r.get("ratio_lower_bound") else "") + f"{r['ratio']:g}×"


def _fmt_s(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def render(report: dict) -> str:
    """The figures as Markdown (for the README and the terminal)."""
    graphs = report["graphs"]
    timeout = report["settings"]["timeout_s"]
    lines = []
    m, v = report["machine"], report["versions"]
    lines.append(f"Run of {report['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gb']} GB; load average "
                 f"{m['load_average']} at start), Python {v['python']}, pyoxigraph {v['pyoxigraph']}, "
                 f"rdflib {v['rdflib']}, owlrl {v['owlrl']}, airm {v['airm-kg']}. Medians of "
                 f"{report['settings']['repeats']} runs; rdflib capped at {timeout:g} s per query"
                 + (" (quick mode: a smoke test, not a measurement)." if report["settings"]["quick"] else "."))
    lines.append("")
    lines.append("**Graphs** (quads in the built store: asserted + entailed + compiled catalog)")
    lines.append("")
    lines.append("| graph | quads | asserted | entailed | catalog |")
    lines.append("|---|---:|---:|---:|---:|")
    for g in graphs:
        s = g["size"]
        lines.append(f"| {g['name']} | {s['quads']:,} | {s['asserted']:,} | {s['entailed']:,} | {s['catalog']:,} |")
    lines.append("")
    lines.append("**Opening the built graph** (seconds; airm warm = `airm.load()` from its cache in a fresh process)")
    lines.append("")
    lines.append("| graph | airm warm | rdflib parse Turtle | ratio | rdflib parse N-Quads | ratio | airm warm in "
                 "memory | airm cold (parse + inference) | rdflib parse inputs | owlrl closure |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for g in graphs:
        o = g["open"]
        owl = (f"> {o['owlrl_over_s']:g}" if o.get("owlrl_over_s") else _fmt_s(o.get("owlrl_closure_s"))
               if "owlrl_closure_s" in o else "not run")
        rt = f"{o['ratio_turtle']:g}×" if o.get("ratio_turtle") else "-"
        rn = f"{o['ratio_nquads']:g}×" if o.get("ratio_nquads") else "-"
        lines.append(f"| {g['name']} | {_fmt_s(o['airm_warm_s'])} | {_fmt_s(o.get('rdflib_parse_turtle_s'))} | {rt} | "
                     f"{_fmt_s(o.get('rdflib_parse_nquads_s'))} | {rn} | {_fmt_s(o.get('airm_warm_in_memory_s'))} | "
                     f"{_fmt_s(o['airm_cold_s'])} | "
                     f"{_fmt_s(o.get('rdflib_inputs_parse_s')) if 'rdflib_inputs_parse_s' in o else 'not run'} | "
                     f"{owl} |")
    lines.append("")
    mem = any("airm_in_memory" in r for g in graphs for r in g["queries"])
    lines.append("**Catalog queries** (median ms; airm = `airm.load()` then `kg.query()` on the default engine; "
                 "ratio = rdflib / airm; rows = result rows on airm"
                 + ("; mem = the same on `airm.load(in_memory=True)`, for information)" if mem else ")"))
    lines.append("")
    head = "| query (case) |"
    rule = "|---|"
    for g in graphs:
        head += f" {g['name']}: airm | rdflib | ratio | rows |" + (" mem |" if mem else "")
        rule += "---:|---:|---:|---:|" + ("---:|" if mem else "")
    lines += [head, rule]
    index = [{(r["query"], r["case"]): r for r in g["queries"]} for g in graphs]
    keys = []
    for g in graphs:
        for r in g["queries"]:
            if (r["query"], r["case"]) not in keys:
                keys.append((r["query"], r["case"]))
    for key in keys:
        line = f"| {key[0]} ({key[1]}) |"
        for idx in index:
            r = idx.get(key)
            if r is None:
                line += " - | - | - | - |" + (" - |" if mem else "")
                continue
            agree = "" if r.get("rows_agree") in (True, None) else " ≠"
            line += (f" {_fmt_ms(r['airm'], timeout)} | {_fmt_ms(r['rdflib'], timeout)} | {_fmt_ratio(r)} | "
                     f"{r['airm'].get('rows', '-')}{agree} |")
            if mem:
                line += f" {_fmt_ms(r.get('airm_in_memory', {}), timeout)} |"
        lines.append(line)
    total = "| **whole catalog (sum of medians)** |"
    for g in graphs:
        t = g["catalog_total"]
        lb = "≥ " if t["lower_bound"] else ""
        total += (f" {t['airm_ms']:.0f} | {lb}{t['rdflib_ms']:.0f} | {lb}{t['ratio']:g}× | |" if t["ratio"]
                  else " - | - | - | |")
        if mem:
            total += f" {t['airm_in_memory_ms']:.0f} |" if t.get("airm_in_memory_ms") else " - |"
    lines.append(total)
    lines.append("")
    vd = report["verdict"]
    yes = {True: "met", False: "**missed**", None: "not measured"}
    lines.append(f"**Targets** on the {report['settings']['target_graph']} graph: every query ≥ {TARGET_RATIO:g}× "
                 f"rdflib: {yes[vd['queries_ratio_target']]}; every median < {TARGET_QUERY_MS:g} ms: "
                 f"{yes[vd['queries_ms_target']]}; opening a cached build < {TARGET_OPEN_S:g} s: "
                 f"{yes[vd['open_under_target']]}.")
    if vd.get("in_memory"):
        im = vd["in_memory"]
        lines.append(f"With `in_memory=True`, {im['meeting']} of {im['cases']} query cases meet both query targets "
                     f"(ratio measured against the same rdflib figures).")
    if vd["misses"]:
        lines.append("")
        lines += [f"- {miss}" for miss in vd["misses"]]
    changed = [g["name"] for g in graphs if g.get("inputs_changed_during_run")]
    if changed:
        lines.append("")
        lines.append(f"Warning: the ontology, data or queries changed while the {', '.join(changed)} graph was "
                     "measured; its figures mix versions. Run again on a quiet tree.")
    if any(r.get("rows_agree") is False for g in graphs for r in g["queries"]):
        lines.append("")
        lines.append("≠: the two engines returned different numbers of rows.")
    return "\n".join(lines) + "\n"


def update_readme(path: Path, text: str) -> None:
    fill_section(path, MARK_START, MARK_END, text)


# -- main ----------------------------------------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(description="Time the airm query layer against a plain rdflib baseline.")
    ap.add_argument("--quick", action="store_true", help="a tiny graph and one repeat: a smoke test")
    ap.add_argument("--triples", type=int, help="size of the generated graph (default 100000; 2000 with --quick)")
    ap.add_argument("--repeats", type=int, help="runs per query, median reported (default 7; 1 with --quick)")
    ap.add_argument("--open-repeats", type=int, help="fresh processes opening the cache (default 5; 1 with --quick)")
    ap.add_argument("--timeout", type=float, default=60.0, help="rdflib (and airm) cap per query run, seconds")
    ap.add_argument("--budget", type=float, help="stop repeating a slow query after this many seconds (default 30)")
    ap.add_argument("--load-timeout", type=float, default=600.0, help="cap for loads and parses, seconds")
    ap.add_argument("--owlrl", action=argparse.BooleanOptionalAction, default=None,
                    help="run the owlrl cold baseline (default: yes, except with --quick)")
    ap.add_argument("--owlrl-timeout", type=float, default=300.0, help="cap for the owlrl closure, seconds")
    ap.add_argument("--in-memory", action=argparse.BooleanOptionalAction, default=None,
                    help="also time airm.load(in_memory=True) and its queries (default: when airm.load has it)")
    ap.add_argument("--seed", type=int, default=42, help="seed of the generated graph")
    ap.add_argument("--no-embedded", action="store_true", help="skip the embedded graph")
    ap.add_argument("--out", type=Path, help="figures file (default benchmarks/results/latest.json; "
                                             "benchmarks/results/quick.json with --quick)")
    ap.add_argument("--readme", type=Path, help="README whose figures section to regenerate (default "
                                                "benchmarks/README.md, none with --quick)")
    ap.add_argument("--no-readme", action="store_true", help="do not touch any README")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (graphs, cache, worker log)")
    ap.add_argument("--scale", type=int, metavar="TRIPLES",
                    help="then run benchmarks/scale.py at this size (1000000 in make bench: minutes)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    a.triples = a.triples or (2000 if a.quick else 100_000)
    a.repeats = a.repeats or (1 if a.quick else 7)
    a.open_repeats = a.open_repeats or (1 if a.quick else 5)
    a.budget = a.budget if a.budget is not None else (5.0 if a.quick else 30.0)
    a.owlrl = (not a.quick) if a.owlrl is None else a.owlrl
    if a.in_memory is None:
        import inspect

        from airm.kg import load

        a.in_memory = "in_memory" in inspect.signature(load).parameters
    a.out = a.out or (RESULTS / ("quick.json" if a.quick else "latest.json"))
    if a.no_readme:
        a.readme = None
    elif a.readme is None and not a.quick:
        a.readme = README
    if a.repeats < 1 or a.open_repeats < 1 or a.triples < 1:
        ap.error("--repeats, --open-repeats and --triples must be positive")
    return a


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--worker" in argv:
        return worker_main()
    a = parse_args(argv)
    sys.path.insert(0, str(HERE))
    import generate

    report = {
        "schema": 1,
        "date": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "command": "python benchmarks/run.py " + " ".join(argv),
        "machine": machine(),
        "versions": versions("airm-kg", "pyoxigraph", "rdflib", "owlrl"),
        "settings": {"quick": a.quick, "repeats": a.repeats, "open_repeats": a.open_repeats, "timeout_s": a.timeout,
                     "budget_s": a.budget, "seed": a.seed, "triples_requested": a.triples,
                     "target_graph": f"generated-{a.triples // 1000}k" if a.triples >= 1000 else "generated"},
        "targets": {"ratio": TARGET_RATIO, "query_ms": TARGET_QUERY_MS, "open_s": TARGET_OPEN_S},
        "graphs": [],
    }
    bench = Bench(a)
    t0 = time.perf_counter()
    try:
        if not a.no_embedded:
            report["graphs"].append(bench.run_graph("embedded", [], "ontology + curated data (airm.load())", {}))
        path = bench.tmp / f"generated-{a.triples}.ttl"
        _say(f"[generate] {a.triples} triples (seed {a.seed})")
        t = time.perf_counter()
        info = generate.write(path, a.triples, seed=a.seed)
        gen = {"generated_triples": info["triples"], "mitigations": info["mitigations"], "seed": a.seed,
               "generate_s": round(time.perf_counter() - t, 3)}
        report["graphs"].append(bench.run_graph(report["settings"]["target_graph"], [str(path)],
                                                "embedded data + a generated graph (benchmarks/generate.py)", gen))
    finally:
        bench.close()
    report["elapsed_s"] = round(time.perf_counter() - t0, 1)
    report["verdict"] = verdict(report["graphs"], report["settings"]["target_graph"])
    text = render(report)
    write_file(a.out, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    if a.readme:
        update_readme(a.readme, text)
    print(text)
    print(f"figures written to {a.out}" + (f"; {a.readme} updated" if a.readme else ""))
    if a.scale:
        import scale

        return scale.main(["--triples", str(a.scale)] + (["--no-readme"] if a.readme is None else []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
