"""Issue 13's shape of the server, checked without starting one: typed errors survive the pipe between a worker and
the web process as the same class, each carrying its own status; and the request path reads top-down (no server
module imports one above it, so no cycles)."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from airm import errors
from airm.server.jobs import Failure, StoredJob

SERVER = Path(__file__).resolve().parents[2] / "src" / "airm" / "server"
# each module may import only those after it in this order (the views only what is below the views)
LAYERS = ["app", "middleware", "views", "respond", "site", "pool", "worker", "record_parts", "records", "browsing",
          "atlas", "about", "formats", "jobs", "conneg", "web", "prose", "http"]


@pytest.mark.parametrize(("exc", "status", "kind"), [
    (errors.QuerySyntaxError("SPARQL syntax error: x", hint="check"), 400, "syntax"),
    (errors.UpdateRefused("updates are refused"), 403, "update-refused"),
    (errors.UnknownQuery("no stored query named 'x'"), 404, "not-found"),
    (errors.ResultTooLarge("too many rows"), 400, "result-too-large"),
    (errors.QueryTimeout("too slow"), 503, "timeout"),
    (errors.InputFileError("f.ttl", "bad", line=3), 400, "bad-request"),
    (errors.InternalError("a bug"), 500, "internal"),
])
def test_a_failure_comes_back_as_the_same_class(exc, status, kind):
    failure = pickle.loads(pickle.dumps(Failure.of(exc)))  # what crosses the pipe
    back = failure.exception()
    assert type(back) is type(exc) and str(back) == str(exc)
    assert (back.http_status, back.kind) == (status, kind)


def test_an_error_class_from_elsewhere_travels_as_its_nearest_airm_errors_class():
    class Local(errors.UpdateRefused):
        pass

    back = Failure.of(Local("no")).exception()
    assert type(back) is errors.UpdateRefused and back.http_status == 403


def test_an_unknown_error_name_is_an_internal_error():
    back = Failure("NoSuchError", "odd").exception()
    assert isinstance(back, errors.InternalError) and back.http_status == 500 and "NoSuchError" in str(back)


def test_jobs_are_frozen_and_pickle():
    job = StoredJob(name="dataset-summary", params={}, with_proposals=True)
    assert pickle.loads(pickle.dumps(job)) == job
    with pytest.raises(AttributeError):
        job.name = "other"


def _server_imports(path: Path) -> set[str]:
    """The server modules ``path`` imports (relative imports inside airm.server), by first name below the package."""
    inside_views = path.parent.name == "views"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        depth = node.level - (1 if inside_views else 0)  # levels above airm.server itself
        if depth != 1:
            continue
        names = [node.module] if node.module else [a.name for a in node.names]
        found.update(n.split(".")[0] for n in names)
    return found & set(LAYERS)


def test_the_request_path_reads_top_down():
    for path in sorted(SERVER.rglob("*.py")):
        name = "views" if path.parent.name == "views" else path.stem
        if name == "__init__":
            continue
        for imported in _server_imports(path):
            assert LAYERS.index(imported) > LAYERS.index(name), f"{path.name} imports {imported}, a layer above it"


def test_a_result_the_writers_refuse_is_the_querys_fault_not_a_500(monkeypatch):
    """A CONSTRUCT whose graph the RDF writers cannot write (blank nodes nested too deeply) is answered 400, as
    before errors were typed, not as an internal error."""
    from airm.server import formats, worker
    from airm.server.jobs import SparqlJob

    class Graph:
        kind, truncated = "construct", False

        def __len__(self):
            return 1

    def refuse(result, fmt):
        raise errors.InternalError(f"graph too deeply nested to write as {fmt}", hint="flatten deep blank-node chains")

    monkeypatch.setattr(formats, "body", refuse)
    with pytest.raises(errors.AirmError) as caught:
        worker._finish(None, Graph(), SparqlJob(text="", format="ttl"))
    back = worker.failure_of(caught.value).exception()
    assert type(back) is errors.QueryError and back.http_status == 400 and "nested" in str(back)
