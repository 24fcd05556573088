"""Method (e) against a fake OpenAI-compatible server started here on 127.0.0.1: good answers are checked against the
schemes, and every failure (not JSON, unknown concepts only, HTTP 500, a timeout) names the mitigation, exits
non-zero and writes nothing."""

from __future__ import annotations

import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import run_cli

HERE = Path(__file__).resolve().parent


class _Fake(BaseHTTPRequestHandler):
    mode = "ok"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        mode = self.server.mode
        if mode == "500":
            self.send_response(500)
            self.end_headers()
            return
        if mode == "slow":
            time.sleep(3)
        content = {
            "ok": json.dumps({"lifecycle-stage": ["6", "9"], "actor-type": ["2"], "rmf-function": ["MG"],
                              "risk": ["7.1"], "rationale": "It watches the running system.", "confidence": 0.7}),
            "slow": "{}",
            "not-json": "I think it is about monitoring.",
            "unknown": json.dumps({"lifecycle-stage": ["42"], "actor-type": ["robot"], "rmf-function": ["XX"],
                                   "risk": ["99.9"]}),
        }[mode]
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout case)
            pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    httpd.mode, httpd.requests = "ok", []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def ws(tmp_path):
    (tmp_path / "sources").mkdir()
    shutil.copy(HERE / "fixture.nq.txt", tmp_path / "sources" / "fixture.nq")
    return tmp_path


def _run(server, ws, *extra):
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    return run_cli("classify", "--only", "T0002_TEST2025", "--llm-endpoint", url, "--model", "fake-1",
                   "--workspace", str(ws), *extra)


def test_answers_are_checked_and_values_outside_the_schemes_rejected(server, ws, monkeypatch):
    from airm.classify.proposals import files, read

    monkeypatch.setenv("AIRM_LLM_API_KEY", "k")
    code, out, err = _run(server, ws)
    assert code == 0, err
    assert "'9'" in out and "not a concept of that scheme (not stored)" in out
    got = {(p.axis, p.value.rsplit("/", 1)[-1], p.method) for p in read(files(ws)[0])}
    assert ("lifecycle-stage", "operate-and-monitor", "llm") in got and ("risk", "7.1", "llm") in got
    assert ("rmf-function", "manage", "llm") in got
    assert all(p.value.rsplit("/", 1)[-1] != "9" for p in read(files(ws)[0]))
    request = server.requests[0]
    assert request["model"] == "fake-1" and "T0002_TEST2025" in request["messages"][1]["content"]
    lines = (ws / "classification" / "proposals.nq").read_text()
    assert "LLMBasedMatching" in lines


@pytest.mark.parametrize(("mode", "message"), [
    ("not-json", "not the JSON object asked for"),
    ("unknown", "named no known concept"),
    ("500", "answered HTTP 500"),
    ("slow", "did not answer within 1 s"),
])
def test_failures_name_the_mitigation_and_write_nothing(server, ws, mode, message):
    server.mode = mode
    code, _, err = _run(server, ws, "--llm-timeout", "1")
    assert code == 2 and "mitigation T0002_TEST2025" in err and message in err and "Traceback" not in err
    assert not (ws / "classification").exists()


def test_no_request_without_the_option(server, ws):
    assert run_cli("classify", "--workspace", str(ws))[0] == 0
    assert server.requests == []
