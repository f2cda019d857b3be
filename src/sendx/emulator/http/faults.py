"""Injected faults: the ``{"faults": [F, ...]}`` document, checked and applied.

Each fault F is an object with optional ``method`` and ``path`` (a path prefix) that
select requests, exactly one effect (``status`` with an optional ``retry_after``,
``latency_ms``, or ``drop``: ``"before"`` / ``"after"``), and optional
``probability`` (0 to 1, default 1) and ``times`` (the next N matches only).

For one request the faults are tried in order: every latency fault that fires adds
its delay; the first status or drop fault that fires decides the outcome, and the
ones after it are not tried (their ``times`` are not used up). Faults apply only to
the API, never to the control plane under ``/_emulator``.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_LATENCY_MS",
    "MAX_RETRY_AFTER",
    "METHOD_PATTERN",
    "NO_FAULT",
    "Fault",
    "FaultError",
    "FaultSet",
    "Outcome",
    "parse_faults",
]

# Shared with the OpenAPI document, and applied the same way (re.search); the end is
# not $, which in Python also matches before a final newline.
METHOD_PATTERN = r"^[A-Za-z]+(?![\s\S])"
MAX_LATENCY_MS = 60_000
MAX_RETRY_AFTER = 86_400

_KEYS = {"method", "path", "status", "retry_after", "latency_ms", "drop", "probability", "times"}
_EFFECTS = ("status", "latency_ms", "drop")


class FaultError(ValueError):
    """The faults document is invalid; the message says where and why."""


@dataclass(slots=True)
class Fault:
    """One checked fault; ``times`` counts down as the fault is applied."""

    method: str | None
    path: str | None
    status: int | None
    retry_after: float | None
    latency_ms: float | None
    drop: str | None
    probability: float
    times: int | None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or path.startswith(self.path)
        )

    def to_json(self) -> dict[str, Any]:
        """The fault as a JSON object, ``times`` being what is left."""
        out: dict[str, Any] = {}
        for key in ("method", "path", "status", "retry_after", "latency_ms", "drop"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["probability"] = self.probability
        if self.times is not None:
            out["times"] = self.times
        return out


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the faults decided for one request."""

    latency_s: float = 0.0
    status: int | None = None
    retry_after: float | None = None
    drop: str | None = None


NO_FAULT = Outcome()


def _number(where: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FaultError(f"{where} must be a number (got {type(value).__name__})")
    if not low <= value <= high:
        raise FaultError(f"{where} must be between {low:g} and {high:g} (got {value!r})")
    return value


def _integer(value: Any) -> int | None:
    """``value`` as an int when it is one: JSON Schema counts ``503.0`` as the
    integer 503, and so does the published document."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _parse_one(index: int, item: Any) -> Fault:
    # A key that is present must hold a valid value: null is not "absent", so the
    # checks agree with the JSON schema published in the OpenAPI document.
    where = f"faults[{index}]"
    if not isinstance(item, dict):
        raise FaultError(f"{where} must be an object (got {type(item).__name__})")
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise FaultError(f"{where} has unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    effects = [key for key in _EFFECTS if key in item]
    if len(effects) != 1:
        raise FaultError(f"{where} needs exactly one effect of status, latency_ms, drop")
    method = item.get("method")
    if "method" in item and (not isinstance(method, str) or not re.search(METHOD_PATTERN, method)):
        raise FaultError(f"{where}.method must be an HTTP method such as POST")
    path = item.get("path")
    if "path" in item and (not isinstance(path, str) or not path.startswith("/")):
        raise FaultError(f"{where}.path must be a path prefix starting with '/'")
    status = _integer(item.get("status"))
    if "status" in item and (status is None or not 400 <= status <= 599):
        raise FaultError(f"{where}.status must be an integer from 400 to 599")
    retry_after = None
    if "retry_after" in item:
        if status is None:
            raise FaultError(f"{where}.retry_after goes only with a status")
        retry_after = _number(f"{where}.retry_after", item["retry_after"], 0, MAX_RETRY_AFTER)
    latency = None
    if "latency_ms" in item:
        latency = _number(f"{where}.latency_ms", item["latency_ms"], 0, MAX_LATENCY_MS)
    drop = item.get("drop")
    if "drop" in item and drop not in ("before", "after"):
        raise FaultError(f'{where}.drop must be "before" or "after"')
    probability = _number(f"{where}.probability", item.get("probability", 1), 0, 1)
    times = _integer(item.get("times"))
    if "times" in item and (times is None or times < 1):
        raise FaultError(f"{where}.times must be an integer >= 1")
    return Fault(
        method=method.upper() if method is not None else None,
        path=path,
        status=status,
        retry_after=retry_after,
        latency_ms=latency,
        drop=drop,
        probability=float(probability),
        times=times,
    )


def parse_faults(document: Any) -> list[Fault]:
    """Check a ``{"faults": [...]}`` document; raise :class:`FaultError` if invalid."""
    if not isinstance(document, dict) or set(document) != {"faults"}:
        raise FaultError('the document must be an object {"faults": [...]}')
    items = document["faults"]
    if not isinstance(items, list):
        raise FaultError('"faults" must be an array')
    return [_parse_one(index, item) for index, item in enumerate(items)]


class FaultSet:
    """The active faults. Used from the server's loop only, so no lock is needed."""

    def __init__(self, random_source: Callable[[], float] = random.random) -> None:
        self._faults: list[Fault] = []
        self._random = random_source

    def replace(self, faults: list[Fault]) -> None:
        """Make ``faults`` the active list (``[]`` clears)."""
        self._faults = faults

    def to_json(self) -> dict[str, Any]:
        """The active faults as a document; used-up faults are gone."""
        return {"faults": [fault.to_json() for fault in self._faults]}

    def __bool__(self) -> bool:
        return bool(self._faults)

    def decide(self, method: str, path: str) -> Outcome:
        """Draw the faults for one request and use up their ``times``."""
        latency_ms = 0.0
        terminal: Fault | None = None
        for fault in self._faults:
            if not fault.matches(method, path):
                continue
            if fault.probability < 1 and self._random() >= fault.probability:
                continue
            if fault.times is not None:
                fault.times -= 1
            if fault.latency_ms is not None:
                latency_ms += fault.latency_ms
            else:
                terminal = fault
                break
        self._faults = [f for f in self._faults if f.times is None or f.times > 0]
        if terminal is None:
            return Outcome(latency_s=latency_ms / 1000.0) if latency_ms else NO_FAULT
        return Outcome(
            latency_s=latency_ms / 1000.0,
            status=terminal.status,
            retry_after=terminal.retry_after,
            drop=terminal.drop,
        )
