"""The README is the user's manual: every command and option of the CLI appears in it, and its Python examples run
(sqlite-utils' test_docs.py is the model)."""

from __future__ import annotations

import doctest
import re

import click
import pytest

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(command: click.Command, path: tuple[str, ...]):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, path + (name,))


def _all_commands():
    from airm.cli import cli

    return [(" ".join(path), command) for path, command in _commands(cli, ("airm",)) if not command.hidden]


@pytest.mark.parametrize(("name", "command"), _all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_is_in_the_readme(name, command):
    assert name in README, f"README.md does not mention the command `{name}`"
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        spellings = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
        if spellings and not any(re.search(re.escape(o) + r"(?![\w-])", README) for o in spellings):
            pytest.fail(f"README.md does not mention `{name}`'s option {spellings[0]} ({param.help})")


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_has_python_examples_written_as_doctests():
    blocks = _python_blocks()
    assert blocks and all(">>> " in block for block in blocks)


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_example_runs(index):
    """Each ```python block of the README is a doctest: its outputs are what airm prints today."""
    block = _python_blocks()[index]
    test = doctest.DocTestParser().get_doctest(block, {}, f"README.md python block {index + 1}", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} README example(s) failed (see output above)"


def test_the_readme_lists_every_predeclared_prefix():
    """The prefixes a query may use undeclared are listed in the README, each with its namespace, and no other."""
    from airm.namespaces import prefixes

    section = README.split("may use these prefixes without declaring them", 1)[1].split("```text\n", 1)[1]
    listed = dict(line.split(None, 1) for line in section.split("```", 1)[0].splitlines())
    assert listed == prefixes()
