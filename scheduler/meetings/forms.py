"""Organizer forms for groups, members and single sessions. They parse and check types; the rules live in
services. The meeting form is in `series_form.py`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
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
    Regexp,
)

from scheduler.forms_base import (
    LANGUAGE_CHOICES,
    BaseForm,
    DateField,
    IntegerField,
    one_line_filter,
    options,
    validate_zone,
)
from scheduler.meetings import services
from scheduler.meetings.models import SeriesKind, Topic, Visibility


def kind_choices() -> list[SelectChoice]:
    return options(
        [
            (SeriesKind.PEER_SUPPORT, _l("Peer-support meeting")),
            (SeriesKind.THERAPIST_LED, _l("Therapist-led group")),
            (SeriesKind.FAMILY, _l("Family support group")),
            (SeriesKind.WEBINAR, _l("Webinar")),
        ]
    )


def topic_choices() -> list[SelectChoice]:
    return options(
        [
            (Topic.ADDICTION, _l("Addiction recovery")),
            (Topic.DEPRESSION, _l("Depression")),
            (Topic.FAMILY, _l("Family support")),
            (Topic.OTHER, _l("Other")),
        ]
    )


class GroupForm(BaseForm):
    name = StringField(_l("Name"), filters=[one_line_filter], validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Web address"),
        validators=[
            DataRequired(),
            Length(min=3, max=80),
            Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and hyphens.")),
        ],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    topic = SelectField(_l("Topic"), choices=topic_choices)
    timezone = StringField(_l("Default time zone"), validators=[DataRequired(), validate_zone])
    language = SelectField(_l("Default language"), choices=options(LANGUAGE_CHOICES))
    visibility = RadioField(
        _l("Visibility"),
        choices=options(
            [
                (Visibility.PUBLIC, _l("Public: listed on the schedule")),
                (Visibility.UNLISTED, _l("Unlisted: only people with the link")),
            ]
        ),
        default=Visibility.PUBLIC,
    )
    discreet = BooleanField(
        _l("Discreet emails and calendar titles (nothing about the topic on a lock screen)"), default=True
    )
    helpline = StringField(
        _l("Helpline line shown in every message"), filters=[one_line_filter], validators=[Optional(), Length(max=300)]
    )
    embed_origins = TextAreaField(
        _l("Websites that may show this group's schedule in a frame"), validators=[Optional(), Length(max=1000)]
    )


class MemberForm(BaseForm):
    email = EmailField(_l("Staff member's email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(
        _l("Role in this group"),
        choices=options([("organizer", _l("Organizer")), ("counselor", _l("Counselor"))]),
    )


class ReasonForm(BaseForm):
    reason = StringField(
        _l("Reason (shown to participants)"),
        validators=[
            DataRequired(message=_l("Give a short reason; it is shown to participants.")),
            Length(max=300),
        ],
    )


class MoveForm(BaseForm):
    date = DateField(_l("New date"), validators=[InputRequired(message=_l("Enter the new date."))])
    time = TimeField(
        _l("New start time (meeting's time zone)"),
        validators=[InputRequired(message=_l("Enter the new start time."))],
    )
    duration_minutes = IntegerField(
        _l("Duration in minutes"),
        validators=[
            InputRequired(message=_l("Enter the duration.")),
            NumberRange(
                min=1,
                max=services.MAX_DURATION_MINUTES,
                message=_l("A session lasts between 1 and %(max)s minutes.", max=services.MAX_DURATION_MINUTES),
            ),
        ],
    )
