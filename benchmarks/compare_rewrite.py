"""A stored query's rewrite against the text of another git ref, raw pyoxigraph on a built graph in memory, in one
process: the same store, the same bound parameters, each run in a forked child killed at --cap seconds (pyoxigraph
has no timeout). Prints wall and CPU ms (under load, compare CPU) and whether the rows are the same.

    python benchmarks/compare_rewrite.py CACHE.nq taxonomy-tree gap-summary-by-domain --old-ref main

CACHE.nq is a build's N-Quads cache dump (airm.load(files=[...]) writes it under $AIRM_CACHE_DIR)."""

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

import airm
from airm import catalog
from airm.engines import _prefixes
from airm.sparql.binding import bind_values


def _old_catalog(names, ref: str):
    folder = Path(tempfile.mkdtemp()) / "queries"
    folder.mkdir()
    for name in names:
        text = subprocess.run(["git", "show", f"{ref}:queries/{name}.rq"], capture_output=True, text=True,
                              check=True).stdout
        (folder / f"{name}.rq").write_text(text, encoding="utf-8")
    return catalog.catalog(folder)


def _rows(store, text):
    res = store.query(text, use_default_graph_as_union=True, prefixes=_prefixes())
    return [tuple(None if s[v] is None else str(s[v]) for v in res.variables) for s in res]


def _child(store, text, repeats, cap, conn):
    times, out = [], None
    for _ in range(repeats + 1):  # the first run warms up
        t, c = time.perf_counter(), time.process_time()
        out = _rows(store, text)
        times.append((time.perf_counter() - t, time.process_time() - c))
        if sum(x[0] for x in times) > cap:
            break
    conn.send((times[1:] or times, out))


def _timed(store, text, repeats, cap):
    """(times, rows), or (None, None) past the cap."""
    parent, kid = mp.Pipe()
    p = mp.get_context("fork").Process(target=_child, args=(store, text, repeats, cap, kid))
    p.start()
    got = parent.recv() if parent.poll(cap) else (None, None)
    p.kill()
    p.join()
    return got


def _fmt(result, cap) -> str:
    times, rows = result
    if times is None:
        return f"> {cap:g} s"
    wall, cpu = (statistics.median(x[i] for x in times) * 1000 for i in (0, 1))
    return f"{wall:.0f} ms wall, {cpu:.0f} ms CPU, {len(rows)} rows"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nq")
    ap.add_argument("names", nargs="+")
    ap.add_argument("--cap", type=float, default=30, help="seconds per case and text")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--old-ref", default="main")
    a = ap.parse_args(argv)
    cats = {"old": _old_catalog(a.names, a.old_ref), "new": catalog.catalog()}
    small = airm.load()  # parameters resolve on the embedded graph (the generated one holds it too)
    store = ox.Store()
    store.bulk_load(path=a.nq, format=ox.RdfFormat.N_QUADS)
    for name in a.names:
        for case, params in cats["new"][name].cases():
            res = {}
            for label, cat in cats.items():
                bound = catalog.bind_params(small, cat[name], dict(params))
                text = bind_values(cat[name].text, bound, verify=False) if bound else cat[name].text
                res[label] = _timed(store, text, a.repeats, a.cap)
            old, new = res["old"][1], res["new"][1]
            same = "?" if old is None or new is None else ("yes" if old == new else
                                                          "as a set" if sorted(old) == sorted(new) else "NO")
            print(f"{name} ({case}): old {_fmt(res['old'], a.cap)} | new {_fmt(res['new'], a.cap)} | same: {same}",
                  flush=True)
    print("load average", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
