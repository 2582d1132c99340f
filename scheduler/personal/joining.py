"""Where a personal join link leads right now: the video room when the session is about to start, else why not.

Above `participants` (the seats) and `integrations` (the room), so neither imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.provisioning import join_url_for
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series
from scheduler.participants import links
from scheduler.participants.models import UPCOMING, Participant, Rsvp, RsvpStatus, Seat, SeatStatus


@dataclass(frozen=True)
class JoinDecision:
    state: str  # open | preparing | not_yet | waitlisted | none
    occurrence: Occurrence | None = None
    url: str | None = None
    opens_at: datetime | None = None


def join_decision(rsvp: Rsvp) -> JoinDecision:
    """Where the personal join link leads right now. Changes nothing."""
    now = clock.now()
    if rsvp.status != RsvpStatus.ACTIVE:
        raise links.LinkError("revoked")
    upcoming = db.session.execute(
        sa.select(Seat.status, Occurrence)
        .join(Occurrence, Occurrence.id == Seat.occurrence_id)
        .where(Seat.rsvp_id == rsvp.id, Seat.status.in_(UPCOMING), Occurrence.end > now)
        .where(Occurrence.status == OccurrenceStatus.SCHEDULED)
        .order_by(Occurrence.start)
    ).all()
    confirmed = [occurrence for status, occurrence in upcoming if status == SeatStatus.CONFIRMED]
    if not confirmed:
        return JoinDecision("waitlisted" if upcoming else "none", upcoming[0][1] if upcoming else None)
    occurrence = confirmed[0]
    opens_at = occurrence.start - timedelta(minutes=current_app.config["JOIN_OPENS_MINUTES"])
    if now < opens_at:
        return JoinDecision("not_yet", occurrence, opens_at=opens_at)
    url = join_target(rsvp.series, occurrence, rsvp.participant)
    return JoinDecision("open" if url else "preparing", occurrence, url=url, opens_at=opens_at)


def join_target(series: Series, occurrence: Occurrence, participant: Participant) -> str | None:
    """The video room for this person and session, or None while the room is being prepared. Only ever sent as a
    redirect from a personal join link, never shown on a page, in a feed or in an email."""
    return join_url_for(
        series,
        occurrence,
        display_name=participant.display_name,
        participant_ref=f"participant-{participant.id}",
        is_host=False,
    )
