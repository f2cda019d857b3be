"""The control plane's captured-mail routes in the OpenAPI document
(:mod:`sendx.emulator.control.messages`): their paths and their schemas."""

from __future__ import annotations

from typing import Any

from sendx.emulator.control.messages import MAX_LIMIT, MAX_URL
from sendx.emulator.rest.engagement import KINDS

__all__ = ["MESSAGE_SCHEMAS", "message_paths"]

_JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _answer(description, "Error")


def _param(where: str, name: str, description: str, required: bool, **schema: Any) -> Any:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


_ADDRESS = {
    "type": "object",
    "required": ["email", "name"],
    "properties": {"email": {"type": "string"}, "name": {"type": ["string", "null"]}},
}
_TEXT = {"type": ["string", "null"]}
_ID = {"type": "string", "pattern": "^message_[a-zA-Z0-9]{22}$"}
_CAMPAIGN = "^campaign_[a-zA-Z0-9]{22}$"

MESSAGE_SCHEMAS: dict[str, Any] = {
    "MessageEvent": {
        "type": "object",
        "required": ["type", "at"],
        "properties": {
            "type": {"type": "string", "enum": list(KINDS)},
            "at": {"type": "string", "description": "ISO 8601 UTC time."},
            "url": {"type": "string", "description": "click only."},
        },
    },
    "Message": {
        "type": "object",
        "description": "A captured message, its placeholders rendered.",
        "required": [
            "id",
            "team_id",
            "at",
            "submitted_at",
            "campaign_id",
            "template_id",
            "contact_id",
            "from",
            "reply_to",
            "to",
            "cc",
            "bcc",
            "subject",
            "preheader",
            "html",
            "text",
            "headers",
            "events",
        ],
        "properties": {
            "id": _ID,
            "team_id": {"type": "string"},
            "at": {"type": "string", "description": "ISO 8601 UTC time."},
            "submitted_at": {"type": "integer", "description": "Unix seconds."},
            "campaign_id": _TEXT,
            "template_id": _TEXT,
            "contact_id": _TEXT,
            "from": _ADDRESS,
            "reply_to": {"anyOf": [_ADDRESS, {"type": "null"}]},
            "to": _ADDRESS,
            "cc": {"type": "array", "items": {"type": "string"}},
            "bcc": {"type": "array", "items": {"type": "string"}},
            "subject": {"type": "string"},
            "preheader": _TEXT,
            "html": _TEXT,
            "text": _TEXT,
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "events": {"type": "array", "items": _ref("MessageEvent")},
        },
    },
    "MessageList": {
        "type": "object",
        "required": ["messages"],
        "properties": {"messages": {"type": "array", "items": _ref("Message")}},
    },
    "Engagement": {
        "description": "url is required for a click, and only for a click.",
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["type", "url"],
                "properties": {
                    "type": {"const": "click"},
                    "url": {"type": "string", "minLength": 1, "maxLength": MAX_URL},
                },
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["type"],
                "properties": {
                    "type": {"enum": [kind for kind in KINDS if kind != "click"]},
                    "url": {"type": "null"},
                },
            },
        ],
    },
    "CampaignSent": {
        "type": "object",
        "required": ["campaign", "messages"],
        "properties": {
            "campaign": {"type": "object", "description": "The campaign, as the REST API has it."},
            "messages": {"type": "integer", "minimum": 0},
        },
    },
}


def message_paths() -> dict[str, Any]:
    """The captured-mail routes of the control plane."""
    team = _param("query", "team_id", "The team's id.", True, minLength=1)
    identifier = _param("path", "id", "The message's id.", True, pattern=_ID["pattern"])
    too_long = {"414": _error("The query string is over 8 KiB.")}
    refused = {
        "403": _error(
            "The Host is not allowed, or the Origin header is present and is not the "
            "emulator's own (http://HOST:PORT)."
        ),
        "415": _error("The Content-Type is not application/json (a body or not)."),
    }
    return {
        "/_emulator/messages": {
            "get": {
                "operationId": "messages",
                "summary": "The team's captured messages, newest first.",
                "parameters": [
                    team,
                    _param("query", "to", "Only those to this address (any case).", False),
                    _param("query", "campaign_id", "Only those of this campaign.", False),
                    {
                        "name": "offset",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000_000},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    },
                ],
                "responses": {
                    "200": _answer("The messages.", "MessageList"),
                    "400": _error("team_id is missing, offset or limit out of range."),
                    **too_long,
                },
            }
        },
        "/_emulator/messages/{id}": {
            "get": {
                "operationId": "message",
                "parameters": [identifier],
                "responses": {
                    "200": _answer("The message.", "Message"),
                    "400": _error("The query string is not UTF-8."),
                    "404": _error("No such message."),
                    **too_long,
                },
            }
        },
        "/_emulator/messages/{id}/events": {
            "post": {
                "operationId": "engage",
                "summary": "Simulate an open, a click, a bounce, a spam report, an "
                "unsubscribe or a drop: the contact's flags, the campaign's report and "
                "the team's webhooks follow.",
                "parameters": [identifier],
                "requestBody": {
                    "required": True,
                    "content": {_JSON: {"schema": _ref("Engagement")}},
                },
                "responses": {
                    "200": _answer("The message, with its new event.", "Message"),
                    "400": _error("The body is not an engagement event."),
                    "404": _error("No such message."),
                    "413": _error("The body is over 1 MiB."),
                    **too_long,
                    **refused,
                },
            }
        },
        "/_emulator/campaigns/{id}/send": {
            "post": {
                "operationId": "sendCampaign",
                "summary": "Send a draft or scheduled campaign now.",
                "parameters": [
                    _param("path", "id", "The campaign's id.", True, pattern=_CAMPAIGN),
                    team,
                ],
                "requestBody": {
                    "required": True,
                    "description": "Empty, or {}. Either way the request says "
                    "Content-Type: application/json.",
                    "content": {_JSON: {"schema": _ref("ResetRequest")}},
                },
                "responses": {
                    "200": _answer("The campaign, sent, and its messages.", "CampaignSent"),
                    "400": _error("team_id is missing, or the body is other than {}."),
                    "404": _error("The team has no such campaign."),
                    "409": _error("The campaign was sent already, or its sender is gone."),
                    "413": _error("The body is over 1 MiB."),
                    **too_long,
                    **refused,
                },
            }
        },
    }
