"""The five models: constructor order, properties, maps, ``to_dict``, ``to_str``,
``repr``, equality and the ``email`` check."""

from __future__ import annotations

import pprint
from typing import Any

import pytest

import swagger_client
from swagger_client.models._base import Model

_ORDER = {
    swagger_client.ContactRequest: [
        "first_name",
        "last_name",
        "email",
        "new_email",
        "company",
        "birthday",
        "tags",
        "custom_fields",
    ],
    swagger_client.TrackRequest: ["add_tags", "remove_tags"],
    swagger_client.ContactResponse: ["status", "message", "data"],
    swagger_client.TrackResponse: ["status", "message"],
    swagger_client.Contact: [
        "encrypted_team_id",
        "encrypted_id",
        "first_name",
        "last_name",
        "email",
        "company",
        "birthday",
        "tags",
        "custom_fields",
    ],
}
_CAMEL = {
    "first_name": "firstName",
    "last_name": "lastName",
    "new_email": "newEmail",
    "custom_fields": "customFields",
    "add_tags": "addTags",
    "remove_tags": "removeTags",
    "encrypted_team_id": "encryptedTeamId",
    "encrypted_id": "encryptedId",
}
_TYPES = {"tags": "list[str]", "add_tags": "list[str]", "remove_tags": "list[str]"}
_TYPES |= {"custom_fields": "dict(str, str)", "data": "Contact"}

_MODELS = list(_ORDER)


@pytest.mark.parametrize("model", _MODELS, ids=lambda m: m.__name__)
def test_positional_order_and_properties(model: type[Model]) -> None:
    """Positional arguments fill the attributes in the original's order; each is a
    readable and writable property."""
    names = _ORDER[model]
    values = [f"v{i}" for i in range(len(names))]
    instance: Any = model(*values)
    assert [getattr(instance, name) for name in names] == values
    for name in names:
        setattr(instance, name, "changed")
        assert getattr(instance, name) == "changed"
    empty: Any = model()
    assert all(getattr(empty, name) is None for name in names)


@pytest.mark.parametrize("model", _MODELS, ids=lambda m: m.__name__)
def test_swagger_types_and_attribute_map(model: type[Model]) -> None:
    """Both maps list the attributes in order; JSON keys are camelCase."""
    names = _ORDER[model]
    assert list(model.swagger_types) == names
    assert list(model.attribute_map) == names
    assert model.attribute_map == {name: _CAMEL.get(name, name) for name in names}
    assert model.swagger_types == {name: _TYPES.get(name, "str") for name in names}
    assert model().swagger_types is model.swagger_types


@pytest.mark.parametrize("model", _MODELS, ids=lambda m: m.__name__)
def test_to_dict_has_snake_case_keys_and_none(model: type[Model]) -> None:
    """Every attribute, ``None`` included, in order."""
    instance: Any = model()
    assert list(instance.to_dict().items()) == [(name, None) for name in _ORDER[model]]


def test_to_dict_recurses_into_models() -> None:
    """A nested model (and models inside lists and dicts) become dicts."""
    contact = swagger_client.Contact(email="a@b.co", tags=["x"])
    response = swagger_client.ContactResponse("200", "OK", contact)
    assert response.to_dict()["data"] == contact.to_dict()
    holder: Any = swagger_client.ContactRequest(tags=[contact], custom_fields={"c": contact})
    assert holder.to_dict()["tags"] == [contact.to_dict()]
    assert holder.to_dict()["custom_fields"] == {"c": contact.to_dict()}


def test_to_str_and_repr_are_pformat_of_to_dict() -> None:
    """``to_str()`` is ``pprint.pformat(to_dict())``; ``repr`` is ``to_str()``."""
    request = swagger_client.ContactRequest(email="a@b.co", tags=["Developer"])
    assert request.to_str() == pprint.pformat(request.to_dict())
    assert repr(request) == request.to_str()
    assert repr(request).startswith("{'birthday': None,")


def test_equality_by_values() -> None:
    """Equal attributes compare equal; ``!=`` is its negation; other types differ."""
    a = swagger_client.TrackRequest(["x"], ["y"])
    b = swagger_client.TrackRequest(add_tags=["x"], remove_tags=["y"])
    c = swagger_client.TrackRequest(add_tags=["x"])
    assert a == b
    assert not a != b  # noqa: SIM202 - __ne__ is under test
    assert a != c
    assert not a == c  # noqa: SIM201 - __eq__ and __ne__ are both under test
    assert a != "x"
    assert swagger_client.TrackResponse() != swagger_client.ContactResponse()


def test_models_are_not_hashable() -> None:
    """Mutable and compared by value, as in the original."""
    with pytest.raises(TypeError):
        hash(swagger_client.Contact())


def test_email_none_raises_value_error() -> None:
    """Assigning ``None`` to ``ContactRequest.email`` raises; the constructor does not
    check, so a request may be filled in attribute by attribute."""
    request = swagger_client.ContactRequest()
    assert request.email is None
    with pytest.raises(ValueError, match=r"Invalid value for `email`, must not be `None`"):
        request.email = None
    request.email = "a@b.co"
    with pytest.raises(ValueError, match="email"):
        request.email = None
    assert request.email == "a@b.co"
    contact = swagger_client.Contact(email="a@b.co")
    contact.email = None  # only the request's email is required
    assert contact.email is None


def test_properties_are_documented_descriptors() -> None:
    """Class access gives the descriptor with its docstring, for help()."""
    assert "email" in (swagger_client.ContactRequest.email.__doc__ or "")


def test_models_pickle_and_copy() -> None:
    """Models survive ``pickle`` and ``copy.deepcopy`` with their values (task queues
    and caches did this with the original's models)."""
    import copy
    import pickle

    response = swagger_client.ContactResponse("200", "OK", swagger_client.Contact(tags=["x"]))
    assert pickle.loads(pickle.dumps(response)) == response  # noqa: S301 - our own bytes
    clone = copy.deepcopy(response)
    assert clone == response
    clone.data.tags.append("y")
    assert response.data.tags == ["x"]
