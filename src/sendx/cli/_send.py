"""``sendx send``: one transactional email to each recipient, with its HTML (and text)
from files, or from a template (``client.emails.send`` and ``send_template``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sendx.cli._groups import add_command, run, show_many, text_file, usage_error

__all__ = ["COLUMNS", "register"]

#: The columns of what ``sendx send`` prints: one row per recipient.
COLUMNS = ("to", "message_id", "error_code", "message")


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME: VALUE (got {text!r})")
    return name.strip(), value.strip()


def register(subparsers: Any) -> None:
    """Add the ``send`` command."""
    parser = add_command(
        subparsers,
        "send",
        help="send a transactional email (REST)",
        description="Send the email to each --to recipient (one message each), with its "
        "HTML from a file or SendX's template, and print one result per recipient. "
        "The exit code is 1 if SendX refused any recipient. A send is never made twice "
        "by a retry: after an error that says SendX may have sent it, check before "
        "sending again.",
        handler=_send,
    )
    parser.add_argument(
        "--from",
        dest="from_",
        required=True,
        metavar="ADDRESS",
        help="'Ann <ann@x.io>' or an address",
    )
    parser.add_argument(
        "--to",
        action="append",
        required=True,
        metavar="ADDRESS",
        help="a recipient, 'Name <address>' or an address (repeatable)",
    )
    parser.add_argument("--subject", required=True, metavar="TEXT")
    body = parser.add_mutually_exclusive_group(required=True)
    body.add_argument(
        "--html", type=text_file, metavar="FILE", help="the HTML body, from FILE ('-': stdin)"
    )
    body.add_argument(
        "--template", metavar="TEMPLATE", help="send this template (id or name) instead"
    )
    parser.add_argument(
        "--text",
        type=text_file,
        metavar="FILE",
        help="the plain-text body, from FILE (with --html)",
    )
    parser.add_argument("--reply-to", metavar="ADDRESS", help="where replies go")
    parser.add_argument(
        "--header",
        action="append",
        type=_header,
        metavar="'NAME: VALUE'",
        help="an email header (repeatable; with --html)",
    )


def _send(args: argparse.Namespace) -> int:
    if args.template is not None:
        for flag, value in (("--text", args.text), ("--header", args.header)):
            if value is not None:
                return usage_error("sendx send", f"{flag} goes with --html, not --template")

    def request(client: Any) -> Any:
        if args.template is None:
            return client.emails.send(
                from_=args.from_,
                to=args.to,
                subject=args.subject,
                html_body=args.html,
                text_body=args.text,
                reply_to=args.reply_to,
                headers=None if args.header is None else dict(args.header),
            )
        from sendx.resources._rest import is_id

        template = args.template
        if not is_id(template, "template_"):
            template = client.templates.get(template).id  # a name: looked up
        return client.emails.send_template(
            from_=args.from_,
            to=args.to,
            subject=args.subject,
            template=template,
            reply_to=args.reply_to,
        )

    def show(results: list[Any], args: argparse.Namespace) -> int:
        show_many(COLUMNS)(results, args)
        refused = [result for result in results if not result.ok]
        if refused:
            print(
                f"sendx send: SendX refused {len(refused)} of {len(results)} recipient(s): "
                f"{refused[0].to}: {refused[0].message or 'no reason given'}",
                file=sys.stderr,
            )
            return 1
        return 0

    return run(args, request, show)
