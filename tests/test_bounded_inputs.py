"""Numbers, dates and names from a request are bounded and cleaned where they enter: a clear 4xx, never a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.inputs import bounded_id, one_line
from scheduler.meetings.models import Series
from scheduler.participants.models import Participant
from tests.factories import create_series
from tests.meetings.test_organizer_views import login, meeting_form
from tests.participants.conftest import sign_up

HUGE = str(2**63)


@pytest.mark.parametrize("value", [HUGE, "-1", "0", "1e9", "99999999999999999999999"])
def test_the_sign_up_form_refuses_an_impossible_session_id(client, group, value):
    series = create_series(group)
    response = sign_up(client, series, "sky@example.org", scope="occurrence", occurrence_id=value)
    assert response.status_code in (200, 400)
    assert "choose" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("start_date", ["9999-12-31", "0001-01-01", "2100-01-01", "1969-12-31"])
def test_the_meeting_form_and_preview_refuse_dates_out_of_range(client, organizer, group, start_date):
    login(client, organizer)
    for path in (f"/organizer/groups/{group.id}/meetings/new", f"/organizer/groups/{group.id}/meetings/preview"):
        response = client.post(path, data=meeting_form(start_date=start_date))
        assert response.status_code in (200, 400), path
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0
    page = client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form(start_date=start_date))
    assert "Enter a date between 1970-01-01 and 2099-12-31." in page.get_data(as_text=True)
    assert client.get(f"/groups/{group.slug}/calendar.ics").status_code == 200


@pytest.mark.parametrize("field", ["capacity", "duration_minutes", "interval", "count"])
def test_the_meeting_form_refuses_numbers_past_the_database(client, organizer, group, field):
    login(client, organizer)
    overrides = {field: HUGE}
    if field == "count":
        overrides["end_mode"] = "count"
    response = client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form(**overrides))
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0


@pytest.mark.parametrize("path", [f"/meetings/{HUGE}", f"/groups/x/meetings/{HUGE}", f"/meetings/{HUGE}/rsvp"])
def test_ids_past_the_database_do_not_match_a_route(client, path):
    assert client.get(path).status_code == 404


def test_bounded_id():
    assert bounded_id("7") == 7
    for bad in ("0", "-3", HUGE, "x", ""):
        with pytest.raises(ValueError):
            bounded_id(bad)


def test_names_are_one_line_with_indic_joiners_kept():
    assert one_line("Sky\r\nBcc: someone@example.org") == "Sky Bcc: someone@example.org"
    assert one_line("  A\tB\u2028C\x00D  ") == "A B C D"
    assert one_line("Ri\u202eya") == "Riya"  # a right-to-left override could disguise a name
    assert one_line("র\u200dয\u200c") == "র\u200dয\u200c"


def test_a_display_name_with_line_breaks_is_stored_as_one_line(client, group):
    series = create_series(group)
    sign_up(client, series, "sky@example.org", name="Sky\r\nBcc: victim@example.org")
    name = db.session.scalar(sa.select(Participant.display_name))
    assert name == "Sky Bcc: victim@example.org"


def test_nul_characters_are_dropped_from_every_form_field(client, organizer, group):
    login(client, organizer)
    response = client.post(
        f"/organizer/groups/{group.id}/meetings/new",
        data=meeting_form(title="Tuesday\x00 group", description="A\x00 peer-support meeting."),
    )
    assert response.status_code == 302
    series = db.session.scalar(sa.select(Series))
    assert series.title == "Tuesday group" and series.description == "A peer-support meeting."
