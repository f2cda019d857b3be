"""Every public name of the original client, where the original had it."""

from __future__ import annotations

import importlib
import inspect

import pytest

import swagger_client

_NAMES = {
    "swagger_client": [
        "Contact",
        "ContactRequest",
        "ContactResponse",
        "TrackRequest",
        "TrackResponse",
        "ContactApi",
        "ApiClient",
        "Configuration",
        "configuration",
    ],
    "swagger_client.apis": ["ContactApi"],
    "swagger_client.apis.contact_api": ["ContactApi"],
    "swagger_client.models": [
        "Contact",
        "ContactRequest",
        "ContactResponse",
        "TrackRequest",
        "TrackResponse",
    ],
    "swagger_client.models.contact": ["Contact"],
    "swagger_client.models.contact_request": ["ContactRequest"],
    "swagger_client.models.contact_response": ["ContactResponse"],
    "swagger_client.models.track_request": ["TrackRequest"],
    "swagger_client.models.track_response": ["TrackResponse"],
    "swagger_client.rest": ["ApiException", "RESTResponse", "RESTClientObject"],
    "swagger_client.api_client": ["ApiClient"],
    "swagger_client.configuration": ["Configuration"],
}


@pytest.mark.parametrize("module", list(_NAMES))
def test_names_are_importable(module: str) -> None:
    """``from <module> import <name>`` works for every listed name."""
    loaded = importlib.import_module(module)
    for name in _NAMES[module]:
        assert getattr(loaded, name) is not None, name


def test_same_objects_everywhere() -> None:
    """Re-exports are the same classes, not copies."""
    from swagger_client.apis import ContactApi
    from swagger_client.configuration import Configuration
    from swagger_client.models import ContactRequest

    assert ContactApi is swagger_client.ContactApi
    assert Configuration is swagger_client.Configuration
    assert ContactRequest is swagger_client.ContactRequest


@pytest.mark.parametrize(
    ("function", "parameters"),
    [
        (swagger_client.ContactApi.__init__, ["self", "api_client"]),
        (
            swagger_client.ContactApi.contact_identify_post,
            ["self", "api_key", "team_id", "contact_details", "kwargs"],
        ),
        (
            swagger_client.ContactApi.contact_track_post,
            ["self", "api_key", "team_id", "email", "track_details", "kwargs"],
        ),
        (
            swagger_client.ApiClient.__init__,
            ["self", "host", "header_name", "header_value", "cookie"],
        ),
        (swagger_client.rest.ApiException.__init__, ["self", "status", "reason", "http_resp"]),
        (swagger_client.ApiClient.deserialize, ["self", "response", "response_type"]),
        (swagger_client.ApiClient.sanitize_for_serialization, ["self", "obj"]),
        (
            swagger_client.ApiClient.call_api,
            [
                "self",
                "resource_path",
                "method",
                "path_params",
                "query_params",
                "header_params",
                "body",
                "post_params",
                "files",
                "response_type",
                "auth_settings",
                "callback",
                "_return_http_data_only",
                "collection_formats",
                "_preload_content",
                "_request_timeout",
            ],
        ),
    ],
)
def test_signatures(function: object, parameters: list[str]) -> None:
    """Parameter names and order as in the original (callers pass them by keyword)."""
    assert list(inspect.signature(function).parameters) == parameters  # type: ignore[arg-type]


def test_rest_response_is_io_base() -> None:
    """``RESTResponse`` derives from ``io.IOBase``, as the original's did."""
    import io

    assert issubclass(swagger_client.rest.RESTResponse, io.IOBase)
    assert issubclass(swagger_client.rest.ApiException, Exception)


def test_every_public_name_has_a_docstring() -> None:
    """Public classes and their public methods are documented."""
    classes = [getattr(swagger_client, name) for name in swagger_client.__all__]
    classes += [swagger_client.rest.ApiException, swagger_client.rest.RESTResponse]
    classes += [swagger_client.rest.RESTClientObject]
    for cls in classes:
        if not inspect.isclass(cls):
            continue
        assert cls.__doc__, cls
        for name, member in vars(cls).items():
            if not name.startswith("_") and callable(member):
                assert member.__doc__, f"{cls.__name__}.{name}"
