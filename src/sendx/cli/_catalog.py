"""``sendx lists ...``, ``sendx tags ...`` and ``sendx custom-fields ...``: the named
objects that contacts refer to. Each group has ``list``, ``get``, ``create``,
``update`` and ``delete``; an object is named by its id or its name."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from sendx.cli._groups import (
    add_command,
    add_group,
    add_list_options,
    run,
    show_done,
    show_many,
    show_one,
)
from sendx.cli._output import Column

__all__ = ["FIELD_TYPES", "KINDS", "Kind", "register"]

#: What ``--type`` of a custom field takes (the client's names of the wire's 0 to 4).
FIELD_TYPES = ("text", "number", "date", "boolean", "phone")


def _type_name(field: Any) -> Any:
    # A type this client does not know is shown as SendX's number.
    return field.type_name or field.type


@dataclass(frozen=True)
class Kind:
    """One group: its command name, the client's attribute, what one object is
    called, the columns of its list, whether its list takes ``--search``, and whether
    it has a type and a description (custom fields)."""

    command: str
    attribute: str
    noun: str
    columns: tuple[Column, ...]
    searchable: bool = False
    typed: bool = False


KINDS = (
    Kind("lists", "lists", "list", ("id", "name", "type", "created"), searchable=True),
    Kind("tags", "tags", "tag", ("id", "name", "created")),
    Kind(
        "custom-fields",
        "custom_fields",
        "custom field",
        ("id", "name", ("type", _type_name), "description"),
        searchable=True,
        typed=True,
    ),
)


def register(subparsers: Any) -> None:
    """Add the ``lists``, ``tags`` and ``custom-fields`` groups."""
    for kind in KINDS:
        _register(subparsers, kind)


def _register(subparsers: Any, kind: Kind) -> None:
    noun, plural = kind.noun, kind.command.replace("-", " ")
    group = add_group(
        subparsers,
        kind.command,
        help=f"list, read, create, rename and delete {plural} (REST)",
        description=f"SendX's {plural}. A {noun} is named by its id or its name.",
    )
    resource = kind.attribute

    listing = add_command(
        group,
        "list",
        help=f"list the {plural}",
        description=f"Print every {noun}, oldest first.",
        handler=lambda args: run(
            args,
            lambda client: getattr(client, resource).list(**_search(args)),
            show_many(kind.columns),
        ),
    )
    if kind.searchable:
        listing.add_argument(
            "--search", metavar="TEXT", help=f"only the {plural} whose name holds TEXT"
        )
    add_list_options(listing)

    get = add_command(
        group,
        "get",
        help=f"print a {noun}",
        description=f"Print the {noun}.",
        handler=lambda args: run(
            args, lambda client: getattr(client, resource).get(args.ref), show_one
        ),
    )
    get.add_argument("ref", metavar=noun.upper().replace(" ", "_"), help="id or name")

    create = add_command(
        group,
        "create",
        help=f"create a {noun}",
        description=f"Create the {noun} NAME and print it; a name the team has already "
        "is an error.",
        handler=lambda args: run(
            args, lambda client: getattr(client, resource).create(**_given(args)), show_one
        ),
    )
    create.add_argument("name", metavar="NAME")
    if kind.typed:
        create.add_argument(
            "--type", choices=FIELD_TYPES, default="text", help="the kind of value (default: text)"
        )
        create.add_argument("--description", metavar="TEXT", help="what the field is for")

    update = add_command(
        group,
        "update",
        help=f"rename a {noun}" + (" or change its type or description" if kind.typed else ""),
        description=f"Change the {noun} and print it; what is not given is kept.",
        handler=lambda args: run(
            args,
            lambda client: getattr(client, resource).update(args.ref, **_given(args)),
            show_one,
        ),
    )
    update.add_argument("ref", metavar=noun.upper().replace(" ", "_"), help="id or name")
    update.add_argument("--name", help="the new name")
    if kind.typed:
        update.add_argument(
            "--type", choices=FIELD_TYPES, help="the new kind of value (no contact may hold one)"
        )
        update.add_argument("--description", metavar="TEXT", help="the new description")

    delete = add_command(
        group,
        "delete",
        help=f"delete a {noun}",
        description=f"Delete the {noun}: it is taken off every contact.",
        handler=lambda args: run(
            args,
            lambda client: getattr(client, resource).delete(args.ref),
            show_done(lambda args: f"deleted the {noun} {args.ref}"),
        ),
    )
    delete.add_argument("ref", metavar=noun.upper().replace(" ", "_"), help="id or name")


def _given(args: argparse.Namespace) -> dict[str, Any]:
    """``name``, ``type`` and ``description`` where the command has them; absent ones
    are left out, so that an update keeps them."""
    given = {key: getattr(args, key, None) for key in ("name", "type", "description")}
    return {key: value for key, value in given.items() if value is not None}


def _search(args: argparse.Namespace) -> dict[str, Any]:
    search = getattr(args, "search", None)
    return {} if search is None else {"search": search}
