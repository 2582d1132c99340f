"""People's Telegram, WhatsApp and SMS contacts: opt-in, verification, stop, and forgetting. Services flush;
callers commit.

A number is valid E.164 before it is stored; it gets nothing but a short-lived code (hashed, attempt-limited)
until the person types that code on their manage page. A Telegram chat is bound when the person opens the bot
with the one-time start token shown on their manage page. `/stop`, STOP and the manage page all end a contact
at once (the row and its unsent messages go). Nothing here logs an address, a code or a token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.channels.registry import build_channels
from scheduler.meetings.models import Occurrence, OccurrenceStatus
from scheduler.notifications import channel_replies, outbox
from scheduler.notifications.channel_models import ChannelContact, ChannelName, ContactStatus, StaffChannelContact
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.participants.models import UPCOMING, Participant, Seat
from scheduler.rules import rule_error

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
NUMBER_CHANNELS = (ChannelName.WHATSAPP, ChannelName.SMS)
CODE_KIND = "channel_code"
WELCOME_KIND = "channel_welcome"


def configured() -> list[str]:
    """The channels this installation offers (their settings are present), in a fixed order."""
    return [name for name in ChannelName if name in build_channels(current_app.config)]


def normalize_number(raw: str) -> str:
    """'+880 1712-345678' → '+8801712345678'; anything that is not an international number is refused."""
    text = re.sub(r"[\s().-]", "", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    if not E164.fullmatch(text):
        raise rule_error(
            "number", _l("Please enter your number in international format, starting with + and the country code.")
        )
    return text


def keyed_hash(purpose: str, value: str) -> str:
    """A keyed hash of a code or start token (what is stored instead of it)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def contact_of(participant_id: int, channel: str) -> ChannelContact | None:
    return db.session.scalar(
        sa.select(ChannelContact).where(
            ChannelContact.participant_id == participant_id, ChannelContact.channel == channel
        )
    )


def _fresh(participant: Participant, channel: str) -> ChannelContact:
    """The person's row for this channel, reset to pending (a new number, a new link)."""
    stop(participant.id, channel)
    contact = ChannelContact(participant_id=participant.id, channel=channel, status=ContactStatus.PENDING, attempts=0)
    db.session.add(contact)
    db.session.flush()
    return contact


def start_telegram(participant: Participant) -> str:
    """A one-time start token for t.me/<bot>?start=<token> (URL-safe, at most 64 characters)."""
    token = secrets.token_urlsafe(24)
    contact = _fresh(participant, ChannelName.TELEGRAM)
    contact.secret_hash = keyed_hash("telegram-start", token)
    contact.expires_at = clock.now() + timedelta(minutes=int(current_app.config["TELEGRAM_LINK_MINUTES"]))
    db.session.flush()
    return token


def bind_telegram(token: str, chat_id: str) -> ChannelContact | None:
    """The bot got `/start <token>`: the chat is the person's from now on (the token works once)."""
    contact = db.session.scalar(
        sa.select(ChannelContact).where(
            ChannelContact.channel == ChannelName.TELEGRAM,
            ChannelContact.status == ContactStatus.PENDING,
            ChannelContact.secret_hash == keyed_hash("telegram-start", token),
            ChannelContact.expires_at > clock.now(),
        )
    )
    if contact is None:
        return None
    contact.status, contact.address, contact.secret_hash = ContactStatus.VERIFIED, chat_id, None
    contact.expires_at, contact.verified_at = None, clock.now()
    db.session.flush()
    _notify(contact, WELCOME_KIND, None)
    return contact


def start_number(participant: Participant, channel: str, raw_number: str) -> ChannelContact:
    """Keep the number as unverified and send it a code; nothing else goes to it until the code comes back."""
    if channel not in NUMBER_CHANNELS:
        raise rule_error("channel", _l("This channel is not available."))
    number = normalize_number(raw_number)
    contact = _fresh(participant, channel)
    code = f"{secrets.randbelow(10**6):06d}"
    contact.address = number
    contact.secret_hash = keyed_hash(f"code:{contact.id}", code)
    contact.expires_at = clock.now() + timedelta(minutes=int(current_app.config["CHANNEL_CODE_MINUTES"]))
    db.session.flush()
    _notify(contact, CODE_KIND, code)
    return contact


def confirm_code(participant: Participant, channel: str, code: str) -> bool:
    """The person typed the code they got: True when the number is now verified. A wrong code counts as an
    attempt (the caller commits either way); an expired code, or too many attempts, is refused."""
    return check_code(contact_of(participant.id, channel), code, purpose="code")


def check_code(contact: ChannelContact | StaffChannelContact | None, code: str, *, purpose: str) -> bool:
    """One verification rule for participants' and staff's numbers: the pending code, its expiry and its attempt
    limit; a match verifies the contact. `purpose` keys the hash (the same as when the code was stored)."""
    if contact is None or contact.status != ContactStatus.PENDING or contact.secret_hash is None:
        raise rule_error("code", _l("Please ask for a new code first."))
    limit = int(current_app.config["CHANNEL_CODE_MAX_ATTEMPTS"])
    if contact.attempts >= limit or contact.expires_at is None or contact.expires_at <= clock.now():
        raise rule_error("code", _l("This code has expired or was tried too often. Please ask for a new code."))
    contact.attempts += 1
    given = re.sub(r"\s", "", code or "")
    if not hmac.compare_digest(keyed_hash(f"{purpose}:{contact.id}", given), contact.secret_hash):
        db.session.flush()
        return False
    contact.status, contact.secret_hash, contact.expires_at = ContactStatus.VERIFIED, None, None
    contact.attempts, contact.verified_at = 0, clock.now()
    db.session.flush()
    return True


def set_instead_of_email(participant_id: int, channel: str, instead: bool) -> None:
    contact = contact_of(participant_id, channel)
    if contact is None or contact.status != ContactStatus.VERIFIED:
        raise rule_error("channel", _l("This channel is not connected."))
    contact.instead_of_email = instead
    db.session.flush()


def _cancel_unsent(where: sa.ColumnElement[bool]) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(where, OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        .where(OutboxMessage.dispatched_at.is_(None))
        .values(status=OutboxStatus.CANCELLED, last_error="withdrawn: channel stopped")
        .execution_options(synchronize_session=False)
    )


def stop(participant_id: int, channel: str) -> None:
    """The person ends this channel: the address is forgotten and nothing more goes there."""
    db.session.execute(
        sa.delete(ChannelContact).where(
            ChannelContact.participant_id == participant_id, ChannelContact.channel == channel
        )
    )
    _cancel_unsent(sa.and_(OutboxMessage.participant_id == participant_id, OutboxMessage.channel == channel))
    db.session.flush()


def stop_address(channel: str, address: str) -> int:
    """STOP or /stop from this number or chat (or the provider says it is unreachable): every contact using it
    ends, set-wise. Returns how many."""
    mine = sa.and_(ChannelContact.channel == channel, ChannelContact.address == address)
    return _stop_where(mine)


def _stop_where(which: sa.ColumnElement[bool]) -> int:
    """End every contact matching `which` and withdraw their unsent messages: two statements, whatever the count."""
    _cancel_unsent(
        sa.exists().where(
            ChannelContact.participant_id == OutboxMessage.participant_id,
            ChannelContact.channel == OutboxMessage.channel,
            which,
        )
    )
    result = db.session.execute(sa.delete(ChannelContact).where(which).execution_options(synchronize_session=False))
    db.session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def language_at(channel: str, address: str) -> str | None:
    """The language of a person using this number or chat (for the answer to their STOP), if any."""
    return db.session.scalar(
        sa.select(Participant.language)
        .join(ChannelContact, ChannelContact.participant_id == Participant.id)
        .where(ChannelContact.channel == channel, ChannelContact.address == address)
        .limit(1)
    )


def verified(participant_id: int) -> list[ChannelContact]:
    """The person's verified contacts on channels this installation offers."""
    offered = configured()
    if not offered:
        return []
    return list(
        db.session.scalars(
            sa.select(ChannelContact)
            .where(ChannelContact.participant_id == participant_id, ChannelContact.status == ContactStatus.VERIFIED)
            .where(ChannelContact.channel.in_(offered))
            .order_by(ChannelContact.channel)
        )
    )


def overview(participant_id: int) -> list[tuple[str, ChannelContact | None]]:
    """For the manage page: every offered channel with the person's row for it (or None), in one query."""
    offered = configured()
    if not offered:
        return []
    mine = {
        c.channel: c
        for c in db.session.scalars(sa.select(ChannelContact).where(ChannelContact.participant_id == participant_id))
    }
    return [(name, mine.get(name)) for name in offered]


def drop_idle() -> int:
    """Worker job: forget the numbers and chats of people with no upcoming session, and unfinished opt-ins."""
    now = clock.now()
    upcoming = (
        sa.select(Seat.id)
        .join(Occurrence, Occurrence.id == Seat.occurrence_id)
        .where(Seat.participant_id == ChannelContact.participant_id, Seat.status.in_(UPCOMING), Occurrence.end > now)
        .where(Occurrence.status == OccurrenceStatus.SCHEDULED)
        .exists()
    )
    idle = sa.or_(
        sa.and_(ChannelContact.status == ContactStatus.VERIFIED, ~upcoming),
        sa.and_(ChannelContact.status == ContactStatus.PENDING, ChannelContact.expires_at < now - timedelta(days=1)),
    )
    return _stop_where(idle)  # set-wise: two statements for any number of people


def _notify(contact: ChannelContact, kind: str, code: str | None) -> None:
    """The code, or the welcome on Telegram, through the outbox (in the person's language)."""
    person = db.session.get(Participant, contact.participant_id)
    language = person.language if person and person.language in current_app.config["LANGUAGES"] else "en"
    with force_locale(language):
        if code is not None:
            text = _(
                "Your code is %(code)s. It is valid for %(minutes)s minutes.",
                code=code,
                minutes=current_app.config["CHANNEL_CODE_MINUTES"],
            )
        else:
            text = channel_replies.wording(channel_replies.CONNECTED, language)
    outbox.enqueue(
        outbox.OutgoingEmail(
            kind=kind,
            dedupe_key=f"{kind}:{contact.id}:{secrets.token_hex(8)}",
            recipient_email="",
            subject="",
            body_text=text,
            language=language,
            participant_id=contact.participant_id,
            channel=contact.channel,
        )
    )
