"""Campaigns: ``/campaign`` (create, list) and ``/campaign/{identifier}`` (get, delete).

A campaign names its sender (one of the team's senders), its audience (included and
excluded lists and tags) and its schedule. Its ``status`` is SendX's: 0 draft, 1
scheduled, 3 sent; ``campaignType`` filters the list by it (``draft``, ``scheduled``,
``sent``, ``all``).

Sending captures one message per contact of the audience, never sent
(:mod:`sendx.emulator.rest.mail`): the contacts on an included list or with an
included tag, less those on an excluded list or with an excluded tag, less the
unsubscribed, bounced and spam ones. Its report is :mod:`.reports`.

Choices where SendX's spec is silent (docs/emulator.md says them too):

- ``scheduleType`` 1 sends at once (status 3, ``scheduleCondition`` the time sent
  unless given); otherwise a ``scheduleCondition`` (a date, or a date and time)
  schedules it (status 1) and none leaves a draft (status 0). The emulator has no
  clock: a scheduled campaign stays scheduled until
  ``POST /_emulator/campaigns/{id}/send`` sends it;
- an unknown sender, list or tag id is a 400 naming it; the emulator has no
  segments, so any segment id is a 400;
- campaigns are not updated (SendX's API has no such operation); a deleted campaign's
  messages stay, its report is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from sendx.emulator.rest.collection import Collection
from sendx.emulator.rest.errors import RestError
from sendx.emulator.rest.ids import body_id
from sendx.emulator.rest.mail import Recipient, capture, content
from sendx.emulator.rest.request import Reply, Request
from sendx.emulator.rest.routing import Param, Route
from sendx.emulator.rest.schema import (
    OFFSET,
    CampaignId,
    Deleted,
    ListId,
    Name,
    SenderId,
    TagId,
    Text,
    Timestamp,
    id_meta,
    limit,
)
from sendx.emulator.store.database import Store
from sendx.emulator.store.records import ContactRow, new_id

__all__ = ["CAMPAIGNS", "DRAFT", "ROUTES", "SCHEDULED", "SENT", "send_now", "sender_of"]

SEND_NOW = 1
DRAFT, SCHEDULED, SENT = 0, 1, 3
#: ``campaignType`` -> the status it lists (``None``: every campaign).
TYPES: dict[str, int | None] = {"all": None, "draft": DRAFT, "scheduled": SCHEDULED, "sent": SENT}
#: The contact flags that keep a contact out of every campaign.
SKIPPED = ("unsubscribed", "bounced", "spam")
_SEGMENT = r"^segment_[a-zA-Z0-9]{22}$"

SenderRef = Annotated[str, id_meta("sender_", optional=True)]
ListRef = Annotated[str, id_meta("list_", optional=True)]
TagRef = Annotated[str, id_meta("tag_", optional=True)]
SegmentRef = Annotated[str, msgspec.Meta(extra_json_schema={"pattern": _SEGMENT})]
When = Annotated[str, msgspec.Meta(max_length=64, extra_json_schema={"format": "date-time"})]


class CampaignBody(msgspec.Struct, rename="camel"):
    """A campaign to create (SendX's ``RestECampaign``)."""

    name: Name
    subject: Text
    sender: SenderRef
    html_code: str
    preview_text: Text | UnsetType = UNSET
    plain_text: str | UnsetType = UNSET
    schedule_type: Literal[0, 1] | UnsetType = UNSET
    schedule_condition: When | UnsetType = UNSET
    time_condition: Text | UnsetType = UNSET
    timezone: Text | UnsetType = UNSET
    preferred_timezone: Text | UnsetType = UNSET
    preferred_time_condition: Text | UnsetType = UNSET
    send_in_contacts_timezone: bool | UnsetType = UNSET
    smart_send: bool | UnsetType = UNSET
    included_segments: list[SegmentRef] | UnsetType = UNSET
    excluded_segments: list[SegmentRef] | UnsetType = UNSET
    included_lists: list[ListRef] | UnsetType = UNSET
    excluded_lists: list[ListRef] | UnsetType = UNSET
    included_tags: list[TagRef] | UnsetType = UNSET
    excluded_tags: list[TagRef] | UnsetType = UNSET


class CampaignOut(msgspec.Struct, rename="camel", kw_only=True):
    """A campaign (SendX's ``RestRCampaign``)."""

    id: CampaignId
    name: str
    subject: str
    sender: SenderId
    html_content: str
    status: Literal[0, 1, 3]
    schedule_type: Literal[0, 1]
    schedule_condition: str
    smart_send: bool
    send_in_contacts_timezone: bool
    is_archived: bool
    included_lists: list[ListId]
    excluded_lists: list[ListId]
    included_tags: list[TagId]
    excluded_tags: list[TagId]
    included_segments: list[str]
    excluded_segments: list[str]
    created: Timestamp
    updated: Timestamp
    preheader: str | UnsetType = UNSET
    text_content: str | UnsetType = UNSET
    time_condition: str | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    preferred_time_condition: str | UnsetType = UNSET
    preferred_timezone: str | UnsetType = UNSET


# Checks


def _refs(request: Request, given: list[str] | UnsetType, kind: str, where: str) -> list[str]:
    """Canonical ids of the team's lists or tags, duplicates dropped; 400 for an id
    that is none, or names nothing the team has."""
    found: list[str] = []
    for index, text in enumerate(given or ()):
        ref = body_id(text, kind + "_", f"{where}[{index}]")
        if request.objects.get(request.team.pk, kind, ref) is None:
            raise RestError(400, f"{where}[{index}]: the team has no {kind} {ref}")
        if ref not in found:
            found.append(ref)
    return found


def _no_segments(given: list[str] | UnsetType, where: str) -> list[str]:
    if given:
        raise RestError(400, f"{where}[0]: the emulator has no segments (got {given[0][:60]!r})")
    return []


def _condition(text: str) -> str:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RestError(
            400,
            "scheduleCondition must be a date (2024-03-20) or a date and time "
            f"(2024-03-20T09:00:00Z) (got {text[:40]!r})",
        ) from None
    return text


# Sending


def sender_of(store: Store, team: int, campaign: dict[str, Any]) -> dict[str, Any] | None:
    """The campaign's sender as a ``from`` address, or ``None`` if it is gone."""
    sender = store.objects.get(team, "sender", campaign["sender"])
    if sender is None:
        return None
    return {"email": sender["email"], "name": sender.get("name")}


def audience(store: Store, team: int, campaign: dict[str, Any]) -> list[ContactRow]:
    """The contacts a campaign goes to, oldest first (reads every contact: commit the
    waiting group first)."""
    objects = store.objects

    def tag_names(ids: Sequence[str]) -> set[str]:
        return {tag["name"] for i in ids if (tag := objects.get(team, "tag", i)) is not None}

    included_lists = set(campaign["includedLists"])
    excluded_lists = set(campaign["excludedLists"])
    included_tags = tag_names(campaign["includedTags"])
    excluded_tags = tag_names(campaign["excludedTags"])
    chosen = []
    for contact in store.contacts(team):
        extra = contact.extra or {}
        if any(extra.get(flag, False) for flag in SKIPPED):
            continue
        lists = set(extra.get("lists", ()))
        tags = set(contact.tags)
        if not (lists & included_lists or tags & included_tags):
            continue
        if lists & excluded_lists or tags & excluded_tags:
            continue
        chosen.append(contact)
    return chosen


def send_now(
    store: Store, team: int, campaign: dict[str, Any], sender: dict[str, Any], at: str
) -> tuple[dict[str, Any], int]:
    """Stage the messages of a campaign sent now, and the campaign as sent; the
    campaign, and how many messages. Every contact is read: the caller commits the
    waiting group first."""
    recipients = []
    for contact in audience(store, team, campaign):
        name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
        recipients.append(Recipient(contact.email, name or None, contact=contact))
    shared = content(
        sender=sender,
        subject=campaign["subject"],
        html=campaign["htmlContent"],
        text=campaign.get("textContent"),
        preheader=campaign.get("preheader"),
    )
    capture(store, team, shared, recipients, campaign=campaign["id"], at=at)
    sent = {**campaign, "status": SENT, "updated": at}
    if not sent["scheduleCondition"]:  # sent now, without a date: the time it was sent
        sent["scheduleCondition"] = at
    store.objects.put(team, "campaign", sent)
    return sent, len(recipients)


# The operations


def _wire(request: Request, obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if not key.startswith("_")}


CAMPAIGNS = Collection(
    kind="campaign",
    path="/campaign",
    prefix="campaign_",
    operations="Campaign",
    create=CampaignBody,
    answer=CampaignOut,
    wire=_wire,
)


def list_campaigns(request: Request) -> Reply:
    page = request.page(10, 100)
    kind = request.query.get("campaignType", "all")
    if kind not in TYPES:
        raise RestError(400, f"campaignType must be one of {', '.join(TYPES)} (got {kind[:20]!r})")
    status = TYPES[kind]
    campaigns = request.objects.all(request.team.pk, "campaign")
    if status is not None:
        campaigns = [campaign for campaign in campaigns if campaign["status"] == status]
    return Reply(200, [_wire(request, campaign) for campaign in page.slice(campaigns)])


def create_campaign(request: Request) -> Reply:
    body = request.json(CampaignBody)
    team = request.team.pk
    store = request.store
    sender_id = body_id(body.sender, "sender_", "sender")
    if store.objects.get(team, "sender", sender_id) is None:
        raise RestError(400, f"sender: the team has no sender {sender_id}")
    obj: dict[str, Any] = {
        "id": "campaign_" + new_id(),
        "name": body.name,
        "subject": body.subject,
        "sender": sender_id,
        "htmlContent": body.html_code,
        "includedLists": _refs(request, body.included_lists, "list", "includedLists"),
        "excludedLists": _refs(request, body.excluded_lists, "list", "excludedLists"),
        "includedTags": _refs(request, body.included_tags, "tag", "includedTags"),
        "excludedTags": _refs(request, body.excluded_tags, "tag", "excludedTags"),
        "includedSegments": _no_segments(body.included_segments, "includedSegments"),
        "excludedSegments": _no_segments(body.excluded_segments, "excludedSegments"),
        "smartSend": body.smart_send is True,
        "sendInContactsTimezone": body.send_in_contacts_timezone is True,
        "isArchived": False,
    }
    for key, value in (
        ("preheader", body.preview_text),
        ("textContent", body.plain_text),
        ("timeCondition", body.time_condition),
        ("timezone", body.timezone),
        ("preferredTimeCondition", body.preferred_time_condition),
        ("preferredTimezone", body.preferred_timezone),
    ):
        if value is not UNSET:
            obj[key] = value
    condition = UNSET if body.schedule_condition is UNSET else _condition(body.schedule_condition)
    send = body.schedule_type == SEND_NOW
    obj["scheduleType"] = SEND_NOW if send else 0
    obj["scheduleCondition"] = "" if condition is UNSET else condition
    obj["status"] = DRAFT if condition is UNSET else SCHEDULED
    if store.objects.find(team, "campaign", body.name) is not None:
        raise RestError(403, CAMPAIGNS.taken_message)
    obj["created"] = obj["updated"] = request.at
    if send:
        sender = sender_of(store, team, obj)
        assert sender is not None  # checked above
        request.flush()  # the audience is read from every committed contact
        obj, _ = send_now(store, team, obj, sender, request.at)
    else:
        store.objects.put(team, "campaign", obj)
    return Reply(201, _wire(request, obj))


_BY_ID = (("identifier", "$response.body#/id"),)
CAMPAIGN_TYPE = Param(
    "campaignType",
    {"type": "string", "enum": list(TYPES), "default": "all"},
    "Only the drafts, the scheduled or the sent campaigns.",
)
ROUTES = [
    Route(
        "GET",
        "/campaign",
        list_campaigns,
        "getAllCampaigns",
        answer=list[CampaignOut],
        query=(OFFSET, limit(10, 100), CAMPAIGN_TYPE),
        errors=(400, 401),
    ),
    Route(
        "POST",
        "/campaign",
        create_campaign,
        "createCampaign",
        summary="Create a campaign; scheduleType 1 captures its messages at once.",
        body=CampaignBody,
        answer=CampaignOut,
        status=201,
        errors=(400, 401, 403, 422),
        links=(
            ("getCampaign", "getCampaign", _BY_ID),
            ("deleteCampaign", "deleteCampaign", _BY_ID),
            ("getCampaignReport", "getCampaignReport", _BY_ID),
        ),
    ),
    Route(
        "GET",
        "/campaign/{identifier}",
        CAMPAIGNS.get,
        "getCampaign",
        answer=CampaignOut,
        errors=(400, 401, 404),
    ),
    Route(
        "DELETE",
        "/campaign/{identifier}",
        CAMPAIGNS.delete,
        "deleteCampaign",
        answer=Deleted,
        errors=(400, 401, 404),
    ),
]
