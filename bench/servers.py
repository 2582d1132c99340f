"""Databases and gunicorn servers for the benchmark: made fresh, always cleaned up."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-key-that-is-long-enough-1234567"  # noqa: S105 - a throwaway server on loopback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_error(url: str) -> Exception | None:
    """Why the PostgreSQL server at `url` cannot be used, or None when it answers (benchmarks and tests)."""
    try:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as error:
        return error


def postgres_available() -> bool:
    return postgres_error(POSTGRES_ADMIN_URL) is None


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, empty database: a SQLite file in a temporary folder or a PostgreSQL database created and dropped."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="scheduler-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    with temporary_postgres(POSTGRES_ADMIN_URL) as url:
        yield url


@contextmanager
def temporary_postgres(admin_url: str, prefix: str = "scheduler_bench") -> Iterator[str]:
    """A PostgreSQL database created through `admin_url` for as long as the block runs, then dropped (also when
    connections are still open). The one helper for benchmarks and tests (`tests/conftest.py`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_overrides(database_url: str) -> dict[str, object]:
    return {
        "ENV_NAME": "development",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,  # the benchmark is one address sending thousands of sign-ups
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    }


@contextmanager
def gunicorn(target: str, env: dict[str, str], *, workers: int = 2, ready_path: str = "/") -> Iterator[str]:
    """Serves `target` (module:app) with the deployment's gunicorn config on a free loopback port."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        GUNICORN,
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        target,
    ]
    full_env = {**os.environ, **env, "GUNICORN_ACCESS_LOG": "", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=full_env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    _LOGS[base] = Path(log.name)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(base + ready_path, timeout=30) as answer:  # noqa: S310
                    if answer.status < 500:
                        break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        _LOGS.pop(base, None)
        Path(log.name).unlink(missing_ok=True)


_LOGS: dict[str, Path] = {}


def log_tail(base: str, chars: int = 2000) -> str:
    """The end of a running server's log (errors only are logged: the access log is off)."""
    path = _LOGS.get(base)
    return path.read_text(errors="replace")[-chars:] if path else ""


def app_env(database_url: str) -> dict[str, str]:
    return {"BENCH_APP_OVERRIDES": json.dumps(app_overrides(database_url))}
