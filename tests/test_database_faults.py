"""When the database drops connections or is briefly unreachable, people get a calm 503, never a stack trace,
and nothing is half-written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from scheduler.extensions import db
from scheduler.meetings.models import Group
from tests.conftest import postgres_backend
from tests.factories import create_group

TERMINATE_OTHERS = sa.text(
    "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = :d and pid <> pg_backend_pid()"
)


def test_pre_ping_is_on_by_default(app):
    assert db.engine.pool._pre_ping


def test_a_database_error_during_a_request_is_a_503_with_retry_after(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    group = create_group(slug="faulty", name="Before")

    def write_then_lose_the_connection():
        db.session.execute(sa.update(Group).where(Group.id == group.id).values(name="Half-written"))
        raise sa_exc.OperationalError("UPDATE groups", {}, Exception("server closed the connection unexpectedly"))

    app.add_url_rule("/test-only/fault", view_func=write_then_lose_the_connection)
    response = client.get("/test-only/fault")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert "Nothing was changed" in body and "Traceback" not in body and "OperationalError" not in body
    db.session.expire_all()
    assert db.session.get(Group, group.id).name == "Before"


@pytest.mark.postgres_backend
@pytest.mark.skipif(not postgres_backend(), reason="terminating connections needs the PostgreSQL pass")
def test_requests_succeed_after_postgres_drops_every_connection(app, client):
    create_group(slug="still-there")
    assert client.get("/groups/still-there").status_code == 200
    db.session.remove()
    database = db.engine.url.database
    admin = sa.create_engine(db.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(TERMINATE_OTHERS, {"d": database}).scalar()
    admin.dispose()
    assert killed >= 1
    for _ in range(3):
        assert client.get("/groups/still-there").status_code == 200
