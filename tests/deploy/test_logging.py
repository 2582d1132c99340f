"""Structured logs (LOG_FORMAT=json) for log shippers, and never a participant's address or personal link."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler import create_app
from scheduler.logging_setup import JsonLinesFormatter
from tests.conftest import base_config


@pytest.fixture
def restored_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers = [(h, h.formatter) for h in root.handlers]
    level = root.level
    yield
    for handler in list(root.handlers):
        if handler not in dict(handlers):
            root.removeHandler(handler)
    for handler, formatter in handlers:
        handler.setFormatter(formatter)
    root.setLevel(level)


def test_json_lines_carry_no_personal_data(
    tmp_path: Path, restored_root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app({**base_config(f"sqlite:///{tmp_path / 'x.sqlite3'}"), "LOG_FORMAT": "json"})
    assert any(isinstance(h.formatter, JsonLinesFormatter) for h in logging.getLogger().handlers)

    logging.getLogger("scheduler.worker").info(
        "sent to %s via /manage/%s?x=1", "someone@example.org", "Zx9-secret-token_value"
    )
    try:
        raise ValueError("bad value for person@example.org")
    except ValueError:
        app.logger.exception("failed")

    output = capsys.readouterr().err
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines[0]["level"] == "info" and lines[0]["logger"] == "scheduler.worker"
    assert lines[0]["message"] == "sent to <email> via /manage/<redacted>?x=1"
    assert lines[0]["time"].endswith("+00:00")
    assert lines[1]["error"] == "ValueError" and "person@example.org" not in lines[1]["trace"]
    assert "example.org" not in output and "secret-token" not in output
