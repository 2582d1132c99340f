"""What people and providers send back: Telegram updates (`/start <token>`, `/stop`), STOP by WhatsApp or SMS,
and delivery reports (a message that failed after the provider accepted it is shown to the organizers as failed).
Services flush; callers commit. Nothing here logs an address, a token or a text."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app

from scheduler.extensions import db
from scheduler.integrations.channels.base import ChannelError
from scheduler.integrations.channels.registry import build_channels
from scheduler.integrations.channels.telegram import TelegramChannel, parse_update
from scheduler.notifications import contacts
from scheduler.notifications.channel_models import ChannelCursor, ChannelName
from scheduler.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger("scheduler.notifications")

STOP_WORDS = frozenset({"stop", "/stop", "stopall", "unsubscribe", "cancel", "end", "quit", "berhenti", "stoppen"})
UNREACHABLE_CODES = {"21610", "21211", "21614", "131026", "133010"}


def is_stop(text: str) -> bool:
    return text.strip().lower() in STOP_WORDS


def telegram_update(update: dict[str, Any]) -> str:
    """One update from the bot (webhook or polling). Returns what it did, for the answer and the tests."""
    parsed = parse_update(update)
    if parsed is None:
        return "ignored"
    _update_id, chat_id, text = parsed
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()
        return "bound" if token and contacts.bind_telegram(token, chat_id) else "unknown start"
    if is_stop(text):
        contacts.stop_address(ChannelName.TELEGRAM, chat_id)
        return "stopped"
    return "ignored"


def poll_telegram() -> int:
    """Worker job, when TELEGRAM_POLL is on (no public URL for a webhook): read and acknowledge new updates."""
    channel = build_channels(current_app.config).get("telegram")
    if not current_app.config.get("TELEGRAM_POLL") or not isinstance(channel, TelegramChannel):
        return 0
    cursor = db.session.get(ChannelCursor, "telegram")
    offset = cursor.value if cursor is not None and cursor.value else None
    db.session.commit()  # no transaction is held across the network call
    try:
        updates = channel.get_updates(offset)
    except ChannelError as error:
        log.info("telegram polling failed: %s", error.summary)
        return 0
    if not updates:
        return 0
    for update in updates:
        telegram_update(update)
    last = max(int(u.get("update_id", 0)) for u in updates)
    cursor = db.session.get(ChannelCursor, "telegram")
    if cursor is None:
        db.session.add(ChannelCursor(name="telegram", value=last + 1))
    else:
        cursor.value = max(cursor.value, last + 1)
    db.session.flush()
    return len(updates)


def delivery_failed(provider_ref: str, code: str | None, channel: str) -> bool:
    """A provider reports that an accepted message did not arrive: the row is failed (visible to the organizers);
    a person who texted STOP or whose number cannot get messages loses the contact."""
    row = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.provider_ref == provider_ref, OutboxMessage.channel == channel)
    )
    if row is None:
        return False
    row.status = OutboxStatus.FAILED
    row.last_error = f"delivery report: failed{f' code {code}' if code else ''}"[:300]
    if code in UNREACHABLE_CODES and row.participant_id is not None:
        contacts.stop(row.participant_id, channel)
    db.session.flush()
    return True


def whatsapp_event(body: dict[str, Any]) -> int:
    """A Cloud API webhook body: inbound STOP messages and failed statuses. Returns how many it acted on."""
    done = 0
    for entry in body.get("entry") or []:
        for change in (entry or {}).get("changes") or [] if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            for message in value.get("messages") or []:
                text = ((message or {}).get("text") or {}).get("body") if isinstance(message, dict) else None
                sender = message.get("from") if isinstance(message, dict) else None
                if isinstance(text, str) and isinstance(sender, str) and is_stop(text):
                    done += contacts.stop_address(ChannelName.WHATSAPP, "+" + sender.lstrip("+"))
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and status.get("status") == "failed" and status.get("id"):
                    errors = status.get("errors") or [{}]
                    code = errors[0].get("code") if isinstance(errors[0], dict) else None
                    done += delivery_failed(str(status["id"]), str(code) if code else None, ChannelName.WHATSAPP)
    return done


def sms_event(form: dict[str, str]) -> str:
    """A Twilio-style callback: a status report (MessageSid, MessageStatus, ErrorCode) or an inbound SMS."""
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if status in {"failed", "undelivered"} and form.get("MessageSid"):
        found = delivery_failed(form["MessageSid"], form.get("ErrorCode") or None, ChannelName.SMS)
        return "failed" if found else "unknown"
    if form.get("Body") is not None and form.get("From") and is_stop(form["Body"]):
        contacts.stop_address(ChannelName.SMS, form["From"])
        return "stopped"
    return "ignored"
