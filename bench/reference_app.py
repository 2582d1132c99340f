"""The reference every figure is divided by: a bare Flask "hello" and a one-row insert, under the same gunicorn
and on the same database as the application (BENCH_DATABASE_URL)."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask

metadata = sa.MetaData()
rows = sa.Table(
    "bench_reference_rows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.String(200), nullable=False),
)


def create_reference_app() -> Flask:
    url = os.environ.get("BENCH_DATABASE_URL", "sqlite:///:memory:")
    engine = sa.create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        from scheduler.db import sqlite_pragmas

        sa.event.listen(engine, "connect", sqlite_pragmas)  # the same tuning as the application's engine
    metadata.create_all(engine, checkfirst=True)
    app = Flask(__name__)

    @app.get("/hello")
    def hello() -> str:
        return "hello"

    @app.post("/insert")
    def insert() -> tuple[str, int]:
        with engine.begin() as conn:
            conn.execute(rows.insert().values(body="a row"))
        return "", 201

    return app


app = create_reference_app()
