"""Configuration layering, the production secret guard, and migrations that match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from scheduler import create_app
from scheduler.extensions import db
from tests.conftest import base_config, dispose_engines


def test_environment_overrides_defaults_and_instance_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.py").write_text(
        'MAIL_SERVER = "smtp.instance.example"\nMAIL_PORT = 2525\nJITSI_BASE_URL = "https://jitsi.example"\n'
    )
    monkeypatch.setenv("SCHEDULER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SCHEDULER_MAIL_SERVER", "smtp.env.example")
    monkeypatch.setenv("SCHEDULER_MAIL_USE_TLS", "true")
    monkeypatch.setenv("SCHEDULER_OCCURRENCE_HORIZON_DAYS", "120")
    app = create_app({"ENV_NAME": "testing", "JITSI_BASE_URL": "https://override.example"})
    assert app.config["MAIL_SERVER"] == "smtp.env.example"  # environment beats instance/config.py
    assert app.config["MAIL_PORT"] == 2525  # instance/config.py beats the defaults
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["OCCURRENCE_HORIZON_DAYS"] == 120
    assert app.config["JITSI_BASE_URL"] == "https://override.example"  # test overrides beat everything
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"


def test_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCHEDULER_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'other.db'}")
    assert create_app({"ENV_NAME": "testing"}).config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")


@pytest.mark.parametrize("secret", [None, "dev-insecure-change-me", "short"])
def test_production_refuses_to_start_without_a_real_secret(secret: str | None, tmp_path: Path) -> None:
    overrides = {"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"}
    if secret is not None:
        overrides["SECRET_KEY"] = secret
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(overrides)
    app = create_app(overrides | {"SECRET_KEY": "x" * 48})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_migrations_build_the_schema_the_models_describe(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(base_config(database_url))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        inspector = sa.inspect(db.engine)  # autogenerate does not compare CHECK constraints: the statuses' are here
        for table in db.metadata.sorted_tables:
            described = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
            built = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert described <= built, (table.name, described, built)
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()  # leave the shared database as the other tests expect it
        dispose_engines()
