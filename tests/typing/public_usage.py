"""Type-checked (never run) uses of the public API: mypy --strict must accept these and
reject the misuses marked below, so a change to a signature shows up here first."""

from __future__ import annotations

import datetime
import decimal

import sendx
from sendx.types import (
    AsyncPager,
    Campaign,
    CampaignReport,
    ContactList,
    ContactRecord,
    CustomField,
    Deleted,
    EmailResult,
    LinkStat,
    Member,
    Message,
    Pager,
    Post,
    PostCategory,
    PostTag,
    Sender,
    Tag,
    Template,
    Webhook,
)


def sync_usage() -> None:
    with sendx.SendX("key", "team", timeout=sendx.Timeout(connect=2, read=10)) as client:
        contact: sendx.Contact = client.contacts.identify(
            "a@b.co",
            first_name="Ada",
            birthday=datetime.date(1990, 1, 2),
            tags=["x"],
            custom_fields={"Visits": sendx.increment(1), "Plan": "pro", "Seats": 3, "On": True},
        )
        email: str | None = contact.email
        client.contacts.track("a@b.co", add_tags=["paid"], remove_tags=["trial"])
        del email


async def async_usage() -> None:
    async with sendx.AsyncSendX(max_retries=0) as client:
        contact = await client.contacts.identify("a@b.co", timeout=5)
        tags: list[str] = contact.tags
        await client.contacts.track("a@b.co")
        del tags


def misuse() -> None:
    """Each line is an error mypy must report (``warn_unused_ignores`` fails otherwise)."""
    client = sendx.SendX("key", "team")
    client.contacts.identify(5)  # type: ignore[arg-type]
    client.contacts.identify("a@b.co", "Ada")  # type: ignore[call-arg]
    client.contacts.identify("a@b.co", custom_fields={"Visits": None})  # type: ignore[dict-item]
    client.contacts.identify("a@b.co", birthday=19890303)  # type: ignore[arg-type]
    client.contacts.track("a@b.co", add_tags=5)  # type: ignore[arg-type]
    sendx.SendX("key", "team", "https://example.com")  # type: ignore[call-arg]
    not_a_contact: int = client.contacts.identify("a@b.co")  # type: ignore[assignment]
    nothing: sendx.Contact = client.contacts.track("a@b.co")  # type: ignore[assignment, func-returns-value]
    sendx.increment("5")  # type: ignore[arg-type]
    del not_a_contact, nothing


def outbox_usage(client: sendx.SendX) -> None:
    outbox: sendx.Outbox = client.outbox("spool.db", workers=4, on_full="raise")
    outbox.identify("a@b.co", tags=["x"], custom_fields={"Visits": sendx.increment()})
    outbox.track("a@b.co", add_tags=["paid"])
    result: sendx.FlushResult = outbox.flush(10)
    pending: int = result.pending
    outbox.close(10)
    del pending


async def async_outbox_usage(client: sendx.AsyncSendX) -> None:
    outbox: sendx.AsyncOutbox = client.outbox(coalesce=False)
    await outbox.identify("a@b.co")
    await outbox.close()


# The REST API


def rest_contacts_usage(client: sendx.SendX) -> None:
    record: ContactRecord = client.contacts.create(
        email="a@b.co",
        first_name="Ada",
        custom_fields={"Plan": "pro", "Seats": 3, "On": True, "Score": 1.5},
        lists=["Newsletter", "list_AAAAAAAAAAAAAAAAAAAAAA"],
        tags=("vip",),
        last_tracked_ip="10.0.0.1",
        timeout=5,
    )
    fields: dict[str, str] = record.custom_fields
    ltv: int = record.ltv
    created: datetime.datetime | None = record.created
    record = client.contacts.get("a@b.co")
    record = client.contacts.update(record.id, company="Acme", tags=[], timeout=(1, 5))
    deleted: Deleted = client.contacts.delete("a@b.co")
    message: Message = client.contacts.unsubscribe(record.id)
    every: Pager[ContactRecord] = client.contacts.list(search="ada")
    page: list[ContactRecord] = client.contacts.list().page(offset=100, limit=50)
    for each in client.contacts.list():
        email: str = each.email
        del email
    del fields, ltv, created, deleted, message, every, page


def rest_catalogue_usage(client: sendx.SendX) -> None:
    """Lists, tags and custom fields: create, get, update, delete, list."""
    a_list: ContactList = client.lists.create(name="Newsletter")
    kind: int = a_list.type
    a_list = client.lists.update("Newsletter", name="Weekly")
    a_list = client.lists.get(a_list.id, timeout=2.5)
    deleted: Deleted = client.lists.delete(a_list.id)
    names: list[str] = [each.name for each in client.lists.list(search="week")]
    lists: list[ContactList] = client.lists.list().page(limit=10)

    tag: Tag = client.tags.create(name="vip")
    tag = client.tags.update(tag.id, name="VIP")
    tag = client.tags.get("VIP")
    deleted = client.tags.delete(tag.id)
    tags: Pager[Tag] = client.tags.list()

    field: CustomField = client.custom_fields.create(name="Plan", type="text", description="d")
    field = client.custom_fields.create(name="Seats", type=1)
    field = client.custom_fields.update("Plan", type="date", description=None)
    field = client.custom_fields.get(field.id)
    type_name: str | None = field.type_name
    deleted = client.custom_fields.delete("Plan")
    fields: list[CustomField] = list(client.custom_fields.list(search="pl"))
    del kind, deleted, names, lists, tags, type_name, fields


def rest_content_usage(client: sendx.SendX) -> None:
    """Templates, webhooks, senders and members."""
    template: Template = client.templates.create(
        name="Welcome", subject="Hi", html_content="<p>Hi</p>", text_content="Hi", tags=["a"]
    )
    html: str = template.html_code
    template = client.templates.update("Welcome", preheader="Hello", tags=[])
    template = client.templates.get(template.id)
    deleted: Deleted = client.templates.delete("Welcome")
    templates: Pager[Template] = client.templates.list(search="wel")

    hook: Webhook = client.webhooks.create(url="https://x.io/h", opened=True, marked_spam=True)
    hook = client.webhooks.update(hook.id, enabled=False, clicked=True)
    hook = client.webhooks.get(hook.id)
    opened: bool = hook.opened
    deleted = client.webhooks.delete(hook.id)
    hooks: list[Webhook] = client.webhooks.list().page()

    sender: Sender = client.senders.create(name="Shop", email="shop@x.io")
    verified: bool = sender.is_whitelisted
    senders: Pager[Sender] = client.senders.list()

    member: Member = client.members.get("member_AAAAAAAAAAAAAAAAAAAAAA")
    members: list[Member] = list(client.members.list())
    full_name: str = member.full_name
    del html, deleted, templates, opened, hooks, verified, senders, members, full_name


def rest_messaging_usage(client: sendx.SendX) -> None:
    """Emails, events, campaigns and reports."""
    results: list[EmailResult] = client.emails.send(
        from_="Shop <shop@x.io>",
        to=["a@b.co", {"email": "c@d.co", "name": "C", "cc": "e@f.co"}],
        subject="Hi",
        html_body="<p>Hi</p>",
        text_body="Hi",
        reply_to={"email": "help@x.io", "name": "Help"},
        headers={"X-Order": "1"},
        timeout=10,
    )
    ok: bool = results[0].ok
    results = client.emails.send_template(
        from_="shop@x.io", to="a@b.co", subject="Hi", template="template_AAAAAAAAAAAAAAAAAAAAAA"
    )
    message: Message = client.events.revenue(identifier="a@b.co", amount=decimal.Decimal("9.99"))
    message = client.events.revenue(identifier="a@b.co", amount=9.99, source="shop", time=0)
    message = client.events.custom(
        identifier="contact_AAAAAAAAAAAAAAAAAAAAAA",
        name="signed_up",
        data={"plan": "pro", "seats": 3},
        time=datetime.datetime.now(datetime.timezone.utc),
    )

    campaign: Campaign = client.campaigns.create(
        name="Spring",
        subject="Sale",
        sender="sender_AAAAAAAAAAAAAAAAAAAAAA",
        html_code="<p>Sale</p>",
        included_lists=["Customers"],
        excluded_tags=["churned"],
        schedule_type=1,
    )
    campaign = client.campaigns.create(
        name="Later",
        subject="Soon",
        sender="sender_AAAAAAAAAAAAAAAAAAAAAA",
        html_code="<p>Soon</p>",
        schedule_condition=datetime.date(2030, 1, 1),
    )
    campaign = client.campaigns.get("Spring")
    status: int = campaign.status
    deleted: Deleted = client.campaigns.delete(campaign.id)
    drafts: Pager[Campaign] = client.campaigns.list(campaign_type="draft")
    report: CampaignReport = client.reports.campaign(campaign.id)
    links: list[LinkStat] = report.link_stats
    sent: int = report.sent_contact_count
    del ok, message, status, deleted, drafts, links, sent


def rest_posts_usage(client: sendx.SendX) -> None:
    category: PostCategory = client.post_categories.create(name="News")
    category = client.post_categories.update("News", name="Updates")
    category = client.post_categories.get(category.id)
    tag: PostTag = client.post_tags.create(name="python")
    tag = client.post_tags.update(tag.id, name="py")
    tag = client.post_tags.get("py")
    post: Post = client.posts.create(
        name="launch",
        post_title="We launched",
        post_category="Updates",
        included_tags=["py"],
        member="member_AAAAAAAAAAAAAAAAAAAAAA",
        is_published=True,
        editor_type=1,
    )
    post = client.posts.update("launch", post_title="Launched", included_tags=[])
    post = client.posts.get(post.id)
    published: bool = post.is_published
    posts: Pager[Post] = client.posts.list()
    categories: list[PostCategory] = list(client.post_categories.list())
    post_tags: list[PostTag] = client.post_tags.list().page()
    deleted: Deleted = client.posts.delete(post.id)
    deleted = client.post_tags.delete(tag.id)
    deleted = client.post_categories.delete(category.id)
    del published, posts, categories, post_tags, deleted


async def async_rest_usage(client: sendx.AsyncSendX) -> None:
    """The same methods on the async client, awaited; lists with ``async for``."""
    record: ContactRecord = await client.contacts.create(email="a@b.co", tags=["vip"])
    record = await client.contacts.get(record.id)
    record = await client.contacts.update("a@b.co", lists=["Newsletter"])
    deleted: Deleted = await client.contacts.delete("a@b.co")
    message: Message = await client.contacts.unsubscribe("a@b.co")
    contacts: AsyncPager[ContactRecord] = client.contacts.list(search="ada")
    async for each in contacts:
        first_name: str | None = each.first_name
        del first_name
    page: list[ContactRecord] = await client.contacts.list().page(0, 100)

    a_list: ContactList = await client.lists.create(name="Newsletter")
    a_list = await client.lists.update(a_list.id, name="Weekly")
    a_list = await client.lists.get("Weekly")
    deleted = await client.lists.delete(a_list.id)
    async for each_list in client.lists.list(search="w"):
        name: str = each_list.name
        del name
    tag: Tag = await client.tags.create(name="vip")
    tag = await client.tags.update(tag.id, name="VIP")
    tags: list[Tag] = await client.tags.list().page()
    field: CustomField = await client.custom_fields.create(name="Plan", type="number")
    field = await client.custom_fields.update(field.id, name="Tier")
    template: Template = await client.templates.create(name="W", subject="S")
    template = await client.templates.get(template.id)
    hook: Webhook = await client.webhooks.create(url="https://x.io/h", contact_created=True)
    hook = await client.webhooks.update(hook.id, url="https://x.io/g")
    sender: Sender = await client.senders.create(name="Shop", email="shop@x.io")
    async for member in client.members.list():
        got: Member = await client.members.get(member.id)
        del got
    results: list[EmailResult] = await client.emails.send(
        from_="shop@x.io", to="a@b.co", subject="Hi", html_body="<p>Hi</p>"
    )
    results = await client.emails.send_template(
        from_="shop@x.io", to=["a@b.co"], subject="Hi", template=template.id
    )
    message = await client.events.revenue(identifier="a@b.co", amount=1)
    message = await client.events.custom(identifier="a@b.co", name="x")
    campaign: Campaign = await client.campaigns.create(
        name="C", subject="S", sender=sender.id, html_code="<p>x</p>"
    )
    report: CampaignReport = await client.reports.campaign(campaign.id)
    async for each_campaign in client.campaigns.list(campaign_type="sent"):
        del each_campaign
    post: Post = await client.posts.create(name="p", post_title="P")
    category: PostCategory = await client.post_categories.create(name="News")
    post_tag: PostTag = await client.post_tags.create(name="py")
    deleted = await client.posts.delete(post.id)
    deleted = await client.post_categories.delete(category.id)
    deleted = await client.post_tags.delete(post_tag.id)
    del deleted, message, page, tags, hook, results, report


def rest_misuse(client: sendx.SendX, aclient: sendx.AsyncSendX) -> None:
    """Each line is an error mypy must report."""
    sendx.SendX(rest_base_url=5)  # type: ignore[arg-type]
    client.contacts.create("a@b.co")  # type: ignore[call-arg]
    client.contacts.create(email="a@b.co", custom_fields={"Plan": None})  # type: ignore[dict-item]
    client.contacts.create(email="a@b.co", tags="vip", lists=5)  # type: ignore[arg-type]
    client.contacts.update("a@b.co", "Ada")  # type: ignore[call-arg]
    client.contacts.get(5)  # type: ignore[arg-type]
    client.contacts.list("ada")  # type: ignore[call-arg]
    client.contacts.list().page(offset="0")  # type: ignore[arg-type]
    not_a_record: sendx.Contact = client.contacts.get("a@b.co")  # type: ignore[assignment]
    client.lists.create("Newsletter")  # type: ignore[call-arg]
    client.lists.update("Newsletter", type=1)  # type: ignore[call-arg]
    not_a_list: ContactRecord = client.lists.get("Newsletter")  # type: ignore[assignment]
    client.tags.list(search="v")  # type: ignore[call-arg]
    client.custom_fields.create(name="Plan", type="colour")  # type: ignore[arg-type]
    client.custom_fields.create(name="Plan")  # type: ignore[call-arg]
    client.templates.create(name="W")  # type: ignore[call-arg]
    client.webhooks.create(url="https://x.io", opened="yes")  # type: ignore[arg-type]
    client.senders.get("sender_AAAAAAAAAAAAAAAAAAAAAA")  # type: ignore[attr-defined]
    client.members.create(email="a@b.co")  # type: ignore[attr-defined]
    client.campaigns.update("Spring", name="x")  # type: ignore[attr-defined]
    client.campaigns.list(campaign_type="archived")  # type: ignore[arg-type]
    client.emails.send(from_="a@b.co", to="c@d.co", subject="s")  # type: ignore[call-arg]
    client.emails.send("a@b.co", "c@d.co", "s", "<p>x</p>")  # type: ignore[call-arg]
    client.emails.send_template(from_="a@b.co", to=5, subject="s", template="t")  # type: ignore[arg-type]
    client.events.revenue(identifier="a@b.co", amount="9.99")  # type: ignore[arg-type]
    one_result: EmailResult = client.emails.send(  # type: ignore[assignment]
        from_="a@b.co", to="c@d.co", subject="s", html_body="b"
    )
    client.posts.create(name="p")  # type: ignore[call-arg]
    for each in aclient.lists.list():  # type: ignore[attr-defined]
        del each
    not_awaited: ContactList = aclient.lists.get("Newsletter")  # type: ignore[assignment]
    del not_a_record, not_a_list, one_result, not_awaited
