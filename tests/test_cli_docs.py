"""Every ``sendx`` command has help and a section in docs/cli.md naming its options."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sendx.cli import build_parser
from sendx.cli._common import CONNECTION_OPTIONS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
CONNECTION_FLAGS = {option.flag for option in CONNECTION_OPTIONS}


def _sub_commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands() -> dict[str, argparse.ArgumentParser]:
    commands = _sub_commands(build_parser())
    assert commands, "the sendx parser has no sub-commands"
    return commands


def _group_commands() -> dict[str, argparse.ArgumentParser]:
    """The commands of the groups (``contacts list``, ``lists get``, ...)."""
    return {
        f"{group} {name}": command
        for group, parser in _commands().items()
        for name, command in _sub_commands(parser).items()
    }


def _long_options(command: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_documented(name: str) -> None:
    """Each command has help text, a ``## `sendx NAME``` section, and every long option
    of its ``--help`` but the connection options (their own section names them, see
    below) appears in that section."""
    command = _commands()[name]
    assert command.description, f"sendx {name} has no description"
    match = re.search(rf"^## `sendx {name}`\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section for sendx {name}"
    section = match.group(1)
    options = _long_options(command) - CONNECTION_FLAGS
    missing = sorted(option for option in options if option not in section)
    assert not missing, f"docs/cli.md's sendx {name} section does not mention {missing}"


@pytest.mark.parametrize("name", sorted(_group_commands()))
def test_every_command_of_a_group_is_documented(name: str) -> None:
    """Each command of a group (``sendx lists get``) has help text and a ``### `sendx
    GROUP NAME``` section that mentions every long option of its ``--help`` but the
    connection options; ``--json`` and ``--limit``, which every command of a group
    has alike, may be named once in the group's section."""
    command = _group_commands()[name]
    group = name.split()[0]
    assert command.description, f"sendx {name} has no description"
    help_line = next(
        action._choices_actions  # type: ignore[attr-defined]
        for action in _commands()[group]._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    assert all(choice.help for choice in help_line), f"a command of sendx {group} has no help"
    match = re.search(rf"^### `sendx {name}( [^`]*)?`\n(.*?)(?=^##|\Z)", DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section for sendx {name}"
    section = match.group(2)
    intro = re.search(rf"^## `sendx {group}`\n(.*?)(?=^##)", DOC, re.M | re.S)
    assert intro, f"docs/cli.md has no section for sendx {group}"
    shared = {"--json", "--limit"}
    options = _long_options(command) - CONNECTION_FLAGS
    missing = sorted(
        option
        for option in options
        if option not in section and not (option in shared and option in intro.group(1))
    )
    assert not missing, f"docs/cli.md's sendx {name} section does not mention {missing}"


def test_the_connection_options_are_documented() -> None:
    """The table of connection options names every option and its variable."""
    match = re.search(r"^## Connection options\n(.*?)(?=^## )", DOC, re.M | re.S)
    assert match
    for option in CONNECTION_OPTIONS:
        assert f"`{option.flag} {option.metavar}` | `{option.variable}`" in match.group(1)


@pytest.mark.parametrize("page", ["README.md", "docs/cli.md", "docs/import.md"])
def test_the_first_import_shown_is_the_plain_command(page: str) -> None:
    """A newcomer copies the first ``sendx import`` command a page shows: it must be
    the one for a first import (``--resume`` exits 2 when nothing was interrupted);
    ``--resume`` comes after, for an interruption. Synopsis lines (with ``[``) aside."""
    text = (Path(__file__).resolve().parents[1] / page).read_text(encoding="utf-8")
    commands = [
        line.strip()
        for line in text.splitlines()
        if line.strip().startswith("sendx import ") and "[" not in line
    ]
    assert commands, f"{page} shows no sendx import command"
    assert "--resume" not in commands[0], commands[0]
    assert any("--resume" in command for command in commands), "and how to resume"
