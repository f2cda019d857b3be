"""The original client's captured requests and decodings, shared by the wire tests.

``v1_wire_vectors.json`` is a verbatim copy of ``shared/reference/v1-wire-vectors.json``,
kept in the tree so that the tests run from any checkout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "v1_wire_vectors.json").read_text(encoding="utf-8")
)

#: Vectors whose address sendx's one email rule refuses before any I/O (a space in the
#: local part): the original client sent them; sendx and its ``swagger_client`` do not.
REFUSED_BY_THE_EMAIL_RULE = frozenset({"track: plus sign and space in email"})
