"""``airm mcp``: the graph as a read-only Model Context Protocol server for AI assistants.

One idea per module: ``tools`` turns the query catalog into tool declarations (a new .rq file is a new tool),
``answers`` computes every answer (rows, what each parameter resolved to, the evidence of each mitigation-risk link)
inside ``worker``, a child process killed when a call overruns its deadline, and ``server`` wires them to the
official ``mcp`` SDK over stdio or streamable HTTP. ``resources`` holds the resources and prompts.
"""

from __future__ import annotations

from ..errors import UserError

INSTALL_HINT = 'pip install "airm-kg[mcp]"  (or: pip install "mcp>=2.3,<3")'


def require_sdk() -> None:
    """The SDK is an optional extra: without it, say how to install it instead of failing on an import."""
    try:
        import mcp.server.lowlevel  # noqa: F401
    except ImportError:
        raise UserError("airm mcp needs the Model Context Protocol SDK, which is not installed",
                        hint=INSTALL_HINT) from None
