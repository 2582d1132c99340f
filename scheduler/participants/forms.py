"""Participant forms. They parse and check types and lengths; the rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from scheduler.forms_base import LANGUAGE_CHOICES, BaseForm, id_or_none, options, validate_zone
from scheduler.participants.inputs import RsvpInput
from scheduler.participants.models import NAME_MAX, NOTE_MAX, RsvpScope


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ProfileFields(BaseForm):
    display_name = StringField(
        _l("Your name as others will see it"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter a name. A first name or a pseudonym is fine.")),
            Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.")),
        ],
    )
    timezone = StringField(
        _l("Your time zone"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Choose your time zone.")), validate_zone],
        render_kw={"data-detect-timezone": "yes"},  # static/js/app.js fills it from the browser when empty
    )
    language = SelectField(
        _l("Language for emails and pages"),
        choices=options(LANGUAGE_CHOICES),
        validators=[DataRequired(message=_l("Choose one of the languages in the list."))],
    )


class RsvpForm(ProfileFields):
    email = EmailField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=254, message=_l("This email address is too long.")),
            Email(message=_l("Enter a valid email address, like name@example.org.")),
        ],
    )
    scope = RadioField(
        _l("Which sessions?"),
        choices=options(
            [(RsvpScope.SERIES, _l("All upcoming sessions")), (RsvpScope.OCCURRENCE, _l("Only one session"))]
        ),
        default=RsvpScope.SERIES,
        validators=[DataRequired(message=_l("Choose all upcoming sessions or only one session."))],
    )
    occurrence_id = SelectField(_l("The session"), coerce=id_or_none, validators=[Optional()], validate_choice=False)
    note = TextAreaField(
        _l("A short note for the host (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("Please keep it under %(max)d characters."))],
    )
    question = TextAreaField(
        _l("A question for the speakers (optional, sent without your name)"),
        filters=[_strip],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("Please keep it under %(max)d characters."))],
    )
    # Honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])

    def set_sessions(self, sessions: list[tuple[int, str]]) -> None:
        self.occurrence_id.choices = options(sessions)  # type: ignore[assignment]

    def to_input(self) -> RsvpInput:
        return RsvpInput(
            email=self.email.data or "",
            display_name=self.display_name.data or "",
            timezone=self.timezone.data or "",
            language=self.language.data or "",
            scope=self.scope.data or "",
            occurrence_id=self.occurrence_id.data if self.scope.data == RsvpScope.OCCURRENCE else None,
            note=self.note.data or "",
            question=self.question.data or "",
        )


class ProfileForm(ProfileFields):
    pass
