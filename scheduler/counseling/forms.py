"""Counselor and evaluation forms. They parse and check types and lengths; the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from scheduler.counseling.curriculum import TOPIC_MAX
from scheduler.counseling.notices import MESSAGE_MAX
from scheduler.forms_base import BaseForm, DateField, IntegerField, SubForm


class ActionForm(BaseForm):
    """A one-button form: only the CSRF token (hosting, opting in or out)."""


class MarkForm(BaseForm):
    status = StringField(validators=[DataRequired()])


class MessageForm(BaseForm):
    body = TextAreaField(
        _l("Message to everyone with a seat"),
        validators=[DataRequired(message=_l("Write the message first.")), Length(max=MESSAGE_MAX)],
    )


class TopicEntry(SubForm):
    occurrence_id = IntegerField(validators=[DataRequired()])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=TOPIC_MAX)])


class CurriculumForm(BaseForm):
    sessions = FieldList(FormField(TopicEntry), max_entries=200)


class PeriodForm(BaseForm):
    """GET form: no CSRF, so the page and the CSV can be linked and bookmarked."""

    class Meta(BaseForm.Meta):
        csrf = False

    start = DateField(_l("First day of the period"), validators=[InputRequired(message=_l("Enter the first day."))])
    end = DateField(_l("Last day of the period"), validators=[InputRequired(message=_l("Enter the last day."))])


class StreakForm(BaseForm):
    show = HiddenField()
