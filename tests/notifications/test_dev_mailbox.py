"""With no SMTP server in development, mail is readable on /dev/mailbox — and only then."""

from __future__ import annotations

from scheduler import create_app
from scheduler.extensions import db
from scheduler.notifications import sender
from scheduler.notifications.outbox import OutgoingEmail, enqueue
from tests.conftest import _empty_all_tables, base_config, dispose_engines


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


def _dev_app(database_url, **config):
    return create_app(base_config(database_url) | {"ENV_NAME": "development", "TESTING": False} | config)


def test_the_mailbox_answers_only_on_this_computer(database_url):
    app = _dev_app(database_url)
    with app.app_context():
        db.create_all()
        local = app.test_client().get("/dev/mailbox")
        assert local.status_code == 200
        assert "answers only a browser on this computer" in local.get_data(as_text=True)
        remote = app.test_client().get("/dev/mailbox", environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert remote.status_code == 404
        assert app.test_client().get("/dev/mailbox", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_production_refuses_to_start_with_the_mailbox(database_url):
    import pytest

    with pytest.raises(RuntimeError, match="DEV_MAILBOX"):
        create_app(base_config(database_url) | {"ENV_NAME": "production", "DEV_MAILBOX": True})
    app = _dev_app(database_url, DEV_MAILBOX=False)
    assert "dev.mailbox" not in app.view_functions


def test_the_mailbox_shows_a_sign_up_email_the_job_has_not_rendered_yet(database_url):
    from tests.factories import create_group, create_series, create_user
    from tests.participants.conftest import ENGLISH, form

    app = create_app(base_config(database_url) | {"ENV_NAME": "development", "TESTING": False})
    with app.app_context():
        db.create_all()
        series = create_series(create_group({create_user("organizer"): "organizer"}))
        client = app.test_client()
        assert (
            client.post(f"/meetings/{series.id}/rsvp", data=form("sky@example.org"), headers=ENGLISH).status_code == 302
        )
        listing = client.get("/dev/mailbox").get_data(as_text=True)
        assert "sky@example.org" in listing
        message_id = db.session.scalar(db.select(db.metadata.tables["outbox_messages"].c.id))
        assert "/rsvp/confirm/" in client.get(f"/dev/mailbox/{message_id}").get_data(as_text=True)
        db.session.remove()
        _empty_all_tables()
        dispose_engines()
