"""The demo data: what `flask demo load` creates, and that loading twice changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from scheduler import demo
from scheduler.auth import services as accounts
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, Series

DEMO_SLUGS = {
    "dhaka-recovery-network",
    "jakarta-depression-support",
    "amsterdam-cocaine-recovery",
    "family-support-circle",
    "international-recovery-day",
}


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Group, Series, Occurrence)
    )


def series_titled(title: str) -> Series:
    return db.session.scalars(sa.select(Series).where(Series.title == title)).one()


def local_starts(series: Series) -> list[datetime]:
    zone = ZoneInfo(series.timezone)
    return [o.original_start.astimezone(zone) for o in series.occurrences]


@pytest.fixture
def loaded(app, frozen_now):
    assert demo.load() is True
    db.session.commit()
    return frozen_now


def test_loading_twice_creates_nothing_the_second_time(loaded):
    before = counts()
    assert demo.load() is False
    db.session.commit()
    assert counts() == before


def test_groups_are_public_and_meetings_published(loaded):
    groups = {g.slug: g for g in db.session.scalars(sa.select(Group))}
    assert set(groups) == DEMO_SLUGS
    assert {g.visibility for g in groups.values()} == {"public"}
    assert groups["dhaka-recovery-network"].timezone == "Asia/Dhaka"
    assert groups["dhaka-recovery-network"].language == "bn"
    assert groups["jakarta-depression-support"].language == "id"
    assert groups["amsterdam-cocaine-recovery"].language == "nl"
    assert {s.status for s in db.session.scalars(sa.select(Series))} == {"published"}
    assert all("demo number" in (g.helpline or "") for g in groups.values())


def test_staff_accounts(loaded):
    admin = accounts.authenticate("admin@example.org", demo.DEMO_PASSWORD)
    assert admin is not None and admin.is_admin
    roles = Counter(db.session.scalars(sa.select(User.role)))
    assert roles["organizer"] >= 2 and roles["counselor"] >= 2


def test_tuesday_evening_group(loaded):
    series = series_titled(demo.DHAKA_TITLE)
    assert (series.timezone, series.duration_minutes, series.access, series.language) == (
        "Asia/Dhaka",
        90,
        "open",
        "bn",
    )
    starts = local_starts(series)
    assert {(s.weekday(), s.hour, s.minute) for s in starts} == {(1, 20, 0)}
    assert any(o.is_cancelled and o.cancel_reason for o in series.occurrences)


def test_cbt_group_has_eight_closed_sessions_with_hosts(loaded):
    series = series_titled(demo.JAKARTA_TITLE)
    assert len(series.occurrences) == 8
    assert (series.kind, series.capacity, series.access, series.timezone) == (
        "therapist_led",
        12,
        "closed",
        "Asia/Jakarta",
    )
    assert series.host.role == "counselor" and series.backup_host.role == "counselor"
    assert series.host_id != series.backup_host_id
    assert all(o.topic for o in series.occurrences)
    assert all(o.start > loaded for o in series.occurrences)


def test_amsterdam_meeting_stays_at_seven_across_dst(loaded):
    series = series_titled("Thursday evening recovery meeting")
    assert {(s.weekday(), s.hour) for s in local_starts(series)} == {(3, 19)}
    utc_hours = {o.start.astimezone(UTC).hour for o in series.occurrences}
    assert utc_hours == {17, 18}  # summer and winter time


def test_family_meeting_is_on_the_first_sunday(loaded):
    series = series_titled("First Sunday family circle")
    starts = local_starts(series)
    assert len(starts) >= 12
    assert all(s.weekday() == 6 and s.day <= 7 for s in starts)


def test_recovery_day_webinar(loaded):
    series = db.session.scalars(sa.select(Series).where(Series.kind == "webinar")).one()
    assert series.rrule is None and series.timezone == "Asia/Dhaka"
    assert [o.start for o in series.occurrences] == [datetime(2027, 9, 26, 10, 0, tzinfo=UTC)]
    assert [s.role for s in series.speakers] == ["moderator", "speaker", "speaker", "speaker", "speaker"]
    titles = " ".join(s.title for s in series.speakers).lower()
    for expected in ("psychiatrist", "professor of clinical psychology", "recovery coach", "senior psychologist"):
        assert expected in titles


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 22), date(2027, 9, 26)),
        (date(2027, 1, 1), date(2027, 9, 26)),
        (date(2029, 1, 1), date(2029, 9, 23)),  # 30 September 2029 is itself a Sunday
        (date(2028, 9, 30), date(2028, 9, 24)),
        (date(2028, 10, 1), date(2029, 9, 23)),
    ],
)
def test_webinar_is_on_the_sunday_before_30_september(today, expected):
    assert demo.recovery_day_webinar_date(today) == expected
    assert expected.weekday() == 6


def test_demo_pages_render(client, loaded):
    webinar_id = db.session.scalar(sa.select(Series.id).where(Series.kind == "webinar"))
    db.session.expunge_all()
    html = client.get("/?days=60").get_data(as_text=True)
    assert demo.DHAKA_TITLE in html and "Reason: সরকারি ছুটি" in html
    assert "International Recovery Day webinar" in client.get("/events").get_data(as_text=True)
    html = client.get(f"/meetings/{webinar_id}").get_data(as_text=True)
    assert "Moderator" in html and "Psychiatrist" in html
    assert client.get("/groups/jakarta-depression-support").status_code == 200


def test_cli_command(runner, app, frozen_now):
    assert "Demo data loaded." in runner.invoke(args=["demo", "load"]).output
    assert "Demo data already present." in runner.invoke(args=["demo", "load"]).output


def test_groups_speak_their_own_language(loaded):
    groups = {g.slug: g for g in db.session.scalars(sa.select(Group))}
    bengali = range(0x0980, 0x0A00)
    dhaka = groups["dhaka-recovery-network"]
    for text in (dhaka.name, dhaka.description, series_titled(demo.DHAKA_TITLE).description):
        assert any(ord(c) in bengali for c in text), text
    jakarta = series_titled(demo.JAKARTA_TITLE)
    assert "Dukungan" in groups["jakarta-depression-support"].name and "kelompok" in jakarta.description
    assert [o.topic for o in jakarta.occurrences] == list(demo.CBT_TOPICS)


def test_months_of_attendance_give_the_evaluation_real_numbers(loaded):
    from scheduler.counseling import evaluation

    for slug in ("dhaka-recovery-network", "jakarta-depression-support"):
        group = db.session.scalars(sa.select(Group).where(Group.slug == slug)).one()
        result = evaluation.evaluate(evaluation.Scope.of_group(group), *evaluation.default_period(group.timezone))
        assert result.sessions_held.value >= 8 and not result.attended.suppressed, slug
        assert 0.5 < result.attendance_rate.value < 0.95
        charted = [week for week in result.weeks if week.sessions_held.value]
        assert len(charted) >= 8 and any(not week.attended.suppressed for week in charted)
