"""The web page's deep links: what a test failure message prints.

The page routes on the URL's fragment (``#/...``), so that every view is a link that
the emulator serves as one file: ``/#/teams/T`` (home, one team), ``/#/contacts/T/EMAIL``
and ``/#/messages/ID``. Imports nothing of the server: :class:`sendx.testing.ControlPlane`
builds the same links.
"""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["page_link"]


def page_link(
    root_url: str,
    team_id: str | None = None,
    *,
    contact: str | None = None,
    message: str | None = None,
) -> str:
    """The page's URL (``root_url`` is ``http://HOST:PORT``): of a message, of a
    team's contact (by email), of a team's home, or of the home of all teams."""
    root = root_url.rstrip("/") + "/#/"
    if message is not None:
        return root + "messages/" + quote(message, safe="")
    if contact is not None:
        if team_id is None:
            raise ValueError("a contact's link needs its team_id")
        return root + f"contacts/{quote(team_id, safe='')}/{quote(contact, safe='@')}"
    if team_id is not None:
        return root + "teams/" + quote(team_id, safe="")
    return root
