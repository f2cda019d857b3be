"""docs/emulator.md: its Python example runs, and it documents every CLI option."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendx.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def test_the_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The "From Python" example works as written."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "with Emulator() as emu:" in block)
    exec(compile(example, str(DOC), "exec"), {})  # noqa: S102 (our own documentation)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/_emulator\n", capsys.readouterr().out)


def test_every_cli_option_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    """Each option of ``sendx emulator --help`` appears in the page's table."""
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])
    options = set(re.findall(r"(--[a-z][a-z-]+)", capsys.readouterr().out)) - {"--help"}
    text = DOC.read_text(encoding="utf-8")
    assert options
    assert {option for option in options if f"| `{option}" not in text} == set()
