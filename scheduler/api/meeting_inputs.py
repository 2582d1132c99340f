"""The staff API's meeting bodies as the services' `SeriesInput`: a new meeting from its body, a changed one from
the meeting as it is with the sent fields on top (what the edit form does with its pre-filled fields)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l

from scheduler.meetings import recurrence
from scheduler.meetings.models import Series
from scheduler.meetings.services import SeriesInput, SpeakerInput
from scheduler.rules import RuleError


def rule_from(body: dict[str, Any]) -> recurrence.RecurrenceRule:
    return recurrence.RecurrenceRule(
        freq=body["freq"],
        interval=body.get("interval", 1),
        weekdays=tuple(body.get("weekdays") or ()),
        monthly_mode=body.get("monthly_mode"),
        monthly_nth=body.get("monthly_nth"),
        monthly_weekday=body.get("monthly_weekday"),
        monthly_day=body.get("monthly_day"),
        count=body.get("count"),
        until=body.get("until"),
    )


def new_meeting(body: dict[str, Any]) -> SeriesInput:
    return SeriesInput(
        title=body["title"],
        kind=body["kind"],
        description=body["description"],
        start_date=body["start_date"],
        start_time=body["start_time"].replace(second=0, microsecond=0, tzinfo=None),
        timezone=body["timezone"].strip(),
        duration_minutes=body["duration_minutes"],
        rule=rule_from(body["recurrence"]),
        language=body["language"],
        access=body["access"],
        capacity=body["capacity"],
        status=body["status"],
        accept_dst_shift=body["accept_dst_shift"],
    )


def as_it_is(series: Series) -> SeriesInput:
    try:
        rule = recurrence.from_rrule(series.rrule, series.local_start, series.timezone)
    except recurrence.RecurrenceError as error:
        message = _l("This meeting's repeat rule can only be changed on its page.")
        raise RuleError({"recurrence": [str(message)]}) from error
    offsets = series.reminder_offsets_minutes
    return SeriesInput(
        title=series.title,
        kind=series.kind,
        description=series.description,
        start_date=series.local_start.date(),
        start_time=series.local_start.time(),
        timezone=series.timezone,
        duration_minutes=series.duration_minutes,
        rule=rule,
        language=series.language,
        access=series.access,
        capacity=series.capacity,
        host_id=series.host_id,
        backup_host_id=series.backup_host_id,
        video_provider=series.video_provider,
        video_custom_url=series.video_custom_url,
        video_custom_notes=series.video_custom_notes,
        status=series.status,
        speakers=tuple(
            SpeakerInput(name=s.name, role=s.role, title=s.title, affiliation=s.affiliation, email=s.email)
            for s in series.speakers
        ),
        reminder_offsets_minutes=tuple(offsets) if offsets is not None else None,
    )


def changed_meeting(series: Series, body: dict[str, Any]) -> SeriesInput:
    data = as_it_is(series)
    changes: dict[str, Any] = {key: value for key, value in body.items() if key != "recurrence"}
    if "start_time" in changes:
        changes["start_time"] = changes["start_time"].replace(second=0, microsecond=0, tzinfo=None)
    if "timezone" in changes:
        changes["timezone"] = changes["timezone"].strip()
    if "recurrence" in body:
        changes["rule"] = rule_from(body["recurrence"])
    return replace(data, **changes)
