"""The ``airm`` command: parses options, calls the library, formats results. No logic of its own."""

from __future__ import annotations

import sys

import click

from .cli_classify import classify_command, review_command
from .cli_common import _load, _say_workspace, workspace_option
from .cli_sources import import_command, sources
from .errors import AirmError, ValidationFailed, shown
from .severity import SEVERITIES, at_least
from .version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="airm")
@click.option("--traceback", is_flag=True, help="show Python tracebacks (for developers)")
def cli(traceback):
    """airm: a knowledge graph of AI-risk mitigations, with stored queries.

    Exit codes: 0 ok, 1 validation failed, 2 bad input or usage, 3 internal error.
    """


@cli.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="folder to write the build into")
@workspace_option
@click.option("--no-validate", is_flag=True, help="skip SHACL validation (not recommended)")
def build(out_dir, workspace, no_validate):
    """Build the merged graph (ontology, data, imports, entailments) as Turtle, N-Triples and JSON-LD.

    Writes OUT/airm.ttl, OUT/airm.nt, OUT/airm.jsonld and OUT/build-report.json; nothing is written when the
    data does not validate.
    """
    from .builder import build as run_build
    from .workspace import workspace_line

    click.echo(workspace_line(workspace), err=True)
    result = run_build(out_dir, workspace=workspace, validate=not no_validate)
    r = result.report
    triples = r["triples"]
    click.echo(f"built {triples['merged']} triples ({triples['asserted']} asserted, {triples['entailed']} entailed)")
    if r["validation"]:
        v = r["validation"]
        click.echo(f"validation: conforms, {v['warnings']} warning(s), {v['infos']} info(s)")
    for path in result.files.values():
        click.echo(f"  {path}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-embedded", is_flag=True, help="check PATHS alone, without the embedded data as context")
@click.option("--severity", type=click.Choice([s.lower() for s in reversed(SEVERITIES)]), default="info",
              show_default=True, help="lowest severity to show")
@click.option("--engine", type=click.Choice(["prefilter", "pyshacl"]), default="prefilter", show_default=True,
              help="prefilter: Oxigraph picks the nodes that might fail, pySHACL checks those; pyshacl: pySHACL over "
                   "the whole graph (the reference; same report, slower on large graphs)")
def validate(paths, fmt, no_embedded, severity, engine):
    """Check data against airm's SHACL shapes: the embedded data, or the Turtle/JSON-LD files given.

    One line per problem: file:line, severity, node, property, value and what to do. Exit 0 when the data
    conforms (warnings allowed), 1 on violations, 2 when a file cannot be read.
    """
    from .validation import validate as run_validation

    report = run_validation(list(paths) or None, with_embedded=not no_embedded or not paths, engine=engine)
    report.problems = at_least(report.problems, severity)
    click.echo(report.to_json() if fmt == "json" else report.to_text())
    if not report.conforms:
        sys.exit(1)


# csv escapes cells a spreadsheet would run as formulas (a leading '); csv-raw writes values as they are
SELECT_FORMATS = ["table", "csv", "csv-raw", "csv-safe", "tsv", "json", "md"]
GRAPH_FORMATS = ["ttl", "nt", "jsonld"]


def _parse_params(pairs) -> dict:
    from .errors import QueryError

    params = {}
    for pair in pairs:
        if "=" not in pair:
            raise QueryError(f"--param {shown(pair)} is not NAME=VALUE", hint='e.g. --param risk="value misalignment"')
        name, value = pair.split("=", 1)
        name = name.strip()
        if name in params:
            raise QueryError(f"parameter {shown(name)} given twice")
        params[name] = value
    return params


def _with_follow(query, given: dict, follow: str | None) -> dict:
    """``--follow X`` is ``--param follow=X`` for the queries that follow crosswalks; refused where it means nothing."""
    from .errors import QueryError

    if follow is None:
        return given
    if "follow" not in query.params:
        from .catalog import catalog

        takers = sorted(q.name for q in catalog().values() if "follow" in q.params)
        raise QueryError(f"query {query.name!r} follows no crosswalk steps, so --follow does not apply to it",
                         hint="--follow applies to: " + ", ".join(takers))
    if "follow" in given and given["follow"].strip().lower() != follow:
        raise QueryError(f"--follow {follow} and --param follow={shown(given['follow'])} disagree",
                         hint="give one of them")
    return {**given, "follow": follow}


def _emit(result, fmt, *, wide: bool = False):
    if result.kind == "construct" and fmt == "table":
        fmt = "ttl"
    try:
        text = result.format(fmt, wide=wide)
    except ValueError as e:
        from .errors import QueryError

        raise QueryError(str(e)) from None
    click.echo(text, nl=not text.endswith("\n"))
    if result.truncated:
        click.echo("warning: the result was cut at the row limit (raise --limit to see more)", err=True)


@cli.group()
def query():
    """The catalog of stored queries: list, show and run them."""


@query.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def query_list(fmt):
    """List the stored queries with their titles and parameters."""
    import json

    from .catalog import catalog

    queries = catalog()
    if fmt == "json":
        click.echo(json.dumps([q.header() for q in queries.values()], indent=2, ensure_ascii=False))
        return
    width = max(len(n) for n in queries)
    for q in queries.values():
        params = " ".join(f"[{p.name}]" if not p.required else p.name for p in q.params.values())
        click.echo(f"{q.name.ljust(width)}  {q.title}" + (f"  ({params})" if params else ""))


@query.command("show")
@click.argument("name")
def query_show(name):
    """Show a stored query: its question, parameters and SPARQL text."""
    from .catalog import get

    q = get(name)
    click.echo(f"{q.name}: {q.title}\nquestion: {q.question}\n\n{q.description}\n")
    if q.params:
        click.echo("parameters:")
        for p in q.params.values():
            extra = []
            if p.required:
                extra.append("required")
            if p.default is not None:
                extra.append(f"default {p.default}")
            if p.example is not None:
                extra.append(f"e.g. {p.example}")
            restrict = p.cls or p.scheme
            click.echo(f"  {p.name} ({p.type}{', ' + restrict if restrict else ''}): {p.description}"
                       + (f" [{'; '.join(extra)}]" if extra else ""))
        click.echo("")
    click.echo(q.text)


def _engine_options(f):
    f = click.option("--timeout", type=float, default=None, help="seconds before the query is stopped [default: 30]")(f)
    f = click.option("--limit", type=int, default=None, help="most rows to return [default: 100000]")(f)
    f = click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default=None,
                     help="oxigraph (fast, the default) or rdflib (the reference)")(f)
    f = click.option("--endpoint", metavar="URL", default=None,
                     help="run on this SPARQL 1.1 query endpoint instead (e.g. http://127.0.0.1:7878/query)")(f)
    f = click.option("--memory", type=click.IntRange(min=0), default=None, metavar="MB",
                     help="most memory the query's process may use, in MB (0: no cap) [default: 4096]")(f)
    return workspace_option(f)


def _bounded(work, timeout, limit, memory, fmt=None, say=None):
    """Run ``work(ready)`` in a child process under the query's deadline and a memory cap (airm.isolation); while it
    runs, ``say()`` (a line that must come first and stay even if the query is stopped) and import what reading and
    printing its answer need."""
    from .bounds import check_bounds
    from .isolation import DEFAULT_MEMORY_MB, run_in_child

    timeout, _ = check_bounds(timeout, limit)  # refused here, before anything starts

    def meanwhile():
        if say is not None:
            say()
        _import_renderer(table=fmt == "table")

    return run_in_child(work, timeout=timeout, memory_mb=DEFAULT_MEMORY_MB if memory is None else memory,
                        meanwhile=meanwhile)


def _import_renderer(*, table: bool) -> None:
    """What reading the child's answer and printing it need, imported while the query runs."""
    from . import resolve, results  # noqa: F401  (the answer unpickles into airm.results' classes)

    if table:
        import rich.box  # noqa: F401  (airm.results renders tables with rich)
        import rich.console  # noqa: F401
        import rich.table  # noqa: F401


@query.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="a query parameter (repeatable)")
@click.option("--with-proposals", is_flag=True, help="include unreviewed classifications from 'airm classify'")
@click.option("--long", "long_rows", is_flag=True,
              help="one row per link and piece of evidence: run the query's long form "
                   "(e.g. mitigations-for-risk-evidence)")
@click.option("--wide", is_flag=True, help="show every column in the table, IRIs included (the table shows labels)")
@click.option("--follow", type=click.Choice(["none", "related", "category", "candidates", "all"]),
              help="weaker crosswalk steps to follow too, for queries that take a 'follow' parameter "
                   "(same as --param follow=...)")
@click.option("--format", "fmt", type=click.Choice(SELECT_FORMATS + GRAPH_FORMATS), default="table", show_default=True,
              help="csv puts a ' before cells a spreadsheet would run as formulas (= + - @ tab CR); csv-raw does not")
@_engine_options
def query_run(name, params, fmt, timeout, limit, engine, endpoint, memory, workspace, with_proposals, follow,
              long_rows, wide):
    """Run a stored query on the embedded data and imported sources.

    Parameters take an IRI, a CURIE, a code (7.1) or a label, case-insensitive, e.g.
    airm query run training-methods-for-risk --param risk="value misalignment"
    """
    given = _parse_params(params)

    def work(ready):
        # Everything from the catalog lookup on runs in the query's process: the parent imports the table renderer
        # meanwhile, so on two cores neither waits for the other (an unknown name or parameter is refused from here
        # with the same message and exit code).
        from .answers import annotate, resolved_report
        from .catalog import bind_params, get, long_form
        from .engines import run_stored
        from .labels import add_label_columns

        q = long_form(get(name)) if long_rows else get(name)
        bound_given = _with_follow(q, given, follow)
        # labels and codes are resolved on the local build; an endpoint run needs it only for that
        needs_local = endpoint is None or any(p.type == "resource" for p in q.params.values())
        if needs_local and endpoint is not None:  # without an endpoint the parent says it (below)
            _say_workspace(workspace)
        graph = _load(workspace, said=True) if needs_local else None
        ready()
        resolved: dict = {}
        bound = bind_params(graph, q, bound_given, resolved=resolved if graph is not None else None)
        result = run_stored(graph, q, bound, engine=engine, timeout=timeout, limit=limit, endpoint=endpoint,
                            with_proposals=with_proposals)
        result.resolved = resolved_report(graph, resolved)
        if graph is not None:
            add_label_columns(graph, result)
        if endpoint is None:
            annotate(graph, q, bound, result, with_proposals=with_proposals, engine=engine, timeout=timeout,
                     limit=limit)
        return result

    # an endpoint's answer (up to 512 MB of JSON) is read in the child too; the workspace line is said by the parent
    # while the child works, so that it comes first and stays when the query is stopped
    result = _bounded(work, timeout, limit, memory, fmt,
                      say=(lambda: _say_workspace(workspace)) if endpoint is None else None)
    from .resolve import resolved_line

    for param, found in result.resolved.items():
        click.echo(resolved_line(param, found), err=True)
    _emit(result, fmt, wide=wide)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


@cli.command("search")
@click.argument("text")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="only resources of this class, e.g. Mitigation or airm:AttackTechnique (repeatable)")
@click.option("--source", "sources", multiple=True, metavar="SOURCE",
              help="only resources from this source: an import's name (atlas) or airm (repeatable)")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="at most this many hits")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@workspace_option
def search_command(text, types, sources, limit, fmt, workspace):
    """Full-text search over every label, code, description, note and use text, ranked (BM25).

    Words are stemmed and punctuation ignored, so "red-teaming", "red teaming" and "Red Team" find the same.
    Hits are grouped by type, with their source and the text around the match in [brackets].
    """
    from .search import hits_json, hits_text, search

    hits = search(_load(workspace), text, types=list(types) or None, sources=list(sources) or None,
                  limit=limit)
    if not hits:
        click.echo(f"no matches for {shown(text)}", err=True)
    if hits or fmt == "json":
        click.echo(hits_json(hits) if fmt == "json" else hits_text(hits))


@cli.command()
@click.argument("query_text", metavar="QUERY|@FILE.rq")
@click.option("--format", "fmt", type=click.Choice(SELECT_FORMATS + GRAPH_FORMATS), default="table", show_default=True,
              help="csv puts a ' before cells a spreadsheet would run as formulas (= + - @ tab CR); csv-raw does not")
@click.option("--allow-service", is_flag=True, help="let SERVICE clauses reach other SPARQL endpoints")
@_engine_options
def sparql(query_text, fmt, allow_service, timeout, limit, engine, endpoint, memory, workspace):
    """Run an ad-hoc read-only SPARQL query (text, or @path to a .rq file). Updates are refused."""
    from .query_checks import read_query_file

    if query_text.startswith("@"):
        query_text = read_query_file(query_text[1:])

    def work(ready):
        if endpoint is not None:  # the endpoint's answer is read here, under the memory cap
            from .engines import run_sparql

            ready()
            return run_sparql(None, query_text, timeout=timeout, limit=limit, engine=engine, endpoint=endpoint,
                              allow_service=allow_service)
        graph = _load(workspace, said=True)
        ready()
        return graph.sparql(query_text, timeout=timeout, limit=limit, engine=engine, allow_service=allow_service)

    say = (lambda: _say_workspace(workspace)) if endpoint is None else None  # as in query run: first, and kept
    _emit(_bounded(work, timeout, limit, memory, fmt, say=say), fmt)


@cli.command()
@click.option("--endpoint", metavar="URL", required=True, help="the store's SPARQL query endpoint, e.g. http://127.0.0.1:7878/query")
@click.option("--update", metavar="URL", default=None,
              help="its SPARQL Update URL, for the one request that loads the build "
                   "[default: Oxigraph's BASE/update beside BASE/query]")
@click.option("--graph", metavar="IRI", default=None,
              help="put everything into this one graph ('default': the default graph) instead of one graph per source")
@click.option("--replace/--no-replace", default=True, show_default=True,
              help="replace each graph (re-pushing is idempotent) or add to it")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="seconds allowed for each request")
@click.option("--batch", type=int, default=0, show_default=True, metavar="TRIPLES",
              help="send the build in requests of at most this many triples, for stores that refuse large requests "
                   "(Virtuoso: 2000); not all or nothing then (0: one request)")
@workspace_option
def push(endpoint, update, graph, replace, timeout, batch, workspace):
    """Load the build (ontology, data, imports, entailments) into a SPARQL store, all of it or none of it.

    One named graph per source, as in the embedded store, all sent in one SPARQL Update request, which a
    transactional store (Oxigraph) applies whole or not at all. With --batch the build goes in several requests
    (Virtuoso refuses large ones): not all or nothing then, and a push that fails part way says how far it got;
    pushing again replaces it all. Queries on the store need its default graph to be
    the union of the named graphs (Oxigraph: 'oxigraph serve --union-default-graph'), or push with --graph default.
    Blank nodes go out as skolem IRIs, what an earlier push in another layout left is removed, and afterwards the
    store is counted: it holds exactly the build, or the push says what differs.
    """
    from .endpoint import push as run_push

    if timeout <= 0:
        from .errors import UserError

        raise UserError("--timeout must be a positive number of seconds")
    if batch < 0:
        from .errors import UserError

        raise UserError("--batch must be 0 (one request) or a positive number of triples")
    report = run_push(_load(workspace), endpoint, update=update, graph=graph, replace=replace,
                      timeout=timeout, batch=batch)
    click.echo(report.to_text())
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (0.0.0.0: every interface)")
@click.option("--port", type=int, default=8000, show_default=True, help="port to listen on (0: any free port)")
@click.option("--workers", type=int, default=2, show_default=True,
              help="query worker processes: queries run in parallel up to this many; one that overruns is killed")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="seconds a query may run")
@click.option("--limit", type=int, default=100_000, show_default=True,
              help="most rows (or triples) a result may have; larger results are refused, not cut")
@click.option("--client-queries", type=int, default=1, show_default=True,
              help="free SPARQL queries one client address may run at once; more wait in line (stored queries "
                   "and pages are not limited)")
@click.option("--forwarded-allow-ips", metavar="ADDRESSES", default=None,
              help="comma-separated addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto headers "
                   "are believed ('*': any); by default none are, and each client is its socket's address")
@click.option("--header-timeout", type=float, default=10.0, show_default=True,
              help="seconds a connection has to send a request's headers before it is closed")
@workspace_option
def serve(host, port, workers, timeout, limit, client_queries, forwarded_allow_ips, header_timeout, workspace):
    """Serve the graph over HTTP: SPARQL endpoint (/sparql), stored queries (/queries), linked-data pages for every
    IRI (/id/...), a mitigation browser, coverage heat maps and a query editor.

    Read-only. One JSON line per request goes to stderr (method, path, status, time).
    """
    from .server import ServerConfig
    from .server import serve as run_server

    run_server(ServerConfig(host=host, port=port, workers=workers, timeout=timeout, limit=limit, workspace=workspace,
                            client_queries=client_queries, forwarded_allow_ips=forwarded_allow_ips,
                            header_timeout=header_timeout),
               echo=lambda text, **_: click.echo(text))


@cli.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="folder to write the report into")
@workspace_option
def report(out_dir, workspace):
    """Coverage pictures: heat maps (PNG and SVG) of mitigations per lifecycle stage x actor type and per mitigation
    category x risk domain, with zero cells marked, their numbers as CSV, and index.html listing the risks no
    mitigation reaches.
    """
    from .report import write_report

    for path in write_report(_load(workspace), out_dir):
        click.echo(f"  {path}")


# --- exports, mappings, diff, docs (issue 5) ---------------------------------------------------------------------

def _write_or_echo(data: bytes, out_file) -> None:
    if out_file is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    from .atomic import write_file as atomic_write

    atomic_write(out_file, data)
    click.echo(f"wrote {out_file} ({len(data)} bytes)", err=True)


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "jsonld-framed", "rdfxml", "sssom"]),
              default="ttl", show_default=True,
              help="jsonld: compacted with the published context; jsonld-framed: one nested record per mitigation; "
                   "sssom: the mappings as an SSSOM/TSV table")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="file to write (atomically) [default: standard output]")
@click.option("--scope", type=click.Choice(["ontology", "data", "all"]), default="all", show_default=True,
              help="ontology (terms and alignments), data (records, imports, entailments) or all")
@workspace_option
def export_command(fmt, out_file, scope, workspace):
    """Export the built graph in one format; every export is verified by parsing it back before it is written."""
    from .export import export

    _write_or_echo(export(_load(workspace), fmt, scope=scope), out_file)


@cli.group()
def mappings():
    """Mapping sets (SSSOM): airm's alignments to other vocabularies and the crosswalks between risk taxonomies."""


@mappings.command("export")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="file to write (atomically) [default: standard output]")
@click.option("--scope", type=click.Choice(["ontology", "data", "all"]), default="all", show_default=True,
              help="ontology (term alignments), data (crosswalk rows) or all")
@click.option("--set", "set_id", metavar="IRI|CURIE", default=None,
              help="only this mapping set, with its own metadata (e.g. mapping:airm-to-airo)")
@workspace_option
def mappings_export(out_file, scope, set_id, workspace):
    """Write the mappings as one SSSOM/TSV table (each row names its original set in mapping_source)."""
    from .export import mappings_tsv

    _write_or_echo(mappings_tsv(_load(workspace), scope=scope, set_id=set_id), out_file)


@cli.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True,
              help="md: a CHANGELOG section")
@click.option("--migration", "migration_file", type=click.Path(dir_okay=False), default=None,
              help="compare the releases of the imported identifiers and write the migration as SSSOM/TSV")
def diff_command(old, new, fmt, migration_file):
    """What changed between two builds (folders) or export files: terms, records and mappings added, removed,
    changed."""
    from .diff import diff, load
    from .release_diff import write_migration

    result = write_migration(load(old), load(new), migration_file) if migration_file else diff(old, new)
    text = {"text": result.to_text, "json": result.to_json, "md": result.to_markdown}[fmt]()
    click.echo(text, nl=not text.endswith("\n"))


@cli.command("docs")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="folder to write the HTML into")
@workspace_option
def docs_command(out_dir, workspace):
    """Generate HTML documentation: the ontology (pyLODE), one page per concept scheme, the query catalog, the
    mappings."""
    from .docs import build_docs
    from .workspace import workspace_line

    click.echo(workspace_line(workspace), err=True)
    result = build_docs(out_dir, workspace=workspace)
    click.echo(f"wrote {len(result.files)} pages into {result.out_dir}")


@cli.command("mcp")
@click.option("--http", "http", metavar="[HOST:]PORT", default=None,
              help="serve the protocol's streamable HTTP transport at http://HOST:PORT/mcp instead of stdio "
                   "(HOST defaults to 127.0.0.1, loopback only; port 0 picks a free one)")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="seconds one tool call may run")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True,
              help="most rows a tool returns (a cut result says so); no call may ask for more")
@click.option("--sparql-limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="default row cap of the sparql tool")
@click.option("--memory", type=click.IntRange(min=0), default=4096, show_default=True, metavar="MB",
              help="most memory the query worker may use, in MB (0: no cap)")
@workspace_option
def mcp_command(http, timeout, limit, sparql_limit, memory, workspace):
    """Serve the graph to AI assistants over the Model Context Protocol (read-only).

    Tools: one per stored query (from the catalog's headers), plus search, describe, resolve and sparql; every
    answer carries what its parameters resolved to and the evidence of each mitigation-risk link. Resources: the
    ontology, the query catalog, the imported sources. Stdio by default (stdout carries only the protocol; one
    JSON log line per call goes to stderr). Needs the optional SDK: pip install "airm[mcp]".
    """
    from .bounds import check_bounds
    from .mcp import require_sdk

    require_sdk()
    check_bounds(timeout, limit)
    from .mcp.server import McpConfig, host_port, run

    run(McpConfig(workspace=workspace, timeout=timeout, limit=limit, sparql_limit=min(sparql_limit, limit),
                  memory_mb=memory), http=host_port(http) if http is not None else None)


for _command in (import_command, sources, classify_command, review_command):  # defined in their own modules
    cli.add_command(_command)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in argv
    try:
        cli.main(args=argv, prog_name="airm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except ValidationFailed as e:
        if show_traceback:
            raise
        if e.report is not None:
            click.echo(e.report.to_text(), err=True)
        click.echo(f"error: {e}", err=True)
        return e.exit_code
    except AirmError as e:
        if show_traceback:
            raise
        click.echo(f"error: {e}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:  # a bug: say so plainly, keep the traceback for --traceback
        if show_traceback:
            raise
        click.echo(f"internal error: {type(e).__name__}: {e}\n  hint: run again with --traceback and report it",
                   err=True)
        return 3
    return 0


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
