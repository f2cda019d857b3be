"""The wire vectors kept in tests/_support match the reference they were copied from."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "v1-wire-vectors.json"
COPY = ROOT / "tests" / "_support" / "v1_wire_vectors.json"


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference is not beside this checkout")
def test_the_copy_is_verbatim() -> None:
    """A changed reference must be copied again, or the wire tests test old bytes."""
    assert COPY.read_bytes() == REFERENCE.read_bytes()
