"""The CLI's bound on a query (issue 12): a child process with a memory cap and a deadline it cannot ignore."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from airm.errors import QueryError
from airm.isolation import run_in_child

CATASTROPHIC_REGEX = ('SELECT * WHERE { BIND("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" AS ?x) '
                      'FILTER(REGEX(?x, "^(a+)+$")) }')  # Python's re backtracks for hours, holding the GIL
CROSS_PRODUCT_SORTED = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"  # sorts ~10^9 rows


def _airm(*args, timeout=120):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.run([sys.executable, "-m", "airm.cli", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)  # a hang fails here
    return proc.returncode, proc.stdout, proc.stderr


def test_a_catastrophic_regex_on_rdflib_obeys_the_timeout(kg):
    code, _, err = _airm("sparql", CATASTROPHIC_REGEX, "--engine", "rdflib", "--timeout", "1")
    assert code == 2, err
    assert "did not finish within 1 s" in err and "Traceback" not in err


def test_a_query_past_the_memory_cap_is_a_clear_error_not_an_abort(kg):
    code, out, err = _airm("sparql", CROSS_PRODUCT_SORTED, "--memory", "1024", "--timeout", "100")
    assert code == 2, err
    assert "needed more memory than airm allows a query (1,024 MB, --memory)" in err
    assert "memory allocation" not in err and "Traceback" not in err  # Rust's abort message stays in the child


@pytest.fixture
def forks(monkeypatch):
    """This test process runs several threads (Oxigraph's, the servers' of other tests), so run_in_child would run
    the work here; these tests are about the child, and their work uses no native library, so fork is safe."""
    from airm import isolation

    monkeypatch.setattr(isolation, "_single_threaded", lambda: True)


def test_a_caller_that_runs_other_threads_runs_the_work_itself():
    """Forking a process with other threads can hang the child on a lock nobody will release (seen with RocksDB's
    and rayon's threads after a test had opened Oxigraph stores): such a caller runs the work in-process."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert run_in_child(lambda ready: os.getpid(), timeout=10) == os.getpid()
    finally:
        stop.set()
        other.join()


def test_the_childs_errors_keep_their_class_and_hint(forks):
    def work(ready):
        ready()
        raise QueryError("no such thing", hint="try another")

    with pytest.raises(QueryError) as info:
        run_in_child(work, timeout=10)
    assert info.value.message == "no such thing" and info.value.hint == "try another"
    assert info.value.exit_code == 2


def test_a_bug_in_the_child_is_reported_as_one(forks):
    def work(ready):
        raise KeyError("oops")

    with pytest.raises(RuntimeError, match="KeyError"):
        run_in_child(work, timeout=10)


def test_the_value_comes_back_and_the_deadline_starts_when_the_child_is_ready(forks):
    def work(ready):
        import time

        time.sleep(1.5)  # loading: not counted against the query's deadline
        ready()
        return {"rows": [1, 2, 3]}

    assert run_in_child(work, timeout=0.5) == {"rows": [1, 2, 3]}


class _Endpoint:
    """A loopback SPARQL endpoint that gives every query the same small JSON answer."""

    def __init__(self):
        import http.server
        import threading

        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("command", [["sparql", "SELECT ?x WHERE { ?x ?p ?o }"], ["query", "run", "dataset-summary"]])
def test_an_endpoint_answer_is_read_under_the_memory_cap_too(command):
    """An endpoint's answer (up to 512 MB of JSON) was parsed in the CLI's own process, with no memory cap."""
    endpoint = _Endpoint()
    try:
        code, out, err = _airm(*command, "--endpoint", endpoint.url)
        assert code == 0 and "1" in out, err  # the endpoint answers
        code, _, err = _airm(*command, "--endpoint", endpoint.url, "--memory", "1")
    finally:
        endpoint.close()
    assert code == 2, err
    assert "needed more memory than airm allows a query (1 MB, --memory)" in err and "Traceback" not in err


def test_the_parents_meanwhile_work_runs_while_the_child_works(forks, tmp_path):
    """`meanwhile` (the CLI imports its table renderer there) runs in the parent after the fork and before the wait:
    the child, waiting for a file the parent writes, can only finish once it has run."""
    import time

    flag = tmp_path / "parent-was-here"

    def work(ready):
        ready()
        deadline = time.monotonic() + 5
        while not flag.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return (flag.exists(), os.getpid())

    saw_flag, child_pid = run_in_child(work, timeout=10, meanwhile=lambda: flag.write_text("yes"))
    assert saw_flag and child_pid != os.getpid()
