"""The plugin in fresh processes: under pytest-xdist, and loaded by every pytest run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

WORKER_TESTS = """
import json
import os

import pytest


@pytest.mark.parametrize("n", range(6))
def test_worker_has_its_own_emulator(n, sendx_client, sendx_emulator, worker_id):
    email = f"user{n}@example.com"
    sendx_client.contacts.identify(email)
    # A shared emulator would show the other worker's contacts (or lose ours to its resets).
    assert [c.email for c in sendx_emulator.contacts()] == [email]
    record = {"worker": worker_id, "port": sendx_emulator.port, "pid": os.getpid()}
    with open(os.path.join(RECORDS, f"{n}.json"), "w") as out:
        json.dump(record, out)
"""


def test_each_xdist_worker_has_its_own_emulator(inner: pytest.Pytester) -> None:
    """With ``-n 2`` both workers run tests, each against an emulator of its own."""
    records = inner.mkdir("records")
    inner.makepyfile(test_workers=f"RECORDS = {str(records)!r}\n" + WORKER_TESTS)
    result = inner.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=6)
    seen = [json.loads(path.read_text()) for path in sorted(records.iterdir())]
    assert len(seen) == 6
    port_of = {record["worker"]: record["port"] for record in seen}
    assert sorted(port_of) == ["gw0", "gw1"]
    assert len(set(port_of.values())) == 2
    # One emulator per worker process, kept for its whole session.
    assert {(r["worker"], r["port"], r["pid"]) for r in seen} == {
        (r["worker"], port_of[r["worker"]], r["pid"]) for r in seen
    }


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    """Every pytest run of every user loads the plugin: it must not load the HTTP
    stacks, msgspec or the emulator, and must load even without the emulator extra."""
    code = (
        "import sys, json\n"
        "sys.modules['uvicorn'] = None\n"
        "sys.modules['httptools'] = None\n"
        "import sendx.testing.plugin\n"
        "heavy = ['urllib3', 'aiohttp', 'msgspec', 'uvicorn', 'asyncio', 'sendx.emulator',\n"
        "         'sendx._client', 'sendx.models']\n"
        "print(json.dumps([m for m in heavy if sys.modules.get(m) is not None]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []
