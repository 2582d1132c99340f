"""The meeting (series) form: what, when and how often, the video room, speakers and reminders. It parses and
checks types and builds a `SeriesInput`; the rules live in services."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from scheduler import clock
from scheduler.forms_base import (
    LANGUAGE_CHOICES,
    BaseForm,
    DateField,
    IntegerField,
    SubForm,
    one_line_filter,
    options,
    validate_zone,
)
from scheduler.meetings import recurrence, reminder_offsets, services
from scheduler.meetings.forms import kind_choices
from scheduler.meetings.models import Access, Series, SeriesKind, SeriesStatus, SpeakerRole


def weekday_choices() -> list[SelectChoice]:
    return options(
        [
            (0, _l("Monday")),
            (1, _l("Tuesday")),
            (2, _l("Wednesday")),
            (3, _l("Thursday")),
            (4, _l("Friday")),
            (5, _l("Saturday")),
            (6, _l("Sunday")),
        ]
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class SpeakerForm(SubForm):
    name = StringField(_l("Name"), filters=[one_line_filter], validators=[Optional(), Length(max=120)])
    role = SelectField(
        _l("Role"),
        choices=options([(SpeakerRole.SPEAKER, _l("Speaker")), (SpeakerRole.MODERATOR, _l("Moderator"))]),
        default=SpeakerRole.SPEAKER,
    )
    title = StringField(_l("Job title"), filters=[one_line_filter], validators=[Optional(), Length(max=120)])
    affiliation = StringField(_l("Affiliation"), filters=[one_line_filter], validators=[Optional(), Length(max=160)])
    email = EmailField(_l("Email (optional, for their invitation)"), validators=[Optional(), Email(), Length(max=254)])


class SeriesForm(BaseForm):
    title = StringField(_l("Title"), filters=[one_line_filter], validators=[DataRequired(), Length(max=150)])
    kind = SelectField(_l("Kind of meeting"), choices=kind_choices, default=SeriesKind.PEER_SUPPORT)
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    access = RadioField(
        _l("Who can join"),
        choices=options(
            [
                (Access.OPEN, _l("Open: anyone may RSVP")),
                (Access.CLOSED, _l("Closed: a host approves each request")),
            ]
        ),
        default=Access.OPEN,
    )
    capacity = IntegerField(
        _l("Seats per session"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("Seats must be between 1 and 10000, or left empty.")),
        ],
    )
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), validate_zone])
    start_date = DateField(
        _l("First session"), validators=[InputRequired(message=_l("Enter the date of the first session."))]
    )
    start_time = TimeField(_l("Start time (local)"), validators=[InputRequired(message=_l("Enter the start time."))])
    duration_minutes = IntegerField(
        _l("Duration in minutes"),
        default=90,
        validators=[
            InputRequired(message=_l("Enter the duration.")),
            NumberRange(
                min=1,
                max=services.MAX_DURATION_MINUTES,
                message=_l("A session lasts between 1 and %(max)s minutes.", max=services.MAX_DURATION_MINUTES),
            ),
        ],
    )
    freq = SelectField(
        _l("Repeats"),
        choices=options(
            [
                ("once", _l("Does not repeat")),
                ("daily", _l("Daily")),
                ("weekly", _l("Weekly")),
                ("monthly", _l("Monthly")),
            ]
        ),
        default="weekly",
    )
    interval = IntegerField(
        _l("Every how many days, weeks or months"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=365, message=_l("The repeat interval must be between 1 and %(max)s.", max=365)),
        ],
    )
    weekdays = MultiCheckboxField(_l("On these days"), choices=weekday_choices, coerce=int, validate_choice=True)
    monthly_mode = RadioField(
        _l("Monthly on"),
        choices=options(
            [
                ("weekday", _l("a weekday of the month (e.g. first Sunday)")),
                ("monthday", _l("a day of the month")),
            ]
        ),
        default="weekday",
        validators=[Optional()],
    )
    monthly_nth = SelectField(
        _l("Which week"),
        choices=options(
            [
                ("1", _l("First")),
                ("2", _l("Second")),
                ("3", _l("Third")),
                ("4", _l("Fourth")),
                ("-1", _l("Last")),
            ]
        ),
        default="1",
    )
    monthly_weekday = SelectField(_l("Which day"), choices=weekday_choices, coerce=int, default=6)
    monthly_day = IntegerField(
        _l("Day of the month"),
        validators=[
            Optional(),
            NumberRange(min=1, max=31, message=_l("The day of the month must be between 1 and 31.")),
        ],
    )
    end_mode = RadioField(
        _l("Ends"),
        choices=options(
            [("never", _l("Never")), ("count", _l("After a number of sessions")), ("until", _l("On a date"))]
        ),
        default="never",
    )
    count = IntegerField(
        _l("Number of sessions"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=recurrence.MAX_COUNT,
                message=_l("The number of sessions must be between 1 and %(max)s.", max=recurrence.MAX_COUNT),
            ),
        ],
    )
    until = DateField(_l("Last date"), validators=[Optional()])
    host_id = SelectField(_l("Host"), coerce=optional_int, validate_choice=True)
    backup_host_id = SelectField(_l("Backup host"), coerce=optional_int, validate_choice=True)
    video_provider = SelectField(
        _l("Video"),
        choices=options(
            [
                ("jitsi", _l("Jitsi (free)")),
                ("jitsi_jwt", _l("Jitsi on our own server")),
                ("jaas", _l("Jitsi as a Service (8x8)")),
                ("zoom", _l("Zoom")),
                ("custom", _l("My own link")),
                ("none", _l("No video link yet")),
            ]
        ),
        default="jitsi",
    )
    video_custom_url = StringField(_l("Meeting link"), validators=[Optional(), Length(max=500)])
    video_custom_notes = StringField(_l("Notes for joining (e.g. dial-in)"), validators=[Optional(), Length(max=300)])
    status = RadioField(
        _l("Status"),
        choices=options(
            [(SeriesStatus.DRAFT, _l("Draft: only staff see it")), (SeriesStatus.PUBLISHED, _l("Published"))]
        ),
        default=SeriesStatus.DRAFT,
    )
    speakers = FieldList(FormField(SpeakerForm), min_entries=5, max_entries=12)
    accept_dst_shift = BooleanField(_l("I understand that on those dates the session starts an hour off."))
    reminders_custom = BooleanField(_l("Choose when reminders are sent"))
    session_changes = RadioField(
        _l("Sessions you changed one by one"),
        choices=options(
            [("keep", _l("Keep these changes")), ("reset", _l("Undo them: every session follows the new schedule"))]
        ),
        default="keep",
    )
    reminder_offsets = MultiCheckboxField(
        _l("Send reminders"),
        choices=lambda: options(reminder_offsets.CHOICES),
        coerce=int,
        validate_choice=True,
        default=list(reminder_offsets.DEFAULT),
    )

    def set_host_choices(self, members: list[tuple[int, str]]) -> None:
        choices = options([("", _l("Nobody yet")), *members])
        self.host_id.choices = choices
        self.backup_host_id.choices = list(choices)

    def validate_end_mode(self, field: RadioField) -> None:
        if self.freq.data == "once":
            return
        if field.data == "count" and self.count.data is None:
            raise ValidationError(_l("Enter the number of sessions."))
        if field.data == "until" and self.until.data is None:
            raise ValidationError(_l("Enter the last date."))

    def validate_weekdays(self, field: MultiCheckboxField) -> None:
        if self.freq.data == "weekly" and not field.data:
            raise ValidationError(_l("Choose at least one day."))

    def validate_monthly_day(self, field: IntegerField) -> None:
        if self.freq.data == "monthly" and self.monthly_mode.data == "monthday" and field.data is None:
            raise ValidationError(_l("Enter the day of the month."))

    def rule(self) -> recurrence.RecurrenceRule:
        freq = self.freq.data or "once"
        if freq == "once":
            return recurrence.RecurrenceRule(freq="once")
        monthly = freq == "monthly"
        by_weekday = monthly and self.monthly_mode.data != "monthday"
        return recurrence.RecurrenceRule(
            freq=freq,  # type: ignore[arg-type]
            interval=self.interval.data or 1,
            weekdays=tuple(sorted(self.weekdays.data or ())) if freq == "weekly" else (),
            monthly_mode=("weekday" if by_weekday else "monthday") if monthly else None,
            monthly_nth=int(self.monthly_nth.data) if by_weekday else None,
            monthly_weekday=self.monthly_weekday.data if by_weekday else None,
            monthly_day=self.monthly_day.data if monthly and not by_weekday else None,
            count=self.count.data if self.end_mode.data == "count" else None,
            until=self.until.data if self.end_mode.data == "until" else None,
        )

    def to_input(self) -> services.SeriesInput:
        speakers = tuple(
            services.SpeakerInput(
                name=entry.form.name.data or "",
                role=entry.form.role.data or SpeakerRole.SPEAKER,
                title=entry.form.title.data or "",
                affiliation=entry.form.affiliation.data or "",
                email=(entry.form.email.data or None),
            )
            for entry in self.speakers
            if (entry.form.name.data or "").strip()
        )
        return services.SeriesInput(
            title=self.title.data or "",
            kind=self.kind.data or SeriesKind.PEER_SUPPORT,
            description=self.description.data or "",
            access=self.access.data or Access.OPEN,
            capacity=self.capacity.data,
            language=self.language.data or "en",
            timezone=(self.timezone.data or "").strip(),
            start_date=self.start_date.data or clock.now().date(),
            start_time=self.start_time.data or time(0, 0),
            duration_minutes=self.duration_minutes.data or 60,
            rule=self.rule(),
            host_id=self.host_id.data,
            backup_host_id=self.backup_host_id.data,
            video_provider=self.video_provider.data or "jitsi",
            video_custom_url=(self.video_custom_url.data or "").strip() or None,
            video_custom_notes=(self.video_custom_notes.data or "").strip() or None,
            status=self.status.data or SeriesStatus.DRAFT,
            speakers=speakers,
            accept_dst_shift=bool(self.accept_dst_shift.data),
            keep_session_changes=self.session_changes.data != "reset",
            reminder_offsets_minutes=tuple(self.reminder_offsets.data or ()) if self.reminders_custom.data else None,
        )

    def fill_from(self, series: Series) -> None:
        rule = recurrence.from_rrule(series.rrule, series.local_start, series.timezone)
        self.title.data = series.title
        self.kind.data = series.kind
        self.description.data = series.description
        self.access.data = series.access
        self.capacity.data = series.capacity
        self.language.data = series.language
        self.timezone.data = series.timezone
        self.start_date.data = series.local_start.date()
        self.start_time.data = series.local_start.time()
        self.duration_minutes.data = series.duration_minutes
        self.freq.data = rule.freq
        self.interval.data = rule.interval
        self.weekdays.data = list(rule.weekdays)
        self.monthly_mode.data = rule.monthly_mode or "weekday"
        self.monthly_nth.data = str(rule.monthly_nth or 1)
        self.monthly_weekday.data = rule.monthly_weekday if rule.monthly_weekday is not None else 6
        self.monthly_day.data = rule.monthly_day
        self.end_mode.data = "count" if rule.count else "until" if rule.until else "never"
        self.count.data = rule.count
        self.until.data = rule.until
        self.host_id.data = series.host_id
        self.backup_host_id.data = series.backup_host_id
        self.video_provider.data = series.video_provider
        self.video_custom_url.data = series.video_custom_url
        self.video_custom_notes.data = series.video_custom_notes
        self.status.data = series.status if series.status != SeriesStatus.CANCELLED else SeriesStatus.PUBLISHED
        self.reminders_custom.data = series.reminder_offsets_minutes is not None
        self.reminder_offsets.data = list(reminder_offsets.effective(series.kind, series.reminder_offsets_minutes))
        while len(self.speakers) > 0:
            self.speakers.pop_entry()
        for speaker in series.speakers:
            self.speakers.append_entry(
                {
                    "name": speaker.name,
                    "role": speaker.role,
                    "title": speaker.title,
                    "affiliation": speaker.affiliation,
                    "email": speaker.email,
                }
            )
        while len(self.speakers) < 5:
            self.speakers.append_entry()
