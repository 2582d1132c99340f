"""The API's marshmallow schemas: the same classes validate requests, shape responses and make the OpenAPI
document. Public schemas carry no personal data and no join link, ever."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from apiflask import Schema, fields, validators
from marshmallow import ValidationError, validates_schema

from scheduler.inputs import EARLIEST_DATE, LATEST_DATE
from scheduler.locales import LANGUAGE_NAMES
from scheduler.meetings.models import Access, OccurrenceStatus, SeriesKind, SeriesStatus, Topic
from scheduler.meetings.services import MAX_DURATION_MINUTES
from scheduler.participants.models import NOTE_MAX, RsvpScope

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
_LANGUAGES = validators.OneOf(sorted(LANGUAGE_NAMES))
_INSTANTS = validators.Range(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
_DATES = validators.Range(EARLIEST_DATE, LATEST_DATE)  # the forms' bounds: no year 1 or 9999 reaches a zone


def _bounded_day(value: datetime) -> None:
    """A wall-clock time or an instant, on a day the forms accept (naive and aware values both)."""
    _DATES(value.date())


class PageQuery(Schema):
    @validates_schema(pass_original=True)
    def _no_unknown_parameters(self, data: object, original: Mapping[str, object], **kwargs: object) -> None:
        """A misspelt parameter (`?form=` for `?from=`) is an error, not silently ignored."""
        known = {field.data_key or name for name, field in self.fields.items()}
        unknown = [key for key in original if key not in known]
        if unknown:
            raise ValidationError({key or "?": ["Unknown field."] for key in unknown})

    cursor = fields.String(
        load_default=None, validate=validators.Length(max=200), metadata={"description": "next_cursor of a page"}
    )
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validators.Range(1, MAX_LIMIT))


class SessionsQuery(PageQuery):
    from_ = fields.AwareDateTime(
        data_key="from",
        load_default=None,
        validate=_INSTANTS,
        metadata={"description": "ISO 8601 instant with its offset (2000–2100); default: now"},
    )
    to = fields.AwareDateTime(
        load_default=None,
        validate=_INSTANTS,
        metadata={"description": "ISO 8601 instant with its offset; default: 14 days after from"},
    )
    group = fields.String(load_default=None, validate=validators.Length(max=80), metadata={"description": "slug"})


class GroupOut(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    topic = fields.String(required=True, validate=validators.OneOf([str(t) for t in Topic]))
    language = fields.String(required=True)
    timezone = fields.String(required=True, metadata={"description": "IANA zone"})
    helpline = fields.String(allow_none=True)
    url = fields.String(required=True, metadata={"description": "the group's public page"})


class GroupPage(Schema):
    items = fields.List(fields.Nested(GroupOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class MeetingOut(Schema):
    id = fields.Integer(required=True)
    group = fields.String(required=True, metadata={"description": "the group's slug"})
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True, validate=validators.OneOf([str(k) for k in SeriesKind]))
    status = fields.String(required=True, validate=validators.OneOf([str(s) for s in SeriesStatus]))
    access = fields.String(required=True, validate=validators.OneOf([str(a) for a in Access]))
    language = fields.String(required=True)
    timezone = fields.String(required=True, metadata={"description": "IANA zone of the meeting"})
    local_start = fields.String(required=True, metadata={"description": "first session's wall-clock start"})
    duration_minutes = fields.Integer(required=True)
    rrule = fields.String(allow_none=True, required=True, metadata={"description": "RFC 5545 RRULE, local time"})
    url = fields.String(required=True, metadata={"description": "the public page"})
    signup_url = fields.String(required=True)


class MeetingPage(Schema):
    items = fields.List(fields.Nested(MeetingOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class SessionOut(Schema):
    id = fields.Integer(required=True)
    meeting_id = fields.Integer(required=True)
    meeting_title = fields.String(required=True)
    group = fields.String(required=True)
    status = fields.String(required=True, validate=validators.OneOf([str(s) for s in OccurrenceStatus]))
    timezone = fields.String(required=True, metadata={"description": "IANA zone the local times are in"})
    start_utc = fields.AwareDateTime(required=True)
    end_utc = fields.AwareDateTime(required=True)
    start_local = fields.String(required=True, metadata={"description": "ISO 8601 with the zone's offset"})
    end_local = fields.String(required=True)
    signup_url = fields.String(required=True)


class SessionPage(Schema):
    items = fields.List(fields.Nested(SessionOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class RsvpIn(Schema):
    email = fields.String(required=True, validate=validators.Length(min=3, max=254))
    display_name = fields.String(required=True, validate=validators.Length(min=1, max=80))
    timezone = fields.String(required=True, validate=validators.Length(min=1, max=64))
    language = fields.String(load_default="en", validate=_LANGUAGES)
    scope = fields.String(load_default=RsvpScope.SERIES, validate=validators.OneOf([str(s) for s in RsvpScope]))
    session_id = fields.Integer(load_default=None, allow_none=True, validate=validators.Range(1, 2**31 - 1))
    note = fields.String(load_default="", validate=validators.Length(max=NOTE_MAX))
    question = fields.String(load_default="", validate=validators.Length(max=NOTE_MAX))


class RsvpAccepted(Schema):
    status = fields.String(required=True, metadata={"description": "always 'check_your_inbox'"})
    detail = fields.String(required=True)


# --- staff ------------------------------------------------------------------------------------------------------


class RecurrenceIn(Schema):
    freq = fields.String(required=True, validate=validators.OneOf(["once", "daily", "weekly", "monthly"]))
    interval = fields.Integer(load_default=1, validate=validators.Range(1, 99))
    weekdays = fields.List(
        fields.Integer(validate=validators.Range(0, 6)), load_default=list, validate=validators.Length(max=7)
    )
    monthly_mode = fields.String(load_default=None, allow_none=True, validate=validators.OneOf(["weekday", "monthday"]))
    monthly_nth = fields.Integer(load_default=None, allow_none=True, validate=validators.OneOf([1, 2, 3, 4, -1]))
    monthly_weekday = fields.Integer(load_default=None, allow_none=True, validate=validators.Range(0, 6))
    monthly_day = fields.Integer(load_default=None, allow_none=True, validate=validators.Range(1, 31))
    count = fields.Integer(load_default=None, allow_none=True, validate=validators.Range(1, 1000))
    until = fields.Date(load_default=None, allow_none=True, validate=_DATES)


class MeetingIn(Schema):
    title = fields.String(required=True, validate=validators.Length(min=1, max=150))
    kind = fields.String(required=True, validate=validators.OneOf([str(k) for k in SeriesKind]))
    description = fields.String(load_default="", validate=validators.Length(max=5000))
    start_date = fields.Date(
        required=True, validate=_DATES, metadata={"description": "local date of the first session"}
    )
    start_time = fields.Time(required=True, metadata={"description": "local wall-clock start, HH:MM"})
    timezone = fields.String(required=True, validate=validators.Length(min=1, max=64))
    duration_minutes = fields.Integer(load_default=60, validate=validators.Range(1, MAX_DURATION_MINUTES))
    recurrence = fields.Nested(RecurrenceIn, required=True)
    language = fields.String(load_default="en", validate=_LANGUAGES)
    access = fields.String(load_default=Access.OPEN, validate=validators.OneOf([str(a) for a in Access]))
    capacity = fields.Integer(load_default=None, allow_none=True, validate=validators.Range(1, 10000))
    status = fields.String(
        load_default=SeriesStatus.DRAFT, validate=validators.OneOf([SeriesStatus.DRAFT, SeriesStatus.PUBLISHED])
    )
    accept_dst_shift = fields.Boolean(load_default=False)


class MeetingPatch(Schema):
    """Only the fields sent change; the rest stay as they are."""

    title = fields.String(validate=validators.Length(min=1, max=150))
    description = fields.String(validate=validators.Length(max=5000))
    start_date = fields.Date(validate=_DATES)
    start_time = fields.Time()
    timezone = fields.String(validate=validators.Length(min=1, max=64))
    duration_minutes = fields.Integer(validate=validators.Range(1, MAX_DURATION_MINUTES))
    recurrence = fields.Nested(RecurrenceIn)
    language = fields.String(validate=_LANGUAGES)
    access = fields.String(validate=validators.OneOf([str(a) for a in Access]))
    capacity = fields.Integer(allow_none=True, validate=validators.Range(1, 10000))
    status = fields.String(validate=validators.OneOf([SeriesStatus.DRAFT, SeriesStatus.PUBLISHED]))
    accept_dst_shift = fields.Boolean()


class ReasonIn(Schema):
    reason = fields.String(load_default="", validate=validators.Length(max=300))


class MoveIn(Schema):
    start = fields.DateTime(
        required=True,
        validate=_bounded_day,
        metadata={
            "description": "the new start: a wall-clock time in the meeting's zone (2026-12-02T20:00), or an "
            "instant with its offset (2026-12-02T19:00Z), which is converted to the meeting's zone"
        },
    )
    duration_minutes = fields.Integer(load_default=None, allow_none=True, validate=validators.Range(1, 720))


class StaffGroupOut(GroupOut):
    id = fields.Integer(required=True)
    role = fields.String(allow_none=True, required=True, metadata={"description": "yours in this group"})


class StaffGroupList(Schema):
    items = fields.List(fields.Nested(StaffGroupOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class StaffSessionOut(SessionOut):
    cancel_reason = fields.String(allow_none=True, required=True)


class RosterLineOut(Schema):
    display_name = fields.String(required=True)
    email = fields.String(allow_none=True, required=True, metadata={"description": "organizers and counselors only"})
    seat = fields.String(required=True)
    attendance = fields.String(allow_none=True, required=True)


class RosterOut(Schema):
    session = fields.Nested(StaffSessionOut, required=True)
    people = fields.List(fields.Nested(RosterLineOut), required=True)


class ProblemOut(Schema):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


# One class per place in the document: a class nested in a page and also answered alone would be added twice.
class GroupDetail(GroupOut):
    pass


class MeetingDetail(MeetingOut):
    pass


class StaffSessionDetail(StaffSessionOut):
    pass
