"""Readable failures: what differs between two contacts, field by field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendx.models import Contact

__all__ = ["explain_contacts"]


def explain_contacts(left: Contact, right: Contact, *, verbose: bool) -> list[str]:
    """The lines pytest shows under a failed ``assert left == right``."""
    a, b = left.to_dict(), right.to_dict()
    differing = [name for name in a if a[name] != b[name]]
    matching = [name for name in a if a[name] == b[name]]
    lines = [f"Contact(email={left.email!r}, ...) == Contact(email={right.email!r}, ...)"]
    lines.append("Differing fields:")
    for name in differing:
        lines.append(f"  {name}: {a[name]!r} != {b[name]!r}")
        lines.extend("    " + line for line in _detail(a[name], b[name]))
    if verbose:
        lines.append("Matching fields: " + ", ".join(matching))
    elif matching:
        lines.append(f"Omitting {len(matching)} identical fields, use -v to show")
    return lines


def _detail(left: Any, right: Any) -> list[str]:
    if isinstance(left, list) and isinstance(right, list):
        lines = []
        only_left = [item for item in left if item not in right]
        only_right = [item for item in right if item not in left]
        if only_left:
            lines.append(f"only on the left: {only_left!r}")
        if only_right:
            lines.append(f"only on the right: {only_right!r}")
        if not lines:
            lines.append("the same items in another order")
        return lines
    if isinstance(left, dict) and isinstance(right, dict):
        lines = []
        for key in sorted(set(left) | set(right)):
            if key not in right:
                lines.append(f"{key!r}: only on the left ({left[key]!r})")
            elif key not in left:
                lines.append(f"{key!r}: only on the right ({right[key]!r})")
            elif left[key] != right[key]:
                lines.append(f"{key!r}: {left[key]!r} != {right[key]!r}")
        return lines
    return []
