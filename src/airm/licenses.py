"""One IRI per licence, SPDX's (``http://spdx.org/licenses/<id>``), wherever airm states or prints one.

Sources name their licences in several forms (creativecommons.org and apache.org pages, SPDX ids, https SPDX
pages); metadata that mixed them counted one licence as three.
"""

from __future__ import annotations

SPDX = "http://spdx.org/licenses/"

_ALIASES = {
    "creativecommons.org/licenses/by/4.0": "CC-BY-4.0",
    "creativecommons.org/licenses/by-sa/4.0": "CC-BY-SA-4.0",
    "creativecommons.org/publicdomain/zero/1.0": "CC0-1.0",
    "www.apache.org/licenses/LICENSE-2.0": "Apache-2.0",
    "opensource.org/licenses/MIT": "MIT",
}


def spdx_id(value: str) -> str | None:
    """The SPDX id of a licence given as an SPDX id or IRI or a known licence page; None when it is none of these."""
    v = value.strip()
    bare = v.split("://", 1)[-1].rstrip("/").removesuffix(".html").removesuffix(".txt")
    if bare.startswith("spdx.org/licenses/"):
        return bare.removeprefix("spdx.org/licenses/")
    if bare in _ALIASES:
        return _ALIASES[bare]
    if "://" not in v and v and all(c.isalnum() or c in "-.+" for c in v):
        return v
    return None


def spdx_iri(value: str) -> str:
    """The one IRI airm uses for a licence; an IRI it cannot place is kept as given."""
    ident = spdx_id(value)
    return SPDX + ident if ident else value.strip()
