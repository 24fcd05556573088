"""A real Virtuoso Open Source server (Debian's ``virtuoso-opensource``) in a temporary folder on free loopback ports,
for the tests that push to a second engine. Its own virtuoso.ini: nothing of the system's database is touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from oxigraph_server import free_port

# The settings airm needs (README, "Pushing to Virtuoso"): no result cap below a build's biggest answer, a query
# time limit, and a memory budget fit for a test machine.
INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {timeout}
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def isql_binary() -> str | None:
    return shutil.which("isql-vt") or shutil.which("isql")


def require_binary() -> str:
    """The server binary, or skip (a user's machine) / fail (CI, where .ci/run installs the package)."""
    binary = virtuoso_binary()
    if binary is None or isql_binary() is None:
        reason = "Virtuoso is not installed (apt-get install virtuoso-opensource gives virtuoso-t and isql-vt)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return binary


class VirtuosoServer:
    """``virtuoso-t +foreground`` on its own ini; ``start()`` waits until /sparql answers, then lets the anonymous
    SPARQL user run updates (``GRANT SPARQL_UPDATE TO "SPARQL"``): right for a throwaway test store only."""

    def __init__(self, location: Path, *, timeout_s: int = 60, buffers: int = 170_000):
        self.location = Path(location)
        self.sql_port, self.http_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.query_url = self.base + "/sparql"
        self.update_url = self.base + "/sparql"
        self.timeout_s = timeout_s
        self.buffers = buffers
        self.proc: subprocess.Popen | None = None
        self.log = self.location / "virtuoso.out"

    def start(self, *, wait: float = 120.0) -> VirtuosoServer:
        binary = require_binary()
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(INI.format(d=self.location, sql=self.sql_port, http=self.http_port, timeout=self.timeout_s,
                                  buffers=self.buffers, dirty=self.buffers * 3 // 4), encoding="utf-8")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([binary, "+configfile", str(ini), "+foreground", "+wait"],
                                         cwd=self.location, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.proc.returncode}: {self._tail()}")
            try:
                with opener.open(self.query_url + "?query=ASK%7B%7D", timeout=5) as resp:
                    if resp.status == 200:
                        self._grant_updates()
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not answer on {self.base} within {wait:g} s: {self._tail()}")

    def _grant_updates(self) -> None:
        """Once per database: a restart on the same folder finds the role already granted."""
        try:
            self.sql('GRANT SPARQL_UPDATE TO "SPARQL";')
        except RuntimeError as e:
            if "already have role" not in str(e):
                self.stop()  # a server left running would outlive the test that started it
                raise

    def sql(self, statement: str) -> str:
        """Run SQL as the dba (the default password of a new database) through isql."""
        done = subprocess.run([isql_binary(), f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql {statement!r} failed: {done.stdout[-1000:]} {done.stderr[-1000:]}")
        return done.stdout

    def _tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        logfile = self.location / "virtuoso.log"
        if logfile.exists():
            text += logfile.read_text(errors="replace")
        return text[-2000:]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
