"""Type-checked (never run) uses of the public API: mypy --strict must accept these and
reject the misuses marked below, so a change to a signature shows up here first."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import sendx
from sendx.resources._rest import Deleted, Message
from sendx.resources.lists import ContactList
from sendx.resources.rest_contacts import ContactRecord


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


# The REST API


def rest_contacts_usage(client: sendx.SendX) -> None:
    record: ContactRecord = client.contacts.create(
        email="a@b.co",
        first_name="Ada",
        custom_fields={"Plan": "pro", "Seats": 3, "On": True, "Score": 1.5},
        lists=["Newsletter", "list_AAAAAAAAAAAAAAAAAAAAAA"],
        tags=("vip",),
        last_tracked_ip="10.0.0.1",
        timeout=5,
    )
    fields: dict[str, str] = record.custom_fields
    ltv: int = record.ltv
    created: datetime.datetime | None = record.created
    record = client.contacts.get("a@b.co")
    record = client.contacts.update(record.id, company="Acme", tags=[], timeout=(1, 5))
    deleted: Deleted = client.contacts.delete("a@b.co")
    message: Message = client.contacts.unsubscribe(record.id)
    every: Iterable[ContactRecord] = client.contacts.list(search="ada")
    page: list[ContactRecord] = client.contacts.list().page(offset=100, limit=50)
    for each in client.contacts.list():
        email: str = each.email
        del email
    del fields, ltv, created, deleted, message, every, page


def rest_lists_usage(client: sendx.SendX) -> None:
    created: ContactList = client.lists.create(name="Newsletter")
    kind: int = created.type
    renamed: ContactList = client.lists.update("Newsletter", name="Weekly")
    got: ContactList = client.lists.get(renamed.id, timeout=2.5)
    deleted: Deleted = client.lists.delete(got.id)
    names: list[str] = [each.name for each in client.lists.list()]
    first: list[ContactList] = client.lists.list().page(limit=10)
    del kind, deleted, names, first


async def async_rest_usage(client: sendx.AsyncSendX) -> None:
    record: ContactRecord = await client.contacts.create(email="a@b.co", tags=["vip"])
    record = await client.contacts.get(record.id)
    record = await client.contacts.update("a@b.co", lists=["Newsletter"])
    deleted: Deleted = await client.contacts.delete("a@b.co")
    message: Message = await client.contacts.unsubscribe("a@b.co")
    async for each in client.contacts.list(search="ada"):
        first_name: str | None = each.first_name
        del first_name
    page: list[ContactRecord] = await client.contacts.list().page(0, 100)
    created: ContactList = await client.lists.create(name="Newsletter")
    created = await client.lists.update(created.id, name="Weekly")
    created = await client.lists.get("Weekly")
    deleted = await client.lists.delete(created.id)
    async for each_list in client.lists.list():
        name: str = each_list.name
        del name
    lists: list[ContactList] = await client.lists.list().page()
    del deleted, message, page, lists


def rest_misuse(client: sendx.SendX, aclient: sendx.AsyncSendX) -> None:
    """Each line is an error mypy must report."""
    sendx.SendX(rest_base_url=5)  # type: ignore[arg-type]
    client.contacts.create("a@b.co")  # type: ignore[call-arg]
    client.contacts.create(email="a@b.co", custom_fields={"Plan": None})  # type: ignore[dict-item]
    client.contacts.create(email="a@b.co", tags="vip", lists=5)  # type: ignore[arg-type]
    client.contacts.update("a@b.co", "Ada")  # type: ignore[call-arg]
    client.contacts.get(5)  # type: ignore[arg-type]
    client.contacts.list("ada")  # type: ignore[call-arg]
    client.contacts.list().page(offset="0")  # type: ignore[arg-type]
    not_a_record: sendx.Contact = client.contacts.get("a@b.co")  # type: ignore[assignment]
    client.lists.create("Newsletter")  # type: ignore[call-arg]
    client.lists.update("Newsletter", type=1)  # type: ignore[call-arg]
    not_a_list: ContactRecord = client.lists.get("Newsletter")  # type: ignore[assignment]
    for each in aclient.lists.list():  # type: ignore[attr-defined]
        del each
    not_awaited: ContactList = aclient.lists.get("Newsletter")  # type: ignore[assignment]
    del not_a_record, not_a_list, not_awaited
