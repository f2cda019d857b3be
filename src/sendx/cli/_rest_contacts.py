"""``sendx contacts list|get|create|update|delete|unsubscribe``: contacts over SendX's
REST API (``client.contacts``). A contact is named by its id or its address; tags,
lists and custom fields by their names or ids."""

from __future__ import annotations

import argparse
from typing import Any

from sendx.cli._contacts import _field
from sendx.cli._groups import (
    add_command,
    add_group,
    add_list_options,
    run,
    show_done,
    show_many,
    show_one,
)

__all__ = ["COLUMNS", "register"]

#: The columns of ``sendx contacts list``.
COLUMNS = ("id", "email", "first_name", "last_name", "company", "unsubscribed", "created")


def register(subparsers: Any) -> None:
    """Add the ``contacts`` group."""
    group = add_group(
        subparsers,
        "contacts",
        help="list, read, create, change, delete and unsubscribe contacts (REST)",
        description="Contacts over SendX's REST API. A contact is named by its id "
        "(contact_...) or its email address.",
    )

    listing = add_command(
        group,
        "list",
        help="list the contacts",
        description="Print every contact, oldest first, fetched page by page.",
        handler=_list,
    )
    listing.add_argument(
        "--search", metavar="TEXT", help="only those whose name or address holds TEXT"
    )
    add_list_options(listing)

    get = add_command(
        group, "get", help="print a contact", description="Print the contact.", handler=_get
    )
    get.add_argument("contact", metavar="CONTACT", help="id or email address")

    create = add_command(
        group,
        "create",
        help="create a contact",
        description="Create the contact EMAIL and print it; an address the team has "
        "already is an error (SendX answers 409).",
        handler=_create,
    )
    create.add_argument("email", metavar="EMAIL")
    _add_properties(create)

    update = add_command(
        group,
        "update",
        help="change a contact",
        description="Change the contact and print it. What is not given is kept; "
        "--tag and --list replace the contact's tags and lists; --field values are "
        "merged into its custom fields.",
        handler=_update,
    )
    update.add_argument("contact", metavar="CONTACT", help="id or email address")
    update.add_argument("--email", help="change the contact's address")
    _add_properties(update, update=True)

    delete = add_command(
        group,
        "delete",
        help="delete a contact",
        description="Delete the contact: it is gone from every list and read, and its "
        "address is free again.",
        handler=_delete,
    )
    delete.add_argument("contact", metavar="CONTACT", help="id or email address")

    unsubscribe = add_command(
        group,
        "unsubscribe",
        help="unsubscribe a contact",
        description="Unsubscribe the contact from all marketing email.",
        handler=_unsubscribe,
    )
    unsubscribe.add_argument("contact", metavar="CONTACT", help="id or email address")


def _add_properties(parser: argparse.ArgumentParser, *, update: bool = False) -> None:
    parser.add_argument("--first-name", metavar="X")
    parser.add_argument("--last-name", metavar="X")
    parser.add_argument("--company", metavar="X")
    parser.add_argument(
        "--field",
        action="append",
        type=_field,
        metavar="NAME=VALUE",
        help="set a custom field, by name or id (repeatable)",
    )
    for name, empty in (("list", "take the contact off every list"), ("tag", "remove every tag")):
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            f"--{name}",
            action="append",
            metavar=name[0].upper(),
            help=f"a {name}, by name or id (repeatable)"
            + (f"; they replace the contact's {name}s" if update else ""),
        )
        if update:
            choice.add_argument(
                f"--no-{name}s", dest=name, action="store_const", const=[], help=empty
            )
    parser.add_argument("--last-tracked-ip", metavar="IP", help="the contact's last IPv4 address")


def _properties(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "first_name": args.first_name,
        "last_name": args.last_name,
        "company": args.company,
        "custom_fields": None if args.field is None else dict(args.field),
        "lists": args.list,
        "tags": args.tag,
        "last_tracked_ip": args.last_tracked_ip,
    }


def _list(args: argparse.Namespace) -> int:
    return run(args, lambda client: client.contacts.list(search=args.search), show_many(COLUMNS))


def _get(args: argparse.Namespace) -> int:
    return run(args, lambda client: client.contacts.get(args.contact), show_one)


def _create(args: argparse.Namespace) -> int:
    return run(
        args, lambda client: client.contacts.create(email=args.email, **_properties(args)), show_one
    )


def _update(args: argparse.Namespace) -> int:
    return run(
        args,
        lambda client: client.contacts.update(args.contact, email=args.email, **_properties(args)),
        show_one,
    )


def _delete(args: argparse.Namespace) -> int:
    return run(
        args,
        lambda client: client.contacts.delete(args.contact),
        show_done(lambda args: f"deleted the contact {args.contact}"),
    )


def _unsubscribe(args: argparse.Namespace) -> int:
    return run(
        args,
        lambda client: client.contacts.unsubscribe(args.contact),
        show_done(lambda args: f"unsubscribed the contact {args.contact}"),
    )
