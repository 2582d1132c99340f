"""Public pages: the schedule, a meeting's page and a group's page. No video links here, ever."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list
from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler import clock, timefmt
from scheduler.i18n import (
    LANG_COOKIE,
    format_clock,
    format_day,
    viewer_timezone,
    when_for,
)
from scheduler.locales import LANGUAGE_NAMES
from scheduler.meetings import published, recurrence
from scheduler.meetings.models import Series, SeriesKind, SpeakerRole, Topic
from scheduler.public import queries
from scheduler.public.page_cache import cached_page, page_etag

public_bp = Blueprint("public", __name__)

KIND_LABELS = {
    SeriesKind.PEER_SUPPORT: _l("Peer support"),
    SeriesKind.THERAPIST_LED: _l("Led by a therapist"),
    SeriesKind.FAMILY: _l("For family and friends"),
    SeriesKind.WEBINAR: _l("Webinar"),
}
TOPIC_LABELS = {
    Topic.ADDICTION: _l("Recovery from addiction"),
    Topic.DEPRESSION: _l("Depression"),
    Topic.FAMILY: _l("Family and friends"),
    Topic.OTHER: _l("Other topics"),
}
ROLE_LABELS = {SpeakerRole.MODERATOR: _l("Moderator"), SpeakerRole.SPEAKER: _l("Speaker")}
DAY_CHOICES = (7, 14, 30, 60)
FILTER_NOTES = {
    "topic": _l("We did not recognise the chosen topic, so meetings on all topics are shown."),
    "language": _l("We did not recognise the chosen language, so meetings in all languages are shown."),
    "kind": _l("We did not recognise the chosen kind of meeting, so all kinds are shown."),
    "weekday": _l("We did not recognise the chosen day of the week, so all days are shown."),
    "days": _l("The period must be a number of days from 1 to %(max)s, so the next %(days)s days are shown."),
    "page": _l("We did not recognise the page number, so the first page is shown."),
}
MAX_PAGE = 1000


# The time-zone suggestions on the schedule: a short list of the zones most people pick. Any valid IANA name can
# still be typed, so the page does not carry all six hundred of them.
COMMON_ZONES = (
    "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "America/Argentina/Buenos_Aires",
    "America/Bogota", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Mexico_City",
    "America/New_York", "America/Sao_Paulo", "America/Toronto", "Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai",
    "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Jayapura", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata",
    "Asia/Makassar", "Asia/Manila", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo",
    "Atlantic/Azores", "Australia/Perth", "Australia/Sydney", "Europe/Amsterdam", "Europe/Berlin",
    "Europe/Brussels", "Europe/Istanbul", "Europe/London", "Europe/Madrid", "Europe/Moscow", "Europe/Paris",
    "Pacific/Auckland", "UTC",
)  # fmt: skip


def _locale() -> str:
    return str(get_locale() or "en")


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))  # type: ignore[call-overload]


def topic_label(topic: str) -> str:
    return str(TOPIC_LABELS.get(topic, topic))  # type: ignore[call-overload]


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def both_zones(start: datetime, meeting_tz: str, *, full: bool = False) -> str:
    """The visitor's time and the meeting city's time when the clocks differ (`i18n.when_for`, as in emails)."""
    return when_for(start, meeting_tz, full=full)


def _repeat_sentence(rule: recurrence.RecurrenceRule, series: Series, start: datetime) -> str:
    names = timefmt.weekday_names(_locale())
    n, time_text, zone = rule.interval, format_clock(start, series.timezone), series.timezone
    if rule.freq == "once":
        return _(
            "Once, on %(date)s at %(time)s (%(zone)s)",
            date=format_day(start, zone),
            time=time_text,
            zone=zone,
        )
    if rule.freq == "daily":
        return ngettext(
            "Every day at %(time)s (%(zone)s)",
            "Every %(num)s days at %(time)s (%(zone)s)",
            n,
            time=time_text,
            zone=zone,
        )
    if rule.freq == "weekly":
        days = format_list([names[d] for d in rule.weekdays], locale=_locale())
        return ngettext(
            "Every %(weekdays)s at %(time)s (%(zone)s)",
            "Every %(num)s weeks on %(weekdays)s at %(time)s (%(zone)s)",
            n,
            weekdays=days,
            time=time_text,
            zone=zone,
        )
    if rule.monthly_mode == "weekday" and rule.monthly_weekday is not None:
        return _monthly_weekday(rule.monthly_nth, n, weekday=names[rule.monthly_weekday], time=time_text, zone=zone)
    day = rule.monthly_day or series.local_start.day
    return ngettext(
        "On day %(day)s of every month at %(time)s (%(zone)s)",
        "On day %(day)s of every %(num)s months at %(time)s (%(zone)s)",
        n,
        day=day,
        time=time_text,
        zone=zone,
    )


def _monthly_weekday(nth: int | None, n: int, **values: str) -> str:
    if nth == 1:
        return ngettext(
            "On the first %(weekday)s of every month at %(time)s (%(zone)s)",
            "On the first %(weekday)s of every %(num)s months at %(time)s (%(zone)s)",
            n,
            **values,
        )
    if nth == 2:
        return ngettext(
            "On the second %(weekday)s of every month at %(time)s (%(zone)s)",
            "On the second %(weekday)s of every %(num)s months at %(time)s (%(zone)s)",
            n,
            **values,
        )
    if nth == 3:
        return ngettext(
            "On the third %(weekday)s of every month at %(time)s (%(zone)s)",
            "On the third %(weekday)s of every %(num)s months at %(time)s (%(zone)s)",
            n,
            **values,
        )
    if nth == 4:
        return ngettext(
            "On the fourth %(weekday)s of every month at %(time)s (%(zone)s)",
            "On the fourth %(weekday)s of every %(num)s months at %(time)s (%(zone)s)",
            n,
            **values,
        )
    return ngettext(
        "On the last %(weekday)s of every month at %(time)s (%(zone)s)",
        "On the last %(weekday)s of every %(num)s months at %(time)s (%(zone)s)",
        n,
        **values,
    )


def schedule_in_words(series: Series) -> list[str]:
    """Whole translated sentences: how often, then (if any) how it ends."""
    start = recurrence.local_to_utc(series.local_start, series.timezone)
    try:
        rule = recurrence.from_rrule(series.rrule, series.local_start, series.timezone)
    except recurrence.RecurrenceError:
        return [_("Regular sessions; see the dates below.")]
    sentences = [_repeat_sentence(rule, series, start)]
    if rule.freq != "once" and rule.count is not None:
        sentences.append(ngettext("%(num)s session in total.", "%(num)s sessions in total.", rule.count))
    if rule.freq != "once" and rule.until is not None:
        until = format_date(rule.until, format="long", locale=_locale())
        sentences.append(_("The last session is on %(date)s.", date=until))
    return sentences


def _parse_page(args: Mapping[str, str], notes: list[str]) -> int:
    raw = (args.get("page") or "").strip()
    if not raw:
        return 1
    if raw.isdecimal() and len(raw) <= 4 and 1 <= int(raw) <= MAX_PAGE:
        return int(raw)
    notes.append(str(FILTER_NOTES["page"]))
    return 1


def weekday_windows(weekday: int, days: int, zone: ZoneInfo, now: datetime) -> list[tuple[datetime, datetime]]:
    """The UTC start ranges of the given day of the week in the visitor's zone, from now over `days` days."""
    first, last = now.astimezone(zone).date(), (now + timedelta(days=days)).astimezone(zone).date()
    windows = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        if day.weekday() == weekday:
            begin = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
            windows.append((begin, end))
    return windows


def _parse_filters(args: Mapping[str, str]) -> tuple[queries.ScheduleFilters, int | None, list[str]]:
    notes: list[str] = []

    def choice(name: str, allowed: set[str]) -> str | None:
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            notes.append(str(FILTER_NOTES[name]))
            return None
        return value or None

    topic = choice("topic", {str(t) for t in Topic})
    language = choice("language", set(LANGUAGE_NAMES))
    kind = choice("kind", {str(k) for k in SeriesKind})
    weekday_text = choice("weekday", {str(i) for i in range(7)})
    days = queries.DEFAULT_DAYS
    raw_days = (args.get("days") or "").strip()
    if raw_days:
        # isdecimal() refuses "²" and "-3"; the length cap keeps int() away from huge inputs.
        asked = int(raw_days) if raw_days.isdecimal() and len(raw_days) <= 6 else None
        if asked is not None and 1 <= asked <= queries.MAX_DAYS:
            days = asked
        else:
            days = queries.MAX_DAYS if asked is not None and asked > queries.MAX_DAYS else days
            notes.append(str(FILTER_NOTES["days"]) % {"max": queries.MAX_DAYS, "days": days})
    filters = queries.ScheduleFilters(days=days, topic=topic, language=language, kind=kind)
    return filters, int(weekday_text) if weekday_text is not None else None, notes


def _helpers() -> dict[str, object]:
    return {
        "kind_label": kind_label,
        "topic_label": topic_label,
        "role_label": lambda role: str(ROLE_LABELS.get(role, role)),  # type: ignore[call-overload]
        "language_name": language_name,
        "both_zones": both_zones,
        "first_name": first_name,
        "schedule_in_words": schedule_in_words,
    }


@public_bp.get("/")
def schedule() -> Response | str:
    now = clock.now()
    return cached_page(page_etag(now, "schedule", _locale()), lambda: _render_schedule(now))


def _render_schedule(now: datetime) -> str:
    filters, weekday, notes = _parse_filters(request.args)
    page = _parse_page(request.args, notes)
    viewer_zone = ZoneInfo(viewer_timezone())
    windows = weekday_windows(weekday, filters.days, viewer_zone, now) if weekday is not None else None
    found = queries.schedule_page(filters, windows=windows, page=page, now=now)
    days: list[tuple[date, datetime, list]] = []
    for occurrence in found.occurrences:
        local = occurrence.start.astimezone(viewer_zone)
        if not days or days[-1][0] != local.date():
            days.append((local.date(), occurrence.start, []))
        days[-1][2].append(occurrence)
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "public/schedule.html",
        days=days,
        filters=filters,
        weekday=weekday,
        notes=notes,
        page=page,
        later_url=url_for("public.schedule", **args, page=page + 1) if found.has_more and page < MAX_PAGE else None,
        earlier_url=url_for("public.schedule", **args, page=page - 1) if page > 1 else None,
        meeting_path=url_for("public.meeting", series_id=0).removesuffix("0"),
        group_path=url_for("public.group", slug="-").removesuffix("-"),
        weekday_names=timefmt.weekday_names(_locale()),
        day_choices=sorted({*DAY_CHOICES, filters.days}),
        topics=list(Topic),
        kinds=list(SeriesKind),
        zone_names=COMMON_ZONES,
        **_helpers(),
    )


@public_bp.get("/meetings/<int:series_id>")
def meeting(series_id: int) -> Response | str:
    # The language may follow the group's, so the key holds what picks it rather than the resolved language.
    language_inputs = (request.cookies.get(LANG_COOKIE, ""), request.headers.get("Accept-Language", ""))
    tagged = page_etag(clock.now(), "meeting", str(series_id), *language_inputs)
    return cached_page(tagged, lambda: _render_meeting(series_id))


def _render_meeting(series_id: int) -> str:
    series = published.meeting(series_id)
    if series is None:
        abort(404)
    g.group_language = series.language
    hosts = [user for user in (series.host, series.backup_host) if user is not None]
    return render_template(
        "public/meeting.html",
        series=series,
        group=series.group,
        sessions=queries.upcoming_sessions(series),
        host_names=format_list([first_name(u.name) for u in hosts], locale=_locale()) if hosts else "",
        host_count=len(hosts),
        moderators=[s for s in series.speakers if s.role == SpeakerRole.MODERATOR],
        speakers=[s for s in series.speakers if s.role != SpeakerRole.MODERATOR],
        **_helpers(),
    )


@public_bp.get("/groups/<slug>")
def group(slug: str) -> str:
    found = queries.group_by_slug(slug)
    if found is None:
        abort(404)
    g.group_language = found.language
    meetings = queries.group_meetings(found)
    return render_template(
        "public/group.html",
        group=found,
        meetings=meetings,
        next_starts=queries.next_starts([s.id for s in meetings]),
        **_helpers(),
    )
