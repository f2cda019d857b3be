"""Advice in REST errors names the REST settings."""

from __future__ import annotations

import pytest

import sendx


def test_a_connection_failure_names_rest_base_url() -> None:
    """A REST call that cannot connect points at rest_base_url, not v1's base_url."""
    rest = "http://127.0.0.1:9/api/v1/rest"
    with (
        sendx.SendX("k", rest_base_url=rest, max_retries=0) as client,
        pytest.raises(sendx.APIConnectionError) as caught,
    ):
        client.lists.get("list_" + "A" * 22)
    assert "rest_base_url / SENDX_REST_BASE_URL" in str(caught.value)
    assert "SENDX_BASE_URL" not in str(caught.value).replace("SENDX_REST_BASE_URL", "")
