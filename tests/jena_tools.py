"""Apache Jena 4.5 as Debian ships it (``libapache-jena-java``): find its jars and run its command classes (riot,
SHACL) or the small query runner in tests/jena/, each in one JVM with a deadline and a heap cap. Missing Java or
jars skip the tests, except in CI (like owl_tools.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

JAVA_DIR = Path("/usr/share/java")
# Jena's modules and what they load at run time (Debian's jars carry no Class-Path). slf4j-simple, not -nop: riot
# reports warnings through slf4j, and a test that wants "no warnings" must be able to see one.
JARS = ["jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-iri", "jena-shacl", "jena-dboe-base",
        "jena-dboe-index", "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-tdb",
        "jena-tdb2", "jena-rdfconnection", "commons-cli", "commons-codec", "commons-compress", "commons-csv",
        "commons-io", "commons-lang3", "commons-logging", "dexx.collection", "gson", "guava", "httpclient",
        "httpclient-cache", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
        "jakarta.json-api", "protobuf", "thrift", "titanium-json-ld", "slf4j-api", "slf4j-simple"]
RUN_QUERIES = Path(__file__).parent / "jena" / "RunQueries.java"
TIMEOUT = 300
HEAP = "-Xmx768m"
# only warnings and errors on stderr, so that an empty stderr means "no warnings"
QUIET = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason} (.ci/run installs it)")
    pytest.skip(reason)


def jena_classpath(work: Path) -> str:
    """The classpath for Debian's Jena, with its Xerces messages where Debian's relocated classes look for them
    (``work`` holds that copy)."""
    if shutil.which("java") is None:
        _missing("java is not installed")
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    absent = [j.name for j in jars if not j.is_file()]
    if absent:
        _missing(f"the Apache Jena jars are missing from {JAVA_DIR} ({', '.join(absent[:3])}...): "
                 "apt-get install libapache-jena-java")
    return os.pathsep.join([*map(str, jars), str(_xerces_messages(JAVA_DIR / "jena-core.jar", work))])


def _xerces_messages(jena_core: Path, work: Path) -> Path:
    """Debian's jena-core 4.5.0 moves Jena's shaded Xerces classes to the package ``xerces`` but leaves their message
    bundles under ``org/apache/jena/ext/xerces``; without them the XSD datatypes fail to initialise ("internal
    error" in XSSimpleTypeDecl) and no Jena command starts. Copy the bundles to where the classes look."""
    target = work / "jena-xerces-messages"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(jena_core) as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                dest = target / "xerces" / name[len(prefix):]
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(jar.read(name))
    return target


def run_jena(classpath: str, main: str, *args, java_options=(), timeout: float = TIMEOUT):
    """Run a Jena command class (``riotcmd.riot``, ``shacl.shacl_validate``...) or a Java source file; returns the
    CompletedProcess (text)."""
    cmd = ["java", HEAP, QUIET, *java_options, "-cp", classpath, str(main), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def run_queries(classpath: str, nquads: Path, query_files: list[Path]) -> dict[str, str]:
    """Each query file run by ARQ over ``nquads`` with the union of its graphs as the default graph, all in one JVM.
    Returns name -> the answer's file (``.srj`` SPARQL JSON, ``.nt``) or the text of Jena's error."""
    done = run_jena(classpath, RUN_QUERIES, nquads, *query_files)
    assert done.returncode == 0, done.stderr[-3000:]
    out = {}
    for line in done.stdout.splitlines():
        if line.startswith(("ANSWER\t", "ERROR\t")):
            tag, name, value = line.split("\t", 2)
            out[name] = value if tag == "ANSWER" else "ERROR: " + value
    return out
