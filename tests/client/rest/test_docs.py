"""The pages of the REST families (docs/rest/) show code that runs: each Python block
runs in a fresh interpreter, warnings as errors, with the ``SENDX_*`` variables of an
emulator (a key of its own, so a team of its own), as a reader's shell would have them;
a block marked ``<!-- fragment: ... -->`` only compiles, one marked ``<!-- not run: ...
-->`` is shown only. Every family's page has a runnable example, and names every method of
its family."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import sendx
from sendx.emulator import Emulator
from sendx.resources.contacts import Contacts

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rest"
#: The pages of this suite's families, and the family each documents.
PAGES = {
    "from-sendx-sdk.md": None,
    "contacts.md": "contacts",
    "lists.md": "lists",
    "tags.md": "tags",
    "custom-fields.md": "custom_fields",
    "templates.md": "templates",
    "webhooks.md": "webhooks",
    "posts.md": "posts",
    "post-categories.md": "post_categories",
    "post-tags.md": "post_tags",
    "senders.md": "senders",
    "members.md": "members",
    "emails.md": "emails",
    "events.md": "events",
    "campaigns.md": "campaigns",
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
def test_the_block_runs(page: str, n: int, code: str, tmp_path: Path, emulator: Emulator) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SENDX_"))}
    env.update(
        SENDX_API_KEY=f"docs-{uuid.uuid4().hex}",
        SENDX_TEAM_ID=f"docs-{uuid.uuid4().hex[:12]}",
        SENDX_BASE_URL=emulator.base_url,
        SENDX_REST_BASE_URL=emulator.base_url + "/rest",
    )
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
    if family == "contacts":  # made with the client, not at first use
        cls: type = Contacts
    else:
        resource = vars(sendx.SendX)[family]
        cls = getattr(importlib.import_module(resource._module), resource._names[0])
    text = (DOCS / page).read_text(encoding="utf-8")
    for name, _ in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_"):
            assert f"`{name}(" in text, f"{page} does not show {family}.{name}"
