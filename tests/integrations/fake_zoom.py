"""A local stand-in for Zoom's OAuth and REST v2 endpoints that checks what Zoom checks.

Every request is validated (paths, Basic auth on the token call, Bearer on API calls, JSON field types);
anything Zoom would reject is recorded in `problems` and answered 400 code 300, so tests assert
`fake.problems == []`.
"""

from __future__ import annotations

import json
import re
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug import Request, Response

ACCOUNT_ID = "acct-Zx81"
CLIENT_ID = "cid-Qw3rty"
CLIENT_SECRET = "csecret-s3cr3t-value-9f8e7d"
START_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
PASSWORD_RE = re.compile(r"[A-Za-z0-9@\-_*]{1,10}")
WEEKLY_DAYS_RE = re.compile(r"[1-7](,[1-7])*")
INTERVAL_LIMITS = {1: 90, 2: 12, 3: 3}


@dataclass
class Fault:
    method: str
    path_re: re.Pattern[str]
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]
    times: int
    after: str | None = None  # "status": do the work, then answer `status`; "drop": do it, then hang up


LIST_MAX_PAGE_SIZE = 300
LISTED_AGENDA_MAX = 250  # Zoom truncates agendas in meeting lists


def _json(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Response:
    text = "" if body is None else json.dumps(body)
    return Response(text, status=status, headers=headers or {}, content_type="application/json")


class FakeZoom:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.calls: list[tuple[str, str, dict[str, str], Any]] = []
        self.token_calls = 0
        self.valid_tokens: set[str] = set()
        self.issued_tokens: list[str] = []
        self.expires_in = 3600
        self.webinar_plan = True
        self.meetings: dict[str, dict[str, Any]] = {}
        self.next_id = 85746065432  # beyond 32 bits, as Zoom's ids are
        self.faults: list[Fault] = []
        self.delays: dict[str, float] = {}  # method -> seconds to stall before answering
        self.list_page_cap = LIST_MAX_PAGE_SIZE  # lower it to make lists span several pages
        self.lost_answers = 0  # requests carried out whose answer the client never got

    # --- test controls ---------------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        self.faults.append(Fault(method, re.compile(path), status, body, headers or {}, times))

    def lose_answer(self, method: str, path: str, how: str = "status", status: int = 504, times: int = 1) -> None:
        """Zoom carries the request out, but the answer is lost: `how` is "status" (a gateway error such as
        504 after the work was done) or "drop" (the connection is closed without an answer). A read timeout
        is `delays` longer than the client's timeout."""
        body = {"code": status, "message": "Gateway Timeout"}
        self.faults.append(Fault(method, re.compile(path), status, body, {}, times, after=how))

    def meetings_of(self, host: str, ref: str | None = None) -> list[dict[str, Any]]:
        """The meetings and webinars on `host`'s list (those whose agenda carries `ref`, when given)."""
        return [
            m for m in self.meetings.values() if m["host_email"] == host and (ref is None or f"[{ref}]" in m["agenda"])
        ]

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    def api_calls(self, method: str | None = None) -> list[tuple[str, str, dict[str, str], Any]]:
        return [c for c in self.calls if method is None or c[0] == method]

    def start_urls(self) -> list[str]:
        return [m["start_url"] for m in self.meetings.values()]

    # --- dispatch --------------------------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        if request.path == "/oauth/token":
            return self._token(request)
        if not request.path.startswith("/v2/"):
            self.problems.append(f"unknown path {request.path}")
            return _json(404, {"code": 404, "message": "Not found"})
        body = None
        if request.data:
            if request.mimetype != "application/json":
                self.problems.append(f"{request.method} {request.path}: body is not JSON")
            body = json.loads(request.data)
        self.calls.append((request.method, request.path, dict(request.args), body))
        if request.method in self.delays:
            time.sleep(self.delays[request.method])
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            self.problems.append(f"{request.method} {request.path}: no Bearer token")
            return _json(401, {"code": 124, "message": "Invalid access token."})
        after = None
        for fault in self.faults:
            if fault.times > 0 and fault.method == request.method and fault.path_re.fullmatch(request.path):
                fault.times -= 1
                if fault.after is None:
                    return _json(fault.status, fault.body, fault.headers)
                after = fault
                break
        if auth.removeprefix("Bearer ") not in self.valid_tokens:
            return _json(401, {"code": 124, "message": "Access token is expired."})
        response = self._route(request, body)
        if after is None:
            return response
        self.lost_answers += 1
        if after.after == "drop":
            connection = request.environ["werkzeug.socket"]
            connection.shutdown(socket.SHUT_RDWR)
            return Response(status=204)  # never reaches the client
        return _json(after.status, after.body, after.headers)

    def _token(self, request: Request) -> Response:
        self.token_calls += 1
        auth = request.authorization
        if request.method != "POST" or auth is None or auth.type != "basic":
            self.problems.append("token call without POST + Basic auth")
        elif (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
            return _json(400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
        form = request.form
        if form.get("grant_type") != "account_credentials" or form.get("account_id") != ACCOUNT_ID:
            self.problems.append(f"bad token form {sorted(form)}")
            return _json(400, {"reason": "unsupported grant type", "error": "unsupported_grant_type"})
        token = f"eyJzoomTOKEN{self.token_calls:04d}.abc"
        self.valid_tokens.add(token)
        self.issued_tokens.append(token)
        scope = "meeting:write:admin meeting:read:admin webinar:write:admin"
        return _json(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.expires_in,
                "scope": scope,
                "api_url": "https://api.zoom.us",
            },
        )

    def _route(self, request: Request, body: Any) -> Response:
        method, path = request.method, request.path
        if m := re.fullmatch(r"/v2/users/([^/]+)/(meetings|webinars)", path):
            if method == "GET":
                return self._list(m.group(1), m.group(2), request.args)
            if method != "POST":
                return _json(405)
            webinar = m.group(2) == "webinars"
            if webinar and not self.webinar_plan:
                return _json(
                    400,
                    {
                        "code": 200,
                        "message": "Webinar plan is missing. You must subscribe "
                        "to the webinar plan and enable webinar for this user.",
                    },
                )
            return self._create(m.group(1), body, webinar)
        if m := re.fullmatch(r"/v2/webinars/(\d+)/panelists", path):
            return self._panelists(m.group(1), body)
        if m := re.fullmatch(r"/v2/(meetings|webinars)/(\d+)", path):
            meeting = self.meetings.get(m.group(2))
            if meeting is None:
                return _json(404, {"code": 3001, "message": f"Meeting does not exist: {m.group(2)}."})
            if method == "GET":
                return _json(200, meeting)
            if method == "DELETE":
                occurrence_id = request.args.get("occurrence_id")
                if occurrence_id is None:
                    del self.meetings[m.group(2)]
                    return _json(204)
                for occurrence in meeting.get("occurrences", []):
                    if occurrence["occurrence_id"] == occurrence_id:
                        occurrence["status"] = "deleted"
                        return _json(204)
                self.problems.append(f"DELETE of unknown occurrence {occurrence_id}")
                return _json(404, {"code": 3001, "message": "Meeting does not exist."})
            if method == "PATCH":
                return self._patch(meeting, request.args.get("occurrence_id"), body)
        self.problems.append(f"unexpected {method} {path}")
        return _json(404, {"code": 404, "message": "Not found"})

    # --- validation ------------------------------------------------------------------------------------
    def _check(self, cond: bool, what: str) -> None:
        if not cond:
            self.problems.append(what)

    def _validate(self, body: Any, webinar: bool, partial: bool = False) -> None:
        c = self._check
        if not isinstance(body, dict):
            c(False, "body is not an object")
            return
        allowed_types = {5, 6, 9} if webinar else {2, 3, 8}
        for key in ("topic", "type", "start_time", "timezone", "duration", "password", "settings"):
            c(partial or key in body, f"missing {key}")
        c(type(body.get("type", 2 if not webinar else 5)) is int, "type not int")
        c(body.get("type", min(allowed_types)) in allowed_types, f"type {body.get('type')} not allowed")
        if "topic" in body:
            c(isinstance(body["topic"], str) and 0 < len(body["topic"]) <= 200, "bad topic")
        if "start_time" in body:
            c(
                isinstance(body["start_time"], str) and bool(START_TIME_RE.fullmatch(body["start_time"])),
                f"bad start_time {body['start_time']!r}",
            )
            c(isinstance(body.get("timezone"), str), "start_time without timezone")
        if "timezone" in body:
            ZoneInfo(body["timezone"])
        if "duration" in body:
            c(type(body["duration"]) is int and body["duration"] > 0, "bad duration")
        if "agenda" in body:
            c(isinstance(body["agenda"], str) and len(body["agenda"]) <= 2000, "bad agenda")
        if "password" in body:
            c(
                isinstance(body["password"], str) and bool(PASSWORD_RE.fullmatch(body["password"])),
                "bad password",
            )
        if "settings" in body:
            self._validate_settings(body["settings"], webinar)
        if body.get("type") in (8, 9):
            self._validate_recurrence(body.get("recurrence"))
        elif "recurrence" in body:
            c(False, f"recurrence sent with type {body.get('type')}")

    def _validate_settings(self, s: Any, webinar: bool) -> None:
        c = self._check
        c(isinstance(s, dict), "settings not an object")
        c(s.get("approval_type") == 2 and type(s.get("approval_type")) is int, "approval_type")
        c(s.get("auto_recording") == "none", "auto_recording")
        c(isinstance(s.get("alternative_hosts", ""), str), "alternative_hosts not a string")
        if not webinar:
            c(s.get("waiting_room") is True, "waiting_room")
            c(s.get("join_before_host") is False, "join_before_host")
            c(s.get("mute_upon_entry") is True, "mute_upon_entry")

    def _validate_recurrence(self, r: Any) -> None:
        c = self._check
        if not isinstance(r, dict):
            c(False, "type 8/9 without recurrence")
            return
        c(type(r.get("type")) is int and r.get("type") in (1, 2, 3), "recurrence.type")
        limit = INTERVAL_LIMITS.get(r.get("type"), 0)
        c(type(r.get("repeat_interval")) is int and 1 <= r["repeat_interval"] <= limit, "repeat_interval")
        if r.get("type") == 2:
            c(
                isinstance(r.get("weekly_days"), str) and bool(WEEKLY_DAYS_RE.fullmatch(r["weekly_days"])),
                "weekly_days",
            )
        if r.get("type") == 3:
            by_day = type(r.get("monthly_day")) is int and 1 <= r["monthly_day"] <= 31
            by_week = r.get("monthly_week") in (-1, 1, 2, 3, 4) and r.get("monthly_week_day") in range(1, 8)
            c(by_day != by_week, "monthly needs monthly_day xor monthly_week(+day)")
        c(("end_times" in r) != ("end_date_time" in r), "end_times xor end_date_time")
        if "end_times" in r:
            c(type(r["end_times"]) is int and 1 <= r["end_times"] <= 50, "end_times")
        if "end_date_time" in r:
            c(
                bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(r["end_date_time"]))),
                "end_date_time",
            )

    # --- behaviour -------------------------------------------------------------------------------------
    def _create(self, user: str, body: Any, webinar: bool) -> Response:
        self._validate(body, webinar)
        if self.problems:
            return _json(400, {"code": 300, "message": "Validation Failed.", "errors": self.problems})
        meeting_id = self.next_id
        self.next_id += 1
        tz = ZoneInfo(body["timezone"])
        start = datetime.fromisoformat(body["start_time"]).replace(tzinfo=tz).astimezone(UTC)
        prefix = "w" if webinar else "j"
        meeting: dict[str, Any] = {
            "uuid": f"u{meeting_id}AbC==",
            "id": meeting_id,
            "host_id": "z8yAAAAA8bbbQ",
            "host_email": user,
            "topic": body["topic"],
            "type": body["type"],
            "status": "waiting",
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": body["duration"],
            "timezone": body["timezone"],
            "agenda": body.get("agenda", ""),
            "created_at": "2024-05-01T09:00:00Z",
            "start_url": f"https://us02web.zoom.us/s/{meeting_id}?zak=eyJzakSECRET{meeting_id}.hostkey",
            "join_url": f"https://us02web.zoom.us/{prefix}/{meeting_id}?pwd=ENCRYPTEDpwd{meeting_id}.1",
            "password": body["password"],
            "h323_password": "493202",
            "encrypted_password": f"ENCRYPTEDpwd{meeting_id}",
            "settings": {**body["settings"], "host_video": False},
            "pre_schedule": False,
        }
        if body["type"] in (8, 9):
            meeting["recurrence"] = body["recurrence"]
            times = body["recurrence"].get("end_times", 3)
            step = timedelta(days=7 * body["recurrence"]["repeat_interval"])
            meeting["occurrences"] = [
                {
                    "occurrence_id": str(int((start + k * step).timestamp() * 1000)),
                    "start_time": (start + k * step).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "duration": body["duration"],
                    "status": "available",
                }
                for k in range(times)
            ]
        self.meetings[str(meeting_id)] = meeting
        return _json(201, meeting)

    def _list(self, user: str, collection: str, args: Any) -> Response:
        """GET /users/{userId}/meetings|webinars: the host's scheduled ones, paginated with next_page_token,
        each item with the fields Zoom's list gives (agenda truncated, no password, no start_url)."""
        c = self._check
        size_text = args.get("page_size", "30")
        c(size_text.isdigit() and 1 <= int(size_text) <= LIST_MAX_PAGE_SIZE, f"page_size {size_text!r}")
        c(args.get("type", "scheduled") in ("scheduled", "live", "upcoming"), "list type")
        c(collection == "meetings" or "type" not in args, "type sent to the webinar list")
        size = min(int(size_text) if size_text.isdigit() else 30, self.list_page_cap)
        webinar_types = (5, 6, 9)
        mine = sorted(
            (m for m in self.meetings.values() if m["host_email"] == user),
            key=lambda m: m["id"],
        )
        mine = [m for m in mine if (m["type"] in webinar_types) == (collection == "webinars")]
        token = args.get("next_page_token", "")
        start = int(token.removeprefix("tok")) if token.startswith("tok") else 0
        c(token == "" or token.startswith("tok"), "unknown next_page_token")
        page = mine[start : start + size]
        items = [
            {
                "uuid": m["uuid"],
                "id": m["id"],
                "host_id": m["host_id"],
                "topic": m["topic"],
                "type": m["type"],
                "start_time": m["start_time"],
                "duration": m["duration"],
                "timezone": m["timezone"],
                "agenda": m["agenda"][:LISTED_AGENDA_MAX],
                "created_at": m["created_at"],
                "join_url": m["join_url"],
            }
            for m in page
        ]
        more = start + size < len(mine)
        return _json(
            200,
            {
                "page_size": size,
                "total_records": len(mine),
                "next_page_token": f"tok{start + size}" if more else "",
                collection: items,
            },
        )

    def _panelists(self, webinar_id: str, body: Any) -> Response:
        c = self._check
        c(webinar_id in self.meetings, "panelists for unknown webinar")
        items = body.get("panelists") if isinstance(body, dict) else None
        c(isinstance(items, list) and len(items) > 0, "panelists not a list")
        for p in items or []:
            c(isinstance(p, dict) and set(p) == {"name", "email"}, f"bad panelist keys {sorted(p)}")
            c(isinstance(p.get("name"), str) and isinstance(p.get("email"), str), "panelist fields")
        self.meetings.get(webinar_id, {})["panelists"] = items
        return _json(201, {"id": webinar_id, "updated_at": "2024-05-01T09:00:01Z"})

    def _patch(self, meeting: dict[str, Any], occurrence_id: str | None, body: Any) -> Response:
        webinar = meeting["type"] in (5, 6, 9)
        if occurrence_id is not None:
            ids = [o["occurrence_id"] for o in meeting.get("occurrences", [])]
            self._check(occurrence_id in ids, "unknown occurrence_id")
            self._check(
                set(body) <= {"start_time", "timezone", "duration", "agenda", "settings"},
                f"occurrence PATCH with {sorted(body)}",
            )
        self._validate(body, webinar, partial=True)
        meeting.update({k: v for k, v in body.items() if k in ("topic", "agenda", "duration", "type")})
        return _json(204)
