"""The ``airm import`` and ``airm sources`` commands: bringing public datasets into the workspace."""

from __future__ import annotations

import sys

import click

from .cli_common import _load, workspace_option


def _source_names() -> list[str]:
    from .importers import REGISTRY

    return sorted(REGISTRY)


@click.command("import", epilog="\b\nSOURCE is one of: " + ", ".join(_source_names()) + ".")
@click.argument("source", type=click.Choice(_source_names()), metavar="SOURCE")
@click.argument("path", type=click.Path())
@click.option("--dry-run", is_flag=True, help="validate and report what would change; write nothing")
@click.option("--accept-damage", is_flag=True,
              help="import what can be read from an input that looks damaged (cut short, required fields empty); "
                   "the summary lists what was lost")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@workspace_option
def import_command(source, path, dry_run, accept_damage, fmt, workspace):
    """Import a public AI-risk dataset into the workspace as its own named graph.

    PATH is the source's file, a folder holding it, or (for the IBM AI Atlas Nexus data) the wheel from
    'pip download --no-deps ai-atlas-nexus==1.2.5'. Re-importing replaces the source's graph atomically; rows that
    cannot be imported as they are go to WORKSPACE/review/SOURCE.tsv.
    """
    import json

    from .importers.base import NullProgress
    from .importers.store import TerminalProgress, import_source

    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() else NullProgress()
    if isinstance(progress, TerminalProgress):
        with progress:
            summary = import_source(source, path, workspace=workspace, dry_run=dry_run,
                                    accept_damage=accept_damage, progress=progress)
    else:
        summary = import_source(source, path, workspace=workspace, dry_run=dry_run, accept_damage=accept_damage,
                                progress=progress)
    if fmt == "json":
        click.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(summary.lines()))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@workspace_option
def sources(fmt, workspace):
    """List the imported sources: file, checksum, version, licence, triples and counts."""
    import json

    from .workspace import list_sources, sources_table, workspace_dir

    found = list_sources(workspace)
    coverage = _link_coverage(workspace) if found else []
    if fmt == "json":
        by_graph = {}
        for row in coverage:
            by_graph.setdefault(row["source"], []).append(row)
        for entry in found:
            entry["linkCoverage"] = by_graph.get(f"import/{entry['name']}", [])
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    elif not found:
        click.echo(f"no imported sources in {workspace_dir(workspace)} (import one with: airm import SOURCE PATH)")
    else:
        from .coverage import coverage_table

        click.echo(sources_table(found))
        click.echo("\nlink coverage of the mitigations, per source and axis (linked: a value of its own; inherited: "
                   "none, but a record of its de-duplication cluster has one; proposed: by airm classify, unreviewed)")
        click.echo(coverage_table(coverage))


def _link_coverage(workspace) -> list[dict]:
    from .coverage import link_coverage

    return link_coverage(_load(workspace))
