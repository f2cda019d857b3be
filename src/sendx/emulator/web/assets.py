"""The page itself: ``GET /`` and ``GET /static/<file>``, files of this package.

No build step and no CDN: the HTML, the script (ES modules) and the style sheet are
plain files under ``static/``, read once and served from memory. Every answer carries a
Content Security Policy that lets the page load only what the emulator serves and run
no inline script, ``nosniff``, and a refusal to be framed (a page elsewhere cannot
overlay it to trick a click on its buttons). Inline *styles* are allowed: a captured
message's HTML, shown in a sandboxed ``srcdoc`` frame, inherits this policy, and emails
are styled inline.
"""

from __future__ import annotations

from importlib import resources

from sendx.emulator.http.asgi import Receive, Scope, Send, error_body, respond

__all__ = ["CSP", "Assets"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# The script is ES modules, one idea each (app.js imports the others).
_SCRIPTS = ("app", "api", "dom", "teams", "views", "message", "settings")
_FILES = {
    "/": ("index.html", b"text/html; charset=utf-8"),
    "/static/app.css": ("app.css", b"text/css; charset=utf-8"),
    **{f"/static/{n}.js": (f"{n}.js", b"text/javascript; charset=utf-8") for n in _SCRIPTS},
}
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    # Fetched again after an upgrade of the package, never stale.
    (b"cache-control", b"no-cache"),
]


class Assets:
    """Serves the page's files (loaded on first use)."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}

    def _body(self, path: str) -> bytes:
        body = self._bodies.get(path)
        if body is None:
            name = _FILES[path][0]
            body = resources.files(__package__).joinpath("static").joinpath(name).read_bytes()
            self._bodies[path] = body
        return body

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one request for ``/`` or a path under ``/static/``."""
        path = scope["path"]
        method = scope["method"]
        if path not in _FILES:
            shown = path if len(path) <= 200 else path[:197] + "..."
            await respond(send, 404, error_body(404, f"no page {shown}"))
            return
        if method not in ("GET", "HEAD"):
            body = error_body(405, f"method {method} not allowed; use GET")
            await respond(send, 405, body, [(b"allow", b"GET, HEAD")])
            return
        body = self._body(path)
        headers = [
            (b"content-type", _FILES[path][1]),
            (b"content-length", b"%d" % len(body)),
            *_HEADERS,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
