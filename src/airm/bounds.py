"""The deadline and row cap every query runs under, checked before anything starts.

Kept apart from ``airm.engines`` (which imports pyoxigraph and the query machinery) so that the CLI can refuse a bad
``--timeout`` or ``--limit`` before it forks the process that runs the query, without paying for those imports first.
"""

from __future__ import annotations

import math

from .errors import QueryError

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 100_000
MAX_TIMEOUT = 86_400.0  # a day: a deadline must be a number a clock can wait for (1e300 s overflows it)


def check_bounds(timeout, limit) -> tuple[float, int]:
    """The deadline and row cap a query runs under: defaults for None; NaN, infinite, huge or non-positive values
    are the user's mistake, refused rather than clamped (a NaN deadline never fires)."""
    timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise QueryError(f"the timeout must be a positive number of seconds up to {MAX_TIMEOUT:,.0f}, "
                         f"not {timeout:g}", hint="e.g. --timeout 30")
    limit = DEFAULT_LIMIT if limit is None else int(limit)
    if limit < 1:
        raise QueryError(f"the row limit must be at least 1, not {limit}", hint="e.g. --limit 1000")
    return timeout, limit
