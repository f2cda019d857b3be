"""Fixtures of the bulk-import tests: an in-process emulator for small files, and one
in a separate process (its own core) for the large ones."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@pytest.fixture(scope="module")
def emu() -> Iterator[Any]:
    from sendx.emulator import Emulator

    with Emulator() as emulator:
        yield emulator


@dataclass(frozen=True)
class EmulatorProcess:
    """An emulator served by ``sendx emulator`` in a child process."""

    base_url: str
    control_url: str


@pytest.fixture(scope="module")
def emu_process() -> Iterator[EmulatorProcess]:
    process = subprocess.Popen(
        # --quiet: its output is not read past the first line, and an access log
        # filling the pipe would block the emulator's exit.
        [sys.executable, "-m", "sendx", "emulator", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/api/v1", line)
        assert found, line
        root = found.group(1)
        yield EmulatorProcess(base_url=f"{root}/api/v1", control_url=f"{root}/_emulator")
    finally:
        process.terminate()
        process.wait(30)
        if process.stdout is not None:
            process.stdout.close()
