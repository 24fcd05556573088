"""Drive ``airm mcp`` as a real subprocess through the SDK's own client, over stdio or streamable HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

from helpers import ROOT

SERVER = [sys.executable, "-m", "airm.cli", "mcp"]


def server_env() -> dict:
    """The test process's environment (its isolated cache and workspace) with this checkout's sources first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


@asynccontextmanager
async def stdio_session(*args: str, errlog=None):
    """A ClientSession on ``airm mcp ARGS`` over stdio (the SDK spawns and ends the process)."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=SERVER[0], args=SERVER[1:] + list(args), env=server_env(), cwd=str(ROOT))
    with open(os.devnull, "w") if errlog is None else _nullcontext(errlog) as err:
        async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


class _nullcontext:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False


class HttpServer:
    """``airm mcp --http 127.0.0.1:0 ARGS`` in a subprocess; ``url`` is read from its ready line on stderr."""

    def __init__(self, *args: str, stderr_path: Path):
        self.stderr_path = stderr_path
        self._err = open(stderr_path, "w")
        self.proc = subprocess.Popen(SERVER + ["--http", "127.0.0.1:0", *args], env=server_env(), cwd=str(ROOT),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._err)
        self.url = self._wait_ready()

    def _wait_ready(self, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.stderr_path.read_text().splitlines():
                if line.startswith("{") and json.loads(line).get("event") == "ready":
                    return json.loads(line)["url"]
            if self.proc.poll() is not None:
                raise AssertionError(f"airm mcp --http exited: {self.stderr_path.read_text()}")
            time.sleep(0.2)
        raise AssertionError("airm mcp --http did not say ready")

    def stop(self) -> str:
        """End the server; returns what it wrote on stdout (must be nothing: HTTP carries the protocol)."""
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self._err.close()
        return out.decode("utf-8", "replace")


@asynccontextmanager
async def http_session(url: str):
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with streamable_http_client(url) as streams, ClientSession(streams[0], streams[1]) as session:
        await session.initialize()
        yield session


def structured(result) -> dict:
    """A tool result's structured content, checked to agree with its text part being present."""
    assert result.content and result.content[0].text.strip(), "every answer has a short text"
    assert isinstance(result.structured_content, dict)
    return result.structured_content
