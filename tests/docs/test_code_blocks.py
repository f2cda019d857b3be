"""Every code block of README.md and docs/*.md runs as written, or says why not.

Python blocks run in a fresh interpreter and shell blocks with bash, in a fresh folder,
with ``SENDX_API_KEY``, ``SENDX_TEAM_ID`` and ``SENDX_BASE_URL`` pointing at the
testing kit's emulator, reset before each run. The markers that say how a block is
meant (a setup, a fragment, a file, an excerpt, not run and why) are described in
``tests/docs/_blocks.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.docs._blocks import Page, Run, pages
from tests.docs._run import (
    check_data,
    check_excerpt,
    check_fragment,
    environment,
    run,
    run_files,
)

from sendx.testing import TestEmulator

PAGES = [Page.read(path) for path in pages()]
RUNS = [each for page in PAGES for each in page.runs()]
WITH_FILES = [page for page in PAGES if page.marked("file")]


def test_every_block_is_run_or_marked() -> None:
    """No block without a language, with an unknown marker, or continuing nothing."""
    assert [problem for page in PAGES for problem in page.problems] == []


def test_the_pages_are_read() -> None:
    """The reader finds the blocks (a parser that found none would pass everything)."""
    assert {page.path.name for page in PAGES} >= {"README.md", "migrating.md", "testing.md"}
    assert len(RUNS) >= 10
    assert sum(len(page.blocks) for page in PAGES) >= 60


@pytest.mark.parametrize("blocks", RUNS, ids=[each.where for each in RUNS])
def test_the_block_runs(blocks: Run, sendx_emulator: TestEmulator, tmp_path: Path) -> None:
    """The block (after the page's setup, and with the blocks it continues) runs
    against a fresh emulator and exits 0, leaving nothing unclosed."""
    result = run(blocks, environment(sendx_emulator.env()), tmp_path)
    assert result.returncode == 0, f"{blocks.where} failed:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("page", WITH_FILES, ids=[page.path.name for page in WITH_FILES])
def test_the_file_blocks_run(page: Page, sendx_emulator: TestEmulator, tmp_path: Path) -> None:
    """The page's files, written side by side: its tests pass under pytest (every file
    runs at least one) and its scripts run."""
    problems, output = run_files(page.marked("file"), environment(sendx_emulator.env()), tmp_path)
    assert problems == [], output


def test_fragments_compile() -> None:
    """A fragment is Python that could stand in a module or a function body."""
    fragments = [block for page in PAGES for block in page.marked("fragment")]
    assert [check_fragment(block) for block in fragments] == [None] * len(fragments)


def test_excerpts_are_verbatim() -> None:
    """An excerpt is a piece of its file, character for character."""
    excerpts = [block for page in PAGES for block in page.marked("excerpt")]
    assert excerpts
    assert [check_excerpt(block) for block in excerpts] == [None] * len(excerpts)


def test_data_blocks_parse() -> None:
    """JSON and TOML blocks are valid JSON and TOML."""
    data = [block for page in PAGES for block in page.data()]
    assert data
    assert [check_data(block) for block in data] == [None] * len(data)
