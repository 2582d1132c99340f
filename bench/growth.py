"""Query growth on PostgreSQL: the statements the hot pages run, timed with EXPLAIN ANALYZE as historical
sessions pile up (bulk rows of past sessions, as years of weekly meetings leave behind)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench import measure
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence


def session_rows() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(Occurrence)) or 0)


def pad_history(target: int) -> None:
    """Adds past sessions (one a day going back, per meeting) until the table holds `target` rows."""
    have = session_rows()
    if have >= target:
        return
    meetings = int(db.session.scalar(sa.text("SELECT count(*) FROM series")) or 1)
    per_meeting = -(-(target - have) // meetings)
    offset = int(db.session.scalar(sa.text("SELECT coalesce(max(g), 0) FROM bench_history_mark")) or 0)
    db.session.execute(
        sa.text(
            """
            INSERT INTO occurrences (series_id, original_start, start, "end", status, updated_at)
            SELECT s.id, t.at, t.at, t.at + interval '1 hour', 'scheduled', now()
            FROM series s
            CROSS JOIN LATERAL (
                SELECT date_trunc('hour', now()) - interval '30 days' - (g * interval '1 day') AS at
                FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
            ) t
            ON CONFLICT DO NOTHING
            """
        ),
        {"first": offset + 1, "last": offset + per_meeting},
    )
    db.session.execute(sa.text("INSERT INTO bench_history_mark (g) VALUES (:g)"), {"g": offset + per_meeting})
    db.session.commit()
    db.session.execute(sa.text("ANALYZE occurrences"))
    db.session.commit()


def hot_statements(app: Flask, paths: list[str]) -> list[tuple[str, Any]]:
    """The distinct SELECTs touching sessions that one visit to each page runs (first parameters kept)."""
    kept: dict[str, Any] = {}
    for statement, parameters in measure.capture(app, paths):
        text = " ".join(statement.split())
        if text.upper().startswith("SELECT") and "occurrences" in text and text not in kept:
            kept[text] = parameters
    return list(kept.items())


def _explain(statement: str, parameters: Any) -> tuple[float, str, bool]:
    connection = db.session.connection()
    best, plan = float("inf"), {}
    for _ in range(2):
        raw = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
        document = raw if isinstance(raw, list) else json.loads(raw)
        if document[0]["Execution Time"] < best:
            best, plan = document[0]["Execution Time"], document[0]["Plan"]
    lines: list[str] = []
    seq_scan = False

    def walk(node: dict[str, Any], depth: int) -> None:
        nonlocal seq_scan
        relation = f" on {node['Relation Name']}" if "Relation Name" in node else ""
        index = f" using {node['Index Name']}" if "Index Name" in node else ""
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "occurrences":
            seq_scan = True
        lines.append(f"{'  ' * depth}{node['Node Type']}{relation}{index} (rows={node.get('Actual Rows')})")
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan, 0)
    db.session.rollback()
    return best, "\n".join(lines), seq_scan


def run(app: Flask, paths: dict[str, str], sizes: list[int]) -> dict[str, Any]:
    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE IF NOT EXISTS bench_history_mark (g integer)"))
        db.session.commit()
        statements = hot_statements(app, list(paths.values()))
    queries: list[dict[str, Any]] = [
        {"sql": text[:400], "ms": {}, "seq_scan_on_sessions": {}, "plan_at_largest": ""} for text, _ in statements
    ]
    pages: dict[str, dict[str, float]] = {name: {} for name in paths}
    actual_sizes: list[int] = []
    for size in sizes:
        with app.app_context():
            pad_history(size)
            rows = session_rows()
            actual_sizes.append(rows)
            for query, (text, parameters) in zip(queries, statements, strict=True):
                ms, plan, seq_scan = _explain(text, parameters)
                query["ms"][str(rows)] = round(ms, 3)
                query["seq_scan_on_sessions"][str(rows)] = seq_scan
                query["plan_at_largest"] = plan
            db.session.remove()
        client = app.test_client()
        for name, path in paths.items():  # one warm-up, one timed: a slow page at 1M rows costs seconds each
            client.get(path)

            def built(c: Any = client, p: str = path) -> object:  # a feed built again, not the body kept by ETag
                app.extensions.pop("feed_bodies", None)
                return c.get(p)

            pages[name][str(rows)] = round(measure._best_of(1, built) * 1000, 1)
    for query in queries:
        values = list(query["ms"].values())
        query["growth"] = round(max(values) / max(min(values), 0.001), 2) if values else None
    for name, values in pages.items():
        pages[name] = {"ms": values, "growth": round(max(values.values()) / max(min(values.values()), 0.001), 2)}
    worst = max((q["growth"] or 0 for q in queries), default=0)
    return {"sizes": actual_sizes, "queries": queries, "pages": pages, "worst_query_growth": worst}
