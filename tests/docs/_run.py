"""Carrying out what a page's blocks ask for (see ``_blocks``): runs in subprocesses with
the ``SENDX_*`` variables of an emulator, checks of fragments, excerpts and data."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.docs._blocks import ROOT, Block, Run

if sys.version_info >= (3, 11):
    import tomllib
else:  # the emulator extra brings tomli there
    import tomli as tomllib

__all__ = [
    "check_data",
    "check_excerpt",
    "check_fragment",
    "environment",
    "run",
    "run_files",
]

_PYTHON_RUNNER = Path(__file__).with_name("_python_runner.py")
_TIMEOUT = 90


def environment(target: Mapping[str, str]) -> dict[str, str]:
    """This process's environment, without pytest's and sendx's variables, plus
    ``target`` (the emulator's ``SENDX_*``), this interpreter's scripts first on PATH
    (``sendx``, ``pytest``), and warnings turned into errors as in the suite."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SENDX_"))}
    env.update(target)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONWARNINGS"] = "error"
    return env


def run(blocks: Run, env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a Python run in a fresh interpreter, or a shell run with bash, in ``cwd``."""
    if blocks.language == "python":
        payload = cwd / ".blocks.json"
        payload.write_text(
            json.dumps(
                [{"path": str(b.path), "line": b.line, "code": b.code} for b in blocks.blocks]
            ),
            encoding="utf-8",
        )
        command = [sys.executable, str(_PYTHON_RUNNER), str(payload)]
    else:
        script = "set -euo pipefail\n" + "".join(block.code for block in blocks.blocks)
        command = ["bash", "--noprofile", "--norc", "-c", script]
    return subprocess.run(
        command, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=_TIMEOUT
    )


def run_files(
    blocks: Sequence[Block], env: Mapping[str, str], folder: Path
) -> tuple[list[str], str]:
    """Write a page's file blocks into ``folder``; run its ``test_*.py`` files with
    pytest and its other ``*.py`` files with Python. Returns the problems (a failed
    run, a test file of which no test ran) and what the runs printed."""
    problems: list[str] = []
    for block in blocks:
        if Path(block.argument).name != block.argument:
            problems.append(f"{block.where}: a file block's name is a plain file name")
            continue
        (folder / block.argument).write_text(block.code, encoding="utf-8")
    names = [block.argument for block in blocks if block.argument.endswith(".py")]
    tests = [name for name in names if name.startswith("test_")]
    output = ""
    if tests:
        report = folder / ".report.xml"
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs"]
        result = subprocess.run(
            [*command, f"--junit-xml={report}", *tests],
            cwd=folder,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
        )
        output += result.stdout + result.stderr
        if result.returncode != 0:
            problems.append(f"pytest {' '.join(tests)} exited {result.returncode}")
        elif report.exists():
            ran = {
                case.get("classname", "").split(".")[0] + ".py"
                for case in ElementTree.parse(report).iter("testcase")  # noqa: S314 (ours)
            }
            problems += [f"{name}: no test ran" for name in tests if name not in ran]
    for name in names:
        if name in tests:
            continue
        result = subprocess.run(
            [sys.executable, name],
            cwd=folder,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
        )
        output += result.stdout + result.stderr
        if result.returncode != 0:
            problems.append(f"python {name} exited {result.returncode}")
    return problems, output


def check_fragment(block: Block) -> str | None:
    """A problem when the fragment is not Python that could stand in a module or a
    function body; else ``None``."""
    code = textwrap.dedent(block.code)
    for source in (code, "async def _fragment():\n" + textwrap.indent(code, "    ")):
        try:
            compile(source, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        except SyntaxError as error:
            problem = f"{block.where}: the fragment does not compile: {error}"
        else:
            return None
    return problem


def check_excerpt(block: Block) -> str | None:
    """A problem when the excerpt is not a verbatim piece of its file."""
    source = ROOT / block.argument
    if not source.is_file():
        return f"{block.where}: quotes {block.argument}, which does not exist"
    if block.code not in source.read_text(encoding="utf-8"):
        return f"{block.where}: quotes {block.argument} inexactly"
    return None


def check_data(block: Block) -> str | None:
    """A problem when a JSON or TOML block does not parse."""
    try:
        if block.language == "json":
            json.loads(block.code)
        else:
            tomllib.loads(block.code)
    except ValueError as error:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        return f"{block.where}: the {block.language} does not parse: {error}"
    return None
