"""The models of SendX's REST API, for annotations in your code::

    from sendx.types import ContactRecord, Tag

    def tag_names(tags: list[Tag]) -> list[str]: ...

Every model is a frozen msgspec Struct, answered by the client's REST methods
(``client.tags.get(...)`` returns a :class:`Tag`); ``Pager`` and ``AsyncPager`` are
what ``list()`` returns. Importing this module is cheap: each name loads its module
at first access, as ``sendx`` does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendx._paging import AsyncPager, Pager
    from sendx.resources._rest import Deleted, Message
    from sendx.resources.campaigns import Campaign
    from sendx.resources.custom_fields import CustomField, FieldType
    from sendx.resources.emails import EmailResult
    from sendx.resources.lists import ContactList
    from sendx.resources.members import Member
    from sendx.resources.post_categories import PostCategory
    from sendx.resources.post_tags import PostTag
    from sendx.resources.posts import Post
    from sendx.resources.reports import CampaignReport, LinkStat
    from sendx.resources.rest_contacts import ContactRecord
    from sendx.resources.senders import Sender
    from sendx.resources.tags import Tag
    from sendx.resources.templates import Template
    from sendx.resources.webhooks import Webhook

__all__ = [
    "AsyncPager",
    "Campaign",
    "CampaignReport",
    "ContactList",
    "ContactRecord",
    "CustomField",
    "Deleted",
    "EmailResult",
    "FieldType",
    "LinkStat",
    "Member",
    "Message",
    "Pager",
    "Post",
    "PostCategory",
    "PostTag",
    "Sender",
    "Tag",
    "Template",
    "Webhook",
]

# Where each name lives.
_LAZY: dict[str, str] = {
    "Pager": "sendx._paging",
    "AsyncPager": "sendx._paging",
    "Deleted": "sendx.resources._rest",
    "Message": "sendx.resources._rest",
    "ContactRecord": "sendx.resources.rest_contacts",
    "ContactList": "sendx.resources.lists",
    "Tag": "sendx.resources.tags",
    "CustomField": "sendx.resources.custom_fields",
    "FieldType": "sendx.resources.custom_fields",
    "Template": "sendx.resources.templates",
    "Webhook": "sendx.resources.webhooks",
    "Post": "sendx.resources.posts",
    "PostCategory": "sendx.resources.post_categories",
    "PostTag": "sendx.resources.post_tags",
    "Sender": "sendx.resources.senders",
    "Member": "sendx.resources.members",
    "EmailResult": "sendx.resources.emails",
    "Campaign": "sendx.resources.campaigns",
    "CampaignReport": "sendx.resources.reports",
    "LinkStat": "sendx.resources.reports",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sendx.types' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
