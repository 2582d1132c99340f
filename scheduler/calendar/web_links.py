"""Links that open a web calendar's "add event" form (Google Calendar, Outlook.com), prefilled. Pure: values in,
a URL out. Google takes the meeting's time zone and its RRULE; Outlook.com's link holds one event only."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"
_DETAILS_MAX = 1000  # a link carries a short text; the rest is on the meeting page


def google_url(
    *, title: str, details: str, local_start: datetime, local_end: datetime, tzid: str, rrule: str | None = None
) -> str:
    """`local_start`/`local_end`: naive wall times in `tzid` (Google reads them in `ctz`)."""
    if local_start.tzinfo is not None or local_end.tzinfo is not None:
        raise ValueError("Google Calendar links take naive wall times with ctz")
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{local_start:%Y%m%dT%H%M%S}/{local_end:%Y%m%dT%H%M%S}",
        "ctz": tzid,
        "details": details[:_DETAILS_MAX],
    }
    if rrule:
        params["recur"] = "RRULE:" + rrule
    return f"{GOOGLE}?{urlencode(params)}"


def outlook_url(*, title: str, details: str, start: datetime, end: datetime) -> str:
    """One event (Outlook.com links cannot repeat): aware instants, sent in UTC."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("Outlook links take aware instants")
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details[:_DETAILS_MAX],
    }
    return f"{OUTLOOK}?{urlencode(params)}"
