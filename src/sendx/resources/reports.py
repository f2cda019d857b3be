"""Reports: ``client.reports.campaign(id)`` (``/report/campaign/{id}``), what became
of a campaign's messages."""

from __future__ import annotations

import msgspec

from sendx._core import Call
from sendx.resources._family import AsyncFamily, Family
from sendx.resources._rest import TimeoutArg, decoder, rest_call
from sendx.resources.campaigns import CampaignKind

__all__ = ["AsyncReports", "CampaignReport", "LinkStat", "Reports"]


class LinkStat(msgspec.Struct, frozen=True):
    """A link of a campaign and how many times it was clicked."""

    url: str = ""
    count: int = 0


class CampaignReport(msgspec.Struct, frozen=True, rename="camel"):
    """What became of a campaign's messages; every count an int (a count SendX
    writes as text is read as a number).

    ``sent_contact_count`` messages sent; ``opened_contact_count`` and
    ``clicked_contact_count`` every open and click, ``opened_unique_contact_count``
    and ``clicked_unique_contact_count`` the contacts who opened or clicked;
    ``unsubscribe_contact_count``, ``bounce_contact_count`` and
    ``spam_contact_count`` the contacts who unsubscribed, bounced or complained;
    ``link_stats`` the clicks per link."""

    campaign_id: str = ""
    sent_contact_count: int = 0
    opened_contact_count: int = 0
    opened_unique_contact_count: int = 0
    clicked_contact_count: int = 0
    clicked_unique_contact_count: int = 0
    unsubscribe_contact_count: int = 0
    bounce_contact_count: int = 0
    spam_contact_count: int = 0
    link_stats: list[LinkStat] = []


def campaign_call(campaign: str) -> Call[CampaignReport]:
    return rest_call("GET", f"/report/campaign/{campaign}", decoder(CampaignReport))


class Reports(CampaignKind, Family):
    """``client.reports``: campaign reports, blocking."""

    def campaign(self, campaign_id: str, *, timeout: TimeoutArg = None) -> CampaignReport:
        """The report of the campaign with this id (or name)."""
        return self._on(self._ref(campaign_id), campaign_call, self._limits(timeout))


class AsyncReports(CampaignKind, AsyncFamily):
    """``client.reports``: campaign reports, for asyncio."""

    async def campaign(self, campaign_id: str, *, timeout: TimeoutArg = None) -> CampaignReport:
        """The report of the campaign with this id (or name)."""
        return await self._on(self._ref(campaign_id), campaign_call, self._limits(timeout))
