"""Property-based fuzzing of every route in the app's URL map: no input, signed in or not, answers a 5xx.

For each route and method, hypothesis builds URL arguments (valid ids and tokens of seeded data, and hostile
values: huge and negative numbers, control characters, long strings, other scripts), a query string and a form
from the names of every field of every form in the app, with values of every shape. CSRF is off here so the
forms are really processed (a missing token is checked separately). SCHEDULER_FUZZ_EXAMPLES raises the
number of examples per route (CI runs the default).
"""

from __future__ import annotations

import os
from collections import Counter
from urllib.parse import quote

import pytest
import sqlalchemy as sa
import wtforms as wtf
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from scheduler.extensions import db
from scheduler.forms_base import BaseForm, SubForm
from scheduler.meetings.models import Occurrence
from tests.factories import PASSWORD, create_group, create_series, create_user
from tests.participants.conftest import join_up

EXAMPLES = int(os.environ.get("SCHEDULER_FUZZ_EXAMPLES", "12"))
SKIPPED_ENDPOINTS = {"static"}
# The health check says 503 when no worker has recorded a heartbeat: that is its answer, not an error.
EXPECTED_5XX = {"/healthz": 503}
TALLY: Counter[str] = Counter()

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            str(2**31),
            str(2**63),
            "9" * 40,
            "1e309",
            "NaN",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "24:61",
            "Asia/Dhaka",
            "Not/AZone",
            "../../etc/passwd",
            "\x00",
            "a\r\nBcc: x@example.org",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "অনিতা",
            "x" * 5000,
            "//evil.example",
            "javascript:alert(1)",
        ]
    ),
)


def _forms() -> list[type]:
    found, pending = [], [BaseForm, SubForm]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        found.append(form)
    return found


def _field_kinds() -> dict[str, set[str]]:
    """Every field name of every form, with the kinds of value it takes (a name can be a date in one form)."""
    kinds: dict[str, set[str]] = {}
    for form in _forms():
        for name, value in vars(form).items():
            if isinstance(value, UnboundField):
                kinds.setdefault(name, set()).add(_kind(value.field_class))
    for name in ("next", "tz", "lang", "session", "status", "days", "from", "q", "page"):
        kinds.setdefault(name, set()).add("text")
    return kinds


def _kind(field_class: type) -> str:
    for base, kind in ((wtf.DateField, "date"), (wtf.IntegerField, "int"), (wtf.TimeField, "time")):
        if issubclass(field_class, base):
            return kind
    if issubclass(field_class, (wtf.SelectField, wtf.SelectMultipleField, wtf.RadioField)):
        return "choice"
    return "text"


EDGE_VALUES = {
    "date": ["9999-12-31", "0001-01-01", "1969-12-31", "2100-01-01", "2026-02-30", "2026-13-01", "", "x"],
    "int": ["0", "-1", str(2**31), str(2**63), "9" * 40, "", "1.5", "-99999999999"],
    "time": ["24:00", "23:60", "00:00", "", "x", "02:30"],
    "choice": ["", "x", "0", "999999", str(2**63), "-1"],
    "text": [],
}


TEXT_EDGES = {"", " ", "a\r\nBcc: x@example.org", "\x00", "x" * 5000, "অনিতা"}


def _baselines_for_sweep() -> list[str]:
    return [
        "organizer.series_new",
        "organizer.series_preview",
        "organizer.series_edit",
        "organizer.occurrence_move",
        "organizer.occurrence_split",
        "participants.rsvp",
    ]


def _known_arguments(rule, seeded: dict) -> list[dict[str, object]]:
    """The seeded row each argument names (group_id -> the group, series_id -> the meeting, ...)."""
    return [{name: seeded["by_argument"][name] for name in rule.arguments}]


def _value_for(kinds: set[str]) -> st.SearchStrategy[str]:
    edges = sorted({value for kind in kinds for value in EDGE_VALUES[kind]})
    return st.one_of(st.sampled_from(edges), HOSTILE_TEXT) if edges else HOSTILE_TEXT


@pytest.fixture
def seeded(app: Flask, client, frozen_now):
    """A group with a meeting, a signed-up participant (their manage token) and an admin."""
    admin = create_user("admin", email="fuzz-admin@example.org")
    group = create_group({admin: "organizer"}, slug="fuzz-group", timezone="Asia/Dhaka")
    series = create_series(group)
    manage = join_up(client, series, "fuzz-sky@example.org")
    token = manage.rstrip("/").split("/")[2] if manage.startswith("/manage/") else "x"
    occurrence = db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id)).first()
    return {
        "ids": [admin.id, group.id, series.id, occurrence.id],
        "tokens": [token],
        "slugs": [group.slug],
        "by_argument": {"group_id": group.id, "series_id": series.id, "occurrence_id": occurrence.id},
    }


def _routes(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((rule.rule, method))
    return found


def _argument(name: str, converter: str, seeded: dict) -> st.SearchStrategy[str]:
    if converter == "IntegerConverter" or converter == "IdConverter":
        return st.one_of(
            st.sampled_from([str(i) for i in seeded["ids"]]),
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
        )
    known = seeded["tokens"] if "token" in name else seeded["slugs"]
    return st.one_of(st.sampled_from(known), HOSTILE_TEXT.filter(lambda s: "/" not in s and s not in ("", ".", "..")))


def _known(name: str, converter: str, seeded: dict) -> st.SearchStrategy[str]:
    if converter in ("IntegerConverter", "IdConverter"):
        return st.sampled_from([str(i) for i in seeded["ids"]])
    return st.sampled_from(seeded["tokens"] if "token" in name else seeded["slugs"])


def _path(rule, seeded: dict, known_only: bool = False) -> st.SearchStrategy[str]:
    parts = []
    for is_dynamic, piece in rule._trace:
        if not is_dynamic:
            parts.append(st.just(piece))
        elif piece == "|":
            continue
        else:
            converter = type(rule._converters[piece]).__name__
            argument = _known(piece, converter, seeded) if known_only else _argument(piece, converter, seeded)
            parts.append(argument.map(lambda s: quote(s, safe="")))
    return st.tuples(*parts).map("".join)


def _baselines(seeded: dict) -> dict[str, dict[str, str]]:
    """Valid forms for the routes whose deeper code only runs once every other field is right."""
    from tests.meetings.test_organizer_views import meeting_form
    from tests.participants.conftest import form as sign_up_form

    return {
        "organizer.series_new": meeting_form(),
        "organizer.series_preview": meeting_form(),
        "organizer.series_edit": meeting_form(),
        "organizer.occurrence_move": {"date": "2026-12-08", "time": "21:00", "duration_minutes": "60"},
        "organizer.occurrence_split": meeting_form(),
        "participants.rsvp": sign_up_form("fuzz-new@example.org", "Sky"),
    }


def _requests(endpoint: str, seeded: dict) -> st.SearchStrategy[dict[str, str]]:
    """A valid form (where one is known) with up to three fields replaced, or a form of random fields."""
    kinds = _field_kinds()
    random_form = st.dictionaries(st.sampled_from(sorted(kinds)), HOSTILE_TEXT, max_size=8)
    base = _baselines(seeded).get(endpoint)
    if base is None:
        return random_form
    fields = sorted(base)
    tweaks = st.lists(
        st.sampled_from(fields).flatmap(lambda f: st.tuples(st.just(f), _value_for(kinds.get(f, {"text"})))),
        min_size=1,
        max_size=3,
    ).map(dict)
    return st.one_of(
        tweaks.map(lambda changed: base | changed), tweaks.map(lambda changed: base | changed), random_form
    )


Forms = st.SearchStrategy[dict[str, str]]


def _fuzzer(client, method: str, paths: st.SearchStrategy[str], data: Forms, examples: int):
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=paths, query=data, form=data)
    def one_request(path: str, query: dict[str, str], form: dict[str, str]) -> None:
        TALLY["requests"] += 1
        if method == "GET":
            response = client.get(path, query_string=query)
        else:
            response = client.post(path, query_string=query, data=form)
        response.close()
        expected = EXPECTED_5XX.get(path.split("?", 1)[0])
        assert response.status_code < 500 or response.status_code == expected, (
            f"{method} {path} {query} {form} -> {response.status_code}"
        )

    return one_request


@pytest.mark.slow
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "staff"])
def test_no_route_answers_a_5xx(app, client, seeded, signed_in):
    rules = {r.rule: r for r in app.url_map.iter_rules()}
    failures: list[str] = []
    for rule_text, method in _routes(app):
        rule = rules[rule_text]
        if signed_in:  # again for every route: an earlier one may have been /logout
            response = client.post("/login", data={"email": "fuzz-admin@example.org", "password": PASSWORD})
            assert response.status_code == 302, "the fuzzed requests must not lock the admin out"
        path_strategy = _path(rule, seeded).map(lambda p: p.split("|", 1)[-1])
        data_strategy = _requests(rule.endpoint, seeded)

        deep = rule.endpoint in _baselines(seeded) and method == "POST"
        if deep:
            path_strategy = _path(rule, seeded, known_only=True).map(lambda p: p.split("|", 1)[-1])
        one_request = _fuzzer(client, method, path_strategy, data_strategy, EXAMPLES * (6 if deep else 1))
        try:
            one_request()
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    print(f"\nfuzzed {TALLY['requests']} requests over {len(_routes(app))} route methods")
    assert not failures, "\n".join(failures)


def test_every_post_without_a_csrf_token_is_a_400_never_a_5xx(app, client, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    for rule_text, method in _routes(app):
        if method != "POST" or "<" in rule_text:
            continue
        response = client.post(rule_text, data={"title": "x"})
        assert response.status_code < 500, rule_text


@pytest.mark.parametrize("endpoint", sorted(_baselines_for_sweep()))
def test_every_field_at_its_edges_in_an_otherwise_valid_form(app, client, seeded, endpoint):
    """One field at a time at each edge of its kind, the rest valid: the deep code sees every edge value."""
    client.post("/login", data={"email": "fuzz-admin@example.org", "password": PASSWORD})
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    kinds = _field_kinds()
    base = _baselines(seeded)[endpoint]
    sent = 0
    for argument_values in _known_arguments(rule, seeded):
        path = rule.build(argument_values, append_unknown=False)[1]
        for field in sorted(base):
            for value in sorted({v for kind in kinds.get(field, {"text"}) for v in EDGE_VALUES[kind]} | TEXT_EDGES):
                response = client.post(path, data=base | {field: value})
                response.close()
                sent += 1
                assert response.status_code < 500, f"POST {path} {field}={value!r} -> {response.status_code}"
    TALLY["requests"] += sent
    assert sent > len(base)
