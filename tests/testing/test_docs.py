"""``docs/testing.md`` and its worked example: every Python block runs or is checked.

A block is preceded by ``<!-- file: NAME -->`` (written to a fresh directory and run:
test files by pytest, other files as a script) or ``<!-- excerpt: PATH -->`` (a
verbatim piece of a file of ``examples/``, whose tests run here too).
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "testing.md"
EXAMPLE = ROOT / "examples" / "signup_app"
_BLOCK = re.compile(r"(?:<!-- (file|excerpt): (\S+) -->\n)?```python\n(.*?)```", re.S)


def _blocks() -> list[tuple[str | None, str | None, str]]:
    return [(m[1], m[2], m[3]) for m in _BLOCK.finditer(DOCS.read_text())]


def test_every_python_block_is_run_or_checked() -> None:
    blocks = _blocks()
    assert len(blocks) >= 10
    unlabelled = [code.splitlines()[0] for kind, _, code in blocks if kind is None]
    assert unlabelled == []


def test_excerpts_are_the_example_code() -> None:
    excerpts = [(name, code) for kind, name, code in _blocks() if kind == "excerpt"]
    assert excerpts
    for name, code in excerpts:
        assert code in (ROOT / name).read_text(), f"docs/testing.md quotes {name} inexactly"


def test_the_worked_example_passes(pytester: pytest.Pytester) -> None:
    """examples/signup_app, with its own pytest.ini, as `pytest examples/signup_app`."""
    for name in ("signup.py", "test_signup.py", "pytest.ini"):
        (pytester.path / name).write_text((EXAMPLE / name).read_text())
    result = pytester.runpytest()
    result.assert_outcomes(passed=5)


def test_the_doc_snippets_run(inner: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> None:
    files = {name: code for kind, name, code in _blocks() if kind == "file" and name}
    for name, code in files.items():
        (inner.path / name).write_text(code)
    tests = sorted(name for name in files if name.startswith("test_"))
    assert len(tests) == 8

    result = inner.runpytest(*tests, "-rs")
    # anyio comes with the dev tools (schemathesis needs it).
    result.assert_outcomes(passed=11, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED *test_live_example.py:*: sendx_live: runs against*"])

    capsys.readouterr()
    runpy.run_path(str(inner.path / "emulator_script.py"), run_name="__main__")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/v1 test-team\n", capsys.readouterr().out)
