"""Builds the MIME message for an outbox row — pure: values in, an EmailMessage out.

Invites follow what Gmail, Outlook and Apple Mail act on: multipart/mixed holding a multipart/alternative
(text, HTML, inline text/calendar with the same METHOD as inside) plus an application/ics attachment.
The calendar parts are added as bytes so their CRLF line endings survive encoding (RFC 5545).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime


class UnfoldedUrlHeader(UnstructuredHeader):
    """List-Unsubscribe holds one long <URL>: written on one line (RFC 5322 allows 998 characters), because
    policy.SMTP would otherwise turn it into RFC 2047 encoded-words that mail providers do not decode there."""

    def fold(self, *, policy: policy.Policy) -> str:  # type: ignore[override]
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", UnfoldedUrlHeader)
SMTP_POLICY = policy.SMTP.clone(header_factory=_HEADERS)


@dataclass(frozen=True)
class Envelope:
    sender_address: str
    sender_name: str
    recipient_address: str
    recipient_name: str
    subject: str
    message_id: str
    date: datetime
    body_text: str
    body_html: str | None = None
    calendar: str | None = None
    calendar_method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _address(name: str, address: str) -> Address:
    username, _, domain = address.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)


def build_message(envelope: Envelope) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = _address(envelope.sender_name, envelope.sender_address)
    message["To"] = _address(envelope.recipient_name, envelope.recipient_address)
    message["Subject"] = envelope.subject
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    message["Auto-Submitted"] = "auto-generated"
    for name, value in envelope.headers.items():
        message[name] = value

    message.set_content(envelope.body_text, subtype="plain", charset="utf-8")
    if envelope.body_html:
        message.add_alternative(envelope.body_html, subtype="html", charset="utf-8")
    if envelope.calendar:
        method = (envelope.calendar_method or "REQUEST").upper()
        ics = envelope.calendar.encode("utf-8")
        if not envelope.body_html:
            message.make_alternative()
        message.add_alternative(ics, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"})
        message.make_mixed()
        message.add_attachment(
            ics, maintype="application", subtype="ics", filename="invite.ics", params={"name": "invite.ics"}
        )
    return message
