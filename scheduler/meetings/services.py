"""The rules for meetings: creating, changing, moving and cancelling. Services flush; callers commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.locales import is_valid_zone
from scheduler.meetings import changes, recurrence, reminder_offsets, search_text
from scheduler.meetings.models import (
    Group,
    GroupMembership,
    Occurrence,
    OccurrenceStatus,
    Series,
    SeriesKind,
    SeriesStatus,
    Speaker,
)
from scheduler.meetings.occurrences import reset_session_changes, sync_occurrences
from scheduler.rules import RuleError

MAX_DURATION_MINUTES = 12 * 60


@dataclass(frozen=True)
class SpeakerInput:
    name: str
    role: str = "speaker"
    title: str = ""
    affiliation: str = ""
    email: str | None = None


@dataclass(frozen=True)
class SeriesInput:
    title: str
    kind: str
    start_date: date
    start_time: time
    timezone: str
    duration_minutes: int
    rule: recurrence.RecurrenceRule
    language: str
    description: str = ""
    access: str = "open"
    capacity: int | None = None
    host_id: int | None = None
    backup_host_id: int | None = None
    video_provider: str = "jitsi"
    video_custom_url: str | None = None
    video_custom_notes: str | None = None
    status: str = SeriesStatus.DRAFT
    speakers: tuple[SpeakerInput, ...] = field(default_factory=tuple)
    accept_dst_shift: bool = False
    keep_session_changes: bool = True  # editing the time: sessions moved or cancelled on their own stay so
    reminder_offsets_minutes: tuple[int, ...] | None = None  # None: the defaults for the kind of meeting

    @property
    def local_start(self) -> datetime:
        return datetime.combine(self.start_date, self.start_time)


@dataclass(frozen=True)
class Plan:
    """What a SeriesInput would produce, for the preview and for saving."""

    local_start: datetime
    rrule: str | None
    upcoming: list[recurrence.Instance]
    dst_problems: list[recurrence.DstProblem]


DST_SERIES_MESSAGE = _l(
    "On some dates this local time does not exist or happens twice because of a daylight-saving change. "
    "Choose another time, or confirm below that those sessions may start an hour off."
)
DST_MOVE_MESSAGE = _l(
    "This local time does not exist or happens twice on that day because of a daylight-saving change. "
    "Choose another time."
)

RECURRENCE_MESSAGES = {
    "interval_range": _l("The repeat interval must be between 1 and %(max)s."),
    "count_range": _l("The number of sessions must be between 1 and %(max)s."),
    "until_before_start": _l("The end date must be on or after the first session."),
    "count_and_until": _l("Choose either a number of sessions or an end date, not both."),
    "unknown_zone": _l("Choose a time zone from the list."),
    "weekday_range": _l("Choose valid weekdays."),
    "nth_range": _l("Choose first, second, third, fourth or last."),
    "monthday_range": _l("The day of the month must be between 1 and 31."),
}


def _recurrence_message(error: recurrence.RecurrenceError) -> str:
    template = RECURRENCE_MESSAGES.get(error.code)
    if template is None:
        return str(_l("The repeat settings are not valid."))
    return str(template) % {k: v for k, v in (error.params or {}).items()} if error.params else str(template)


def plan(data: SeriesInput, *, preview_count: int = 5, after: datetime | None = None) -> Plan:
    """Validate the schedule part of the input and compute the next sessions. Raises RuleError."""
    errors: dict[str, list[str]] = {}
    if not is_valid_zone(data.timezone):
        raise RuleError({"timezone": [str(_l("Choose a time zone from the list."))]})
    if not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        errors.setdefault("duration_minutes", []).append(
            str(_l("A session lasts between 1 and %(max)s minutes.", max=MAX_DURATION_MINUTES))
        )
    try:
        recurrence.validate(data.rule, data.local_start)
    except recurrence.RecurrenceError as error:
        errors.setdefault("recurrence", []).append(_recurrence_message(error))
    if errors:
        raise RuleError(errors)
    local_start = recurrence.align_start(data.rule, data.local_start)
    rrule = recurrence.to_rrule(data.rule, local_start, data.timezone)
    upcoming = recurrence.expand(rrule, local_start, data.timezone, start=after, limit=preview_count)
    problems = recurrence.dst_problems(rrule, local_start, data.timezone)
    return Plan(local_start=local_start, rrule=rrule, upcoming=upcoming, dst_problems=problems)


def _check_details(group: Group, data: SeriesInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors.setdefault("title", []).append(str(_l("Give the meeting a title.")))
    if data.capacity is not None and not 1 <= data.capacity <= 10000:
        errors.setdefault("capacity", []).append(str(_l("Seats must be between 1 and 10000, or left empty.")))
    member_ids = set(db.session.scalars(sa.select(GroupMembership.user_id).where(GroupMembership.group_id == group.id)))
    for name, user_id in (("host_id", data.host_id), ("backup_host_id", data.backup_host_id)):
        if user_id is not None and user_id not in member_ids:
            errors.setdefault(name, []).append(str(_l("Hosts must be members of this group.")))
    if data.reminder_offsets_minutes is not None:
        try:
            reminder_offsets.normalize(data.reminder_offsets_minutes)
        except ValueError:
            errors.setdefault("reminder_offsets", []).append(str(_l("Choose when reminders are sent from the list.")))
    if data.host_id is not None and data.host_id == data.backup_host_id:
        errors.setdefault("backup_host_id", []).append(str(_l("The backup host must be someone else.")))
    if data.video_provider == "custom" and not (data.video_custom_url or "").startswith(
        ("https://", "http://", "tel:")
    ):
        errors.setdefault("video_custom_url", []).append(
            str(_l("Paste the full meeting link, starting with https://."))
        )
    return errors


def _check_dst(plan_: Plan, data: SeriesInput) -> dict[str, list[str]]:
    if not plan_.dst_problems or data.accept_dst_shift:
        return {}
    return {"start_time": [str(DST_SERIES_MESSAGE)]}


def _apply(series: Series, data: SeriesInput, plan_: Plan) -> None:
    series.title = data.title.strip()
    search_text.refresh(series)
    series.kind = data.kind
    series.description = data.description.strip()
    series.access = data.access
    series.capacity = data.capacity
    series.language = data.language
    series.timezone = data.timezone
    series.local_start = plan_.local_start
    series.duration_minutes = data.duration_minutes
    series.rrule = plan_.rrule
    offsets = data.reminder_offsets_minutes
    series.reminder_offsets_minutes = None if offsets is None else list(reminder_offsets.normalize(offsets))
    series.host_id = data.host_id
    series.backup_host_id = data.backup_host_id
    series.video_provider = data.video_provider
    series.video_custom_url = data.video_custom_url if data.video_provider == "custom" else None
    series.video_custom_notes = data.video_custom_notes if data.video_provider == "custom" else None
    series.speakers = (
        [
            Speaker(
                name=s.name.strip(),
                role=s.role,
                title=s.title,
                affiliation=s.affiliation,
                email=s.email,
                position=i,
            )
            for i, s in enumerate(data.speakers)
            if s.name.strip()
        ]
        if data.kind == SeriesKind.WEBINAR
        else []
    )


def _timing(series: Series) -> tuple[object, ...]:
    return (series.local_start, series.timezone, series.rrule, series.duration_minutes, series.status)


def new_uid(host: str = "scheduler") -> str:
    return f"series-{secrets.token_hex(12)}@{host}"


def create_series(group: Group, data: SeriesInput) -> Series:
    plan_ = plan(data)
    errors = _check_details(group, data) | _check_dst(plan_, data)
    if errors:
        raise RuleError(errors)
    series = Series(group=group, uid=new_uid(), status=data.status, sequence=0)
    _apply(series, data, plan_)
    db.session.add(series)
    db.session.flush()
    sync_occurrences(series, since=min(clock.now(), plan_.upcoming[0].start_utc) if plan_.upcoming else None)
    changes.changed(series, "created")
    return series


def update_series(series: Series, data: SeriesInput) -> Series:
    """Change the whole series. Times, rule or status changing bumps the calendar sequence."""
    plan_ = plan(data)
    errors = _check_details(series.group, data) | _check_dst(plan_, data)
    if errors:
        raise RuleError(errors)
    before = _timing(series)
    _apply(series, data, plan_)
    if data.status != SeriesStatus.CANCELLED:
        series.status = data.status
    changed = _timing(series) != before
    if changed:
        if not data.keep_session_changes:
            reset_session_changes(series)
        sync_occurrences(series)
    changes.changed(series, "updated", calendar=changes.CalendarChange.SCHEDULE if changed else None)
    return series


def set_status(series: Series, status: str) -> None:
    if status not in {SeriesStatus.DRAFT, SeriesStatus.PUBLISHED}:
        raise RuleError({"status": [str(_l("Unknown status."))]})
    if series.status == SeriesStatus.CANCELLED:
        raise RuleError({"status": [str(_l("This meeting was cancelled; create a new one instead."))]})
    series.status = status
    db.session.flush()


def cancel_occurrence(occurrence: Occurrence, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise RuleError({"reason": [str(_l("Give a short reason; it is shown to participants."))]})
    if occurrence.end <= clock.now():
        raise RuleError({"reason": [str(_l("This session is already over."))]})
    if occurrence.is_cancelled:
        raise RuleError({"reason": [str(_l("This session is already cancelled."))]})
    occurrence.status = OccurrenceStatus.CANCELLED
    occurrence.cancel_reason = reason[:300]
    changes.changed(
        occurrence.series, "session cancelled", calendar=changes.CalendarChange.SESSION_CANCELLED, occurrence=occurrence
    )


def restore_occurrence(occurrence: Occurrence) -> None:
    if not occurrence.is_cancelled or occurrence.series.status == SeriesStatus.CANCELLED:
        raise RuleError({"reason": [str(_l("This session is not cancelled."))]})
    occurrence.status = OccurrenceStatus.SCHEDULED
    occurrence.cancel_reason = None
    changes.changed(
        occurrence.series, "session restored", calendar=changes.CalendarChange.SESSION_RESTORED, occurrence=occurrence
    )


def move_occurrence(occurrence: Occurrence, new_local_start: datetime, duration_minutes: int | None = None) -> None:
    """Move one session to another local date/time in the meeting's zone."""
    series = occurrence.series
    if occurrence.is_cancelled:
        raise RuleError({"start": [str(_l("Restore this session before moving it."))]})
    if occurrence.end <= clock.now():
        raise RuleError({"start": [str(_l("This session is already over."))]})
    problem = recurrence.dst_problems(None, new_local_start, series.timezone)
    if problem:
        raise RuleError({"start": [str(DST_MOVE_MESSAGE)]})
    start = recurrence.local_to_utc(new_local_start, series.timezone)
    if start <= clock.now():
        raise RuleError({"start": [str(_l("Choose a time in the future."))]})
    minutes = duration_minutes or series.duration_minutes
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise RuleError(
            {"duration_minutes": [str(_l("A session lasts between 1 and %(max)s minutes.", max=MAX_DURATION_MINUTES))]}
        )
    clash = db.session.scalar(
        sa.select(Occurrence.id).where(
            Occurrence.series_id == series.id, Occurrence.id != occurrence.id, Occurrence.start == start
        )
    )
    if clash:
        raise RuleError({"start": [str(_l("Another session of this meeting already starts then."))]})
    old_start = occurrence.start
    occurrence.start = start
    occurrence.end = start + timedelta(minutes=minutes)
    changes.changed(
        series,
        "session moved",
        calendar=changes.CalendarChange.SESSION_MOVED,
        occurrence=occurrence,
        old_start=old_start,
    )


def cancel_series(series: Series, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise RuleError({"reason": [str(_l("Give a short reason; it is shown to participants."))]})
    if series.status == SeriesStatus.CANCELLED:
        raise RuleError({"reason": [str(_l("This meeting is already cancelled."))]})
    series.status = SeriesStatus.CANCELLED
    for occurrence in db.session.scalars(
        sa.select(Occurrence).where(Occurrence.series_id == series.id, Occurrence.end > clock.now())
    ):
        if not occurrence.is_cancelled:
            occurrence.status = OccurrenceStatus.CANCELLED
            occurrence.cancel_reason = reason[:300]
    changes.changed(series, "cancelled", calendar=changes.CalendarChange.MEETING_CANCELLED, note=reason)


def split_series(series: Series, occurrence: Occurrence, data: SeriesInput) -> Series:
    """ "This and all following": end `series` just before `occurrence` and continue in a new series.

    Calendars get an UNTIL on the old UID and a new UID for the rest (Google and Outlook ignore
    RANGE=THISANDFUTURE). The sessions from the split on move to the new series with what hangs off them.
    """
    if occurrence.series_id != series.id or series.rrule is None:
        raise RuleError({"start_date": [str(_l("Only a session of a recurring meeting can start a new schedule."))]})
    if occurrence.original_start <= clock.now():
        raise RuleError({"start_date": [str(_l("Choose a session in the future."))]})
    split_at = occurrence.original_start
    if recurrence.count_before(series.rrule, series.local_start, series.timezone, split_at) == 0:
        return update_series(series, data)
    rule = data.rule
    if (
        rule.count is not None
        and recurrence.from_rrule(series.rrule, series.local_start, series.timezone).count == rule.count
    ):
        remaining = rule.count - recurrence.count_before(series.rrule, series.local_start, series.timezone, split_at)
        rule = replace(rule, count=max(remaining, 1))
        data = replace(data, rule=rule)
    plan_ = plan(data)
    errors = _check_details(series.group, data) | _check_dst(plan_, data)
    if errors:
        raise RuleError(errors)
    last_kept = db.session.scalar(
        sa.select(sa.func.max(Occurrence.start)).where(
            Occurrence.series_id == series.id, Occurrence.original_start < split_at
        )
    )
    first_new = plan_.upcoming[0].start_utc if plan_.upcoming else None
    if first_new is None or first_new <= clock.now() or (last_kept is not None and first_new <= last_kept):
        raise RuleError(
            {
                "start_date": [
                    str(
                        _l("The new schedule must start in the future and after the last session that stays as it was.")
                    )
                ]
            }
        )

    series.rrule = recurrence.with_until(series.rrule, split_at - timedelta(seconds=1))
    successor = Series(group=series.group, uid=new_uid(), status=series.status, sequence=0, previous_id=series.id)
    _apply(successor, data, plan_)
    db.session.add(successor)
    db.session.flush()
    for row in db.session.scalars(
        sa.select(Occurrence).where(Occurrence.series_id == series.id, Occurrence.original_start >= split_at)
    ):
        row.series_id = successor.id
    db.session.flush()
    db.session.expire(series, ["occurrences"])
    sync_occurrences(successor, since=min(split_at, first_new))
    changes.split(series, successor)
    changes.changed(series, "ended by a split", calendar=changes.CalendarChange.SCHEDULE)
    changes.changed(successor, "created by a split", calendar=changes.CalendarChange.SCHEDULE, bump=False)
    return successor


def add_member(group: Group, user: User, role: str) -> GroupMembership:
    membership = db.session.scalar(
        sa.select(GroupMembership).where(GroupMembership.group_id == group.id, GroupMembership.user_id == user.id)
    )
    if membership is None:
        membership = GroupMembership(group=group, user=user, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership
