"""How fast the pages people browse answer: the mitigation browser (first, a middle and the last page, a filter), a
risk's list of mitigations (the browser filtered by a risk, and the risk's own page) and the risk navigator, each
asked for as HTML from a real ``airm serve`` over loopback, one request at a time. Issue 15's target: a median
under 100 ms on the five-source graph. Checked and reported, never asserted.

    python benchmarks/pages.py --workspace WS              # a workspace holding the five imported sources
    python benchmarks/pages.py --import-sources            # import them into a temporary workspace first (minutes)
    python benchmarks/pages.py                             # the embedded graph only (a smoke test)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # beside its sibling scripts
from common import fill_section, machine, versions  # noqa: E402
from load import _start, stop  # noqa: E402

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- pages:results:start -->", "<!-- pages:results:end -->"
TARGET_MS = 100.0


def cases(five_sources: bool) -> list[tuple[str, str]]:
    """(name, path) of each page measured; the risk is MIT subdomain 2.2 on the five sources (87 mitigations)."""
    risk, risk_page = (("2.2", "/id/mit-risk-domain/2.2") if five_sources
                       else ("value misalignment", "/id/llm-safety-risk/value-misalignment"))
    return [
        ("browser, page 1", "/mitigations"),
        ("browser, page 9", "/mitigations?page=9"),
        ("browser, last page", "/mitigations?page=1000000"),
        ("browser, filtered by stage", "/mitigations?stage=lifecycle%3Adeploy"),
        ("risk list (browser by risk)", f"/mitigations?risk={risk.replace(' ', '+')}"),
        ("risk list, page 2", f"/mitigations?risk={risk.replace(' ', '+')}&page=2"),
        ("risk page (/id/)", risk_page),
        ("risk navigator", "/risks"),
    ]


def fetch(base: str, path: str) -> tuple[float, int]:
    """Milliseconds to the last byte of ``path``, and its size; anything but a 200 stops the run."""
    req = urllib.request.Request(base + path, headers={"Accept": "text/html"})
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as resp:
        body = resp.read()
        status = resp.status
    ms = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return ms, len(body)


def measure(base: str, pages: list, repeats: int) -> list[dict]:
    """Each page once to warm up (discarded), then ``repeats`` rounds over all pages, interleaved."""
    for _name, path in pages:
        fetch(base, path)
    times: dict[str, list] = {path: [] for _n, path in pages}
    sizes = {}
    for _ in range(repeats):
        for _name, path in pages:
            ms, size = fetch(base, path)
            times[path].append(ms)
            sizes[path] = size
    out = []
    for name, path in pages:
        t = sorted(times[path])
        out.append({"page": name, "path": path, "n": len(t), "median_ms": round(statistics.median(t), 1),
                    "p90_ms": round(t[min(len(t) - 1, int(0.9 * len(t)))], 1), "min_ms": round(t[0], 1),
                    "max_ms": round(t[-1], 1), "kib": round(sizes[path] / 1024, 1),
                    "under_target": statistics.median(t) < TARGET_MS})
    return out


def run(workspace: str | None, repeats: int, workers: int) -> dict:
    empty = None
    if workspace is None:
        empty = tempfile.TemporaryDirectory(prefix="airm-pages-")  # no imported source: the embedded graph
        workspace = empty.name
    log = Path(tempfile.mkstemp(prefix="airm-pages-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "airm.cli", "serve", "--host", "127.0.0.1", "--port", "0", "--workers", str(workers),
           "--workspace", workspace]
    proc, base = _start(cmd, "airm serve: ", log)
    try:
        five = any((Path(workspace) / "sources").glob("*.nq"))
        figures = measure(base, cases(five), repeats)
    finally:
        stop(proc)
        if empty is not None:
            empty.cleanup()
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(),
            "versions": versions("pyoxigraph", "starlette", "jinja2"), "graph": "five sources" if five else "embedded",
            "workers": workers, "repeats": repeats, "target_ms": TARGET_MS, "pages": figures}


def summary(r: dict) -> str:
    load = r["machine"].get("load_average")
    lines = [f"Pages on the {r['graph']} graph, {r['repeats']} rounds, one request at a time, {r['workers']} "
             f"worker(s); {r['date']}, load average {load} on {r['machine']['cores']} cores.", "",
             "| page | median ms | p90 ms | min ms | KiB | under 100 ms |", "|---|---:|---:|---:|---:|:---:|"]
    for p in r["pages"]:
        lines.append(f"| {p['page']} (`{p['path']}`) | {p['median_ms']} | {p['p90_ms']} | {p['min_ms']} | "
                     f"{p['kib']} | {'yes' if p['under_target'] else 'NO'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workspace", help="a workspace with the five sources imported [none: the embedded graph]")
    ap.add_argument("--import-sources", action="store_true",
                    help="import the five sources of ../shared/reference into a temporary workspace first")
    ap.add_argument("--repeats", type=int, default=30, help="rounds over all pages [30]")
    ap.add_argument("--workers", type=int, default=2, help="airm serve --workers [2]")
    ap.add_argument("--out", type=Path, help="JSON figures [benchmarks/results/pages-<graph>.json]")
    ap.add_argument("--update-readme", action="store_true", help="rewrite the pages section of benchmarks/README.md")
    args = ap.parse_args(argv)
    if not 1 <= args.repeats <= 1000:
        raise SystemExit("--repeats must be between 1 and 1000")
    workspace, tmp = args.workspace, None
    if args.import_sources:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from helpers import REFERENCE, import_all_sources

        tmp = tempfile.TemporaryDirectory(prefix="airm-pages-ws-")
        workspace = str(import_all_sources(REFERENCE, Path(tmp.name)))
    try:
        r = run(workspace, args.repeats, args.workers)
    finally:
        if tmp is not None:
            tmp.cleanup()
    out = args.out or HERE / "results" / f"pages-{'five-sources' if r['graph'] == 'five sources' else 'embedded'}.json"
    from airm.atomic import write_file

    write_file(out, (json.dumps(r, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    os.chmod(out, 0o644)
    text = summary(r)
    print(text)
    print(f"figures: {out}")
    if args.update_readme:
        fill_section(README, START, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
