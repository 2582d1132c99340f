"""iTIP messages and feeds: structure, escaping, and expansion by three independent implementations."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, vCalAddress, vRecur

from scheduler.calendar.ics import (
    EventSpec,
    OccurrenceOverride,
    Person,
    cancel_occurrence,
    cancel_series,
    publish_feed,
    request_invite,
    request_override,
)

HERE = Path(__file__).resolve().parent
JS_DIR = HERE.parent / "js"
SYSTEM_PYTHON = "/usr/bin/python3"
STAMP = datetime(2026, 2, 1, 12, 0, 5, 123456, tzinfo=UTC)
JOIN = "https://meet.example.org/j/abc-123?pwd=x;y,z"

ORGANIZER = Person("groups@example.org", "Steungroep Rouw & Verlies, Amsterdam")
ATTENDEES = {
    "bengali": Person("rahim@example.com", "রহিম উদ্দিন, Jr.; সহায়তা দল"),
    "dutch": Person("ijsbrand@example.nl", 'IJsbrand van \'t Hoëvé; "IJ" de Vries'),
    "plain": Person("ada@example.com", "Ada Lovelace"),
}

AMSTERDAM = EventSpec(
    uid="series-42@scheduler.example.org",
    sequence=3,
    tzid="Europe/Amsterdam",
    local_start=datetime(2026, 3, 3, 19, 0),
    duration=timedelta(minutes=90),
    rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8",
    summary="Steungroep; rouw, verlies — avond",
    description="Welkom!\nNeem een kop thee mee; we beginnen om 19:00, stipt.",
    location=None,
    url=JOIN,
    exdates=(datetime(2026, 3, 17, 19, 0),),
    overrides=(OccurrenceOverride(datetime(2026, 3, 31, 19), datetime(2026, 4, 1, 20), datetime(2026, 4, 1, 21, 30)),),
    last_instance_local=datetime(2026, 4, 21, 19, 0),
    alarms_minutes=(15, 60),
)
# Hand-written expectation (UTC): DST starts 2026-03-29, 17 March cancelled, 31 March moved to 1 April 20:00.
AMSTERDAM_EXPECTED = [
    (datetime(2026, 3, 3, 18, tzinfo=UTC), datetime(2026, 3, 3, 19, 30, tzinfo=UTC)),
    (datetime(2026, 3, 10, 18, tzinfo=UTC), datetime(2026, 3, 10, 19, 30, tzinfo=UTC)),
    (datetime(2026, 3, 24, 18, tzinfo=UTC), datetime(2026, 3, 24, 19, 30, tzinfo=UTC)),
    (datetime(2026, 4, 1, 18, tzinfo=UTC), datetime(2026, 4, 1, 19, 30, tzinfo=UTC)),
    (datetime(2026, 4, 7, 17, tzinfo=UTC), datetime(2026, 4, 7, 18, 30, tzinfo=UTC)),
    (datetime(2026, 4, 14, 17, tzinfo=UTC), datetime(2026, 4, 14, 18, 30, tzinfo=UTC)),
    (datetime(2026, 4, 21, 17, tzinfo=UTC), datetime(2026, 4, 21, 18, 30, tzinfo=UTC)),
]

SCENARIOS: dict[str, EventSpec] = {
    "amsterdam": AMSTERDAM,
    "sydney": EventSpec(  # crosses the April DST end and the October DST start
        uid="series-7@scheduler.example.org",
        sequence=0,
        tzid="Australia/Sydney",
        local_start=datetime(2026, 3, 22, 10, 0),
        duration=timedelta(hours=1),
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;UNTIL=20261115T000000Z",
        summary="Peer support circle",
        description="Fortnightly.",
        location="Online",
        url=JOIN,
        exdates=(datetime(2026, 4, 5, 10),),
        overrides=(
            OccurrenceOverride(datetime(2026, 10, 4, 10), datetime(2026, 10, 4, 11), datetime(2026, 10, 4, 12)),
        ),
        last_instance_local=datetime(2026, 11, 8, 10),
    ),
    "new_york": EventSpec(
        uid="series-8@scheduler.example.org",
        sequence=12,
        tzid="America/New_York",
        local_start=datetime(2026, 1, 8, 18, 30),
        duration=timedelta(minutes=75),
        rrule="FREQ=MONTHLY;BYDAY=2TH;COUNT=12",
        summary="Caregivers webinar",
        description="",
        location=None,
        url=JOIN,
        exdates=(datetime(2026, 7, 9, 18, 30),),
        overrides=(
            OccurrenceOverride(datetime(2026, 11, 12, 18, 30), datetime(2026, 11, 13, 9), datetime(2026, 11, 13, 10)),
            OccurrenceOverride(
                datetime(2026, 3, 12, 18, 30), datetime(2026, 3, 12, 19), datetime(2026, 3, 12, 20), True
            ),
        ),
    ),
    "santiago": EventSpec(  # crosses 2026-09-06 (first Sunday on or after 2 September)
        uid="series-9@scheduler.example.org",
        sequence=1,
        tzid="America/Santiago",
        local_start=datetime(2026, 8, 2, 10, 0),
        duration=timedelta(hours=2),
        rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=10",
        summary="Grupo de apoyo, domingo",
        description="Bienvenidos.",
        location=None,
        url=JOIN,
    ),
    "dhaka": EventSpec(
        uid="series-10@scheduler.example.org",
        sequence=2,
        tzid="Asia/Dhaka",
        local_start=datetime(2026, 3, 26, 20, 0),
        duration=timedelta(minutes=45),
        rrule="FREQ=DAILY;COUNT=5",
        summary="সহায়তা দল: প্রতিদিনের সভা",
        description="স্বাগতম",
        location=None,
        url=JOIN,
        overrides=(
            OccurrenceOverride(datetime(2026, 3, 28, 20), datetime(2026, 3, 28, 21), datetime(2026, 3, 28, 22)),
        ),
        alarms_minutes=(10,),
    ),
    "jakarta": EventSpec(  # a single meeting, no RRULE
        uid="meeting-11@scheduler.example.org",
        sequence=0,
        tzid="Asia/Jakarta",
        local_start=datetime(2026, 5, 5, 9, 0),
        duration=timedelta(hours=1),
        rrule=None,
        summary="Webinar kesehatan mental",
        description="Selamat datang.",
        location="Zoom",
        url=JOIN,
    ),
}


def messages(name: str, event: EventSpec) -> dict[str, bytes]:
    """Every REQUEST/CANCEL we can make for a scenario."""
    attendee = ATTENDEES["bengali" if name == "dhaka" else "dutch"]
    out = {
        "request": request_invite(event, ORGANIZER, attendee, STAMP),
        "cancel_series": cancel_series(replace(event, sequence=event.sequence + 1), ORGANIZER, attendee, STAMP),
    }
    if event.rrule:
        moved = [o for o in event.overrides if not o.cancelled]
        if moved:
            bumped = replace(event, sequence=event.sequence + 1)
            out["request_override"] = request_override(bumped, moved[0], ORGANIZER, attendee, STAMP)
            out["cancel_moved"] = cancel_occurrence(bumped, moved[0].original_local_start, ORGANIZER, attendee, STAMP)
        last = list(rrulestr(event.rrule, dtstart=event.local_start.replace(tzinfo=event.zone)))[-1]
        out["cancel_occurrence"] = cancel_occurrence(
            replace(event, sequence=event.sequence + 1), last.replace(tzinfo=None), ORGANIZER, attendee, STAMP
        )
    return out


ALL_MESSAGES = [(f"{n}-{kind}", msg) for n, ev in SCENARIOS.items() for kind, msg in messages(n, ev).items()]


def expected_instances(event: EventSpec) -> list[tuple[datetime, datetime]]:
    """Occurrences in UTC computed with zoneinfo (not with our VTIMEZONE)."""
    zone = ZoneInfo(event.tzid)
    starts = [event.local_start]
    if event.rrule:
        starts = [d.replace(tzinfo=None) for d in rrulestr(event.rrule, dtstart=event.local_start.replace(tzinfo=zone))]
    cancelled = set(event.exdates) | {o.original_local_start for o in event.overrides if o.cancelled}
    moved = {o.original_local_start: (o.local_start, o.local_end) for o in event.overrides if not o.cancelled}
    out = []
    for start in starts:
        if start in cancelled:
            continue
        local_start, local_end = moved.get(start, (start, start + event.duration))
        out.append((local_start.replace(tzinfo=zone).astimezone(UTC), local_end.replace(tzinfo=zone).astimezone(UTC)))
    return sorted(out)


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def unfolded(ics: bytes) -> str:
    return ics.decode("utf-8").replace("\r\n ", "")


def checker_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the independent checkers are mandatory)")
    pytest.skip(reason)


# --- structure -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "ics"), ALL_MESSAGES, ids=[label for label, _ in ALL_MESSAGES])
def test_crlf_folding_and_required_properties(label: str, ics: bytes) -> None:
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in ics.split(b"\r\n")), "lines must be folded at 75 octets"
    text = unfolded(ics)
    cal = parse(ics)
    method = "CANCEL" if "cancel" in label else "REQUEST"
    assert str(cal["METHOD"]) == method and str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    assert "RDATE" not in text and "DURATION" not in text
    vevents = cal.walk("VEVENT")
    tzids = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert tzids == [vevents[0]["DTSTART"].params["TZID"]], "exactly one VTIMEZONE, for the TZID used"
    for vevent in vevents:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "ORGANIZER", "SUMMARY", "SEQUENCE", "STATUS"):
            assert prop in vevent, (label, prop)
        assert vevent["DTSTAMP"].dt.tzinfo is not None and vevent["DTSTAMP"].dt.utcoffset() == timedelta(0)
        assert vevent["DTEND"].params["TZID"] == vevent["DTSTART"].params["TZID"] == tzids[0]
        assert str(vevent["ORGANIZER"]) == f"mailto:{ORGANIZER.email}"
        assert isinstance(vevent["ATTENDEE"], str), "exactly one ATTENDEE"
        assert all(JOIN in str(vevent[prop]) for prop in ("DESCRIPTION", "LOCATION", "URL")), "join link"
        if method == "CANCEL":
            assert str(vevent["STATUS"]) == "CANCELLED" and not vevent.walk("VALARM")
    assert re.search(r"\r\nDTSTAMP:20260201T120005Z\r\n", ics.decode()), "DTSTAMP in UTC, no microseconds"
    assert text.count("\r\nATTENDEE;") == len(vevents)


def test_request_master_overrides_and_sequence() -> None:
    ics = request_invite(AMSTERDAM, ORGANIZER, ATTENDEES["dutch"], STAMP)
    text = unfolded(ics)
    master, moved = parse(ics).walk("VEVENT")
    assert "RECURRENCE-ID" not in master and master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=8;BYDAY=TU"
    assert "\r\nDTSTART;TZID=Europe/Amsterdam:20260303T190000\r\n" in text
    assert "\r\nDTEND;TZID=Europe/Amsterdam:20260303T203000\r\n" in text
    assert "\r\nEXDATE;TZID=Europe/Amsterdam:20260317T190000\r\n" in text
    assert "\r\nRECURRENCE-ID;TZID=Europe/Amsterdam:20260331T190000\r\n" in text
    assert "\r\nDTSTART;TZID=Europe/Amsterdam:20260401T200000\r\n" in text
    assert [int(v["SEQUENCE"]) for v in (master, moved)] == [3, 3]
    assert master["UID"] == moved["UID"] == AMSTERDAM.uid
    for vevent in (master, moved):
        assert JOIN in str(vevent["DESCRIPTION"]) and str(vevent["LOCATION"]) == JOIN and str(vevent["URL"]) == JOIN
        assert sorted(a["TRIGGER"].dt for a in vevent.walk("VALARM")) == [
            timedelta(minutes=-60),
            timedelta(minutes=-15),
        ]
        assert all(str(a["ACTION"]) == "DISPLAY" and "DESCRIPTION" in a for a in vevent.walk("VALARM"))


@pytest.mark.parametrize(("rsvp", "flag"), [(False, "FALSE"), (True, "TRUE")])
def test_attendee_line(rsvp: bool, flag: str) -> None:
    text = unfolded(request_invite(AMSTERDAM, ORGANIZER, ATTENDEES["plain"], STAMP, rsvp=rsvp))
    (line,) = {ln for ln in text.split("\r\n") if ln.startswith("ATTENDEE")}  # same line in both VEVENTs
    assert line.endswith(":mailto:ada@example.com")
    params = dict(p.split("=", 1) for p in line.split(":mailto:")[0].split(";")[1:])
    expected = {"CN": '"Ada Lovelace"', "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": flag}
    assert params in (expected, {**expected, "CN": "Ada Lovelace"})


@pytest.mark.parametrize("who", ["bengali", "dutch"])
def test_escaping_round_trip(who: str) -> None:
    person = ATTENDEES[who]
    vevent = parse(request_invite(AMSTERDAM, person, person, STAMP)).walk("VEVENT")[0]
    assert vevent["ATTENDEE"].params["CN"] == person.name.replace('"', "'")
    assert vevent["ORGANIZER"].params["CN"] == person.name.replace('"', "'")
    assert str(vevent["SUMMARY"]) == AMSTERDAM.summary
    assert str(vevent["DESCRIPTION"]).startswith(AMSTERDAM.description)
    assert str(vevent["LOCATION"]) == JOIN


def test_request_override_only() -> None:
    event = replace(AMSTERDAM, sequence=4)
    cal = parse(request_override(event, AMSTERDAM.overrides[0], ORGANIZER, ATTENDEES["plain"], STAMP))
    (vevent,) = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "REQUEST" and int(vevent["SEQUENCE"]) == 4 and "RRULE" not in vevent
    assert vevent["RECURRENCE-ID"].dt == datetime(2026, 3, 31, 19, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert vevent["RECURRENCE-ID"].params["TZID"] == "Europe/Amsterdam"


def test_cancel_occurrence_and_series() -> None:
    event = replace(AMSTERDAM, sequence=4)
    one = parse(cancel_occurrence(event, datetime(2026, 3, 24, 19), ORGANIZER, ATTENDEES["plain"], STAMP))
    (vevent,) = one.walk("VEVENT")
    assert str(one["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 4
    assert vevent["RECURRENCE-ID"].params["TZID"] == "Europe/Amsterdam" and "RRULE" not in vevent
    moved = parse(cancel_occurrence(event, datetime(2026, 3, 31, 19), ORGANIZER, ATTENDEES["plain"], STAMP))
    assert moved.walk("VEVENT")[0]["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 4, 1, 20)
    whole = parse(cancel_series(event, ORGANIZER, ATTENDEES["plain"], STAMP))
    (vevent,) = whole.walk("VEVENT")
    assert "RECURRENCE-ID" not in vevent and str(vevent["STATUS"]) == "CANCELLED" and not vevent.walk("VALARM")


def test_location_keeps_the_place_and_adds_the_link() -> None:
    vevent = parse(request_invite(SCENARIOS["jakarta"], ORGANIZER, ATTENDEES["plain"], STAMP)).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == f"Zoom ({JOIN})"


def test_cancelled_override_is_an_exdate_not_a_vevent() -> None:
    text = unfolded(request_invite(SCENARIOS["new_york"], ORGANIZER, ATTENDEES["plain"], STAMP))
    assert "\r\nEXDATE;TZID=America/New_York:20260312T183000\r\n" in text
    assert "RECURRENCE-ID;TZID=America/New_York:20260312T183000" not in text
    assert text.count("BEGIN:VEVENT") == 2


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"local_start": datetime(2026, 3, 3, 19, tzinfo=UTC)}, "naive"),
        ({"local_start": datetime(2026, 3, 4, 19)}, "not an occurrence"),  # Wednesday with BYDAY=TU
        ({"rrule": "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260501T000000"}, "UTC"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=3;UNTIL=20260501T000000Z"}, "COUNT"),
        ({"exdates": (datetime(2026, 3, 18, 19),)}, "not an occurrence"),
        ({"tzid": "Mars/Olympus_Mons"}, "Mars"),
    ],
)
def test_invalid_specs_are_refused(change: dict, match: str) -> None:
    with pytest.raises((ValueError, LookupError), match=match):
        replace(AMSTERDAM, **change)


def test_misuse_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        request_invite(AMSTERDAM, ORGANIZER, ATTENDEES["plain"], datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="cancel_series"):
        request_invite(replace(AMSTERDAM, status="CANCELLED"), ORGANIZER, ATTENDEES["plain"], STAMP)
    with pytest.raises(ValueError, match="not an occurrence"):
        cancel_occurrence(AMSTERDAM, datetime(2026, 3, 25, 19), ORGANIZER, ATTENDEES["plain"], STAMP)
    with pytest.raises(ValueError, match="e-mail"):
        Person("evil@example.org\r\nATTENDEE:mailto:x@y", "x")


def test_feed() -> None:
    second = replace(
        AMSTERDAM,
        uid="series-43@scheduler.example.org",
        local_start=datetime(2027, 1, 5, 19),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        exdates=(),
        overrides=(),
        last_instance_local=None,
    )
    events = [AMSTERDAM, second, SCENARIOS["dhaka"]]
    ics = publish_feed("Steungroepen, Amsterdam; Dhaka", events, STAMP, description="Alle bijeenkomsten")
    text = unfolded(ics)
    cal = parse(ics)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Steungroepen, Amsterdam; Dhaka"
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text and "\r\nX-PUBLISHED-TTL:PT1H\r\n" in text
    assert "ATTENDEE" not in text and "VALARM" not in text and "RSVP" not in text
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == ["Asia/Dhaka", "Europe/Amsterdam"]
    assert len(cal.walk("VEVENT")) == 3 + 2  # three masters, two overrides
    assert all(JOIN in str(v["LOCATION"]) and str(v["URL"]) == JOIN for v in cal.walk("VEVENT"))
    got = expand_with_recurring_ical_events(ics)
    expected = sorted(
        expected_instances(AMSTERDAM) + expected_instances(second) + expected_instances(SCENARIOS["dhaka"])
    )
    assert got == expected


# --- independent implementations ----------------------------------------------------------------------


def expand_with_recurring_ical_events(ics: bytes) -> list[tuple[datetime, datetime]]:
    """Rename every TZID to a non-IANA id so that icalendar must use our VTIMEZONE, then expand.

    icalendar caches zones built from a VTIMEZONE by TZID for the whole process, so the new id is unique
    per call: otherwise a later test would silently reuse the zone of an earlier one.
    """
    prefix = f"X-Test-{uuid.uuid4().hex}"
    text = re.sub(r"(TZID[=:])([A-Za-z_]+)/", rf"\1{prefix}/\2-", unfolded(ics))
    assert prefix in text
    cal = Calendar.from_ical(text)
    window = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))
    out = []
    for instance in recurring_ical_events.of(cal).between(*window):
        start, end = instance["DTSTART"].dt, instance["DTEND"].dt
        own_zone = isinstance(start.tzinfo, ZoneInfo) and start.tzinfo.key != "UTC"  # UTC needs no database
        assert not own_zone, f"icalendar used its own zone database: {start!r}"
        out.append((start.astimezone(UTC), end.astimezone(UTC)))
    return sorted(out)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_recurring_ical_events_expansion(name: str) -> None:
    event = SCENARIOS[name]
    ics = request_invite(event, ORGANIZER, ATTENDEES["plain"], STAMP)
    assert expand_with_recurring_ical_events(ics) == expected_instances(event)
    if name == "amsterdam":
        assert expected_instances(event) == AMSTERDAM_EXPECTED


@functools.cache
def ical_js_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        return f"ical.js is not installed: run `npm install` in {JS_DIR}"
    return None


def expand_with_ical_js(ics: bytes) -> tuple[str, list[tuple[datetime, datetime]]]:
    if reason := ical_js_missing():
        checker_unavailable(reason)
    proc = subprocess.run(
        ["node", str(JS_DIR / "expand.mjs"), "1000"],
        input=ics,
        capture_output=True,
        cwd=JS_DIR,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout)

    def instant(iso: str) -> datetime:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))

    return result["tzid"], sorted((instant(o["start"]), instant(o["end"])) for o in result["occurrences"])


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_ical_js_expansion(name: str) -> None:
    event = SCENARIOS[name]
    tzid, got = expand_with_ical_js(request_invite(event, ORGANIZER, ATTENDEES["plain"], STAMP))
    assert tzid == event.tzid
    assert got == expected_instances(event)


@pytest.mark.parametrize("expand", [expand_with_recurring_ical_events, lambda ics: expand_with_ical_js(ics)[1]])
def test_expanders_really_use_our_vtimezone(expand: Callable[[bytes], list]) -> None:
    """Sanity check of the harness: a VTIMEZONE with DST starting in April instead of March must show."""
    ics = request_invite(AMSTERDAM, ORGANIZER, ATTENDEES["plain"], STAMP)
    assert expand(ics) == AMSTERDAM_EXPECTED
    assert expand(ics.replace(b"BYDAY=-1SU;BYMONTH=3", b"BYDAY=-1SU;BYMONTH=4")) != AMSTERDAM_EXPECTED


@functools.cache
def libical_missing() -> str | None:
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found"
    proc = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=60, check=False)
    if proc.returncode:
        return f"{SYSTEM_PYTHON} cannot import gi.repository.ICalGLib (apt install gir1.2-ical-3.0 python3-gi)"
    return None


@pytest.mark.parametrize(("label", "ics"), ALL_MESSAGES, ids=[label for label, _ in ALL_MESSAGES])
def test_libical_itip_restrictions(label: str, ics: bytes) -> None:
    if reason := libical_missing():
        checker_unavailable(reason)
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(HERE / "libical_check.py")],
        input=ics,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    errors = json.loads(proc.stdout)
    assert errors == [], f"{label}: {errors}\n{ics.decode()}"


def test_libical_checker_detects_errors() -> None:
    if reason := libical_missing():
        checker_unavailable(reason)
    broken = unfolded(request_invite(AMSTERDAM, ORGANIZER, ATTENDEES["plain"], STAMP))
    broken = re.sub(r"\r\nORGANIZER[^\r]*", "", broken).encode()
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(HERE / "libical_check.py")],
        input=broken,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert "ORGANIZER" in proc.stdout.decode()


def test_feed_zones_are_the_bytes_the_components_would_write() -> None:
    """The feed puts its VTIMEZONEs in as ready bytes: exactly what adding the components would write."""
    from scheduler.calendar import ics as module

    events = [AMSTERDAM, SCENARIOS["dhaka"]]
    served = publish_feed("Steungroepen", events, STAMP)
    cal = Calendar.from_ical(served)
    rebuilt = module._calendar("PUBLISH", module.DEFAULT_PRODID, events)
    for name in ("X-WR-CALNAME", "NAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        rebuilt.add(name, cal[name])
    for vevent in cal.walk("VEVENT"):
        rebuilt.add_component(vevent)
    assert served == rebuilt.to_ical()


@pytest.mark.parametrize(
    "summary",
    [
        "x" * 61,  # "SUMMARY:" + 61 = 69 octets: no fold
        "x" * 66,  # 74 octets: the longest line left as it is
        "x" * 67,  # 75 octets: folded
        "x" * 65 + ";,",  # escaped characters at the fold
        "x" * 64 + "\\",
        "Rouw & verlies — বাংলা সভা, Jakarta sesi: " * 4,  # multi-byte characters
    ],
)
def test_feeds_are_the_bytes_icalendar_writes_whatever_the_line_lengths(summary):
    """`ical_bytes.to_ical` writes the content lines itself; every line still comes out as icalendar writes it
    (parameters, folded at 75 octets, escapes never split)."""
    from scheduler.calendar.ical_bytes import to_ical

    cal = Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", summary)
    cal.add("description", summary + "\n" + summary)
    cal.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    event = Event()
    event.add("dtstart", datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))
    event.add("exdate", [datetime(2026, 4, 5, 2, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))])
    event.add("rrule", vRecur.from_ical("FREQ=WEEKLY;BYDAY=SU"))
    organizer = vCalAddress("mailto:groups@example.org")
    organizer.params["cn"] = summary
    event.add("organizer", organizer)
    cal.add_component(event)
    assert to_ical(cal) == cal.to_ical()
    feed = Calendar.from_ical(publish_feed("Feed", [], STAMP, description=summary))
    assert str(feed["description"]) == summary
