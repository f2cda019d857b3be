"""Type-checked (never run) uses of the public API: mypy --strict must accept these and
reject the misuses marked below, so a change to a signature shows up here first."""

from __future__ import annotations

import datetime

import sendx


def sync_usage() -> None:
    with sendx.SendX("key", "team", timeout=sendx.Timeout(connect=2, read=10)) as client:
        contact: sendx.Contact = client.contacts.identify(
            "a@b.co",
            first_name="Ada",
            birthday=datetime.date(1990, 1, 2),
            tags=["x"],
            custom_fields={"Visits": sendx.increment(1), "Plan": "pro", "Seats": 3, "On": True},
        )
        email: str | None = contact.email
        client.contacts.track("a@b.co", add_tags=["paid"], remove_tags=["trial"])
        del email


async def async_usage() -> None:
    async with sendx.AsyncSendX(max_retries=0) as client:
        contact = await client.contacts.identify("a@b.co", timeout=5)
        tags: list[str] = contact.tags
        await client.contacts.track("a@b.co")
        del tags
