"""Copies every table of one database into another, row for row (the service-made data set, seeded once)."""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.extensions import db

CHUNK = 5000


def copy_all(source_url: str, target_url: str) -> dict[str, int]:
    source, target = sa.create_engine(source_url), sa.create_engine(target_url)
    copied: dict[str, int] = {}
    try:
        with source.connect() as read, target.begin() as write:
            for table in db.metadata.sorted_tables:
                rows = [dict(r) for r in read.execute(sa.select(table)).mappings()]
                for start in range(0, len(rows), CHUNK):
                    write.execute(table.insert(), rows[start : start + CHUNK])
                copied[table.name] = len(rows)
                if target.dialect.name == "postgresql" and "id" in table.c and rows:
                    write.execute(
                        sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)"),
                        {"t": table.name, "n": max(r["id"] for r in rows)},
                    )
            if target.dialect.name == "postgresql":
                write.execute(sa.text("ANALYZE"))
    finally:
        source.dispose()
        target.dispose()
    return copied
