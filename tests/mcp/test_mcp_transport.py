"""``airm mcp`` over streamable HTTP through the SDK's client; stdout carries nothing but protocol messages; the
command's own bad input (no SDK, a bad --http) exits 2 with a message."""

from __future__ import annotations

import json
import subprocess
import sys

import anyio
import pytest

pytest.importorskip("mcp")

from mcp_harness import SERVER, HttpServer, http_session, server_env, stdio_session, structured  # noqa: E402

from airm.catalog import catalog  # noqa: E402
from helpers import ROOT  # noqa: E402


def test_streamable_http_answers_like_stdio(tmp_path):
    server = HttpServer(stderr_path=tmp_path / "stderr.log")
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/mcp")

        async def main():
            async with http_session(server.url) as s:
                tools = {t.name for t in (await s.list_tools()).tools}
                answer = await s.call_tool("training-methods-for-risk", {"risk": "value misalignment"})
                ambiguous = await s.call_tool("resolve", {"text": "2.2"})
                return tools, answer, ambiguous

        tools, answer, ambiguous = anyio.run(main)
    finally:
        stdout = server.stop()
    assert tools == set(catalog()) | {"search", "describe", "resolve", "sparql"}
    data = structured(answer)
    assert len({r["technique"] for r in data["rows"]}) == 5 and all(link["evidence"] for link in data["links"])
    assert ambiguous.is_error and len(structured(ambiguous)["candidates"]) == 3
    assert stdout == ""
    log = [json.loads(line) for line in (tmp_path / "stderr.log").read_text().splitlines() if line.startswith("{")]
    calls = [e for e in log if "tool" in e]
    assert [e["tool"] for e in calls] == ["training-methods-for-risk", "resolve"]
    assert calls[0]["ok"] is True and calls[0]["rows"] == 5 and calls[1]["ok"] is False


def _rpc(id_, method, params=None) -> str:
    msg = {"jsonrpc": "2.0", "method": method, **({"params": params} if params is not None else {})}
    if id_ is not None:
        msg["id"] = id_
    return json.dumps(msg) + "\n"


def test_nothing_but_protocol_on_stdout():
    """Raw JSON-RPC over the pipes: every stdout line is a JSON-RPC message; the per-call log goes to stderr."""
    messages = [
        _rpc(1, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                               "clientInfo": {"name": "test", "version": "0"}}),
        _rpc(None, "notifications/initialized"),
        _rpc(2, "tools/call", {"name": "training-methods-for-risk", "arguments": {"risk": "value misalignment"}}),
        _rpc(3, "tools/call", {"name": "sparql", "arguments": {"query": "DELETE WHERE { ?s ?p ?o }"}}),
        _rpc(4, "tools/call", {"name": "no-such-tool", "arguments": {}}),
    ]
    proc = subprocess.Popen(SERVER, env=server_env(), cwd=str(ROOT), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out_lines = []
    try:
        for msg in messages:
            proc.stdin.write(msg)
            proc.stdin.flush()
            if '"id"' in msg:
                out_lines.append(proc.stdout.readline())
        rest, err = proc.communicate(timeout=60)  # closes stdin: the server ends with its client
    finally:
        if proc.poll() is None:
            proc.kill()
    out_lines += rest.splitlines()
    replies = [json.loads(line) for line in out_lines if line.strip()]
    assert all(r.get("jsonrpc") == "2.0" for r in replies)
    by_id = {r["id"]: r for r in replies if "id" in r}
    assert set(by_id) == {1, 2, 3, 4}
    assert by_id[2]["result"]["isError"] is False and len(by_id[2]["result"]["structuredContent"]["rows"]) == 5
    assert by_id[3]["result"]["isError"] is True and by_id[4]["result"]["isError"] is True
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert [e["tool"] for e in logged if "tool" in e] == ["training-methods-for-risk", "sparql", "no-such-tool"]


def test_resources_read_over_stdio():
    async def main():
        async with stdio_session() as s:
            return ((await s.read_resource("airm://ontology")).contents[0].text,
                    json.loads((await s.read_resource("airm://sources")).contents[0].text),
                    await s.get_prompt("mitigations-with-evidence", {"risk": "value misalignment"}))

    ontology, sources, prompt = anyio.run(main)
    assert "airm:Mitigation a owl:Class" in ontology
    assert sources == []  # the tests' empty workspace
    assert "value misalignment" in prompt.messages[0].content.text and "resolve" in prompt.messages[0].content.text


def _run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "airm.cli", "mcp", *args], env=env or server_env(), cwd=str(ROOT),
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_without_the_sdk_exits_2_with_the_install_command(tmp_path):
    blocker = tmp_path / "blocked" / "mcp"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('mcp is not installed here')\n")
    env = server_env()
    env["PYTHONPATH"] = str(blocker.parent) + ":" + env["PYTHONPATH"]
    done = _run(env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert "pip install" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--http", "host:port"], "not [HOST:]PORT"),
    (["--http", "127.0.0.1:70000"], "not [HOST:]PORT"),
    (["--timeout", "0"], "timeout"),
    (["--workspace", "/nonexistent/airm-ws"], None),
])
def test_bad_options_exit_2_without_a_traceback(args, message):
    done = _run(*args)
    if message is None:  # an absent workspace is an empty one: the server starts; stdin is closed, so it ends
        assert done.returncode == 0 and done.stdout == ""
        return
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
