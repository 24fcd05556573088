"""Load test of ``airm serve`` against a plain rdflib-based SPARQL endpoint (rdflib-endpoint), in one run.

Both servers run on loopback in their own processes; this process is the client. The workload is the stored-query
catalog: every query with its test cases (no parameters where none is required, the header's examples), as
``GET /queries/NAME?params`` on airm and as the same SPARQL text, parameters bound by a VALUES block, on the
baseline. Requests go round-robin over N keep-alive connections for a fixed time, bounded in count too; every answer
must be a 200 with a body. The figures (requests/s, errors, latency percentiles, per query) go to a JSON file and,
with --update-readme, to benchmarks/README.md between the load markers.

    python benchmarks/load.py                          # 30 s on airm, 30 s on the baseline
    python benchmarks/load.py --duration 10 --baseline-duration 5 --out /tmp/load.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # beside its sibling scripts
from common import fill_section, machine, versions  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "load-embedded.json"
README = HERE / "README.md"
START, END = "<!-- load:results:start -->", "<!-- load:results:end -->"
MAX_RATE = 5000  # requests/s the count bound allows: duration x MAX_RATE requests at most


# --- the workload -------------------------------------------------------------------------------------------------

def workload(kg) -> list[dict]:
    """One request per catalog case: airm's path and Accept, and the baseline's SPARQL text with the same binding."""
    from airm import catalog
    from airm.sparql.binding import bind_values

    out = []
    for name, q in sorted(catalog.catalog().items()):
        cases = []
        if not any(p.required and p.default is None for p in q.params.values()):
            cases.append(("default", {}))
        examples = {p.name: str(p.example) for p in q.params.values() if p.example is not None}
        if examples:
            cases.append(("example", examples))
        for case, params in cases:
            bound = catalog.bind_params(kg, q, params)
            accept = "application/n-triples" if q.kind == "construct" else "application/sparql-results+json"
            path = f"/queries/{name}" + ("?" + urlencode(params) if params else "")
            out.append({"name": f"{name}.{case}", "airm": path, "accept": accept,
                        "sparql": bind_values(q.text, bound)})
    return out


# --- servers ------------------------------------------------------------------------------------------------------

def _start(cmd: list[str], marker: str, log: Path, startup: float = 180.0) -> tuple[subprocess.Popen, str]:
    err = open(log, "wb")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
    err.close()
    box: dict = {}

    def read():
        for line in proc.stdout:
            text = line.decode("utf-8", "replace")
            if text.startswith(marker):
                box["url"] = text[len(marker):].split()[0]
                break

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(startup)
    if "url" not in box:
        proc.kill()
        raise RuntimeError(f"{cmd[2:4]} did not start: {log.read_text(errors='replace')[-2000:]}")
    import socket

    url = urlsplit(box["url"])
    deadline = time.monotonic() + 60
    while True:  # the address is printed before the server listens: wait until it accepts connections
        try:
            socket.create_connection((url.hostname, url.port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"{box['url']} never accepted a connection") from None
            time.sleep(0.1)
    return proc, box["url"].rstrip("/")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def start_airm(workers: int, log: Path):
    return _start([sys.executable, "-m", "airm.cli", "serve", "--host", "127.0.0.1", "--port", "0",
                   "--workers", str(workers)], "airm serve: ", log)


def start_baseline(log: Path):
    return _start([sys.executable, str(Path(__file__).resolve()), "--serve-baseline"], "baseline: ", log)


def serve_baseline() -> None:
    """The baseline: rdflib-endpoint over an rdflib Graph of the same quads (ontology, data, entailments, catalog)."""
    import socket

    import rdflib.plugins.sparql
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    import airm
    from airm.engines import reference_graph

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM must not load what it names (a local file, /dev/zero)
    graph = reference_graph(airm.load())
    app = SparqlEndpoint(graph=graph, path="/sparql", title="rdflib baseline", enable_update=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    print(f"baseline: http://127.0.0.1:{port}/sparql ({len(graph)} triples)", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


# --- the client ---------------------------------------------------------------------------------------------------

async def read_response(reader) -> tuple[int, dict, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        k, _, v = line.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(parts)
    else:
        body = await reader.read()
        headers["connection"] = "close"
    return status, headers, body


async def _request(reader, writer, host: str, path: str, accept: str) -> tuple[int, bytes, bool]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nUser-Agent: airm-load\r\n\r\n".encode())
    status, headers, body = await read_response(reader)
    return status, body, headers.get("connection", "").lower() == "close"


async def load(base: str, requests: list[tuple[str, str, str]], *, duration: float, concurrency: int,
               timeout: float = 60.0) -> dict:
    """Round-robin ``requests`` (name, path, accept) for ``duration`` seconds over ``concurrency`` connections."""
    url = urlsplit(base)
    host, port = url.hostname, url.port
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load test only targets loopback addresses")
    latencies: list[float] = []
    per_query: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    examples: list[str] = []
    counter = [0]
    max_requests = int(duration * MAX_RATE)
    start = time.monotonic()
    stop_at = start + duration

    async def worker():
        reader = writer = None
        while time.monotonic() < stop_at and counter[0] < max_requests:
            i = counter[0]
            counter[0] += 1
            name, path, accept = requests[i % len(requests)]
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                t0 = time.perf_counter()
                status, body, close = await asyncio.wait_for(_request(reader, writer, f"{host}:{port}", path, accept),
                                                             timeout)
                dt = time.perf_counter() - t0
                if close:
                    writer.close()
                    writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ConnectionError, ValueError) as e:
                errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                if len(examples) < 5:
                    examples.append(f"{name}: {type(e).__name__}: {e}")
                if writer is not None:
                    writer.close()
                writer = None
                continue
            latencies.append(dt)
            per_query.setdefault(name, []).append(dt)
            if status != 200 or not body:
                errors[str(status)] = errors.get(str(status), 0) + 1
                if len(examples) < 5:
                    examples.append(f"{name}: HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.monotonic() - start
    done = len(latencies)
    return {
        "requests": done,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(done / elapsed, 1) if elapsed else 0.0,
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "error_examples": examples,
        "latency_ms": _percentiles(latencies),
        "per_query": {name: dict(_percentiles(ls), n=len(ls)) for name, ls in sorted(per_query.items())},
    }


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    s = sorted(values)

    def pct(p):
        return round(s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000, 2)

    return {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(s[-1] * 1000, 2),
            "mean": round(sum(s) / len(s) * 1000, 2)}


async def _each_once(base: str, requests) -> dict:
    url = urlsplit(base)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    failures = []
    for name, path, accept in requests:
        status, body, close = await asyncio.wait_for(_request(reader, writer, f"{url.hostname}:{url.port}", path,
                                                              accept), 300)
        if status != 200:
            failures.append(f"{name}: HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
        if close:
            writer.close()
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.close()
    return {"failures": failures}


# --- the run ------------------------------------------------------------------------------------------------------

def run(*, duration: float, baseline_duration: float, concurrency: int, workers: int,
        baseline_warm_up: bool = True) -> dict:
    import airm

    kg = airm.load()
    cases = workload(kg)
    with tempfile.TemporaryDirectory(prefix="airm-load-") as tmp:
        result = {
            "what": "mixed catalog workload: every stored query and test case, round-robin, GET over keep-alive "
                    "connections on loopback; client, airm and baseline in separate processes",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": machine(),
            "versions": _versions(),
            "graph": {"triples": len(kg), "cases": len(cases)},
            "settings": {"duration_s": duration, "baseline_duration_s": baseline_duration, "concurrency": concurrency,
                         "airm_workers": workers},
        }
        proc, base = start_airm(workers, Path(tmp) / "airm.log")
        try:
            reqs = [(c["name"], c["airm"], c["accept"]) for c in cases]
            warm = _each_once_sync(base, reqs)
            result["airm"] = asyncio.run(load(base, reqs, duration=duration, concurrency=concurrency))
            result["airm"]["warm_up_failures"] = warm["failures"]
            result["airm"]["url"] = base
        finally:
            stop(proc)
        if baseline_duration > 0:
            proc, base = start_baseline(Path(tmp) / "baseline.log")
            try:
                path = urlsplit(base).path
                reqs = [(c["name"], f"{path}?query={quote(c['sparql'])}", c["accept"]) for c in cases]
                warm = _each_once_sync(base, reqs) if baseline_warm_up else {"failures": None}
                result["baseline"] = asyncio.run(load(base, reqs, duration=baseline_duration,
                                                      concurrency=concurrency))
                result["baseline"]["warm_up_failures"] = warm["failures"]
                result["baseline"]["server"] = "rdflib-endpoint over an rdflib Graph of the same triples"
            finally:
                stop(proc)
            a, b = result["airm"]["requests_per_s"], result["baseline"]["requests_per_s"]
            result["speedup"] = round(a / b, 1) if b else None
    return result


def _each_once_sync(base, reqs):
    return asyncio.run(_each_once(base, reqs))


def _versions() -> dict:
    return versions("airm-kg", "pyoxigraph", "rdflib", "starlette", "uvicorn", "rdflib-endpoint")


def summary(r: dict) -> str:
    lines = [f"Embedded graph, {r['graph']['triples']:,} triples; {r['graph']['cases']} catalog cases round-robin; "
             f"{r['settings']['concurrency']} keep-alive connections; {r['machine']['cores']} cores; "
             f"`airm serve --workers {r['settings']['airm_workers']}`.", "",
             "| server | seconds | requests | requests/s | errors | p50 ms | p90 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, label in (("airm", "airm serve"), ("baseline", "rdflib-endpoint (baseline)")):
        if key in r:
            x, lat = r[key], r[key]["latency_ms"]
            lines.append(f"| {label} | {x['seconds']} | {x['requests']:,} | {x['requests_per_s']:,} | {x['errors']} | "
                         f"{lat['p50']} | {lat['p90']} | {lat['p99']} | {lat['max']} |")
    if r.get("speedup"):
        lines += ["", f"airm serves {r['speedup']}× the baseline's requests per second. The baseline's latencies "
                      "include waiting in line: rdflib-endpoint evaluates each query on its event loop, one at a "
                      "time, and its seconds run until the last request in flight has its answer."]
    return "\n".join(lines) + "\n"


def update_readme(r: dict, path: Path = README) -> None:
    fill_section(path, START, END, summary(r))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load on airm [30]")
    ap.add_argument("--baseline-duration", type=float, default=None,
                    help="seconds of load on the rdflib baseline [same as --duration; 0 skips it]")
    ap.add_argument("--concurrency", type=int, default=8, help="keep-alive connections [8]")
    ap.add_argument("--workers", type=int, default=2, help="airm serve --workers [2]")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help=f"JSON figures [{DEFAULT_OUT.relative_to(HERE.parent)}]")
    ap.add_argument("--update-readme", action="store_true", help="rewrite the load section of benchmarks/README.md")
    ap.add_argument("--no-baseline-warm-up", action="store_true",
                    help="skip running each case once on the baseline first (it is slow)")
    ap.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve_baseline:
        serve_baseline()
        return 0
    if not (0 < args.duration <= 600) or args.concurrency < 1:
        raise SystemExit("--duration must be in (0, 600] seconds and --concurrency at least 1")
    baseline = args.duration if args.baseline_duration is None else min(args.baseline_duration, 600)
    r = run(duration=args.duration, baseline_duration=baseline, concurrency=args.concurrency, workers=args.workers,
            baseline_warm_up=not args.no_baseline_warm_up)
    data = (json.dumps(r, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    from airm.atomic import write_file as atomic_write

    atomic_write(args.out, data)
    os.chmod(args.out, 0o644)  # a figure file to commit and share, not a private temp file
    print(summary(r))
    print(f"figures: {args.out}")
    if args.update_readme:
        update_readme(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
