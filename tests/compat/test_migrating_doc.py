"""Every Python example of ``docs/migrating.md`` runs, in order, against the emulator:
the old ``swagger_client`` calls and their ``sendx`` equivalents."""

from __future__ import annotations

import pathlib
import re
from typing import Any

import pytest

import swagger_client

pytest.importorskip("uvicorn", reason="the emulator needs the [emulator] extra")

from sendx.emulator import Emulator

DOC = pathlib.Path(__file__).parents[2] / "docs" / "migrating.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _blocks() -> list[str]:
    return _BLOCK.findall(DOC.read_text("utf-8"))


def test_doc_pairs_old_calls_with_sendx_ones() -> None:
    """Each section shows both packages: as many sendx examples as swagger_client ones."""
    blocks = _blocks()
    old = [b for b in blocks if "import swagger_client" in b]
    new = [b for b in blocks if "import sendx" in b]
    assert len(old) >= 4
    assert len(new) >= len(old)
    assert len(old) + len(new) == len(blocks)


def test_examples_run_against_the_emulator(
    clean_configuration: swagger_client.Configuration,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each block runs in a fresh namespace holding only ``api_key`` and ``team_id``;
    the error examples print a 401."""
    with Emulator() as emulator:
        clean_configuration.host = emulator.base_url
        monkeypatch.setenv("SENDX_BASE_URL", emulator.base_url)
        for number, block in enumerate(_blocks(), 1):
            namespace: dict[str, Any] = {"api_key": "key-migrating", "team_id": "team-migrating"}
            try:
                exec(compile(block, f"migrating.md block {number}", "exec"), namespace)  # noqa: S102
            except Exception as error:  # pragma: no cover - the message names the block
                pytest.fail(f"block {number} of {DOC.name} failed: {error!r}\n{block}")
    printed = capsys.readouterr().out
    # One line from the swagger_client example, one from the sendx one.
    assert sum(line.startswith("401 ") for line in printed.splitlines()) == 2
