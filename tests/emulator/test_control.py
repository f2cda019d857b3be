"""The control plane under /_emulator: health, reset, contacts, events, openapi."""

from __future__ import annotations

import json

import pytest
from tests.emulator._helpers import Api

from sendx.emulator import Emulator


def test_health(api: Api) -> None:
    """health answers ok and the number of known teams."""
    assert api.control("GET", "/health") == (200, {"status": "ok", "teams": 0})
    api.identify({"email": "a@x.io"})
    assert api.control("GET", "/health") == (200, {"status": "ok", "teams": 1})


def test_reset_one_team_or_all(api: Api) -> None:
    """reset?team_id= forgets that team only (and its key binding); reset forgets all."""
    api.identify({"email": "a@x.io"})
    api.identify({"email": "b@x.io"}, team="other", key="k")
    assert api.control("POST", "/reset", team_id="other") == (
        200,
        {"status": "ok", "reset": "other"},
    )
    assert api.contacts("other") == []
    assert api.events("other") == []
    assert len(api.contacts()) == 1
    # The binding went with the data: another key may now claim the team.
    assert api.identify({"email": "b@x.io"}, team="other", key="new").status == 200
    assert api.control("POST", "/reset") == (200, {"status": "ok", "reset": "all"})
    assert api.contacts() == api.contacts("other") == []
    assert api.control("GET", "/health")[1]["teams"] == 0
    assert api.control("POST", "/reset", team_id="")[0] == 400


def test_reset_takes_no_body_but_an_empty_object(api: Api, emu: Emulator) -> None:
    """A body is empty or ``{}``; a team named in the body (which would otherwise be
    ignored, and every team reset) is a 400 that resets nothing."""
    json_type = {"Content-Type": "application/json"}
    for body in (b"", b"{}", b" { } "):
        api.identify({"email": "a@x.io"})
        url = emu.control_url + "/reset"
        assert api.http.request("POST", url, body=body, headers=json_type).status == 200
        assert api.contacts() == []
    api.identify({"email": "a@x.io"})
    for body in (b'{"team_id": "team-1"}', b"[]", b"null", b"{"):
        url = emu.control_url + "/reset?team_id=other"
        response = api.http.request("POST", url, body=body, headers=json_type)
        assert response.status == 400
        assert response.json()["message"] in (
            "reset takes no body (or {}); name one team with ?team_id=T",
            "the request body is not valid JSON",
        )
    assert len(api.contacts()) == 1


def test_reset_keeps_rules_and_faults(api: Api) -> None:
    """Rules and faults are configuration: a reset leaves them in force."""
    rule = {"on": "contact_created", "webhook": "http://127.0.0.1:9/", "secret": "s"}
    fault = {"path": "/nowhere", "status": 500, "probability": 1.0}
    api.control("PUT", "/rules", {"rules": [rule]})
    api.control("PUT", "/faults", {"faults": [fault]})
    api.control("POST", "/reset")
    assert api.control("GET", "/rules") == (200, {"rules": [rule]})
    assert api.control("GET", "/faults") == (200, {"faults": [fault]})


def test_event_ids_keep_growing_after_a_reset(api: Api) -> None:
    """A reader polling with ?after= never sees an id twice."""
    api.identify({"email": "a@x.io"})
    last = api.events()[-1]["id"]
    api.control("POST", "/reset")
    api.identify({"email": "a@x.io"})
    assert api.events()[0]["id"] > last


def test_contacts_and_one_contact(api: Api) -> None:
    """contacts lists the team's contacts oldest first; email= answers one or 404."""
    for email in ("c@x.io", "a@x.io", "b@x.io"):
        api.identify({"email": email})
    assert [c["email"] for c in api.contacts()] == ["c@x.io", "a@x.io", "b@x.io"]
    assert api.contact("A@X.IO")["email"] == "a@x.io"  # type: ignore[index]
    status, answer = api.control("GET", "/contacts", team_id="team-1", email="zz@x.io")
    assert (status, answer["status"]) == (404, "404")
    assert api.control("GET", "/contacts", team_id="nobody") == (200, {"contacts": []})
    assert api.control("GET", "/contacts", team_id="nobody", email="a@x.io")[0] == 404
    status, answer = api.control("GET", "/contacts")
    assert (status, answer["message"]) == (400, "the team_id query parameter is required")


def test_events_after(api: Api) -> None:
    """events?after=ID lists only later events; after must be a number."""
    api.identify({"email": "a@x.io", "tags": ["x", "y"]})
    events = api.events()
    assert api.events(after=events[0]["id"]) == events[1:]
    assert api.events(after=events[-1]["id"]) == []
    for bad in ("-1", "x", "1.5", ""):
        assert api.control("GET", "/events", team_id="team-1", after=bad)[0] == 400
    assert api.control("GET", "/events")[0] == 400


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/reset", 405),
        ("POST", "/health", 405),
        ("DELETE", "/rules", 405),
        ("GET", "/nothing", 404),
        ("GET", "", 404),
    ],
)
def test_unknown_control_routes(api: Api, method: str, path: str, status: int) -> None:
    """Unknown control paths are 404, wrong methods 405 with Allow."""
    response = api.http.request(method, api.emu.control_url + path)
    assert response.status == status
    assert json.loads(response.data)["status"] == str(status)
    if status == 405:
        assert response.headers["allow"]


def test_openapi_describes_every_route_and_answer(api: Api, emu: Emulator) -> None:
    """The document lists both API endpoints and every control route, each answer
    with a JSON schema; the API endpoints declare the api_key header and team_id."""
    status, doc = api.control("GET", "/openapi.json")
    assert status == 200
    assert doc["openapi"].startswith("3.")
    paths = {p: v for p, v in doc["paths"].items() if not p.startswith("/api/v1/rest/")}
    assert set(paths) == {
        "/api/v1/contact/identify",
        "/api/v1/contact/track",
        *(
            f"/_emulator/{p}"
            for p in (
                "health",
                "reset",
                "contacts",
                "events",
                "deliveries",
                "webhooks",
                "rules",
                "faults",
                "openapi.json",
                "messages",
                "messages/{id}",
                "messages/{id}/events",
                "campaigns/{id}/send",
                "overview",
                "timeline",
                "stream",
            )
        ),
    }
    identify = paths["/api/v1/contact/identify"]["post"]
    assert {(p["in"], p["name"]) for p in identify["parameters"]} == {
        ("query", "team_id"),
        ("header", "api_key"),
    }
    assert {"200", "400", "401", "409", "413"} <= set(identify["responses"])
    track = paths["/api/v1/contact/track"]["post"]
    assert {"200", "400", "401", "404", "413"} <= set(track["responses"])
    assert track["requestBody"]["required"] is False
    for path in paths.values():
        for operation in path.values():
            for answer in operation["responses"].values():
                # Every answer is JSON, but the page's live stream (an event stream).
                [kind] = answer["content"]
                assert kind == "application/json" or operation["operationId"] == "stream"
                assert "schema" in answer["content"][kind]
    schemas = doc["components"]["schemas"]
    refs = {
        value.rsplit("/", 1)[1]
        for value in _strings(doc)
        if value.startswith("#/components/schemas/")
    }
    assert refs <= set(schemas)


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def test_answers_match_the_openapi_schemas(api: Api) -> None:
    """Real answers of the API and the control plane validate against the document."""
    jsonschema_rs = pytest.importorskip("jsonschema_rs")  # comes with schemathesis
    doc = api.control("GET", "/openapi.json")[1]
    schemas = doc["components"]["schemas"]

    def check(name: str, instance: object) -> None:
        schema = {**schemas[name], "components": doc["components"]}
        jsonschema_rs.Draft202012Validator(schema).validate(instance)

    rule = {"on": "tag_added", "tag": "vip", "webhook": "http://127.0.0.1:9/", "secret": "s"}
    check("Rules", api.control("PUT", "/rules", {"rules": [rule]})[1])
    check(
        "ContactResponse",
        json.loads(
            api.identify({"email": "a@x.io", "tags": ["vip"], "customFields": {"n": "++1"}}).data
        ),
    )
    check("TrackResponse", json.loads(api.track("a@x.io", {"removeTags": ["vip"]}).data))
    check("Error", json.loads(api.track("zz@x.io").data))
    check("ContactList", api.control("GET", "/contacts", team_id="team-1")[1])
    check("Contact", api.control("GET", "/contacts", team_id="team-1", email="a@x.io")[1])
    check("EventList", api.control("GET", "/events", team_id="team-1")[1])
    check("Health", api.control("GET", "/health")[1])
    check("ResetResult", api.control("POST", "/reset", team_id="x")[1])
    check(
        "Faults",
        api.control("PUT", "/faults", {"faults": [{"status": 500, "path": "/x", "times": 2}]})[1],
    )
    from tests._support.polling import wait_for

    deliveries = wait_for(
        lambda: [
            d for d in api.control("GET", "/deliveries")[1]["deliveries"] if d["state"] != "pending"
        ]
    )
    check("DeliveryList", {"deliveries": deliveries})
