"""Take the README's picture of the web page: ``docs/emulator-page.png``.

``.venv/bin/python -m tests.emulator.web.screenshot`` from the checkout: an emulator with
a small shop's contacts and mail, made with the client, shown in Debian's Chromium as the
browser tests use it.
"""

from __future__ import annotations

import sys

from playwright.sync_api import expect, sync_playwright
from tests.emulator.web._browser import ARGS, ROOT, chromium_path

from sendx import SendX
from sendx.emulator import Emulator
from sendx.testing import ControlPlane

PEOPLE = [
    ("ada@example.com", "Ada", "Lovelace", ["customer"]),
    ("grace@example.com", "Grace", "Hopper", ["trial"]),
    ("alan@example.com", "Alan", "Turing", ["customer", "beta"]),
    ("katherine@example.org", "Katherine", "Johnson", []),
]


def main() -> int:
    path = chromium_path()
    if path is None:
        print("no Chromium: apt-get install chromium", file=sys.stderr)
        return 1
    with Emulator() as emu:
        rest = emu.base_url + "/rest"
        with SendX("shop-key", "shop", base_url=emu.base_url, rest_base_url=rest) as app:
            for email, first, last, tags in PEOPLE:
                app.contacts.identify(email, first_name=first, last_name=last, tags=tags)
            sent = []
            for email, first, _, _ in PEOPLE[:3]:
                [result] = app.emails.send(
                    from_="Shop <shop@example.com>",
                    to=email,
                    subject=f"Welcome aboard, {first}",
                    html_body=f"<p>Hello {first}!</p>",
                )
                sent.append(str(result.message_id))
        plane = ControlPlane(emu.control_url, "shop")
        plane.open(sent[0])
        plane.click(sent[0], "https://shop.example/start")
        with SendX("blog-key", "blog", base_url=emu.base_url) as blog:
            blog.contacts.identify("reader@example.net", first_name="Rae", tags=["newsletter"])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 440})
            page.goto(emu.page_url())
            expect(page.locator("#messages tbody tr")).to_have_count(3)
            expect(page.locator("#live")).to_have_text("Live")
            page.locator("body").focus()
            page.screenshot(path=str(ROOT / "docs" / "emulator-page.png"))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
