"""The outbox depends on what it needs of a client (``sendx.outbox._ports``), never on
``sendx._client``: the client builds outboxes, so the arrow points one way only."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import sendx.outbox

PACKAGE = pathlib.Path(sendx.outbox.__file__).parent
CLIENT_NAMES = {"SendX", "AsyncSendX", "_client"}


def imports_of(path: pathlib.Path) -> list[tuple[int, str]]:
    """Every module (or ``module.name``) that ``path`` imports, wherever the import
    stands: at the top, under ``TYPE_CHECKING`` or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_no_outbox_module_imports_the_client() -> None:
    """Not even for type annotations: ``sendx._client``, and ``sendx.SendX`` /
    ``sendx.AsyncSendX`` (which load it lazily), appear in no import of the package."""
    offending = [
        f"{path.name}:{line}: {name}"
        for path in sorted(PACKAGE.glob("*.py"))
        for line, name in imports_of(path)
        if name.startswith("sendx._client")
        or (name.startswith("sendx.") and name.split(".")[1] in CLIENT_NAMES)
    ]
    assert offending == []


def test_an_outbox_runs_without_loading_the_client(tmp_path: pathlib.Path) -> None:
    """An outbox built on any object with the shell it needs delivers without
    ``sendx._client`` ever being imported."""
    code = f"""
import sys
from sendx.outbox import Outbox

class Shell:
    endpoint = timeout = retry = observer = None
    def __init__(self):
        self.calls = []
    def request(self, call):
        self.calls.append(call.path)

class Client:
    _shell = Shell()

client = Client()
outbox = Outbox(client, spool={str(tmp_path / "spool.db")!r})
outbox.identify("a@x.io", tags=["t"])
outbox.track("a@x.io", add_tags=["u"])
assert outbox.close(30).pending == 0
assert client._shell.calls == ["/contact/identify", "/contact/track"], client._shell.calls
assert "sendx._client" not in sys.modules, "the outbox imported the client"
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
