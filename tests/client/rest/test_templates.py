"""client.templates: email templates, by id or name; their tags are free labels."""

from __future__ import annotations

import pytest
from tests.client.rest._named import check_crud_by_id, check_crud_by_name
from tests.client.rest.conftest import Client

import sendx


def test_crud_by_id(client: Client) -> None:
    check_crud_by_id(client.templates, "template_", name="Welcome", subject="Hi {{first_name}}")


def test_crud_by_name(client: Client) -> None:
    check_crud_by_name(client, client.templates, name="Welcome", subject="Hi")


def test_every_property_is_written_and_read_back(client: Client) -> None:
    template = client.templates.create(
        name="Welcome",
        subject="Hi {{first_name}}",
        html_content="<h1>Welcome!</h1>",
        text_content="Welcome!",
        preheader="A warm hello",
        tags=["onboarding", "2025"],
    )
    assert template.subject == "Hi {{first_name}}"
    assert template.html_code == "<h1>Welcome!</h1>"
    assert (template.text_content, template.preheader) == ("Welcome!", "A warm hello")
    assert template.tags == ["onboarding", "2025"]
    assert (template.type, template.thumbnail) == (0, None)
    updated = client.templates.update("Welcome", html_content="<h1>Hello!</h1>", tags=[])
    assert (updated.html_code, updated.tags, updated.subject) == (
        "<h1>Hello!</h1>",
        [],
        template.subject,
    )


def test_tags_are_labels_not_contact_tags(client: Client) -> None:
    """A template's tags are sent as given: no lookup, no contact tag needed."""
    client.sent.clear()
    template = client.templates.create(name="T", subject="S", tags=["no such contact tag"])
    assert template.tags == ["no such contact tag"]
    assert client.sent == [("POST", "/template/email")]
    assert list(client.tags.list()) == []


def test_search_and_pages(client: Client) -> None:
    for name in ("Weekly Newsletter", "Monthly newsletter", "Welcome"):
        client.templates.create(name=name, subject="s")
    assert [t.name for t in client.templates.list(search="NEWSLETTER")] == [
        "Weekly Newsletter",
        "Monthly newsletter",
    ]
    assert [t.name for t in client.templates.list().page(offset=1, limit=1)] == [
        "Monthly newsletter"
    ]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"subject": "s"}, "name"),
        ({"name": "n"}, "subject"),
        ({"name": " ", "subject": "s"}, "name"),
        ({"name": "n", "subject": "x" * 256}, "subject"),
        ({"name": "n", "subject": "s", "html_content": b"<p>"}, "html_content"),
        ({"name": "n", "subject": "s", "tags": "onboarding"}, "tags"),
        ({"name": "n", "subject": "s", "tags": ["ok", ""]}, "tags[1]"),
        ({"name": "n", "subject": "s", "preheader": 5}, "preheader"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    client: Client, arguments: dict[str, object], field: str
) -> None:
    with pytest.raises(sendx.InvalidRequestError) as caught:
        client.templates.create(**{"name": None, "subject": None, **arguments})
    assert caught.value.field == field
    assert client.sent == []
