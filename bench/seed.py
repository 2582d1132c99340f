"""The benchmark's data set, made through the application's own services.

Staff, groups, meetings (and so their sessions) and a sample of sign-ups go through the services exactly as the
web pages call them. The bulk of the participants, RSVPs and seats are inserted as rows, because 24,000 sign-ups
through the request-and-confirm path would take longer than the whole benchmark may: those rows are exactly what
the services write for "signed up for one session and confirmed" (tests/bench/test_seed.py compares a
service-made row with a bulk row column by column). They carry no link tokens or emails, which the measurements
do not read; every person the benchmark visits as a participant was made through the services.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from scheduler import clock
from scheduler.auth import services as accounts
from scheduler.extensions import db
from scheduler.meetings import groups, services
from scheduler.meetings.models import Group, Occurrence, OccurrenceStatus, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants import links
from scheduler.participants import signup as participation
from scheduler.participants.inputs import RsvpInput
from scheduler.participants.models import Participant, Rsvp, RsvpScope, RsvpStatus, Seat, SeatCounter, SeatStatus
from scheduler.participants.tokens import Purpose

ZONES = (
    "Asia/Dhaka",
    "Asia/Jakarta",
    "Europe/Amsterdam",
    "America/New_York",
    "America/Los_Angeles",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Europe/London",
    "America/Sao_Paulo",
)
LANGUAGES = ("en", "bn", "id", "nl")
STAFF_PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway account in a throwaway database
CAPACITY = 40


@dataclass(frozen=True)
class Scale:
    groups: int
    meetings: int
    participants: int
    rsvps: int
    service_people: int  # people who sign up and confirm through the services (the ones the benchmark visits)


FULL = Scale(groups=50, meetings=1000, participants=20_000, rsvps=24_000, service_people=6)
SMOKE = Scale(groups=4, meetings=12, participants=120, rsvps=150, service_people=1)


@dataclass
class Person:
    """A participant made through the services, with the secrets their emails would carry."""

    manage_secret: str
    feed_secret: str
    rsvp_id: int


@dataclass
class Seeded:
    group_slugs: list[str] = field(default_factory=list)
    series_ids: list[int] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def meeting_input(n: int, zone: str, today: date) -> services.SeriesInput:
    start = today + timedelta(days=1 + n % 7)
    return services.SeriesInput(
        title=f"Meeting {n}",
        kind="peer_support",
        start_date=start,
        start_time=time(7 + n % 14, 30 if n % 2 else 0),
        timezone=zone,
        duration_minutes=60 + 30 * (n % 2),
        rule=RecurrenceRule(freq="weekly", weekdays=(start.weekday(),)),
        language=LANGUAGES[n % len(LANGUAGES)],
        description="A weekly peer-support meeting.",
        capacity=CAPACITY,
        status="published",
    )


def make_groups_and_meetings(scale: Scale) -> tuple[list[Group], list[Series]]:
    admin = accounts.create_user("bench-admin@example.org", "Bench admin", STAFF_PASSWORD, "admin")
    today = clock.now().date()
    made_groups = [
        groups.create_group(
            groups.GroupInput(
                name=f"Bench group {g}",
                slug=f"bench-group-{g}",
                timezone=ZONES[g % len(ZONES)],
                language=LANGUAGES[g % len(LANGUAGES)],
                topic="addiction",
                description="Peer support.",
            ),
            admin,
        )
        for g in range(scale.groups)
    ]
    db.session.commit()
    series: list[Series] = []
    for n in range(scale.meetings):
        group = made_groups[n % scale.groups]
        series.append(services.create_series(group, meeting_input(n, group.timezone, today)))
        if n % 50 == 49:
            db.session.commit()
    db.session.commit()
    return made_groups, series


def upcoming_sessions(series_ids: list[int], per_series: int) -> dict[int, list[int]]:
    """The next sessions of each meeting, in one query."""
    rows = db.session.execute(
        sa.select(Occurrence.series_id, Occurrence.id)
        .where(
            Occurrence.series_id.in_(series_ids),
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Occurrence.start > clock.now(),
        )
        .order_by(Occurrence.series_id, Occurrence.start, Occurrence.id)
    )
    result: dict[int, list[int]] = {}
    for series_id, occurrence_id in rows:
        chosen = result.setdefault(series_id, [])
        if len(chosen) < per_series:
            chosen.append(occurrence_id)
    return result


def participant_row(n: int, now: datetime) -> dict[str, Any]:
    """What request_rsvp + confirm write for a new address."""
    return {
        "email": f"bench-{n}@example.org",
        "display_name": f"Person {n}",
        "timezone": ZONES[n % len(ZONES)],
        "language": LANGUAGES[n % len(LANGUAGES)],
        "created_at": now,
        "confirmed_at": now,
        "active_at": now,
    }


def rsvp_row(participant_id: int, series_id: int, occurrence_id: int, now: datetime) -> dict[str, Any]:
    """What request_rsvp + confirm write for "only this session" in an open meeting."""
    return {
        "participant_id": participant_id,
        "series_id": series_id,
        "status": RsvpStatus.ACTIVE,
        "scope": RsvpScope.OCCURRENCE,
        "occurrence_id": occurrence_id,
        "note": None,
        "question": None,
        "version": 2,
        "created_at": now,
        "updated_at": now,
    }


def seat_row(rsvp_id: int, participant_id: int, occurrence_id: int, now: datetime) -> dict[str, Any]:
    """What confirm's seat claim writes when there is room."""
    return {
        "rsvp_id": rsvp_id,
        "participant_id": participant_id,
        "occurrence_id": occurrence_id,
        "status": SeatStatus.CONFIRMED,
        "queued_at": now,
        "offer_expires_at": None,
        "offers": 0,
        "updated_at": now,
    }


def bulk_signups(scale: Scale, series_ids: list[int], *, first: int = 0) -> int:
    """Participants, one-session RSVPs and confirmed seats as rows; seat counters to match. Returns RSVPs made."""
    now = clock.now()
    sessions = upcoming_sessions(series_ids, per_series=8)
    people = scale.participants - scale.service_people
    wanted = scale.rsvps - scale.service_people
    if people <= 0 or wanted <= 0:
        return 0
    ids = list(
        db.session.scalars(
            sa.insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
            [participant_row(first + n, now) for n in range(people)],
        )
    )
    plan: list[tuple[int, int, int]] = []  # (participant_id, series_id, occurrence_id)
    taken: dict[int, int] = {}
    for k in range(wanted):
        person = ids[k % people]
        series_id = series_ids[(k + (k // people) * (len(series_ids) // 2)) % len(series_ids)]
        choices = sessions.get(series_id) or []
        for occurrence_id in itertools.islice(itertools.cycle(choices), k % 8, k % 8 + len(choices)):
            if taken.get(occurrence_id, 0) < CAPACITY:
                break
        else:
            continue
        taken[occurrence_id] = taken.get(occurrence_id, 0) + 1
        plan.append((person, series_id, occurrence_id))
    rsvp_ids = list(
        db.session.scalars(
            sa.insert(Rsvp).returning(Rsvp.id, sort_by_parameter_order=True),
            [rsvp_row(p, s, o, now) for p, s, o in plan],
        )
    )
    db.session.execute(sa.insert(Seat), [seat_row(r, p, o, now) for r, (p, _, o) in zip(rsvp_ids, plan, strict=True)])
    db.session.execute(sa.insert(SeatCounter), [{"occurrence_id": o, "taken": n} for o, n in taken.items()])
    db.session.commit()
    return len(plan)


def service_signup(meetings: list[Series], n: int) -> Person:
    """Sign up for these meetings and confirm, exactly as the pages do; keep the secrets the emails would carry."""
    outcome = None
    for series in meetings:
        participation.request_rsvp(
            series,
            RsvpInput(
                email=f"visitor-{n}@example.org",
                display_name=f"Visitor {n}",
                timezone=ZONES[n % len(ZONES)],
                language=LANGUAGES[n % len(LANGUAGES)],
            ),
        )
        rsvp = db.session.scalars(sa.select(Rsvp).order_by(Rsvp.id.desc()).limit(1)).one()
        secret = links.issue(Purpose.CONFIRM, rsvp.participant, rsvp, expires_at=clock.now() + timedelta(hours=1))
        outcome = participation.confirm(secret)
        db.session.commit()
    assert outcome is not None
    feed_secret = links.issue(Purpose.FEED, outcome.rsvp.participant)
    db.session.commit()
    return Person(manage_secret=outcome.manage_secret, feed_secret=feed_secret, rsvp_id=outcome.rsvp.id)


def seed(scale: Scale) -> Seeded:
    import time as timer

    result = Seeded()
    began = timer.perf_counter()
    made_groups, series = make_groups_and_meetings(scale)
    result.seconds["groups_and_meetings"] = timer.perf_counter() - began
    result.group_slugs = [g.slug for g in made_groups]
    result.series_ids = [s.id for s in series]

    began = timer.perf_counter()
    bulk = bulk_signups(scale, result.series_ids)
    result.seconds["bulk_signups"] = timer.perf_counter() - began

    began = timer.perf_counter()
    for n in range(scale.service_people):
        # Each visitor signs up for every session of three meetings: a manage page and a feed like a regular's.
        chosen = [series[(n + m * scale.groups + m) % len(series)] for m in range(3)]
        result.people.append(service_signup(chosen, n))
    result.seconds["service_signups"] = timer.perf_counter() - began
    result.counts = table_counts()
    result.counts["bulk_rsvps"] = bulk
    return result


def table_counts() -> dict[str, int]:
    def count(model: type) -> int:
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)

    return {
        "groups": count(Group),
        "meetings": count(Series),
        "sessions": count(Occurrence),
        "participants": count(Participant),
        "rsvps": count(Rsvp),
        "seats": count(Seat),
    }
