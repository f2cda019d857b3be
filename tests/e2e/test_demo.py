"""``make demo`` runs examples/demo.py: it must work on a fresh checkout, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.py"


def test_demo_runs_the_documented_scenario_end_to_end() -> None:
    """The demo prints the merged contact of calls A and B plus the track, the events in
    order, and a webhook for 'paid user' whose signature the receiver verified."""
    result = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=90, check=False
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    stored = out.split("as the emulator holds it =")[1].split("== events")[0]
    contact = json.loads(stored[stored.index("{") :])
    assert contact["email"] == "john.doe@gmail.com"
    assert contact["firstName"] == "John"
    assert contact["birthday"] == "1989-03-03"
    assert contact["tags"] == ["Developer", "API Team", "paid user"]
    assert contact["customFields"] == {"Designation": "Software Engineer", "Age": "29"}
    events = out.split("== events, in order")[1].split("== webhook")[0]
    kinds = [line.split()[1] for line in events.strip().splitlines()[1:]]
    assert kinds == [
        "contact_created",
        "tag_added",
        "field_changed",
        "tag_added",
        "field_changed",
        "tag_added",
    ]
    assert "signature valid: True" in out
    assert '"tag": "paid user"' in out
    assert "(delivered)" in out
    assert "demo-key" not in out + result.stderr
