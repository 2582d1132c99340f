"""The counselor's dashboard and session page: who sees what, attendance marking, messages and hosting."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.counseling.models import Attendance, SessionHosting
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from tests.counseling.conftest import add_person, login, sessions_of


def marks(occurrence) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(Attendance.participant_id, Attendance.status).where(Attendance.occurrence_id == occurrence.id)
    )
    return dict(rows.all())


def test_dashboard_shows_my_groups_sessions_and_names_only(client, staff, cbt, other_series):
    first = sessions_of(cbt)[0]
    sky = add_person(cbt, [first], "Sky")
    add_person(cbt, [first], "Rain", status="waitlisted")
    login(client, staff["counselor"])
    page = client.get("/counselor/").get_data(as_text=True)
    assert "CBT group" in page and "Jakarta CBT for depression" in page
    assert "Sky" in page and sky.email not in page
    assert "Waiting list: 1" in page and "Confirmed: 1" in page
    assert "Family evening" not in page and "Amsterdam families" not in page
    assert f"/organizer/occurrences/{first.id}/people" in page


def test_counselor_cannot_open_or_act_on_another_groups_session(client, staff, cbt, other_series):
    theirs = sessions_of(other_series)[0]
    person = add_person(other_series, [theirs], "Mila")
    login(client, staff["counselor"])
    assert client.get(f"/counselor/sessions/{theirs.id}").status_code == 403
    with clock.frozen_at(theirs.start):
        response = client.post(f"/counselor/sessions/{theirs.id}/attendance/{person.id}", data={"status": "present"})
    assert response.status_code == 403
    response = client.post(f"/counselor/sessions/{theirs.id}/message", data={"body": "We start late"})
    assert response.status_code == 403
    assert client.post(f"/counselor/sessions/{theirs.id}/host").status_code == 403
    assert client.get(f"/counselor/sessions/{theirs.id}/cover").status_code == 403
    assert client.get(f"/counselor/meetings/{other_series.id}/topics").status_code == 403
    assert marks(theirs) == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_pages_need_a_sign_in(client, cbt):
    first = sessions_of(cbt)[0]
    assert client.get("/counselor/").status_code in (302, 401)
    assert client.post(f"/counselor/sessions/{first.id}/attendance/1", data={"status": "present"}).status_code in (
        302,
        401,
    )


def test_marking_and_re_marking_attendance(client, staff, cbt):
    first = sessions_of(cbt)[0]
    sky, rain = add_person(cbt, [first], "Sky"), add_person(cbt, [first], "Rain")
    login(client, staff["counselor"])
    with clock.frozen_at(first.start + timedelta(minutes=5)):
        url = f"/counselor/sessions/{first.id}/attendance/{sky.id}"
        response = client.post(url, data={"status": "present"})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/counselor/sessions/{first.id}#p{sky.id}")
        client.post(f"/counselor/sessions/{first.id}/attendance/{rain.id}", data={"status": "absent"})
        db.session.expire_all()
        assert marks(first) == {sky.id: "present", rain.id: "absent"}
        client.post(f"/counselor/sessions/{first.id}/attendance/{rain.id}", data={"status": "excused"})
        db.session.expire_all()
        assert marks(first) == {sky.id: "present", rain.id: "excused"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 2
        row = db.session.scalar(sa.select(Attendance).where(Attendance.participant_id == rain.id))
        assert row.marked_by_id == staff["counselor"].id
        page = client.get(f"/counselor/sessions/{first.id}").get_data(as_text=True)
    assert 'value="excused" class="mark mark-excused"\n                          aria-pressed="true"' in page
    assert sky.email not in page


def test_bad_attendance_input_is_a_400_with_a_message(client, staff, cbt, other_series):
    first, second = sessions_of(cbt)[:2]
    sky = add_person(cbt, [first], "Sky")
    outsider = add_person(other_series, sessions_of(other_series)[:1], "Mila")
    login(client, staff["counselor"])
    with clock.frozen_at(first.start):
        response = client.post(f"/counselor/sessions/{first.id}/attendance/{sky.id}", data={"status": "asleep"})
        assert response.status_code == 400 and "Choose present, absent or excused." in response.get_data(as_text=True)
        response = client.post(f"/counselor/sessions/{first.id}/attendance/{outsider.id}", data={"status": "present"})
        assert response.status_code == 400
        assert "not signed up for this session" in response.get_data(as_text=True)
        response = client.post(f"/counselor/sessions/{second.id}/attendance/{sky.id}", data={"status": "present"})
        assert response.status_code == 400  # a week early: attendance is not open yet
        assert client.post(f"/counselor/sessions/{first.id}/attendance/{sky.id}", data={}).status_code == 400
        assert client.post(f"/counselor/sessions/999999/attendance/{sky.id}", data={"status": "x"}).status_code == 404
    assert marks(first) == {} and marks(second) == {}


def test_message_goes_to_each_confirmed_person_separately_and_once(client, staff, cbt):
    first = sessions_of(cbt)[0]
    sky, rain = add_person(cbt, [first], "Sky"), add_person(cbt, [first], "Rain", language="id")
    waiting = add_person(cbt, [first], "Wait", status="waitlisted")
    login(client, staff["counselor"])
    data = {"body": "We start 10 minutes late today."}
    response = client.post(f"/counselor/sessions/{first.id}/message", data=data)
    assert response.status_code == 303
    client.post(f"/counselor/sessions/{first.id}/message", data=data)  # a double tap sends nothing more
    sent = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.recipient_email)).all()
    assert sorted(m.recipient_email for m in sent) == sorted([sky.email, rain.email])
    assert waiting.email not in {m.recipient_email for m in sent}
    for message in sent:
        assert message.kind == "session_message"
        assert "We start 10 minutes late today." in message.body_text
        others = {sky.email, rain.email, sky.display_name, rain.display_name} - {
            message.recipient_email,
            message.recipient_name,
        }
        assert not any(other in message.body_text or other in (message.body_html or "") for other in others)
        assert message.subject == "A message about your meeting" or message.language == "id"  # discreet group
        assert "/manage/" in message.body_text


def test_empty_or_long_message_is_refused(client, staff, cbt):
    first = sessions_of(cbt)[0]
    add_person(cbt, [first], "Sky")
    login(client, staff["counselor"])
    assert client.post(f"/counselor/sessions/{first.id}/message", data={"body": "  "}).status_code == 400
    assert client.post(f"/counselor/sessions/{first.id}/message", data={"body": "x" * 1001}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_host_confirms_from_the_dashboard(client, staff, cbt):
    first = sessions_of(cbt)[0]
    login(client, staff["counselor"])
    assert "Nobody has confirmed hosting yet." in client.get("/counselor/").get_data(as_text=True)
    response = client.post(f"/counselor/sessions/{first.id}/host")
    assert response.status_code == 303
    row = db.session.get(SessionHosting, first.id)
    assert row.confirmed_by_id == staff["counselor"].id and row.confirmed_at == clock.now()
    assert "Hosting confirmed by Dewi Counselor." in client.get("/counselor/").get_data(as_text=True)
