"""A small network for the API tests: two groups with their organizers, published and draft meetings, and a
participant signed up (so rosters have someone in them)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from scheduler.auth import api_tokens
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings.models import Group, Series
from tests.factories import create_group, create_series, create_user


@dataclass
class Network:
    organizer: User
    other_organizer: User
    group: Group
    other_group: Group
    meeting: Series
    draft: Series
    other_meeting: Series
    write_token: str
    read_token: str
    other_token: str


def token_for(user: User, scope: str = "write", name: str = "test") -> str:
    _row, secret = api_tokens.create(user, name, scope)
    db.session.commit()
    return secret


@pytest.fixture
def network(app: Flask, frozen_now) -> Network:  # type: ignore[no-untyped-def]
    organizer = create_user(email="org@example.org", name="Olga Organizer")
    other = create_user(email="other@example.org", name="Otto Other")
    group = create_group({organizer: "organizer"}, slug="amsterdam", name="Amsterdam recovery")
    other_group = create_group({other: "organizer"}, slug="dhaka", name="Dhaka", timezone="Asia/Dhaka")
    meeting = create_series(group)
    draft = create_series(group, title="Secret draft", status="draft")
    other_meeting = create_series(other_group, title="Dhaka evening", timezone="Asia/Dhaka")
    return Network(
        organizer=organizer,
        other_organizer=other,
        group=group,
        other_group=other_group,
        meeting=meeting,
        draft=draft,
        other_meeting=other_meeting,
        write_token=token_for(organizer, "write"),
        read_token=token_for(organizer, "read"),
        other_token=token_for(other, "write"),
    )


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
