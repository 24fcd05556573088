"""Smoke tests of the benchmark (benchmarks/): the generator and a --quick run. No timing is asserted here.

The figures themselves come from ``make bench`` (benchmarks/README.md); these tests only check that the generator
makes a valid, deterministic graph of the requested size that gives every catalog query work to do, and that the
benchmark runs end to end and writes its figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from helpers import ROOT

BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import run  # noqa: E402

AIRM = "https://w3id.org/airm#"
SIZE = 2000


@pytest.fixture(scope="module")
def vocab(kg):
    return generate.read_vocab(kg.store)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, vocab):
    path = tmp_path_factory.mktemp("bench") / "generated.ttl"
    info = generate.write(path, SIZE, seed=7, vocab=vocab)
    return path, info


def test_generator_gives_the_requested_size(generated):
    path, info = generated
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(triples) == info["triples"]
    assert SIZE <= len(triples) <= SIZE * 1.1, "the graph should be the requested size, a few percent over at most"


def test_generator_is_deterministic(generated, vocab, tmp_path):
    path, _ = generated
    again = tmp_path / "again.ttl"
    generate.write(again, SIZE, seed=7, vocab=vocab)
    assert again.read_bytes() == path.read_bytes()
    other = tmp_path / "other.ttl"
    generate.write(other, SIZE, seed=8, vocab=vocab)
    assert other.read_bytes() != path.read_bytes(), "the seed should change the graph"


def test_generator_scales(vocab):
    small, small_info = generate.generate(1000, vocab=vocab)
    large, large_info = generate.generate(20_000, vocab=vocab)
    assert 1000 <= len(small) <= 1100 and 20_000 <= len(large) <= 22_000
    assert large_info["mitigations"] > 10 * small_info["mitigations"], "mitigations grow with the size"


def test_generated_graph_is_shaped_like_the_real_one(generated, vocab):
    path, _ = generated
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    types = Counter(t.object.value for t in triples if t.predicate.value.endswith("#type"))
    for cls in ("Mitigation", "RiskEntry", "RiskAddressing", "Technique", "RiskCategory"):
        assert types[AIRM + cls] > 0, f"no airm:{cls} generated"
    objects = {t.predicate.value: set() for t in triples}
    for t in triples:
        objects[t.predicate.value].add(t.object.value)
    # classified against the real curated schemes, sentinels included
    assert objects[AIRM + "mitigationCategory"] & set(vocab.mtax)
    assert objects[AIRM + "mitigationCategory"] & set(vocab.mtaxp)
    assert objects[AIRM + "lifecycleStage"] & set(vocab.stage_sentinels)
    assert objects[AIRM + "riskCategory"] <= set(vocab.subdomains) | set(vocab.domain_sentinels)
    assert objects[AIRM + "causalEntity"] <= set(vocab.causal["entity"][0]) | set(vocab.causal["entity"][1])
    assert objects[AIRM + "extractedFrom"] & set(vocab.documents), "some mitigations come from the real documents"
    assert any(p.endswith("closeMatch") for p in objects) and any(p.endswith("exactMatch") for p in objects)


def test_generated_graph_loads_and_conforms(generated):
    import airm

    path, _ = generated
    kg = airm.load(files=[path])
    report = airm.validate(kg)
    assert report.conforms, report.to_text()


def test_every_catalog_query_has_work_on_the_generated_graph(generated):
    """Each stored query returns rows for at least one of its benchmark cases (else the benchmark measures nothing)."""
    import airm

    path, _ = generated
    kg = airm.load(files=[path])
    rows: dict[str, int] = {}
    for name, _case, params in run.query_cases():
        result = kg.query(name, **params)
        rows[name] = max(rows.get(name, 0), run._count(result) if result.kind != "ask" else 1)
    empty = sorted(n for n, count in rows.items() if count == 0)
    assert not empty, f"queries with no rows on the generated graph (extend benchmarks/generate.py): {empty}"


def test_worker_is_killed_at_its_deadline(tmp_path):
    import os

    log = open(tmp_path / "worker.log", "wb")
    env = dict(os.environ)
    worker = run.Worker(env, log)
    try:
        with pytest.raises(run.WorkerTimeout):
            worker.call("open", 0.001, files=[])
        assert worker.proc.poll() is not None, "a worker past its deadline is killed"
    finally:
        worker.kill()
        log.close()


@pytest.mark.slow
def test_quick_run_writes_its_figures(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# figures\n\n{run.MARK_START}\nSTALE-FIGURES\n{run.MARK_END}\n\nafter\n", encoding="utf-8")
    out = tmp_path / "quick.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--no-embedded", "--out", str(out), "--readme", str(readme)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["settings"]["quick"] is True
    for key in ("machine", "versions", "date", "verdict"):
        assert report[key]
    (graph,) = report["graphs"]
    assert graph["generated_triples"] >= 2000 and graph["size"]["quads"] > graph["generated_triples"]
    assert graph["open"]["airm_warm_s"] > 0 and graph["open"]["rdflib_parse_turtle_s"] > 0
    from airm import catalog

    measured = {r["query"] for r in graph["queries"]}
    assert measured == set(catalog.catalog()), "every stored query is measured"
    for r in graph["queries"]:
        assert r["airm"].get("median_ms", 0) > 0, r
        assert r["rdflib"].get("median_ms", 0) > 0 or r["rdflib"].get("timeout"), r
        assert r["rows_agree"] is not False, f"{r['query']} ({r['case']}): the engines disagree"
    text = readme.read_text(encoding="utf-8")
    assert "STALE-FIGURES" not in text and text.endswith("after\n") and "whole catalog" in text
    assert "whole catalog" in proc.stdout


@pytest.mark.slow
def test_raw_comparison_times_every_case_on_the_same_text(tmp_path):
    """benchmarks/raw.py: each case through the on-disk and in-memory paths and raw pyoxigraph, with the same rows
    on all three (the raw side runs the text the engine was handed); figures only, nothing timed here."""
    out = tmp_path / "raw.json"
    command = [sys.executable, str(BENCH / "raw.py"), "--quick", "--graphs", "generated", "--out", str(out)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    (graph,) = report["graphs"]
    assert graph["open"]["quads"] > 2000 and graph["default_open"] in ("mem", "disk")
    from airm import catalog

    assert {r["query"] for r in graph["queries"]} == set(catalog.catalog()), "every stored query is measured"
    for r in graph["queries"]:
        assert "error" not in r, r
        assert r["disk"]["median_ms"] > 0 and r["mem"]["median_ms"] > 0 and r["raw"]["median_ms"] > 0, r
        assert r["disk_rows"] == r["mem_rows"] == r["raw_rows"], f"{r['query']} ({r['case']}): rows differ"
        assert r["mem_ratio"] > 0 and isinstance(r["mem_within_target"], bool)
    assert "| query (case) |" in proc.stdout


def test_scale_run_at_a_small_size_writes_its_figures(tmp_path):
    """benchmarks/scale.py (the 1M figures of `make bench`) end to end on a small graph: every step measured in its
    own process, every catalog case timed, the README section filled between its markers."""
    import scale

    readme = tmp_path / "README.md"
    readme.write_text(f"# figures\n\n{scale.MARK_START}\nSTALE\n{scale.MARK_END}\n\nafter\n", encoding="utf-8")
    out = tmp_path / "scale.json"
    import os

    import airm

    src = str(Path(airm.__file__).resolve().parents[1])  # the airm under test, whatever the cwd
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(BENCH / "scale.py"), "--triples", "3000", "--repeats", "1",
                           "--no-virtuoso", "--out", str(out), "--readme", str(readme)],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["triples"] >= 3000
    for step in ("bulk", "cold", "validate"):
        assert "error" not in report[step], report[step]
        assert report[step]["wall_s"] > 0 and report[step]["peak_mb"] > 0
    assert report["cold"]["quads"] > report["bulk"]["quads"]  # the embedded data, entailments and catalog too
    assert set(report["cold"]["stages"]) == {"parse", "dedupe", "inference", "reach", "cache"}
    assert report["validate"]["conforms"] is True
    from airm import catalog

    cases = {f"{name} ({case})" for name, q in catalog.catalog().items() for case, _p in q.cases()}
    assert set(report["queries"]) == cases, report["queries"].get("error")
    assert all(c["median_ms"] is not None and c["rows"] is not None for c in report["queries"].values())
    assert all(c["raw_ms"] is not None for c in report["queries"].values())  # raw pyoxigraph on the same text
    assert report["validate"]["engine"] == "prefilter"
    text = readme.read_text(encoding="utf-8")
    assert "STALE" not in text and text.endswith("after\n") and "airm cold load" in text and "| raw ms |" in text

    # one step again: the other steps' figures are kept from the earlier run of the same size and seed
    proc = subprocess.run([sys.executable, str(BENCH / "scale.py"), "--triples", "3000", "--steps", "validate",
                           "--out", str(out), "--readme", str(readme)],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = json.loads(out.read_text(encoding="utf-8"))
    assert again["queries"] == report["queries"] and again["cold"] == report["cold"]
    assert again["validate"]["conforms"] is True and set(again["dates"]) >= {"validate", "cold"}


@pytest.mark.slow
def test_scale_virtuoso_step_pushes_and_compares_every_catalog_case(tmp_path):
    """scale.py's virtuoso step on a small graph: the build pushed to Oxigraph's server and to Virtuoso, then every
    catalog case given a status on Virtuoso against the embedded rows (which status is Virtuoso's business)."""
    import os

    from oxigraph_server import oxigraph_binary
    from virtuoso_server import virtuoso_binary

    if virtuoso_binary() is None or oxigraph_binary() is None:
        pytest.skip("the virtuoso step needs Virtuoso and Oxigraph's server installed")
    import airm
    from airm import catalog

    out = tmp_path / "scale.json"
    src = str(Path(airm.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(BENCH / "scale.py"), "--triples", "3000", "--steps", "virtuoso",
                           "--case-timeout", "10", "--out", str(out), "--no-readme"],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    pushed = json.loads(out.read_text(encoding="utf-8"))["virtuoso"]
    assert pushed["oxigraph"]["triples"] == pushed["virtuoso"]["triples"] > 3000, pushed
    assert pushed["virtuoso"]["requests"] > 1 and pushed["oxigraph"]["requests"] == 1
    cases = pushed["virtuoso"]["cases"]
    assert set(cases) == {f"{name} ({case})" for name, q in catalog.catalog().items() for case, _p in q.cases()}
    statuses = {c["status"] for c in cases.values()}
    assert statuses <= {"same", "different", "refused", "timeout", "not compared"} and "same" in statuses
    assert "**Catalog cases on Virtuoso**" in proc.stdout


def test_startup_benchmark_times_every_command_and_judges_the_targets(tmp_path):
    """benchmarks/startup.py runs each command as a fresh process (one repeat here) and writes wall and CPU seconds
    with the targets beside; the rendered table says met or missed for each command that has a target."""
    out = tmp_path / "startup.json"
    script = ROOT / "benchmarks" / "startup.py"
    done = subprocess.run([sys.executable, str(script), "--repeats", "1", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert set(report["commands"]) >= {"airm --help", "airm query list", "airm query run training-methods-for-risk"}
    assert all(f["wall_s"] > 0 and f["cpu_s"] >= 0 for f in report["commands"].values())
    assert report["commands"]["airm --help"]["target_wall_s"] == 0.15
    assert done.stdout.count("| met |") + done.stdout.count("| missed") == 3


def test_targets_table_reads_each_figure_and_says_which_are_missing(tmp_path):
    """benchmarks/targets.py judges the figures on file: a missing file is "no figure", never a guess; a figure under
    its target is met and one over it missed."""
    import targets

    rows, text = targets.table(tmp_path)
    assert rows and all(r["verdict"] == "no figure" for r in rows if r["source"] != "import-build.json")
    assert "0 of" in text.splitlines()[0]
    commands = {"airm --help": {"wall_s": 0.1, "cpu_s": 0.05}, "airm query list": {"wall_s": 0.2, "cpu_s": 0.1},
                "airm query run training-methods-for-risk": {"wall_s": 0.24, "cpu_s": 0.2}}
    (tmp_path / "startup.json").write_text(json.dumps({"date": "2026-12-03T00:00", "commands": commands}))
    rows, _ = targets.table(tmp_path)
    verdicts = {r["target"]: r["verdict"] for r in rows if r["source"] == "startup.json"}
    assert verdicts == {"`airm --help` < 0.15 s wall": "met", "`airm query list` < 0.15 s wall": "missed",
                        "`airm query run training-methods-for-risk` < 0.25 s wall": "met"}


def test_targets_table_covers_every_figure_the_benchmarks_keep():
    import targets

    rows, _ = targets.table(BENCH / "results")
    sources = {r["source"] for r in rows}
    assert {"raw.json", "latest.json", "scale.json", "import-build.json", "load-embedded.json",
            "pages-five-sources.json", "startup.json"} <= sources
    assert all(r["verdict"] in ("met", "missed", "no figure") for r in rows)
