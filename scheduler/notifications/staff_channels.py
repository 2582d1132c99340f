"""A staff member's own Telegram chat or number, so "send me a test message" goes to their own phone: the same
start-link (Telegram) and code (WhatsApp, SMS) flows as for participants, stored per user. Codes and the test go
straight through the adapter (the page waits for the answer; nothing for a staff member goes through the outbox).
Services flush; callers commit. Nothing here logs an address, a code or a token."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.auth.models import StaffRole, User
from scheduler.extensions import db
from scheduler.integrations.channels.base import Notice
from scheduler.integrations.channels.registry import build_channels
from scheduler.notifications.channel_models import ChannelName, ContactStatus, StaffChannelContact
from scheduler.notifications.contacts import NUMBER_CHANNELS, check_code, keyed_hash, normalize_number
from scheduler.rules import rule_error

START_PURPOSE = "staff-telegram-start"


def allowed(user: User) -> bool:
    """Admins and organizers may test the channels (counselors may not)."""
    return user.role in {StaffRole.ADMIN, StaffRole.ORGANIZER}


def mine(user_id: int) -> dict[str, StaffChannelContact]:
    return {
        c.channel: c
        for c in db.session.scalars(sa.select(StaffChannelContact).where(StaffChannelContact.user_id == user_id))
    }


def stop(user_id: int, channel: str) -> None:
    db.session.execute(
        sa.delete(StaffChannelContact).where(
            StaffChannelContact.user_id == user_id, StaffChannelContact.channel == channel
        )
    )
    db.session.flush()


def stop_address(channel: str, address: str) -> int:
    result = db.session.execute(
        sa.delete(StaffChannelContact).where(
            StaffChannelContact.channel == channel, StaffChannelContact.address == address
        )
    )
    db.session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _fresh(user_id: int, channel: str) -> StaffChannelContact:
    stop(user_id, channel)
    contact = StaffChannelContact(user_id=user_id, channel=channel, status=ContactStatus.PENDING, attempts=0)
    db.session.add(contact)
    db.session.flush()
    return contact


def start_telegram(user: User) -> str:
    token = secrets.token_urlsafe(24)
    contact = _fresh(user.id, ChannelName.TELEGRAM)
    contact.secret_hash = keyed_hash(START_PURPOSE, token)
    contact.expires_at = clock.now() + timedelta(minutes=int(current_app.config["TELEGRAM_LINK_MINUTES"]))
    db.session.flush()
    return token


def bind_telegram(token: str, chat_id: str) -> StaffChannelContact | None:
    contact = db.session.scalar(
        sa.select(StaffChannelContact).where(
            StaffChannelContact.channel == ChannelName.TELEGRAM,
            StaffChannelContact.status == ContactStatus.PENDING,
            StaffChannelContact.secret_hash == keyed_hash(START_PURPOSE, token),
            StaffChannelContact.expires_at > clock.now(),
        )
    )
    if contact is None:
        return None
    contact.status, contact.address, contact.secret_hash = ContactStatus.VERIFIED, chat_id, None
    contact.expires_at, contact.verified_at = None, clock.now()
    db.session.flush()
    return contact


def language_of(user_id: int) -> str | None:
    return db.session.scalar(sa.select(User.language).where(User.id == user_id))


def start_number(user: User, channel: str, raw_number: str) -> tuple[StaffChannelContact, str]:
    """Keep the number as unverified; returns the row and the code, which the caller sends (then commits)."""
    if channel not in NUMBER_CHANNELS:
        raise rule_error("channel", _l("This channel is not available."))
    number = normalize_number(raw_number)
    contact = _fresh(user.id, channel)
    code = f"{secrets.randbelow(10**6):06d}"
    contact.address = number
    contact.secret_hash = keyed_hash(f"staff-code:{contact.id}", code)
    contact.expires_at = clock.now() + timedelta(minutes=int(current_app.config["CHANNEL_CODE_MINUTES"]))
    db.session.flush()
    return contact, code


def code_notice(code: str, language: str) -> Notice:
    with force_locale(language):
        text = _(
            "Your code is %(code)s. It is valid for %(minutes)s minutes.",
            code=code,
            minutes=current_app.config["CHANNEL_CODE_MINUTES"],
        )
    return Notice(text=text, language=language, code=code)


def confirm_code(user: User, channel: str, code: str) -> bool:
    return check_code(mine(user.id).get(channel), code, purpose="staff-code")


def verified_address(user_id: int, channel: str) -> str | None:
    contact = mine(user_id).get(channel)
    return contact.address if contact is not None and contact.status == ContactStatus.VERIFIED else None


def ending(address: str | None) -> str:
    """What a page may show of a number or chat id: its last three digits."""
    return (address or "")[-3:]


def offered() -> list[str]:
    return [name for name in ChannelName if name in build_channels(current_app.config)]
