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


def misuse() -> None:
    """Each line is an error mypy must report (``warn_unused_ignores`` fails otherwise)."""
    client = sendx.SendX("key", "team")
    client.contacts.identify(5)  # type: ignore[arg-type]
    client.contacts.identify("a@b.co", "Ada")  # type: ignore[call-arg]
    client.contacts.identify("a@b.co", custom_fields={"Visits": None})  # type: ignore[dict-item]
    client.contacts.identify("a@b.co", birthday=19890303)  # type: ignore[arg-type]
    client.contacts.track("a@b.co", add_tags=5)  # type: ignore[arg-type]
    sendx.SendX("key", "team", "https://example.com")  # type: ignore[call-arg]
    not_a_contact: int = client.contacts.identify("a@b.co")  # type: ignore[assignment]
    nothing: sendx.Contact = client.contacts.track("a@b.co")  # type: ignore[assignment, func-returns-value]
    sendx.increment("5")  # type: ignore[arg-type]
    del not_a_contact, nothing


def outbox_usage(client: sendx.SendX) -> None:
    outbox: sendx.Outbox = client.outbox("spool.db", workers=4, on_full="raise")
    outbox.identify("a@b.co", tags=["x"], custom_fields={"Visits": sendx.increment()})
    outbox.track("a@b.co", add_tags=["paid"])
    result: sendx.FlushResult = outbox.flush(10)
    pending: int = result.pending
    outbox.close(10)
    del pending


async def async_outbox_usage(client: sendx.AsyncSendX) -> None:
    outbox: sendx.AsyncOutbox = client.outbox(coalesce=False)
    await outbox.identify("a@b.co")
    await outbox.close()
