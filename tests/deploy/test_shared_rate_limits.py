"""Rate limits hold across web processes when they share Redis (RATELIMIT_STORAGE_URI=redis://…)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import base_config, in_ci

REDIS_URL = os.environ.get("SCHEDULER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent.parent

# One web process: its own app, a few failed sign-ins from the same address; prints the status codes.
CHILD = """
import json, os, sys
from scheduler import create_app
from scheduler.extensions import db
config, attempts = json.loads(sys.argv[1]), int(sys.argv[2])
app = create_app(config)
with app.app_context():
    db.create_all()
client = app.test_client()
codes = [client.post("/login", data={"email": "someone@example.org", "password": "wrong-password"}).status_code
         for _ in range(attempts)]
print(json.dumps(codes), flush=True)
os._exit(0)  # done; under libfaketime (make test-timeshift) interpreter shutdown can wait on a shifted clock
"""


def redis_reachable() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception as error:
        if in_ci():
            raise RuntimeError(f"Redis is required in CI but not reachable at {REDIS_URL}: {error}") from error
        return False


def web_process(config: dict[str, object], attempts: int) -> list[int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(config), str(attempts)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_limit_reached_in_one_process_holds_in_another(tmp_path: Path) -> None:
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set SCHEDULER_TEST_REDIS_URL)")
    config = {
        **base_config(f"sqlite:///{tmp_path / 'limits.sqlite3'}"),
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's own counters
        "LOGIN_RATE_LIMIT": "2 per minute",
    }
    first = web_process(config, attempts=2)
    assert 429 not in first
    assert web_process(config, attempts=1) == [429]  # another process, same address: still limited

    alone = {**config, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_KEY_PREFIX": "alone"}
    assert web_process(alone, attempts=1) != [429]  # without shared storage each process counts alone
