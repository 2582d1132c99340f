"""The public API: pages by cursor, ETag/304, CORS, problem+json, and nothing personal anywhere."""

from __future__ import annotations

import json
from datetime import timedelta

from scheduler.extensions import db
from scheduler.meetings.models import Group
from scheduler.meetings.services import cancel_series
from tests.factories import create_group, create_series


def test_sessions_name_their_zone_and_carry_utc_and_local_times(client, network, frozen_now):
    answer = client.get("/api/v1/sessions", query_string={"group": "amsterdam"})
    assert answer.status_code == 200
    first = answer.get_json()["items"][0]
    assert first["timezone"] == "Europe/Amsterdam"
    assert first["start_utc"] == "2026-12-01T18:00:00+00:00"
    assert first["start_local"] == "2026-12-01T19:00+01:00"
    assert first["meeting_id"] == network.meeting.id


def test_a_date_range_bounds_the_sessions(client, network):
    answer = client.get("/api/v1/sessions", query_string={"from": "2026-12-08T00:00:00Z", "to": "2026-12-09T00:00Z"})
    starts = [item["start_utc"] for item in answer.get_json()["items"]]
    assert starts == ["2026-12-08T13:00:00+00:00", "2026-12-08T18:00:00+00:00"]


def test_pages_follow_the_cursor_without_gaps_or_repeats(client, network):
    seen, cursor, pages = [], None, 0
    query = {"from": "2026-11-22T00:00:00+00:00", "to": "2027-01-31T00:00:00+00:00", "limit": 3}
    while True:
        page = client.get("/api/v1/sessions", query_string={**query, **({"cursor": cursor} if cursor else {})})
        data = page.get_json()
        seen += [item["id"] for item in data["items"]]
        pages += 1
        cursor = data["next_cursor"]
        if cursor is None:
            break
    everything = client.get("/api/v1/sessions", query_string={**query, "limit": 100}).get_json()["items"]
    assert seen == [item["id"] for item in everything]
    assert len(seen) == len(set(seen)) > 6 and pages == -(-len(seen) // 3)


def test_a_cursor_that_was_not_handed_out_is_a_problem(client, network):
    answer = client.get("/api/v1/meetings", query_string={"cursor": "not-ours"})
    assert answer.status_code == 400
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["errors"] == {"cursor": [answer.get_json()["detail"]]}


def test_bad_query_values_are_listed_field_by_field(client, network):
    answer = client.get("/api/v1/sessions", query_string={"from": "yesterday", "limit": "0"})
    assert answer.status_code == 422
    problem = answer.get_json()
    assert answer.mimetype == "application/problem+json"
    assert set(problem["errors"]) == {"from", "limit"}
    assert "from" in problem["detail"] and "limit" in problem["detail"]
    typo = client.get("/api/v1/sessions", query_string={"form": "2026-12-08T00:00Z"})
    assert typo.status_code == 422 and set(typo.get_json()["errors"]) == {"form"}
    wrong_order = client.get("/api/v1/sessions", query_string={"from": "2026-12-08T00:00Z", "to": "2026-12-01T00:00Z"})
    assert wrong_order.status_code == 400 and "to" in wrong_order.get_json()["errors"]


def test_unknown_paths_and_methods_answer_problem_json(client, network):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.get_json()["detail"]
    wrong_method = client.delete("/api/v1/groups")
    assert wrong_method.status_code == 405 and wrong_method.mimetype == "application/problem+json"
    assert "GET" in wrong_method.headers["Allow"]
    no_meeting = client.get("/api/v1/meetings/999999")
    assert no_meeting.status_code == 404 and no_meeting.mimetype == "application/problem+json"


def test_drafts_are_not_public(client, network):
    assert client.get(f"/api/v1/meetings/{network.draft.id}").status_code == 404
    titles = [m["title"] for m in client.get("/api/v1/meetings").get_json()["items"]]
    assert "Secret draft" not in titles and "Tuesday evening group" in titles


def test_etag_and_304_until_something_changes(client, network):
    first = client.get("/api/v1/meetings")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/meetings", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    network.meeting.title = "Renamed"
    db.session.commit()
    changed = client.get("/api/v1/meetings", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_public_reads_allow_any_origin_but_staff_and_signups_do_not(client, network):
    read = client.get("/api/v1/groups", headers={"Origin": "https://elsewhere.example"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/groups",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Headers": "if-none-match"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    staff = client.get("/api/v1/staff/groups", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in staff.headers
    signup = client.post(
        f"/api/v1/meetings/{network.meeting.id}/rsvps", json={}, headers={"Origin": "https://x.example"}
    )
    assert "Access-Control-Allow-Origin" not in signup.headers


def test_no_personal_data_or_join_link_in_any_public_answer(client, network, app):
    group: Group = network.group
    group.helpline = "Helpline 0800-123"
    network.meeting.video_provider = "custom"
    network.meeting.video_custom_url = "https://zoom.example/j/secret-room"
    network.meeting.host_id = network.organizer.id
    db.session.commit()
    client.post(
        f"/api/v1/meetings/{network.meeting.id}/rsvps",
        json={"email": "pat@example.org", "display_name": "Pat Participant", "timezone": "Europe/Amsterdam"},
    )
    cancelled = create_series(group, title="Cancelled one")
    cancel_series(cancelled, "The counselor Olga is ill")
    db.session.commit()
    unlisted = create_group(slug="quiet", visibility="unlisted")
    create_series(unlisted, title="Quiet meeting")
    bodies = []
    for path in (
        "/api/v1/groups",
        "/api/v1/groups/amsterdam",
        "/api/v1/groups/amsterdam/meetings",
        "/api/v1/meetings",
        f"/api/v1/meetings/{network.meeting.id}",
        f"/api/v1/meetings/{cancelled.id}",
        "/api/v1/sessions?to=2027-02-01T00:00Z",
        "/api/v1/sessions?group=amsterdam",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        bodies.append(json.dumps(answer.get_json()))
    text = "\n".join(bodies)
    for secret in (
        "org@example.org",
        "Olga",
        "Organizer",
        "pat@example.org",
        "Pat Participant",
        "zoom.example",
        "secret-room",
        "jit.si",
        "Secret draft",
        "is ill",
        "Quiet meeting",
        "/join",
    ):
        assert secret not in text, secret
    assert "Helpline 0800-123" in text  # what the group publishes is public


def test_the_openapi_document_is_3_1_and_valid(client, network):
    # The official OpenAPI 3.1 schema (JSON Schema 2020-12), as schemathesis ships it.
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    answer = client.get("/api/openapi.json")
    spec = answer.get_json()
    assert spec["openapi"].startswith("3.1")
    errors = [str(error) for error in OPENAPI_31_VALIDATOR.iter_errors(spec)]
    assert errors == []
    assert "/api/v1/staff/meetings/{meeting_id}" in spec["paths"]
    assert spec["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


def test_the_browsable_docs_load(client, network):
    answer = client.get("/api/docs")
    assert answer.status_code == 200 and b"swagger" in answer.data.lower()
    assert "cdn.jsdelivr.net" in answer.headers["Content-Security-Policy"]


def test_sessions_range_is_bounded(client, network, frozen_now):
    too_long = client.get(
        "/api/v1/sessions",
        query_string={"from": frozen_now.isoformat(), "to": (frozen_now + timedelta(days=200)).isoformat()},
    )
    assert too_long.status_code == 400


def test_problem_details_are_in_the_visitor_s_language(client, network):
    answer = client.get("/api/v1/sessions", query_string={"limit": "0"}, headers={"Accept-Language": "nl"})
    problem = answer.get_json()
    assert problem["detail"] == "Sommige velden zijn niet geldig: limit."
    assert problem["errors"] == {"limit": ["Moet van 1 tot 100 zijn."]}


def test_a_server_error_under_api_is_a_problem_not_a_page(client, network, app, monkeypatch):
    from scheduler.api import reads

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(reads, "groups", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    answer = client.get("/api/v1/groups")
    assert answer.status_code == 500 and answer.mimetype == "application/problem+json"
    assert "a bug" not in answer.get_data(as_text=True)
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_an_unchanged_read_is_answered_304_without_querying_the_data(client, network, app):
    import sqlalchemy as sa

    tag = client.get("/api/v1/sessions?group=amsterdam").headers["ETag"]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        again = client.get("/api/v1/sessions?group=amsterdam", headers={"If-None-Match": tag})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert again.status_code == 304
    assert len(statements) == 1 and "change_counters" in statements[0]
    assert client.get("/api/v1/sessions?group=dhaka", headers={"If-None-Match": tag}).status_code == 200
