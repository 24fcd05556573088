"""The real OWL tools the profile tests drive: the OWL API's OWL2DLProfile (Debian's libowlapi-java, through a small
Java program run from source) and HermiT (the jar owlready2 bundles). Missing tools skip the tests, except in CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

JAVA_DIR = Path("/usr/share/java")
# Debian's OWL API 5 and what it needs at run time (jaxb-api: rdf4j's Turtle parser reads blank-node ids with it)
JARS = ["owlapi-distribution", "rdf4j-model", "rdf4j-model-api", "rdf4j-model-vocabulary", "rdf4j-rio-api",
        "rdf4j-rio-turtle", "rdf4j-rio-ntriples", "rdf4j-rio-rdfxml", "rdf4j-rio-datatypes", "rdf4j-rio-languages",
        "rdf4j-util", "commons-io", "commons-codec", "commons-rdf-api", "guava", "caffeine", "hppcrt",
        "jackson-core", "jackson-databind", "jackson-annotations", "jsr305", "atinject-jsr330-api", "slf4j-api",
        "slf4j-nop", "xz", "jaxb-api"]
PROFILE_CHECK = Path(__file__).parent / "owl" / "ProfileCheck.java"
TIMEOUT = 300


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason} (.ci/run installs it)")
    pytest.skip(reason)


def owlapi_classpath() -> str:
    if shutil.which("java") is None:
        _missing("java is not installed")
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    absent = [j.name for j in jars if not j.is_file()]
    if absent:
        _missing(f"the OWL API jars are missing from {JAVA_DIR} ({', '.join(absent[:3])}...): "
                 "apt-get install libowlapi-java libjaxb-api-java")
    return os.pathsep.join(str(j) for j in jars)


def dl_violations(*paths: Path) -> list[tuple[str, str, str]]:
    """OWL 2 DL profile violations of the merge of ``paths``: (kind, first IRI named, full text)."""
    cmd = ["java", "-cp", owlapi_classpath(), str(PROFILE_CHECK), *map(str, paths)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0 and "COUNT\t" in done.stdout, done.stderr[-3000:]
    out = []
    for line in done.stdout.splitlines():
        if line.startswith("VIOLATION\t"):
            _, kind, text = line.split("\t", 2)
            iri = re.search(r"<([^>]+)>", text)
            out.append((kind, iri.group(1) if iri else "", text))
    count = int(done.stdout.rsplit("COUNT\t", 1)[1].split()[0])
    assert count == len(out)
    return out


def hermit_jar() -> Path:
    if shutil.which("java") is None:
        _missing("java is not installed")
    try:
        import owlready2
    except ImportError:
        _missing("owlready2 (which bundles HermiT) is not installed: pip install -e '.[test]'")
    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    if not jar.is_file():
        _missing(f"HermiT.jar not found at {jar}")
    return jar
