"""Where this install's documentation is, for help texts that point at a page.

The pages of the repository's ``docs/`` ship inside the wheel as ``sendx/docs/``, so an
installed user can open the file that ``--help`` names. In a source checkout (an
editable install) the same pages are the checkout's ``docs/``. The package has no
public web address yet, so a path is the one pointer that always works.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["page"]

_PACKAGE = Path(__file__).resolve().parent


def page(name: str) -> str:
    """The path of the documentation page ``name`` (``"emulator.md"``): the copy in the
    installed package, else the one of the source checkout this code runs from; where
    neither exists (a build that left the pages out), where to find it instead."""
    for folder in (_PACKAGE / "docs", _PACKAGE.parents[1] / "docs"):
        candidate = folder / name
        if candidate.is_file():
            return str(candidate)
    return f"docs/{name} in the source distribution of sendx-client"
