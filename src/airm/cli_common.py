"""Option helpers shared by the modules of the ``airm`` command (imported by them, never importing them)."""

from __future__ import annotations

import click

WORKSPACE_HELP = "folder of imported sources [default: $AIRM_WORKSPACE or ./airm-data]"


def workspace_option(f):
    return click.option("--workspace", type=click.Path(file_okay=False), default=None, help=WORKSPACE_HELP)(f)


def _load(workspace, *, said: bool = False):
    """The graph of the embedded data and ``workspace``, saying on stderr which workspace that is (unless the
    caller ``said`` it already: a query's child process may be killed before its stderr is relayed)."""
    from . import kg as kgmod

    if not said:
        _say_workspace(workspace)
    return kgmod.load(workspace=workspace)


def _say_workspace(workspace) -> None:
    from .workspace import workspace_line

    click.echo(workspace_line(workspace), err=True)
