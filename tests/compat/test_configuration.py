"""``Configuration``: the singleton, its defaults, logging and the debug report."""

from __future__ import annotations

import logging
import pathlib
import sys

import pytest

import swagger_client
from swagger_client import Configuration
from tests._support.recording_server import RecordingServer


def test_singleton_is_the_package_instance() -> None:
    """Every call returns the one instance, which the package exports."""
    assert Configuration() is Configuration() is swagger_client.configuration
    assert isinstance(swagger_client.configuration, Configuration)


def test_defaults(clean_configuration: Configuration) -> None:
    """The original's defaults."""
    config = clean_configuration
    assert config.host == "https://app.sendx.io/api/v1"
    assert config.verify_ssl is True
    assert (config.ssl_ca_cert, config.cert_file, config.key_file) == (None, None, None)
    assert config.debug is False
    assert config.logger_file is None
    assert config.logger_format == "%(asctime)s %(levelname)s %(message)s"
    assert (config.api_key, config.api_key_prefix) == ({}, {})
    assert (config.username, config.password) == ("", "")
    assert config.auth_settings() == {}


def test_to_debug_report() -> None:
    """Platform, Python, API and package versions, in the original's layout."""
    assert Configuration().to_debug_report() == (
        "Python SDK Debug Report:\n"
        f"OS: {sys.platform}\n"
        f"Python Version: {sys.version}\n"
        "Version of the API: v1\n"
        "SDK Package Version: 1.0.0"
    )


def test_api_key_with_prefix(clean_configuration: Configuration) -> None:
    """The key, preceded by its prefix when one is set; ``None`` when unset."""
    config = clean_configuration
    config.api_key = {"api_key": "K"}
    assert config.get_api_key_with_prefix("api_key") == "K"
    config.api_key_prefix = {"api_key": "Token"}
    assert config.get_api_key_with_prefix("api_key") == "Token K"
    assert config.get_api_key_with_prefix("other") is None
    config.username, config.password = "u", "p"
    assert config.get_basic_auth_token() == "Basic dTpw"
    config.api_key, config.api_key_prefix = {}, {}
    config.username = config.password = ""


def test_debug_switches_both_loggers(clean_configuration: Configuration) -> None:
    """DEBUG when on, WARNING when off, for ``swagger_client`` and ``urllib3``."""
    clean_configuration.debug = True
    assert logging.getLogger("swagger_client").level == logging.DEBUG
    assert logging.getLogger("urllib3").level == logging.DEBUG
    clean_configuration.debug = False
    assert logging.getLogger("swagger_client").level == logging.WARNING
    assert logging.getLogger("urllib3").level == logging.WARNING


def test_logger_file_and_format(
    clean_configuration: Configuration,
    tmp_path: pathlib.Path,
    server: RecordingServer,
    api_client: swagger_client.ApiClient,
) -> None:
    """With ``debug`` and ``logger_file``, the package's records go to the file in
    ``logger_format``; the API key is never written."""
    config = clean_configuration
    log = tmp_path / "client.log"
    config.logger_format = "%(levelname)s|%(name)s|%(message)s"
    config.logger_file = str(log)
    config.debug = True
    swagger_client.ContactApi(api_client).contact_identify_post(
        "SECRET-KEY", "T", swagger_client.ContactRequest(email="a@b.co")
    )
    config.logger_file = None  # back to standard error; the file is closed
    text = log.read_text()
    assert "DEBUG|swagger_client.rest|response status: 200" in text
    assert "SECRET-KEY" not in text
    assert config.logger_file_handler is None
    assert config.logger_stream_handler is not None


def test_stream_handler_writes_to_current_stderr(
    clean_configuration: Configuration, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no file, records go to standard error as it is when they are logged."""
    logging.getLogger("swagger_client").warning("visible %s", "warning")
    assert "WARNING visible warning" in capsys.readouterr().err


def test_tls_settings_are_read_when_the_client_is_built(
    clean_configuration: Configuration, tmp_path: pathlib.Path
) -> None:
    """``verify_ssl`` and the certificate paths reach the HTTPS pool of a client
    built afterwards (and not the pools of plain HTTP)."""
    ca = tmp_path / "ca.pem"
    clean_configuration.verify_ssl = False
    clean_configuration.ssl_ca_cert = str(ca)
    clean_configuration.cert_file = "client.pem"
    clean_configuration.key_file = "client.key"
    with swagger_client.ApiClient(host="https://sendx.invalid/api/v1") as client:
        pool = client.rest_client._pool("https://sendx.invalid")
        assert pool.cert_reqs == "CERT_NONE"
        assert pool.ca_certs == str(ca)
        assert (pool.cert_file, pool.key_file) == ("client.pem", "client.key")
        assert not hasattr(client.rest_client._pool("http://plain.invalid"), "cert_reqs")
    with swagger_client.ApiClient(host="https://sendx.invalid/api/v1") as client:
        clean_configuration.verify_ssl = True  # too late for this client
        assert client.rest_client._pool("https://sendx.invalid").cert_reqs == "CERT_NONE"


def test_repr_hides_secrets(clean_configuration: Configuration) -> None:
    """The repr names the host, not keys or passwords."""
    clean_configuration.api_key = {"api_key": "SECRET-KEY"}
    clean_configuration.password = "SECRET-PASSWORD"
    text = repr(clean_configuration)
    assert "app.sendx.io" in text
    assert "SECRET" not in text
    clean_configuration.api_key = {}
    clean_configuration.password = ""
