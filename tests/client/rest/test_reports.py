"""``client.reports.campaign``: a campaign's report against the emulator, both clients,
after simulated engagement; by id or name; counts read as ints; every error class."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.rest._rule import STATUS_ERRORS, check_status
from tests.client.rest.conftest import close_client, make_client, raw
from tests.client.rest.test_campaigns import draft, sender, tag

import sendx
from sendx.resources.reports import AsyncReports, CampaignReport, LinkStat, Reports
from sendx.testing import ControlPlane

ID = "A" * 22


def test_a_report_counts_the_engagement(
    client: Any, control: ControlPlane, emulator: Any, key: str
) -> None:
    vip = tag(emulator, key, "vip")
    for email in ("ann@x.io", "bob@x.io", "cy@x.io"):
        raw(emulator, key, "POST", "/contact", {"email": email, "tags": [vip]})
    made = client.campaigns.create(
        name="Launch",
        subject="S",
        sender=sender(emulator, key),
        html_code="<a href='https://x.io/a'>a</a>",
        schedule_type=1,
        included_tags=["vip"],
    )
    ann, bob, cy = (
        control.messages(to=email)[0]["id"] for email in ("ann@x.io", "bob@x.io", "cy@x.io")
    )
    control.open(ann)
    control.open(ann)
    control.open(bob)
    control.click(ann, "https://x.io/a")
    control.click(bob, "https://x.io/a")
    control.click(bob, "https://x.io/b")
    control.bounce(cy)
    control.unsubscribe(bob)
    report = client.reports.campaign(made.id)
    assert report == client.reports.campaign("Launch")  # by name
    assert report == CampaignReport(
        campaign_id=made.id,
        sent_contact_count=3,
        opened_contact_count=3,
        opened_unique_contact_count=2,
        clicked_contact_count=3,
        clicked_unique_contact_count=2,
        unsubscribe_contact_count=1,
        bounce_contact_count=1,
        spam_contact_count=0,
        link_stats=[LinkStat("https://x.io/a", 2), LinkStat("https://x.io/b", 1)],
    )


def test_a_drafts_report_is_all_zeros(client: Any, emulator: Any, key: str) -> None:
    made = draft(emulator, key, "Draft", sender(emulator, key))
    assert client.reports.campaign(made["id"]) == CampaignReport(campaign_id=made["id"])


def test_an_unknown_campaign_has_no_report(client: Any) -> None:
    with pytest.raises(sendx.NotFoundError):
        client.reports.campaign("campaign_" + ID)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_counts_are_ints_whatever_sendx_writes(kind: str, key: str) -> None:
    """Counts written as text or as integral floats are read as ints; a link stat
    that does not fit is dropped, not the report."""
    answer = {
        "campaignId": "campaign_" + ID,
        "sentContactCount": "20",
        "openedContactCount": 14.0,
        "clickedContactCount": 10,
        "linkStats": [{"url": "https://sendx.io", "count": "10"}, {"url": 3, "count": 1}],
        "somethingNew": [1],
    }
    with RecordingServer(default=Reply.json(answer)) as server:

        class Server:
            base_url = f"http://127.0.0.1:{server.port}/api/v1"

        client = make_client(kind, Server, key)
        try:
            report = client.reports.campaign("campaign_" + ID)
        finally:
            close_client(client)
    assert (
        server.requests[0].request_line
        == f"GET /api/v1/rest/report/campaign/campaign_{ID} HTTP/1.1"
    )
    assert (report.sent_contact_count, report.opened_contact_count) == (20, 14)
    assert isinstance(report.sent_contact_count, int)
    assert isinstance(report.opened_contact_count, int)
    assert report.clicked_contact_count == 10
    assert report.link_stats[0] == LinkStat("https://sendx.io", 10)


@pytest.mark.parametrize(("status", "error"), STATUS_ERRORS)
def test_every_error_status_raises_its_class(
    kind: str, emulator: Any, key: str, control: ControlPlane, status: int, error: type[Exception]
) -> None:
    check_status(
        status,
        error,
        kind,
        emulator,
        key,
        control,
        "/report",
        lambda client: client.reports.campaign("campaign_" + ID),
    )


def test_sync_and_async_reports_match() -> None:
    """The campaign first, positionally (as ``get`` takes an object); ``timeout`` last,
    keyword-only."""
    sync, async_ = Reports.campaign, AsyncReports.campaign
    assert inspect.signature(sync) == inspect.signature(async_)
    assert inspect.iscoroutinefunction(async_)
    kinds = [(p.name, p.kind) for p in inspect.signature(sync).parameters.values()][1:]
    assert kinds == [
        ("campaign_id", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("timeout", inspect.Parameter.KEYWORD_ONLY),
    ]
