"""Driving a server from this process: `wrk` for the load, plain urllib for discovery and CSRF tokens."""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

WRK = shutil.which("wrk") or "/usr/bin/wrk"

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, socket errors and timeouts (POSTs: anything but a redirect)
    connections: int
    redirects: int | None = None  # POSTs: answers below 400 (a success's redirect, or the reference's 201)
    other_status: int | None = None  # POSTs: the last answer that was not a redirect

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str, connections: int) -> LoadResult:
    requests = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if requests is None:
        raise RuntimeError(f"wrk said:\n{output}")
    count, seconds = int(requests.group(1)), _ms(requests.group(2) + requests.group(3)) / 1000
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    redirects = re.search(r"bench-redirects: (\d+)", output)
    other = re.search(r"bench-other: (\d+)", output)
    last_other = re.search(r"bench-last-other: (\d+)", output)
    if redirects and other:
        errors = max(errors, int(other.group(1)))
    return LoadResult(
        redirects=int(redirects.group(1)) if redirects else None,
        other_status=int(last_other.group(1)) if last_other and last_other.group(1) != "0" else None,
        requests=count,
        seconds=round(seconds, 3),
        rps=round(count / seconds, 1) if seconds else 0.0,
        p50_ms=round(_ms(latency["50"]), 2) if "50" in latency else 0.0,
        p99_ms=round(_ms(latency["99"]), 2) if "99" in latency else 0.0,
        errors=errors,
        connections=connections,
    )


_POST_SCRIPT = """
local counter = 0
local threads = {}
redirects = 0
other = 0
last_other = 0
local prefix = "%(prefix)s"
local id = 0
setup = function(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end
response = function(status, headers, body)
  if status < 400 then
    redirects = redirects + 1
  else
    other = other + 1
    last_other = status
  end
end
done = function(summary, latency, requests)
  local r, o, last = 0, 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("redirects")
    o = o + thread:get("other")
    if thread:get("last_other") ~= 0 then last = thread:get("last_other") end
  end
  io.write("bench-redirects: " .. r .. "\\nbench-other: " .. o .. "\\nbench-last-other: " .. last .. "\\n")
end
request = function()
  counter = counter + 1
  local body = string.gsub(wrk.body, "__N__", prefix .. tid .. "-" .. counter)
  return wrk.format("POST", nil, nil, body)
end
"""


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    unique_prefix: str = "u",
) -> LoadResult:
    """GET (or POST `form`, with "__N__" in a value replaced by a unique string per request) for `seconds`."""
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as folder:
        if form is not None:
            script = Path(folder) / "post.lua"
            body = urllib.parse.urlencode(form).replace("__N__", "__N__")
            script.write_text(
                f"wrk.method = 'POST'\nwrk.body = [[{body}]]\n"
                "wrk.headers['Content-Type'] = 'application/x-www-form-urlencoded'\n"
                + _POST_SCRIPT
                % {"prefix": unique_prefix}
            )
            command += ["-s", str(script)]
        command.append(url)
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)  # noqa: S603
    return parse_wrk(done.stdout, connections)


class Browser:
    """Just enough of a browser to discover links, read forms and keep the session cookie (CSRF)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
        request = urllib.request.Request(self.base + path, headers=headers or {})  # noqa: S310 - loopback only
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def post(self, path: str, form: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._select_first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                self.forms[-1]["fields"].setdefault(a["name"], None)
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select, self._select_first = a["name"], None
            self.forms[-1]["fields"].setdefault(a["name"], None)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                if self.forms[-1]["fields"].get(self._select) is None:
                    self.forms[-1]["fields"][self._select] = value
            if "selected" in a:
                self.forms[-1]["fields"][self._select] = value
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def parse_page(html: bytes) -> _Links:
    parser = _Links()
    parser.feed(html.decode("utf-8", "replace"))
    return parser


def first_link(html: bytes, pattern: str) -> str | None:
    for href in parse_page(html).hrefs:
        path = urllib.parse.urlsplit(href).path
        if re.fullmatch(pattern, path):
            return path
    return None


def form_with(html: bytes, field: str) -> dict[str, Any] | None:
    for form in parse_page(html).forms:
        if field in form["fields"]:
            return form
    return None
