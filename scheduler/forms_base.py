"""The base for every form: WTForms' own messages ("This field is required.") go through our catalogs,
so they appear in Bengali and Indonesian too (WTForms ships neither)."""

from __future__ import annotations

from typing import Any

import wtforms
from flask_babel import get_translations, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from scheduler.inputs import EARLIEST_DATE, LATEST_DATE, MAX_INT, bounded_id, date_in_range, one_line
from scheduler.locales import LANGUAGE_NAMES, is_valid_zone


class BabelTranslations:
    """Raw catalog lookups: WTForms fills in the placeholders itself."""

    def gettext(self, string: str) -> str:
        return str(get_translations().gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ngettext(singular, plural, n))


_translations = BabelTranslations()

LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())


def options(pairs: list[tuple[Any, Any]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def one_line_filter(value: str | None) -> str | None:
    """Names and titles: control characters become spaces, once, at input (see scheduler.inputs.one_line)."""
    return one_line(value) if isinstance(value, str) else value


class IntegerField(wtforms.IntegerField):
    """An integer that fits the database: anything past MAX_INT is "Not a valid integer value." (a 400, not a 500)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > MAX_INT:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))


class DateField(wtforms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE, which every calendar library can do arithmetic on."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not date_in_range(self.data):
            self.data = None
            raise ValueError(
                self.gettext("Enter a date between %(min)s and %(max)s.")
                % {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
            )


def id_or_none(value: object) -> int | None:
    """`coerce` for id choices: a tampered or out-of-range id becomes None, which no choice matches."""
    try:
        return bounded_id(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def validate_zone(form: wtforms.Form, field: wtforms.StringField) -> None:
    if not is_valid_zone((field.data or "").strip()):
        raise ValidationError(_l("Choose a time zone from the list, for example Asia/Dhaka or Europe/Amsterdam."))


def without_nul(value: Any) -> Any:
    """NUL characters are never text a person meant, and PostgreSQL refuses them in a string: drop them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _bind_without_nul(form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
    """Every field of every form drops NUL characters before its own filters and validators run."""
    if not issubclass(unbound_field.field_class, (wtforms.FieldList, wtforms.FormField)):  # these hold fields
        filters = unbound_field.kwargs.get("filters") or ()
        unbound_field.kwargs["filters"] = [without_nul, *[f for f in filters if f is not without_nul]]
    return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """Every page form: CSRF-protected, messages translated, NUL characters dropped."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> BabelTranslations:
            return _translations

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            return _bind_without_nul(form, unbound_field, options)


class SubForm(wtforms.Form):
    """A repeated part inside a page form (no CSRF of its own), messages translated, NUL characters dropped."""

    class Meta(wtforms.Form.Meta):
        def get_translations(self, form: Any) -> BabelTranslations:
            return _translations

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            return _bind_without_nul(form, unbound_field, options)


def _wtforms_messages() -> None:  # pragma: no cover - never called; lists the messages for extraction
    gettext("This field is required.")
    gettext("Invalid input.")
    gettext("Invalid email address.")
    gettext("Invalid URL.")
    gettext("Not a valid choice.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext(
        "'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1
    )
    gettext("Not a valid date value.")
    gettext("Not a valid time value.")
    gettext("Not a valid datetime value.")
    gettext("Not a valid integer value.")
    gettext("Not a valid decimal value.")
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1)
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    gettext("Date must be at least %(min)s.")
    gettext("Date must be at most %(max)s.")
    gettext("Date must be between %(min)s and %(max)s.")
    gettext("Enter a date between %(min)s and %(max)s.")
    gettext("Invalid CSRF Token.")
    gettext("CSRF token missing.")
    gettext("CSRF failed.")
    gettext("CSRF token expired.")
