"""One small exception tree; the CLI maps each class to an exit code in one place."""

from __future__ import annotations


class AirmError(Exception):
    """Base of every error airm raises on purpose. ``exit_code`` is the CLI contract."""

    exit_code = 3

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UserError(AirmError):
    """Bad input from the user: a file, an option, a parameter. Exit 2."""

    exit_code = 2


class InputFileError(UserError):
    """A file that cannot be read or parsed; names the file and, where known, line and column."""

    def __init__(self, path, message: str, *, line: int | None = None, column: int | None = None, hint: str | None = None):
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


class QueryTimeout(QueryError):
    """A query ran past its time limit."""


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


def shown(value, limit: int = 80) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters with a count of the whole: a message
    echoes what the user gave, never all 120,000 characters of it."""
    text = repr(value)
    if len(text) <= limit:
        return text
    whole = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit - 1]}… ({whole:,} characters)"
