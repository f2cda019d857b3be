"""The component schemas of the emulator's OpenAPI document (see ``openapi.py``).

The patterns and bounds are the ones the emulator's checks use, imported from where
those checks live, so the document cannot drift from the code; the two restated here
or in ``openapi_email.py`` (a real date, an address) are checked against their checks
by ``tests/emulator/test_openapi_rules.py``.
"""

from __future__ import annotations

from typing import Any

from sendx.emulator.control.openapi_email import email_schema
from sendx.emulator.control.openapi_messages import MESSAGE_SCHEMAS
from sendx.emulator.delivery.automations import EVENT_TYPES, NAME_PATTERN, WEBHOOK_PATTERN
from sendx.emulator.http.faults import MAX_LATENCY_MS, MAX_RETRY_AFTER, METHOD_PATTERN

__all__ = ["DATE_PATTERN", "SCHEMAS", "ref"]

# A real date, YYYY-MM-DD from 0001-01-01 to 9999-12-31, leap years included: what
# check_birthday accepts (datetime.date.fromisoformat).
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DAY_OF_MONTH = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DATE_PATTERN = f"^(?:{_YEAR}-{_DAY_OF_MONTH}|{_LEAP_YEAR}-02-29)(?![\\s\\S])"


def ref(name: str) -> dict[str, str]:
    """A reference to the component schema ``name``."""
    return {"$ref": f"#/components/schemas/{name}"}


def _or_null(kind: str) -> list[str]:
    return [kind, "null"]


def _nullable_string(**extra: Any) -> dict[str, Any]:
    return {"type": _or_null("string"), **extra}


def _names() -> dict[str, Any]:
    return {
        "type": _or_null("array"),
        "items": {"type": "string", "minLength": 1, "pattern": NAME_PATTERN},
    }


def _any_of_keys(*keys: str) -> dict[str, Any]:
    return {"anyOf": [{"required": [key]} for key in keys]}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": {"type": "string", "description": "The HTTP status, as a string."},
            "message": {"type": "string"},
        },
    },
    "ContactRequest": {
        "type": "object",
        "required": ["email"],
        "description": "Unknown keys are ignored; null means absent.",
        "properties": {
            "email": email_schema(),
            "firstName": _nullable_string(),
            "lastName": _nullable_string(),
            "newEmail": email_schema(type=_or_null("string")),
            "company": _nullable_string(),
            "birthday": _nullable_string(
                pattern=DATE_PATTERN, description="A real YYYY-MM-DD date."
            ),
            "tags": _names(),
            "customFields": {
                "type": _or_null("object"),
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": {"type": "string"},
                "description": "Name to value; ++N / --N add to / subtract from number fields.",
            },
        },
    },
    "TrackRequest": {
        "type": "object",
        "properties": {"addTags": _names(), "removeTags": _names()},
    },
    "Contact": {
        "type": "object",
        "required": [
            "encryptedTeamId",
            "encryptedId",
            "tags",
            "firstName",
            "lastName",
            "email",
            "company",
            "birthday",
            "customFields",
        ],
        "properties": {
            "encryptedTeamId": {"type": "string", "pattern": "^[A-Za-z0-9]{22}$"},
            "encryptedId": {"type": "string", "pattern": "^[A-Za-z0-9]{22}$"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "firstName": _nullable_string(),
            "lastName": _nullable_string(),
            "email": {"type": "string"},
            "company": {"type": "string", "description": '"" when unset.'},
            "birthday": _nullable_string(),
            "customFields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "ContactResponse": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "string", "enum": ["200"]},
            "message": {"type": "string"},
            "data": ref("Contact"),
        },
    },
    "TrackResponse": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "string", "enum": ["200"]},
            "message": {"type": "string"},
            "data": {"type": "string", "enum": ["success"]},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "teams"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "teams": {"type": "integer", "minimum": 0},
        },
    },
    "ResetRequest": {
        "type": "object",
        "additionalProperties": False,
        "maxProperties": 0,
        "description": "Nothing: the team to reset is named by ?team_id=.",
    },
    "ResetResult": {
        "type": "object",
        "required": ["status", "reset"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "reset": {"type": "string", "description": '"all", or the team id.'},
        },
    },
    "ContactList": {
        "type": "object",
        "required": ["contacts"],
        "properties": {"contacts": {"type": "array", "items": ref("Contact")}},
    },
    "Event": {
        "type": "object",
        "required": ["id", "type", "email", "at"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "type": {
                "type": "string",
                "enum": [
                    "contact_created",
                    "contact_renamed",
                    "tag_added",
                    "tag_removed",
                    "field_changed",
                    "contact_deleted",
                    "contact_unsubscribed",
                    "message_opened",
                    "message_clicked",
                    "message_bounced",
                    "message_spam",
                    "message_dropped",
                    "revenue",
                    "custom_event",
                ],
            },
            "email": {"type": "string"},
            "previous_email": {"type": "string", "description": "contact_renamed only."},
            "tag": {"type": "string", "description": "tag_added and tag_removed only."},
            "field": {"type": "string", "description": "field_changed only."},
            "value": {"type": "string", "description": "field_changed only."},
            "message_id": {"type": "string", "description": "Engagement on a message."},
            "campaign_id": {"type": "string", "description": "Engagement, revenue."},
            "url": {"type": "string", "description": "message_clicked only."},
            "amount": {"type": "number", "description": "revenue: in currency units."},
            "cents": {"type": "integer", "description": "revenue: what the LTV gained."},
            "source": {"type": "string", "description": "revenue only."},
            "time": {"type": "integer", "description": "revenue, custom_event: as given."},
            "name": {"type": "string", "description": "custom_event only."},
            "data": {"type": "object", "description": "custom_event only."},
            "at": {"type": "string", "description": "ISO 8601 UTC time."},
        },
    },
    "EventList": {
        "type": "object",
        "required": ["events"],
        "properties": {"events": {"type": "array", "items": ref("Event")}},
    },
    "Attempt": {
        "type": "object",
        "required": ["attempt", "at", "status", "error", "duration_ms"],
        "properties": {
            "attempt": {"type": "integer", "minimum": 1},
            "at": {"type": "string"},
            "status": {"type": _or_null("integer")},
            "error": {"type": _or_null("string")},
            "duration_ms": {"type": "number", "minimum": 0},
            "response": {
                "type": _or_null("string"),
                "description": "The first 2 KiB of the receiver's answer, if any.",
            },
        },
    },
    "Delivery": {
        "type": "object",
        "description": "A delivery for a v1 rule (rule: its index) or a REST webhook (webhook_id).",
        "required": [
            "id",
            "event",
            "event_id",
            "team_id",
            "tag",
            "webhook",
            "state",
            "attempts",
        ],
        "properties": {
            "id": {"type": "string"},
            "rule": {"type": "integer", "minimum": 0},
            "webhook_id": {"type": "string", "pattern": "^webhook_[a-zA-Z0-9]{22}$"},
            "event": {"type": "string"},
            "event_id": {"type": "integer"},
            "team_id": {"type": "string"},
            "tag": {"type": _or_null("string")},
            "webhook": {"type": "string"},
            "state": {"type": "string", "enum": ["pending", "delivered", "failed"]},
            "attempts": {"type": "array", "items": ref("Attempt")},
            "request": {
                "type": "object",
                "description": "What each attempt sends.",
                "required": ["method", "url", "headers", "body"],
                "properties": {
                    "method": {"const": "POST"},
                    "url": {"type": "string"},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "body": {"type": "string"},
                },
            },
        },
    },
    "WebhookList": {
        "type": "object",
        "required": ["webhooks"],
        "properties": {
            "webhooks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "url", "secret"],
                    "properties": {
                        "id": {"type": "string"},
                        "url": {"type": "string"},
                        "secret": {"type": "string"},
                    },
                },
            }
        },
    },
    "DeliveryList": {
        "type": "object",
        "required": ["deliveries"],
        "properties": {"deliveries": {"type": "array", "items": ref("Delivery")}},
    },
    "Rule": {
        "type": "object",
        "additionalProperties": False,
        "required": ["on", "webhook", "secret"],
        "properties": {
            "on": {"type": "string", "enum": list(EVENT_TYPES)},
            "tag": {"type": "string", "minLength": 1, "pattern": NAME_PATTERN},
            "webhook": {"type": "string", "pattern": WEBHOOK_PATTERN},
            "secret": {"type": "string", "minLength": 1},
        },
        "oneOf": [
            {
                "properties": {"on": {"enum": ["tag_added", "tag_removed"]}},
                "required": ["tag"],
            },
            {"properties": {"on": {"enum": ["contact_created"]}}, "not": {"required": ["tag"]}},
        ],
    },
    "Rules": {
        "type": "object",
        "additionalProperties": False,
        "required": ["rules"],
        "properties": {"rules": {"type": "array", "items": ref("Rule")}},
    },
    "Fault": {
        "type": "object",
        "additionalProperties": False,
        "description": "Exactly one effect: status (with optional retry_after), "
        "latency_ms, or drop.",
        "properties": {
            "method": {"type": "string", "pattern": METHOD_PATTERN},
            "path": {"type": "string", "pattern": "^/"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "retry_after": {"type": "number", "minimum": 0, "maximum": MAX_RETRY_AFTER},
            "latency_ms": {"type": "number", "minimum": 0, "maximum": MAX_LATENCY_MS},
            "drop": {"type": "string", "enum": ["before", "after"]},
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
            "times": {"type": "integer", "minimum": 1, "description": "Left to apply."},
        },
        "oneOf": [
            {"required": ["status"], "not": _any_of_keys("latency_ms", "drop")},
            {"required": ["latency_ms"], "not": _any_of_keys("status", "drop", "retry_after")},
            {"required": ["drop"], "not": _any_of_keys("status", "latency_ms", "retry_after")},
        ],
    },
    "Faults": {
        "type": "object",
        "additionalProperties": False,
        "required": ["faults"],
        "properties": {"faults": {"type": "array", "items": ref("Fault")}},
    },
    **MESSAGE_SCHEMAS,
}
