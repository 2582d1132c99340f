"""Personal links: purpose-scoped, hashed, expiring, single-use or revocable; GET never changes anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from scheduler.participants import tokens
from scheduler.participants.models import LinkToken, Participant, Rsvp, Seat, SeatCounter
from tests.participants.conftest import ENGLISH, confirm, join_up, last_mail, rsvp_of, sign_up

TABLES = (Participant, Rsvp, Seat, SeatCounter, LinkToken, OutboxMessage)


def snapshot() -> list[tuple]:
    db.session.expire_all()
    rows = []
    for model in TABLES:
        table = model.__table__
        rows += [(table.name, *row) for row in db.session.execute(sa.select(table).order_by(*table.primary_key))]
    return rows


def test_secrets_are_random_and_hashed_per_purpose():
    first, second = tokens.new_secret(), tokens.new_secret()
    assert first != second and len(first) == 43 and tokens.looks_like_secret(first)
    assert tokens.hash_secret("confirm", first) != tokens.hash_secret("manage", first)
    assert len(tokens.hash_secret("join", first)) == 64
    for bad in ("", "short", "a" * 200, "has spaces in it" * 4, "../../etc/passwd" * 4):
        assert not tokens.looks_like_secret(bad)
    with pytest.raises(ValueError):
        tokens.hash_secret("admin", first)


def test_only_hashes_are_stored(client, weekly):
    manage = join_up(client, weekly, "sky@example.org")
    secret = manage.rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(LinkToken.token_hash)).all()
    assert secret not in stored and tokens.hash_secret("manage", secret) in stored
    assert all(len(h) == 64 for h in stored)


def test_get_never_changes_state(client, weekly, frozen_now):
    sign_up(client, weekly, "pending@example.org", "Pending")
    confirm_path = last_mail("pending@example.org").link("rsvp/confirm")
    manage = join_up(client, weekly, "sky@example.org")
    join_path = last_mail("sky@example.org", "rsvp_welcome").link("j")
    rsvp_id = rsvp_of("sky@example.org").id
    before = snapshot()
    pages = [confirm_path, manage, f"{manage}/erase", f"{manage}/meetings/{rsvp_id}/leave", join_path]
    for path in [*pages, f"{manage}/calendar", f"{manage}/profile"]:  # the last two are POST only: 405
        assert client.get(path, headers=ENGLISH).status_code in {200, 405}
    with clock.frozen_at(frozen_now + timedelta(days=9, hours=7, minutes=55)):  # inside the join window
        for path in (f"{manage}/meetings/{rsvp_id}/join", join_path, manage):
            assert client.get(path, headers=ENGLISH).status_code in {200, 302}  # the join links redirect to the room
    assert snapshot() == before


def test_expired_confirmation_links_are_refused(client, weekly, frozen_now):
    sign_up(client, weekly, "sky@example.org")
    path = last_mail("sky@example.org").link("rsvp/confirm")
    with clock.frozen_at(frozen_now + timedelta(hours=48, seconds=1)):
        for method in (client.get, client.post):
            response = method(path, headers=ENGLISH)
            assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert rsvp_of("sky@example.org").status == "pending"
    with clock.frozen_at(frozen_now + timedelta(hours=47)):
        confirm(client, "sky@example.org")


def test_tampered_and_unknown_links_are_refused(client, weekly):
    manage = join_up(client, weekly, "sky@example.org")
    secret = manage.rsplit("/", 1)[1]
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    for path in (f"/manage/{tampered}", "/manage/nonsense", f"/j/{tampered}", f"/rsvp/confirm/{tampered}", "/j/x"):
        response = client.get(path, headers=ENGLISH)
        assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)
    assert client.post(f"/rsvp/confirm/{'a' * 43}", headers=ENGLISH).status_code == 404


def test_a_link_cannot_be_used_for_another_purpose(client, weekly):
    sign_up(client, weekly, "sky@example.org")
    confirm_secret = last_mail("sky@example.org").link("rsvp/confirm").rsplit("/", 1)[1]
    manage_secret = last_mail("sky@example.org").link("manage").rsplit("/", 1)[1]
    assert client.get(f"/manage/{confirm_secret}").status_code == 404
    assert client.get(f"/j/{confirm_secret}").status_code == 404
    assert client.post(f"/rsvp/confirm/{manage_secret}").status_code == 404
    manage = confirm(client, "sky@example.org")
    join_secret = last_mail("sky@example.org", "rsvp_welcome").link("j").rsplit("/", 1)[1]
    assert client.get(f"/manage/{join_secret}").status_code == 404
    assert client.post(f"/manage/{join_secret}/erase").status_code == 404
    assert client.post(f"/rsvp/confirm/{join_secret}").status_code == 404
    assert client.get(manage).status_code == 200


def test_a_confirmation_link_works_once(client, weekly):
    sign_up(client, weekly, "sky@example.org")
    path = last_mail("sky@example.org").link("rsvp/confirm")
    assert client.post(path).status_code == 303
    replay = client.post(path, headers=ENGLISH)
    assert replay.status_code == 410 and "already used" in replay.get_data(as_text=True)
    assert client.get(path, headers=ENGLISH).status_code == 410


def test_leaving_revokes_the_join_link_but_not_the_manage_page(client, weekly):
    manage = join_up(client, weekly, "sky@example.org")
    join_path = last_mail("sky@example.org", "rsvp_welcome").link("j")
    rsvp_id = rsvp_of("sky@example.org").id
    assert client.get(join_path).status_code == 200  # not open yet, but valid
    assert client.post(f"{manage}/meetings/{rsvp_id}/leave").status_code == 303
    response = client.get(join_path, headers=ENGLISH)
    assert response.status_code == 410 and "no longer works" in response.get_data(as_text=True)
    assert client.get(f"{manage}/meetings/{rsvp_id}/join").status_code == 410
    assert client.get(manage).status_code == 200
    assert rsvp_of("sky@example.org").status == "cancelled"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seat).where(Seat.status != "released")) == 0
