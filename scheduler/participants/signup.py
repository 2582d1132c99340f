"""Signing up: the RSVP with double opt-in and its confirmation (the confirm/RSVP path). Services flush; callers
commit.

RSVP states: pending → active | awaiting approval (a closed meeting) → see `lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series, SeriesKind, SeriesStatus
from scheduler.participants import emails, links, seats, throttle
from scheduler.participants.allocation import advance, allocate, bookable_sessions, needs_approval
from scheduler.participants.inputs import RsvpInput, check_profile, clean_name, normalized_email
from scheduler.participants.models import (
    NOTE_MAX,
    LinkToken,
    Participant,
    Rsvp,
    RsvpScope,
    RsvpStatus,
)
from scheduler.participants.tokens import Purpose
from scheduler.rules import RuleError


@dataclass(frozen=True)
class ConfirmOutcome:
    rsvp: Rsvp
    manage_secret: str


def _check_input(
    series: Series, data: RsvpInput, upcoming: list[Occurrence] | None = None
) -> tuple[str, Occurrence | None]:
    errors = check_profile(data.display_name, data.timezone, data.language)
    email = normalized_email(data.email)
    if email is None:
        errors["email"] = [str(_l("Enter a valid email address, like name@example.org."))]
    if len(data.note) > NOTE_MAX or len(data.question) > NOTE_MAX:
        errors["note"] = [str(_l("Please keep it under %(max)s characters.", max=NOTE_MAX))]
    occurrence = None
    if upcoming is None:
        upcoming = bookable_sessions(series, limit=1)
    if series.status != SeriesStatus.PUBLISHED or not upcoming:
        errors["scope"] = [str(_l("This meeting is not taking sign-ups."))]
    elif data.scope == RsvpScope.OCCURRENCE:
        occurrence = db.session.get(Occurrence, data.occurrence_id) if data.occurrence_id else None
        if occurrence is None or occurrence not in bookable_sessions(series):
            errors["occurrence_id"] = [str(_l("Choose one of the upcoming sessions."))]
    elif data.scope != RsvpScope.SERIES:
        errors["scope"] = [str(_l("Choose all upcoming sessions or only one session."))]
    if errors:
        raise RuleError(errors)
    return email, occurrence


def request_rsvp(series: Series, data: RsvpInput, upcoming: list[Occurrence] | None = None) -> None:
    """Records a sign-up and emails the address. The outcome is deliberately invisible to the caller:
    known and unknown addresses look the same, and nothing changes until the address owner confirms.
    ``upcoming``: the meeting's next bookable sessions, if the caller has loaded them (the first ones suffice)."""
    email, occurrence = _check_input(series, data, upcoming)
    if not throttle.address_allowed(email):
        return
    now = clock.now()
    name = clean_name(data.display_name)
    profile = {"display_name": name, "timezone": data.timezone, "language": data.language}
    seats.insert_ignore(Participant, {"email": email, "created_at": now, "active_at": now, **profile}, ["email"])
    participant = db.session.scalars(
        sa.select(Participant).where(Participant.email == email).execution_options(populate_existing=True)
    ).one()
    if participant.confirmed_at is None:  # nobody has proven they own the address yet: the latest request wins
        for key, value in profile.items():
            setattr(participant, key, value)
    participant.active_at = now
    seats.insert_ignore(
        Rsvp,
        {"participant_id": participant.id, "series_id": series.id, "created_at": now},
        ["participant_id", "series_id"],
    )
    rsvp = db.session.scalars(
        sa.select(Rsvp)
        .where(Rsvp.participant_id == participant.id, Rsvp.series_id == series.id)
        .execution_options(populate_existing=True)
    ).one()
    if rsvp.status in (RsvpStatus.ACTIVE, RsvpStatus.AWAITING_APPROVAL):
        emails.already_signed_up(rsvp)
        return
    if rsvp.status == RsvpStatus.REMOVED:
        return  # staff removed this person; say nothing more on screen than to anyone else
    rsvp.status = RsvpStatus.PENDING
    rsvp.scope = data.scope
    rsvp.occurrence_id = occurrence.id if occurrence is not None else None
    rsvp.note = (data.note.strip() or None) if needs_approval(series) else None
    rsvp.question = (data.question.strip() or None) if series.kind == SeriesKind.WEBINAR else None
    rsvp.version += 1
    db.session.flush()
    expires = now + timedelta(hours=current_app.config["RSVP_CONFIRM_HOURS"])
    secret = links.issue(Purpose.CONFIRM, participant, rsvp, expires_at=expires)
    language = data.language if participant.confirmed_at is None else participant.language
    emails.confirm_request(rsvp, secret, language)


def pending_confirmation(secret: str) -> Rsvp:
    """What a confirmation link would confirm (for the GET page). Changes nothing."""
    return _pending(secret)[1]


def _pending(secret: str) -> tuple[LinkToken, Rsvp]:
    token = links.resolve(Purpose.CONFIRM, secret)
    rsvp = db.session.get(Rsvp, token.rsvp_id) if token.rsvp_id else None
    if rsvp is None or rsvp.status != RsvpStatus.PENDING:
        raise links.LinkError("used")
    return token, rsvp


def confirm(secret: str) -> ConfirmOutcome:
    token, rsvp = _pending(secret)
    links.use_once(token)
    approval = needs_approval(rsvp.series)
    if not advance(rsvp, (RsvpStatus.PENDING,), RsvpStatus.AWAITING_APPROVAL if approval else RsvpStatus.ACTIVE):
        raise links.LinkError("used")
    participant = rsvp.participant
    participant.confirmed_at = participant.confirmed_at or clock.now()
    participant.active_at = clock.now()
    links.revoke(Purpose.CONFIRM, rsvp_id=rsvp.id)
    if approval:
        emails.awaiting_approval(rsvp)
    else:
        allocate(rsvp)
        emails.welcome(rsvp, approved=False)
    return ConfirmOutcome(rsvp=rsvp, manage_secret=links.issue(Purpose.MANAGE, participant))
