"""The command starts quickly: building its parser (what ``sendx --help`` and every
usage error do) loads neither the client, nor its HTTP libraries, nor msgspec; and
``import sendx`` loads nothing of the REST API, nor typing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _loaded_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout))


def test_the_parser_loads_no_client() -> None:
    loaded = _loaded_after("from sendx.cli import build_parser; build_parser()")
    heavy = ["msgspec", "urllib3", "aiohttp", "sendx._client", "sendx.resources", "sendx.models"]
    assert [name for name in heavy if name in loaded] == []


def test_import_sendx_loads_nothing_of_the_rest_api() -> None:
    loaded = _loaded_after("import sendx")
    rest = ("sendx._paging", "sendx._client", "sendx.resources", "sendx.cli")
    assert sorted(name for name in loaded if name.startswith(rest)) == []


def test_import_sendx_does_not_import_typing() -> None:
    """typing (with collections, functools, re, ...) would be most of what ``import
    sendx`` costs: a program that does not use it pays nothing for it."""
    if "typing" in _loaded_after("pass"):
        pytest.skip("this interpreter imports typing at start-up (a .pth file)")
    assert "typing" not in _loaded_after("import sendx; sendx.__version__")
