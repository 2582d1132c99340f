"""Editing a meeting's time while some sessions were moved or cancelled on their own: keep them, or reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Occurrence
from scheduler.notifications import invites
from tests.factories import create_group, create_series, create_user, series_input
from tests.meetings.test_organizer_views import login, meeting_form


@pytest.fixture
def organizer(app, frozen_now):
    return create_user("organizer", timezone="Europe/Amsterdam")


@pytest.fixture
def changed(organizer):
    """Tuesdays 19:00 Amsterdam from 1 Dec 2026; the 2nd session moved to Wednesday, the 3rd cancelled."""
    series = create_series(create_group({organizer: "organizer"}))
    rows = sessions(series)
    services.move_occurrence(rows[1], datetime(2026, 12, 9, 19, 0))
    services.cancel_occurrence(rows[2], "Holiday")
    db.session.commit()
    return series


def sessions(series) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.original_start)
        )
    )


def test_keeping_is_the_default_and_the_calendar_carries_the_kept_move(changed):
    services.update_series(changed, series_input(start_time=time(20, 0)))
    db.session.commit()
    first, moved, cancelled = sessions(changed)[:3]
    assert first.start == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # 20:00 Amsterdam
    assert moved.start == datetime(2026, 12, 9, 18, 0, tzinfo=UTC) and moved.is_moved  # still Wednesday 19:00
    assert moved.original_start == datetime(2026, 12, 8, 19, 0, tzinfo=UTC)  # on the new schedule
    assert cancelled.is_cancelled and cancelled.original_start == datetime(2026, 12, 15, 19, 0, tzinfo=UTC)
    with force_locale("en"):
        event = invites.series_event(changed, text="", join_url=None)
    (override,) = event.overrides
    assert override.original_local_start == datetime(2026, 12, 8, 20, 0)  # RECURRENCE-ID: the new rule time
    assert override.local_start == datetime(2026, 12, 9, 19, 0)
    assert event.exdates == (datetime(2026, 12, 15, 20, 0),)


def test_resetting_puts_every_session_on_the_new_schedule(changed):
    services.update_series(changed, series_input(start_time=time(20, 0), keep_session_changes=False))
    db.session.commit()
    rows = sessions(changed)
    assert all(not r.is_moved and not r.is_cancelled for r in rows)
    assert rows[1].start == datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    with force_locale("en"):
        event = invites.series_event(changed, text="", join_url=None)
    assert not event.overrides and not event.exdates


def test_the_edit_form_shows_the_changes_and_offers_the_choice(client, organizer, changed):
    login(client, organizer)
    page = client.get(f"/organizer/meetings/{changed.id}/edit", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="session-changes"' in html and "Moved from" in html
    keep = re.search(r'<input[^>]*value="keep"[^>]*>', html).group(0)
    assert "checked" in keep  # keeping is the default
    form = meeting_form(timezone="Europe/Amsterdam", start_time="20:00", language="nl", session_changes="reset")
    response = client.post(f"/organizer/meetings/{changed.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert not any(r.is_moved or r.is_cancelled for r in sessions(changed))
