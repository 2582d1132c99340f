"""Shared fixtures: an app on SQLite (default) or on PostgreSQL when SCHEDULER_TEST_DATABASE_URL names one.

`make test` runs the suite on SQLite and again on the local PostgreSQL; in CI (CI=true) a missing
PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bench.servers import postgres_error, temporary_postgres
from scheduler import clock, create_app
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings.models import Group
from tests.factories import create_group, create_user

POSTGRES_URL_ENV = "SCHEDULER_TEST_DATABASE_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_backend() -> bool:
    return bool(os.environ.get(POSTGRES_URL_ENV)) or os.environ.get("SCHEDULER_TEST_BACKEND") == "postgres"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of concurrency on the shared app database run in the PostgreSQL pass; the SQLite pass leaves them out."""
    if postgres_backend():
        return
    kept = [item for item in items if item.get_closest_marker("postgres_backend") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _postgres_admin_url() -> str | None:
    url = os.environ.get("SCHEDULER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    error = postgres_error(url)
    if error is None:
        return url
    if in_ci():
        raise RuntimeError(f"PostgreSQL is required in CI but not reachable at {url}: {error}") from error
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session (skips off CI when there is none)."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set SCHEDULER_TEST_POSTGRES_URL)")
    with temporary_postgres(admin_url, prefix="scheduler_test") as url:
        yield url


def base_config(database_url: str) -> dict[str, object]:
    return {
        "ENV_NAME": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if postgres_backend():
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(base_config(database_url))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        _empty_all_tables()
        dispose_engines()


def dispose_engines() -> None:
    """Close pooled connections now rather than at garbage collection (ResourceWarning otherwise)."""
    for engine in db.engines.values():
        engine.dispose()


def _empty_all_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    """Freezes the application's clock at 2026-11-22 10:00 UTC (a Sunday)."""
    instant = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    with clock.frozen_at(instant):
        yield instant


@pytest.fixture
def organizer(app: Flask, frozen_now: datetime) -> User:
    """An organizer in Dhaka (folders with people of their own define `organizer` and `group` again)."""
    return create_user("organizer", timezone="Asia/Dhaka")


@pytest.fixture
def group(organizer: User) -> Group:
    """A Bengali group in Dhaka run by `organizer`."""
    return create_group({organizer: "organizer"}, timezone="Asia/Dhaka", language="bn")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


# `make test-timeshift` runs the suite under libfaketime, which also shifts the monotonic clock that thread
# waits use; at interpreter shutdown such a wait can then last the shift (a year). With this variable set the
# run ends as soon as pytest has reported, with pytest's own exit status.
_HARD_EXIT_ENV = "SCHEDULER_TEST_EXIT_WHEN_DONE"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_exit_status_key] = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    if os.environ.get(_HARD_EXIT_ENV) == "1" and _exit_status_key in config.stash:
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash[_exit_status_key])


_exit_status_key = pytest.StashKey[int]()
