"""The whole test suite on every other CPython 3.10+ this machine has (``make test`` runs it).

Interpreters are found on PATH or under pyenv; an absent one is skipped, not an error,
so the matrix adapts to the machine. The interpreter that runs nox (the main .venv's)
is left out: ``make pytest`` runs the suite there, in the venv ``make`` has set up
already. The versions run one after the other: one suite of ``-n 4`` keeps both cores
of our machines busy, and two side by side would only slow each other down.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

import nox

nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "venv"

MINORS = ("3.10", "3.11", "3.12", "3.13", "3.14")


def _works(path: str) -> bool:
    try:
        return subprocess.run([path, "-c", "pass"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _find(minor: str) -> str | None:
    candidates = [shutil.which(f"python{minor}") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(
        glob.glob(f"{pyenv_root}/versions/{minor}.*/bin/python{minor}"), reverse=True
    )
    return next((path for path in candidates if path and _works(path)), None)


def other_pythons() -> list[str]:
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = (_find(minor) for minor in MINORS if minor != current)
    return [path for path in found if path]


# With no other interpreter the session still exists, and skips, so that nox does not
# fail with "no sessions found" on a machine that has a single Python.
@nox.session(python=other_pythons() or False)
def tests(session: nox.Session) -> None:
    """The whole suite on one interpreter, as ``make pytest`` runs it."""
    if not session.python:
        session.skip("no other CPython 3.10+ on this machine")
    session.install("-q", "-e", ".[test]")
    # ``make matrix`` passes the worker count (``-n``) after ``--``.
    session.run("pytest", "-q", "--dist", "loadgroup", *(session.posargs or ["-n", "4"]))
