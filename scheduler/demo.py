"""Demonstration data: staff accounts, four groups and their meetings, and a webinar.

`load()` is idempotent: users are found by email and groups by slug, and only what is missing is
created. Dates are relative to clock.now(), so the demo always looks current. It flushes; the caller
commits. Every demo account uses the password below (the README says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from scheduler import clock
from scheduler.auth import services as accounts
from scheduler.auth.models import StaffRole, User
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Group, MemberRole, Occurrence, Series, Topic
from scheduler.meetings.recurrence import RecurrenceRule

DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - documented demo credential
HELPLINE = "+00 0000 0000 (demo number)"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    timezone: str
    language: str


USERS = {
    "admin": DemoUser("admin@example.org", "Demo Administrator", StaffRole.ADMIN, "UTC", "en"),
    "dhaka": DemoUser("organizer.dhaka@example.org", "Karim Uddin", StaffRole.ORGANIZER, "Asia/Dhaka", "bn"),
    "jakarta": DemoUser("counselor.jakarta@example.org", "Sari Wulandari", StaffRole.COUNSELOR, "Asia/Jakarta", "id"),
    "jakarta_backup": DemoUser("backup.jakarta@example.org", "Dewi Lestari", StaffRole.COUNSELOR, "Asia/Jakarta", "id"),
    "amsterdam": DemoUser(
        "organizer.amsterdam@example.org", "Joost de Vries", StaffRole.ORGANIZER, "Europe/Amsterdam", "nl"
    ),
    "family": DemoUser("organizer.family@example.org", "Helen Carter", StaffRole.ORGANIZER, "Europe/London", "en"),
}

CBT_TOPICS = (
    "Getting to know each other and how CBT works",
    "Thoughts, feelings and what we do",
    "Spotting unhelpful thinking patterns",
    "Small steps: planning activities that lift the mood",
    "Challenging harsh inner voices",
    "Sleep, routine and looking after the body",
    "Asking for help and staying connected",
    "Looking back, looking ahead: a plan for hard days",
)


def _local_today(tz: str) -> date:
    return clock.now().astimezone(ZoneInfo(tz)).date()


def recovery_day_webinar_date(today: date) -> date:
    """The Sunday before the next 30 September on or after `today`."""
    september_30 = date(today.year, 9, 30)
    if september_30 < today:
        september_30 = date(today.year + 1, 9, 30)
    days_back = (september_30.weekday() - 6) % 7 or 7  # 6 = Sunday; a Sunday 30th means the 23rd
    return september_30 - timedelta(days=days_back)


def _user(key: str) -> tuple[User, bool]:
    spec = USERS[key]
    user = accounts.find_by_email(spec.email)
    if user is not None:
        return user, False
    user = accounts.create_user(
        spec.email, spec.name, DEMO_PASSWORD, spec.role, timezone=spec.timezone, language=spec.language
    )
    return user, True


def _sessions(series: Series) -> list[Occurrence]:
    return list(
        db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start))
    )


def _group(
    slug: str, name: str, topic: str, tz: str, language: str, description: str, members: dict[User, str]
) -> Group:
    group = Group(
        slug=slug,
        name=name,
        topic=topic,
        timezone=tz,
        language=language,
        description=description,
        helpline=HELPLINE,
        visibility="public",
        discreet=True,
    )
    db.session.add(group)
    db.session.flush()
    for user, role in members.items():
        services.add_member(group, user, role)
    return group


def _meeting(group: Group, host: User, **values: object) -> Series:
    """A published meeting in the group's zone and language, starting today unless told otherwise."""
    fields: dict[str, object] = {
        "kind": "peer_support",
        "start_date": _local_today(group.timezone),
        "timezone": group.timezone,
        "language": group.language,
        "access": "open",
        "host_id": host.id,
        "status": "published",
    }
    fields.update(values)
    return services.create_series(group, services.SeriesInput(**fields))  # type: ignore[arg-type]


def _dhaka(users: dict[str, User]) -> None:
    group = _group(
        "dhaka-recovery-network",
        "Dhaka Recovery Network",
        Topic.ADDICTION,
        "Asia/Dhaka",
        "bn",
        "A peer-support network for people recovering from drug and alcohol addiction "
        "in and around Dhaka.\nWe meet online in Bengali. Come as you are: you can listen without speaking.",
        {users["dhaka"]: MemberRole.ORGANIZER},
    )
    series = _meeting(
        group,
        users["dhaka"],
        title="Tuesday evening group",
        start_time=time(20, 0),
        duration_minutes=90,
        rule=RecurrenceRule("weekly", weekdays=(1,)),
        description="Our weekly meeting for anyone who wants to stop using drugs or alcohol, or to stay "
        "stopped.\n\nWe share what helped us this week and what was hard. Newcomers are always welcome; "
        "you do not have to turn on your camera or say anything.",
    )
    future = [o for o in _sessions(series) if o.start > clock.now()]
    if len(future) >= 3:  # one date falls on a holiday, as happens in real life
        services.cancel_occurrence(future[2], "Public holiday: we meet again the week after.")


def _jakarta(users: dict[str, User]) -> None:
    counselor, backup = users["jakarta"], users["jakarta_backup"]
    group = _group(
        "jakarta-depression-support",
        "Jakarta Depression Support",
        Topic.DEPRESSION,
        "Asia/Jakarta",
        "id",
        "Support for people living with depression, in Indonesian, led by licensed counselors.\n"
        "You are not alone, and feeling better is possible.",
        {counselor: MemberRole.COUNSELOR, backup: MemberRole.COUNSELOR},
    )
    start = _local_today("Asia/Jakarta") + timedelta(days=7)
    series = _meeting(
        group,
        counselor,
        title="CBT group for depression (8 weeks)",
        kind="therapist_led",
        start_date=start,
        start_time=time(19, 30),
        duration_minutes=75,
        rule=RecurrenceRule("weekly", weekdays=(start.weekday(),), count=8),
        access="closed",
        capacity=12,
        backup_host_id=backup.id,
        description="Eight weekly sessions of cognitive behavioural therapy in a small, closed group of up "
        "to 12 people.\n\nThe counselor talks briefly with everyone who asks to join, to make sure the group "
        "is a good fit. Each week has its own topic, and there is time to practise together.",
    )
    for occurrence, topic in zip(_sessions(series), CBT_TOPICS, strict=False):
        occurrence.topic = topic
    db.session.flush()


def _amsterdam(users: dict[str, User]) -> None:
    group = _group(
        "amsterdam-cocaine-recovery",
        "Amsterdam Cocaine Recovery",
        Topic.ADDICTION,
        "Europe/Amsterdam",
        "nl",
        "A peer group for people who want to stop using cocaine, in Dutch.\n"
        "No judgement, no lectures: just people who understand.",
        {users["amsterdam"]: MemberRole.ORGANIZER},
    )
    _meeting(
        group,
        users["amsterdam"],
        title="Thursday evening recovery meeting",
        start_time=time(19, 0),
        duration_minutes=60,
        rule=RecurrenceRule("weekly", weekdays=(3,)),
        description="Every Thursday at seven in the evening, Amsterdam time, all year round.\n"
        "Join with any name you like. You can keep your camera off.",
    )


def _family(users: dict[str, User]) -> None:
    group = _group(
        "family-support-circle",
        "Family Support Circle",
        Topic.FAMILY,
        "Europe/London",
        "en",
        "For parents, partners, children and friends of someone struggling with addiction or "
        "depression.\nCaring for someone is hard; here you can talk with people who know what it is like.",
        {users["family"]: MemberRole.ORGANIZER},
    )
    _meeting(
        group,
        users["family"],
        title="First Sunday family circle",
        kind="family",
        start_time=time(15, 0),
        duration_minutes=90,
        rule=RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=6),
        description="A monthly circle on the first Sunday of the month, in English. Everyone who cares is welcome.",
    )


def _webinar(users: dict[str, User]) -> None:
    group = _group(
        "international-recovery-day",
        "International Recovery Day",
        Topic.ADDICTION,
        "Asia/Dhaka",
        "en",
        "Talks and conversations for International Recovery Day, open to everyone, wherever you are.",
        {users["dhaka"]: MemberRole.ORGANIZER},
    )
    speaker = services.SpeakerInput
    _meeting(
        group,
        users["dhaka"],
        title="International Recovery Day webinar: recovery is possible",
        kind="webinar",
        start_date=recovery_day_webinar_date(_local_today("Asia/Dhaka")),
        start_time=time(16, 0),
        duration_minutes=120,
        rule=RecurrenceRule("once"),
        capacity=500,
        description="On the Sunday before 30 September we celebrate recovery together.\n\nA psychiatrist, "
        "a professor of clinical psychology, a recovery coach and a psychologist talk about what helps "
        "people recover from addiction, and answer your questions, which you can send anonymously.",
        speakers=(
            speaker("Farhana Rahman", "moderator", "Programme coordinator", "Dhaka Recovery Network"),
            speaker("Dr. Tanvir Hossain", "speaker", "Psychiatrist", "Green Delta Mental Health Centre (demo)"),
            speaker(
                "Prof. Shirin Akter",
                "speaker",
                "Professor of Clinical Psychology",
                "Riverbank University (demo)",
            ),
            speaker("Rafiq Chowdhury", "speaker", "Certified recovery coach", "New Dawn Recovery Services (demo)"),
            speaker("Dr. Mahmuda Begum", "speaker", "Senior psychologist", "Lakeside Counselling Centre (demo)"),
        ),
    )


GROUP_BUILDERS = {
    "dhaka-recovery-network": _dhaka,
    "jakarta-depression-support": _jakarta,
    "amsterdam-cocaine-recovery": _amsterdam,
    "family-support-circle": _family,
    "international-recovery-day": _webinar,
}


def load() -> bool:
    """Create whatever part of the demo is missing. Returns True if anything was created."""
    created = False
    users: dict[str, User] = {}
    for key in USERS:
        users[key], new = _user(key)
        created = created or new
    existing = set(db.session.scalars(sa.select(Group.slug).where(Group.slug.in_(GROUP_BUILDERS))))
    for slug, build in GROUP_BUILDERS.items():
        if slug not in existing:
            build(users)
            created = True
    db.session.flush()
    return created
