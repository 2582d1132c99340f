"""`make run PORT=5401` serves on 5401 and the links in its emails say :5401 (PUBLIC_BASE_URL follows the port)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from scheduler import create_app


def dry_run(project_root, *args: str, **env: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    environment = {k: v for k, v in os.environ.items() if k != "SCHEDULER_PUBLIC_BASE_URL"} | env
    done = subprocess.run(
        ["make", "-n", "run", *args], cwd=project_root, env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def expanded(line: str, **env: str) -> str:
    """What the shell makes of the base URL the recipe exports."""
    value = line.split("SCHEDULER_PUBLIC_BASE_URL=", 1)[1].split(";", 1)[0].split(" FLASK_APP", 1)[0]
    environment = {k: v for k, v in os.environ.items() if k != "SCHEDULER_PUBLIC_BASE_URL"} | env
    return subprocess.run(["sh", "-c", f"printf %s {value}"], env=environment, capture_output=True, text=True).stdout


def test_the_development_server_links_follow_its_port(project_root):
    out = dry_run(project_root, "PORT=5401")
    assert "--port 5401" in out
    exported = [line for line in out.splitlines() if "SCHEDULER_PUBLIC_BASE_URL=" in line]
    assert len(exported) == 2  # the demo data and the server with its worker
    assert {expanded(line) for line in exported} == {"http://127.0.0.1:5401"}
    assert expanded(exported[-1], SCHEDULER_PUBLIC_BASE_URL="https://meetings.example.org") == (
        "https://meetings.example.org"  # an explicit setting wins
    )


def test_the_environment_sets_the_base_of_links(monkeypatch):
    monkeypatch.setenv("SCHEDULER_PUBLIC_BASE_URL", "http://127.0.0.1:5401")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5401"
