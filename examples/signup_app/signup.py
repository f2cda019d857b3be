"""A sign-up service that keeps SendX up to date: a WSGI app, standard library only.

- ``POST /signup`` with ``{"email": ..., "first_name": ...}``: identifies the new user
  in SendX, tagged ``trial user``; answers 201.
- ``POST /billing/upgraded`` with ``{"email": ..., "plan": ...}``: tags the account
  ``paid user`` and ``plan:<plan>``, removes ``trial user``; answers 204.

When SendX stays unavailable (after the client's own retries) it answers 503 with a
``Retry-After``, so the caller (a billing provider's webhook) tries again later.
Try it by hand: ``python signup.py`` serves it on 127.0.0.1:8000.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import sendx

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class SignupApp:
    """The WSGI application. It builds ``sendx.SendX()`` from the ``SENDX_*``
    environment variables on first use, unless given a client."""

    def __init__(self, client: sendx.SendX | None = None) -> None:
        self._client = client

    @property
    def client(self) -> sendx.SendX:
        if self._client is None:
            self._client = sendx.SendX()
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        route = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        handler = {
            ("POST", "/signup"): self.signup,
            ("POST", "/billing/upgraded"): self.upgraded,
        }.get(route)
        if handler is None:
            return _answer(start_response, 404, {"error": "no such route"})
        try:
            payload = _read_json(environ)
            status, body = handler(payload)
        except (ValueError, sendx.InvalidRequestError) as exc:
            return _answer(start_response, 400, {"error": str(exc)})
        except sendx.NotFoundError:
            return _answer(start_response, 404, {"error": "unknown account"})
        except (sendx.APIConnectionError, sendx.InternalServerError, sendx.RateLimitError):
            # SendX is down even after the client's retries: ask our caller to retry.
            return _answer(start_response, 503, {"error": "try again later"}, retry_after=30)
        return _answer(start_response, status, body)

    def signup(self, payload: dict[str, Any]) -> tuple[int, Any]:
        contact = self.client.contacts.identify(
            payload["email"],
            first_name=payload.get("first_name"),
            tags=["trial user"],
        )
        return 201, {"contact_id": contact.id}

    def upgraded(self, payload: dict[str, Any]) -> tuple[int, Any]:
        self.client.contacts.track(
            payload["email"],
            add_tags=["paid user", f"plan:{payload['plan']}"],
            remove_tags=["trial user"],
        )
        return 204, None


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        payload = json.loads(environ["wsgi.input"].read(length) or b"null")
    except json.JSONDecodeError:
        raise ValueError("the body must be JSON") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("email"), str):
        raise ValueError('the body must be an object with an "email"')
    return payload


_REASONS = {201: "Created", 204: "No Content", 400: "Bad Request", 404: "Not Found"}


def _answer(
    start_response: StartResponse, status: int, body: Any, *, retry_after: int | None = None
) -> list[bytes]:
    data = b"" if body is None else json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if retry_after is not None:
        headers.append(("Retry-After", str(retry_after)))
    reason = _REASONS.get(status, "Service Unavailable")
    start_response(f"{status} {reason}", headers)
    return [data]


def serve(port: int = 8000) -> None:
    """Serve the app on 127.0.0.1 (for trying it by hand)."""
    from wsgiref.simple_server import make_server

    app = SignupApp()
    with make_server("127.0.0.1", port, app) as server:
        server.serve_forever()


if __name__ == "__main__":
    serve()
