"""The worked example of ``docs/testing.md``, ``examples/signup_app``, passes as its
readers run it. (The page's own blocks run in ``tests/docs``, like every page's.)"""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "signup_app"


@pytest.mark.parametrize(
    "options",
    [(), ("-p", "no:asyncio")],
    ids=["with pytest-asyncio", "without pytest-asyncio"],
)
def test_the_worked_example_passes(pytester: pytest.Pytester, options: tuple[str, ...]) -> None:
    """examples/signup_app, with its own pytest.ini, as `pytest examples/signup_app`:
    its ``filterwarnings = error`` turns no start-up warning into an INTERNALERROR,
    whether pytest-asyncio (which warns when its loop scope is unset) is installed or
    not (when it is not, its option is unknown to pytest)."""
    for name in ("signup.py", "test_signup.py", "pytest.ini"):
        (pytester.path / name).write_text((EXAMPLE / name).read_text())
    result = pytester.runpytest(*options)
    result.assert_outcomes(passed=5)
