"""The application asks `scheduler.clock` for the time, so a frozen clock freezes all of it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "scheduler"
CLOCK = ROOT / "clock.py"
# Calls that read the machine's wall clock: receiver name -> attributes.
WALL_CLOCK_CALLS = {
    "datetime": {"now", "utcnow", "today"},
    "date": {"today"},
    "time": {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"},
}
WALL_CLOCK_IMPORTS = {("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
            if node.func.attr in WALL_CLOCK_CALLS.get(name or "", ()):
                if name == "time" and node.func.attr == "strftime" and len(node.args) > 1:
                    continue  # time.strftime(fmt, tuple) formats a given time
                found.append((node.lineno, f"{name}.{node.func.attr}()"))
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [
                (node.lineno, f"from time import {a.name}")
                for a in node.names
                if ("time", a.name) in WALL_CLOCK_IMPORTS
            ]
    return found


def test_the_detector_finds_every_spelling():
    source = (
        "import datetime as dt\nfrom datetime import date, datetime\nimport time\nfrom time import time_ns\n"
        "a = datetime.now(UTC)\nb = dt.datetime.utcnow()\nc = date.today()\nd = time.time()\ne = dt.date.today()\n"
        "f = datetime.now()\ng = time.strftime('%Y', struct)\n"
    )
    lines = [line for line, _ in wall_clock_reads(source)]
    assert sorted(lines) == [4, 5, 6, 7, 8, 9, 10]


def test_application_code_reads_the_time_only_through_scheduler_clock():
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}: {call}"
        for path in sorted(ROOT.rglob("*.py"))
        if path != CLOCK
        for line, call in wall_clock_reads(path.read_text())
    ]
    assert not offenders, "use scheduler.clock.now() instead:\n" + "\n".join(offenders)
