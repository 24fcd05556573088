"""Load with faults: benchmarks/load_faults.py from a second process drives a real ``airm serve`` (2 workers,
--timeout 3) with catalog queries, free SPARQL, 10 % malformed and 2 % pathological requests. The benchmark's own
run lasts 60 s; this test runs it for 30 s with a 10 s warm-up (a smoke run, bounded and on loopback) and checks the
same things: zero 5xx for valid requests, malformed requests get their 4xx, no pathological request gets a 2xx or
overruns its limit by more than a second, the memory the server keeps (RSS with the pool whole and idle, after the
warm-up and at the end) grows by less than 10 %, and latency percentiles are recorded. Deselect with
``-m "not slow"``; CI runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .serving import ROOT

DURATION, WARM_UP = 30, 10  # a 5 s warm-up ends before the web process reaches its plateau (10-20 % "growth")


@pytest.mark.slow
def test_load_with_faults(tmp_path):
    out = tmp_path / "load-faults.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "load_faults.py"), "--duration", str(DURATION),
                           "--warm-up", str(WARM_UP), "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert out.is_file(), proc.stderr[-3000:]
    r = json.loads(out.read_text())
    print(proc.stdout)
    assert r["valid_5xx"] == 0, r["failure_examples"]
    assert r["checks"]["valid_requests_all_200"], r["failure_examples"]
    assert r["checks"]["malformed_get_their_4xx"], r["failure_examples"]
    assert r["checks"]["pathological_never_2xx_and_in_time"], r["failure_examples"]
    assert r["checks"]["rss_growth_under_10_pct"], r["memory"]
    assert r["server_alive_after"] and r["server_tracebacks"] == 0, r["server_log_first_error"]
    assert r["ok"] and proc.returncode == 0
    # the mix really was a mix: every kind of request took part, in about the shares asked for
    classes = r["classes"]
    assert r["timing"]["seconds"] >= DURATION - 1
    assert all(classes[c]["requests"] > 0 for c in ("catalog", "free", "malformed", "pathological"))
    assert 0.07 <= r["shares_observed"]["malformed"] <= 0.13
    assert 0.01 <= r["shares_observed"]["pathological"] <= 0.035
    assert r["workers_replaced"] > 0  # pathological queries did overrun and cost their workers
    for c in classes.values():
        assert c["latency_ms"]["p99"] is not None and c["latency_ms"]["p50"] <= c["latency_ms"]["p99"]
    assert r["memory"]["samples_under_load"] >= DURATION
