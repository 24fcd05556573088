"""What every benchmark script records beside its figures (the machine, the versions) and how it fills its section
of benchmarks/README.md, in one place."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> dict:
    """The machine a run was measured on: figures mean little without it."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem,
            "load_average": [round(x, 2) for x in load] if load else None}


def versions(*dists: str) -> dict:
    """Python's version and each distribution's (None when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for dist in dists:
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def fill_section(path: Path, start: str, end: str, text: str) -> None:
    """Replace what lies between the ``start`` and ``end`` markers of ``path`` (appended when they are missing),
    atomically."""
    from airm.atomic import write_file

    content = path.read_text(encoding="utf-8")
    body = start + "\n" + text.rstrip("\n") + "\n" + end
    if start in content and end in content:
        head, rest = content.split(start, 1)
        _old, tail = rest.split(end, 1)
        new = head + body + tail
    else:
        new = content.rstrip("\n") + "\n\n" + body + "\n"
    write_file(path, new.encode("utf-8"))
