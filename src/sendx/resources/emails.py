"""Transactional email: ``client.emails.send`` (``/send/email``) and
``client.emails.send_template`` (``/send/template``).

Addresses take three forms (:mod:`._addresses`); every argument is checked before any
I/O. A send is not idempotent: it is retried only where SendX surely did not get it (no
connection was made, or a 429 or 503 answered), so a retry never sends an email twice.
Both answer one :class:`EmailResult` per recipient, in the order of ``to``.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from sendx._core import Call
from sendx._policies import Timeout
from sendx.errors import InvalidRequestError
from sendx.resources._addresses import Address, Recipient, address, header_values, recipients
from sendx.resources._rest import TimeoutArg, body, check_id, check_text, decoder, rest_call

if TYPE_CHECKING:
    from sendx._async import AsyncShell
    from sendx._sync import SyncShell
    from sendx.resources._names import NameCache

__all__ = [
    "AsyncEmails",
    "EmailResult",
    "Emails",
    "send_call",
    "send_template_call",
]

#: An email's subject is one header line (RFC 5322: at most 998 characters).
MAX_SUBJECT = 998


class EmailResult(msgspec.Struct, frozen=True):
    """What SendX did with one recipient of a send.

    ``message_id`` names the message; ``to`` is the recipient's address;
    ``submitted_at`` when SendX took it (UTC; ``None`` if SendX sent no time);
    ``error_code`` is 0 when the message was accepted (``ok``), another code when
    SendX refused this recipient, with ``message`` saying why.
    """

    message_id: str = ""
    to: str = ""
    submitted_at: datetime.datetime | None = None
    error_code: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        """Whether SendX accepted the message for this recipient (``error_code`` 0)."""
        return self.error_code == 0


class _Submitted(msgspec.Struct, rename="camel"):
    # SendX's XEmailResponse: the time is Unix seconds (read leniently, an ISO string
    # too), made a datetime for EmailResult.
    message_id: str = ""
    to: str = ""
    submitted_at: int | float | str | None = None
    error_code: int = 0
    message: str = ""

    def result(self) -> EmailResult:
        when = None
        if self.submitted_at is not None:
            # A time SendX wrote oddly is dropped, not the whole answer.
            with contextlib.suppress(msgspec.ValidationError):
                when = msgspec.convert(self.submitted_at, datetime.datetime, strict=False)
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        return EmailResult(self.message_id, self.to, when, self.error_code, self.message)


_decode_submitted = decoder(list[_Submitted])


def _results(raw: bytes) -> list[EmailResult]:
    return [item.result() for item in _decode_submitted(raw)]


def _html(value: Any, field: str) -> Any:
    """A body: any length (``None`` when optional and absent)."""
    if value is None or isinstance(value, str):
        return value
    raise InvalidRequestError(f"{field} must be a string (got {type(value).__name__})", field=field)


def _subject(value: Any) -> str:
    return check_text(value, "subject", required=True, max_length=MAX_SUBJECT)  # type: ignore[no-any-return]


def send_call(
    *,
    from_: Address,
    to: Recipient | Iterable[Recipient],
    subject: str,
    html_body: str,
    text_body: str | None = None,
    reply_to: Address | None = None,
    headers: Mapping[str, str] | None = None,
    template: str | None = None,
) -> Call[list[EmailResult]]:
    """``POST /send/email``; raises ``InvalidRequestError`` before any I/O."""
    if html_body is None:
        raise InvalidRequestError("html_body is required", field="html_body")
    properties = {
        "from": address(from_, "from_"),
        "to": recipients(to),
        "replyTo": None if reply_to is None else address(reply_to, "reply_to"),
        "subject": _subject(subject),
        "htmlBody": _html(html_body, "html_body"),
        "textBody": _html(text_body, "text_body"),
        "headers": header_values(headers),
        "template": None if template is None else check_id(template, "template_", "template"),
    }
    return rest_call("POST", "/send/email", _results, payload=body(properties), idempotent=False)


def send_template_call(
    *,
    from_: Address,
    to: Recipient | Iterable[Recipient],
    subject: str,
    template: str,
    reply_to: Address | None = None,
) -> Call[list[EmailResult]]:
    """``POST /send/template``; raises ``InvalidRequestError`` before any I/O."""
    if template is None:
        raise InvalidRequestError("template is required", field="template")
    properties = {
        "from": address(from_, "from_"),
        "to": recipients(to),
        "replyTo": None if reply_to is None else address(reply_to, "reply_to"),
        "subject": _subject(subject),
        "template": check_id(template, "template_", "template"),
    }
    return rest_call("POST", "/send/template", _results, payload=body(properties), idempotent=False)


class Emails:
    """``client.emails``: transactional email, blocking."""

    def __init__(self, shell: SyncShell, names: NameCache) -> None:
        self._shell = shell

    def send(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        html_body: str,
        text_body: str | None = None,
        reply_to: Address | None = None,
        headers: Mapping[str, str] | None = None,
        template: str | None = None,
        timeout: TimeoutArg = None,
    ) -> list[EmailResult]:
        """Send an email to each recipient of ``to``; one result per recipient.

        ``from_``, ``reply_to`` and each recipient are ``"ann@x.io"``, ``"Ann
        <ann@x.io>"`` or ``{"email": ..., "name": ...}``; a recipient mapping may also
        hold ``cc``, ``bcc`` and ``custom_fields`` (values of its placeholders).
        ``headers`` are added to the email; ``template`` (an id) names the template it
        comes from, as SendX's schema allows. Never sent twice by a retry."""
        call = send_call(
            from_=from_,
            to=to,
            subject=subject,
            html_body=html_body,
            text_body=text_body,
            reply_to=reply_to,
            headers=headers,
            template=template,
        )
        return self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

    def send_template(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        template: str,
        reply_to: Address | None = None,
        timeout: TimeoutArg = None,
    ) -> list[EmailResult]:
        """Send the template ``template`` (its id) to each recipient of ``to``, with
        this ``subject``; one result per recipient. Never sent twice by a retry."""
        call = send_template_call(
            from_=from_, to=to, subject=subject, template=template, reply_to=reply_to
        )
        return self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))


class AsyncEmails:
    """``client.emails``: transactional email, for asyncio."""

    def __init__(self, shell: AsyncShell, names: NameCache) -> None:
        self._shell = shell

    async def send(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        html_body: str,
        text_body: str | None = None,
        reply_to: Address | None = None,
        headers: Mapping[str, str] | None = None,
        template: str | None = None,
        timeout: TimeoutArg = None,
    ) -> list[EmailResult]:
        """Send an email to each recipient of ``to``; one result per recipient (see
        :meth:`Emails.send`). Never sent twice by a retry."""
        call = send_call(
            from_=from_,
            to=to,
            subject=subject,
            html_body=html_body,
            text_body=text_body,
            reply_to=reply_to,
            headers=headers,
            template=template,
        )
        return await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))

    async def send_template(
        self,
        *,
        from_: Address,
        to: Recipient | Iterable[Recipient],
        subject: str,
        template: str,
        reply_to: Address | None = None,
        timeout: TimeoutArg = None,
    ) -> list[EmailResult]:
        """Send the template ``template`` (its id) to each recipient of ``to``; one
        result per recipient. Never sent twice by a retry."""
        call = send_template_call(
            from_=from_, to=to, subject=subject, template=template, reply_to=reply_to
        )
        return await self._shell.request(call, Timeout.coerce(timeout, self._shell.timeout))
