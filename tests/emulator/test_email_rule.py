"""The client and the emulator apply one email rule: what one accepts, the other does."""

from __future__ import annotations

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.emulator._helpers import Api

import sendx
from sendx.emulator import Emulator
from sendx.resources.contacts import identify_call, track_call

_ALPHABET = 'ab1.@-_"( \t\x7f\u00e9\u00a0\u200b\u4f8b'
_LOCAL = st.text(alphabet=_ALPHABET.replace("@", ""), min_size=0, max_size=8)
_DOMAIN = st.text(alphabet="ab1.-_\u00e9 ", min_size=0, max_size=8)
ADDRESSES = st.one_of(
    st.text(alphabet=_ALPHABET, max_size=14),
    st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN),
)


def _client_accepts(address: str) -> bool:
    try:
        identify_call(address)
    except sendx.InvalidRequestError:
        return False
    track_call(address)  # track checks the same rule
    return True


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(address=ADDRESSES)
def test_what_the_client_accepts_the_emulator_accepts(
    emulator: Emulator, http: urllib3.PoolManager, address: str
) -> None:
    api = Api(http, emulator)
    accepted = _client_accepts(address)
    answer = api.identify({"email": address})
    assert answer.status == (200 if accepted else 400), answer.data
    if accepted:
        assert answer.json()["data"]["email"] == address
        assert api.track(address, {"addTags": ["t"]}).status == 200
    else:
        assert api.track(address, {"addTags": ["t"]}).status == 400


@pytest.mark.parametrize(
    "address",
    [
        "ok@x.io', 'x'); DROP TABLE contacts;--@x.io",
        '"a b"@x.io',
        "a@@x.io",
        "x@x..io",
        "x@.x.io",
    ],
)
def test_the_emulator_refuses_what_no_mail_server_delivers_to(api: Api, address: str) -> None:
    answer = api.identify({"email": address})
    assert answer.status == 400
    assert "is not an email address" in answer.json()["message"]
    assert api.contacts() == []
