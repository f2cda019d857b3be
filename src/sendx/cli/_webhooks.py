"""``sendx webhooks list|get|create|update|delete``: the URLs SendX calls on events
(``client.webhooks``). A webhook is named by its id."""

from __future__ import annotations

import argparse
from typing import Any

from sendx.cli._groups import (
    add_command,
    add_group,
    add_list_options,
    run,
    show_done,
    show_many,
    show_one,
    usage_error,
)

__all__ = ["EVENTS", "register"]

#: The events a webhook may subscribe to: their names on the command line, and the
#: client's keyword arguments.
EVENTS = {
    "opened": "opened",
    "clicked": "clicked",
    "bounced": "bounced",
    "unsubscribed": "unsubscribed",
    "dropped": "dropped",
    "marked-spam": "marked_spam",
    "contact-created": "contact_created",
}


def _events(webhook: Any) -> list[str]:
    return [name for name, flag in EVENTS.items() if getattr(webhook, flag, False)]


#: The columns of ``sendx webhooks list``.
COLUMNS = ("id", "url", "enabled", ("events", _events))


def register(subparsers: Any) -> None:
    """Add the ``webhooks`` group."""
    group = add_group(
        subparsers,
        "webhooks",
        help="list, read, create, change and delete webhooks (REST)",
        description="The URLs SendX calls when something happens to a contact or an "
        "email. A webhook is named by its id (webhook_...).",
    )

    listing = add_command(
        group,
        "list",
        help="list the webhooks",
        description="Print every webhook (SendX does not page them).",
        handler=lambda args: run(args, lambda client: client.webhooks.list(), show_many(COLUMNS)),
    )
    add_list_options(listing)

    get = add_command(
        group,
        "get",
        help="print a webhook",
        description="Print the webhook.",
        handler=lambda args: run(args, lambda client: client.webhooks.get(args.webhook), show_one),
    )
    get.add_argument("webhook", metavar="WEBHOOK", help="its id")

    create = add_command(
        group,
        "create",
        help="create a webhook",
        description="Create a webhook that SendX calls at URL for each event given, and "
        "print it; a URL the team has already is an error.",
        handler=_create,
    )
    create.add_argument("url", metavar="URL")
    _add_event_option(create, "--event", "call it on EVENT (repeatable)")
    create.add_argument(
        "--disabled", action="store_true", help="create it switched off (not called until enabled)"
    )

    update = add_command(
        group,
        "update",
        help="change a webhook",
        description="Change the webhook and print it; what is not given is kept.",
        handler=_update,
    )
    update.add_argument("webhook", metavar="WEBHOOK", help="its id")
    update.add_argument("--url", help="the new URL")
    switch = update.add_mutually_exclusive_group()
    switch.add_argument(
        "--enable", dest="enabled", action="store_const", const=True, help="switch it on"
    )
    switch.add_argument(
        "--disable", dest="enabled", action="store_const", const=False, help="switch it off"
    )
    _add_event_option(update, "--event", "call it on EVENT too (repeatable)")
    _add_event_option(update, "--no-event", "no longer call it on EVENT (repeatable)")

    delete = add_command(
        group,
        "delete",
        help="delete a webhook",
        description="Delete the webhook: SendX calls it no more.",
        handler=lambda args: run(
            args,
            lambda client: client.webhooks.delete(args.webhook),
            show_done(lambda args: f"deleted the webhook {args.webhook}"),
        ),
    )
    delete.add_argument("webhook", metavar="WEBHOOK", help="its id")


def _add_event_option(parser: argparse.ArgumentParser, flag: str, help: str) -> None:
    parser.add_argument(
        flag,
        action="append",
        default=[],
        choices=sorted(EVENTS),
        metavar="EVENT",
        help=f"{help}; EVENT is one of {', '.join(EVENTS)}",
    )


def _create(args: argparse.Namespace) -> int:
    flags = {EVENTS[name]: True for name in args.event}
    return run(
        args,
        lambda client: client.webhooks.create(url=args.url, enabled=not args.disabled, **flags),
        show_one,
    )


def _update(args: argparse.Namespace) -> int:
    both = sorted(set(args.event) & set(args.no_event))
    if both:
        return usage_error("sendx webhooks update", f"--event and --no-event both name {both[0]}")
    flags = {EVENTS[name]: True for name in args.event}
    flags.update({EVENTS[name]: False for name in args.no_event})
    return run(
        args,
        lambda client: client.webhooks.update(
            args.webhook, url=args.url, enabled=args.enabled, **flags
        ),
        show_one,
    )
