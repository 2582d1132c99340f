"""The reminder planner with a frozen clock: send times across daylight saving, the rules about who gets one,
exactly-once, moves and cancellations, and what the email says."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from flask_babel import force_locale, ngettext

from scheduler import clock, timefmt
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.notifications.models import OutboxStatus
from scheduler.notifications.reminder_email import dst_shift
from scheduler.participants import manage as participant_manage
from scheduler.participants.models import Seat
from scheduler.rules import RuleError
from tests.notifications.reminder_support import (
    amsterdam_group,
    plan_at,
    reminder_rows,
    send_at,
    session_on,
    sign_up_at,
    utc,
    weekly_meeting,
)
from tests.participants.conftest import person

MARCH_30 = date(2027, 3, 30)  # the first Tuesday after Amsterdam's clocks went forward


@pytest.fixture
def group(app):
    return amsterdam_group()


@pytest.fixture
def meeting(group):
    return weekly_meeting(group)


def test_send_times_follow_the_meeting_zone_across_the_clock_change(client, meeting):
    sign_up_at(client, meeting, "dhaka@example.org", timezone="Asia/Dhaka")
    # 23 March: 14:00 CET = 13:00 UTC; 30 March: 14:00 CEST = 12:00 UTC.
    assert plan_at(utc(2027, 3, 22, 12, 58)) == 1
    assert plan_at(utc(2027, 3, 23, 11, 58)) == 1
    assert plan_at(utc(2027, 3, 29, 11, 57)) == 1
    assert plan_at(utc(2027, 3, 30, 10, 56)) == 1
    assert [r.send_after for r in reminder_rows()] == [
        utc(2027, 3, 22, 13, 0),
        utc(2027, 3, 23, 12, 0),
        utc(2027, 3, 29, 12, 0),
        utc(2027, 3, 30, 11, 0),
    ]


def test_a_dhaka_meeting_keeps_its_utc_time_and_amsterdam_people_hear_it_moved_later(client):
    group = amsterdam_group(name="Dhaka family circle", timezone="Asia/Dhaka", language="bn", discreet=False)
    meeting = weekly_meeting(group, title="Family circle", start_time=time(19, 0))
    sign_up_at(client, meeting, "ams@example.org", timezone="Europe/Amsterdam")
    assert plan_at(utc(2027, 3, 29, 12, 58)) == 1  # 19:00 Dhaka = 13:00 UTC, whatever Europe does
    row = reminder_rows()[0]
    assert row.send_after == utc(2027, 3, 29, 13, 0)
    local = timefmt.format_clock(row.send_after + timedelta(hours=24), "Europe/Amsterdam", "en")
    assert local == "3:00\u202fPM"  # 14:00 in Amsterdam the week before (Babel's English uses 12-hour clocks)
    with force_locale("en"):
        notice = ngettext(
            "This week the group meets at %(time)s your time, %(num)s hour later than usual.",
            "This week the group meets at %(time)s your time, %(num)s hours later than usual.",
            1,
            time=local,
        )
    assert notice in row.body_text
    assert row.subject == "Family circle starts in 24 hours"  # not discreet: the title is fine


@pytest.mark.parametrize("language", ["en", "nl"])
def test_dst_notice_for_a_dhaka_participant_of_an_amsterdam_meeting(client, meeting, language):
    sign_up_at(client, meeting, "dhaka@example.org", timezone="Asia/Dhaka", language=language)
    plan_at(utc(2027, 3, 23, 11, 58))  # the week before: 19:00 in Dhaka, as usual
    plan_at(utc(2027, 3, 30, 10, 58))  # after the change: 18:00 in Dhaka
    before, after = reminder_rows()
    local = timefmt.format_clock(utc(2027, 3, 30, 12, 0), "Asia/Dhaka", language)
    assert local == {"nl": "18:00", "en": "6:00\u202fPM"}[language]
    with force_locale(language):
        notice = ngettext(
            "This week the group meets at %(time)s your time, %(num)s hour earlier than usual.",
            "This week the group meets at %(time)s your time, %(num)s hours earlier than usual.",
            1,
            time=local,
        )
    assert notice in after.body_text and notice in (after.body_html or "")
    assert "than usual" not in before.body_text
    assert after.language == language
    if language == "nl":
        assert "dinsdag 30 maart 2027" in after.body_text  # Babel formats the date in Dutch
    else:
        assert "Tuesday 30 March 2027" in after.body_text or "Tuesday, March 30, 2027" in after.body_text
    # the meeting's own time is shown beside the person's when the clocks differ, zones named
    assert timefmt.format_clock(utc(2027, 3, 30, 12, 0), "Europe/Amsterdam", language) in after.body_text
    assert "in Amsterdam" in after.body_text  # the meeting's city, its zone named once


def test_no_dst_notice_for_someone_in_the_meeting_zone(client, meeting):
    sign_up_at(client, meeting, "ams@example.org", timezone="Europe/Amsterdam")
    plan_at(utc(2027, 3, 30, 10, 58))
    assert "than usual" not in reminder_rows()[0].body_text


def test_dst_shift_is_zero_when_the_organizer_moved_the_session():
    usual = utc(2027, 3, 23, 13, 0)
    assert dst_shift(utc(2027, 3, 30, 12, 0), usual, "Asia/Dhaka", "Europe/Amsterdam") == -60
    assert dst_shift(utc(2027, 3, 30, 13, 0), usual, "Asia/Dhaka", "Europe/Amsterdam") == 0  # 15:00 in Amsterdam
    assert dst_shift(utc(2027, 3, 30, 12, 0), usual, "Europe/Amsterdam", "Europe/Amsterdam") == 0


def test_reminder_content_discreet_subject_links_and_helpline(client, meeting):
    sign_up_at(client, meeting, "dhaka@example.org", timezone="Asia/Dhaka")
    occurrence = session_on(meeting, MARCH_30)
    occurrence.topic = "Step 3: letting go"
    db.session.commit()
    plan_at(utc(2027, 3, 30, 10, 58))
    row = reminder_rows()[0]
    assert row.subject == "Your Tuesday group starts in 1 hour"
    assert row.sender_name == "Meeting notices"
    assert "cocaine" not in row.subject.lower() and "cocaine" not in row.sender_name.lower()
    text = row.body_text
    assert "Step 3: letting go" in text
    assert "/j/" in text and "/manage/" in text and "/unsubscribe/" in text
    assert "0800-1234" in text and "0800-1234" in (row.body_html or "")
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert row.headers["List-Unsubscribe"].startswith("<http") and "/unsubscribe/" in row.headers["List-Unsubscribe"]
    assert row.occurrence_id == occurrence.id and row.series_id == meeting.id


def test_general_helpline_line_when_the_group_has_none(client):
    group = amsterdam_group(helpline=None)
    meeting = weekly_meeting(group)
    sign_up_at(client, meeting, "a@example.org")
    plan_at(utc(2027, 3, 30, 10, 58))
    assert "call your local emergency number" in reminder_rows()[0].body_text


def test_running_the_planner_twice_queues_and_sends_once(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    sign_up_at(client, meeting, "b@example.org")
    assert plan_at(utc(2027, 3, 30, 10, 56)) == 2
    assert plan_at(utc(2027, 3, 30, 10, 57)) == 0
    assert plan_at(utc(2027, 3, 30, 11, 0)) == 0
    send_at(utc(2027, 3, 30, 11, 0))
    send_at(utc(2027, 3, 30, 11, 1))
    rows = reminder_rows()
    assert [r.status for r in rows] == [OutboxStatus.SENT] * 2
    assert len({r.dedupe_key for r in rows}) == 2


def test_not_queued_before_the_lookahead_and_not_for_drafts(client, group, meeting):
    sign_up_at(client, meeting, "a@example.org")
    assert plan_at(utc(2027, 3, 30, 10, 30)) == 0  # 1-hour reminder due at 11:00: too early to queue
    with_draft = weekly_meeting(group, title="Draft", status="draft")
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 1
    assert {r.series_id for r in reminder_rows()} == {meeting.id} != {with_draft.id}


def test_late_rsvp_gets_no_reminder_whose_time_had_passed(client, meeting):
    # Signs up ten minutes after the 24-hour reminder time of 30 March (29 March 12:00 UTC).
    sign_up_at(client, meeting, "late@example.org", at=utc(2027, 3, 29, 12, 10))
    assert plan_at(utc(2027, 3, 29, 12, 15)) == 0  # still within the grace period, but the seat came later
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 1  # the 1-hour reminder is still ahead: it comes
    assert reminder_rows()[0].send_after == utc(2027, 3, 30, 11, 0)


def test_worker_downtime_grace_and_never_after_the_start(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    assert plan_at(utc(2027, 3, 29, 12, 40)) == 0  # the 24-hour reminder is more than 30 minutes late: dropped
    assert plan_at(utc(2027, 3, 30, 11, 20)) == 1  # the 1-hour reminder 20 minutes late: still useful
    send_at(utc(2027, 3, 30, 11, 20))
    assert reminder_rows()[0].status == OutboxStatus.SENT
    assert plan_at(utc(2027, 3, 30, 12, 5)) == 0  # after the start: nothing


def test_no_reminders_for_a_cancelled_session_even_when_already_queued(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    assert plan_at(utc(2027, 3, 30, 10, 57)) == 1
    with clock.frozen_at(utc(2027, 3, 30, 10, 58)):
        services.cancel_occurrence(session_on(meeting, MARCH_30), "The host is ill")
        db.session.commit()
    send_at(utc(2027, 3, 30, 11, 0))
    assert [r.status for r in reminder_rows()] == [OutboxStatus.CANCELLED]
    assert plan_at(utc(2027, 3, 30, 11, 1)) == 0


def test_no_reminders_after_the_whole_meeting_is_cancelled(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    with clock.frozen_at(utc(2027, 3, 20)):
        services.cancel_series(meeting, "The group has ended")
        db.session.commit()
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 0


def test_no_reminder_for_a_skipped_session_or_after_leaving(client, meeting):
    sign_up_at(client, meeting, "skip@example.org")
    sign_up_at(client, meeting, "leave@example.org")
    skipper, leaver = person("skip@example.org"), person("leave@example.org")
    occurrence = session_on(meeting, MARCH_30)
    assert plan_at(utc(2027, 3, 29, 11, 57)) == 2  # 24-hour reminders queued for both
    with clock.frozen_at(utc(2027, 3, 29, 11, 58)):
        seat = db.session.query(Seat).filter_by(participant_id=skipper.id, occurrence_id=occurrence.id).one()
        participant_manage.change_seat(skipper, seat.id, "skip")
        participant_manage.leave(leaver, leaver.rsvps[0].id)
        db.session.commit()
    send_at(utc(2027, 3, 29, 12, 0))
    assert {r.status for r in reminder_rows()} == {OutboxStatus.CANCELLED}
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 0


def test_a_moved_session_gets_fresh_reminders_and_the_old_one_is_withdrawn(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    occurrence = session_on(meeting, MARCH_30)
    assert plan_at(utc(2027, 3, 29, 11, 57)) == 1
    with clock.frozen_at(utc(2027, 3, 29, 11, 58)):
        services.move_occurrence(occurrence, datetime(2027, 3, 30, 16, 0))  # 16:00 CEST = 14:00 UTC
        db.session.commit()
    assert plan_at(utc(2027, 3, 29, 11, 59)) == 0
    send_at(utc(2027, 3, 29, 12, 0))
    old = reminder_rows()[0]
    assert old.status == OutboxStatus.CANCELLED
    assert plan_at(utc(2027, 3, 29, 13, 58)) == 1
    fresh = reminder_rows(status=OutboxStatus.PENDING)[0]
    assert fresh.send_after == utc(2027, 3, 29, 14, 0) and fresh.dedupe_key != old.dedupe_key
    assert send_at(utc(2027, 3, 29, 14, 0)) >= 1
    db.session.refresh(fresh)
    assert fresh.status == OutboxStatus.SENT


def test_webinars_also_remind_a_week_before(client, group):
    webinar = weekly_meeting(group, title="Understanding relapse", kind="webinar")
    peer = weekly_meeting(group, title="Peer group", start_time=time(15, 0))
    sign_up_at(client, webinar, "w@example.org")
    sign_up_at(client, peer, "w@example.org")
    plan_at(utc(2027, 3, 23, 11, 58))  # 7 days before the webinar of 30 March (12:00 UTC)
    plan_at(utc(2027, 3, 23, 12, 58))  # 7 days before the peer group of 30 March (13:00 UTC)
    week = [r for r in reminder_rows() if ":m10080:" in r.dedupe_key]
    assert [(r.series_id, r.send_after) for r in week] == [(webinar.id, utc(2027, 3, 23, 12, 0))]
    assert week[0].subject == "Your Tuesday group starts in 7 days"


def test_custom_offsets_replace_the_defaults(client, group):
    meeting = weekly_meeting(group, reminder_offsets_minutes=(180, 15))
    assert meeting.reminder_offsets_minutes == [180, 15]
    sign_up_at(client, meeting, "c@example.org")
    assert plan_at(utc(2027, 3, 29, 11, 58)) == 0  # no 24-hour reminder
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 0  # no 1-hour reminder
    assert plan_at(utc(2027, 3, 30, 8, 58)) == 1
    assert plan_at(utc(2027, 3, 30, 11, 43)) == 1
    rows = reminder_rows()
    assert [r.send_after for r in rows] == [utc(2027, 3, 30, 9, 0), utc(2027, 3, 30, 11, 45)]
    assert rows[1].subject == "Your Tuesday group starts in 15 minutes"


def test_reminders_can_be_turned_off_for_a_meeting(client, group):
    meeting = weekly_meeting(group, reminder_offsets_minutes=())
    sign_up_at(client, meeting, "c@example.org")
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 0 and plan_at(utc(2027, 3, 29, 11, 58)) == 0


def test_invalid_offsets_are_refused(group):
    with pytest.raises(RuleError) as caught:
        weekly_meeting(group, reminder_offsets_minutes=(0,))
    assert "reminder_offsets" in caught.value.errors


def test_waitlisted_people_get_no_reminder(client, group):
    meeting = weekly_meeting(group, capacity=1)
    sign_up_at(client, meeting, "first@example.org")
    sign_up_at(client, meeting, "second@example.org")
    assert plan_at(utc(2027, 3, 30, 10, 58)) == 1
    assert reminder_rows()[0].participant_id == person("first@example.org").id


@pytest.mark.postgres_backend
def test_two_planners_at_once_on_postgresql_queue_each_reminder_once(app, client, meeting):
    import threading

    from scheduler import create_app
    from scheduler.notifications import reminders
    from tests.conftest import base_config, dispose_engines

    for i in range(12):
        sign_up_at(client, meeting, f"p{i}@example.org")
    apps = [create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"])) for _ in range(2)]
    barrier, counts = threading.Barrier(2), []

    def work(other) -> None:  # type: ignore[no-untyped-def]
        with other.app_context(), clock.frozen_at(utc(2027, 3, 30, 10, 58)):
            barrier.wait()
            counts.append(reminders.plan_reminders())
            db.session.commit()
            db.session.remove()
            dispose_engines()

    threads = [threading.Thread(target=work, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    db.session.expire_all()
    assert sum(counts) == 12 and len(reminder_rows()) == 12
