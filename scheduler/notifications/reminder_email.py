"""The reminder email: rendered in the recipient's language, times in their zone, their own links only.

Discreet groups get a neutral subject ("Your Tuesday group starts in 1 hour") and sender name. Every reminder
carries RFC 8058 one-click unsubscribe headers for the reminders of that meeting (invites do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from scheduler import timefmt
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series
from scheduler.notifications.compose import ParticipantMessage

if TYPE_CHECKING:
    from scheduler.notifications.reminders import Target

KIND = "reminder"
UNSUBSCRIBE_VALID = timedelta(days=60)  # the one-click link keeps working this long after the session
JOIN_VALID_AFTER_END = timedelta(days=1)


def _minutes_of_day(instant: datetime, tz: str) -> int:
    moment = timefmt.local(instant, tz)
    return moment.hour * 60 + moment.minute


def _wrapped(delta: int) -> int:
    """A difference of clock times in minutes, folded into (-720, 720]."""
    delta %= 24 * 60
    return delta - 24 * 60 if delta > 12 * 60 else delta


def dst_shift(this_start: datetime, usual_start: datetime, person_tz: str, home_tz: str) -> int:
    """Minutes the session moved on this person's clock although the meeting's own clock time stayed the same
    (a daylight-saving change in one of the two zones). Negative: earlier than usual. Pure."""
    if _wrapped(_minutes_of_day(this_start, home_tz) - _minutes_of_day(usual_start, home_tz)) != 0:
        return 0  # the organizer moved it; the update email says so
    return _wrapped(_minutes_of_day(this_start, person_tz) - _minutes_of_day(usual_start, person_tz))


def _previous_session(occurrence: Occurrence) -> Occurrence | None:
    return db.session.scalar(
        sa.select(Occurrence)
        .where(Occurrence.series_id == occurrence.series_id, Occurrence.status == OccurrenceStatus.SCHEDULED)
        .where(Occurrence.original_start < occurrence.original_start)
        .order_by(Occurrence.original_start.desc())
        .limit(1)
    )


def dst_notice(shift: int, local_time: str) -> str | None:
    """The sentence for a shift in minutes (call inside force_locale), or None when nothing moved."""
    if shift == 0:
        return None
    amount = abs(shift)
    if amount % 60 == 0:
        hours = amount // 60
        if shift < 0:
            return ngettext(
                "This week the group meets at %(time)s your time, %(num)s hour earlier than usual.",
                "This week the group meets at %(time)s your time, %(num)s hours earlier than usual.",
                hours,
                time=local_time,
            )
        return ngettext(
            "This week the group meets at %(time)s your time, %(num)s hour later than usual.",
            "This week the group meets at %(time)s your time, %(num)s hours later than usual.",
            hours,
            time=local_time,
        )
    if shift < 0:
        return ngettext(
            "This week the group meets at %(time)s your time, %(num)s minute earlier than usual.",
            "This week the group meets at %(time)s your time, %(num)s minutes earlier than usual.",
            amount,
            time=local_time,
        )
    return ngettext(
        "This week the group meets at %(time)s your time, %(num)s minute later than usual.",
        "This week the group meets at %(time)s your time, %(num)s minutes later than usual.",
        amount,
        time=local_time,
    )


def _weekly_weekday(series: Series, locale: str) -> str | None:
    """The weekday of a weekly meeting in its own zone (as in the neutral calendar title), else None."""
    if series.rrule and "FREQ=WEEKLY" in series.rrule:
        return timefmt.weekday_names(locale)[series.local_start.weekday()]
    return None


def subject(series: Series, offset: int, locale: str) -> str:
    """'Your Tuesday group starts in 1 hour' for discreet groups, '<title> starts in 1 hour' otherwise."""
    if offset % (24 * 60) == 0 and offset >= 2 * 24 * 60:
        num, unit = offset // (24 * 60), "days"
    elif offset % 60 == 0:
        num, unit = offset // 60, "hours"
    else:
        num, unit = offset, "minutes"
    weekday = _weekly_weekday(series, locale) if series.group.discreet else None
    if weekday is not None:
        if unit == "days":
            return ngettext(
                "Your %(weekday)s group starts in %(num)s day",
                "Your %(weekday)s group starts in %(num)s days",
                num,
                weekday=weekday,
            )
        if unit == "hours":
            return ngettext(
                "Your %(weekday)s group starts in %(num)s hour",
                "Your %(weekday)s group starts in %(num)s hours",
                num,
                weekday=weekday,
            )
        return ngettext(
            "Your %(weekday)s group starts in %(num)s minute",
            "Your %(weekday)s group starts in %(num)s minutes",
            num,
            weekday=weekday,
        )
    name = _("Your meeting") if series.group.discreet else series.title
    if unit == "days":
        return ngettext("%(name)s starts in %(num)s day", "%(name)s starts in %(num)s days", num, name=name)
    if unit == "hours":
        return ngettext("%(name)s starts in %(num)s hour", "%(name)s starts in %(num)s hours", num, name=name)
    return ngettext("%(name)s starts in %(num)s minute", "%(name)s starts in %(num)s minutes", num, name=name)


@dataclass(frozen=True)
class ReminderSubject:
    """'Your Tuesday group starts in 1 hour' (see `subject`), rendered by the composer in the person's locale."""

    offset_minutes: int

    def render(self, series: Series, locale: str) -> str:
        return subject(series, self.offset_minutes, locale)


@dataclass(frozen=True)
class DstNotice:
    """The daylight-saving sentence of one reminder, rendered by the template in the person's locale."""

    shift: int
    start: datetime
    zone: str

    def __str__(self) -> str:
        return dst_notice(self.shift, timefmt.format_clock(self.start, self.zone, _current_locale())) or ""

    def __bool__(self) -> bool:
        return self.shift != 0


def _current_locale() -> str:
    return str(get_locale() or "en")


def message(target: Target) -> ParticipantMessage:
    """The reminder as data for the composer: its links, headers and calendar-free body."""
    occurrence, participant = target.occurrence, target.participant
    series = occurrence.series
    previous = _previous_session(occurrence)
    shift = (
        dst_shift(occurrence.start, previous.original_start, participant.timezone, series.timezone)
        if previous is not None
        else 0
    )
    return ParticipantMessage(
        kind=KIND,
        key=target.key,
        rsvp=target.rsvp,
        subject=ReminderSubject(target.offset_minutes),
        series=series,
        occurrence=occurrence,
        context={"dst_notice": DstNotice(shift, occurrence.start, participant.timezone)},
        join_link=True,
        join_expires_at=occurrence.end + JOIN_VALID_AFTER_END,
        unsubscribe_expires_at=occurrence.start + UNSUBSCRIBE_VALID,
        send_after=target.send_at,
    )
