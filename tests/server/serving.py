"""Start a real ``airm serve`` in a child process on a free loopback port, and talk to it over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


class Server:
    """A running ``airm serve``: ``url``, the process, and the file its request log goes to."""

    def __init__(self, proc: subprocess.Popen, url: str, log: Path):
        self.proc, self.url, self.log = proc, url.rstrip("/"), log

    def request(self, path: str, *, method: str = "GET", headers: dict | None = None, data: bytes | None = None,
                params: dict | None = None, timeout: float = 60.0) -> Reply:
        url = self.url + path
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=timeout) as resp:
                return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())

    def get(self, path: str, accept: str | None = None, **params) -> Reply:
        return self.request(path, headers={"Accept": accept} if accept else {}, params=params or None)

    def alive(self) -> bool:
        return self.proc.poll() is None and self.get("/health").status == 200

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start(log: Path, *args: str, startup: float = 120.0, env: dict | None = None) -> Server:
    """``airm serve --port 0 ARGS``; returns once it prints the address it listens on."""
    cmd = [sys.executable, "-m", "airm.cli", "serve", "--host", "127.0.0.1", "--port", "0", *args]
    err = open(log, "wb")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=dict(os.environ, **(env or {})),
                            cwd=str(log.parent))
    err.close()
    box: dict = {}

    def read():
        for line in proc.stdout:
            text = line.decode("utf-8", "replace")
            if text.startswith("airm serve: http://"):
                box["url"] = text.split()[2]
                break

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(startup)
    if "url" not in box:
        proc.kill()
        proc.wait(5)
        raise RuntimeError(f"airm serve did not start within {startup:g} s:\n{log.read_text(errors='replace')[-3000:]}")
    server = Server(proc, box["url"], log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if server.get("/health").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError("airm serve printed its address but does not answer /health")
