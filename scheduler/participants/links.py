"""Issuing, checking and revoking personal links. Only hashes are stored; a secret lives in one email.

Every failure is a LinkError with an HTTP status and a kind message, never a 500: unknown or tampered
secrets (and secrets of another purpose) are 404, expired, used or revoked ones are 410.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.participants import tokens
from scheduler.participants.models import LinkToken, Participant, Rsvp
from scheduler.participants.tokens import Purpose

ENDPOINTS = {
    Purpose.CONFIRM: "personal.confirm",
    Purpose.MANAGE: "personal.manage",
    Purpose.JOIN: "personal.join",
}

MESSAGES = {
    "unknown": _l("This link is not valid. Please use the most recent email we sent you, or sign up again."),
    "expired": _l("This link has expired. You can sign up again from the meeting's page; it only takes a minute."),
    "used": _l("This link was already used. Your answer is saved; the email we sent afterwards has your links."),
    "revoked": _l("This link no longer works. If you think this is a mistake, please contact the organizers."),
}
STATUS = {"unknown": 404, "expired": 410, "used": 410, "revoked": 410}


class LinkError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.status = STATUS[reason]

    @property
    def message(self) -> str:
        return str(MESSAGES[self.reason])


def issue(
    purpose: Purpose, participant: Participant, rsvp: Rsvp | None = None, *, expires_at: datetime | None = None
) -> str:
    """A new secret for one purpose. Returns the secret; the database keeps only its hash."""
    secret = tokens.new_secret()
    db.session.add(
        LinkToken(
            token_hash=tokens.hash_secret(purpose, secret),
            purpose=purpose,
            participant_id=participant.id,
            rsvp_id=rsvp.id if rsvp is not None else None,
            expires_at=expires_at,
        )
    )
    db.session.flush()
    return secret


def resolve(purpose: Purpose, secret: str) -> LinkToken:
    """The live token row for this secret and purpose, or LinkError. Changes nothing."""
    if not tokens.looks_like_secret(secret):
        raise LinkError("unknown")
    digest = tokens.hash_secret(purpose, secret)
    row = db.session.scalar(sa.select(LinkToken).where(LinkToken.token_hash == digest, LinkToken.purpose == purpose))
    if row is None or not tokens.same_hash(row.token_hash, digest):
        raise LinkError("unknown")
    if row.used_at is not None:
        raise LinkError("used")
    if row.revoked_at is not None:
        raise LinkError("revoked")
    if row.expires_at is not None and row.expires_at <= clock.now():
        raise LinkError("expired")
    return row


def participant_for(purpose: Purpose, secret: str) -> Participant:
    row = resolve(purpose, secret)
    participant = db.session.get(Participant, row.participant_id)
    if participant is None:
        raise LinkError("unknown")
    return participant


def use_once(row: LinkToken) -> None:
    """Marks a single-use token used; a concurrent second use loses and gets 'used'."""
    result = db.session.execute(
        sa.update(LinkToken)
        .where(LinkToken.id == row.id, LinkToken.used_at.is_(None), LinkToken.revoked_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        raise LinkError("used")


def revoke(*purposes: Purpose, participant_id: int | None = None, rsvp_id: int | None = None) -> int:
    if participant_id is None and rsvp_id is None:
        raise ValueError("revoke needs a participant or an RSVP")
    statement = sa.update(LinkToken).where(
        LinkToken.revoked_at.is_(None), LinkToken.used_at.is_(None), LinkToken.purpose.in_(list(purposes))
    )
    if participant_id is not None:
        statement = statement.where(LinkToken.participant_id == participant_id)
    if rsvp_id is not None:
        statement = statement.where(LinkToken.rsvp_id == rsvp_id)
    result = db.session.execute(statement.values(revoked_at=clock.now()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def unrevoke(*purposes: Purpose, rsvp_id: int, since: datetime) -> int:
    """Undo `revoke`: the RSVP's links of these purposes revoked at or after `since` work again."""
    result = db.session.execute(
        sa.update(LinkToken)
        .where(LinkToken.rsvp_id == rsvp_id, LinkToken.purpose.in_(list(purposes)), LinkToken.revoked_at >= since)
        .values(revoked_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def absolute_url(endpoint: str, **values: object) -> str:
    """An absolute URL on PUBLIC_BASE_URL (never the request's Host header), also outside a request."""
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    path = adapter.build(endpoint, values, force_external=False)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def url_for_secret(purpose: Purpose, secret: str) -> str:
    return absolute_url(ENDPOINTS[purpose], token=secret)
