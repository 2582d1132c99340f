"""The reminder email: rendered in the recipient's language, times in their zone, their own links only.

Discreet groups get a neutral subject ("Your Tuesday group starts in 1 hour") and sender name. Every reminder
carries RFC 8058 one-click unsubscribe headers for the reminders of that meeting (invites do not).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from scheduler import timefmt
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series
from scheduler.notifications import discretion, outbox
from scheduler.notifications.outbox import OutgoingEmail
from scheduler.participants import emails, links
from scheduler.participants.tokens import Purpose

if TYPE_CHECKING:
    from scheduler.notifications.reminders import Target

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


def compose(target: Target) -> OutgoingEmail:
    occurrence, participant, rsvp = target.occurrence, target.participant, target.rsvp
    series = occurrence.series
    group = series.group
    lang = participant.language
    manage_url = links.url_for_secret(Purpose.MANAGE, links.issue(Purpose.MANAGE, participant))
    join_secret = links.issue(Purpose.JOIN, participant, rsvp, expires_at=occurrence.end + JOIN_VALID_AFTER_END)
    unsubscribe_secret = links.issue(
        Purpose.UNSUBSCRIBE, participant, rsvp, expires_at=occurrence.start + UNSUBSCRIBE_VALID
    )
    unsubscribe_url = links.absolute_url("reminders.unsubscribe", token=unsubscribe_secret)
    previous = _previous_session(occurrence)
    shift = (
        dst_shift(occurrence.start, previous.original_start, participant.timezone, series.timezone)
        if previous is not None
        else 0
    )
    with force_locale(lang):
        locale = str(get_locale() or "en")
        values = {
            "name": participant.display_name,
            "series": series,
            "group": group,
            "session": occurrence,
            "manage_url": manage_url,
            "join_url": links.url_for_secret(Purpose.JOIN, join_secret),
            "unsubscribe_url": unsubscribe_url,
            "helpline": group.helpline
            or _("You are not alone. If you are in crisis, call your local emergency number or a helpline now."),
            "when": emails.when(occurrence.start, participant.timezone, series.timezone, locale),
            "dst_notice": dst_notice(shift, timefmt.format_clock(occurrence.start, participant.timezone, locale)),
            "headline": subject(series, target.offset_minutes, locale),
        }
        text = render_template("email/reminder.txt", **values)
        html = render_template("email/reminder.html", **values)
        sender = discretion.sender_name(group)
        title = values["headline"]
    return outbox.to_participant(
        participant,
        series,
        occurrence=occurrence,
        sender_name=sender,
        subject=title,
        kind="reminder",
        dedupe_key=target.key,
        body_text=text,
        body_html=html,
        language=lang,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        send_after=target.send_at,
    )
