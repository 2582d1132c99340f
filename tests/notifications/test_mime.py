"""The message written for SMTP is the one the email package would build: same headers, layout and content."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage

import pytest

from scheduler.notifications.mime import SMTP_POLICY, Envelope, build_message, render

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:CANCEL\r\nSUMMARY:Dinsdag groep\r\n"
    "END:VCALENDAR\r\n"
)
UNSUBSCRIBE = {
    "List-Unsubscribe": "<http://127.0.0.1:5000/unsubscribe/" + "a1B2-_" * 7 + "x>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def reference(envelope: Envelope) -> EmailMessage:
    """How the email package builds it (the layout Gmail, Outlook and Apple Mail act on)."""
    message = EmailMessage(policy=SMTP_POLICY)
    username, _, domain = envelope.sender_address.rpartition("@")
    from email.headerregistry import Address

    message["From"] = Address(display_name=envelope.sender_name, username=username, domain=domain)
    username, _, domain = envelope.recipient_address.rpartition("@")
    message["To"] = Address(display_name=envelope.recipient_name, username=username, domain=domain)
    message["Subject"] = envelope.subject
    from email.utils import format_datetime

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


def shape(message: EmailMessage) -> list[tuple[str, dict[str, str], bytes | None]]:
    """Every part in order: its type, parameters, disposition and decoded content."""
    found = []
    for part in message.walk():
        params = {k: v for k, v in part.get_params() or [] if k != "boundary"}
        params["disposition"] = part.get_content_disposition() or ""
        payload = None if part.is_multipart() else part.get_payload(decode=True)
        found.append((part.get_content_type(), params, payload))
    return found


HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "List-Unsubscribe", "List-Unsubscribe-Post"]


def envelope(**changes: object) -> Envelope:
    values: dict[str, object] = {
        "sender_address": "no-reply@scheduler.invalid",
        "sender_name": "Meeting notices",
        "recipient_address": "p1@example.org",
        "recipient_name": "P1",
        "subject": "Your Tuesday group starts in 1 hour",
        "message_id": "<0123abcd@scheduler.invalid>",
        "date": datetime(2027, 3, 30, 11, 0, tzinfo=UTC),
        "body_text": "Hello P1,\n\nA reminder of your next session.\n",
        "body_html": "<p>Hello P1,</p>\n<p>A reminder of your next session.</p>\n",
    }
    values.update(changes)
    return Envelope(**values)  # type: ignore[arg-type]


CASES = {
    "reminder": envelope(headers=UNSUBSCRIBE),
    "text only": envelope(body_html=None),
    "invite": envelope(calendar=ICS, calendar_method="request"),
    "invite without html": envelope(body_html=None, calendar=ICS, calendar_method="CANCEL"),
    "bengali": envelope(
        sender_name="মিটিং নোটিশ",
        recipient_name='রহিম, "R"',
        subject="আপনার মঙ্গলবারের গ্রুপ ১ ঘণ্টায় শুরু হবে — and a long tail that needs folding over lines",
        body_text="হ্যালো,\n" + "অনেক দীর্ঘ লাইন " * 12 + "\n",
        body_html="<p>" + "অনেক দীর্ঘ লাইন " * 30 + "</p>\n" * 14,
    ),
    "long ascii lines": envelope(
        recipient_name="Person with a rather long pseudonym, and a comma",
        subject="A" * 90,
        body_text="x" * 200 + "\n" + "é" * 5 + "\n",
        body_html="<p>" + "y" * 300 + "</p>\n" * 12,
    ),
    "dutch": envelope(recipient_name="Jörg", subject="Je groep begint over 1 uur", body_text="Tot zo, Jörg!\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_written_message_matches_the_email_package(name):
    written = render(CASES[name])
    expected = message_from_bytes(reference(CASES[name]).as_bytes(), policy=SMTP_POLICY)
    parsed = message_from_bytes(written, policy=SMTP_POLICY)
    assert shape(parsed) == shape(expected)  # type: ignore[arg-type]
    for header in HEADERS:
        assert str(parsed[header]) == str(expected[header]), header
    assert parsed["From"].addresses == expected["From"].addresses and parsed["To"].addresses == expected["To"].addresses
    assert b"\n" not in written.replace(b"\r\n", b"") and all(len(line) <= 998 for line in written.split(b"\r\n"))
    assert build_message(CASES[name]).get_content_type() == expected.get_content_type()


@pytest.mark.parametrize(
    ("sender", "recipient", "expected"),
    [
        ("no-reply@scheduler.invalid", "p1@example.org", ("no-reply@scheduler.invalid", ["p1@example.org"])),
        ("Notices <notices@example.org>", "P2 <p2@example.org>", ("notices@example.org", ["p2@example.org"])),
    ],
)
def test_the_smtp_envelope_names_the_addresses_as_smtplib_does(sender, recipient, expected):
    """Plain addresses skip smtplib's parsing; an address with a display name still goes through it."""
    from scheduler.notifications import smtp_client
    from tests.notifications.smtp_server import SmtpSink

    sink = SmtpSink().start()
    try:
        with smtp_client.SMTP("127.0.0.1", sink.port, timeout=10) as connection:
            connection.sendmail(sender, [recipient], b"Subject: x\r\n\r\nhello\r\n")
    finally:
        sink.stop()
    (received,) = sink.handler.received
    assert (received.mail_from, received.rcpt_tos) == expected
