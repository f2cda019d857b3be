"""The pages of the REST families (docs/rest/) show code that runs: each Python block
runs in a fresh interpreter, warnings as errors, against an emulator it starts itself;
a block marked ``<!-- fragment: ... -->`` only compiles. Every page has a runnable
example, and names every method of its family."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sendx

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rest"
#: The pages of this suite's families, and the family each documents.
PAGES = {
    "common.md": None,
    "tags.md": "tags",
    "custom-fields.md": "custom_fields",
    "templates.md": "templates",
    "webhooks.md": "webhooks",
    "posts.md": "posts",
    "post-categories.md": "post_categories",
    "post-tags.md": "post_tags",
    "senders.md": "senders",
    "members.md": "members",
}
_BLOCK = re.compile(r"(?:<!-- (fragment|not run): [^>]*-->\n)?```python\n(.*?)```", re.S)


def _blocks(page: str) -> list[tuple[str | None, str]]:
    return _BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))


RUNNABLE = [
    (page, n, code) for page in PAGES for n, (mark, code) in enumerate(_blocks(page)) if not mark
]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_has_an_example(page: str) -> None:
    assert any(not mark for mark, _ in _blocks(page)), page


@pytest.mark.parametrize(("page", "n", "code"), RUNNABLE, ids=[f"{p}-{n}" for p, n, _ in RUNNABLE])
def test_the_block_runs(page: str, n: int, code: str, tmp_path: Path) -> None:
    pytest.importorskip("uvicorn", reason="the examples start the emulator")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SENDX_"))}
    env["PYTHONWARNINGS"] = "error"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, f"docs/rest/{page} block {n}:\n{result.stderr}"


def test_fragments_compile() -> None:
    for page in PAGES:
        for mark, code in _blocks(page):
            if mark == "fragment":
                compile(code, page, "exec")


@pytest.mark.parametrize("page", sorted(p for p, family in PAGES.items() if family))
def test_every_method_is_documented(page: str) -> None:
    family = str(PAGES[page])
    resource = vars(sendx.SendX)[family]
    cls = getattr(importlib.import_module(resource._module), resource._names[0])
    text = (DOCS / page).read_text(encoding="utf-8")
    for name, _ in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_"):
            assert f"`{name}(" in text, f"{page} does not show {family}.{name}"
