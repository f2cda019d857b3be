"""``ApiClient``: headers, ``call_api``, serialization helpers."""

from __future__ import annotations

import datetime
import pathlib
import threading

import pytest

import swagger_client
from swagger_client import ContactRequest
from swagger_client.rest import ApiException
from tests._support.recording_server import RecordingServer, Reply


def test_defaults(clean_configuration: swagger_client.Configuration) -> None:
    """Host from the configuration, the original's User-Agent, no cookie."""
    with swagger_client.ApiClient() as client:
        assert client.host == "https://app.sendx.io/api/v1"
        assert client.user_agent == "Swagger-Codegen/1.0.0/python"
        assert client.default_headers == {"User-Agent": "Swagger-Codegen/1.0.0/python"}
        assert client.cookie is None
        assert client.last_response is None


def test_constructor_arguments() -> None:
    """``host``, one default header and a cookie."""
    with swagger_client.ApiClient("http://h/api", "X-A", "1", "c=1") as client:
        assert client.host == "http://h/api"
        assert client.default_headers == {"X-A": "1", "User-Agent": "Swagger-Codegen/1.0.0/python"}
        assert client.cookie == "c=1"
        client.set_default_header("X-B", "2")
        client.user_agent = "ua"
        assert list(client.default_headers.items()) == [
            ("X-A", "1"),
            ("User-Agent", "ua"),
            ("X-B", "2"),
        ]


def test_call_api_directly(api_client: swagger_client.ApiClient, server: RecordingServer) -> None:
    """The generic entry point: path parameters, query pairs, headers, body, type."""
    result = api_client.call_api(
        "/contact/{kind}",
        "POST",
        path_params={"kind": "identify"},
        query_params=[("team_id", "T")],
        header_params={"api_key": "K", "Accept": "application/json"},
        body=ContactRequest(email="a@b.co"),
        response_type="ContactResponse",
        _return_http_data_only=True,
    )
    assert isinstance(result, swagger_client.ContactResponse)
    recorded = server.requests[0]
    assert recorded.target == "/api/v1/contact/identify?team_id=T"
    assert recorded.body == b'{"email": "a@b.co"}'
    data, status, headers = api_client.call_api("/contact/identify", "POST")
    assert (data, status) == (None, 200)
    assert headers["Content-Type"] == "application/json"


def test_call_api_collection_formats(
    api_client: swagger_client.ApiClient, server: RecordingServer
) -> None:
    """``csv`` joins with commas, ``multi`` repeats the parameter."""
    api_client.call_api(
        "/x",
        "GET",
        query_params={"a": ["1", "2"], "b": ["3", "4"], "c": "5"},
        collection_formats={"a": "csv", "b": "multi"},
    )
    assert server.requests[0].query == "a=1%2C2&b=3&b=4&c=5"


def test_form_and_multipart_bodies(
    api_client: swagger_client.ApiClient, server: RecordingServer, tmp_path: pathlib.Path
) -> None:
    """Form parameters are urlencoded or multipart as the Content-Type says; files
    are read from their paths."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    api_client.call_api("/f", "POST", header_params=form, post_params={"a": "1 2"})
    assert server.requests[0].body == b"a=1+2"
    upload = tmp_path / "note.txt"
    upload.write_bytes(b"hello")
    multipart = {"Content-Type": "multipart/form-data"}
    api_client.call_api("/m", "POST", header_params=multipart, files={"doc": str(upload)})
    second = server.requests[1]
    assert second.header("Content-Type").startswith("multipart/form-data; boundary=")
    assert b'filename="note.txt"' in second.body
    assert b"hello" in second.body


def test_rest_client_refuses_what_it_cannot_send(api_client: swagger_client.ApiClient) -> None:
    """A body with post parameters, an unknown method, or a body that does not fit
    the content type are refused before anything is sent."""
    rest = api_client.rest_client
    with pytest.raises(ValueError, match="post_params"):
        rest.request("POST", "http://127.0.0.1:9/x", body={"a": 1}, post_params={"b": 2})
    with pytest.raises(ValueError, match="http method"):
        rest.request("BREW", "http://127.0.0.1:9/x")
    with pytest.raises(ApiException, match="Cannot prepare a request"):
        rest.request("POST", "http://127.0.0.1:9/x", headers={"Content-Type": "text/csv"}, body=1)


def test_rest_client_verbs(api_client: swagger_client.ApiClient, server: RecordingServer) -> None:
    """``GET`` ... ``PATCH`` send their method; a text body goes as it is."""
    rest = api_client.rest_client
    for verb in ("GET", "HEAD", "OPTIONS", "DELETE", "POST", "PUT", "PATCH"):
        response = getattr(rest, verb)(f"{server.url}/v", query_params={"q": "1"})
        assert response.status == 200
    rest.POST(f"{server.url}/t", headers={"Content-Type": "text/plain"}, body="raw text")
    assert [r.method for r in server.requests][:7] == [
        "GET",
        "HEAD",
        "OPTIONS",
        "DELETE",
        "POST",
        "PUT",
        "PATCH",
    ]
    assert server.requests[-1].body == b"raw text"


def test_sanitize_for_serialization(api_client: swagger_client.ApiClient) -> None:
    """Models become dicts under JSON keys without ``None``; dates become ISO text;
    containers are walked; primitives pass."""
    request = ContactRequest(
        email="a@b.co", tags=("x",), custom_fields={"d": datetime.date(2020, 1, 2)}
    )
    assert api_client.sanitize_for_serialization(request) == {
        "email": "a@b.co",
        "tags": ("x",),
        "customFields": {"d": "2020-01-02"},
    }
    moment = datetime.datetime(2020, 1, 2, 3, 4, 5)
    assert api_client.sanitize_for_serialization([moment, None, 1.5, True]) == [
        "2020-01-02T03:04:05",
        None,
        1.5,
        True,
    ]
    assert api_client.sanitize_for_serialization(None) is None
    assert api_client.sanitize_for_serialization({"n": None}) == {"n": None}
    with pytest.raises(TypeError, match="cannot serialize a set"):
        api_client.sanitize_for_serialization({1, 2})


def test_header_helpers(api_client: swagger_client.ApiClient) -> None:
    """``select_header_accept`` / ``select_header_content_type`` prefer JSON."""
    assert api_client.select_header_accept(["text/plain", "Application/JSON"]) == "application/json"
    assert api_client.select_header_accept(["text/plain", "text/csv"]) == "text/plain, text/csv"
    assert api_client.select_header_accept([]) is None
    assert api_client.select_header_content_type([]) == "application/json"
    assert api_client.select_header_content_type(["*/*"]) == "application/json"
    assert api_client.select_header_content_type(["text/csv", "x/y"]) == "text/csv"


def test_parameters_to_tuples(api_client: swagger_client.ApiClient) -> None:
    """Every collection format of the original."""
    params = {"s": [1, 2], "t": [1, 2], "p": [1, 2], "m": [1, 2], "c": [1, 2], "x": 1}
    formats = {"s": "ssv", "t": "tsv", "p": "pipes", "m": "multi", "c": "csv"}
    assert api_client.parameters_to_tuples(params, formats) == [
        ("s", "1 2"),
        ("t", "1\t2"),
        ("p", "1|2"),
        ("m", 1),
        ("m", 2),
        ("c", "1,2"),
        ("x", 1),
    ]


def test_concurrent_callbacks_share_the_client(
    api: swagger_client.ContactApi, server: RecordingServer
) -> None:
    """Many callback threads at once all complete with their own results."""
    results: list[swagger_client.ContactResponse] = []
    lock = threading.Lock()

    def keep(result: swagger_client.ContactResponse) -> None:
        with lock:
            results.append(result)

    threads = [
        api.contact_identify_post("K", "T", ContactRequest(email=f"{i}@b.co"), callback=keep)
        for i in range(20)
    ]
    for thread in threads:
        thread.join(timeout=20)
    assert len(results) == 20
    assert sorted(r.query_params[0][1] for r in server.requests) == ["T"] * 20


def test_close_is_idempotent(server: RecordingServer) -> None:
    """``close()`` twice is harmless; a closed client opens new connections on use."""
    client = swagger_client.ApiClient(host=server.url)
    api = swagger_client.ContactApi(client)
    api.contact_identify_post("K", "T", ContactRequest(email="a@b.co"))
    client.close()
    client.close()
    api.contact_identify_post("K", "T", ContactRequest(email="a@b.co"))
    client.rest_client.close()
    assert server.connections == 2


def test_unknown_response_type_name(
    api_client: swagger_client.ApiClient, server: RecordingServer
) -> None:
    """A type the package does not define is an error, as in the original."""
    server.script(Reply.json({}))
    with pytest.raises(AttributeError):
        api_client.call_api("/x", "POST", response_type="Nope")
