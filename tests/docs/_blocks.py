"""The code blocks of a Markdown page, what each one asks for, and how they group into runs.

A fenced block's language says what it is:

- ``python``: run in a fresh interpreter (top-level ``await`` runs as ``python -m
  asyncio`` would run it);
- ``sh``, ``bash``: run with bash, ``set -euo pipefail``;
- ``json``, ``toml``: parsed;
- ``text``: not code (output, a signature, a synopsis): shown only.

An HTML comment on the line just above the fence can say more:

- ``<!-- not run: REASON -->``: shown only, for the reason given (``pip install``, a
  server that runs until Ctrl-C, placeholders for real credentials);
- ``<!-- fragment: REASON -->``: Python that needs names from around it (the reason
  says which): compiled, not run;
- ``<!-- excerpt: PATH -->``: a verbatim piece of the project's file PATH, whose own
  tests run it;
- ``<!-- file: NAME -->``: the file NAME, in any language: the page's file blocks are
  written side by side into one folder, then its ``test_*.py`` run with pytest and its
  other ``*.py`` with Python;
- ``<!-- setup -->``: Python that runs before every later Python block of the page, in
  each one's interpreter;
- ``<!-- continued -->``: runs after the block before it, in the same interpreter (or
  shell), as a reader going down the page would run it.

A block without a language, in another language, or with an unknown marker is a problem
to fix in the page: no block is skipped without a decision one can see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

__all__ = ["ROOT", "Block", "Page", "Run", "pages"]

ROOT = Path(__file__).resolve().parents[2]

PYTHON = frozenset({"python"})
SHELL = frozenset({"sh", "bash"})
DATA = frozenset({"json", "toml"})
TEXT = frozenset({"text"})
LANGUAGES = PYTHON | SHELL | DATA | TEXT

# Markers with a required argument, and markers that take none.
_WITH_ARGUMENT = ("not run", "fragment", "excerpt", "file")
_BARE = ("setup", "continued")
_MARKER = re.compile(r"^\s*<!--\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language, its marker, its text."""

    path: Path
    line: int  # of the opening fence, from 1
    language: str
    code: str
    marker: str | None = None  # "not run", "fragment", "excerpt", "file", "setup", ...
    argument: str = ""  # the reason, path or file name after the marker's colon

    @property
    def where(self) -> str:
        """``docs/client.md:12``."""
        return f"{_shown(self.path)}:{self.line}"


@dataclass(frozen=True)
class Run:
    """Blocks that run together, in one interpreter or shell, in order."""

    language: str  # "python" or "sh"
    blocks: tuple[Block, ...]

    @property
    def where(self) -> str:
        """Its blocks but the setup: ``docs/client.md:8,24``."""
        own = [block for block in self.blocks if block.marker != "setup"] or self.blocks
        return f"{_shown(own[0].path)}:{','.join(str(block.line) for block in own)}"


@dataclass
class Page:
    """A Markdown page, read: its blocks, and the problems that keep a block from being
    run or skipped on purpose."""

    path: Path
    blocks: list[Block] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Page:
        page = cls(path)
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for token in MarkdownIt("commonmark").parse(text):
            if token.type == "code_block":
                start = token.map[0] + 1 if token.map else 0
                page.problems.append(
                    f"{_shown(path)}:{start}: an indented code block; fence it and name "
                    "its language"
                )
            if token.type != "fence" or not token.map:
                continue
            start = token.map[0]
            above = lines[start - 1] if start > 0 else ""
            page._add(start + 1, token.info.strip(), token.content, above)
        return page

    def _add(self, line: int, info: str, code: str, above: str) -> None:
        where = f"{_shown(self.path)}:{line}"
        language = info.split()[0] if info else ""
        marker, argument = None, ""
        found = _MARKER.match(above)
        if found:
            name, colon, argument = found[1].partition(":")
            name, argument = name.strip(), argument.strip()
            if (name in _WITH_ARGUMENT and colon and argument) or (name in _BARE and not colon):
                marker = name
            elif name in _WITH_ARGUMENT:
                self.problems.append(f"{where}: <!-- {name}: ... --> needs its argument")
                return
            else:
                self.problems.append(
                    f"{where}: unknown marker {found[0].strip()!r} above the block "
                    f"(known: {', '.join(_WITH_ARGUMENT + _BARE)})"
                )
                return
        if language not in LANGUAGES and marker not in ("file", "not run"):
            self.problems.append(
                f"{where}: a block in {language or 'no language'!r}: name one of "
                f"{', '.join(sorted(LANGUAGES))}, or mark it <!-- not run: REASON -->"
            )
            return
        if marker in ("fragment", "excerpt", "setup") and language not in PYTHON:
            self.problems.append(f"{where}: <!-- {marker} --> is for python blocks")
            return
        self.blocks.append(Block(self.path, line, language, code, marker, argument))

    def runs(self) -> list[Run]:
        """The Python and shell runs of the page, in order. A setup block joins every
        later Python run; a continued block joins the run before it."""
        runs: list[Run] = []
        setup: list[Block] = []
        setup_ran = True
        for block in self.blocks:
            if block.marker not in (None, "setup", "continued"):
                continue
            if block.language not in PYTHON | SHELL:
                continue
            kind = "python" if block.language in PYTHON else "sh"
            if block.marker == "setup":
                setup.append(block)
                setup_ran = False
            elif block.marker == "continued":
                if not runs or runs[-1].language != kind:
                    self.problems.append(
                        f"{block.where}: <!-- continued --> but no {kind} block before it"
                    )
                else:
                    runs[-1] = Run(kind, (*runs[-1].blocks, block))
            elif kind == "python":
                runs.append(Run(kind, (*setup, block)))
                setup_ran = True
            else:
                runs.append(Run(kind, (block,)))
        if not setup_ran:  # setup with no Python block after it: run it on its own
            runs.append(Run("python", tuple(setup)))
        return runs

    def marked(self, marker: str) -> list[Block]:
        """The blocks with that marker."""
        return [block for block in self.blocks if block.marker == marker]

    def data(self) -> list[Block]:
        """The JSON and TOML blocks to parse."""
        return [b for b in self.blocks if b.language in DATA and b.marker is None]


def pages() -> list[Path]:
    """README.md and every page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
