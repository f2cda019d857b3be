"""SendX's own Python SDK (PyPI ``sendx`` 2.0.0) against the emulator, unchanged.

The SDK pins urllib3 below 2.1, which our client cannot share, so it lives in an
environment of its own, ``.venv-sdk`` at the project's root: made with this Python's
``venv`` and pip on first use, then reused while it still has the SDK (as nox reuses
its environments); ``make clean`` removes it. The tour (``tour.py``) runs there, as a
subprocess, against an emulator started here, and reports each operation.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sendx.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = ROOT / ".venv-sdk"
REQUIREMENT = "sendx==2.0.0"
TOUR = Path(__file__).with_name("tour.py")
TEAM, KEY = "sdk-team", "sdk-key"
#: The SDK's operations: those of its 17 API classes.
OPERATIONS = 63


def _python(environment: Path) -> Path:
    return environment / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _has_sdk(environment: Path) -> bool:
    stamp = environment / ".sendx-sdk"
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != REQUIREMENT:
        return False
    check = [str(_python(environment)), "-c", "import sendx_python_sdk"]
    try:
        return subprocess.run(check, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _create(environment: Path) -> None:
    """A new environment with the SDK, stamped with its requirement once complete."""
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(environment)],
        [
            str(_python(environment)),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            REQUIREMENT,
        ],
    ]
    for command in steps:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(
                f"could not make the SDK's environment {environment} ({' '.join(command[-2:])} "
                f"failed; PyPI must be reachable):\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
            )
    (environment / ".sendx-sdk").write_text(REQUIREMENT, encoding="utf-8")


@pytest.fixture(scope="module")
def sdk_python() -> Path:
    """The interpreter of the SDK's environment, made if it is missing or stale. A lock
    beside it keeps two test runs from making it at once."""
    with open(ROOT / ".venv-sdk.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _has_sdk(ENVIRONMENT):
            _create(ENVIRONMENT)
    return _python(ENVIRONMENT)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """An emulator with one team, whose id the postback URLs name."""
    with Emulator(teams={TEAM: KEY}, webhook_attempts=1, webhook_timeout=1.0) as emu:
        yield emu


@pytest.mark.timeout(900)
def test_every_operation_of_sendx_sdk_works(sdk_python: Path, emulator: Emulator) -> None:
    """Each of the SDK's 63 operations, called as its users call it, gets an answer
    the SDK accepts (a 201 on every create, ids and enums as it checks them) and that
    says what happened (the object created, found, changed, deleted)."""
    environment = {
        **os.environ,
        "SENDX_TOUR_URL": emulator.root_url + "/api/v1/rest",
        "SENDX_TOUR_KEY": KEY,
        "SENDX_TOUR_TEAM": TEAM,
        "NO_PROXY": "*",
        "no_proxy": "*",
    }
    done = subprocess.run(
        [str(sdk_python), str(TOUR)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    operations = json.loads(done.stdout)["operations"]
    failed = {name: why for name, why in operations.items() if why is not None}
    assert not failed, "\n".join(f"{name}: {why}" for name, why in sorted(failed.items()))
    assert len(operations) == OPERATIONS
