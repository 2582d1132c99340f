"""Marshmallow's field messages (English, fixed) in the visitor's language, for the problem details' `errors`."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

_FIXED: dict[str, Callable[[], str]] = {
    "Missing data for required field.": lambda: _("This field is required."),
    "Field may not be null.": lambda: _("This field may not be null."),
    "Unknown field.": lambda: _("This field is not known here."),
    "Invalid input type.": lambda: _("Send a JSON object."),
    "Not a valid string.": lambda: _("Enter text."),
    "Not a valid integer.": lambda: _("Enter a whole number."),
    "Not a valid number.": lambda: _("Enter a number."),
    "Not a valid boolean.": lambda: _("Enter true or false."),
    "Not a valid list.": lambda: _("Enter a list."),
    "Not a valid mapping type.": lambda: _("Enter an object."),
    "Not a valid date.": lambda: _("Enter a date as YYYY-MM-DD."),
    "Not a valid time.": lambda: _("Enter a time as HH:MM."),
    "Not a valid datetime.": lambda: _("Enter an ISO 8601 date and time, like 2026-12-01T19:00+01:00."),
    "Not a valid aware datetime.": lambda: _(
        "Enter an ISO 8601 date and time with its offset, like 2026-12-01T19:00+01:00."
    ),
    "Not a valid naive datetime.": lambda: _("Enter a local date and time without an offset, like 2026-12-01T19:00."),
}
_PATTERNS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(r"^Longer than maximum length (?P<max>.+)\.$"), lambda max: _("At most %(max)s long.", max=max)),
    (re.compile(r"^Shorter than minimum length (?P<min>.+)\.$"), lambda min: _("At least %(min)s long.", min=min)),
    (
        re.compile(r"^Length must be between (?P<min>.+) and (?P<max>.+)\.$"),
        lambda min, max: _("Between %(min)s and %(max)s long.", min=min, max=max),
    ),
    (
        re.compile(r"^Must be greater than or equal to (?P<min>.+) and less than or equal to (?P<max>.+)\.$"),
        lambda min, max: _("Must be from %(min)s to %(max)s.", min=min, max=max),
    ),
    (
        re.compile(r"^Must be greater than or equal to (?P<min>.+)\.$"),
        lambda min: _("Must be %(min)s or more.", min=min),
    ),
    (re.compile(r"^Must be less than or equal to (?P<max>.+)\.$"), lambda max: _("Must be %(max)s or less.", max=max)),
    (
        re.compile(r"^Must be one of: (?P<choices>.+)\.$"),
        lambda choices: _("Choose one of: %(choices)s.", choices=choices),
    ),
]


def translated(message: str) -> str:
    fixed = _FIXED.get(message)
    if fixed is not None:
        return fixed()
    for pattern, render in _PATTERNS:
        match = pattern.match(message)
        if match:
            return render(**match.groupdict())
    return message
