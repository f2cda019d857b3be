"""The sync and async resources of every family have the same methods, with the same
parameters (names, kinds, defaults, annotations) and returns; the async ones are
coroutines, but for ``list()``, which returns an ``AsyncPager`` at once."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

import sendx
from sendx._client import _Resource
from sendx.resources.contacts import AsyncContacts, Contacts


def _families() -> dict[str, tuple[type[Any], type[Any]]]:
    """Every family of both clients: contacts, and each ``_Resource`` (found, not
    listed, so that a family added later is checked too)."""
    found: dict[str, tuple[type[Any], type[Any]]] = {"contacts": (Contacts, AsyncContacts)}
    for name, value in vars(sendx.SendX).items():
        if isinstance(value, _Resource):
            module = importlib.import_module(value._module)
            sync_name, async_name = value._names
            found[name] = (getattr(module, sync_name), getattr(module, async_name))
    return found


FAMILIES = _families()


def test_every_family_is_found() -> None:
    assert set(FAMILIES) >= {
        "contacts",
        "lists",
        "tags",
        "custom_fields",
        "templates",
        "webhooks",
        "posts",
        "post_categories",
        "post_tags",
        "senders",
        "members",
        "emails",
        "events",
        "campaigns",
        "reports",
    }


def test_both_clients_have_the_same_families() -> None:
    def resources(client: type[Any]) -> dict[str, tuple[str, tuple[str, str]]]:
        return {
            name: (value._module, value._names)
            for name, value in vars(client).items()
            if isinstance(value, _Resource)
        }

    assert resources(sendx.SendX) == resources(sendx.AsyncSendX)


def _methods(cls: type[Any]) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def _parameters(function: Any) -> list[tuple[str, Any, Any, Any]]:
    return [
        (p.name, p.kind, p.default, p.annotation)
        for p in inspect.signature(function).parameters.values()
    ]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_sync_and_async_match(family: str) -> None:
    sync_cls, async_cls = FAMILIES[family]
    sync_methods, async_methods = _methods(sync_cls), _methods(async_cls)
    assert sorted(sync_methods) == sorted(async_methods)
    assert sync_methods, f"{family} has no methods"
    for name, sync_method in sync_methods.items():
        async_method = async_methods[name]
        assert _parameters(sync_method) == _parameters(async_method), f"{family}.{name}"
        sync_return = inspect.signature(sync_method).return_annotation
        async_return = inspect.signature(async_method).return_annotation
        if str(sync_return).startswith("Pager["):
            assert async_return == "Async" + sync_return, f"{family}.{name}"
            assert not inspect.iscoroutinefunction(async_method), f"{family}.{name}"
        else:
            assert async_return == sync_return, f"{family}.{name}"
            assert inspect.iscoroutinefunction(async_method), f"{family}.{name}"
        assert not inspect.iscoroutinefunction(sync_method), f"{family}.{name}"
        assert sync_method.__doc__, f"{family}.{name}"
        assert async_method.__doc__, f"{family}.{name}"


CRUD = [
    "lists",
    "tags",
    "custom_fields",
    "templates",
    "webhooks",
    "posts",
    "post_categories",
    "post_tags",
    "senders",
    "members",
    "campaigns",
]


@pytest.mark.parametrize("family", CRUD)
def test_the_object_comes_first_and_timeout_last(family: str) -> None:
    """In the families of objects, the object a method is about is its one positional
    argument (``get``, ``update``, ``delete``); everything else is keyword-only,
    ``timeout`` last (``list`` takes no timeout: each page is its own call)."""
    for cls in FAMILIES[family]:
        for name, method in _methods(cls).items():
            parameters = list(inspect.signature(method).parameters.values())[1:]
            positional = [p for p in parameters if p.kind is not p.KEYWORD_ONLY]
            assert len(positional) == (name in ("get", "update", "delete")), (cls, name)
            if name != "list":
                assert parameters[-1].name == "timeout", (cls, name)
