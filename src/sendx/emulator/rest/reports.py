"""Campaign reports: ``/report/campaign/{identifier}``, counted from the campaign's
captured messages and the engagement simulated on them
(``POST /_emulator/messages/{id}/events``).

- ``sentContactCount``: the campaign's messages;
- ``openedContactCount`` and ``clickedContactCount``: every open and every click;
  the ``Unique`` counts: the messages opened, or clicked, at least once;
- ``bounceContactCount``, ``spamContactCount``, ``unsubscribeContactCount``: the
  messages with such an event (a second one on the same message counts once);
- ``linkStats``: each clicked URL with its clicks, most clicked first.

A drop is in no count (SendX's report has none). A draft or scheduled campaign's
report is all zeros.
"""

from __future__ import annotations

import msgspec

from sendx.emulator.rest.campaigns import CAMPAIGNS
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Route
from sendx.emulator.rest.schema import CampaignId

__all__ = ["ROUTES"]


class LinkStat(msgspec.Struct):
    """A clicked link and its clicks."""

    url: str
    count: int


class ReportOut(msgspec.Struct, rename="camel"):
    """A campaign's report (SendX's ``RestReportData``)."""

    campaign_id: CampaignId
    link_stats: list[LinkStat]
    sent_contact_count: int
    opened_contact_count: int
    opened_unique_contact_count: int
    clicked_contact_count: int
    clicked_unique_contact_count: int
    unsubscribe_contact_count: int
    bounce_contact_count: int
    spam_contact_count: int


def campaign_report(request: Request) -> Reply:
    campaign = CAMPAIGNS.find(request)
    request.flush()  # the messages are counted in the table
    report = request.store.messages.report(request.team.pk, campaign["id"])
    return Reply(
        200,
        {
            "campaignId": campaign["id"],
            "linkStats": [{"url": url, "count": count} for url, count in report.links],
            "sentContactCount": report.sent,
            "openedContactCount": report.total("open"),
            "openedUniqueContactCount": report.unique("open"),
            "clickedContactCount": report.total("click"),
            "clickedUniqueContactCount": report.unique("click"),
            "unsubscribeContactCount": report.unique("unsubscribe"),
            "bounceContactCount": report.unique("bounce"),
            "spamContactCount": report.unique("spam"),
        },
    )


ROUTES = [
    Route(
        "GET",
        "/report/campaign/{identifier}",
        campaign_report,
        "getCampaignReport",
        summary="What happened to a campaign's captured messages.",
        answer=ReportOut,
        errors=(400, 401, 404),
    ),
]
