"""One row per worker process, touched on every loop of the worker."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler.db import UTCDateTime
from scheduler.extensions import db


class WorkerHeartbeat(db.Model):
    __tablename__ = "worker_heartbeats"

    # "host:pid" of the worker process: no personal data.
    worker: so.Mapped[str] = so.mapped_column(sa.String(200), primary_key=True)
    beat_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), index=True)

    def __repr__(self) -> str:
        return f"<WorkerHeartbeat {self.worker}>"
