"""Search is case- and accent-insensitive on SQLite as on PostgreSQL: titles and group names are folded once,
stored on the meeting, kept up to date when a group is renamed, and backfilled by the migration."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from scheduler import create_app
from scheduler.extensions import db
from scheduler.meetings import groups, search_text
from scheduler.meetings.models import Group, Series
from tests.conftest import base_config, dispose_engines
from tests.factories import create_group, create_series
from tests.public.test_discover import get, recovery_day

BENGALI_TITLE = "মঙ্গলবার সন্ধ্যার আলোচনা: সুস্থ জীবনের পথে"


def test_fold_strips_latin_accents_and_case_but_keeps_bengali_letters_whole() -> None:
    assert search_text.fold("  Élan   ÜBER Straße ") == "elan uber strasse"
    assert search_text.fold("ｗｅｂｉｎａｒ") == "webinar"  # full-width letters typed on some phones
    assert search_text.fold(BENGALI_TITLE) == unicodedata.normalize("NFC", BENGALI_TITLE)
    piece = "সুস্থ জীবনের"
    assert search_text.fold(piece) in search_text.fold(BENGALI_TITLE)
    assert search_text.fold("সুস্থ জীবন") in search_text.fold(BENGALI_TITLE)  # a word cut before its vowel sign


def test_accented_and_unaccented_spellings_find_each_other(client, frozen_now) -> None:
    group = create_group(name="Réseau Über", language="nl")
    recovery_day(group, title="Café Élan herstel")
    for query in ("cafe%20elan", "CAFÉ", "%C3%89LAN", "reseau", "R%C3%89SEAU%20%C3%BCber", "UBER"):
        assert "Café Élan herstel" in get(client, f"/events?q={query}"), query
    assert "Café Élan herstel" not in get(client, "/events?q=cafes")


def test_a_bengali_title_is_found_by_a_piece_of_itself(client, frozen_now) -> None:
    group = create_group(name="ঢাকা সহায়তা দল", language="bn", timezone="Asia/Dhaka")
    recovery_day(group, title=BENGALI_TITLE, language="bn", timezone="Asia/Dhaka")
    for piece in ("সুস্থ%20জীবনের", "সন্ধ্যার", "সহায়তা", "জীবন"):
        assert BENGALI_TITLE in get(client, f"/events?q={piece}"), piece
    assert BENGALI_TITLE not in get(client, "/events?q=মাদক")


def test_renaming_a_group_updates_its_meetings_search_text(client, frozen_now) -> None:
    group = create_group(name="Recovery network", language="en", slug="recovery-network", timezone="UTC")
    recovery_day(group)
    recovery_day(group, title="Second webinar")
    group_id = group.id
    assert "Second webinar" not in get(client, "/events?q=zuiderzee")
    groups.update_group(
        db.session.get(Group, group_id),
        groups.GroupInput(name="Zuiderzée circle", slug="recovery-network", timezone="UTC", language="en"),
    )
    db.session.commit()
    found = get(client, "/events?q=ZUIDERZEE")
    assert "Second webinar" in found and "International Recovery Day webinar" in found
    assert "Second webinar" not in get(client, "/events?q=recovery%20network")


def test_the_migration_fills_the_search_text_of_existing_meetings(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(base_config(database_url))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(revision="scale11_01")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO groups (id, slug, name, description, topic, timezone, language, visibility, discreet"
                    ", created_at) VALUES (1, 'g', 'Groupe Été', '', 'other', 'UTC', 'en', 'public', false,"
                    " '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO series (id, group_id, uid, kind, title, description, status, access, language,"
                    " timezone, local_start, duration_minutes, sequence, video_provider, created_at, updated_at)"
                    " VALUES (1, 1, 'u1', 'webinar', :title, '', 'published', 'open', 'bn', 'UTC',"
                    " '2027-01-01 10:00:00', 60, 0, 'jitsi', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                ),
                {"title": BENGALI_TITLE},
            )
        upgrade(revision="search_01")
        with db.engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT search_text FROM series WHERE id = 1")).scalar_one()
        assert stored == search_text.for_meeting(BENGALI_TITLE, "Groupe Été")
        assert "groupe ete" in stored
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        dispose_engines()


def test_the_search_text_is_set_by_the_meeting_service(app, frozen_now) -> None:
    group = create_group(name="Grüppe", language="en")
    series = create_series(group, title="Ångström Évening")
    assert db.session.get(Series, series.id).search_text == search_text.for_meeting("Ångström Évening", "Grüppe")
