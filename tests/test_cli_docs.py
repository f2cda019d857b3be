"""Every ``sendx`` command has help and a section in docs/cli.md naming its options."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sendx.cli import build_parser

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the sendx parser has no sub-commands")


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_documented(name: str) -> None:
    """Each command has help text, a ``## `sendx NAME``` section, and every long option
    of its ``--help`` appears in that section."""
    command = _commands()[name]
    assert command.description, f"sendx {name} has no description"
    match = re.search(rf"^## `sendx {name}`\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section for sendx {name}"
    section = match.group(1)
    options = {
        option
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    missing = sorted(option for option in options if option not in section)
    assert not missing, f"docs/cli.md's sendx {name} section does not mention {missing}"


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
