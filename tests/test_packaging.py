"""The installed wheel (not only the editable install) finds its ontology, shapes, data and queries."""

import subprocess
import sys

import pytest

from helpers import ROOT


@pytest.mark.slow
def test_wheel_install_finds_its_resources_and_answers_a_query(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = wheels.glob("airm_kg-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    code = (
        "import airm, airm.resources as r; "
        f"assert airm.__file__.startswith({str(target)!r}), airm.__file__; "
        "assert r.resource_root().name == '_resources'; "
        "kg = airm.load(cache=False); "
        "rows = kg.query('training-methods-for-risk'); assert len(rows) == 5, len(rows); "
        "assert airm.validate(kg).conforms; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
