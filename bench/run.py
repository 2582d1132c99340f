"""The benchmark suite: `make bench` (about 10 minutes on 2 cores) or `make bench-smoke` (seconds, for CI).

Seeds the data set through the application's services (bench/seed.py), serves the application with gunicorn
(2 sync workers, deploy/gunicorn.conf.py) on SQLite and on PostgreSQL, drives it with `wrk` from this process,
and divides every figure by a reference measured in the same run under the same gunicorn: a bare Flask "hello"
(pages and feeds) and a one-row insert (sign-up POSTs) — bench/reference_app.py. Then it measures, in process,
statements per confirmation and per page, the feeds against building the same events with `icalendar`,
reminder dispatch against plain smtplib (bench/reminders_throughput.py) and, on PostgreSQL, how the hot queries
grow from 10k to 1M session rows, with their plans. Writes bench/results/latest.json and the README table.
Numbers, not verdicts: nothing here fails on a slow figure (targets are reported next to the figures).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402

from bench import growth, measure, seed, servers  # noqa: E402
from bench.copy_db import copy_all  # noqa: E402
from bench.load import Browser, LoadResult, first_link, form_with, wrk  # noqa: E402
from scheduler import clock, create_app  # noqa: E402
from scheduler.extensions import db  # noqa: E402

RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
START_MARK, END_MARK = "<!-- bench:start -->", "<!-- bench:end -->"
PAGE_CONNECTIONS, POST_CONNECTIONS = 8, 32

TARGETS = {
    "schedule_vs_hello": ("≥", 0.10),
    "schedule_kb": ("≤", 100),
    "meeting_vs_hello": ("≥", 0.15),
    "rsvp_vs_insert": ("≥", 0.25),
    "rsvp_p99_ms": ("<", 100),
    "confirmation_statements": ("≤", 25),
    "group_feed_vs_icalendar": ("≤", 2.0),
    "personal_feed_vs_icalendar": ("≤", 1.5),
    "reminders_vs_smtplib": ("≥", 0.70),
    "query_growth": ("≤", 2.0),
}


_STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - _STARTED:6.0f} s] {message}", flush=True)


SMOKE_HORIZON_DAYS = 60  # the smoke run materialises ~9 sessions per meeting instead of ~57


def make_app(url: str, smoke: bool = False) -> Flask:
    overrides = servers.app_overrides(url)
    if smoke:
        overrides["OCCURRENCE_HORIZON_DAYS"] = SMOKE_HORIZON_DAYS
    return create_app(overrides)


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


# --- HTTP measurements ----------------------------------------------------------------------------------------


def reference(url: str, seconds: float) -> dict[str, LoadResult]:
    from bench import reference_app

    engine = sa.create_engine(url)
    reference_app.metadata.create_all(engine)  # before the workers start: no race to create it
    engine.dispose()
    with servers.gunicorn("bench.reference_app:app", {"BENCH_DATABASE_URL": url}, ready_path="/hello") as base:
        hello = wrk(base + "/hello", seconds=seconds, connections=PAGE_CONNECTIONS)
        insert = wrk(base + "/insert", seconds=seconds, connections=POST_CONNECTIONS, form={"body": "__N__"})
    return {"hello": hello, "insert": insert}


def personal_path(app: Flask, rule: str, secret: str) -> str:
    """The path of a personal page, found in the URL map by its shape (whatever the blueprint is called)."""
    for candidate in app.url_map.iter_rules():
        if re.fullmatch(rule, candidate.rule):
            return re.sub(r"<[^>]+>", secret, candidate.rule)
    raise LookupError(f"no route like {rule}")


def discover(app: Flask, base: str, seeded: seed.Seeded) -> dict[str, str]:
    """The pages to measure, found by following links from the schedule like a visitor (constructed only as a
    fallback); personal pages from the secrets the emails would carry."""
    browser = Browser(base)
    _, schedule, _ = browser.get("/")
    meeting = first_link(schedule, r"/meetings/\d+") or f"/meetings/{seeded.series_ids[0]}"
    _, meeting_page, _ = browser.get(meeting)
    group = first_link(meeting_page, r"/groups/[^/]+") or f"/groups/{seeded.group_slugs[0]}"
    _, group_page, _ = browser.get(group)
    group_feed = first_link(group_page, r"/groups/[^/]+/calendar\.ics") or f"{group}/calendar.ics"
    rsvp = first_link(meeting_page, r"/meetings/\d+/rsvp") or f"{meeting}/rsvp"
    person = seeded.people[0]
    manage = personal_path(app, r"/manage/<[^>]+>", person.manage_secret)
    personal_feed = personal_path(app, r"/feed/<[^>]+>\.ics", person.feed_secret)
    return {
        "schedule": "/",
        "meeting": meeting,
        "group": group,
        "manage": manage,
        "group_feed": group_feed,
        "personal_feed": personal_feed,
        "rsvp": rsvp,
    }


def rsvp_load(base: str, path: str, seconds: float) -> dict[str, Any]:
    """Sign-up POSTs with a real session cookie and CSRF token from the form, a new address each time."""
    browser = Browser(base)
    status, page, _ = browser.get(path)
    form = form_with(page, "email")
    if status != 200 or form is None:
        return {"error": f"no sign-up form at {path} ({status})"}
    fields = {k: v for k, v in form["fields"].items() if v is not None}
    fields.update({"email": "load-__N__@example.org", "display_name": "Load __N__"})
    fields.setdefault("scope", "series")
    if "timezone" in form["fields"]:
        fields["timezone"] = "Europe/Amsterdam"
    if "website" in fields:
        fields["website"] = ""
    action = form["action"] or path
    trial = dict(fields, email="load-trial@example.org", display_name="Load trial")
    status, body, _ = browser.post(action, trial)
    if not 300 <= status < 400:
        return {
            "error": f"the sign-up form answered {status}, not a redirect",
            "body": body[:300].decode("utf-8", "replace"),
        }

    result = wrk(
        base + action,
        seconds=seconds,
        connections=POST_CONNECTIONS,
        form=fields,
        headers={"Cookie": browser.cookie_header()},
        unique_prefix=f"{os.getpid()}-",
    )
    payload = result.as_dict()
    return payload


def http_pages(app: Flask, url: str, seeded: seed.Seeded, seconds: float) -> tuple[dict[str, Any], dict[str, str]]:
    results: dict[str, Any] = {}
    with servers.gunicorn("bench.serve_app:app", servers.app_env(url)) as base:
        paths = discover(app, base, seeded)
        browser = Browser(base)
        for name in ("schedule", "meeting", "group", "manage", "group_feed", "personal_feed"):
            status, body, _ = browser.get(paths[name])
            load = wrk(base + paths[name], seconds=seconds, connections=PAGE_CONNECTIONS)
            results[name] = {**load.as_dict(), "status": status, "bytes": len(body)}
        results["rsvp_post"] = rsvp_load(base, paths["rsvp"], seconds)
        if results["rsvp_post"].get("other_status"):
            results["rsvp_post"]["server_log"] = servers.log_tail(base)
    return results, paths


def pending_rsvps(app: Flask, limit: int) -> list[int]:
    with app.app_context():
        ids = list(
            db.session.scalars(
                sa.text("SELECT id FROM rsvps WHERE status = 'pending' ORDER BY id LIMIT :n"), {"n": limit}
            )
        )
        db.session.remove()
    return ids


def bench_backend(name: str, url: str, seeded: seed.Seeded, seconds: float, runs: int) -> dict[str, Any]:
    log(f"{name}: reference (hello, one-row insert)")
    ref = reference(url, seconds)
    app = make_app(url)
    try:
        log(f"{name}: pages, feeds and sign-ups over HTTP")
        pages, paths = http_pages(app, url, seeded, seconds)
        log(f"{name}: confirmations, statements per page, feeds against icalendar")
        confirmation = measure.confirmations(app, pending_rsvps(app, runs))
        statements = measure.page_statements(app, {k: v for k, v in paths.items() if k != "rsvp"})
        feeds = {
            "group_feed": measure.feed_against_icalendar(app, paths["group_feed"], runs),
            "personal_feed": measure.feed_against_icalendar(app, paths["personal_feed"], runs),
        }
    finally:
        dispose(app)
    hello, insert = ref["hello"].rps, ref["insert"].rps
    for key, page in pages.items():
        if key == "rsvp_post":
            page["vs_insert"] = round(page.get("rps", 0) / insert, 3) if insert else None
        else:
            page["vs_hello"] = round(page["rps"] / hello, 4) if hello else None
            page["statements"] = statements.get(key, {}).get("statements")
    return {
        "reference": {k: v.as_dict() for k, v in ref.items()},
        "paths": {k: re.sub(r"/(manage|feed)/[^/.]+", r"/\1/<token>", v) for k, v in paths.items()},
        "http": pages,
        "confirmation": confirmation,
        "feeds": feeds,
    }


# --- other measurements ---------------------------------------------------------------------------------------


def reminders(count: int, postgres: bool) -> dict[str, Any]:
    command = [sys.executable, str(ROOT / "bench" / "reminders_throughput.py"), "--count", str(count)]
    if postgres:
        command += ["--postgres", servers.POSTGRES_ADMIN_URL]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=ROOT)  # noqa: S603
    ratio = re.search(r"ratio[^:\n]*:\s*([\d.]+)", done.stdout)
    rates = {
        key: float(m.group(1))
        for key, pattern in (
            ("worker_per_s", r"worker[^\n]*?([\d.]+)\s*reminders/s"),
            ("smtplib_per_s", r"smtplib[^\n]*?([\d.]+)\s*messages/s"),
        )
        if (m := re.search(pattern, done.stdout))
    }
    return {
        "count": count,
        "vs_smtplib": float(ratio.group(1)) if ratio else None,
        **rates,
        "exit": done.returncode,
        "output": (done.stdout + done.stderr)[-1500:],
    }


def query_growth(sizes: list[int], scale: seed.Scale, smoke: bool) -> dict[str, Any]:
    with servers.database("postgresql") as url:
        app = make_app(url, smoke)
        try:
            with app.app_context():
                db.create_all()
                seeded = seed.seed(scale)
                db.session.remove()
            person = seeded.people[0]
            paths = {
                "schedule": "/",
                "meeting": f"/meetings/{seeded.series_ids[0]}",
                "group_feed": f"/groups/{seeded.group_slugs[0]}/calendar.ics",
                "manage": personal_path(app, r"/manage/<[^>]+>", person.manage_secret),
                "personal_feed": personal_path(app, r"/feed/<[^>]+>\.ics", person.feed_secret),
            }
            return growth.run(app, paths, sizes)
        finally:
            dispose(app)


def machine(load_before: tuple[float, float, float]) -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def postgres_version() -> str | None:
    try:
        engine = sa.create_engine(servers.POSTGRES_ADMIN_URL)
        with engine.connect() as conn:
            version = str(conn.execute(sa.text("SHOW server_version")).scalar())
        engine.dispose()
        return version
    except Exception:
        return None


# --- the run --------------------------------------------------------------------------------------------------


def run(smoke: bool, with_postgres: bool) -> dict[str, Any]:
    load_before = os.getloadavg()
    began = time.monotonic()
    scale = seed.SMOKE if smoke else seed.FULL
    seconds = 1.0 if smoke else 5.0
    runs = 3 if smoke else 5
    results: dict[str, Any] = {
        "kind": "smoke" if smoke else "full",
        "when": clock.now().isoformat(timespec="seconds"),
        "load": {
            "gunicorn_workers": 2,
            "server": "gunicorn sync workers, deploy/gunicorn.conf.py",
            "driver": f"wrk, 1 thread, {PAGE_CONNECTIONS} connections for pages, {POST_CONNECTIONS} for POSTs",
            "seconds_per_figure": seconds,
        },
        "backends": {},
    }
    with servers.database("sqlite") as sqlite_url:
        app = make_app(sqlite_url, smoke)
        try:
            with app.app_context():
                db.create_all()
                log(f"seeding {scale} through the services")
                seeded = seed.seed(scale)
                db.session.remove()
        finally:
            dispose(app)
        results["data_set"] = {**seeded.counts, "seed_seconds": {k: round(v, 1) for k, v in seeded.seconds.items()}}
        log(f"seeded {seeded.counts}")
        results["backends"]["sqlite"] = bench_backend("sqlite", sqlite_url, seeded, seconds, runs)
        if with_postgres:
            with servers.database("postgresql") as pg_url:
                app = make_app(pg_url)
                try:
                    with app.app_context():
                        db.create_all()
                finally:
                    dispose(app)
                log("postgresql: copying the same rows")
                copy_all(sqlite_url, pg_url)
                results["backends"]["postgresql"] = bench_backend("postgresql", pg_url, seeded, seconds, runs)
    log("reminder dispatch against plain smtplib")
    count = 20 if smoke else 300
    results["reminders"] = {"sqlite": reminders(count, postgres=False)}
    if with_postgres:
        results["reminders"]["postgresql"] = reminders(count, postgres=True)
        log("query growth on PostgreSQL")
        sizes = [2_000, 4_000] if smoke else [10_000, 100_000, 1_000_000]
        growth_scale = (
            seed.SMOKE if smoke else seed.Scale(groups=10, meetings=100, participants=500, rsvps=600, service_people=3)
        )
        results["growth"] = query_growth(sizes, growth_scale, smoke)
    results["machine"] = machine(load_before)
    results["machine"]["postgresql"] = postgres_version() if with_postgres else None
    results["seconds"] = round(time.monotonic() - began, 1)
    results["targets"] = targets(results)
    return results


def _figure(results: dict[str, Any], backend: str, key: str) -> float | None:
    b = results["backends"].get(backend)
    if b is None:
        return None
    http, feeds = b["http"], b["feeds"]
    table: dict[str, Any] = {
        "schedule_vs_hello": http["schedule"].get("vs_hello"),
        "schedule_kb": http["schedule"]["bytes"] / 1024,
        "meeting_vs_hello": http["meeting"].get("vs_hello"),
        "rsvp_vs_insert": http["rsvp_post"].get("vs_insert"),
        "rsvp_p99_ms": http["rsvp_post"].get("p99_ms"),
        "confirmation_statements": b["confirmation"].get("statements_max"),
        "group_feed_vs_icalendar": feeds["group_feed"].get("times_icalendar"),
        "personal_feed_vs_icalendar": feeds["personal_feed"].get("times_icalendar"),
        "reminders_vs_smtplib": results.get("reminders", {}).get(backend, {}).get("vs_smtplib"),
        "query_growth": results.get("growth", {}).get("worst_query_growth") if backend == "postgresql" else None,
    }
    return table.get(key)


def targets(results: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, (op, bound) in TARGETS.items():
        for backend in results["backends"]:
            value = _figure(results, backend, key)
            if value is None:
                continue
            met = {"≥": value >= bound, "≤": value <= bound, "<": value < bound}[op]
            checked.setdefault(key, {})[backend] = {"value": round(value, 3), "target": f"{op} {bound}", "met": met}
    return checked


# --- the README table -----------------------------------------------------------------------------------------


def _cell(page: dict[str, Any], ratio_key: str) -> str:
    if "error" in page:
        return "error"
    ratio, rps = page.get(ratio_key), page["rps"]
    rate = f"{rps:.0f}" if rps >= 10 else f"{rps:.1f}"
    text = f"{rate} req/s ({ratio:.4f}×), p50 {page['p50_ms']:.0f} / p99 {page['p99_ms']:.0f} ms"
    if page.get("statements") is not None:
        text += f", {page['statements']} statements"
    if page.get("errors"):
        text += f", {page['errors']} errors"
    return text


def markdown(results: dict[str, Any]) -> str:
    backends = list(results["backends"])
    header = "| | " + " | ".join({"sqlite": "SQLite", "postgresql": "PostgreSQL"}[b] for b in backends) + " | target |"
    lines = [header, "|---" * (len(backends) + 2) + "|"]

    def row(label: str, cells: list[str], target: str) -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")

    get = results["backends"].get
    row("hello (reference)", [f"{get(b)['reference']['hello']['rps']:.0f} req/s" for b in backends], "")
    row(
        "one-row insert (reference, 32 conn.)",
        [_cell({**get(b)["reference"]["insert"], "vs": 1.0}, "vs") for b in backends],
        "",
    )
    row(
        "schedule page",
        [
            _cell(get(b)["http"]["schedule"], "vs_hello") + f", {get(b)['http']['schedule']['bytes'] / 1024:.0f} KB"
            for b in backends
        ],
        "≥ 0.10×, ≤ 100 KB",
    )
    row("meeting page", [_cell(get(b)["http"]["meeting"], "vs_hello") for b in backends], "≥ 0.15×")
    row("manage page", [_cell(get(b)["http"]["manage"], "vs_hello") for b in backends], "")
    row(
        "sign-up POST (32 conn.)",
        [_cell(get(b)["http"]["rsvp_post"], "vs_insert") for b in backends],
        "≥ 0.25× insert, p99 < 100 ms",
    )
    row(
        "confirmation",
        [
            f"{c.get('statements_max')} statements, {c.get('ms_median')} ms ({c.get('sessions_per_meeting')} sessions)"
            for c in (get(b)["confirmation"] for b in backends)
        ],
        "≤ 25 statements",
    )
    for key, label, target in (("group_feed", "group feed", "≤ 2×"), ("personal_feed", "personal feed", "≤ 1.5×")):
        row(
            label,
            [
                _cell(get(b)["http"][key], "vs_hello")
                + f"; {f.get('times_icalendar')}× icalendar ({f.get('built_times_icalendar')}× when built "
                f"again), {f.get('events')} events"
                for b in backends
                for f in [get(b)["feeds"][key]]
            ],
            f"{target} icalendar",
        )
    row(
        "reminder dispatch",
        [f"{results['reminders'].get(b, {}).get('vs_smtplib')}× smtplib" for b in backends],
        "≥ 0.70×",
    )
    if "growth" in results:
        g = results["growth"]
        worst = max(g["queries"], key=lambda q: q["growth"] or 0) if g["queries"] else None
        pages = ", ".join(f"{name} {v['growth']}×" for name, v in g["pages"].items())
        scans = sum(1 for q in g["queries"] if list(q["seq_scan_on_sessions"].values())[-1])
        cells = ["–"] * (len(backends) - 1) + [
            f"worst query {g['worst_query_growth']}× ({len(g['queries'])} queries; "
            f"sequential scans of sessions at the largest size: {scans}); pages: {pages}"
        ]
        if worst is not None:
            cells[-1] += f"; worst: `{worst['sql'][:90]}…`"
        row(f"growth {g['sizes'][0]:,} → {g['sizes'][-1]:,} sessions", cells, "≤ 2×")
    m = results["machine"]
    data = results["data_set"]
    load = results["load"]
    caption = (
        f"Run {results['when']} in {results['seconds'] / 60:.1f} min on {m['cores']} cores ({m['cpu']}, "
        f"{m['memory']}), load average {m['load_average_before'][0]} before and {m['load_average_after'][0]} after "
        f"(a shared machine); Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m.get('postgresql')}. "
        f"Data set: {data['groups']} groups, {data['meetings']} weekly meetings, {data['sessions']:,} sessions, "
        f"{data['participants']:,} participants, {data['rsvps']:,} RSVPs. {load['server']} (2 workers); "
        f"{load['driver']}, {load['seconds_per_figure']:.0f} s per figure. "
        "Ratios are to the reference measured in the same run."
    )
    return caption + "\n\n" + "\n".join(lines)


def write_readme(table: str) -> None:
    text = README.read_text()
    if START_MARK not in text:
        return
    head, rest = text.split(START_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    README.write_text(f"{head}{START_MARK}\n{table}\n{END_MARK}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny data set and 1-second loads (CI); no README")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--postgres", action="store_true", help="with --smoke: PostgreSQL too (and query growth)")
    args = parser.parse_args()
    # Stopped with SIGTERM: unwind, so the servers stop and the temporary databases are dropped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with_postgres = (args.postgres or not args.smoke) and not args.no_postgres
    if with_postgres and not servers.postgres_available():
        log(f"PostgreSQL not reachable at {servers.POSTGRES_ADMIN_URL}: SQLite only")
        with_postgres = False
    results = run(args.smoke, with_postgres)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("smoke.json" if args.smoke else "latest.json")
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    table = markdown(results)
    if not args.smoke:
        write_readme(table)
    print(table)
    log(f"results in {target.relative_to(ROOT)} ({results['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
