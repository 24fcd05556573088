"""The order `make test` hands files to its xdist workers (tests/file_costs.py): longest first, each file whole."""

from __future__ import annotations

import json
from types import SimpleNamespace

from file_costs import CostRecorder, longest_files_first, read_costs


def _items(*nodeids):
    return [SimpleNamespace(nodeid=n) for n in nodeids]


def test_files_go_longest_first_and_keep_their_tests_in_order():
    items = _items("tests/a.py::t1", "tests/a.py::t2", "tests/b.py::t1", "tests/c.py::t1", "tests/c.py::t2",
                   "tests/c.py::t3", "tests/d.py::t1")
    longest_files_first(items, {"tests/a.py": 2.0, "tests/b.py": 90.0, "tests/d.py": 0.1})
    # c.py is not in the table (a new file, or one of slow tests only): it goes first, its cost unknown
    assert [i.nodeid for i in items] == ["tests/c.py::t1", "tests/c.py::t2", "tests/c.py::t3", "tests/b.py::t1",
                                         "tests/a.py::t1", "tests/a.py::t2", "tests/d.py::t1"]


def test_the_recorder_adds_up_each_files_phases_and_keeps_files_it_did_not_see(tmp_path):
    path = tmp_path / "costs.json"
    path.write_text(json.dumps({"tests/old.py": 7.0, "tests/a.py": 1.0}), encoding="utf-8")
    recorder = CostRecorder(path)
    for nodeid, seconds in [("tests/a.py::t1", 0.25), ("tests/a.py::t1", 3.0), ("tests/a.py::t2[x::y]", 0.5),
                            ("tests/b.py::t", 0.04)]:
        recorder.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, duration=seconds))
    recorder.pytest_sessionfinish(None, 0)
    assert read_costs(path) == {"tests/a.py": 3.8, "tests/b.py": 0.0, "tests/old.py": 7.0}


def test_a_missing_or_broken_table_reads_as_empty(tmp_path):
    assert read_costs(tmp_path / "absent.json") == {}
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert read_costs(tmp_path / "broken.json") == {}

