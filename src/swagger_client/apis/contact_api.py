"""``ContactApi``: identify and track, with the original's signatures and kwargs."""

from __future__ import annotations

from typing import Any

from sendx._email import check_email
from swagger_client.api_client import ApiClient
from swagger_client.configuration import Configuration

__all__ = ["ContactApi"]

_OPTIONS = frozenset({"callback", "_return_http_data_only", "_preload_content", "_request_timeout"})
_JSON = "application/json"


def _check(method: str, kwargs: dict[str, Any], required: tuple[tuple[str, Any], ...]) -> None:
    """The original's argument checks, before any I/O: ``TypeError`` for an unknown
    keyword, ``ValueError`` for a required argument that is ``None``."""
    for key in kwargs:
        if key not in _OPTIONS:
            raise TypeError(f"Got an unexpected keyword argument '{key}' to method {method}")
    for name, value in required:
        if value is None:
            raise ValueError(f"Missing the required parameter `{name}` when calling `{method}`")


def _email_of(details: Any) -> Any:
    """The address in a ``ContactRequest`` (or a dict standing for one), if any."""
    if isinstance(details, dict):
        return details.get("email")
    return getattr(details, "email", None)


class ContactApi:
    """The v1 contact API: ``contact_identify_post`` and ``contact_track_post``.

    Without ``api_client``, it uses ``Configuration().api_client``, made on first
    need from the configuration as it is then. Every method takes these keywords:

    - ``callback``: run the call on a new thread (started and returned), then pass
      the result to ``callback``;
    - ``_return_http_data_only``: ``False`` gives ``(data, status, headers)``
      (the default of the ``*_with_http_info`` methods);
    - ``_preload_content=False``: return urllib3's unread response;
    - ``_request_timeout``: a number (seconds for the whole request) or a
      ``(connect, read)`` pair; the default is 5 s to connect, 30 s to read.

    Any other keyword raises ``TypeError``; a required argument that is ``None``
    raises ``ValueError`` before anything is sent. SendX's answer outside 200-205,
    or none at all, raises ``swagger_client.rest.ApiException``.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        if api_client:
            self.api_client = api_client
            return
        config = Configuration()
        if not config.api_client:
            config.api_client = ApiClient()
        self.api_client = config.api_client

    def contact_identify_post(
        self, api_key: str, team_id: str, contact_details: Any, **kwargs: Any
    ) -> Any:
        """Create the contact ``contact_details.email`` or merge into it.

        Returns a ``ContactResponse`` whose ``data`` is the contact after the merge
        (all its tags and custom fields), or the thread when ``callback`` is given.
        """
        kwargs["_return_http_data_only"] = True
        return self.contact_identify_post_with_http_info(
            api_key, team_id, contact_details, **kwargs
        )

    def contact_identify_post_with_http_info(
        self, api_key: str, team_id: str, contact_details: Any, **kwargs: Any
    ) -> Any:
        """:meth:`contact_identify_post`, returning ``(ContactResponse, status, headers)``."""
        _check(
            "contact_identify_post",
            kwargs,
            (("api_key", api_key), ("team_id", team_id), ("contact_details", contact_details)),
        )
        # sendx's one email rule, before any I/O (an InvalidRequestError, a ValueError);
        # an absent email is left for SendX to refuse, as the original did.
        email = _email_of(contact_details)
        if email is not None:
            check_email(email, "contact_details.email")
        return self.api_client.call_api(
            "/contact/identify",
            "POST",
            None,
            [("team_id", team_id)],
            {"api_key": api_key, "Accept": _JSON, "Content-Type": _JSON},
            body=contact_details,
            response_type="ContactResponse",
            callback=kwargs.get("callback"),
            _return_http_data_only=kwargs.get("_return_http_data_only"),
            _preload_content=kwargs.get("_preload_content", True),
            _request_timeout=kwargs.get("_request_timeout"),
        )

    def contact_track_post(
        self, api_key: str, team_id: str, email: str, track_details: Any, **kwargs: Any
    ) -> Any:
        """Add ``track_details.add_tags`` to the contact ``email`` and remove
        ``track_details.remove_tags``; tag changes may start automations.

        Returns a ``TrackResponse``, or the thread when ``callback`` is given. An
        empty ``TrackRequest`` is sent as no body, as the original did.
        """
        kwargs["_return_http_data_only"] = True
        return self.contact_track_post_with_http_info(
            api_key, team_id, email, track_details, **kwargs
        )

    def contact_track_post_with_http_info(
        self, api_key: str, team_id: str, email: str, track_details: Any, **kwargs: Any
    ) -> Any:
        """:meth:`contact_track_post`, returning ``(TrackResponse, status, headers)``."""
        _check(
            "contact_track_post",
            kwargs,
            (
                ("api_key", api_key),
                ("team_id", team_id),
                ("email", email),
                ("track_details", track_details),
            ),
        )
        check_email(email, "email")
        return self.api_client.call_api(
            "/contact/track",
            "POST",
            None,
            [("team_id", team_id), ("email", email)],
            {"api_key": api_key, "Accept": _JSON, "Content-Type": _JSON},
            body=track_details,
            response_type="TrackResponse",
            callback=kwargs.get("callback"),
            _return_http_data_only=kwargs.get("_return_http_data_only"),
            _preload_content=kwargs.get("_preload_content", True),
            _request_timeout=kwargs.get("_request_timeout"),
        )
