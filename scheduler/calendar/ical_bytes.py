"""A calendar component as bytes, exactly as icalendar writes it, with less work per content line.

`Component.to_ical` makes a `Contentline` per property (with an empty `Parameters` built for every property
that has none) and folds every line character by character. Here the same line text is written directly and
only a line that needs folding (75 octets or more, or not ASCII) goes through icalendar's folding."""

from __future__ import annotations

from icalendar import Component
from icalendar.parser import Contentline
from icalendar.parser_tools import to_unicode
from icalendar.prop import vText

_FOLD_AT = 75  # octets: icalendar (RFC 5545 3.1) folds a content line that reaches this length


def _line(name: str, value: object) -> str:
    """`Contentline.from_parts(name, params, value)` as text (sorted parameters, as `to_ical` writes them)."""
    text = to_unicode(value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical())
    params = getattr(value, "params", None)
    if params:
        written = to_unicode(params.to_ical(sorted=True))
        if written:
            return f"{to_unicode(name)};{written}:{text}"
    return f"{to_unicode(name)}:{text}"


def to_ical(component: Component) -> bytes:
    """`component.to_ical()`, the same bytes."""
    lines = []
    for name, value in component.property_items(sorted=True):
        line = _line(name, value)
        if len(line) < _FOLD_AT and line.isascii() and "\n" not in line:
            lines.append(line.encode("ascii"))
        else:
            lines.append(Contentline(line).to_ical())
    return b"\r\n".join(lines) + b"\r\n"
