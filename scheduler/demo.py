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
from scheduler.counseling.models import Attendance, AttendanceStatus
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Group, MemberRole, Occurrence, Series, Topic
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants.models import Participant, Rsvp, RsvpScope, RsvpStatus, Seat, SeatStatus

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
    "Saling mengenal dan cara kerja CBT",
    "Pikiran, perasaan, dan apa yang kita lakukan",
    "Mengenali pola pikir yang tidak membantu",
    "Langkah kecil: merencanakan kegiatan yang mengangkat suasana hati",
    "Menantang suara batin yang keras",
    "Tidur, rutinitas, dan merawat tubuh",
    "Meminta bantuan dan tetap terhubung",
    "Melihat ke belakang, melihat ke depan: rencana untuk hari-hari berat",
)
DHAKA_TITLE = "মঙ্গলবার সন্ধ্যার দল"
JAKARTA_TITLE = "Kelompok CBT untuk depresi (8 minggu)"
JAKARTA_EARLIER_TITLE = "Kelompok CBT untuk depresi (putaran sebelumnya)"
HISTORY_WEEKS = 16  # how far back the attendance history goes, so the evaluation has months to chart
# Pseudonyms, as participants often choose them.
DHAKA_PEOPLE = ("রিনা", "সুমন", "তানিয়া", "রাশেদ", "নাসরিন", "ফারুক", "শিউলি", "জামাল", "মিতু", "আরিফ", "পারভীন", "হাসান")
JAKARTA_PEOPLE = ("Ayu", "Budi", "Citra", "Dimas", "Eka", "Fajar", "Gita", "Hendra", "Intan", "Joko")


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
    host = users["dhaka"]
    group = _group(
        "dhaka-recovery-network",
        "ঢাকা রিকভারি নেটওয়ার্ক",
        Topic.ADDICTION,
        "Asia/Dhaka",
        "bn",
        "ঢাকা ও আশপাশে মাদক ও মদের আসক্তি থেকে সেরে উঠছেন এমন মানুষদের জন্য একটি সহায়তা নেটওয়ার্ক।\n"
        "আমরা অনলাইনে বাংলায় মিলিত হই। যেমন আছেন তেমনই আসুন: কথা না বলে শুধু শুনতেও পারেন।",
        {host: MemberRole.ORGANIZER},
    )
    series = _meeting(
        group,
        host,
        title=DHAKA_TITLE,
        start_date=_local_today("Asia/Dhaka") - timedelta(weeks=HISTORY_WEEKS),  # a few months of history
        start_time=time(20, 0),
        duration_minutes=90,
        rule=RecurrenceRule("weekly", weekdays=(1,)),
        description="যাঁরা মাদক বা মদ ছাড়তে চান, অথবা ছেড়ে থাকতে চান, তাঁদের জন্য আমাদের সাপ্তাহিক সভা।\n\n"
        "এই সপ্তাহে কী সাহায্য করেছে আর কী কঠিন ছিল, আমরা তা ভাগ করে নিই। নতুনদের সবসময় স্বাগত; "
        "ক্যামেরা চালু করতে বা কিছু বলতে হবে না।",
    )
    future = [o for o in _sessions(series) if o.start > clock.now()]
    if len(future) >= 3:  # one date falls on a holiday, as happens in real life
        services.cancel_occurrence(future[2], "সরকারি ছুটি: পরের সপ্তাহে আবার দেখা হবে।")
    _attendance_history(series, host, DHAKA_PEOPLE, "bn", "Asia/Dhaka")


def _jakarta(users: dict[str, User]) -> None:
    counselor, backup = users["jakarta"], users["jakarta_backup"]
    group = _group(
        "jakarta-depression-support",
        "Dukungan Depresi Jakarta",
        Topic.DEPRESSION,
        "Asia/Jakarta",
        "id",
        "Dukungan bagi orang yang hidup dengan depresi, dalam bahasa Indonesia, dipandu konselor berlisensi.\n"
        "Anda tidak sendirian, dan merasa lebih baik itu mungkin.",
        {counselor: MemberRole.COUNSELOR, backup: MemberRole.COUNSELOR},
    )
    cbt = {
        "kind": "therapist_led",
        "start_time": time(19, 30),
        "duration_minutes": 75,
        "access": "closed",
        "capacity": 12,
        "backup_host_id": backup.id,
        "description": "Delapan sesi mingguan terapi perilaku kognitif (CBT) dalam kelompok kecil dan tertutup, "
        "paling banyak 12 orang.\n\nKonselor berbicara singkat dengan setiap orang yang ingin bergabung, untuk "
        "memastikan kelompok ini cocok. Setiap minggu ada topiknya sendiri, dan ada waktu untuk berlatih bersama.",
    }
    start = _local_today("Asia/Jakarta") + timedelta(days=7)
    series = _meeting(
        group,
        counselor,
        title=JAKARTA_TITLE,
        start_date=start,
        rule=RecurrenceRule("weekly", weekdays=(start.weekday(),), count=8),
        **cbt,
    )
    earlier_start = start - timedelta(weeks=12)  # the previous round: within the evaluation's three months
    earlier = _meeting(
        group,
        counselor,
        title=JAKARTA_EARLIER_TITLE,
        start_date=earlier_start,
        rule=RecurrenceRule("weekly", weekdays=(earlier_start.weekday(),), count=8),
        **cbt,
    )
    for course in (series, earlier):
        for occurrence, topic in zip(_sessions(course), CBT_TOPICS, strict=False):
            occurrence.topic = topic
    db.session.flush()
    _attendance_history(earlier, counselor, JAKARTA_PEOPLE, "id", "Asia/Jakarta")


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


def _attendance_history(series: Series, host: User, names: tuple[str, ...], language: str, tz: str) -> None:
    """Participants of a meeting's past sessions with their seats and marked attendance: newcomers arrive over
    the weeks, most come most weeks, some send apologies, a few drift away. Deterministic, one flush."""
    now = clock.now()
    past = [o for o in _sessions(series) if o.end <= now and not o.is_cancelled]
    slug = series.group.slug
    rsvps = [
        Rsvp(
            participant=Participant(
                email=f"demo.{slug}.{i + 1}@example.org",
                display_name=name,
                timezone=tz,
                language=language,
                confirmed_at=now,
            ),
            series=series,
            status=RsvpStatus.ACTIVE,
            scope=RsvpScope.SERIES,
        )
        for i, name in enumerate(names)
    ]
    db.session.add_all(rsvps)
    db.session.flush()
    rows: list[object] = []
    for i, rsvp in enumerate(rsvps):
        first, last = i % 5, len(past) - (i % 4 == 3) * (2 + i % 3)  # joins late / drifts away
        for j, occurrence in enumerate(past[first:last], start=first):
            roll = (i * 7 + j * 3) % 10
            status = AttendanceStatus.PRESENT if roll < 7 else AttendanceStatus.EXCUSED if roll == 7 else "absent"
            ids = {"participant_id": rsvp.participant_id, "occurrence_id": occurrence.id}
            rows.append(Seat(rsvp_id=rsvp.id, status=SeatStatus.CONFIRMED, **ids))
            rows.append(Attendance(status=status, marked_by_id=host.id, **ids))
    db.session.add_all(rows)
    db.session.flush()


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
