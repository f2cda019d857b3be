"""``ApiClient``: headers, serialization, the call itself and its callback thread."""

from __future__ import annotations

import mimetypes
import os
import threading
import weakref
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import quote

from swagger_client import _codec
from swagger_client.configuration import Configuration
from swagger_client.rest import RESTClientObject

__all__ = ["ApiClient"]

DEFAULT_USER_AGENT = "Swagger-Codegen/1.0.0/python"


class ApiClient:
    """Sends calls for the API classes: ``ApiClient(host=None, header_name=None,
    header_value=None, cookie=None)``.

    ``host`` defaults to ``Configuration().host`` as it is when the client is built.
    ``header_name``/``header_value`` add one header to every call; so does
    :meth:`set_default_header`. ``last_response`` is the last response received.
    ``close()`` (or ``with``) closes its connections; they are also closed when the
    client is garbage-collected.
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)
    NATIVE_TYPES_MAPPING: ClassVar[dict[str, Any]] = dict(_codec._NATIVE)

    def __init__(
        self,
        host: str | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
    ) -> None:
        self.rest_client = RESTClientObject()
        self._finalizer = weakref.finalize(self, self.rest_client.close)
        self.default_headers: dict[str, Any] = {}
        if header_name is not None:
            self.default_headers[header_name] = header_value
        self.host = Configuration().host if host is None else host
        self.cookie = cookie
        self.user_agent = DEFAULT_USER_AGENT
        self.last_response: Any = None

    def close(self) -> None:
        """Close the client's pooled connections (a later call opens new ones)."""
        self.rest_client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header; default ``Swagger-Codegen/1.0.0/python``."""
        value: str = self.default_headers["User-Agent"]
        return value

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: Any) -> None:
        """Send ``header_name: header_value`` with every call of this client."""
        self.default_headers[header_name] = header_value

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Any = None,
        query_params: Any = None,
        header_params: dict[str, Any] | None = None,
        body: Any = None,
        post_params: Any = None,
        files: Any = None,
        response_type: Any = None,
        auth_settings: Any = None,
        callback: Callable[[Any], Any] | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: dict[str, str] | None = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> Any:
        """Send a call and return its result: the deserialized data, or
        ``(data, status, headers)`` unless ``_return_http_data_only``.

        With ``callback``, the call runs on a new thread, which is started and
        returned; the callback receives what the call would have returned.
        """
        args = (
            resource_path,
            method,
            path_params,
            query_params,
            header_params,
            body,
            post_params,
            files,
            response_type,
            auth_settings,
            callback,
            _return_http_data_only,
            collection_formats,
            _preload_content,
            _request_timeout,
        )
        if callback is None:
            return self._call_api(*args)
        thread = threading.Thread(target=self._call_api, args=args)
        thread.start()
        return thread

    def _call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Any,
        query_params: Any,
        header_params: dict[str, Any] | None,
        body: Any,
        post_params: Any,
        files: Any,
        response_type: Any,
        auth_settings: Any,
        callback: Callable[[Any], Any] | None,
        _return_http_data_only: bool | None,
        collection_formats: dict[str, str] | None,
        _preload_content: bool,
        _request_timeout: Any,
    ) -> Any:
        # Header order matters on the wire: the call's own, then the defaults
        # (User-Agent last unless set_default_header added more), then Cookie.
        headers = header_params or {}
        headers.update(self.default_headers)
        if self.cookie:
            headers["Cookie"] = self.cookie
        if headers:
            headers = _codec.sanitize(headers)
            if collection_formats:
                headers = dict(self.parameters_to_tuples(headers, collection_formats))
        if path_params:
            pairs = self.parameters_to_tuples(_codec.sanitize(path_params), collection_formats)
            for name, value in pairs:
                resource_path = resource_path.replace(f"{{{name}}}", quote(str(value)))
        if query_params:
            query_params = self.parameters_to_tuples(
                _codec.sanitize(query_params), collection_formats
            )
        if post_params or files:
            post_params = self.prepare_post_parameters(post_params, files)
            post_params = self.parameters_to_tuples(
                _codec.sanitize(post_params), collection_formats
            )
        self.update_params_for_auth(headers, query_params, auth_settings)
        if body:
            body = _codec.sanitize(body)
        response = self.request(
            method,
            self.host + resource_path,
            query_params=query_params,
            headers=headers,
            post_params=post_params,
            body=body,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )
        self.last_response = response
        data = response
        if _preload_content:
            data = self.deserialize(response, response_type) if response_type else None
        result = data if _return_http_data_only else (data, response.status, response.getheaders())
        if callback:
            callback(result)
            return None
        return result

    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: dict[str, Any] | None = None,
        post_params: Any = None,
        body: Any = None,
        _preload_content: bool = True,
        _request_timeout: Any = None,
    ) -> Any:
        """Send one HTTP request through :attr:`rest_client`."""
        return self.rest_client.request(
            method,
            url,
            query_params=query_params,
            headers=headers,
            post_params=post_params,
            body=body,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )

    def sanitize_for_serialization(self, obj: Any) -> Any:
        """``obj`` as JSON-ready data: models become dicts of their non-``None``
        attributes under their JSON keys, dates ISO strings, containers recursively."""
        return _codec.sanitize(obj)

    def deserialize(self, response: Any, response_type: Any) -> Any:
        """The body of ``response`` (anything with ``.data``) as ``response_type``, a
        type name such as ``"ContactResponse"`` or ``"list[str]"``, or a class.

        A body that is not JSON is taken as a string.
        """
        return _codec.deserialize_data(_codec.parse_body(response.data), response_type)

    def parameters_to_tuples(
        self, params: Any, collection_formats: dict[str, str] | None
    ) -> list[tuple[Any, Any]]:
        """``params`` (a dict or pairs) as pairs, joining collections as their
        ``collection_formats`` say (``multi``, ``ssv``, ``tsv``, ``pipes``, ``csv``)."""
        formats = collection_formats or {}
        items = params.items() if isinstance(params, dict) else params
        if not formats:
            return list(items)
        pairs: list[tuple[Any, Any]] = []
        delimiters = {"ssv": " ", "tsv": "\t", "pipes": "|"}
        for key, value in items:
            fmt = formats.get(key)
            if fmt is None:
                pairs.append((key, value))
            elif fmt == "multi":
                pairs.extend((key, item) for item in value)
            else:
                pairs.append((key, delimiters.get(fmt, ",").join(str(item) for item in value)))
        return pairs

    def prepare_post_parameters(self, post_params: Any = None, files: Any = None) -> Any:
        """Form parameters plus ``files`` (field name to path or paths) as
        ``(name, (filename, content, mimetype))`` pairs."""
        params = list(post_params.items() if isinstance(post_params, dict) else post_params or [])
        for name, paths in (files or {}).items():
            if not paths:
                continue
            for path in paths if isinstance(paths, list) else [paths]:
                with open(path, "rb") as handle:
                    content = handle.read()
                filename = os.path.basename(path)
                mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                params.append((name, (filename, content, mimetype)))
        return params

    def select_header_accept(self, accepts: list[str]) -> str | None:
        """The ``Accept`` value for ``accepts``: JSON when offered, else all of them."""
        if not accepts:
            return None
        lowered = [value.lower() for value in accepts]
        return "application/json" if "application/json" in lowered else ", ".join(lowered)

    def select_header_content_type(self, content_types: list[str]) -> str:
        """The ``Content-Type`` for ``content_types``: JSON when offered (or none)."""
        if not content_types:
            return "application/json"
        lowered = [value.lower() for value in content_types]
        if "application/json" in lowered or "*/*" in lowered:
            return "application/json"
        return lowered[0]

    def update_params_for_auth(self, headers: Any, querys: Any, auth_settings: Any) -> None:
        """Add the credentials of ``auth_settings`` (names known to
        ``Configuration().auth_settings()``) to the headers or query."""
        if not auth_settings:
            return
        known = Configuration().auth_settings()
        for name in auth_settings:
            setting = known.get(name)
            if not setting or not setting["value"]:
                continue
            if setting["in"] == "header":
                headers[setting["key"]] = setting["value"]
            elif setting["in"] == "query":
                querys.append((setting["key"], setting["value"]))
            else:
                raise ValueError("Authentication token must be in `query` or `header`")
