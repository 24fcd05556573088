"""One order of SHACL severities, shared by validation's sorting and the CLI's --severity filter."""

from types import SimpleNamespace

from airm.severity import SEVERITIES, SEVERITY_ORDER, at_least


def test_order_is_most_severe_first():
    assert SEVERITIES == ("Violation", "Warning", "Info")
    assert SEVERITY_ORDER["Violation"] < SEVERITY_ORDER["Warning"] < SEVERITY_ORDER["Info"]


def test_at_least_keeps_the_named_severity_and_worse_and_never_hides_an_unknown_one():
    problems = [SimpleNamespace(severity=s) for s in ("Info", "Warning", "Violation", "Odd")]
    assert [p.severity for p in at_least(problems, "warning")] == ["Warning", "Violation", "Odd"]
    assert [p.severity for p in at_least(problems, "violation")] == ["Violation", "Odd"]
    assert len(at_least(problems, "info")) == 4
