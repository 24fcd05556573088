"""``airm serve``: the SPARQL endpoint, the catalog over HTTP, linked-data pages and coverage pictures.

The web process (Starlette on uvicorn) parses requests, negotiates formats and renders pages; every query runs in a
pool of worker processes (``--workers``), each holding its own copy of the graph, so a runaway query is killed with
its worker instead of taking a core, or the server, with it. See app.py and pool.py.
"""

from __future__ import annotations

from .app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app", "serve"]

MAX_HEADER_BYTES = 64 * 1024  # request line and headers together


def serve(config: ServerConfig, *, echo=print) -> None:
    """Run the server until interrupted. Checks the inputs first (a broken workspace fails here, not in a worker)."""
    import logging
    import socket
    import sys

    import uvicorn

    from .. import kg as kgmod
    from ..errors import UserError

    if config.workers < 1:
        raise UserError("--workers must be at least 1")
    if not config.timeout > 0:
        raise UserError("--timeout must be a positive number of seconds")
    if config.limit < 1:
        raise UserError("--limit must be at least 1")
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
    # process 100 MB); h11 refuses a request whose headers pass MAX_HEADER_BYTES with a 400.
    uv = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_keep_alive=30,
                        timeout_graceful_shutdown=5, server_header=False, http="h11",
                        h11_max_incomplete_event_size=MAX_HEADER_BYTES)
    server = uvicorn.Server(uv)
    server.run(sockets=[sock])
