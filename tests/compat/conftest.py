"""Fixtures for the drop-in ``swagger_client``: a recording server, clients bound to
it, and a clean ``Configuration`` singleton for every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import swagger_client
from tests._support.recording_server import RecordingServer
from tests._support.vectors import VECTORS as _VECTORS

#: The original client's requests, byte for byte, and how it decoded odd answers.
VECTORS: dict[str, Any] = _VECTORS

_SAVED = (
    "host",
    "api_client",
    "verify_ssl",
    "ssl_ca_cert",
    "cert_file",
    "key_file",
    "logger_format",
    "debug",
    "logger_file",
)


@pytest.fixture(autouse=True)
def clean_configuration() -> Iterator[swagger_client.Configuration]:
    """Every test starts with the singleton as the package left it and may change it;
    an ``ApiClient`` the test made through ``ContactApi()`` is closed afterwards."""
    config = swagger_client.Configuration()
    saved = {name: getattr(config, name) for name in _SAVED}
    config.api_client = None
    yield config
    created = config.api_client
    if created is not None and created is not saved["api_client"]:
        created.close()
    for name, value in saved.items():
        if getattr(config, name) != value:
            setattr(config, name, value)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    """A recording server that answers identify envelopes unless scripted."""
    with RecordingServer() as running:
        yield running


@pytest.fixture
def api_client(server: RecordingServer) -> Iterator[swagger_client.ApiClient]:
    """An ``ApiClient`` pointed at :func:`server`."""
    with swagger_client.ApiClient(host=server.url) as client:
        yield client


@pytest.fixture
def api(api_client: swagger_client.ApiClient) -> swagger_client.ContactApi:
    """A ``ContactApi`` over :func:`api_client`."""
    return swagger_client.ContactApi(api_client)
