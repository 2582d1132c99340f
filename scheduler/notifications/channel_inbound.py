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
from scheduler.integrations.channels.telegram import TelegramChannel, language_of, parse_update
from scheduler.notifications import channel_replies, contacts, staff_channels
from scheduler.notifications.channel_models import ChannelCursor, ChannelName
from scheduler.notifications.channel_replies import Reply
from scheduler.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger("scheduler.notifications")

STOP_WORDS = frozenset(
    {"stop", "/stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke", "berhenti", "stoppen"}
)
UNREACHABLE_CODES = {"21610", "21211", "21614", "131026", "133010"}


def is_stop(text: str) -> bool:
    return text.strip().lower() in STOP_WORDS


def telegram_update(update: dict[str, Any], replies: list[Reply] | None = None) -> str:
    """One update from the bot (webhook or polling). Returns what it did, for the answer and the tests; the bot's
    answer to the person is added to `replies` (sent by the caller once committed)."""
    parsed = parse_update(update)
    if parsed is None:
        return "ignored"
    _update_id, chat_id, text = parsed
    answers = replies if replies is not None else []
    said = language_of(update)
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()[:100]
        if token and contacts.bind_telegram(token, chat_id):
            return "bound"  # the participant's welcome goes through the outbox (retried like any message)
        if token and (staff := staff_channels.bind_telegram(token, chat_id)) is not None:
            mine = staff_channels.language_of(staff.user_id)
            answers.append(Reply(ChannelName.TELEGRAM, chat_id, channel_replies.CONNECTED, mine or said))
            return "bound"
        answers.append(Reply(ChannelName.TELEGRAM, chat_id, channel_replies.EXPIRED, said))
        return "unknown start"
    if is_stop(text):
        known = contacts.language_at(ChannelName.TELEGRAM, chat_id)
        contacts.stop_address(ChannelName.TELEGRAM, chat_id)
        staff_channels.stop_address(ChannelName.TELEGRAM, chat_id)
        answers.append(Reply(ChannelName.TELEGRAM, chat_id, channel_replies.STOPPED, known or said))
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
    replies: list[Reply] = []
    for update in updates:
        telegram_update(update, replies)
    last = max(int(u.get("update_id", 0)) for u in updates)
    cursor = db.session.get(ChannelCursor, "telegram")
    if cursor is None:
        db.session.add(ChannelCursor(name="telegram", value=last + 1))
    else:
        cursor.value = max(cursor.value, last + 1)
    db.session.commit()
    channel_replies.send(replies)
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


def _dicts(value: object) -> list[dict[str, Any]]:
    """The objects in a list from a webhook body (anything else in it, or a body of the wrong shape, is skipped)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _stop_number(channel: str, number: str, replies: list[Reply]) -> int:
    known = contacts.language_at(channel, number)
    done = contacts.stop_address(channel, number) + staff_channels.stop_address(channel, number)
    if channel != ChannelName.SMS or current_app.config.get("SMS_STOP_REPLY"):
        replies.append(Reply(channel, number, channel_replies.STOPPED, known))
    return done


def whatsapp_event(body: dict[str, Any], replies: list[Reply] | None = None) -> int:
    """A Cloud API webhook body: inbound STOP messages and failed statuses. Returns how many it acted on."""
    done = 0
    answers = replies if replies is not None else []
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            for message in _dicts(value.get("messages")):
                text = message.get("text")
                body_text = text.get("body") if isinstance(text, dict) else None
                sender = message.get("from")
                if isinstance(body_text, str) and isinstance(sender, str) and sender and is_stop(body_text):
                    number = "+" + sender.lstrip("+")[:20]
                    done += _stop_number(ChannelName.WHATSAPP, number, answers)
            for status in _dicts(value.get("statuses")):
                if status.get("status") == "failed" and isinstance(status.get("id"), (str, int)):
                    errors = _dicts(status.get("errors")) or [{}]
                    code = errors[0].get("code")
                    code_text = str(code)[:20] if isinstance(code, (str, int)) and code else None
                    done += delivery_failed(str(status["id"])[:80], code_text, ChannelName.WHATSAPP)
    return done


def sms_event(form: dict[str, str], replies: list[Reply] | None = None) -> str:
    """A Twilio-style callback: a status report (MessageSid, MessageStatus, ErrorCode) or an inbound SMS."""
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if status in {"failed", "undelivered"} and form.get("MessageSid"):
        found = delivery_failed(form["MessageSid"], form.get("ErrorCode") or None, ChannelName.SMS)
        return "failed" if found else "unknown"
    if form.get("Body") is not None and form.get("From") and is_stop(form["Body"]):
        _stop_number(ChannelName.SMS, form["From"][:32], replies if replies is not None else [])
        return "stopped"
    return "ignored"
