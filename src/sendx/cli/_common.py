"""What every API command shares: the connection options and error reporting."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

from sendx._config import DEFAULT_BASE_URL, DEFAULT_REST_BASE_URL
from sendx.errors import InvalidRequestError, NotFoundError, SendXError

__all__ = [
    "CONNECTION_OPTIONS",
    "Parser",
    "add_connection_options",
    "connection_given",
    "endpoint_hint",
    "explain_not_found",
    "make_client",
    "run_api_command",
]


class Parser(argparse.ArgumentParser):
    """An argument parser that reports a usage error as one line on stderr (exit 2),
    pointing at ``--help`` instead of printing the whole usage. Sub-parsers made with
    ``add_parser`` are of the same class, so every command behaves alike."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


@dataclass(frozen=True, slots=True)
class ConnectionOption:
    """One connection option: its flag (whose dest is the client's keyword argument),
    the environment variable the client falls back to, its help, and the client's
    default when the variable is unset too."""

    flag: str
    metavar: str
    variable: str
    help: str
    fallback: str = ""

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


#: The connection options, defined once: the ``sendx`` parser takes them before the
#: command and every API command after it. Each dest is a keyword of ``SendX()``,
#: which reads the variable when the option is absent; so a new option is one line here.
CONNECTION_OPTIONS = (
    ConnectionOption("--api-key", "KEY", "SENDX_API_KEY", "API key"),
    ConnectionOption("--team-id", "TEAM", "SENDX_TEAM_ID", "team id, for identify and track"),
    ConnectionOption("--base-url", "URL", "SENDX_BASE_URL", "v1 API base URL", DEFAULT_BASE_URL),
    ConnectionOption(
        "--rest-base-url", "URL", "SENDX_REST_BASE_URL", "REST API base URL", DEFAULT_REST_BASE_URL
    ),
)


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """Add :data:`CONNECTION_OPTIONS` to ``parser`` (the ``sendx`` parser, or a command's).

    Absent options set nothing (``SUPPRESS``): so ``sendx --api-key K import F`` keeps
    K, where a command's own default would overwrite it, and the later of two wins.
    """
    group = parser.add_argument_group(
        "connection (before or after the command; default: the SENDX_* environment variables)"
    )
    for option in CONNECTION_OPTIONS:
        group.add_argument(
            option.flag,
            metavar=option.metavar,
            default=argparse.SUPPRESS,
            help=f"{option.help} (default: ${option.variable}"
            + (f", else {option.fallback})" if option.fallback else ")"),
        )


def connection_given(args: argparse.Namespace) -> list[str]:
    """The flags of the connection options present in ``args``."""
    return [option.flag for option in CONNECTION_OPTIONS if hasattr(args, option.dest)]


def make_client(args: argparse.Namespace, **options: Any) -> Any:
    """A :class:`sendx.SendX` from the connection options (absent ones: ``SENDX_*``)."""
    from sendx import SendX

    given = {option.dest: getattr(args, option.dest, None) for option in CONNECTION_OPTIONS}
    return SendX(**given, **options)


def endpoint_hint(
    error: NotFoundError, base_url: str, *, identify: bool = False, rest: bool = False
) -> str:
    """What a 404 probably means when it says the endpoint is missing, not the
    object: for any identify (it never answers 404 for a contact), or when the body
    says ``no route`` (the emulator). Empty for a 404 that needs no hint (a track of
    an unknown contact, a get of an id SendX does not have). ``rest``: ``base_url`` is
    the REST API's (``.../api/v1/rest``), else v1's (``.../api/v1``)."""
    if not (identify or error.message.startswith("no route")):
        return ""
    tail, flag, variable, default = (
        ("/api/v1/rest", "--rest-base-url", "SENDX_REST_BASE_URL", DEFAULT_REST_BASE_URL)
        if rest
        else ("/api/v1", "--base-url", "SENDX_BASE_URL", DEFAULT_BASE_URL)
    )
    path = urlsplit(base_url).path.rstrip("/")
    if path.endswith(tail):
        return (
            f"; the base URL {base_url} has no such endpoint: check {flag} / "
            f"{variable} (SendX's is {default})"
        )
    # The URL may end with the first segments of the path already (".../api").
    segments = tail.split("/")[1:]
    kept = next(
        (n for n in range(len(segments) - 1, 0, -1) if path.endswith("/" + "/".join(segments[:n]))),
        0,
    )
    fixed = base_url.rstrip("/") + "".join("/" + segment for segment in segments[kept:])
    return f"; the base URL {base_url} probably lacks {tail}: try {flag} {fixed} (or {variable})"


@contextlib.contextmanager
def explain_not_found(
    base_url: str, *, identify: bool = False, rest: bool = False
) -> Iterator[None]:
    """Re-raise a :class:`NotFoundError` with :func:`endpoint_hint` added to its message."""
    try:
        yield
    except NotFoundError as exc:
        hint = endpoint_hint(exc, base_url, identify=identify, rest=rest)
        if not hint:
            raise
        raise NotFoundError(
            exc.message + hint,
            status=exc.status,
            body=exc.body,
            headers=exc.headers,
            retry_after=exc.retry_after,
        ) from None


def run_api_command(action: Callable[[], int]) -> int:
    """Run ``action``; turn sendx errors into one line on stderr and an exit code."""
    try:
        return action()
    except InvalidRequestError as exc:
        print(f"sendx: error: {exc}", file=sys.stderr)
        return 2
    except SendXError as exc:
        print(f"sendx: error: {exc}", file=sys.stderr)
        return 1
