"""Team members: ``/team/member`` (list) and ``/team/member/{identifier}`` (get).

Members are not stored: they follow from the emulator's configuration. Every team has
its owner, ``owner@example.com`` (a reserved domain: no one's address), then the
addresses given with ``sendx emulator --member EMAIL`` or ``Emulator(members=[...])``,
in that order, each once (an address repeated in any case, the owner's included, is
one member). A member's id is ``member_`` and 22 letters and digits drawn from the
SHA-256 of the team id and the lower-cased address: the same in every run, different
in every team. ``userName`` is the address's local part, ``fullName`` that part in
words (``jane.doe`` -> ``Jane Doe``); ``avatarUrl``, ``created`` and ``updated`` are
``null`` (a member was never created through the API).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

import msgspec

from sendx._email import check_email
from sendx.emulator.rest.errors import NOT_FOUND, RestError
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Route
from sendx.emulator.rest.schema import MemberId, Timestamp
from sendx.errors import InvalidRequestError

__all__ = ["OWNER", "ROUTES", "check_members", "members", "member_id"]

OWNER = "owner@example.com"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WORDS = re.compile(r"[._+-]+")


class MemberOut(msgspec.Struct, rename="camel"):
    """A team member."""

    id: MemberId
    email: str
    user_name: str
    full_name: str
    avatar_url: str | None  # always null
    created: Timestamp | None
    updated: Timestamp | None


def check_members(addresses: Iterable[str]) -> tuple[str, ...]:
    """The members' addresses as given (``--member``, ``Emulator(members=...)``);
    ``ValueError`` for one that is not an address (masked in the message), ``TypeError``
    for anything but a list of them (a lone string is a common slip for a list of one,
    and would be read letter by letter)."""
    if isinstance(addresses, (str, bytes)) or not isinstance(addresses, Iterable):
        raise TypeError(f"members must be a list of addresses (got {type(addresses).__name__})")
    checked = []
    for address in addresses:
        try:
            checked.append(check_email(address, "member"))
        except InvalidRequestError as exc:
            raise ValueError(str(exc)) from None
    return tuple(checked)


def member_id(team_id: str, address: str) -> str:
    """The id of the member ``address`` in the team ``team_id``."""
    digest = hashlib.sha256(f"{team_id}\n{address.lower()}".encode()).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_ALPHABET[rest])
    return "member_" + "".join(chars)


def members(team_id: str, addresses: Iterable[str]) -> list[dict[str, Any]]:
    """The members of the team ``team_id``: its owner, then ``addresses``, each once."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for address in (OWNER, *addresses):
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        local = address.rpartition("@")[0]
        found.append(
            {
                "id": member_id(team_id, address),
                "email": address,
                "userName": local,
                "fullName": " ".join(word.capitalize() for word in _WORDS.split(local) if word)
                or local,
                "avatarUrl": None,
                "created": None,
                "updated": None,
            }
        )
    return found


def _members(request: Request) -> list[dict[str, Any]]:
    return members(request.team.team_id, request.api.app.members)


def list_members(request: Request) -> Reply:
    return Reply(200, _members(request))


def get_member(request: Request) -> Reply:
    wanted = request.id("member_")
    for member in _members(request):
        if member["id"] == wanted:
            return Reply(200, member)
    raise RestError(404, NOT_FOUND)


ROUTES = [
    Route(
        "GET",
        "/team/member",
        list_members,
        "getAllTeamMembers",
        answer=list[MemberOut],
        errors=(401,),
    ),
    Route(
        "GET",
        "/team/member/{identifier}",
        get_member,
        "getTeamMember",
        answer=MemberOut,
        errors=(400, 401, 404),
    ),
]
