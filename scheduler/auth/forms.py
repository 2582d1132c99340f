from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from scheduler.forms_base import LANGUAGE_CHOICES, BaseForm, one_line_filter, options, validate_zone


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class SettingsForm(BaseForm):
    name = StringField(_l("Name"), filters=[one_line_filter], validators=[DataRequired(), Length(max=120)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), validate_zone])
    language = SelectField(_l("Language"), choices=options(LANGUAGE_CHOICES))


class ApiTokenForm(BaseForm):
    name = StringField(
        _l("Token name (what it is for)"), filters=[one_line_filter], validators=[DataRequired(), Length(max=80)]
    )
    scope = RadioField(
        _l("What the token may do"),
        choices=options(
            [
                ("read", _l("Read only: groups, meetings, rosters and attendance")),
                ("write", _l("Read and change: also create, change and cancel meetings and sessions")),
            ]
        ),
        default="read",
    )
