"""REST campaign reports: counted from the campaign's messages and the engagement the
control plane simulates on them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.emulator._helpers import Api
from tests.emulator.rest.conftest import Rest
from tests.emulator.rest.test_campaigns import campaign, contact, sender
from tests.emulator.rest.test_transactional import messages

ZERO = {
    "linkStats": [],
    "sentContactCount": 0,
    "openedContactCount": 0,
    "openedUniqueContactCount": 0,
    "clickedContactCount": 0,
    "clickedUniqueContactCount": 0,
    "unsubscribeContactCount": 0,
    "bounceContactCount": 0,
    "spamContactCount": 0,
}


def engage(api: Api, message_id: str, kind: str, url: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind} if url is None else {"type": kind, "url": url}
    status, answer = api.control("POST", f"/messages/{message_id}/events", body)
    assert status == 200, answer
    return answer  # type: ignore[no-any-return]


def sent_campaign(rest: Rest, count: int) -> dict[str, Any]:
    """A campaign sent to ``count`` contacts, ``c0@x.io`` and on."""
    tag = rest.create("/tag", {"name": "All"})["id"]
    for n in range(count):
        contact(rest, f"c{n}@x.io", tags=[tag])
    made = campaign(rest, sender(rest), scheduleType=1, includedTags=[tag])
    return made


def test_report_counts_the_engagement(rest: Rest, api: Api) -> None:
    made = sent_campaign(rest, 4)
    by_address = {m["to"]["email"]: m["id"] for m in messages(api, rest, campaign_id=made["id"])}
    one, two, three, four = (by_address[f"c{n}@x.io"] for n in range(4))
    report = "/report/campaign/" + made["id"]
    assert rest.ok("GET", report) == {**ZERO, "campaignId": made["id"], "sentContactCount": 4}
    engage(api, one, "open")
    engage(api, one, "open")
    engage(api, two, "open")
    engage(api, one, "click", "https://x.io/a")
    engage(api, one, "click", "https://x.io/a")
    engage(api, two, "click", "https://x.io/b")
    engage(api, three, "click", "https://x.io/b")
    engage(api, three, "click", "https://x.io/c")
    engage(api, three, "bounce")
    engage(api, three, "bounce")  # the same message: counted once
    engage(api, two, "spam")
    engage(api, one, "unsubscribe")
    engage(api, four, "drop")  # in no count
    answer = rest.ok("GET", report)
    assert answer == {
        "campaignId": made["id"],
        "linkStats": [
            {"url": "https://x.io/a", "count": 2},
            {"url": "https://x.io/b", "count": 2},
            {"url": "https://x.io/c", "count": 1},
        ],
        "sentContactCount": 4,
        "openedContactCount": 3,
        "openedUniqueContactCount": 2,
        "clickedContactCount": 5,
        "clickedUniqueContactCount": 3,
        "unsubscribeContactCount": 1,
        "bounceContactCount": 1,
        "spamContactCount": 1,
    }
    # Nothing of another campaign counts.
    other = campaign(rest, sender(rest, "b@x.io"), name="Other", scheduleType=1)
    assert rest.ok("GET", "/report/campaign/" + other["id"])["sentContactCount"] == 0


def test_a_draft_reports_zeros_and_errors(rest: Rest, other: Rest) -> None:
    draft = campaign(rest, sender(rest))
    assert rest.ok("GET", "/report/campaign/" + draft["id"]) == {**ZERO, "campaignId": draft["id"]}
    assert rest.call("GET", "/report/campaign/nope").status == 400
    assert rest.call("GET", "/report/campaign/campaign_" + "a" * 22).status == 404
    assert other.call("GET", "/report/campaign/" + draft["id"]).status == 404
    assert rest.as_key(None).call("GET", "/report/campaign/" + draft["id"]).status == 401


KINDS = ("open", "click", "bounce", "spam", "unsubscribe", "drop")
EVENTS = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from(KINDS),
        st.sampled_from(["https://x.io/a", "https://x.io/b"]),
    ),
    max_size=12,
)


def test_reports_match_a_model_of_the_engagement(rest: Rest, api: Api) -> None:
    """Any sequence of engagement on a campaign's messages gives the report that a
    plain count of it gives."""

    @given(events=EVENTS)
    @settings(max_examples=15, deadline=None, database=None)
    def check(events: list[tuple[int, str, str]]) -> None:
        assert api.control("POST", "/reset", team_id=rest.team_id)[0] == 200
        made = sent_campaign(rest, 3)
        by_address = {
            m["to"]["email"]: m["id"] for m in messages(api, rest, campaign_id=made["id"])
        }
        ids = [by_address[f"c{n}@x.io"] for n in range(3)]
        for index, kind, url in events:
            engage(api, ids[index], kind, url if kind == "click" else None)

        def total(kind: str) -> int:
            return sum(1 for _, k, _ in events if k == kind)

        def unique(kind: str) -> int:
            return len({i for i, k, _ in events if k == kind})

        clicks = Counter(url for _, kind, url in events if kind == "click")
        assert rest.ok("GET", "/report/campaign/" + made["id"]) == {
            "campaignId": made["id"],
            "linkStats": [
                {"url": url, "count": count}
                for url, count in sorted(clicks.items(), key=lambda item: (-item[1], item[0]))
            ],
            "sentContactCount": 3,
            "openedContactCount": total("open"),
            "openedUniqueContactCount": unique("open"),
            "clickedContactCount": total("click"),
            "clickedUniqueContactCount": unique("click"),
            "unsubscribeContactCount": unique("unsubscribe"),
            "bounceContactCount": unique("bounce"),
            "spamContactCount": unique("spam"),
        }

    check()
