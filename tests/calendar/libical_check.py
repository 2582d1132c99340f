"""Run libical's iTIP restriction checker on an iCalendar object read from stdin; print errors as JSON.

Needs the SYSTEM python with Debian's gir1.2-ical-3.0 + python3-gi (not the venv):
    /usr/bin/python3 tests/calendar/libical_check.py < invite.ics
Output: a JSON list of {"component": ..., "error": ...} for every X-LIC-ERROR found after parsing and
``ICalGLib.restriction_check`` (an empty list means libical accepts the object for its METHOD).
"""

from __future__ import annotations

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402


def _errors(comp: ICalGLib.Component, out: list[dict[str, str]]) -> None:
    kind = ICalGLib.Component.kind_to_string(comp.isa())
    prop = comp.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while prop is not None:
        out.append({"component": kind, "error": prop.get_xlicerror()})
        prop = comp.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = comp.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child is not None:
        _errors(child, out)
        child = comp.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)


def check(text: str) -> list[dict[str, str]]:
    comp = ICalGLib.Component.new_from_string(text)
    if comp is None:
        return [{"component": "", "error": "libical could not parse the object"}]
    valid = ICalGLib.restriction_check(comp)
    out: list[dict[str, str]] = []
    _errors(comp, out)
    if not valid and not out:
        out.append({"component": "VCALENDAR", "error": "restriction_check() returned false"})
    return out


if __name__ == "__main__":
    print(json.dumps(check(sys.stdin.read()), ensure_ascii=False))
