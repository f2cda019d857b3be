"""``client.campaigns``: create, get, delete and list against the emulator, both
clients; names looked up for campaigns, lists and tags; paging; checks before any I/O;
wire bodies; lenient answers; every error class; a create never made twice by a
retry."""

from __future__ import annotations

import datetime
import inspect
from typing import Any

import pytest
from tests._support.recording_server import RecordingServer, Reply
from tests.client.rest._rule import (
    SCENARIO_IDS,
    SCENARIOS,
    STATUS_ERRORS,
    Scenario,
    check_refused,
    check_rule,
    check_status,
)
from tests.client.rest.conftest import close_client, make_client, raw

import sendx
from sendx.resources._rest import Deleted
from sendx.resources.campaigns import AsyncCampaigns, Campaign, Campaigns
from sendx.testing import ControlPlane

ID = "A" * 22


def sender(emulator: Any, key: str, email: str = "news@x.io") -> str:
    made: dict[str, Any] = raw(emulator, key, "POST", "/sender", {"name": "News", "email": email})
    return str(made["id"])


def tag(emulator: Any, key: str, name: str) -> str:
    made: dict[str, Any] = raw(emulator, key, "POST", "/tag", {"name": name})
    return str(made["id"])


def draft(emulator: Any, key: str, name: str, sender_id: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "subject": "S", "sender": sender_id, "htmlCode": "<p>x</p>", **extra}
    made: dict[str, Any] = raw(emulator, key, "POST", "/campaign", body)
    return made


@pytest.fixture
def news(emulator: Any, key: str) -> str:
    """The id of a sender of the test's team."""
    return sender(emulator, key)


def test_create_a_draft_then_get_list_and_delete_it(client: Any, news: str) -> None:
    made = client.campaigns.create(
        name="March",
        subject="Spring {{firstName}}",
        sender=news,
        html_code="<p>Hi</p>",
        plain_text="Hi",
        preview_text="Spring is here",
        time_condition="9:00 AM",
        timezone="Europe/Paris",
        smart_send=True,
    )
    assert isinstance(made, Campaign)
    assert made.id.startswith("campaign_")
    assert (made.name, made.subject, made.sender) == ("March", "Spring {{firstName}}", news)
    assert (made.status, made.schedule_type, made.schedule_condition) == (0, 0, "")
    assert (made.html_content, made.text_content, made.preheader) == (
        "<p>Hi</p>",
        "Hi",
        "Spring is here",
    )
    assert (made.time_condition, made.timezone, made.smart_send) == (
        "9:00 AM",
        "Europe/Paris",
        True,
    )
    assert made.created is not None
    assert client.campaigns.get(made.id) == made
    assert client.campaigns.get("March") == made  # by name
    assert list(client.campaigns.list()) == [made]
    assert list(client.campaigns.list(campaign_type="draft")) == [made]
    assert list(client.campaigns.list(campaign_type="sent")) == []
    deleted = client.campaigns.delete("March")
    assert isinstance(deleted, Deleted)
    assert deleted.status == "success"
    with pytest.raises(sendx.NotFoundError):
        client.campaigns.get(made.id)


@pytest.mark.parametrize(
    ("condition", "wire"),
    [
        (datetime.date(2030, 3, 20), "2030-03-20"),
        (
            datetime.datetime(
                2030, 3, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
            ),
            "2030-03-20T09:00:00Z",
        ),
        ("2030-03-20T09:00:00Z", "2030-03-20T09:00:00Z"),
    ],
)
def test_a_schedule_condition_schedules_it(
    client: Any, news: str, condition: Any, wire: str
) -> None:
    made = client.campaigns.create(
        name="Later", subject="S", sender=news, html_code="<p>x</p>", schedule_condition=condition
    )
    assert (made.status, made.schedule_type, made.schedule_condition) == (1, 0, wire)
    assert list(client.campaigns.list(campaign_type="scheduled")) == [made]


def test_send_now_reaches_the_audience_named_by_names(
    client: Any, control: ControlPlane, emulator: Any, key: str, news: str
) -> None:
    """Lists and tags by name or id; the audience is who is on an included list or has
    an included tag, less the excluded ones; one message each."""
    customers = client.lists.create(name="customers")
    vip = tag(emulator, key, "vip")
    tag(emulator, key, "churned")
    client.contacts.create(email="ann@x.io", first_name="Ann", lists=["customers"])
    client.contacts.create(email="bob@x.io", tags=["vip"])
    client.contacts.create(email="cy@x.io", lists=[customers.id], tags=["churned"])
    client.contacts.create(email="dee@x.io")
    made = client.campaigns.create(
        name="Now",
        subject="Hi {{firstName}}",
        sender=news,
        html_code="<p>x</p>",
        schedule_type=1,
        included_lists=["customers"],
        included_tags=[vip],
        excluded_tags=["churned"],
    )
    assert made.status == 3
    assert (made.included_lists, made.included_tags) == ([customers.id], [vip])
    assert len(made.excluded_tags) == 1
    sent = control.messages(campaign_id=made.id)
    assert sorted(message["to"]["email"] for message in sent) == ["ann@x.io", "bob@x.io"]
    assert {message["subject"] for message in sent} == {"Hi Ann", "Hi "}
    assert list(client.campaigns.list(campaign_type="sent")) == [made]


def test_unknown_names_raise_before_anything_is_made(client: Any, news: str) -> None:
    with pytest.raises(sendx.InvalidRequestError, match="no list named 'nobody'") as raised:
        client.campaigns.create(
            name="C", subject="S", sender=news, html_code="x", included_lists=["nobody"]
        )
    assert raised.value.field == "included_lists"
    with pytest.raises(sendx.InvalidRequestError, match="no tag named") as raised:
        client.campaigns.create(
            name="C", subject="S", sender=news, html_code="x", excluded_tags=["nope"]
        )
    assert raised.value.field == "excluded_tags"
    assert list(client.campaigns.list()) == []
    for call in (client.campaigns.get, client.campaigns.delete, client.reports.campaign):
        with pytest.raises(sendx.InvalidRequestError, match="no campaign named 'C'"):
            call("C")


def test_a_name_made_elsewhere_is_found(client: Any, emulator: Any, key: str, news: str) -> None:
    """A campaign the client has not seen: its name makes it list the campaigns again."""
    made = draft(emulator, key, "Made elsewhere", news)
    assert client.campaigns.get("Made elsewhere").id == made["id"]


def test_a_remembered_name_made_again_elsewhere_is_looked_up_again(
    client: Any, emulator: Any, key: str, news: str
) -> None:
    """The client remembers "Weekly"; another deletes it and makes another "Weekly":
    get, the report and delete by name reach the new one (a 404, then the name looked
    up again), and a delete forgets the name."""
    first = client.campaigns.create(name="Weekly", subject="S", sender=news, html_code="x")
    raw(emulator, key, "DELETE", f"/campaign/{first.id}")
    again = draft(emulator, key, "Weekly", news)
    assert client.campaigns.get("Weekly").id == again["id"]
    assert client.reports.campaign("Weekly").campaign_id == again["id"]
    assert client.campaigns.delete("Weekly").status == "success"
    with pytest.raises(sendx.InvalidRequestError, match="no campaign named 'Weekly'"):
        client.campaigns.get("Weekly")


def test_paging_over_several_pages(client: Any, emulator: Any, key: str, news: str) -> None:
    """Every campaign, oldest first, in pages of 100, lazily; one page on request; the
    type filter pages too."""
    made = [draft(emulator, key, f"c{index:03}", news)["id"] for index in range(205)]
    scheduled = draft(emulator, key, "scheduled", news, scheduleCondition="2030-01-01")["id"]
    assert [campaign.id for campaign in client.campaigns.list()] == [*made, scheduled]
    drafts = client.campaigns.list(campaign_type="draft")
    assert [campaign.id for campaign in drafts] == made
    assert [campaign.id for campaign in drafts.page(200, 10)] == made[200:]
    assert [c.id for c in client.campaigns.list(campaign_type="scheduled")] == [scheduled]


def test_a_taken_name_is_permission_denied(client: Any, news: str) -> None:
    client.campaigns.create(name="Dup", subject="S", sender=news, html_code="x")
    with pytest.raises(sendx.PermissionDeniedError, match="already exists"):
        client.campaigns.create(name="Dup", subject="S", sender=news, html_code="x")


@pytest.mark.parametrize(
    "changes",
    [{"sender": "sender_" + ID}, {"included_segments": ["segment_" + ID]}],
    ids=["unknown sender", "segment"],
)
def test_what_sendx_refuses_is_a_bad_request(
    client: Any, news: str, changes: dict[str, Any]
) -> None:
    arguments = {"name": "C", "subject": "S", "sender": news, "html_code": "x", **changes}
    with pytest.raises(sendx.BadRequestError):
        client.campaigns.create(**arguments)


GOOD: dict[str, Any] = {"name": "C", "subject": "S", "sender": "sender_" + ID, "html_code": "x"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "must not be empty"),
        ({"name": "n" * 256}, "name", "longer than 255"),
        ({"subject": None}, "subject", "required"),
        ({"sender": "news@x.io"}, "sender", "must be an id"),
        ({"html_code": None}, "html_code", "required"),
        ({"html_code": 1}, "html_code", "must be a string"),
        ({"plain_text": 1}, "plain_text", "must be a string"),
        ({"schedule_type": 2}, "schedule_type", "0 .* or 1"),
        ({"schedule_type": True}, "schedule_type", "0 .* or 1"),
        ({"schedule_condition": datetime.datetime(2030, 1, 1)}, "schedule_condition", "aware"),
        ({"schedule_condition": 20300101}, "schedule_condition", "a date"),
        ({"smart_send": "yes"}, "smart_send", "True or False"),
        ({"send_in_contacts_timezone": 1}, "send_in_contacts_timezone", "True or False"),
        ({"included_segments": "segment_" + ID}, "included_segments", "must be a list"),
        ({"excluded_segments": ["vip"]}, "excluded_segments[0]", "must be an id"),
        ({"included_lists": "customers"}, "included_lists", "must be a list"),
        ({"excluded_tags": [""]}, "excluded_tags[0]", "name or an id"),
        ({"timezone": 5}, "timezone", "must be a string"),
    ],
)
def test_bad_arguments_raise_before_any_io(
    client: Any, changes: dict[str, Any], field: str, words: str
) -> None:
    """Checked before any lookup or request: the sender named here is no sender of the
    team, and nothing is sent to find that out."""
    with pytest.raises(sendx.InvalidRequestError, match=words) as raised:
        client.campaigns.create(**{**GOOD, **changes})
    assert raised.value.field == field


@pytest.mark.parametrize("value", ["", None, 3, "n" * 256])
def test_a_bad_campaign_reference_raises_before_any_io(client: Any, value: Any) -> None:
    for call in (client.campaigns.get, client.campaigns.delete, client.reports.campaign):
        with pytest.raises(sendx.InvalidRequestError) as raised:
            call(value)
        assert raised.value.field == "campaign_id"


def test_a_bad_campaign_type_raises_before_any_io(client: Any) -> None:
    with pytest.raises(sendx.InvalidRequestError, match="all, draft, scheduled, sent"):
        client.campaigns.list(campaign_type="archived")


# -- the wire -----------------------------------------------------------------------

#: SendX's own example of a campaign, with its oddities: smartSend as a string, no
#: created time, an unknown key.
SENDX_CAMPAIGN = {
    "id": "campaign_" + ID,
    "name": "Summer Sale 2024",
    "subject": "Summer",
    "sender": "sender_" + ID,
    "status": "6",
    "scheduleType": 0,
    "scheduleCondition": "2024-12-30",
    "smartSend": "America/New_York",
    "includedLists": ["list_" + ID],
    "excludedSegments": [],
    "strategy": "Batch Sending",
    "campaignScreenshotUrl": "https://cdn.sendx.io/c.png",
    "updated": "2000-01-23T04:56:07.000+00:00",
    "trackReply": True,
}


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_campaign_paths_and_bodies_byte_for_byte(kind: str, key: str) -> None:
    """Spec names, ids with their prefix, nothing unset; lists and tags given as ids
    need no lookup; SendX's answer read leniently."""
    with RecordingServer(default=Reply.json(SENDX_CAMPAIGN)) as server:

        class Server:
            base_url = f"http://127.0.0.1:{server.port}/api/v1"

        client = make_client(kind, Server, key)
        try:
            made = client.campaigns.create(
                name="C",
                subject="S",
                sender=ID,
                html_code="<p>x</p>",
                schedule_type=1,
                included_lists=["list_" + ID],
                excluded_segments=[ID],
                smart_send=False,
            )
            client.campaigns.get("campaign_" + ID)
            server.default = Reply.json({"status": "success", "message": "deleted"})
            client.campaigns.delete("campaign_" + ID)
            server.default = Reply.json([])
            client.campaigns.list(campaign_type="sent").page(5, 7)
        finally:
            close_client(client)
    create, get, delete, page = server.requests
    assert create.request_line == "POST /api/v1/rest/campaign HTTP/1.1"
    assert create.body == (
        b'{"name":"C","subject":"S","sender":"sender_' + ID.encode() + b'",'
        b'"htmlCode":"<p>x</p>","scheduleType":1,"smartSend":false,'
        b'"includedLists":["list_' + ID.encode() + b'"],'
        b'"excludedSegments":["segment_' + ID.encode() + b'"]}'
    )
    assert get.request_line == f"GET /api/v1/rest/campaign/campaign_{ID} HTTP/1.1"
    assert delete.request_line == f"DELETE /api/v1/rest/campaign/campaign_{ID} HTTP/1.1"
    assert (
        page.request_line == "GET /api/v1/rest/campaign?offset=5&limit=7&campaignType=sent HTTP/1.1"
    )
    assert made == Campaign(
        id="campaign_" + ID,
        name="Summer Sale 2024",
        subject="Summer",
        sender="sender_" + ID,
        status=6,
        schedule_condition="2024-12-30",
        strategy="Batch Sending",
        included_lists=["list_" + ID],
        campaign_screenshot_url="https://cdn.sendx.io/c.png",
        updated=datetime.datetime(2000, 1, 23, 4, 56, 7, tzinfo=datetime.timezone.utc),
    )


# -- errors and retries -------------------------------------------------------------


@pytest.mark.parametrize(("status", "error"), STATUS_ERRORS)
@pytest.mark.parametrize("operation", ["create", "get", "delete", "list"])
def test_every_error_status_raises_its_class(
    kind: str,
    emulator: Any,
    key: str,
    control: ControlPlane,
    status: int,
    error: type[Exception],
    operation: str,
) -> None:
    calls = {
        "create": lambda client: client.campaigns.create(**GOOD),
        "get": lambda client: client.campaigns.get("campaign_" + ID),
        "delete": lambda client: client.campaigns.delete("campaign_" + ID),
        "list": lambda client: list(client.campaigns.list()),
    }
    check_status(status, error, kind, emulator, key, control, "/campaign", calls[operation])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=SCENARIO_IDS)
def test_a_create_is_retried_only_where_sendx_surely_did_not_get_it(
    kind: str, emulator: Any, key: str, control: ControlPlane, scenario: Scenario
) -> None:
    """A campaign sent now is never made, nor sent, twice."""
    news = sender(emulator, key)
    vip = tag(emulator, key, "vip")
    raw(emulator, key, "POST", "/contact", {"email": "ann@x.io", "tags": [vip]})

    def create(client: Any) -> None:
        client.campaigns.create(
            name="Now",
            subject="S",
            sender=news,
            html_code="x",
            schedule_type=1,
            included_tags=[vip],  # an id: no lookup, one request
        )

    def made() -> int:
        campaigns = raw(emulator, key, "GET", "/campaign")
        assert len(control.messages()) == len(campaigns)  # one contact in the audience
        return len(campaigns)

    check_rule(scenario, kind, emulator, key, control, "/campaign", create, made)


def test_reads_and_deletes_are_retried_on_a_500(
    kind: str, emulator: Any, key: str, control: ControlPlane, news: str
) -> None:
    """Unlike a create, a get or a delete is safe to repeat."""
    made = draft(emulator, key, "C", news)
    control.set_faults([{"path": "/api/v1/rest/campaign", "status": 500, "times": 2}])
    client = make_client(kind, emulator, key)
    try:
        assert client.campaigns.get(made["id"]).name == "C"
        control.set_faults([{"path": "/api/v1/rest/campaign", "status": 500, "times": 1}])
        assert client.campaigns.delete(made["id"]).status == "success"
    finally:
        close_client(client)
    assert control.faults() == []


def test_a_create_that_cannot_connect_is_retried(kind: str, key: str) -> None:
    check_refused(kind, key, lambda client: client.campaigns.create(**GOOD))


def test_sync_and_async_campaigns_match() -> None:
    for name in ("create", "get", "delete", "list"):
        sync, async_ = getattr(Campaigns, name), getattr(AsyncCampaigns, name)
        assert inspect.signature(sync).parameters == inspect.signature(async_).parameters
        assert inspect.iscoroutinefunction(async_) is (name != "list")
        assert not inspect.iscoroutinefunction(sync)
