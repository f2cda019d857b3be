"""client.webhooks: a URL and a flag per event; named by id only; not paged."""

from __future__ import annotations

import pytest
from tests.client.rest.conftest import Client

import sendx

URL = "http://127.0.0.1:9/hooks/sendx"
FLAGS = (
    "unsubscribed",
    "dropped",
    "bounced",
    "marked_spam",
    "clicked",
    "opened",
    "contact_created",
)


def test_crud(client: Client) -> None:
    webhook = client.webhooks.create(url=URL, opened=True, clicked=True)
    assert webhook.id.startswith("webhook_")
    assert (webhook.url, webhook.enabled, webhook.opened, webhook.clicked) == (
        URL,
        True,
        True,
        True,
    )
    assert not any(getattr(webhook, flag) for flag in FLAGS if flag not in ("opened", "clicked"))
    assert client.webhooks.get(webhook.id) == webhook
    updated = client.webhooks.update(webhook.id, enabled=False, opened=False, contact_created=True)
    assert (updated.enabled, updated.opened, updated.clicked, updated.contact_created) == (
        False,
        False,
        True,
        True,
    )
    client.sent.clear()
    assert list(client.webhooks.list()) == [updated]
    assert client.sent == [("GET", "/webhook")]
    assert client.webhooks.delete(webhook.id).status == "success"
    with pytest.raises(sendx.NotFoundError):
        client.webhooks.get(webhook.id)
    assert list(client.webhooks.list()) == []


def test_every_flag(client: Client) -> None:
    webhook = client.webhooks.create(url=URL, enabled=False, **dict.fromkeys(FLAGS, True))
    assert webhook.enabled is False
    assert all(getattr(webhook, flag) for flag in FLAGS)


def test_ids_without_their_prefix(client: Client) -> None:
    """A webhook has no name: 22 letters and digits are its id without the prefix."""
    webhook = client.webhooks.create(url=URL)
    client.sent.clear()
    assert client.webhooks.get(webhook.id[len("webhook_") :]) == webhook
    assert client.sent == [("GET", f"/webhook/{webhook.id}")]


def test_a_taken_url_is_refused(client: Client) -> None:
    client.webhooks.create(url=URL)
    with pytest.raises(sendx.PermissionDeniedError, match="already exists"):
        client.webhooks.create(url=URL)


@pytest.mark.parametrize(
    ("call", "arguments", "field"),
    [
        ("create", {"url": "ftp://x.io/h"}, "url"),
        ("create", {"url": "http:///h"}, "url"),
        ("create", {"url": "http://x.io/a b"}, "url"),
        ("create", {"url": "http://[x/"}, "url"),
        ("create", {"url": None}, "url"),
        ("create", {"url": URL, "opened": 1}, "opened"),
        ("create", {"url": URL, "enabled": None}, "enabled"),
        ("update", {"webhook_id": "hook-1"}, "webhook_id"),
        ("update", {"webhook_id": "webhook_" + "A" * 21}, "webhook_id"),
        ("update", {"webhook_id": "webhook_" + "A" * 22, "marked_spam": "yes"}, "marked_spam"),
        ("get", {"webhook_id": 5}, "webhook_id"),
        ("delete", {"webhook_id": "tag_" + "A" * 22}, "webhook_id"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    client: Client, call: str, arguments: dict[str, object], field: str
) -> None:
    arguments = dict(arguments)  # parametrize shares it between the two clients
    webhook_id = arguments.pop("webhook_id", None)
    method = getattr(client.webhooks, call)
    with pytest.raises(sendx.InvalidRequestError) as caught:
        method(webhook_id, **arguments) if call != "create" else method(**arguments)
    assert caught.value.field == field
    assert client.sent == []
