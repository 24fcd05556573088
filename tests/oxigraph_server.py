"""A real Oxigraph SPARQL server (the ``oxigraph`` binary from PyPI) on loopback, for the endpoint tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def oxigraph_binary() -> str | None:
    """The server installed next to this Python (the venv's bin/), else one on PATH."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def require_binary() -> str:
    """The binary, or skip (a user's machine) / fail (CI, where `pip install .[test]` must have installed it)."""
    binary = oxigraph_binary()
    if binary is None:
        reason = "the 'oxigraph' server binary is not installed (pip install '.[test]' installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return binary


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``; ``start()`` waits until it answers."""

    def __init__(self, location: Path, *, union_default_graph: bool = True, timeout_s: int = 10,
                 read_only: bool = False):
        self.location = Path(location)
        self.read_only = read_only
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url = self.base + "/query"
        self.store_url = self.base + "/store"
        self.proc: subprocess.Popen | None = None
        self.log = self.location.parent / f"{self.location.name}.log"

    def start(self, *, wait: float = 30.0) -> OxigraphServer:
        cmd = [require_binary(), "serve-read-only" if self.read_only else "serve", "--location", str(self.location),
               "--bind", f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout_s)]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        self.location.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with opener.open(self.base + "/", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer on {self.base} within {wait:g} s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
