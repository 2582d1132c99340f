"""With no SMTP server in development, mail is readable on /dev/mailbox — and only then."""

from __future__ import annotations

from scheduler import create_app
from scheduler.extensions import db
from scheduler.notifications import sender
from scheduler.notifications.outbox import OutgoingEmail, enqueue
from tests.conftest import base_config


def test_development_mailbox_shows_kept_messages(database_url):
    app = create_app(base_config(database_url) | {"ENV_NAME": "development", "TESTING": False})
    with app.app_context():
        db.create_all()
        enqueue(
            OutgoingEmail(
                kind="rsvp_confirm",
                dedupe_key="confirm:1",
                recipient_email="sky@example.nl",
                recipient_name="Sky",
                subject="Bevestig je aanmelding",
                body_text="Klik hier: http://127.0.0.1:5000/rsvp/confirm/abc",
                calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            )
        )
        db.session.commit()
        assert sender.send_due() == 1
        client = app.test_client()
        listing = client.get("/dev/mailbox").get_data(as_text=True)
        assert "Bevestig je aanmelding" in listing and "sent" in listing
        message_id = db.session.scalar(db.select(db.metadata.tables["outbox_messages"].c.id))
        page = client.get(f"/dev/mailbox/{message_id}").get_data(as_text=True)
        assert 'href="http://127.0.0.1:5000/rsvp/confirm/abc"' in page
        assert client.get(f"/dev/mailbox/{message_id}/invite.ics").mimetype == "text/calendar"
        db.session.execute(db.delete(db.metadata.tables["outbox_messages"]))
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_no_mailbox_when_smtp_is_configured_or_outside_development(database_url):
    for overrides in ({"ENV_NAME": "development", "MAIL_SERVER": "smtp.example.org"}, {"ENV_NAME": "testing"}):
        app = create_app(base_config(database_url) | overrides)
        assert app.test_client().get("/dev/mailbox").status_code == 404
