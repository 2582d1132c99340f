"""Helpers for the participant tests: sign up through the real form, read links from the outbox table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.notifications import outbox
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import Participant, Rsvp, Seat
from tests.factories import create_group, create_series, create_user

ENGLISH = {"Accept-Language": "en"}
LINK = re.compile(r"https?://[^\s\"<>]+?/(rsvp/confirm|manage|j)/([A-Za-z0-9_-]{40,64})")


@dataclass
class Mail:
    kind: str
    subject: str
    text: str
    html: str
    sender: str
    language: str

    def link(self, kind: str) -> str:
        """The path of the first personal link of this kind ('rsvp/confirm', 'manage' or 'j')."""
        for match in LINK.finditer(self.text):
            if match.group(1) == kind:
                return f"/{kind}/{match.group(2)}"
        raise AssertionError(f"no {kind} link in {self.kind}: {self.text}")


def mails(to: str | None = None, kind: str | None = None) -> list[Mail]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to is not None:
        query = query.where(OutboxMessage.recipient_email == to)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    rows = list(db.session.scalars(query))
    if any(m.render_args is not None for m in rows):  # what the email job does before sending
        outbox.render_pending(rows)
        db.session.commit()
    return [Mail(m.kind, m.subject, m.body_text, m.body_html or "", m.sender_name, m.language) for m in rows]


def last_mail(to: str, kind: str | None = None) -> Mail:
    found = mails(to, kind)
    assert found, f"no {kind or 'email'} for {to}"
    return found[-1]


def form(email: str, name: str = "Sky", **overrides: str) -> dict[str, str]:
    data = {
        "email": email,
        "display_name": name,
        "timezone": "Europe/Amsterdam",
        "language": "en",
        "scope": "series",
        "occurrence_id": "",
        "note": "",
        "question": "",
        "website": "",
    }
    data.update(overrides)
    return data


def sign_up(client: FlaskClient, series: Series, email: str, name: str = "Sky", **overrides: str):
    response = client.post(f"/meetings/{series.id}/rsvp", data=form(email, name, **overrides), headers=ENGLISH)
    db.session.expire_all()
    return response


def confirm(client: FlaskClient, email: str) -> str:
    """Follows the newest confirmation email with a POST; returns the manage page path it redirects to."""
    path = last_mail(email, "rsvp_confirm").link("rsvp/confirm")
    response = client.post(path, headers=ENGLISH)
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    return response.headers["Location"]


def join_up(client: FlaskClient, series: Series, email: str, name: str = "Sky", **overrides: str) -> str:
    assert sign_up(client, series, email, name, **overrides).status_code == 302
    return confirm(client, email)


def person(email: str) -> Participant:
    return db.session.scalars(sa.select(Participant).where(Participant.email == email)).one()


def rsvp_of(email: str) -> Rsvp:
    return db.session.scalars(sa.select(Rsvp).join(Participant).where(Participant.email == email)).one()


def seat_states(occurrence: Occurrence) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Participant.email, Seat.status)
        .join(Seat, Seat.participant_id == Participant.id)
        .where(Seat.occurrence_id == occurrence.id)
    )
    return {email: status for email, status in rows}


def occurrences(series: Series) -> list[Occurrence]:
    return list(
        db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start))
    )


@pytest.fixture
def organizer(app, frozen_now):
    return create_user("organizer", name="Rahima Organizer", timezone="Asia/Dhaka")


@pytest.fixture
def group(organizer):
    return create_group(
        {organizer: "organizer"},
        name="Amsterdam cocaine recovery",
        slug="amsterdam-recovery",
        timezone="Europe/Amsterdam",
        language="nl",
        topic="addiction",
        discreet=True,
        helpline="Call the Amsterdam helpline: 0800-1234",
    )


@pytest.fixture
def weekly(group):
    """Tuesdays 19:00 Amsterdam from 1 December 2026, no seat limit."""
    return create_series(group, title="Cocaine recovery Tuesday", language="en")


def one_off(group, *, capacity: int | None = None, **overrides):
    """A single session on Tuesday 1 December 2026, 19:00 Amsterdam (18:00 UTC)."""
    values = {
        "title": "Cocaine recovery evening",
        "rule": RecurrenceRule("once"),
        "start_date": date(2026, 12, 1),
        "start_time": time(19, 0),
        "capacity": capacity,
        "language": "en",
    }
    values.update(overrides)
    return create_series(group, **values)
