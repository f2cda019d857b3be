"""v1 and REST calls, mixed at random, against one model: one store, one truth.

A hypothesis ``RuleBasedStateMachine`` sends v1 identify and track, REST identify and
track, contact create, update and delete, and tag and field create, rename and delete,
all for one team (its key used by both APIs), to a real emulator over HTTP, and applies
each to a plain model. After every step it compares the whole state as both APIs show
it: every contact over REST (paged, by id and by address) and over v1's control plane,
and the tag and field catalogues. Emails, tags and fields come from small alphabets (with
case variants) so that calls collide. Field values are text: number arithmetic is the v1
state machine's subject (``tests/emulator/test_state_machine.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import urllib3
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Rest, segment

from sendx.emulator import Emulator

TEAM, KEY = "mixed-team", "mixed-key"
EMAILS = ["ann@x.io", "Ann@X.io", "bob@x.io", "BOB@x.io", "zoë@exämple.com", "ZOË@exämple.com"]
TAGS = ["vip", "VIP", "trial", "paid"]
FIELDS = ["Plan", "Team"]
VALUES = ["gold", "", "Zoë"]
NAMES = [None, "Ann", "Zoë"]

emails = st.sampled_from(EMAILS)
tags = st.lists(st.sampled_from(TAGS), max_size=3)
fields = st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(VALUES), max_size=2)
names = st.sampled_from(NAMES)


@dataclass
class Contact:
    email: str
    first_name: str | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Model:
    """Contacts by lower-cased address; tag and field names in creation order."""

    contacts: dict[str, Contact] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def attach(self, contact: Contact, names: list[str]) -> None:
        for name in names:
            if name not in self.tags:
                self.tags.append(name)
            if name not in contact.tags:
                contact.tags.append(name)

    def set_fields(self, contact: Contact, values: dict[str, str]) -> None:
        for name, value in values.items():
            if name not in self.fields:
                self.fields.append(name)
            contact.fields[name] = value

    def identify(
        self, email: str, first_name: str | None, tags: list[str], values: dict[str, str]
    ) -> None:
        contact = self.contacts.get(email.lower())
        if contact is None:
            contact = self.contacts[email.lower()] = Contact(email)
        contact.email = email
        if first_name is not None:
            contact.first_name = first_name
        self.attach(contact, tags)
        self.set_fields(contact, values)

    def track(self, email: str, add: list[str], remove: list[str]) -> int:
        contact = self.contacts.get(email.lower())
        if contact is None:
            return 404
        self.attach(contact, add)
        contact.tags = [tag for tag in contact.tags if tag not in remove]
        return 200


class MixedMachine(RuleBasedStateMachine):
    """The machine; a subclass names the emulator and the pool it talks through."""

    emulator: Emulator
    http: urllib3.PoolManager

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.api = Api(self.http, self.emulator)
        self.rest = Rest(self.http, self.emulator, KEY)
        status, _ = self.api.control("POST", "/reset", team_id=TEAM)
        assert status == 200

    # What the emulator says, to name things by id

    def _all(self, path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            page = self.rest.ok("GET", path, offset=len(found), limit=100)
            found += page
            if len(page) < 100:
                return found

    def _tag_ids(self) -> dict[str, str]:
        return {tag["name"]: tag["id"] for tag in self._all("/tag")}

    def _field_keys(self) -> dict[str, str]:
        return {
            f["name"]: "field_" + f["id"][len("custom_field_") :] for f in self._all("/customfield")
        }

    # v1

    @rule(email=emails, first_name=names, tags=tags, values=fields)
    def v1_identify(
        self, email: str, first_name: str | None, tags: list[str], values: dict[str, str]
    ) -> None:
        body: dict[str, Any] = {"email": email, "tags": tags, "customFields": values}
        if first_name is not None:
            body["firstName"] = first_name
        assert self.api.identify(body, team=TEAM, key=KEY).status == 200
        self.model.identify(email, first_name, tags, values)

    @rule(email=emails, add=tags, remove=tags)
    def v1_track(self, email: str, add: list[str], remove: list[str]) -> None:
        status = self.api.track(
            email, {"addTags": add, "removeTags": remove}, team=TEAM, key=KEY
        ).status
        assert status == self.model.track(email, add, remove)

    # REST contacts

    @rule(email=emails, first_name=names, tags=tags, values=fields)
    def rest_identify(
        self, email: str, first_name: str | None, tags: list[str], values: dict[str, str]
    ) -> None:
        body: dict[str, Any] = {"email": email, "tags": tags, "customFields": values}
        if first_name is not None:
            body["firstName"] = first_name
        assert self.rest.call("POST", "/contact/identify", body).status == 200
        self.model.identify(email, first_name, tags, values)

    @rule(email=emails, add=tags, remove=tags)
    def rest_track(self, email: str, add: list[str], remove: list[str]) -> None:
        body = {"email": email, "addTags": add, "removeTags": remove}
        assert self.rest.call("POST", "/contact/track", body).status == self.model.track(
            email, add, remove
        )

    @rule(email=emails, first_name=names, tags=tags, values=fields)
    def rest_create(
        self, email: str, first_name: str | None, tags: list[str], values: dict[str, str]
    ) -> None:
        ids, keys = self._tag_ids(), self._field_keys()
        body: dict[str, Any] = {
            "email": email,
            "tags": [ids.get(tag, "tag_" + "0" * 22) for tag in tags],  # unknown: ignored
            "customFields": {keys[name]: value for name, value in values.items() if name in keys},
        }
        if first_name is not None:
            body["firstName"] = first_name
        answer = self.rest.call("POST", "/contact", body)
        if email.lower() in self.model.contacts:
            assert answer.status == 409
            return
        assert answer.status == 201, answer.body
        contact = self.model.contacts[email.lower()] = Contact(email, first_name)
        contact.tags = list(dict.fromkeys(tag for tag in tags if tag in ids))
        contact.fields = {name: value for name, value in values.items() if name in keys}

    @rule(
        email=emails,
        new_email=st.one_of(st.none(), emails),
        first_name=names,
        tags=st.one_of(st.none(), tags),
        values=fields,
    )
    def rest_update(
        self,
        email: str,
        new_email: str | None,
        first_name: str | None,
        tags: list[str] | None,
        values: dict[str, str],
    ) -> None:
        ids, keys = self._tag_ids(), self._field_keys()
        body: dict[str, Any] = {
            "customFields": {keys[name]: value for name, value in values.items() if name in keys}
        }
        if new_email is not None:
            body["email"] = new_email
        if first_name is not None:
            body["firstName"] = first_name
        if tags is not None:
            body["tags"] = [ids[tag] for tag in tags if tag in ids]
        answer = self.rest.call("PUT", "/contact/" + segment(email), body)
        contact = self.model.contacts.get(email.lower())
        if contact is None:
            assert answer.status == 404
            return
        if (
            new_email is not None
            and new_email.lower() != email.lower()
            and new_email.lower() in self.model.contacts
        ):
            assert answer.status == 409
            return
        assert answer.status == 200, answer.body
        if new_email is not None:
            del self.model.contacts[email.lower()]
            contact.email = new_email
            self.model.contacts[new_email.lower()] = contact
        if first_name is not None:
            contact.first_name = first_name
        if tags is not None:
            contact.tags = list(dict.fromkeys(tag for tag in tags if tag in ids))
        contact.fields.update({name: value for name, value in values.items() if name in keys})

    @rule(email=emails)
    def rest_delete(self, email: str) -> None:
        answer = self.rest.call("DELETE", "/contact/" + segment(email))
        assert answer.status == (200 if self.model.contacts.pop(email.lower(), None) else 404)

    # REST catalogues

    @rule(name=st.sampled_from(TAGS))
    def create_tag(self, name: str) -> None:
        answer = self.rest.call("POST", "/tag", {"name": name})
        assert answer.status == (403 if name in self.model.tags else 201)
        if name not in self.model.tags:
            self.model.tags.append(name)

    @rule(name=st.sampled_from(TAGS), new=st.sampled_from(TAGS))
    def rename_tag(self, name: str, new: str) -> None:
        tag_id = self._tag_ids().get(name)
        if tag_id is None:
            return
        answer = self.rest.call("PUT", "/tag/" + tag_id, {"name": new})
        if new != name and new in self.model.tags:
            assert answer.status == 403
            return
        assert answer.status == 200
        self.model.tags[self.model.tags.index(name)] = new
        for contact in self.model.contacts.values():
            contact.tags = [new if tag == name else tag for tag in contact.tags]

    @rule(name=st.sampled_from(TAGS))
    def delete_tag(self, name: str) -> None:
        tag_id = self._tag_ids().get(name)
        if tag_id is None:
            return
        assert self.rest.call("DELETE", "/tag/" + tag_id).status == 200
        self.model.tags.remove(name)
        for contact in self.model.contacts.values():
            contact.tags = [tag for tag in contact.tags if tag != name]

    @rule(name=st.sampled_from(FIELDS))
    def create_field(self, name: str) -> None:
        answer = self.rest.call("POST", "/customfield", {"name": name, "type": 0})
        assert answer.status == (403 if name in self.model.fields else 201)
        if name not in self.model.fields:
            self.model.fields.append(name)

    @rule(name=st.sampled_from(FIELDS))
    def delete_field(self, name: str) -> None:
        key = self._field_keys().get(name)
        if key is None:
            return
        assert self.rest.call("DELETE", "/customfield/" + key).status == 200
        self.model.fields.remove(name)
        for contact in self.model.contacts.values():
            contact.fields.pop(name, None)

    # The whole state, as both APIs show it

    @invariant()
    def both_apis_show_the_model(self) -> None:
        tag_ids = self._tag_ids()
        field_keys = self._field_keys()
        assert list(tag_ids) == self.model.tags
        assert list(field_keys) == self.model.fields
        names_of_tags = {v: k for k, v in tag_ids.items()}
        names_of_fields = {v: k for k, v in field_keys.items()}
        over_rest = {
            c["email"].lower(): Contact(
                c["email"],
                c["firstName"],
                [names_of_tags[t] for t in c["tags"]],
                {names_of_fields[k]: v for k, v in c["customFields"].items()},
            )
            for c in self._all("/contact")
        }
        assert over_rest == self.model.contacts
        over_v1 = {
            c["email"].lower(): Contact(c["email"], c["firstName"], c["tags"], c["customFields"])
            for c in self.api.contacts(TEAM)
        }
        assert over_v1 == self.model.contacts
        for key, contact in self.model.contacts.items():
            by_address = self.rest.ok("GET", "/contact/" + segment(key))
            assert by_address["email"] == contact.email
            assert self.rest.ok("GET", "/contact/" + by_address["id"]) == by_address


def test_v1_and_rest_share_one_store() -> None:
    with Emulator(teams={TEAM: KEY}) as emulator, urllib3.PoolManager(retries=False) as http:

        class Machine(MixedMachine):
            pass

        Machine.emulator, Machine.http = emulator, http
        run_state_machine_as_test(
            Machine,
            settings=settings(
                max_examples=30,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
