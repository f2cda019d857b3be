"""``sendx templates list|get|create|update|delete``: email templates
(``client.templates``). A template is named by its id or its name; its HTML and text
bodies are read from files (``-``: standard input)."""

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
    text_file,
)

__all__ = ["COLUMNS", "register"]

#: The columns of ``sendx templates list``.
COLUMNS = ("id", "name", "subject", "updated")


def register(subparsers: Any) -> None:
    """Add the ``templates`` group."""
    group = add_group(
        subparsers,
        "templates",
        help="list, read, create, change and delete email templates (REST)",
        description="SendX's email templates. A template is named by its id "
        "(template_...) or its name.",
    )

    listing = add_command(
        group,
        "list",
        help="list the templates",
        description="Print every template, oldest first.",
        handler=lambda args: run(
            args, lambda client: client.templates.list(search=args.search), show_many(COLUMNS)
        ),
    )
    listing.add_argument("--search", metavar="TEXT", help="only those whose name holds TEXT")
    add_list_options(listing)

    get = add_command(
        group,
        "get",
        help="print a template",
        description="Print the template, its HTML and text included.",
        handler=lambda args: run(
            args, lambda client: client.templates.get(args.template), show_one
        ),
    )
    get.add_argument("template", metavar="TEMPLATE", help="id or name")

    create = add_command(
        group,
        "create",
        help="create a template",
        description="Create the template NAME and print it; a name the team has already "
        "is an error.",
        handler=lambda args: run(
            args, lambda client: client.templates.create(name=args.name, **_given(args)), show_one
        ),
    )
    create.add_argument("name", metavar="NAME")
    create.add_argument("--subject", required=True, help="the subject of its emails")
    _add_content(create)

    update = add_command(
        group,
        "update",
        help="change a template",
        description="Change the template and print it; what is not given is kept.",
        handler=lambda args: run(
            args,
            lambda client: client.templates.update(args.template, name=args.name, **_given(args)),
            show_one,
        ),
    )
    update.add_argument("template", metavar="TEMPLATE", help="id or name")
    update.add_argument("--name", help="the new name")
    update.add_argument("--subject", help="the new subject")
    _add_content(update)

    delete = add_command(
        group,
        "delete",
        help="delete a template",
        description="Delete the template.",
        handler=lambda args: run(
            args,
            lambda client: client.templates.delete(args.template),
            show_done(lambda args: f"deleted the template {args.template}"),
        ),
    )
    delete.add_argument("template", metavar="TEMPLATE", help="id or name")


def _add_content(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--html", type=text_file, metavar="FILE", help="its HTML body, from FILE ('-': stdin)"
    )
    parser.add_argument(
        "--text", type=text_file, metavar="FILE", help="its plain-text body, from FILE"
    )
    parser.add_argument("--preheader", metavar="TEXT", help="the preview text after the subject")
    parser.add_argument(
        "--tag",
        action="append",
        metavar="LABEL",
        help="a label of the template (repeatable; not a contact's tag)",
    )


def _given(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "subject": args.subject,
        "html_content": args.html,
        "text_content": args.text,
        "preheader": args.preheader,
        "tags": args.tag,
    }
