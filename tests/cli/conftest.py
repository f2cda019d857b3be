"""Fixtures of the command line's tests: one emulator per module, and a fresh team per
test (a key the emulator has not seen binds a team of its own over REST)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from sendx import SendX
from sendx.cli import main
from sendx.emulator import Emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """A running emulator (temporary database) shared by a module's tests."""
    with Emulator() as emu:
        yield emu


@dataclass
class Result:
    """What a ``sendx`` command did: its exit code and what it printed."""

    code: int
    out: str
    err: str


class Cli:
    """Runs ``sendx`` in this process, with the ``SENDX_*`` variables of one team."""

    def __init__(self, emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
        self.emulator = emulator
        self.capsys = capsys
        self.key = f"cli-key-{uuid.uuid4().hex}"
        self.team = f"cli-team-{uuid.uuid4().hex[:12]}"
        self.rest_base_url = emulator.root_url + "/api/v1/rest"

    def env(self) -> dict[str, str]:
        """The variables a shell would export for this team."""
        return {
            "SENDX_API_KEY": self.key,
            "SENDX_TEAM_ID": self.team,
            "SENDX_BASE_URL": self.emulator.base_url,
            "SENDX_REST_BASE_URL": self.rest_base_url,
        }

    def __call__(self, *argv: str) -> Result:
        self.capsys.readouterr()  # what came before is not this command's
        try:
            code = main(list(argv))
        except SystemExit as exit:  # argparse's usage errors and --help
            code = exit.code if isinstance(exit.code, int) else 1
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def client(self) -> SendX:
        """A client of the same team, to set up and check what the commands did."""
        return SendX(
            self.key,
            self.team,
            base_url=self.emulator.base_url,
            rest_base_url=self.rest_base_url,
            max_retries=0,
        )


@pytest.fixture
def cli(
    emulator: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """``sendx`` with the environment of a new team of the module's emulator."""
    runner = Cli(emulator, capsys)
    for name, value in runner.env().items():
        monkeypatch.setenv(name, value)
    return runner
