"""Support-group meeting scheduler: the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import Flask

from scheduler import api

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    instance_path = os.environ.get("SCHEDULER_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    # APIFlask is Flask plus the OpenAPI document of the JSON API (scheduler/api/); pages keep their own errors.
    app = APIFlask(
        __name__,
        title="Support meetings scheduler API",
        version="1",
        spec_path=api.SPEC_PATH,
        docs_path=api.DOCS_PATH,
        docs_oauth2_redirect_path=None,
        json_errors=False,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    _configure(app, overrides or {})
    from scheduler.inputs import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added

    from scheduler import errors, i18n, logging_setup, security_headers, web
    from scheduler.extensions import csrf, db, limiter, login_manager, migrate

    logging_setup.init_app(app)
    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    security_headers.init_app(app)

    from scheduler import models, wiring  # noqa: F401 - models registers every table on the metadata
    from scheduler.auth import auth_bp
    from scheduler.cli import register_cli
    from scheduler.counseling.blueprint import counseling_bp
    from scheduler.health.views import health_bp
    from scheduler.integrations.views import integrations_bp
    from scheduler.notifications import dev_views
    from scheduler.notifications.channel_views import channels_bp
    from scheduler.notifications.views import reminders_bp
    from scheduler.participants.blueprint import participants_bp
    from scheduler.personal.blueprint import personal_bp
    from scheduler.public import add_to_calendar, discover  # noqa: F401  (their routes are on public_bp)
    from scheduler.public.feeds import feeds_bp
    from scheduler.public.views import public_bp
    from scheduler.staff.organizer_views import organizer_bp
    from scheduler.staff.views import staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organizer_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(personal_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(integrations_bp)
    app.register_blueprint(channels_bp)
    app.register_blueprint(counseling_bp)
    app.register_blueprint(health_bp)
    from scheduler.api import setup as api_setup
    from scheduler.embed.views import embed_bp

    api_setup.init_app(app)
    app.register_blueprint(embed_bp)
    register_cli(app)
    wiring.init_app()  # who follows meeting changes; how each kind of outbox message is re-checked
    dev_views.init_app(app)
    api_setup.leave_pages_out(app)
    return app


def _configure(app: Flask, overrides: dict[str, Any]) -> None:
    from scheduler.config import INSECURE_DEV_SECRET, DefaultConfig, environment_overrides

    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(environment_overrides(app.config))
    app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'scheduler.sqlite3'}"
    if app.config["ENV_NAME"] == "production":
        secret = app.config.get("SECRET_KEY") or ""
        if secret == INSECURE_DEV_SECRET or len(secret) < 32:
            raise RuntimeError(
                "Refusing to start in production without a real SECRET_KEY (32+ random characters): "
                "set SCHEDULER_SECRET_KEY or SECRET_KEY in instance/config.py."
            )
        if app.config.get("SESSION_COOKIE_SECURE") is None:  # HTTPS in production unless said otherwise
            app.config["SESSION_COOKIE_SECURE"] = True
            app.config["REMEMBER_COOKIE_SECURE"] = True
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A connection the database dropped (restart, failover, idle timeout) is replaced before use, not used.
    options.setdefault("pool_pre_ping", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _tune_sqlite(app: Flask) -> None:
    """The embedded default: WAL (readers and the writer do not block each other), a busy timeout and foreign keys."""
    import sqlalchemy as sa

    from scheduler.db import sqlite_pragmas
    from scheduler.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite" and not sa.event.contains(engine, "connect", sqlite_pragmas):
                sa.event.listen(engine, "connect", sqlite_pragmas)
