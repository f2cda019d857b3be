"""A tour of SendX's own Python SDK (PyPI ``sendx`` 2.0.0, ``sendx_python_sdk``) against
the emulator: every operation of its 17 API classes (63), unchanged, in an order
where each finds what it needs (a contact's list, a campaign's sender).

Run inside an environment that has the SDK (it pins urllib3 below 2.1, so not ours):
``SENDX_TOUR_URL`` is the REST base URL (``http://HOST:PORT/api/v1/rest``),
``SENDX_TOUR_KEY`` the team's key and ``SENDX_TOUR_TEAM`` its id (for the postback
URLs). It prints one JSON object: ``{"operations": {"ContactApi.create_contact":
null | "what went wrong", ...}}`` and exits 0, whatever failed: the caller judges.

Each step checks what the SDK gave back, since the SDK itself answers ``None`` for a
status it does not expect (a create that is not a 201) instead of raising.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import sendx_python_sdk as sdk
from sendx_python_sdk import models

OPERATIONS: dict[str, str | None] = {}


class TourError(Exception):
    """A step's answer is not what the tour expected."""


def expect(condition: object, what: str) -> None:
    if not condition:
        raise TourError(what)


def step(name: str, call: Callable[[], Any]) -> Any:
    """Run one operation; record ``None`` (it worked) or what went wrong."""
    try:
        result = call()
    except sdk.ApiException as exc:
        OPERATIONS[name] = f"HTTP {exc.status}: {str(exc.body)[:300]}"
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.name != "expect"]
        OPERATIONS[name] = f"{type(exc).__name__}: {str(exc)[:400]} (line {frames[-1].lineno})"
    else:
        OPERATIONS[name] = None
        return result
    return None


def skipped(name: str, needs: str) -> None:
    OPERATIONS[name] = f"not run: needs {needs}"


def prefixed(value: Any, prefix: str) -> str:
    expect(
        isinstance(value, str) and value.startswith(prefix),
        f"id {value!r} should start with {prefix}",
    )
    return str(value)


def tour(client: sdk.ApiClient, team: str) -> None:
    members = sdk.TeamMemberApi(client)
    lists = sdk.ListApi(client)
    tags = sdk.TagApi(client)
    fields = sdk.CustomFieldApi(client)
    contacts = sdk.ContactApi(client)
    tracking = sdk.TrackingApi(client)
    senders = sdk.SenderApi(client)
    templates = sdk.TemplateApi(client)
    sending = sdk.EmailSendingApi(client)
    campaigns = sdk.CampaignApi(client)
    reports = sdk.ReportApi(client)
    events = sdk.EventsApi(client)
    postbacks = sdk.EventApi(client)
    webhooks = sdk.WebhookApi(client)
    categories = sdk.PostCategoryApi(client)
    post_tags = sdk.PostTagApi(client)
    posts = sdk.PostApi(client)

    # Team members: the owner at least.
    def all_members() -> Any:
        found = members.get_all_team_members()
        expect(found, "the team should have its owner")
        return found

    found_members = step("TeamMemberApi.get_all_team_members", all_members)
    member_id = None
    if found_members:
        member_id = prefixed(found_members[0].id, "member_")

        def one_member() -> None:
            got = members.get_team_member(member_id)
            expect(got is not None and got.id == member_id, "the member asked for")

        step("TeamMemberApi.get_team_member", one_member)
    else:
        skipped("TeamMemberApi.get_team_member", "a member")

    # Lists, tags and custom fields: create, get, update, list (deleted at the end).
    def crud(
        api_name: str,
        prefix: str,
        create: Callable[[], Any],
        get: Callable[[str], Any],
        update: Callable[[str], Any],
        listed: Callable[[], Any],
        names: tuple[str, str, str, str],
    ) -> str | None:
        create_name, get_name, update_name, list_name = names

        def created() -> str:
            obj = create()
            expect(obj is not None, "a create should answer 201 with the object")
            return prefixed(obj.id, prefix)

        obj_id = step(f"{api_name}.{create_name}", created)
        if obj_id is None:
            for name in (get_name, update_name):
                skipped(f"{api_name}.{name}", "the created object")
        else:

            def got() -> None:
                obj = get(obj_id)
                expect(obj is not None and obj.id == obj_id, "the object asked for")

            def updated() -> None:
                obj = update(obj_id)
                expect(obj is not None and obj.id == obj_id, "the updated object")

            step(f"{api_name}.{get_name}", got)
            step(f"{api_name}.{update_name}", updated)

        def all_of() -> None:
            found = listed()
            expect(isinstance(found, list), "a list")
            if obj_id is not None:
                expect(obj_id in [o.id for o in found], "the created object in the list")

        step(f"{api_name}.{list_name}", all_of)
        return obj_id

    list_id = crud(
        "ListApi",
        "list_",
        lambda: lists.create_list(models.RestEList(name="Tour list")),
        lists.get_list,
        lambda i: lists.update_list(i, models.RestEList(name="Tour list, renamed")),
        lambda: lists.get_all_lists(offset=0, limit=10),
        ("create_list", "get_list", "update_list", "get_all_lists"),
    )
    tag_id = crud(
        "TagApi",
        "tag_",
        lambda: tags.create_tag(models.RestETag(name="tour-tag")),
        tags.get_tag,
        lambda i: tags.update_tag(i, models.RestETag(name="tour-tag-renamed")),
        lambda: tags.get_all_tags(offset=0, limit=10),
        ("create_tag", "get_tag", "update_tag", "get_all_tags"),
    )
    field_id = crud(
        "CustomFieldApi",
        "custom_field_",
        lambda: fields.create_custom_field(
            models.RestECustomField(name="Plan", type=0, description="The plan")
        ),
        fields.get_custom_field,
        lambda i: fields.update_custom_field(
            i, models.RestECustomField(name="Plan", type=0, description="The plan, again")
        ),
        lambda: fields.get_all_custom_fields(offset=0, limit=10),
        ("create_custom_field", "get_custom_field", "update_custom_field", "get_all_custom_fields"),
    )

    # Contacts.
    email = "ada@example.com"

    def create_contact() -> str:
        contact = contacts.create_contact(
            models.RestEContact(
                email=email,
                first_name="Ada",
                last_name="Lovelace",
                company="Engines",
                lists=[list_id] if list_id else None,
                tags=[tag_id] if tag_id else None,
                custom_fields={"field_" + field_id.split("_")[-1]: "pro"} if field_id else None,
            )
        )
        expect(contact is not None, "a create should answer 201 with the contact")
        contact_id = prefixed(contact.id, "contact_")
        if list_id:
            expect(contact.lists == [list_id], f"the contact's lists: {contact.lists}")
        if tag_id:
            expect(contact.tags == [tag_id], f"the contact's tags: {contact.tags}")
        if field_id:
            expect(list(contact.custom_fields.values()) == ["pro"], "the contact's fields")
        return contact_id

    contact_id = step("ContactApi.create_contact", create_contact)
    if contact_id:

        def get_contact() -> None:
            contact = contacts.get_contact(contact_id)
            expect(contact is not None and contact.email == email, "the contact asked for")

        def update_contact() -> None:
            # The SDK's model requires the email: an update repeats it.
            contact = contacts.update_contact(
                contact_id, models.RestEContact(email=email, company="Analytical Engines")
            )
            expect(contact is not None and contact.company == "Analytical Engines", "updated")

        step("ContactApi.get_contact", get_contact)
        step("ContactApi.update_contact", update_contact)
    else:
        for name in ("get_contact", "update_contact"):
            skipped(f"ContactApi.{name}", "the created contact")

    def all_contacts() -> None:
        found = contacts.get_all_contacts(offset=0, limit=10, search="lovelace")
        expect([c.email for c in found] == [email], "the search finds the contact")

    step("ContactApi.get_all_contacts", all_contacts)

    # identify and track: tags by name, created on first use.
    def identify() -> None:
        answer = tracking.identify_contact(
            models.IdentifyRequest(
                email="grace@example.com",
                first_name="Grace",
                tags=["navy"],
                custom_fields={"Rank": "admiral"},
            )
        )
        expect(answer is not None and answer.status, "identify's answer")

    def track() -> None:
        answer = tracking.track_contact(
            models.TrackRequest(email="grace@example.com", add_tags=["cobol"], remove_tags=[])
        )
        expect(answer is not None and answer.status, "track's answer")

    step("TrackingApi.identify_contact", identify)
    step("TrackingApi.track_contact", track)

    # Senders and templates.
    def create_sender() -> str:
        sender = senders.create_sender(models.RestESender(name="Tour", email="tour@example.com"))
        expect(sender is not None, "a create should answer 201 with the sender")
        return prefixed(sender.id, "sender_")

    sender_id = step("SenderApi.create_sender", create_sender)

    def all_senders() -> None:
        found = senders.get_all_senders()
        if sender_id:
            expect(sender_id in [s.id for s in found], "the created sender in the list")

    step("SenderApi.get_all_senders", all_senders)

    template_id = crud(
        "TemplateApi",
        "template_",
        lambda: templates.create_email_template(
            models.RestETemplate(
                name="Welcome",
                subject="Hello {{firstName}}",
                html_content="<p>Hello {{firstName}}</p>",
                text_content="Hello {{firstName}}",
            )
        ),
        templates.get_email_template,
        lambda i: templates.update_email_template(
            i, models.RestETemplate(name="Welcome", subject="Welcome, {{firstName}}")
        ),
        lambda: templates.get_all_email_templates(offset=0, limit=10),
        (
            "create_email_template",
            "get_email_template",
            "update_email_template",
            "get_all_email_templates",
        ),
    )

    # Transactional email: captured, one answer per recipient.
    def send_email() -> None:
        answers = sending.send_email(
            models.XEmailMessage(
                var_from=models.XFrom(email="tour@example.com", name="Tour"),
                to=[models.XTo(email=email, name="Ada")],
                subject="Hi",
                html_body="<p>Hi</p>",
                text_body="Hi",
                headers={"X-Tour": "1"},
            )
        )
        expect(answers and answers[0].message_id, f"one answer with a messageId: {answers}")

    step("EmailSendingApi.send_email", send_email)
    if template_id:

        def send_template() -> None:
            answers = sending.send_email_with_template(
                models.TemplateEmailMessage(
                    var_from=models.XFrom(email="tour@example.com"),
                    to=[models.XTo(email=email)],
                    subject="Hi",
                    template=template_id,
                )
            )
            expect(answers and answers[0].message_id, f"one answer with a messageId: {answers}")

        step("EmailSendingApi.send_email_with_template", send_template)
    else:
        skipped("EmailSendingApi.send_email_with_template", "a template")

    # Campaigns and their report.
    campaign_id = None
    if sender_id and list_id:

        def create_campaign() -> str:
            campaign = campaigns.create_campaign(
                models.RestECampaign(
                    name="Launch",
                    subject="We launched",
                    sender=sender_id,
                    html_code="<p>Launched</p>",
                    included_lists=[list_id],
                    schedule_type=0,
                )
            )
            expect(campaign is not None, "a create should answer 201 with the campaign")
            return prefixed(campaign.id, "campaign_")

        campaign_id = step("CampaignApi.create_campaign", create_campaign)
    else:
        skipped("CampaignApi.create_campaign", "a sender and a list")
    if campaign_id:

        def get_campaign() -> None:
            campaign = campaigns.get_campaign(campaign_id)
            expect(campaign is not None and campaign.id == campaign_id, "the campaign asked for")

        def report() -> None:
            data = reports.get_campaign_report(campaign_id)
            expect(data is not None, "the campaign's report")

        step("CampaignApi.get_campaign", get_campaign)
        step("ReportApi.get_campaign_report", report)
    else:
        skipped("CampaignApi.get_campaign", "a campaign")
        skipped("ReportApi.get_campaign_report", "a campaign")

    def all_campaigns() -> None:
        found = campaigns.get_all_campaigns(offset=0, limit=10)
        if campaign_id:
            expect(campaign_id in [c.id for c in found], "the created campaign in the list")

    step("CampaignApi.get_all_campaigns", all_campaigns)

    # Revenue and custom events, and their postback URLs.
    if contact_id:

        def revenue() -> None:
            answer = events.track_revenue_event(
                models.RevenueEventRequest(identifier=contact_id, amount=12.5, source="tour")
            )
            expect(answer is not None, "the revenue event's answer")
            contact = contacts.get_contact(contact_id)
            expect(contact.ltv == 1250, f"the contact's LTV in cents: {contact.ltv}")

        def custom() -> None:
            answer = events.track_custom_event(
                models.CustomEventRequest(
                    identifier=contact_id, name="signup", data={"plan": "pro"}
                )
            )
            expect(answer is not None, "the custom event's answer")

        step("EventsApi.track_revenue_event", revenue)
        step("EventsApi.track_custom_event", custom)

        def custom_postback() -> None:
            answer = postbacks.events_custom_postback_get(team, contact_id, "visit", "home")
            expect(answer is not None, "the postback's answer")

        step("EventApi.events_custom_postback_get", custom_postback)
        if campaign_id:

            def revenue_postback() -> None:
                answer = postbacks.events_revenue_postback_get(team, contact_id, 3.5, campaign_id)
                expect(answer is not None, "the postback's answer")

            step("EventApi.events_revenue_postback_get", revenue_postback)
        else:
            skipped("EventApi.events_revenue_postback_get", "a campaign")
    else:
        for name in (
            "EventsApi.track_revenue_event",
            "EventsApi.track_custom_event",
            "EventApi.events_custom_postback_get",
            "EventApi.events_revenue_postback_get",
        ):
            skipped(name, "a contact")

    # Webhooks.
    def create_webhook() -> Any:
        return webhooks.create_webhook(
            models.RestEWebhook(url="http://127.0.0.1:9/hooks", enabled=True, opened=True)
        )

    webhook_id = crud(
        "WebhookApi",
        "webhook_",
        create_webhook,
        webhooks.get_webhook,
        lambda i: webhooks.update_webhook(
            i, models.RestEWebhook(url="http://127.0.0.1:9/hooks", enabled=False)
        ),
        webhooks.get_all_webhooks,
        ("create_webhook", "get_webhook", "update_webhook", "get_all_webhooks"),
    )

    # Posts, with a category and a tag.
    category_id = crud(
        "PostCategoryApi",
        "post_category_",
        lambda: categories.create_post_category(models.RestEPostCategory(name="News")),
        categories.get_post_category,
        lambda i: categories.update_post_category(i, models.RestEPostCategory(name="Updates")),
        categories.get_all_post_categories,
        (
            "create_post_category",
            "get_post_category",
            "update_post_category",
            "get_all_post_categories",
        ),
    )
    post_tag_id = crud(
        "PostTagApi",
        "post_tag_",
        lambda: post_tags.create_post_tag(models.RestEPostTag(name="release")),
        post_tags.get_post_tag,
        lambda i: post_tags.update_post_tag(i, models.RestEPostTag(name="releases")),
        post_tags.get_all_post_tags,
        ("create_post_tag", "get_post_tag", "update_post_tag", "get_all_post_tags"),
    )
    post_id = crud(
        "PostApi",
        "post_",
        lambda: posts.create_post(
            models.RestEPost(
                name="launch",
                post_title="We launched",
                post_html="<p>Launched</p>",
                post_category=category_id,
                included_tags=[post_tag_id] if post_tag_id else None,
                member=member_id,
                is_published=True,
            )
        ),
        posts.get_post,
        lambda i: posts.update_post(
            i, models.RestEPost(name="launch", post_title="We launched, at last")
        ),
        lambda: posts.get_all_posts(offset=0, limit=10),
        ("create_post", "get_post", "update_post", "get_all_posts"),
    )

    # Unsubscribe, then delete everything, each kind through its own operation.
    if contact_id:

        def unsubscribe() -> None:
            answer = contacts.unsubscribe_contact(contact_id)
            expect(answer is not None, "the unsubscribe's answer")
            expect(contacts.get_contact(contact_id).unsubscribed is True, "unsubscribed")

        step("ContactApi.unsubscribe_contact", unsubscribe)
    else:
        skipped("ContactApi.unsubscribe_contact", "a contact")

    for name, obj_id, delete in (
        ("PostApi.delete_post", post_id, posts.delete_post),
        ("PostTagApi.delete_post_tag", post_tag_id, post_tags.delete_post_tag),
        ("PostCategoryApi.delete_post_category", category_id, categories.delete_post_category),
        ("WebhookApi.delete_webhook", webhook_id, webhooks.delete_webhook),
        ("CampaignApi.delete_campaign", campaign_id, campaigns.delete_campaign),
        ("TemplateApi.delete_email_template", template_id, templates.delete_email_template),
        ("ContactApi.delete_contact", contact_id, contacts.delete_contact),
        ("CustomFieldApi.delete_custom_field", field_id, fields.delete_custom_field),
        ("TagApi.delete_tag", tag_id, tags.delete_tag),
        ("ListApi.delete_list", list_id, lists.delete_list),
    ):
        if obj_id is None:
            skipped(name, "the object to delete")
            continue

        def deleted(obj_id: str = obj_id, delete: Callable[[str], Any] = delete) -> None:
            answer = delete(obj_id)
            expect(answer is not None and answer.status == "success", f"deleted: {answer}")

        step(name, deleted)


def sdk_operations() -> list[str]:
    """Every operation of the SDK: the public methods of the API classes it exports."""
    found = []
    for name in dir(sdk):
        api = getattr(sdk, name)
        if isinstance(api, type) and name.endswith("Api") and name != "ApiClient":
            found += [
                f"{name}.{method}"
                for method in vars(api)
                if not method.startswith("_")
                and not method.endswith(("_with_http_info", "_without_preload_content"))
            ]
    return found


def main() -> int:
    configuration = sdk.Configuration(host=os.environ["SENDX_TOUR_URL"])
    configuration.api_key["TeamApiKey"] = os.environ["SENDX_TOUR_KEY"]
    with sdk.ApiClient(configuration) as client:
        tour(client, os.environ["SENDX_TOUR_TEAM"])
    for name in sdk_operations():
        OPERATIONS.setdefault(name, "not toured")
    json.dump({"sdk": sdk.__version__, "operations": OPERATIONS}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
