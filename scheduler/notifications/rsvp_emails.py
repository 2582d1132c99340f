"""Which email a participant gets when, about their sign-up, the waiting list and leaving. How a message is written
(language, links, discreet subject and sender, helpline, calendar part) is the composer's job
(`scheduler.notifications.compose`); this module passes it data. The participants services ask for these through
`scheduler.participants.emails` (wired in `scheduler/wiring.py`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Access, Group, Occurrence, Series, SeriesStatus, Visibility
from scheduler.notifications import calendar_updates, outbox
from scheduler.notifications.compose import CalendarPart, DiscreetSubject, ParticipantMessage, compose, send, to_email
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.participants import links
from scheduler.participants.models import UPCOMING, Participant, Rsvp, RsvpStatus, Seat
from scheduler.participants.tokens import Purpose

# (discreet subject, subject naming the meeting)
SUBJECTS = {
    "rsvp_confirm": (_l("Please confirm your sign-up"), _l("Please confirm: %(title)s")),
    "rsvp_already": (_l("Your sign-up link"), _l("Your sign-up: %(title)s")),
    "rsvp_welcome": (_l("You are signed up"), _l("You are signed up: %(title)s")),
    "rsvp_approved": (_l("Your request was accepted"), _l("Your request was accepted: %(title)s")),
    "rsvp_awaiting": (_l("We received your request"), _l("We received your request: %(title)s")),
    "rsvp_declined": (_l("About your request"), _l("About your request: %(title)s")),
    "waitlist_offer": (_l("A place is free for you"), _l("A place is free for you: %(title)s")),
    "waitlist_lapsed": (_l("About your waiting-list place"), _l("About your waiting-list place: %(title)s")),
}
SESSIONS_SHOWN = 5


def _send(kind: str, key: str, rsvp: Rsvp, **fields: object) -> None:
    send(ParticipantMessage(kind=kind, key=key, rsvp=rsvp, subject=DiscreetSubject(*SUBJECTS[kind]), **fields))  # type: ignore[arg-type]


def _seat_lines(rsvp: Rsvp) -> list[tuple[Occurrence, str]]:
    rows = db.session.execute(
        sa.select(Occurrence, Seat.status)
        .join(Seat, Seat.occurrence_id == Occurrence.id)
        .where(Seat.rsvp_id == rsvp.id, Seat.status.in_(UPCOMING), Occurrence.start > clock.now())
        .order_by(Occurrence.start)
        .limit(SESSIONS_SHOWN)
    ).all()
    return [(occurrence, status) for occurrence, status in rows]


def confirm_request(rsvp: Rsvp, secret: str, language: str) -> None:
    """Queued unrendered (one INSERT): the email job renders it (`render_later`), so the sign-up request does the
    same small work whether or not the address is known."""
    args = {"rsvp_id": rsvp.id, "language": language, "secret": secret, "occurrence_id": _chosen_id(rsvp)}
    key = f"rsvp_confirm:{rsvp.id}:v{rsvp.version}"
    outbox.enqueue_unrendered("rsvp_confirm", key, rsvp.participant.email, args, participant_id=rsvp.participant_id)


def already_signed_up(rsvp: Rsvp) -> None:
    key = f"rsvp_already:{rsvp.id}:{clock.now():%Y%m%d%H}"  # at most one an hour
    args = {"rsvp_id": rsvp.id, "awaiting": rsvp.status == "awaiting_approval"}
    outbox.enqueue_unrendered("rsvp_already", key, rsvp.participant.email, args, participant_id=rsvp.participant_id)


def _chosen_id(rsvp: Rsvp) -> int | None:
    return rsvp.occurrence_id if rsvp.scope == "occurrence" else None


RENDERED_LATER = ("rsvp_confirm", "rsvp_already")  # queued unrendered by the sign-up request


def render_later(row: OutboxMessage) -> outbox.OutgoingEmail | None:
    """The sign-up emails, rendered by the email job from the ids the request queued (None: the sign-up is gone)."""
    args = row.render_args or {}
    rsvp = db.session.get(Rsvp, args.get("rsvp_id"))
    if rsvp is None:
        return None
    if row.kind == "rsvp_confirm":
        occurrence = db.session.get(Occurrence, args["occurrence_id"]) if args.get("occurrence_id") else None
        context = {"confirm_url": links.url_for_secret(Purpose.CONFIRM, args["secret"]), "chosen": occurrence}
        language = args.get("language")
    else:
        occurrence, context, language = None, {"awaiting": bool(args.get("awaiting"))}, None
    message = ParticipantMessage(
        kind=row.kind,
        key=row.dedupe_key,
        rsvp=rsvp,
        subject=DiscreetSubject(*SUBJECTS[row.kind]),
        language=language,
        occurrence=occurrence,
        context=context,
    )
    return to_email(message, compose(message))


def welcome(rsvp: Rsvp, *, approved: bool) -> None:
    kind = "rsvp_approved" if approved else "rsvp_welcome"
    _send(
        kind,
        f"{kind}:{rsvp.id}:v{rsvp.version}",
        rsvp,
        join_link=True,
        context={"sessions": _seat_lines(rsvp), "approved": approved},
        calendar=CalendarPart("request"),
    )


def awaiting_approval(rsvp: Rsvp) -> None:
    _send("rsvp_awaiting", f"rsvp_awaiting:{rsvp.id}:v{rsvp.version}", rsvp)


def declined_key(rsvp: Rsvp) -> str:
    return f"rsvp_declined:{rsvp.id}:v{rsvp.version}"


def declined(rsvp: Rsvp, *, send_after: datetime | None = None) -> None:
    topic, language = rsvp.series.group.topic, rsvp.participant.language
    context = {
        "suggestions": [
            (s.title, links.absolute_url("public.meeting", series_id=s.id)) for s in suggestions(rsvp, topic, language)
        ],
        "schedule_url": links.absolute_url("public.schedule", topic=topic, language=language),
    }
    _send("rsvp_declined", declined_key(rsvp), rsvp, context=context, send_after=send_after)


def withdraw_declined(rsvp: Rsvp) -> bool:
    return outbox.withdraw_held(declined_key(rsvp))


def declined_held_until(rsvp: Rsvp) -> datetime | None:
    return outbox.held_until(declined_key(rsvp))


def suggestions(rsvp: Rsvp, topic: str, language: str, limit: int = 5) -> list[Series]:
    """Open meetings for someone whose request was declined: on the same topic as the group they asked to join
    and in their own language (a depression-group applicant is not sent to addiction meetings in another
    language). None fit: the mail links the schedule filtered the same way."""
    return list(
        db.session.scalars(
            sa.select(Series)
            .join(Group, Group.id == Series.group_id)
            .where(Series.status == SeriesStatus.PUBLISHED, Series.access == Access.OPEN, Series.id != rsvp.series_id)
            .where(Group.visibility == Visibility.PUBLIC, Group.topic == topic, Series.language == language)
            .order_by(Series.title, Series.id)
            .limit(limit)
        )
    )


def waitlist_offer(seat: Seat) -> None:
    context = {"expires_at": seat.offer_expires_at}
    _send(
        "waitlist_offer",
        f"waitlist_offer:{seat.id}:{seat.offers}",
        seat.rsvp,
        occurrence=seat.occurrence,
        context=context,
    )


def offer_lapsed(seat: Seat) -> None:
    _send("waitlist_lapsed", f"waitlist_lapsed:{seat.id}:{seat.offers}", seat.rsvp, occurrence=seat.occurrence)


def left(rsvp: Rsvp, *, send_after: datetime | None = None) -> None:
    """Leaving or removal: the queued mail about this meeting stops, and a CANCEL goes to the person alone (held
    until `send_after` when a removal can still be undone)."""
    outbox.cancel_pending(participant_id=rsvp.participant_id, series_id=rsvp.series_id)
    rsvp.series.sequence += 1  # the CANCEL is newer than every REQUEST this person got
    calendar_updates.left(rsvp, send_after=send_after)
    rsvp.series.sequence += 1  # and a REQUEST after a re-join is newer than that CANCEL


def withdraw_removed(rsvp: Rsvp) -> bool:
    return outbox.withdraw_held(calendar_updates.left_key(rsvp))


def removals_held(series: Series) -> list[tuple[Rsvp, Participant, datetime]]:
    """People removed so recently that the message telling them is still held back, with when it goes out."""
    return _held(series, "left_meeting", RsvpStatus.REMOVED)


def declines_held(series: Series) -> list[tuple[Rsvp, Participant, datetime]]:
    """Requests declined so recently that the email is still held back: each with the time it goes out."""
    return _held(series, "rsvp_declined", RsvpStatus.DECLINED)


def _held(series: Series, kind: str, status: RsvpStatus) -> list[tuple[Rsvp, Participant, datetime]]:
    rows = db.session.execute(
        sa.select(Rsvp, Participant, OutboxMessage.send_after)
        .join(Participant, Participant.id == Rsvp.participant_id)
        .join(
            OutboxMessage,
            sa.and_(
                OutboxMessage.participant_id == Rsvp.participant_id,
                OutboxMessage.series_id == Rsvp.series_id,
                OutboxMessage.kind == kind,
            ),
        )
        .where(
            Rsvp.series_id == series.id,
            Rsvp.status == status,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.send_after > clock.now(),
        )
        .order_by(Rsvp.updated_at, Rsvp.id)
        .limit(50)
    ).all()
    return [(rsvp, person, due) for rsvp, person, due in rows]
