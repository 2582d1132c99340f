"""Schemathesis against a live local server: every operation of the OpenAPI document, with generated valid and
invalid requests, with no token and with a write token. No answer may be a 5xx or break the document's schemas
(status codes, content types, headers, bodies). A bounded number of examples keeps it under a minute.

Left out: schemathesis' "schema-valid request accepted" check. Rules that no schema states answer schema-valid
requests with a documented 400/422 on purpose: a cursor this API did not hand out, a session that is not open
for sign-ups, a local time that a daylight-saving change skips, `to` before `from`."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from scheduler import create_app
from scheduler.auth import api_tokens
from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from tests.conftest import base_config
from tests.factories import create_group, create_series, create_user

# CI runs a fixed, small set; `SCHEDULER_API_EXAMPLES=50 SCHEDULER_API_RANDOM=1` digs deeper by hand.
EXAMPLES = settings(
    max_examples=int(os.environ.get("SCHEDULER_API_EXAMPLES", "10")),
    deadline=None,
    derandomize=not os.environ.get("SCHEDULER_API_RANDOM"),
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class LiveApi:
    url: str
    token: str


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    from werkzeug.serving import make_server

    app = create_app(base_config(f"sqlite:///{tmp_path_factory.mktemp('api-db') / 'api.sqlite3'}"))
    with app.app_context():
        db.create_all()
        organizer = create_user("organizer", email="org@example.org")
        group = create_group({organizer: "organizer"}, slug="amsterdam")
        start = datetime.now(UTC).date() + timedelta(days=2)
        create_series(group, start_date=start, start_time=time(19, 0), rule=RecurrenceRule("weekly", count=6))
        create_series(create_group(slug="dhaka", timezone="Asia/Dhaka"), start_date=start, timezone="Asia/Dhaka")
        _row, secret = api_tokens.create(organizer, "schemathesis", "write")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-live-server", daemon=True)
    thread.start()
    try:
        yield LiveApi(url=f"http://127.0.0.1:{server.port}", token=secret)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def run_every_operation(live_api: LiveApi, headers: dict[str, str]) -> int:
    """Each operation, valid then invalid requests (schemathesis' own strategies, driven by Hypothesis here:
    its lazy pytest fixture loader does not work with this pytest). Raises on the first broken check."""
    api = schemathesis.openapi.from_url(f"{live_api.url}/api/openapi.json")
    operations = 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @EXAMPLES
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

            try:
                check()
            except Unsatisfiable:  # nothing invalid to send (e.g. a path that takes any string)
                assert mode == GenerationMode.NEGATIVE, operation.label
    return operations


def test_without_a_token(live_api: LiveApi) -> None:
    assert run_every_operation(live_api, {}) >= 16


def test_with_a_write_token(live_api: LiveApi) -> None:
    assert run_every_operation(live_api, {"Authorization": f"Bearer {live_api.token}"}) >= 16
