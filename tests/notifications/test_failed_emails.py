"""Organizers see the emails of their group that could not be delivered, and can send them again."""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.notifications.outbox import OutgoingEmail, enqueue
from tests.factories import PASSWORD, create_group, create_user


def test_failed_emails_are_listed_for_the_group_and_can_be_retried(client, frozen_now):
    organizer = create_user("organizer")
    group = create_group({organizer: "organizer"})
    other = create_group()
    for target, key in ((group, "a"), (other, "b")):
        row = enqueue(
            OutgoingEmail(
                kind="reminder",
                dedupe_key=key,
                recipient_email=f"{key}@example.org",
                recipient_name=f"Person {key}",
                subject="Your group meets tomorrow",
                body_text="…",
                group_id=target.id,
            )
        )
        row.status, row.last_error, row.attempts = OutboxStatus.FAILED, "SMTPRecipientsRefused 550", 8
    db.session.commit()
    client.post("/login", data={"email": organizer.email, "password": PASSWORD})
    page = client.get(f"/organizer/groups/{group.id}").get_data(as_text=True)
    assert "1 email could not be delivered" in page and "Person a" in page and "550" in page
    assert "Person b" not in page and "b@example.org" not in page
    response = client.post(f"/organizer/groups/{group.id}/emails/retry")
    assert response.status_code == 302
    statuses = dict(db.session.execute(sa.select(OutboxMessage.dedupe_key, OutboxMessage.status)).all())
    assert statuses == {"a": "pending", "b": "failed"}
    assert "could not be delivered" not in client.get(f"/organizer/groups/{group.id}").get_data(as_text=True)
    assert client.post(f"/organizer/groups/{other.id}/emails/retry").status_code == 403
