"""One small exception tree. Each class carries what its callers answer with: ``exit_code`` for the CLI, and for the
server ``http_status`` and ``kind`` (the ``X-Airm-Error`` header), so no caller reads a message to find its meaning."""

from __future__ import annotations


class AirmError(Exception):
    """Base of every error airm raises on purpose. ``exit_code`` is the CLI contract; ``http_status``, ``kind`` and
    ``retry_after`` the server's. ``headers`` are response headers this one answer needs (``Allow``, ``Connection``)."""

    exit_code = 3
    http_status = 400  # an error airm raised on purpose is the request's fault unless a class says otherwise
    kind = "bad-request"
    retry_after: int | None = None

    def __init__(self, message: str, *, hint: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.headers = dict(headers or {})

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UserError(AirmError):
    """Bad input from the user: a file, an option, a parameter. Exit 2."""

    exit_code = 2


class InputFileError(UserError):
    """A file that cannot be read or parsed; names the file and, where known, line and column."""

    def __init__(self, path, message: str, *, line: int | None = None, column: int | None = None,
                 hint: str | None = None):
        where = str(path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = str(path)
        self.line = line
        self.column = column


class QueryError(UserError):
    """A query or a parameter the user gave that cannot be run as asked."""


class QuerySyntaxError(QueryError):
    """A query that does not parse."""

    kind = "syntax"


class UpdateRefused(QueryError):
    """A SPARQL update sent where only queries are run."""

    http_status = 403
    kind = "update-refused"


class UnknownQuery(QueryError):
    """A stored query name the catalog does not have."""

    http_status = 404
    kind = "not-found"


class ResultTooLarge(QueryError):
    """A result past the row limit where a partial answer would mislead (a download, not a page)."""

    kind = "result-too-large"


class QueryTimeout(QueryError):
    """A query ran past its time limit."""

    http_status = 503
    kind = "timeout"


class ValidationFailed(AirmError):
    """Data does not conform to the shapes. Exit 1. Carries the report when there is one."""

    exit_code = 1
    report = None

    def with_report(self, report):
        self.report = report
        return self


class InternalError(AirmError):
    """A bug or an inconsistency in airm's own files. Exit 3."""

    exit_code = 3
    http_status = 500
    kind = "internal"


# --- what only a request to the server can get wrong ------------------------------------------------------------

class NotFound(UserError):
    """No page, figure, resource or file at the address asked for."""

    http_status = 404
    kind = "not-found"


class MethodNotAllowed(UserError):
    http_status = 405
    kind = "method-not-allowed"


class NotAcceptable(UserError):
    """No format the client accepts can carry the answer."""

    http_status = 406
    kind = "not-acceptable"


class BadFormat(UserError, ValueError):
    """A ``?format=`` value that is unknown, or that this kind of answer cannot take."""

    kind = "bad-format"


class BodyTimeout(UserError):
    http_status = 408
    kind = "body-timeout"


class PayloadTooLarge(UserError):
    http_status = 413
    kind = "too-large"


class UnsupportedMediaType(UserError):
    http_status = 415
    kind = "unsupported-media-type"


class ClientDisconnected(UserError):
    """The client went away before the end of its request: nobody reads the answer."""

    kind = "client-disconnected"


class ServerBusy(AirmError):
    """No worker, or no slot for this client, came free in time: try again shortly."""

    http_status = 503
    kind = "busy"
    retry_after = 1


class WorkerCrashed(AirmError):
    """A query took its worker process down (most often out of memory); a new worker is on its way."""

    http_status = 503
    kind = "crashed"
    retry_after = 1


def shown(value, limit: int = 80) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters with a count of the whole: a message
    echoes what the user gave, never all 120,000 characters of it."""
    text = repr(value)
    if len(text) <= limit:
        return text
    whole = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit - 1]}… ({whole:,} characters)"
