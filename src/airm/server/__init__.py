"""``airm serve``: the SPARQL endpoint, the catalog over HTTP, linked-data pages and coverage pictures.

The web process (Starlette on uvicorn) parses requests, negotiates formats and renders pages; every query runs in a
pool of worker processes (``--workers``), each holding its own copy of the graph, so a runaway query is killed with
its worker instead of taking a core, or the server, with it. See app.py and pool.py.
"""

from __future__ import annotations

import logging
import math
import socket
import sys

from .. import kg as kgmod
from ..bounds import check_bounds
from ..errors import UserError
from .app import ServerConfig, create_app
from .http import HEADER_TIMEOUT, MAX_HEADER_BYTES, BoundedH11Protocol

__all__ = ["HEADER_TIMEOUT", "MAX_HEADER_BYTES", "ServerConfig", "create_app", "serve"]


def serve(config: ServerConfig, *, echo=print) -> None:
    """Run the server until interrupted. Checks the inputs first (a broken workspace fails here, not in a worker)."""
    import uvicorn  # here, not on top: every worker process imports this package too, and serves no HTTP

    if config.workers < 1:
        raise UserError("--workers must be at least 1")
    check_bounds(config.timeout, config.limit)  # NaN, infinite, huge or non-positive: refused
    if not (math.isfinite(config.header_timeout) and config.header_timeout > 0):
        raise UserError("--header-timeout must be a positive number of seconds")
    if config.client_queries < 1:
        raise UserError("--client-queries must be at least 1")
    if not 0 <= config.port <= 65535:
        raise UserError(f"--port must be between 0 and 65535, not {config.port}")
    graph = kgmod.load(workspace=config.workspace, files=list(config.files))  # also warms the cache for the workers
    triples = len(graph)
    del graph

    try:
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((config.host, config.port))
    except OSError as e:
        raise UserError(f"cannot listen on {config.host}:{config.port}: {e.strerror or e}",
                        hint="pick another --port (0 picks a free one)") from None
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("airm.server", "airm.server.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False

    def on_ready(pool):
        echo(f"airm serve: http://{shown}:{port}/ ({triples:,} triples; {pool.size} query worker(s), "
             f"timeout {config.timeout:g} s, limit {config.limit:,} rows)", flush=True)

    config.extra["on_ready"] = on_ready
    app = create_app(config)
    # h11 rather than httptools: httptools buffers request headers of any size (a 100 MB header line costs the web
    # process 100 MB); h11 refuses a request whose incomplete headers pass MAX_HEADER_BYTES with a 400, the app a
    # complete one with a 431, and BoundedH11Protocol closes a connection whose headers are late (http.py).
    # Proxy headers (X-Forwarded-For) are believed only from the addresses the user names: uvicorn's default
    # believes any local peer, which would let one client pass for many (--client-queries) and forge the log.
    uv = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_keep_alive=30,
                        timeout_graceful_shutdown=5, server_header=False, http=BoundedH11Protocol,
                        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
                        proxy_headers=bool(config.forwarded_allow_ips),
                        forwarded_allow_ips=config.forwarded_allow_ips or "")
    uv.airm_header_timeout = config.header_timeout
    server = uvicorn.Server(uv)
    server.run(sockets=[sock])
