"""Load with faults: ``airm serve`` under a mixed workload with malformed and pathological requests mixed in.

The server runs in its own process on loopback; this process is the client. Requests go out for a fixed time
(bounded in count too) over keep-alive connections, each connection from its own loopback address (a user each);
every request is drawn, with a fixed seed, from:

- **catalog** (about 70 %): every stored query and test case, as ``GET /queries/NAME?...`` (benchmarks/load.py's
  workload);
- **free SPARQL** (about 18 %): well-formed ad-hoc queries on ``/sparql`` (GET, form POST, direct POST);
- **malformed** (10 %): the HTTP bad-input corpus, ``tests/bad_inputs/http.yaml``, sent as it is (raw bytes included),
  except its cases that are costly on purpose (a timeout, a result over the row limit);
- **pathological** (2 %): ``(p|q)*`` path closures, cross products, regular expressions over pairs, deep nesting, a
  huge result and a 100 MB upload, sent from another loopback address (one hostile client) without holding up the
  other connections.

Checks: zero 5xx (indeed nothing but 200) for valid requests; malformed ones get their 4xx; no pathological request
gets a 2xx, and each ends within the server's --timeout plus a second; the server's memory (the web process and its
query workers) stays flat: the RSS it keeps grows by less than 10 % from the end of the warm-up to the end of the
run. The load pauses at both points until the pool is whole and idle again (workers killed for overrunning
replaced), so that what is compared is memory kept, not the transient memory of a runaway query; RSS under load is
sampled every half second for the peak. Latency percentiles go to a JSON file and, with --update-readme, to
benchmarks/README.md between the load-faults markers.

    python benchmarks/load_faults.py                         # 60 s, writes benchmarks/results/load-faults.json
    python benchmarks/load_faults.py --duration 30 --warm-up 10 --out /tmp/lf.json    # the test's smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import fill_section, machine  # noqa: E402
from load import _percentiles, _start, _versions, read_response, stop, workload  # noqa: E402

DEFAULT_OUT = HERE / "results" / "load-faults.json"
README = HERE / "README.md"
START, END = "<!-- load-faults:results:start -->", "<!-- load-faults:results:end -->"
CORPUS = ROOT / "tests" / "bad_inputs" / "http.yaml"
MAX_RATE = 5000  # requests/s the count bound allows
SHARES = {"pathological": 0.02, "malformed": 0.10, "free": 0.18}  # the rest: catalog
MAX_HOSTILE_IN_FLIGHT = 64
HOSTILE = "127.0.2.1"

FREE = [
    "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20",
    "SELECT ?m ?label WHERE { ?m a airm:Mitigation ; rdfs:label ?label } ORDER BY ?label LIMIT 50",
    "ASK { ?m a airm:Mitigation ; airm:addresses ?r }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?r ?label WHERE { ?r a airm:Risk ; rdfs:label ?label FILTER(CONTAINS(LCASE(?label), 'privacy')) }",
    "CONSTRUCT { ?m rdfs:label ?l } WHERE { ?m a airm:Mitigation ; rdfs:label ?l } LIMIT 100",
    "DESCRIBE <https://w3id.org/airm/id/mitigation/shi2024-alignment-training>",
    "SELECT ?s WHERE { ?s skos:broader+ ?top } LIMIT 100",
]
LINKS = ("(skos:broader|^skos:broader|skos:narrower|^skos:narrower|rdfs:subClassOf|^rdfs:subClassOf|airm:addresses|"
         "^airm:addresses|skos:exactMatch|^skos:exactMatch|rdf:type|^rdf:type)")
PATHOLOGICAL = {
    "path-closure": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {LINKS}* ?b . ?c {LINKS}* ?d }}",
    "negated-path-closure": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:q>)* ?b . ?b (!<urn:r>)* ?c }",
    "cross-product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "regex-on-pairs": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y FILTER(isLiteral(?x) && isLiteral(?y) "
                      "&& REGEX(CONCAT(STR(?x), STR(?y)), '(a|e|i|o|u)+.*(x|y|z)+$')) }",
    "deep-nesting": "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "huge-result": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
    "upload-100mb": None,  # a chunked 100 MB body
}


# --- requests -----------------------------------------------------------------------------------------------------

def malformed_requests() -> list[dict]:
    """The HTTP bad-input corpus as raw requests, with the status each must get (cases meant to time out left out)."""
    import yaml

    sys.path.insert(0, str(ROOT / "tests"))
    from server.test_bad_inputs_http import build_request, raw_bytes

    out = []
    for case in yaml.safe_load(CORPUS.read_text(encoding="utf-8")):
        if case["status"] >= 500 or case.get("kind") == "result-too-large":
            continue  # costly on purpose: the pathological share has its own
        if "raw" in case or "raw_hex" in case:
            out.append({"name": case["id"], "raw": raw_bytes(case), "expect": case["status"]})
            continue
        method, path, headers, body = build_request(case)
        out.append({"name": case["id"], "method": method, "path": path, "headers": headers, "body": body,
                    "expect": case["status"]})
    return out


def free_requests() -> list[dict]:
    out = []
    for i, text in enumerate(FREE):
        graph = text.startswith(("CONSTRUCT", "DESCRIBE"))
        accept = "text/turtle" if graph else "application/sparql-results+json"
        how = i % 3
        if how == 0:
            out.append({"name": f"free-{i}-get", "method": "GET", "path": "/sparql?" + urlencode({"query": text}),
                        "headers": {"Accept": accept}, "body": None})
        elif how == 1:
            out.append({"name": f"free-{i}-form", "method": "POST", "path": "/sparql", "body":
                        urlencode({"query": text}).encode(), "headers": {
                            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}})
        else:
            out.append({"name": f"free-{i}-direct", "method": "POST", "path": "/sparql", "body": text.encode(),
                        "headers": {"Accept": accept, "Content-Type": "application/sparql-query"}})
    return out


def catalog_requests(kg) -> list[dict]:
    return [{"name": c["name"], "method": "GET", "path": c["airm"], "headers": {"Accept": c["accept"]}, "body": None}
            for c in workload(kg)]


def pathological_requests() -> list[dict]:
    out = []
    for name, text in PATHOLOGICAL.items():
        if text is None:
            out.append({"name": name, "method": "POST", "path": "/sparql", "upload": 100 * 1024 * 1024,
                        "headers": {"Content-Type": "application/sparql-query"}})
        else:
            out.append({"name": name, "method": "POST", "path": "/sparql", "body": text.encode(),
                        "headers": {"Accept": "text/csv", "Content-Type": "application/sparql-query"}})
    return out


# --- a small HTTP/1.1 client ------------------------------------------------------------------------------------------

def head_bytes(req: dict, host: str) -> bytes:
    headers = {"Host": host, "User-Agent": "airm-load-faults", **(req.get("headers") or {})}
    if req.get("upload"):
        headers["Transfer-Encoding"] = "chunked"
    elif req.get("body") is not None:
        headers["Content-Length"] = str(len(req["body"]))
    lines = [f"{req['method']} {req['path']} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


async def exchange(reader, writer, req: dict, host: str) -> tuple[int, dict, bytes]:
    """Send one request (a raw one as it is; an upload chunk by chunk until the server answers) and read the answer."""
    if "raw" in req:
        writer.write(req["raw"])
        try:
            await writer.drain()
        except (ConnectionError, OSError):
            pass  # the server may refuse before reading it all: its answer is still to be read
        return await read_response(reader)
    writer.write(head_bytes(req, host))
    if req.get("upload"):
        answer = asyncio.ensure_future(read_response(reader))
        piece = b"#" * (1024 * 1024)
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        sent = 0
        try:
            while sent < req["upload"] and not answer.done():
                writer.write(chunk)
                await writer.drain()
                sent += len(piece)
            if not answer.done():
                writer.write(b"0\r\n\r\n")
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        status, headers, body = await answer
        headers["connection"] = "close"  # the rest of the body may still be in flight: never reuse this connection
        return status, headers, body
    if req.get("body") is not None:
        writer.write(req["body"])
    await writer.drain()
    return await read_response(reader)


# --- memory ---------------------------------------------------------------------------------------------------------

def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def health_async(base: str) -> dict:
    url = urlsplit(base)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(f"GET /health HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    _status, _h, body = await asyncio.wait_for(read_response(reader), 10)
    writer.close()
    return json.loads(body)


async def rss_now(web_pid: int, base: str) -> dict:
    pids = (await health_async(base))["pids"]
    return {"t": time.monotonic(), "web_kb": rss_kb(web_pid), "workers_kb": sum(rss_kb(p) for p in pids),
            "workers": len(pids)}


async def sample_memory(web_pid: int, base: str, stop: asyncio.Event, samples: list) -> None:
    """Every half second while the load runs: the RSS of the web process and of the query workers in /health."""
    while not stop.is_set():
        try:
            samples.append(await rss_now(web_pid, base))
        except (TimeoutError, OSError, ValueError, ConnectionError, KeyError):
            pass
        await asyncio.sleep(0.5)


async def quiet_rss(web_pid: int, base: str, workers: int) -> dict:
    """The memory the server keeps: once the load has stopped and the pool is whole and idle again (replacements
    for killed workers loaded), the median of five samples. Comparing two such points measures what was retained,
    not the transient memory of whichever runaway query happened to be running."""
    import statistics

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        h = await health_async(base)
        if len(h["pids"]) == workers and h["waiting"] == 0 and h.get("clients", 0) == 0:
            break
        await asyncio.sleep(0.25)
    await asyncio.sleep(1.0)
    samples = []
    for _ in range(5):
        samples.append(await rss_now(web_pid, base))
        await asyncio.sleep(0.3)
    return {"web_kb": statistics.median(x["web_kb"] for x in samples),
            "workers_kb": statistics.median(x["workers_kb"] for x in samples),
            "total_kb": statistics.median(x["web_kb"] + x["workers_kb"] for x in samples)}


def memory_summary(samples: list, after_warm_up: dict, end: dict) -> dict:
    def mb(kb):
        return round(kb / 1024, 1)

    out = {"samples_under_load": len(samples)}
    for key, peak_key, name, label in (("total_kb", None, "server", "web process and query workers"),
                                       ("web_kb", "web_kb", "web", "web process")):
        peaks = [x["web_kb"] + x["workers_kb"] if peak_key is None else x[peak_key] for x in samples]
        out[name] = {
            "what": label,
            "after_warm_up_mb": mb(after_warm_up[key]),
            "end_mb": mb(end[key]),
            "peak_under_load_mb": mb(max(peaks)) if peaks else None,
            "growth_pct": round((end[key] / after_warm_up[key] - 1) * 100, 1) if after_warm_up[key] else None,
        }
    return out


# --- the run ----------------------------------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.by_class: dict[str, dict] = {}
        self.examples: list[str] = []

    def add(self, cls: str, name: str, status: int | str, seconds: float | None, ok: bool, detail: str = ""):
        c = self.by_class.setdefault(cls, {"latencies": [], "statuses": {}, "failures": 0, "requests": 0})
        c["requests"] += 1
        c["statuses"][str(status)] = c["statuses"].get(str(status), 0) + 1
        if seconds is not None:
            c["latencies"].append(seconds)
        if not ok:
            c["failures"] += 1
            if len(self.examples) < 12:
                self.examples.append(f"{cls} {name}: {status} {detail[:200]}")


def check(cls: str, req: dict, status: int, body: bytes, seconds: float, timeout: float) -> tuple[bool, str]:
    text = body[:300].decode("utf-8", "replace")
    if cls in ("catalog", "free"):
        return status == 200 and bool(body or req["headers"].get("Accept") == "text/turtle"), text
    if cls == "malformed":
        return status == req["expect"], f"expected {req['expect']}: {text}"
    # pathological: never a 2xx, an error message, within the limit plus a second
    ok = not 200 <= status < 300 and status in (400, 413, 503) and seconds <= timeout + 1.0
    return ok, f"{seconds:.2f} s: {text}"


async def drive(base: str, pools: dict, *, duration: float, concurrency: int, seed: int, timeout: float,
                stats: Stats) -> dict:
    url = urlsplit(base)
    host = url.netloc
    rng = random.Random(seed)
    start = time.monotonic()
    stop_at = start + duration
    counter = [0]
    max_requests = int(duration * MAX_RATE)
    hostile: set[asyncio.Task] = set()
    skipped = [0]

    def draw() -> tuple[str, dict]:
        x = rng.random()
        if x < SHARES["pathological"]:
            cls = "pathological"
        elif x < SHARES["pathological"] + SHARES["malformed"]:
            cls = "malformed"
        elif x < SHARES["pathological"] + SHARES["malformed"] + SHARES["free"]:
            cls = "free"
        else:
            cls = "catalog"
        return cls, rng.choice(pools[cls])

    async def one_hostile(req: dict):
        t0 = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(url.hostname, url.port, local_addr=(HOSTILE, 0))
            status, _h, body = await asyncio.wait_for(exchange(reader, writer, req, host), timeout + 30)
            writer.close()
        except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as e:
            stats.add("pathological", req["name"], type(e).__name__, None, False, str(e))
            return
        dt = time.perf_counter() - t0
        ok, detail = check("pathological", req, status, body, dt, timeout)
        stats.add("pathological", req["name"], status, dt, ok, detail)

    async def user(k: int):
        source = f"127.0.1.{k + 1}"
        reader = writer = None
        while time.monotonic() < stop_at and counter[0] < max_requests:
            counter[0] += 1
            cls, req = draw()
            if cls == "pathological":
                if len(hostile) >= MAX_HOSTILE_IN_FLIGHT:
                    skipped[0] += 1
                    continue
                task = asyncio.ensure_future(one_hostile(req))
                hostile.add(task)
                task.add_done_callback(hostile.discard)
                continue
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(url.hostname, url.port, local_addr=(source, 0))
                t0 = time.perf_counter()
                status, headers, body = await asyncio.wait_for(exchange(reader, writer, req, host), timeout + 30)
                dt = time.perf_counter() - t0
                if headers.get("connection", "").lower() == "close" or "raw" in req:
                    writer.close()
                    writer = None
            except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as e:
                # a raw request the server refuses before reading it all (an oversized header) may end in a reset:
                # the server closed with unread bytes pending, and the kernel's reset can overtake its 400
                refused = "raw" in req and req["expect"] == 400 and isinstance(e, ConnectionResetError)
                stats.add(cls, req["name"], "reset" if refused else type(e).__name__, None, refused, str(e))
                if writer is not None:
                    writer.close()
                writer = None
                continue
            ok, detail = check(cls, req, status, body, dt, timeout)
            stats.add(cls, req["name"], status, dt, ok, detail)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(user(k) for k in range(concurrency)))
    sent_until = time.monotonic()
    if hostile:
        await asyncio.wait(list(hostile), timeout=timeout + 60)
    return {"seconds": round(sent_until - start, 2), "issued": counter[0], "pathological_skipped": skipped[0]}


async def each_once(base: str, pools: dict, timeout: float, stats: Stats) -> None:
    """Every catalog case, free query and malformed case once, and the pathological requests the web process itself
    handles (the upload, the nesting), one after another at the start of the warm-up: every code path has run, and
    the web process has read an upload, before the memory baseline is taken."""
    url = urlsplit(base)
    cheap_faults = [r for r in pools["pathological"] if r["name"] in ("upload-100mb", "deep-nesting")]
    for cls, requests in (("catalog", pools["catalog"]), ("free", pools["free"]), ("malformed", pools["malformed"]),
                          ("pathological", cheap_faults)):
        for req in requests:
            source = HOSTILE if cls == "pathological" else "127.0.1.200"
            reader, writer = await asyncio.open_connection(url.hostname, url.port, local_addr=(source, 0))
            t0 = time.perf_counter()
            try:
                status, _h, body = await asyncio.wait_for(exchange(reader, writer, req, url.netloc), timeout + 30)
            except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as e:
                refused = "raw" in req and req.get("expect") == 400 and isinstance(e, ConnectionResetError)
                stats.add(cls, req["name"], "reset" if refused else type(e).__name__, None, refused, str(e))
                continue
            finally:
                writer.close()
            dt = time.perf_counter() - t0
            ok, detail = check(cls, req, status, body, dt, timeout)
            stats.add(cls, req["name"], status, dt, ok, detail)


def health(base: str) -> dict:
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base + "/health", timeout=30) as resp:
        return json.loads(resp.read())


def run(*, duration: float, warm_up: float, concurrency: int, workers: int, timeout: float, seed: int) -> dict:
    import airm

    kg = airm.load()
    pools = {"catalog": catalog_requests(kg), "free": free_requests(), "malformed": malformed_requests(),
             "pathological": pathological_requests()}
    stats, once = Stats(), Stats()  # the drawn mix; the once-over pass at the start (kept apart: not in the shares)
    with tempfile.TemporaryDirectory(prefix="airm-load-faults-") as tmp:
        cmd = [sys.executable, "-m", "airm.cli", "serve", "--host", "127.0.0.1", "--port", "0",
               "--workers", str(workers), "--timeout", str(timeout)]
        proc, base = _start(cmd, "airm serve: ", Path(tmp) / "airm.log")
        try:
            before = health(base)

            async def main():
                samples: list = []
                stop_sampling = asyncio.Event()
                sampler = asyncio.ensure_future(sample_memory(proc.pid, base, stop_sampling, samples))
                t0 = time.monotonic()
                await each_once(base, pools, timeout, once)
                warm_left = max(1.0, warm_up - (time.monotonic() - t0))
                first = await drive(base, pools, duration=warm_left, concurrency=concurrency, seed=seed,
                                    timeout=timeout, stats=stats)
                first["seconds"] = round(time.monotonic() - t0, 2)
                baseline = await quiet_rss(proc.pid, base, workers)
                second = await drive(base, pools, duration=duration - warm_up, concurrency=concurrency,
                                     seed=seed + 1, timeout=timeout, stats=stats)
                stop_sampling.set()
                await sampler
                end = await quiet_rss(proc.pid, base, workers)
                timing = {"seconds": round(first["seconds"] + second["seconds"], 2),
                          "warm_up_seconds": first["seconds"], "issued": first["issued"] + second["issued"],
                          "pathological_skipped": first["pathological_skipped"] + second["pathological_skipped"]}
                return timing, memory_summary(samples, baseline, end)

            timing, memory = asyncio.run(main())
            after = health(base)
            alive = proc.poll() is None
        finally:
            stop(proc)
            log_tail = (Path(tmp) / "airm.log").read_text(errors="replace").splitlines()
    tracebacks = sum("Traceback" in line for line in log_tail)
    first_error = []
    for i, line in enumerate(log_tail):
        if "Traceback" in line or (line.startswith(("ERROR", "WARNING")) and not first_error):
            first_error = [x for x in log_tail[max(0, i - 2):i + 80] if not x.startswith("{")]
            break
    classes = {}
    for cls in ("catalog", "free", "malformed", "pathological"):
        c = stats.by_class.get(cls, {"latencies": [], "statuses": {}, "failures": 0, "requests": 0})
        classes[cls] = {"requests": c["requests"], "failures": c["failures"],
                        "statuses": dict(sorted(c["statuses"].items())), "latency_ms": _percentiles(c["latencies"])}
    everything = [x for c in stats.by_class.values() for x in c["latencies"]]
    total = sum(c["requests"] for c in classes.values())
    valid = [classes["catalog"], classes["free"]]
    valid_5xx = sum(n for c in valid for s, n in c["statuses"].items() if s.isdigit() and int(s) >= 500)
    result = {
        "what": "mixed workload with faults: catalog queries, free SPARQL, 10 % malformed (the HTTP bad-input "
                "corpus) and 2 % pathological requests (from a separate client address), keep-alive connections "
                "on loopback, client and server in separate processes",
        "machine": machine(),
        "versions": _versions(),
        "graph": {"triples": len(kg), "catalog_cases": len(pools["catalog"]), "free_queries": len(pools["free"]),
                  "malformed_cases": len(pools["malformed"]), "pathological_kinds": len(pools["pathological"])},
        "settings": {"duration_s": duration, "warm_up_s": warm_up, "concurrency": concurrency, "airm_workers": workers,
                     "timeout_s": timeout, "seed": seed, "shares": SHARES},
        "requests": total,
        "requests_per_s": round(total / timing["seconds"], 1) if timing["seconds"] else 0.0,
        "timing": timing,
        "shares_observed": {cls: round(c["requests"] / total, 4) if total else 0 for cls, c in classes.items()},
        "latency_ms": _percentiles(everything),
        "classes": classes,
        "once_over_pass": {"requests": sum(c["requests"] for c in once.by_class.values()),
                           "failures": sum(c["failures"] for c in once.by_class.values()),
                           "failure_examples": once.examples},
        "valid_5xx": valid_5xx,
        "valid_failures": sum(c["failures"] for c in valid),
        "failure_examples": stats.examples,
        "memory": memory,
        "workers_replaced": after["replaced"] - before["replaced"],
        "server_alive_after": alive,
        "server_tracebacks": tracebacks,
        "server_log_first_error": "\n".join(first_error)[-6000:] or None,
    }
    growth = [memory[k]["growth_pct"] for k in ("server", "web")]  # the web process alone: for information
    result["checks"] = {
        "zero_5xx_for_valid_requests": valid_5xx == 0,
        "valid_requests_all_200": result["valid_failures"] == 0,
        "every_case_once_as_expected": result["once_over_pass"]["failures"] == 0,
        "malformed_get_their_4xx": classes["malformed"]["failures"] == 0,
        "pathological_never_2xx_and_in_time": classes["pathological"]["failures"] == 0,
        "rss_growth_under_10_pct": growth[0] is not None and growth[0] < 10.0,  # the server: all its processes
        "server_alive": alive,
        "no_traceback_in_server_log": tracebacks == 0,
    }
    result["ok"] = all(result["checks"].values())
    return result


def summary(r: dict) -> str:
    s = r["settings"]
    lines = [f"Embedded graph, {r['graph']['triples']:,} triples; `airm serve --workers {s['airm_workers']} "
             f"--timeout {s['timeout_s']:g}`; {s['concurrency']} keep-alive connections (one loopback address each) "
             f"plus one hostile address for the pathological requests; {s['duration_s']:g} s, warm-up "
             f"{s['warm_up_s']:g} s, which starts with one pass over every case "
             f"({r['once_over_pass']['requests']} requests, {r['once_over_pass']['failures']} failures); "
             f"{r['machine']['cores']} cores. {r['requests']:,} requests drawn ({r['requests_per_s']:,}/s); "
             f"{r['workers_replaced']} workers replaced after overruns.", "",
             "| requests | share | count | statuses | failures | p50 ms | p90 ms | p99 ms | max ms |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    for cls, label in (("catalog", "catalog queries"), ("free", "free SPARQL"), ("malformed", "malformed"),
                       ("pathological", "pathological")):
        c, lat = r["classes"][cls], r["classes"][cls]["latency_ms"]
        statuses = ", ".join(f"{k}: {v:,}" for k, v in c["statuses"].items())
        lines.append(f"| {label} | {r['shares_observed'][cls] * 100:.1f} % | {c['requests']:,} | {statuses} | "
                     f"{c['failures']} | {lat['p50']} | {lat['p90']} | {lat['p99']} | {lat['max']} |")
    m = r["memory"]
    lines += ["", f"Memory kept (RSS once the load pauses and the pool is whole and idle again): the server (web "
                  f"process and query workers) {m['server']['after_warm_up_mb']} MB after the warm-up, "
                  f"{m['server']['end_mb']} MB at the end ({m['server']['growth_pct']:+} %); the web process alone "
                  f"{m['web']['after_warm_up_mb']} → {m['web']['end_mb']} MB ({m['web']['growth_pct']:+} %). Peak "
                  f"under load, runaway queries included: {m['server']['peak_under_load_mb']} MB.",
              "", "Checks: " + ", ".join(f"{k.replace('_', ' ')}: {'yes' if v else 'NO'}"
                                         for k, v in r["checks"].items()) + "."]
    return "\n".join(lines) + "\n"


def update_readme(r: dict, path: Path = README) -> None:
    fill_section(path, START, END, summary(r))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load [60]")
    ap.add_argument("--warm-up", type=float, default=10.0, help="seconds before the memory baseline [10]")
    ap.add_argument("--concurrency", type=int, default=8, help="keep-alive connections, one address each [8]")
    ap.add_argument("--workers", type=int, default=2, help="airm serve --workers [2]")
    ap.add_argument("--timeout", type=float, default=3.0, help="airm serve --timeout, seconds [3]")
    ap.add_argument("--seed", type=int, default=7, help="the draw of requests [7]")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON figures [{DEFAULT_OUT.relative_to(ROOT)}]")
    ap.add_argument("--update-readme", action="store_true",
                    help="rewrite the load-faults section of benchmarks/README.md")
    args = ap.parse_args(argv)
    if not (0 < args.duration <= 600) or not (0 <= args.warm_up < args.duration) or args.concurrency < 1 \
            or not 0 < args.timeout <= 60:
        raise SystemExit("--duration in (0, 600], --warm-up in [0, duration), --concurrency >= 1, --timeout in (0, 60]")
    r = run(duration=args.duration, warm_up=args.warm_up, concurrency=min(args.concurrency, 250),
            workers=args.workers, timeout=args.timeout, seed=args.seed)
    from airm.atomic import write_file as atomic_write

    atomic_write(args.out, (json.dumps(r, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    os.chmod(args.out, 0o644)
    print(summary(r))
    print(f"figures: {args.out}")
    if args.update_readme:
        update_readme(r)
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
