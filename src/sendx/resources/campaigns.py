"""Campaigns: ``client.campaigns`` (``/campaign``): create, get, delete and list them.

SendX's API has no update of a campaign. A campaign is named by its id
(``campaign_...``) or by its name, which the client looks up; lists and tags of its
audience by id or name too (:mod:`sendx.resources._names`). Its ``sender`` is a
sender's id (``client.senders.list()`` gives them).
"""

from __future__ import annotations

import datetime
from collections.abc import Generator, Iterable
from typing import Any, ClassVar, Literal

import msgspec

from sendx._core import Call
from sendx._paging import AsyncPager, Pager
from sendx.errors import InvalidRequestError
from sendx.resources._family import AsyncFamily, Family, check_bool
from sendx.resources._names import Lookup, check_names, drive, drive_async
from sendx.resources._rest import (
    MAX_PAGE,
    Deleted,
    TimeoutArg,
    body,
    check_id,
    check_text,
    decoder,
    ids_of,
    rest_call,
)

__all__ = [
    "CAMPAIGN_TYPES",
    "AsyncCampaigns",
    "Campaign",
    "CampaignType",
    "Campaigns",
    "ScheduleCondition",
    "create_plan",
]

#: Which campaigns ``list(campaign_type=...)`` gives: every one, or those whose
#: ``status`` is draft (0), scheduled (1) or sent (3).
CampaignType = Literal["all", "draft", "scheduled", "sent"]
CAMPAIGN_TYPES = ("all", "draft", "scheduled", "sent")
#: When a scheduled campaign goes out: a date, an aware datetime, or SendX's text.
ScheduleCondition = datetime.date | datetime.datetime | str


class Campaign(msgspec.Struct, frozen=True, rename="camel", repr_omit_defaults=True):
    """A campaign as SendX answers it.

    ``status`` is 0 draft, 1 scheduled, 2 sending, 3 sent, 4 quarantined, 5 evaluating,
    6 evaluation failed, 7 warming up (other values are kept as SendX sends them);
    ``schedule_type`` 0 scheduled, 1 sent at once. ``sender`` is the sender's id, the
    audience lists of list, tag and segment ids; ``html_content`` and
    ``text_content`` are the bodies, ``preheader`` the preview text."""

    id: str
    name: str = ""
    subject: str = ""
    preheader: str | None = None
    sender: str = ""
    html_content: str | None = None
    text_content: str | None = None
    status: int = 0
    schedule_type: int = 0
    schedule_condition: str | None = None
    time_condition: str | None = None
    timezone: str | None = None
    smart_send: bool = False
    send_in_contacts_timezone: bool = False
    preferred_time_condition: str | None = None
    preferred_timezone: str | None = None
    strategy: str | None = None
    included_lists: list[str] = []
    excluded_lists: list[str] = []
    included_tags: list[str] = []
    excluded_tags: list[str] = []
    included_segments: list[str] = []
    excluded_segments: list[str] = []
    is_archived: bool = False
    campaign_screenshot_url: str | None = None
    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None


def _condition(value: Any) -> str | None:
    """``schedule_condition`` on the wire: a date as ``2030-03-20``, an aware datetime
    as ``2030-03-20T09:00:00Z``, a string as given."""
    if value is None or isinstance(value, str):
        return check_text(value, "schedule_condition")  # type: ignore[no-any-return]
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise InvalidRequestError(
                "schedule_condition must be an aware datetime (a naive one names no "
                "instant); pass tzinfo=datetime.timezone.utc, or a date",
                field="schedule_condition",
            )
        utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return utc.isoformat(timespec="seconds") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise InvalidRequestError(
        f"schedule_condition must be a date, an aware datetime or a string (got "
        f"{type(value).__name__})",
        field="schedule_condition",
    )


def _string(value: Any, field: str) -> str | None:
    """A body (HTML or text): a string of any length; ``None`` when absent."""
    if value is None or isinstance(value, str):
        return value
    raise InvalidRequestError(f"{field} must be a string (got {type(value).__name__})", field=field)


def _listed(values: Iterable[str] | None) -> list[str] | None:
    # Names and ids were checked by create_plan (check_names), and names looked up.
    return None if values is None else list(values)


def _schedule_type(value: Any) -> int | None:
    if value is None or (value in (0, 1) and not isinstance(value, bool)):
        return value
    raise InvalidRequestError(
        f"schedule_type must be 0 (scheduled, or a draft without schedule_condition) or 1 "
        f"(send now) (got {value!r})",
        field="schedule_type",
    )


def create_call(
    *,
    name: str,
    subject: str,
    sender: str,
    html_code: str,
    preview_text: str | None = None,
    plain_text: str | None = None,
    schedule_type: int | None = None,
    schedule_condition: ScheduleCondition | None = None,
    time_condition: str | None = None,
    timezone: str | None = None,
    preferred_timezone: str | None = None,
    preferred_time_condition: str | None = None,
    send_in_contacts_timezone: bool | None = None,
    smart_send: bool | None = None,
    included_segments: Iterable[str] | None = None,
    included_lists: Iterable[str] | None = None,
    included_tags: Iterable[str] | None = None,
    excluded_segments: Iterable[str] | None = None,
    excluded_lists: Iterable[str] | None = None,
    excluded_tags: Iterable[str] | None = None,
) -> Call[Campaign]:
    """``POST /campaign`` (list and tag names already resolved to ids by
    :func:`create_plan`); not idempotent: sent twice it would make two campaigns (or a
    403), and a campaign sent now would go out twice."""
    if html_code is None:
        raise InvalidRequestError("html_code is required (the campaign's HTML)", field="html_code")
    properties = {
        "name": check_text(name, "name", required=True),
        "subject": check_text(subject, "subject", required=True),
        "sender": check_id(sender, "sender_", "sender"),
        "htmlCode": _string(html_code, "html_code"),
        "previewText": check_text(preview_text, "preview_text"),
        "plainText": _string(plain_text, "plain_text"),
        "scheduleType": _schedule_type(schedule_type),
        "scheduleCondition": _condition(schedule_condition),
        "timeCondition": check_text(time_condition, "time_condition"),
        "timezone": check_text(timezone, "timezone"),
        "preferredTimezone": check_text(preferred_timezone, "preferred_timezone"),
        "preferredTimeCondition": check_text(preferred_time_condition, "preferred_time_condition"),
        "sendInContactsTimezone": check_bool(
            send_in_contacts_timezone, "send_in_contacts_timezone"
        ),
        "smartSend": check_bool(smart_send, "smart_send"),
        "includedSegments": ids_of(included_segments, "segment_", "included_segments"),
        "includedLists": _listed(included_lists),
        "includedTags": _listed(included_tags),
        "excludedSegments": ids_of(excluded_segments, "segment_", "excluded_segments"),
        "excludedLists": _listed(excluded_lists),
        "excludedTags": _listed(excluded_tags),
    }
    return rest_call(
        "POST", "/campaign", decoder(Campaign), payload=body(properties), idempotent=False
    )


#: The audience's arguments that take names: (argument, kind).
_NAMED = (
    ("included_lists", "list"),
    ("excluded_lists", "list"),
    ("included_tags", "tag"),
    ("excluded_tags", "tag"),
)


def create_plan(**arguments: Any) -> Generator[Lookup, list[str], Call[Campaign]]:
    """A create: every argument checked first (before any I/O), then the names of the
    audience's lists and tags looked up, then the call built."""
    for field, kind in _NAMED:
        arguments[field] = check_names(kind, arguments.get(field), field)
    create_call(**arguments)  # checks the rest
    for field, kind in _NAMED:
        if arguments[field]:
            arguments[field] = yield (kind, arguments[field], field)
    return create_call(**arguments)


def get_call(campaign: str) -> Call[Campaign]:
    return rest_call("GET", f"/campaign/{campaign}", decoder(Campaign))


def delete_call(campaign: str) -> Call[Deleted]:
    return rest_call("DELETE", f"/campaign/{campaign}", decoder(Deleted))


def page_call(campaign_type: str | None) -> Any:
    """The page maker of ``GET /campaign`` (``campaignType`` checked first)."""
    if campaign_type is not None and campaign_type not in CAMPAIGN_TYPES:
        raise InvalidRequestError(
            f"campaign_type must be one of {', '.join(CAMPAIGN_TYPES)} (got "
            f"{str(campaign_type)[:40]!r})",
            field="campaign_type",
        )
    decode = decoder(list[Campaign])

    def make(offset: int, limit: int) -> Call[list[Campaign]]:
        params: tuple[tuple[str, str], ...] = (("offset", str(offset)), ("limit", str(limit)))
        if campaign_type is not None:
            params += (("campaignType", campaign_type),)
        return rest_call("GET", "/campaign", decode, params=params)

    return make


class CampaignKind:
    """What names a campaign: its id (with its prefix) or its name."""

    _kind: ClassVar[str] = "campaign"
    _prefix: ClassVar[str] = "campaign_"
    _field: ClassVar[str] = "campaign_id"


class Campaigns(CampaignKind, Family):
    """``client.campaigns``: SendX's campaigns, blocking."""

    def create(
        self,
        *,
        name: str,
        subject: str,
        sender: str,
        html_code: str,
        preview_text: str | None = None,
        plain_text: str | None = None,
        schedule_type: Literal[0, 1] | None = None,
        schedule_condition: ScheduleCondition | None = None,
        time_condition: str | None = None,
        timezone: str | None = None,
        preferred_timezone: str | None = None,
        preferred_time_condition: str | None = None,
        send_in_contacts_timezone: bool | None = None,
        smart_send: bool | None = None,
        included_segments: Iterable[str] | None = None,
        included_lists: Iterable[str] | None = None,
        included_tags: Iterable[str] | None = None,
        excluded_segments: Iterable[str] | None = None,
        excluded_lists: Iterable[str] | None = None,
        excluded_tags: Iterable[str] | None = None,
        timeout: TimeoutArg = None,
    ) -> Campaign:
        """Create a campaign: ``schedule_type=1`` sends it at once; otherwise a
        ``schedule_condition`` schedules it, and none leaves a draft. ``sender`` is a
        sender's id; lists and tags take names or ids. A name the team has is a
        ``PermissionDeniedError`` (403). Not retried where SendX may have made it."""
        plan = create_plan(
            name=name,
            subject=subject,
            sender=sender,
            html_code=html_code,
            preview_text=preview_text,
            plain_text=plain_text,
            schedule_type=schedule_type,
            schedule_condition=schedule_condition,
            time_condition=time_condition,
            timezone=timezone,
            preferred_timezone=preferred_timezone,
            preferred_time_condition=preferred_time_condition,
            send_in_contacts_timezone=send_in_contacts_timezone,
            smart_send=smart_send,
            included_segments=included_segments,
            included_lists=included_lists,
            included_tags=included_tags,
            excluded_segments=excluded_segments,
            excluded_lists=excluded_lists,
            excluded_tags=excluded_tags,
        )
        created = self._send(drive(plan, self._shell, self._names), timeout)
        self._remember(created)
        return created

    def get(self, campaign_id: str, *, timeout: TimeoutArg = None) -> Campaign:
        """The campaign with this id (or name)."""
        return self._on(self._ref(campaign_id), get_call, self._limits(timeout))

    def delete(self, campaign_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a campaign (by id or name); its messages stay sent."""
        return self._delete(self._ref(campaign_id), delete_call, self._limits(timeout))

    def list(self, *, campaign_type: CampaignType | None = None) -> Pager[Campaign]:
        """Every campaign (``campaign_type``: only drafts, scheduled or sent ones),
        oldest first, fetched page by page as you iterate (``.page(offset, limit)``
        for one page)."""
        return Pager(self._shell, page_call(campaign_type), MAX_PAGE)


class AsyncCampaigns(CampaignKind, AsyncFamily):
    """``client.campaigns``: SendX's campaigns, for asyncio."""

    async def create(
        self,
        *,
        name: str,
        subject: str,
        sender: str,
        html_code: str,
        preview_text: str | None = None,
        plain_text: str | None = None,
        schedule_type: Literal[0, 1] | None = None,
        schedule_condition: ScheduleCondition | None = None,
        time_condition: str | None = None,
        timezone: str | None = None,
        preferred_timezone: str | None = None,
        preferred_time_condition: str | None = None,
        send_in_contacts_timezone: bool | None = None,
        smart_send: bool | None = None,
        included_segments: Iterable[str] | None = None,
        included_lists: Iterable[str] | None = None,
        included_tags: Iterable[str] | None = None,
        excluded_segments: Iterable[str] | None = None,
        excluded_lists: Iterable[str] | None = None,
        excluded_tags: Iterable[str] | None = None,
        timeout: TimeoutArg = None,
    ) -> Campaign:
        """Create a campaign (see :meth:`Campaigns.create`)."""
        plan = create_plan(
            name=name,
            subject=subject,
            sender=sender,
            html_code=html_code,
            preview_text=preview_text,
            plain_text=plain_text,
            schedule_type=schedule_type,
            schedule_condition=schedule_condition,
            time_condition=time_condition,
            timezone=timezone,
            preferred_timezone=preferred_timezone,
            preferred_time_condition=preferred_time_condition,
            send_in_contacts_timezone=send_in_contacts_timezone,
            smart_send=smart_send,
            included_segments=included_segments,
            included_lists=included_lists,
            included_tags=included_tags,
            excluded_segments=excluded_segments,
            excluded_lists=excluded_lists,
            excluded_tags=excluded_tags,
        )
        created = await self._send(await drive_async(plan, self._shell, self._names), timeout)
        self._remember(created)
        return created

    async def get(self, campaign_id: str, *, timeout: TimeoutArg = None) -> Campaign:
        """The campaign with this id (or name)."""
        return await self._on(self._ref(campaign_id), get_call, self._limits(timeout))

    async def delete(self, campaign_id: str, *, timeout: TimeoutArg = None) -> Deleted:
        """Delete a campaign (by id or name); its messages stay sent."""
        return await self._delete(self._ref(campaign_id), delete_call, self._limits(timeout))

    def list(self, *, campaign_type: CampaignType | None = None) -> AsyncPager[Campaign]:
        """Every campaign (``campaign_type``: only drafts, scheduled or sent ones),
        fetched page by page as ``async for`` goes (``await .page(offset, limit)`` for
        one page)."""
        return AsyncPager(self._shell, page_call(campaign_type), MAX_PAGE)
