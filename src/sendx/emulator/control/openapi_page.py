"""The web page's routes in the OpenAPI document (:mod:`sendx.emulator.web.views` and
:mod:`sendx.emulator.web.stream`): their paths and their schemas."""

from __future__ import annotations

from typing import Any

from sendx.emulator.web.stream import MAX_STREAMS
from sendx.emulator.web.views import MAX_ITEMS, MAX_SEARCH

__all__ = ["PAGE_SCHEMAS", "page_paths"]

_JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref("Error")}}}


_TEXT = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_REFUSED = _error(
    "The Host is not allowed, or the Origin header is present and is not the emulator's "
    "own (http://HOST:PORT): these reads are the page's."
)
_SUMMARY = {
    "team_id": {"type": "string"},
    "id": {"type": "string", "pattern": "^contact_[a-zA-Z0-9]+$"},
    "email": {"type": "string"},
    "first_name": _TEXT,
    "last_name": _TEXT,
    "tags": _STRINGS,
    "updated": _TEXT,
}
_MESSAGE_KEYS = ["id", "team_id", "at", "from", "to", "subject", "campaign_id", "events"]

PAGE_SCHEMAS: dict[str, Any] = {
    "ContactSummary": {"type": "object", "required": list(_SUMMARY), "properties": _SUMMARY},
    "MessageSummary": {
        "type": "object",
        "description": "A message without its body (GET /_emulator/messages/{id} has it).",
        "required": _MESSAGE_KEYS,
        "properties": {
            "id": {"type": "string"},
            "team_id": {"type": "string"},
            "at": {"type": "string"},
            "from": {"type": "object"},
            "to": {"type": "object"},
            "subject": {"type": "string"},
            "campaign_id": _TEXT,
            "events": {"type": "array", "items": _ref("MessageEvent")},
        },
    },
    "Overview": {
        "type": "object",
        "required": ["teams", "contacts", "messages"],
        "properties": {
            "teams": _STRINGS,
            "contacts": {"type": "array", "items": _ref("ContactSummary")},
            "messages": {"type": "array", "items": _ref("MessageSummary")},
        },
    },
    "Timeline": {
        "type": "object",
        "required": ["contact", "events", "messages", "deliveries"],
        "properties": {
            "contact": {
                "type": "object",
                "required": [*_SUMMARY, "custom_fields", "lists", "flags", "ltv"],
                "properties": {
                    **_SUMMARY,
                    "company": _TEXT,
                    "birthday": _TEXT,
                    "custom_fields": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                    },
                    "lists": _STRINGS,
                    "flags": {"type": "object", "additionalProperties": {"type": "boolean"}},
                    "ltv": {"type": "number"},
                    "created": _TEXT,
                    "last_tracked_ip": _TEXT,
                },
            },
            "events": {"type": "array", "items": _ref("Event")},
            "messages": {"type": "array", "items": _ref("MessageSummary")},
            "deliveries": {"type": "array", "items": _ref("Delivery")},
        },
    },
}


def _query(name: str, description: str, required: bool, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def page_paths() -> dict[str, Any]:
    """The web page's reads and its live stream."""
    too_long = {"414": _error("The query string is over 8 KiB.")}
    return {
        "/_emulator/overview": {
            "get": {
                "operationId": "overview",
                "summary": "The teams, and the latest contacts and messages of every team "
                "or of one (the page's home).",
                "parameters": [
                    _query("team_id", "Only this team.", False, minLength=1),
                    _query("q", "Only contacts whose email or name holds this.", False),
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ITEMS},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "Contacts last changed first, messages newest first.",
                        "content": {_JSON: {"schema": _ref("Overview")}},
                    },
                    "400": _error(
                        f"team_id is empty, limit out of range, q over {MAX_SEARCH} "
                        "characters, or the query string is not UTF-8."
                    ),
                    "403": _REFUSED,
                    **too_long,
                },
            }
        },
        "/_emulator/timeline": {
            "get": {
                "operationId": "timeline",
                "summary": "A contact with its lists, flags and LTV, and its events, "
                "messages and webhook deliveries.",
                "parameters": [
                    _query("team_id", "The team's id.", True, minLength=1),
                    _query("email", "The contact's email (any case).", True, minLength=1),
                ],
                "responses": {
                    "200": {
                        "description": "The contact and what happened to it.",
                        "content": {_JSON: {"schema": _ref("Timeline")}},
                    },
                    "400": _error("team_id or email is missing, or the query is not UTF-8."),
                    "403": _REFUSED,
                    "404": _error("No contact with this email in this team."),
                    **too_long,
                },
            }
        },
        "/_emulator/stream": {
            "get": {
                "operationId": "stream",
                "summary": "Server-sent events: a change event (data: the state's "
                "version) at once and after each burst of changes; a keep-alive comment "
                "every 15 s. Ends when the emulator stops.",
                "responses": {
                    "200": {
                        "description": "The stream (it does not end by itself).",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    "403": _REFUSED,
                    **too_long,
                    "503": _error(f"{MAX_STREAMS} streams are open already (Retry-After)."),
                },
            }
        },
    }
