"""``sendx identify`` and ``sendx track``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sendx.cli._common import (
    add_connection_options,
    explain_not_found,
    make_client,
    run_api_command,
)

__all__ = ["register"]


def _field(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE (got {text!r})")
    return name, value


def register(subparsers: Any) -> None:
    """Add the ``identify`` and ``track`` commands."""
    identify = subparsers.add_parser(
        "identify",
        help="create or update a contact and print it after the merge",
        description="Create the contact EMAIL or merge into it (nothing is deleted); "
        "print the contact as SendX holds it afterwards.",
    )
    identify.add_argument("email")
    identify.add_argument("--first-name")
    identify.add_argument("--last-name")
    identify.add_argument("--company")
    identify.add_argument("--birthday", metavar="YYYY-MM-DD")
    identify.add_argument("--new-email", help="rename the contact to this address")
    identify.add_argument(
        "--tag", action="append", default=[], metavar="T", help="add a tag (repeatable)"
    )
    identify.add_argument(
        "--field",
        action="append",
        default=[],
        type=_field,
        metavar="NAME=VALUE",
        help="set a custom field (repeatable); VALUE ++N / --N adds or subtracts on number fields",
    )
    identify.add_argument("--json", action="store_true", help="print the contact as JSON")
    add_connection_options(identify)
    identify.set_defaults(handler=_identify)

    track = subparsers.add_parser(
        "track",
        help="add and remove tags of a contact (starts automations)",
        description="Add tags to the contact EMAIL, then remove tags.",
    )
    track.add_argument("email")
    track.add_argument(
        "--add", action="append", default=[], metavar="T", help="tag to add (repeatable)"
    )
    track.add_argument(
        "--remove", action="append", default=[], metavar="T", help="tag to remove (repeatable)"
    )
    add_connection_options(track)
    track.set_defaults(handler=_track)


def _identify(args: argparse.Namespace) -> int:
    def action() -> int:
        with make_client(args) as client, explain_not_found(client.base_url, identify=True):
            contact = client.contacts.identify(
                args.email,
                first_name=args.first_name,
                last_name=args.last_name,
                company=args.company,
                birthday=args.birthday,
                new_email=args.new_email,
                tags=args.tag or None,
                custom_fields=dict(args.field) or None,
            )
        if args.json:
            print(json.dumps(contact.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(format_contact(contact.to_dict()))
        return 0

    return run_api_command(action)


def _track(args: argparse.Namespace) -> int:
    def action() -> int:
        with make_client(args) as client, explain_not_found(client.base_url, identify=False):
            client.contacts.track(args.email, add_tags=args.add, remove_tags=args.remove)
        print(f"tracked {args.email}: {_asked(args.add, args.remove)}", file=sys.stderr)
        return 0

    return run_api_command(action)


def _asked(add: list[str], remove: list[str]) -> str:
    """What a track asked for, as asked: SendX answers only "success", never which tags
    the contact had, so a count of changes would be a guess."""
    parts = [
        f"{verb} {', '.join(repr(tag) for tag in tags)}"
        for verb, tags in (("add", add), ("remove", remove))
        if tags
    ]
    return "SendX accepted " + ("; ".join(parts) if parts else "a track without tags")


def format_contact(contact: dict[str, Any]) -> str:
    """A contact as a two-column table, custom fields indented below."""
    rows: list[tuple[str, str]] = []
    for key in ("email", "first_name", "last_name", "company", "birthday", "id", "team_id"):
        value = contact.get(key)
        rows.append((key, "" if value is None else str(value)))
    rows.append(("tags", ", ".join(contact.get("tags") or [])))
    fields = contact.get("custom_fields") or {}
    rows.append(("custom_fields", "" if fields else "(none)"))
    rows.extend((f"  {name}", value) for name, value in sorted(fields.items()))
    width = max(len(key) for key, _ in rows)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in rows)
