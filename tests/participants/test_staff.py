"""What staff see and do: counts, the roster (emails only for the group's organizers and counselors),
approval of requests for closed groups, removal that revokes links."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import Rsvp
from tests.factories import PASSWORD, create_series, create_user
from tests.participants.conftest import (
    ENGLISH,
    join_up,
    last_mail,
    mails,
    occurrences,
    one_off,
    rsvp_of,
    seat_states,
    sign_up,
)


def login(client, user) -> None:
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def staff_client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_roster_shows_names_and_emails_only_to_the_groups_staff(app, group, organizer):
    series = one_off(group, capacity=1)
    occurrence_id = occurrences(series)[0].id
    join_up(app.test_client(), series, "sky@example.org", "Sky")
    join_up(app.test_client(), series, "river@example.org", "River")
    sign_up(app.test_client(), series, "pending@example.org", "Pending")
    counselor = create_user("counselor")
    from scheduler.meetings.services import add_member

    add_member(group, counselor, "counselor")
    db.session.commit()
    admin, outsider = create_user("admin"), create_user("organizer")

    for user in (organizer, counselor):
        page = staff_client(app, user).get(f"/organizer/occurrences/{occurrence_id}/people", headers=ENGLISH)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Sky" in html and "sky@example.org" in html and "River" in html and "Waiting list" in html
        assert "Confirmed: 1" in html and "Waiting list: 1" in html and "Not yet confirmed by email: 1" in html
        assert "pending@example.org" not in html  # unconfirmed addresses are nobody's business
    admin_page = staff_client(app, admin).get(f"/organizer/occurrences/{occurrence_id}/people", headers=ENGLISH)
    html = admin_page.get_data(as_text=True)
    assert admin_page.status_code == 200 and "Confirmed: 1" in html
    assert "Sky" not in html and "sky@example.org" not in html
    assert staff_client(app, outsider).get(f"/organizer/occurrences/{occurrence_id}/people").status_code == 403
    g.pop("_login_user", None)  # the test shares one app context between clients; forget the last sign-in
    anonymous = app.test_client().get(f"/organizer/occurrences/{occurrence_id}/people")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    detail = staff_client(app, organizer).get(f"/organizer/meetings/{series.id}", headers=ENGLISH)
    assert "1 confirmed, 1 waiting, 1 not yet confirmed" in detail.get_data(as_text=True)
    assert staff_client(app, admin).post(f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/remove").status_code == 403


def test_removal_revokes_the_links_and_passes_the_seat_on(app, group, organizer):
    series = one_off(group, capacity=1)
    occurrence = occurrences(series)[0]
    sky_manage = join_up(app.test_client(), series, "sky@example.org", "Sky")
    join_up(app.test_client(), series, "river@example.org", "River")
    join_path = last_mail("sky@example.org", "rsvp_welcome").link("j")
    pending_before = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
    )
    assert pending_before > 0
    client = staff_client(app, organizer)
    response = client.post(
        f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/remove",
        data={"occurrence_id": occurrence.id, "confirm": "yes"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/occurrences/{occurrence.id}/people")
    assert rsvp_of("sky@example.org").status == "removed"
    assert app.test_client().get(join_path).status_code == 410
    assert seat_states(occurrences(series)[0]) == {"sky@example.org": "released", "river@example.org": "offered"}
    sky_pending = db.session.scalars(
        sa.select(OutboxMessage.kind).where(
            OutboxMessage.recipient_email == "sky@example.org", OutboxMessage.status == "pending"
        )
    ).all()
    assert sky_pending == ["left_meeting"]  # only the CANCEL that takes the meeting out of their calendar
    # The removed person can still open their page (to erase their data) but is not signed up any more.
    page = app.test_client().get(sky_manage, headers=ENGLISH).get_data(as_text=True)
    assert series.title not in page
    # Signing up again does nothing visible and sends nothing.
    count = len(mails("sky@example.org"))
    assert sign_up(app.test_client(), series, "sky@example.org", "Sky").status_code == 302
    assert len(mails("sky@example.org")) == count and rsvp_of("sky@example.org").status == "removed"


def test_closed_groups_approve_or_decline_requests_kindly(app, group, organizer):
    series = one_off(group, title="CBT group", access="closed", capacity=1)
    create_series(group, title="Open Thursday circle", language="en")
    join_up(app.test_client(), series, "ana@example.org", "Ana", note="My doctor suggested this group")
    join_up(app.test_client(), series, "budi@example.org", "Budi")
    join_up(app.test_client(), series, "citra@example.org", "Citra")
    assert rsvp_of("ana@example.org").status == "awaiting_approval"
    assert "The host reads each request personally" in last_mail("ana@example.org", "rsvp_awaiting").text
    assert seat_states(occurrences(series)[0]) == {}

    client = staff_client(app, organizer)
    page = client.get(f"/organizer/meetings/{series.id}/people", headers=ENGLISH).get_data(as_text=True)
    assert "My doctor suggested this group" in page and "Ana" in page and "ana@example.org" in page
    for email, action in (("ana@example.org", "approve"), ("budi@example.org", "approve")):
        assert client.post(f"/organizer/rsvps/{rsvp_of(email).id}/{action}").status_code == 303
    decline = f"/organizer/rsvps/{rsvp_of('citra@example.org').id}/decline"
    assert client.post(decline, data={"confirm": "yes"}).status_code == 303
    again = client.post(f"/organizer/rsvps/{rsvp_of('citra@example.org').id}/approve", headers=ENGLISH)
    assert again.status_code == 303  # already answered: a message, no change
    assert rsvp_of("citra@example.org").status == "declined"

    assert seat_states(occurrences(series)[0]) == {"ana@example.org": "confirmed", "budi@example.org": "waitlisted"}
    approved = last_mail("ana@example.org", "rsvp_approved")
    assert "welcomed you" in approved.text and "/j/" in approved.text
    declined = last_mail("citra@example.org", "rsvp_declined")
    assert "says nothing about you" in declined.text and "Open Thursday circle" in declined.text
    assert "CBT" not in declined.subject and "Ana" not in declined.text
    assert client.post(f"/organizer/rsvps/{rsvp_of('ana@example.org').id}/nonsense").status_code == 404
    assert client.post("/organizer/rsvps/99999/approve").status_code == 404


def test_webinar_questions_are_shown_without_names(app, group, organizer):
    series = one_off(group, title="Recovery Day webinar", kind="webinar")
    join_up(app.test_client(), series, "sky@example.org", "Sky", question="How do I talk to my family?")
    sign_up(app.test_client(), series, "spam@example.org", "Spam", question="Unconfirmed question")
    page = staff_client(app, organizer).get(f"/organizer/meetings/{series.id}/people", headers=ENGLISH)
    html = page.get_data(as_text=True)
    questions = html.split('id="questions-heading"')[1].split("</section>")[0]
    assert "How do I talk to my family?" in questions and "Sky" not in questions
    assert "Unconfirmed question" not in html
    assert db.session.scalar(sa.select(Rsvp.question).where(Rsvp.question.is_not(None)).limit(1))
