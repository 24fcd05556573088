"""The order in which `make test` hands test files to its two xdist workers: longest first.

xdist's ``--dist loadfile`` gives each worker one whole file at a time; its own order (most tests first) put the files
with few but long tests (the load test, the wheel install, the five-source checks) last, where one of them ran alone
while the other worker had nothing left. Longest first leaves only short files for the end. The seconds per file
come from a measured run (``file_costs.json`` beside this module, refreshed with ``pytest ... --record-file-costs``).
A file it does not know (new, or all slow tests when the figures came from a not-slow run) goes first: a short file
started early costs nothing, a long one started last costs its whole length. Only the order changes, never what runs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

COSTS = Path(__file__).resolve().with_name("file_costs.json")
UNKNOWN = float("inf")


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def read_costs(path: Path = COSTS) -> dict[str, float]:
    """Seconds per test file (paths as in node ids); empty when the file is missing or unreadable."""
    try:
        costs = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in costs.items() if isinstance(v, (int, float))}


def longest_files_first(items: list, costs: dict[str, float]) -> None:
    """Reorder ``items`` in place, whole files longest first (unknown ones before all); a file's tests keep their
    order, as do files of equal cost."""
    items.sort(key=lambda item: -costs.get(file_of(item.nodeid), UNKNOWN))


class CostRecorder:
    """Adds up the seconds of each file's setups, calls and teardowns (on the xdist controller: all workers' reports)
    and merges them, rounded, into ``COSTS`` at the end of the run (files the run left out keep their figures)."""

    def __init__(self, path: Path = COSTS):
        self.path = path
        self.seconds: Counter = Counter()

    def pytest_runtest_logreport(self, report) -> None:
        self.seconds[file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session, exitstatus) -> None:
        if not self.seconds:
            return
        costs = {**read_costs(self.path), **{k: round(v, 1) for k, v in self.seconds.items()}}
        self.path.write_text(json.dumps(dict(sorted(costs.items())), indent=1) + "\n", encoding="utf-8")
