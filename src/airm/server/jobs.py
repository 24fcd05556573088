"""What the web process sends a query worker, and what comes back: one small frozen class per kind of job, and a
``Failure`` that carries a typed error across the pipe (its class name, message and hint), rebuilt as the same
``airm.errors`` class on the web side, so the answer's status comes from the class and never from the message.

Plain data only (every field pickles); what each job does lives in worker.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import errors


@dataclass(frozen=True, kw_only=True)
class Job:
    """``timeout`` (seconds) and ``limit`` (rows) are filled in by the web process before the job is sent."""

    timeout: float | None = None
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class ResultJob(Job):
    """A job whose answer is a query result: the format is chosen in the worker, once the result's kind is known."""

    accept: str | None = None
    format: str | list | None = None  # ?format= on a page; the protocol's format hints (a list) at /sparql
    html: bool = False
    prefer_html: bool = False


@dataclass(frozen=True, kw_only=True)
class SparqlJob(ResultJob):
    text: str
    base: str | None = None  # the endpoint's own URL, the base IRI of the query


@dataclass(frozen=True, kw_only=True)
class StoredJob(ResultJob):
    name: str
    params: dict = field(default_factory=dict)
    with_proposals: bool = False  # read the unreviewed classification proposals too


@dataclass(frozen=True, kw_only=True)
class RecordJob(Job):
    iri: str


@dataclass(frozen=True, kw_only=True)
class ExistsJob(Job):
    iri: str


@dataclass(frozen=True, kw_only=True)
class TermsJob(Job):
    pass


@dataclass(frozen=True, kw_only=True)
class GraphJob(Job):
    scope: str
    format: str


@dataclass(frozen=True, kw_only=True)
class FigureJob(Job):
    name: str
    format: str


@dataclass(frozen=True, kw_only=True)
class CoverageJob(Job):
    pass


@dataclass(frozen=True, kw_only=True)
class BrowseJob(Job):
    """A page of the mitigation browser: ``filters`` (facet -> the value as given), 1-based ``page`` of ``size``
    measures; ``proposed``: the risk filter follows proposed links only."""

    filters: dict = field(default_factory=dict)
    page: int = 1
    size: int = 50
    proposed: bool = False


@dataclass(frozen=True, kw_only=True)
class NavigatorJob(Job):
    """The risk navigator: every risk taxonomy as a tree with its counts."""


@dataclass(frozen=True)
class Ready:
    """A worker has loaded the graph and takes jobs."""

    pid: int
    triples: int


@dataclass(frozen=True)
class Failure:
    """A job's typed error on its way back. ``recycle``: the worker must be replaced (a query left running, memory
    exhausted)."""

    error: str
    message: str
    hint: str | None = None
    recycle: bool = False

    @classmethod
    def of(cls, exc: errors.AirmError, *, recycle: bool = False) -> Failure:
        """The nearest ``airm.errors`` class of ``exc`` travels (a subclass defined elsewhere is not rebuilt)."""
        sent = next(c for c in type(exc).__mro__ if getattr(errors, c.__name__, None) is c)
        return cls(sent.__name__, exc.message, exc.hint, recycle)

    def exception(self) -> errors.AirmError:
        cls = getattr(errors, self.error, None)
        if not (isinstance(cls, type) and issubclass(cls, errors.AirmError)):
            return errors.InternalError(
                f"internal error: a worker sent an unknown error {self.error!r}: {self.message}")
        exc = cls.__new__(cls)
        errors.AirmError.__init__(exc, self.message, hint=self.hint)  # not cls.__init__: InputFileError has its own
        return exc


@dataclass(frozen=True, kw_only=True)
class MatrixJob(Job):
    pass


@dataclass(frozen=True, kw_only=True)
class AboutJob(Job):
    workspace: str | None = None  # the server's --workspace: where the imports' records are
