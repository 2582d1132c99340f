"""Mails that read well: the moved-session mail says the new and the old time on their own lines, without nested
parentheses, each as the person's time and the meeting city's time ('… (your time) · 19:00 in Amsterdam')."""

from __future__ import annotations

from datetime import datetime

from scheduler.extensions import db
from scheduler.meetings import services as meetings
from tests.participants.conftest import join_up, last_mail, occurrences


def deepest_parentheses(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def test_the_moved_session_mail_reads_well(client, weekly):
    join_up(client, weekly, "sky@example.org", "Sky", timezone="Asia/Dhaka")
    meetings.move_occurrence(occurrences(weekly)[1], datetime(2026, 12, 8, 21, 0))
    db.session.commit()
    mail = last_mail("sky@example.org", "session_moved")
    lines = mail.text.splitlines()
    new = next(line for line in lines if line.startswith("New time: "))
    old = next(line for line in lines if line.startswith("It was: "))
    assert new == (
        "New time: Wednesday, December 9, 2026, 2:00\u202fAM (your time) · Tuesday, December 8, 2026, 9:00\u202fPM"
        " in Amsterdam"
    )
    assert old == (
        "It was: Wednesday, December 9, 2026, 12:00\u202fAM (your time) · Tuesday, December 8, 2026, 7:00\u202fPM"
        " in Amsterdam"
    )
    assert deepest_parentheses(mail.text) <= 1 and deepest_parentheses(mail.html) <= 1
