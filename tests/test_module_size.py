"""Small modules with one job: no module of the app is over 400 lines."""

from __future__ import annotations

from pathlib import Path

LIMIT = 400
ROOT = Path(__file__).resolve().parent.parent / "scheduler"


def test_no_module_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT.parent)): lines
        for path in sorted(ROOT.rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > LIMIT
    }
    assert too_long == {}
