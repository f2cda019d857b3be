"""Many threads at once: no lost update, no error."""

from __future__ import annotations

import threading

from tests.emulator._helpers import KEY, TEAM, Api

from sendx import SendX
from sendx.emulator import Emulator

THREADS = 8
CALLS = 500
EMAILS = [f"user{i}@x.io" for i in range(10)]


def test_8_threads_x_500_identifies_lose_no_tag(emu: Emulator, api: Api) -> None:
    """Every thread adds its own tags to the same ten contacts; all tags arrive,
    every call succeeds, and each tag_added event is recorded once."""
    errors: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            with SendX(KEY, TEAM, base_url=emu.base_url, max_retries=0) as client:
                for call in range(CALLS):
                    email = EMAILS[call % len(EMAILS)]
                    # Case variants collide on the same contact.
                    if call % 3 == 0:
                        email = email.upper()
                    client.contacts.identify(
                        email, tags=[f"t{thread}-{call % 50}"], custom_fields={"n": "++1"}
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    contacts = {c["email"].lower(): c for c in api.contacts()}
    assert set(contacts) == set(EMAILS)
    for index, email in enumerate(EMAILS):
        expected = {
            f"t{t}-{c % 50}" for t in range(THREADS) for c in range(CALLS) if c % 10 == index
        }
        assert set(contacts[email]["tags"]) == expected
        assert len(contacts[email]["tags"]) == len(expected)
        assert contacts[email]["customFields"] == {"n": str(THREADS * CALLS // len(EMAILS))}
    added = [e for e in api.events() if e["type"] == "tag_added"]
    assert len(added) == sum(len(c["tags"]) for c in contacts.values())
