"""Zoom REST v2 adapter with Server-to-Server OAuth.

Never sleeps: rate limits and outages raise RateLimited/TransientError carrying retry_at, and the caller's
worker schedules the retry. Never logs secrets, tokens, start_urls, emails or Zoom's error messages (those
can quote an email); only ids, HTTP statuses and Zoom error codes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests

from scheduler import clock
from scheduler.backoff import delay
from scheduler.integrations import zoom_payload as payload
from scheduler.integrations.base import (
    ConfigurationError,
    JoinRequest,
    ProviderError,
    RateLimited,
    Room,
    RoomGone,
    RoomRequest,
    TransientError,
)

log = logging.getLogger(__name__)

TOKEN_MARGIN = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 600.0
LIST_PAGE_SIZE = 300  # Zoom's maximum for the host's meeting and webinar lists
LIST_MAX_PAGES = 20
_EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")


class _RedactEmails(logging.Filter):
    """urllib3 logs request lines (with /users/<email>/meetings) at DEBUG; mask the email there."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _EMAIL.sub("<email>", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _install_redaction() -> None:
    pool_log = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactEmails) for f in pool_log.filters):
        pool_log.addFilter(_RedactEmails())


def next_utc_midnight(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


def _zoom_error(resp: requests.Response) -> tuple[int | None, str]:
    try:
        data = resp.json()
    except ValueError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    code = data.get("code")
    return (code if isinstance(code, int) else None), str(data.get("message") or "")


class ZoomProvider:
    name = "zoom"
    networked = True
    random_room = False
    personal_tokens = False
    shared_link = True

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        api_base: str = "https://api.zoom.us/v2",
        oauth_url: str = "https://zoom.us/oauth/token",
        session: requests.Session | None = None,
        clock: Callable[[], datetime] = clock.now,
        timeout: float = 10,
    ) -> None:
        if not (account_id and client_id and client_secret):
            raise ConfigurationError("The Zoom account id, client id and client secret must all be set.")
        self._account_id = account_id
        self._client_id = client_id
        self._client_secret = client_secret
        self.api_base = api_base.rstrip("/")
        self.oauth_url = oauth_url
        self._session = session or requests.Session()
        self._clock = clock
        self.timeout = timeout
        self._token: str | None = None
        self._token_valid_until: datetime | None = None
        self._backoff_step = 0
        _install_redaction()

    def __repr__(self) -> str:
        return f"ZoomProvider(api_base={self.api_base!r})"

    # --- OAuth -------------------------------------------------------------------------------------------
    def _access_token(self) -> str:
        now = self._clock()
        if self._token and self._token_valid_until and now < self._token_valid_until:
            return self._token
        try:
            resp = self._session.post(
                self.oauth_url,
                auth=(self._client_id, self._client_secret),
                data={"grant_type": "account_credentials", "account_id": self._account_id},
                timeout=self.timeout,
            )
        except requests.RequestException:
            log.warning("zoom oauth request failed (network)")
            raise TransientError() from None
        if not resp.ok:
            code, message = _zoom_error(resp)
            log.warning("zoom oauth refused status=%s", resp.status_code)
            if resp.status_code == 429 or resp.status_code >= 500:
                raise self._http_error(resp, code, message)
            raise ConfigurationError(
                "Zoom rejected the Server-to-Server OAuth credentials. Please check the Zoom app settings.",
                status=resp.status_code,
                code=code,
            )
        try:
            data = resp.json()
            token = str(data["access_token"])
            lifetime = timedelta(seconds=int(data.get("expires_in", 3600)))
        except (ValueError, KeyError, TypeError):
            raise TransientError() from None
        self._token = token
        self._token_valid_until = now + max(lifetime - TOKEN_MARGIN, lifetime / 2)
        log.info("zoom access token minted")
        return token

    def _drop_token(self) -> None:
        self._token = None
        self._token_valid_until = None

    # --- HTTP --------------------------------------------------------------------------------------------
    def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, body: Any = None
    ) -> requests.Response:
        for attempt in (1, 2):
            token = self._access_token()
            try:
                resp = self._session.request(
                    method,
                    self.api_base + path,
                    params=params,
                    json=body,
                    headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                    timeout=self.timeout,
                )
            except requests.RequestException:
                log.warning("zoom api %s failed (network)", method)
                raise TransientError() from None
            if resp.ok:
                self._backoff_step = 0
                return resp
            code, message = _zoom_error(resp)
            if resp.status_code == 401 and code == 124 and attempt == 1:
                log.info("zoom access token refused (code 124); minting a new one once")
                self._drop_token()
                continue
            log.warning("zoom api %s refused status=%s code=%s", method, resp.status_code, code)
            raise self._http_error(resp, code, message)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_after(self, resp: requests.Response) -> datetime | None:
        value = (resp.headers.get("Retry-After") or "").strip()
        if not value:
            return None
        now = self._clock()
        if value.isdigit():
            return now + timedelta(seconds=int(value))
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return max(when.astimezone(UTC), now)

    def _http_error(self, resp: requests.Response, code: int | None, message: str) -> ProviderError:
        status = resp.status_code
        lowered = message.lower()
        if status == 429:
            now = self._clock()
            retry_after = self._retry_after(resp)
            limit_type = resp.headers.get("X-RateLimit-Type", "").lower()
            if limit_type == "daily-limit" or ("daily" in lowered and "limit" in lowered):
                return RateLimited(
                    "Zoom's daily limit for creating and changing meetings has been reached. "
                    "The change will be retried after midnight UTC.",
                    retry_at=max(next_utc_midnight(now), retry_after or now),
                    status=status,
                    code=code,
                )
            if retry_after is None:
                self._backoff_step += 1
                retry_after = now + delay(self._backoff_step, base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS)
            return RateLimited(retry_at=retry_after, status=status, code=code)
        if status >= 500:
            return TransientError(retry_at=self._retry_after(resp), status=status, code=code)
        if code == 4711:
            return ConfigurationError(
                "The Zoom app is missing required scopes. Please ask the administrator to add them.",
                status=status,
                code=code,
            )
        if code == 200 and "webinar" in lowered:
            return ConfigurationError(
                "This Zoom account has no webinar licence, so webinars cannot be created. "
                "Please schedule a meeting instead or ask the administrator.",
                status=status,
                code=code,
            )
        if status == 404 and code == 3001:
            return RoomGone(status=status, code=code)
        if status == 404 and code == 1001:
            return ConfigurationError(
                "The host's email address is not a user of the Zoom account.", status=status, code=code
            )
        if status in (401, 403) or code == 200:
            return ConfigurationError(
                "Zoom refused access. Please check the Zoom app's credentials and permissions.",
                status=status,
                code=code,
            )
        return ProviderError("Zoom rejected the meeting details.", status=status, code=code)

    # --- VideoProvider -----------------------------------------------------------------------------------
    @staticmethod
    def _collection(kind: object) -> str:
        return "webinars" if kind == "webinar" else "meetings"

    def create(self, req: RoomRequest) -> Room:
        if not req.host_email:
            raise ConfigurationError("A Zoom host must be chosen before a Zoom meeting can be created.")
        the_plan = payload.plan(req)
        passcode = payload.generate_passcode()
        body = payload.body_json(req, the_plan, passcode)
        path = f"/users/{quote(req.host_email, safe='@')}/{self._collection(req.kind)}"
        data = self._call("POST", path, body=body).json()
        room = payload.room_from_json(data, kind=req.kind, passcode=passcode, note=the_plan.note)
        log.info("zoom %s created id=%s type=%s", req.kind, room.external_id, the_plan.zoom_type)
        if req.kind == "webinar" and req.panelists:
            try:
                self.add_panelists(room, req.panelists)
            except ProviderError:
                # The webinar exists: do not let a retry of create() duplicate it.
                log.warning("zoom panelists not added id=%s", room.external_id)
                return replace(room, extra={**room.extra, "panelists_pending": True})
        return room

    def find_created(self, req: RoomRequest) -> list[Room]:
        """The host's meetings (or webinars) carrying `req.creation_ref`, oldest first: what an earlier create
        whose answer was lost (a 504, a timeout, a dropped connection) has made. One list call per page."""
        if not (req.host_email and req.creation_ref):
            return []
        collection = self._collection(req.kind)
        path = f"/users/{quote(req.host_email, safe='@')}/{collection}"
        params = {"page_size": str(LIST_PAGE_SIZE)} | ({"type": "scheduled"} if collection == "meetings" else {})
        listed: list[dict[str, Any]] = []
        for _ in range(LIST_MAX_PAGES):
            data = self._call("GET", path, params=params).json()
            listed += [item for item in data.get(collection) or () if payload.carries_tag(item, req.creation_ref)]
            next_page = str(data.get("next_page_token") or "")
            if not next_page:
                break
            params = {**params, "next_page_token": next_page}
        listed.sort(key=lambda item: (str(item.get("created_at") or ""), int(item.get("id") or 0)))
        return [
            Room(
                provider="zoom",
                external_id=str(item["id"]),
                join_url=str(item.get("join_url") or ""),
                extra={"kind": req.kind, "zoom_type": item.get("type")},
            )
            for item in listed
        ]

    def create_once(self, req: RoomRequest, *, recover: bool) -> tuple[Room, list[Room]]:
        """Creates the room, unless `recover` (an earlier create's outcome is unknown) and the host's list
        already holds one carrying `req.creation_ref`: that one is adopted, and any further ones are returned
        as duplicates for the caller to retire."""
        found = self.find_created(req) if recover else []
        if not found:
            return self.create(req), []
        adopted, duplicates = found[0], found[1:]
        the_plan = payload.plan(req)
        room = replace(self.refresh(adopted), note=the_plan.note)
        log.info("zoom %s adopted id=%s duplicates=%s", req.kind, room.external_id, len(duplicates))
        if req.kind == "webinar" and req.panelists:  # the lost answer may have come before the panelists
            room = replace(room, extra={**room.extra, "panelists_pending": True})
        return room, duplicates

    def add_panelists(self, room: Room, panelists: Iterable[tuple[str, str]]) -> None:
        body = {"panelists": [{"name": name, "email": email} for name, email in panelists]}
        self._call("POST", f"/webinars/{room.external_id}/panelists", body=body)
        log.info("zoom panelists added id=%s count=%s", room.external_id, len(body["panelists"]))

    def update(self, room: Room, req: RoomRequest, occurrence_id: str | None = None) -> Room:
        path = f"/{self._collection(room.extra.get('kind'))}/{room.external_id}"
        note = room.note
        if occurrence_id is not None:
            self._call("PATCH", path, params={"occurrence_id": occurrence_id}, body=payload.occurrence_body(req))
        else:
            the_plan = payload.plan(req)
            passcode = room.passcode or payload.generate_passcode()
            self._call("PATCH", path, body=payload.body_json(req, the_plan, passcode))
            note = the_plan.note
        log.info("zoom updated id=%s occurrence=%s", room.external_id, occurrence_id)
        return replace(self.refresh(room), note=note)

    def delete(self, room: Room, occurrence_id: str | None = None) -> None:
        path = f"/{self._collection(room.extra.get('kind'))}/{room.external_id}"
        params = {"occurrence_id": occurrence_id} if occurrence_id else None
        try:
            self._call("DELETE", path, params=params)
        except RoomGone:
            log.info("zoom delete: already gone id=%s", room.external_id)
            return
        log.info("zoom deleted id=%s occurrence=%s", room.external_id, occurrence_id)

    def _get(self, room: Room) -> dict[str, Any]:
        return self._call("GET", f"/{self._collection(room.extra.get('kind'))}/{room.external_id}").json()

    def refresh(self, room: Room) -> Room:
        data = self._get(room)
        fresh = payload.room_from_json(
            data, kind=str(room.extra.get("kind", "meeting")), passcode=room.passcode, note=room.note
        )
        return replace(fresh, extra={**room.extra, **fresh.extra})

    def join_url(self, join: JoinRequest) -> str:
        return join.room.join_url

    def host_start_url(self, room: Room) -> str:
        """A fresh start_url (it embeds the host's key and expires): redirect to it, never store or log it."""
        start_url = self._get(room).get("start_url")
        if not start_url:
            raise ProviderError("Zoom did not provide a start link for this meeting.")
        return str(start_url)
