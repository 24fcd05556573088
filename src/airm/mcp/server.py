"""The MCP server: the SDK's low-level ``Server`` with handlers for tools, resources and prompts, served over stdio
or streamable HTTP. Every tool call goes to the worker process (see worker.py) and leaves one JSON line on stderr;
stdout carries nothing but protocol messages.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from dataclasses import dataclass

from ..errors import UserError, shown
from ..version import __version__
from . import resources
from .answers import error_answer
from .tools import all_tools, check_arguments
from .worker import Supervisor

INSTRUCTIONS = (
    "airm is a knowledge graph of AI-risk mitigations. Each stored-query tool answers one question; parameters take "
    "an IRI, a CURIE, a code (2.2) or a label. Answers carry 'resolved' (what each parameter meant), 'rows', and "
    "'links': the evidence of each mitigation-risk link (document, locator, mapping path, justification, status). "
    "A value that does not resolve returns candidates: ask the user, do not guess; a 'how' of 'fuzzy' in 'resolved' "
    "means a near spelling was taken: say so. 'truncation' says a result was "
    "cut. Cite the evidence when you answer."
)


@dataclass
class McpConfig:
    workspace: str | None = None
    timeout: float = 30.0  # seconds per call
    limit: int = 500  # row cap of the stored-query tools (and the most any call may ask for)
    sparql_limit: int = 100  # the sparql tool's default row cap
    memory_mb: int = 4096


def log(event: dict) -> None:
    """One JSON line per call on stderr (never stdout, which is the protocol's)."""
    sys.stderr.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stderr.flush()


def build(config: McpConfig, supervisor):
    """The SDK server object with every handler bound to ``supervisor`` (the worker)."""
    import anyio
    import mcp_types as types
    from mcp.server.lowlevel import Server

    specs = {t.name: t for t in all_tools(row_cap=config.limit, sparql_cap=config.sparql_limit)}
    read_only = types.ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                                      open_world_hint=False)

    async def list_tools(ctx, params):
        return types.ListToolsResult(tools=[
            types.Tool(name=s.name, title=s.title, description=s.description, input_schema=s.input_schema,
                       annotations=read_only) for s in specs.values()])

    async def call_tool(ctx, params):
        started = time.monotonic()
        args = dict(params.arguments or {})
        spec = specs.get(params.name)
        if spec is None:
            reply = _error(f"no tool named {params.name!r}", "list the tools to see the catalog")
        else:
            problem = check_arguments(spec, args)
            limit = config.sparql_limit if spec.name == "sparql" and spec.query is None else config.limit
            job = {"op": "tool", "tool": spec.name, "query": spec.query, "args": args, "timeout": config.timeout,
                   "limit": min(limit, config.limit)}
            reply = _error(problem) if problem else await anyio.to_thread.run_sync(
                supervisor.call, job, config.timeout)
        structured = reply["structured"]
        log({"tool": params.name, "args": {k: _short(v) for k, v in args.items()}, "ok": not reply["error"],
             "rows": structured.get("count"),
             "truncated": structured.get("truncated"), "ms": round((time.monotonic() - started) * 1000),
             **({"error": structured.get("error")} if reply["error"] else {})})
        return types.CallToolResult(content=[types.TextContent(text=reply["text"])], structured_content=structured,
                                    is_error=reply["error"])

    async def list_resources(ctx, params):
        return types.ListResourcesResult(resources=[
            types.Resource(uri=r["uri"], name=r["name"], title=r["title"], description=r["description"],
                           mime_type=r["mime"]) for r in resources.listing(config.workspace)])

    async def read_resource(ctx, params):
        uri = str(params.uri)
        started = time.monotonic()
        text = resources.read_static(uri)
        if text is None:
            if not uri.startswith(resources.SOURCES_URI):
                raise ValueError(f"no resource {uri!r}")
            reply = await anyio.to_thread.run_sync(
                supervisor.call, {"op": "resource", "uri": uri, "timeout": config.timeout}, config.timeout)
            if reply["error"]:
                raise ValueError(reply["structured"]["error"])
            text = reply["text"]
        log({"resource": uri, "ok": True, "ms": round((time.monotonic() - started) * 1000)})
        mime = "application/json" if uri.startswith(resources.SOURCES_URI) else "text/turtle"
        return types.ReadResourceResult(contents=[types.TextResourceContents(uri=uri, mime_type=mime, text=text)])

    async def list_prompts(ctx, params):
        return types.ListPromptsResult(prompts=[
            types.Prompt(name=name, title=p["title"], description=p["description"],
                         arguments=[types.PromptArgument(name=a, description=d, required=r)
                                    for a, d, r in p["arguments"]])
            for name, p in resources.PROMPTS.items()])

    async def get_prompt(ctx, params):
        text = resources.render_prompt(params.name, params.arguments or {})
        log({"prompt": params.name, "ok": True})
        return types.GetPromptResult(description=resources.PROMPTS[params.name]["description"], messages=[
            types.PromptMessage(role="user", content=types.TextContent(text=text))])

    return Server("airm", version=__version__, title="airm: AI-risk mitigations", instructions=INSTRUCTIONS,
                  get_tool_input_schema=lambda name: specs[name].input_schema if name in specs else None,
                  on_list_tools=list_tools, on_call_tool=call_tool, on_list_resources=list_resources,
                  on_read_resource=read_resource, on_list_prompts=list_prompts, on_get_prompt=get_prompt)


def _short(value, most: int = 200):
    """An argument as the log shows it: a long SPARQL text is cut (the log is for reading, not replaying)."""
    return value if not isinstance(value, str) or len(value) <= most else value[:most] + "..."


def _error(message: str, hint: str | None = None) -> dict:
    return error_answer(message, hint)


def host_port(text: str) -> tuple[str, int]:
    """``--http [HOST:]PORT`` as (host, port): a bare port listens on loopback only."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UserError(f"--http {shown(text)} is not [HOST:]PORT", hint="e.g. --http 127.0.0.1:8765 or --http 8765")
    return host, int(port)


def run(config: McpConfig, *, http: tuple[str, int] | None = None) -> None:
    """Start the worker (a broken workspace fails here, before any protocol), then serve until the client leaves."""
    import anyio

    supervisor = Supervisor(config.workspace, memory_mb=config.memory_mb)
    supervisor.start()
    server = build(config, supervisor)
    try:
        if http is None:
            log({"event": "ready", "transport": "stdio", "triples": supervisor.triples})
            anyio.run(_serve_stdio, server)
        else:
            _serve_http(server, *http, triples=supervisor.triples)
    except KeyboardInterrupt:
        pass
    finally:
        supervisor.close()


async def _serve_stdio(server) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def _serve_http(server, host: str, port: int, *, triples: int) -> None:
    """Streamable HTTP on HOST:PORT (port 0: a free one; the address is logged on stderr)."""

    import uvicorn

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as e:
        raise UserError(f"cannot listen on {host}:{port}: {e.strerror or e}",
                        hint="pick another port (0 picks a free one)") from None
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    app = server.streamable_http_app(host=host)
    log({"event": "ready", "transport": "streamable-http", "url": f"http://{shown}:{bound_port}/mcp",
         "triples": triples})
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
