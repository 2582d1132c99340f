"""Reminder offsets on the organizer's meeting form: defaults unless the organizer chooses."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from scheduler.extensions import db
from scheduler.meetings import reminder_offsets
from scheduler.meetings.models import Series
from tests.factories import create_group, create_series, create_user
from tests.meetings.test_organizer_views import login, meeting_form


def _setup(frozen_now):
    organizer = create_user("organizer", timezone="Asia/Dhaka")
    group = create_group({organizer: "organizer"}, timezone="Asia/Dhaka", language="bn")
    return organizer, group


def test_the_form_keeps_the_defaults_unless_the_organizer_chooses(client, frozen_now):
    organizer, group = _setup(frozen_now)
    login(client, organizer)
    page = client.get(f"/organizer/groups/{group.id}/meetings/new").get_data(as_text=True)
    assert "24 hours before" in page and "7 days before" in page
    assert client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form()).status_code == 302
    series = db.session.scalar(sa.select(Series))
    assert series.reminder_offsets_minutes is None
    assert reminder_offsets.effective(series.kind, series.reminder_offsets_minutes) == (1440, 60)
    assert reminder_offsets.effective("webinar", None) == (10080, 1440, 60)

    data = MultiDict(meeting_form(title="Custom reminders", reminders_custom="y"))
    data.setlist("reminder_offsets", ["15", "1440"])
    assert client.post(f"/organizer/groups/{group.id}/meetings/new", data=data).status_code == 302
    custom = db.session.scalar(sa.select(Series).where(Series.title == "Custom reminders"))
    assert custom.reminder_offsets_minutes == [1440, 15]


def test_editing_shows_the_choice_and_can_turn_reminders_off(client, frozen_now):
    organizer, group = _setup(frozen_now)
    series = create_series(group, timezone="Asia/Dhaka", reminder_offsets_minutes=(180,))
    login(client, organizer)
    page = client.get(f"/organizer/meetings/{series.id}/edit").get_data(as_text=True)
    assert '<input checked id="reminders_custom"' in page
    assert '<input checked id="reminder_offsets-3" name="reminder_offsets" type="checkbox" value="180">' in page
    data = MultiDict(meeting_form(timezone="Asia/Dhaka", reminders_custom="y"))
    response = client.post(f"/organizer/meetings/{series.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Series, series.id).reminder_offsets_minutes == []


def test_an_offset_outside_the_list_is_refused(client, frozen_now):
    organizer, group = _setup(frozen_now)
    login(client, organizer)
    data = MultiDict(meeting_form(reminders_custom="y"))
    data.setlist("reminder_offsets", ["7"])
    response = client.post(f"/organizer/groups/{group.id}/meetings/new", data=data)
    assert response.status_code in (200, 400)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0
