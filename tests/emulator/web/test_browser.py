"""The emulator's page in a real browser: what a person sees after the app's calls.

The app under test is played by the client (v1 identify and track, REST contacts and
transactional email); the page is headless Chromium (Debian's) driven by Playwright.
One browser and one emulator for the module; each test resets the emulator and opens a
fresh browser context. Screenshots land in ``.artifacts/web``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from tests.emulator._helpers import KEY, TEAM
from tests.emulator._receiver import Receiver
from tests.emulator.web._browser import ARGS, artifacts, chromium_path

from sendx import SendX
from sendx.emulator import Emulator
from sendx.testing import ControlPlane

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# One worker runs the whole module: one browser, one emulator.
pytestmark = pytest.mark.xdist_group("emulator-web-browser")

OTHER_TEAM, OTHER_KEY = "team-2", "key-2"
SENDER = "Shop <shop@example.com>"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (the module is skipped without one)."""
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium on this machine: apt-get install chromium (.ci/run does)")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, emu: Emulator) -> Iterator[Any]:
    """A fresh page (its own context) on a reset emulator; dialogs are recorded."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []  # the page's own: script errors and policy violations
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()
    # A message's HTML may name images that are not there, and its scripts are blocked
    # (the point of the sandbox); nothing else may fail.
    expected = (
        "Failed to load resource",
        "Blocked script execution in 'about:srcdoc'",
        "Loading the image 'http://198.51.100.7/",  # refused by the policy: its point
    )
    assert [e for e in errors if not e.startswith(expected)] == []


@pytest.fixture
def app(emu: Emulator) -> Iterator[SendX]:
    """The app under test's client: v1 and REST, team TEAM."""
    rest = emu.base_url + "/rest"
    with SendX(KEY, TEAM, base_url=emu.base_url, rest_base_url=rest, max_retries=0) as client:
        yield client


def _send(app: SendX, to: str, subject: str, html: str) -> str:
    [result] = app.emails.send(
        from_=SENDER, to=to, subject=subject, html_body=html, text_body=f"text of {subject}"
    )
    return str(result.message_id)


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(artifacts() / f"{name}.png"), full_page=True)


def test_home_shows_the_latest_contacts_and_messages_without_a_click(
    page: Any, app: SendX, emu: Emulator
) -> None:
    """Opened at /, the page lists the contacts and messages the app made, newest
    first, with no click."""
    app.contacts.identify(email="ann@example.com", first_name="Ann", tags=["vip"])
    app.contacts.identify(email="bob@example.com", first_name="Bob", last_name="Stone")
    _send(app, "ann@example.com", "Welcome, Ann", "<p>Hello <b>Ann</b></p>")
    page.goto(emu.page_url())
    contacts = page.locator("#contacts tbody tr")
    expect(contacts).to_have_count(2)
    expect(contacts.first).to_contain_text("bob@example.com")  # the last one changed
    expect(contacts.nth(1)).to_contain_text("vip")
    expect(page.locator("#messages tbody tr")).to_have_text([re.compile("Welcome, Ann")])
    expect(page.locator("#live")).to_have_text("Live")
    _shot(page, "home")


def test_the_home_page_follows_the_app_live(page: Any, app: SendX, emu: Emulator) -> None:
    """A call made while the page is open shows up without a reload, through the
    stream: one fetch of the overview per burst, not a poll."""
    overviews: list[str] = []
    page.on("request", lambda r: overviews.append(r.url) if "/overview" in r.url else None)
    page.goto(emu.page_url())
    expect(page.locator("#live")).to_have_text("Live")
    expect(page.locator("#contacts")).to_contain_text("No contacts yet.")
    for n in range(20):
        app.contacts.identify(email=f"live{n}@example.com")
    message_id = _send(app, "live0@example.com", "Live news", "<p>news</p>")
    expect(page.locator("#contacts tbody tr")).to_have_count(20)
    expect(page.locator("#messages")).to_contain_text("Live news")
    expect(page.locator(f'a[href="#/messages/{message_id}"]')).to_be_visible()
    assert len(overviews) <= 12, overviews  # 21 calls, a handful of fetches


def test_a_contact_has_its_own_link_with_its_timeline(page: Any, app: SendX, emu: Emulator) -> None:
    """The contact's deep link shows its fields, tags, lists, flags, LTV and its
    timeline of events and messages."""
    app.contacts.identify(email="cat@example.com", first_name="Cat")  # binds team-1
    app.lists.create(name="Newsletter")  # over REST, in the same team (the same key)
    app.contacts.update("cat@example.com", lists=["Newsletter"])
    app.contacts.track(email="cat@example.com", add_tags=["paid"])
    message_id = _send(app, "cat@example.com", "Receipt", "<p>Thanks</p>")
    ControlPlane(emu.control_url, TEAM).unsubscribe(message_id)
    page.goto(emu.page_url(TEAM, contact="cat@example.com"))
    main = page.locator("main")
    expect(page.locator("h1")).to_have_text("cat@example.com")
    expect(main.locator("dd").get_by_text("Cat", exact=True)).to_be_visible()
    expect(main).to_contain_text("paid")
    expect(main).to_contain_text("list_")  # its list, by id
    expect(main).to_contain_text("unsubscribed")
    expect(main.locator("dt", has_text="LTV")).to_be_visible()
    timeline = page.locator("main table").last
    expect(timeline).to_contain_text("tag_added")
    expect(timeline).to_contain_text("Receipt")
    _shot(page, "contact")
    timeline.get_by_role("link", name="Receipt").click()
    expect(page).to_have_url(emu.page_url(message=message_id))


def test_a_message_shows_its_parts_and_its_html_stays_inert(
    page: Any, app: SendX, emu: Emulator
) -> None:
    """The message's link shows its headers and text, and its HTML in a frame where
    no script runs: no dialog, nothing set on any window."""
    html = (
        "<p id=hi>Hello from the shop</p>"
        "<script>alert('boom'); parent.pwned = 1; window.pwned = 1;</script>"
        "<img src=x onerror=\"alert('img'); parent.pwned = 2\">"
        '<img src="http://198.51.100.7/pixel.gif" alt="a tracking pixel">'
    )
    message_id = _send(app, "dan@example.com", "Your order", html)
    # Chromium may report a request that the page's policy then refuses (a request
    # event, then the failure "csp"): what must not happen is one
    # that gets past the policy, to fail on the network or to be answered.
    past_policy: list[str] = []
    page.on("response", lambda response: past_policy.append(response.url))
    page.on(
        "requestfailed",
        lambda request: (
            None if "csp" in (request.failure or "").lower() else past_policy.append(request.url)
        ),
    )
    page.goto(emu.page_url(message=message_id))
    main = page.locator("main")
    expect(main).to_contain_text("Your order")
    expect(main).to_contain_text("shop@example.com")
    expect(main.locator("pre")).to_have_text("text of Your order")
    frame = page.locator("iframe")
    expect(frame).to_have_attribute("sandbox", "")
    expect(page.frame_locator("iframe").locator("#hi")).to_have_text("Hello from the shop")
    _shot(page, "message")
    assert page.evaluate("window.pwned") is None
    assert page.frames[1].evaluate("window.pwned") is None
    assert page.dialogs == []
    assert not [url for url in past_policy if "198.51.100.7" in url]  # nothing from elsewhere


def test_the_engagement_buttons_change_the_message(page: Any, app: SendX, emu: Emulator) -> None:
    """Open, click, bounce, spam and unsubscribe go to the control plane and show in
    the message's state."""
    message_id = _send(app, "eve@example.com", "Promo", "<a href='https://x.io'>x</a>")
    page.goto(emu.page_url(message=message_id))
    state = page.locator("#message-state")
    expect(state).to_have_text("sent")
    page.get_by_role("button", name="Simulate open").click()
    expect(state).to_have_text("open")
    page.get_by_label("Link to click").fill("https://shop.example/sale")
    page.get_by_role("button", name="Simulate click").click()
    expect(state).to_have_text("open, click")
    for kind in ("bounce", "spam", "unsubscribe"):  # one after the other: in this order
        page.get_by_role("button", name=f"Simulate {kind}").click()
        expect(state).to_have_text(re.compile(f"{kind}$"))
    expect(state).to_have_text("open, click, bounce, spam, unsubscribe")
    events = ControlPlane(emu.control_url, TEAM).message(message_id)["events"]  # type: ignore[index]
    assert [e.get("url") for e in events if e["type"] == "click"] == ["https://shop.example/sale"]


def test_hostile_names_show_as_text(page: Any, app: SendX, emu: Emulator) -> None:
    """Names holding markup are shown as the characters they are, never run."""
    app.contacts.identify(
        email="mallory@example.com",
        first_name='<img src=x onerror="alert(1); window.pwned=1">',
        last_name="<script>alert(2); window.pwned=2</script>",
        tags=["<b>bold</b>"],
    )
    page.goto(emu.page_url())
    row = page.locator("#contacts tbody tr")
    expect(row).to_contain_text('<img src=x onerror="alert(1); window.pwned=1">')
    expect(row).to_contain_text("<script>alert(2); window.pwned=2</script>")
    expect(row).to_contain_text("<b>bold</b>")
    page.goto(emu.page_url(TEAM, contact="mallory@example.com"))
    expect(page.locator("main")).to_contain_text("<script>alert(2); window.pwned=2</script>")
    assert page.locator("main img, main script, main b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert page.dialogs == []


def test_search_and_the_team_selector_narrow_the_home_page(
    page: Any, app: SendX, emu: Emulator
) -> None:
    """The team selector shows one team's contacts; the search box finds contacts by
    email or by name."""
    app.contacts.identify(email="fay@example.com", first_name="Fay")
    app.contacts.identify(email="gus@example.com", first_name="Gus", last_name="Rivera")
    with SendX(OTHER_KEY, OTHER_TEAM, base_url=emu.base_url, max_retries=0) as other:
        other.contacts.identify(email="hal@other.example")
    page.goto(emu.page_url())
    rows = page.locator("#contacts tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Team").select_option(OTHER_TEAM)
    expect(page).to_have_url(emu.page_url(OTHER_TEAM))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("hal@other.example")
    page.get_by_label("Team").select_option(TEAM)
    expect(rows).to_have_count(2)
    page.get_by_label("Search contacts by email or name").fill("rivera")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("gus@example.com")
    page.get_by_label("Search contacts by email or name").fill("FAY@")
    expect(rows).to_have_text([re.compile("fay@example.com")])


def test_the_documents_editor_shows_errors_next_to_the_field(page: Any, emu: Emulator) -> None:
    """A faults or rules document the emulator refuses shows its error next to its
    field, which is marked invalid; a valid one is saved."""
    page.goto(emu.root_url + "/#/settings")
    faults = page.get_by_label("The faults document (JSON)")
    expect(faults).to_have_value(re.compile('"faults"'))
    faults.fill('{"faults": [{"path": "/api/v1/contact/identify", "status": 99}]}')
    page.get_by_role("button", name="Save faults").click()
    error = page.locator("#faults-error")
    expect(error).to_contain_text("status")
    expect(faults).to_have_attribute("aria-invalid", "true")
    expect(faults).to_have_attribute("aria-describedby", "faults-error")
    rules = page.get_by_label("The rules document (JSON)")
    rules.fill('{"rules": [')
    page.get_by_role("button", name="Save rules").click()
    expect(page.locator("#rules-error")).to_contain_text("Not valid JSON")
    rules.fill(json.dumps({"rules": [{"on": "contact_created", "webhook": "ftp://x"}]}))
    page.get_by_role("button", name="Save rules").click()
    expect(page.locator("#rules-error")).to_contain_text("rules[0]")
    _shot(page, "settings")
    faults.fill('{"faults": [{"path": "/nowhere", "status": 503}]}')
    page.get_by_role("button", name="Save faults").click()
    expect(error).to_be_empty()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert ControlPlane(emu.control_url, TEAM).faults()[0]["status"] == 503


def test_webhook_deliveries_show_each_attempt(
    page: Any, app: SendX, emu: Emulator, receiver: Receiver
) -> None:
    """A delivery shows its request, and each attempt's status, time and answer."""
    receiver.plan = [500]
    rule = {"on": "contact_created", "webhook": receiver.url, "secret": "s3cret"}
    ControlPlane(emu.control_url, TEAM).set_rules([rule])
    app.contacts.identify(email="ivy@example.com")
    page.goto(emu.root_url + "/#/deliveries")
    summary = page.locator("details summary")
    expect(summary).to_contain_text("contact_created")
    expect(summary).to_contain_text("delivered (2 attempt(s)")
    summary.click()
    attempts = page.locator("details table tbody tr")
    expect(attempts).to_have_count(2)
    expect(attempts.first).to_contain_text("500")
    expect(attempts.nth(1)).to_contain_text("200")
    expect(page.locator("details pre").first).to_contain_text("ivy@example.com")
    expect(page.locator("details")).to_contain_text("X-SendX-Signature")
    page.goto(emu.root_url + "/#/events")
    expect(page.locator("main tbody tr")).to_contain_text(["contact_created"])


def test_the_page_is_usable_with_the_keyboard(page: Any, app: SendX, emu: Emulator) -> None:
    """Tab reaches the navigation, the team selector, the search box and the
    contacts' links; Enter follows a link."""
    app.contacts.identify(email="jo@example.com")
    page.goto(emu.page_url())
    expect(page.locator("#contacts tbody tr")).to_have_count(1)
    expect(page.locator("#live")).to_have_text("Live")
    focused = "document.activeElement.id || document.activeElement.textContent"
    expect(page.locator("h1")).to_be_focused()  # where a view starts
    reached = []
    for key in ["Shift+Tab"] * 6 + ["Tab"] * 12:
        page.keyboard.press(key)
        reached.append(page.evaluate(focused))
        if reached[-1] == "jo@example.com":
            break
    assert {"Events", "Faults and rules", "team", "search"} <= set(reached), reached
    assert reached[-1] == "jo@example.com", reached
    app.contacts.identify(email="kai@example.com")  # a live update keeps the focus
    expect(page.locator("#contacts tbody tr")).to_have_count(2)
    expect(page.get_by_role("link", name="jo@example.com")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(emu.page_url(TEAM, contact="jo@example.com"))
    expect(page.locator("h1")).to_be_focused()


def test_a_narrow_window_needs_no_sideways_scroll(page: Any, app: SendX, emu: Emulator) -> None:
    """At 360 px wide, the home, contact and message views fit the window."""
    long = "a-rather-long-address-for-a-narrow-phone-screen@example-company.com"
    app.contacts.identify(email=long, first_name="Kim", tags=["one", "two", "three"])
    message_id = _send(app, long, "A subject that is long enough to wrap", "<p>hi</p>")
    page.set_viewport_size({"width": 360, "height": 740})
    for url in (
        emu.page_url(),
        emu.page_url(TEAM, contact=long),
        emu.page_url(message=message_id),
    ):
        page.goto(url)
        expect(page.locator("main")).to_contain_text(long)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (url, width)
    _shot(page, "narrow-message")
