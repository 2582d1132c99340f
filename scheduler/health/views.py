"""`GET /healthz`: 200 when the database answers and a worker beat recently, else 503. No personal data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from scheduler.extensions import db, limiter
from scheduler.health import heartbeat

health_bp = Blueprint("health", __name__)


@health_bp.get("/healthz")
@limiter.exempt
def healthz() -> ResponseReturnValue:
    report: dict[str, Any] = {"database": "ok", "worker": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
        age = heartbeat.last_beat_age()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        report.update(database="unreachable", worker="unknown")
    else:
        limit = current_app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"]
        if age is None:
            report["worker"] = "missing"
        else:
            report["worker_seconds_since_heartbeat"] = max(0, int(age.total_seconds()))
            if age.total_seconds() > limit:
                report["worker"] = "stale"
        if not current_app.config["HEALTHZ_REQUIRE_WORKER"] and report["worker"] != "ok":
            report["worker_required"] = False
    healthy = report["database"] == "ok" and (
        report["worker"] == "ok" or not current_app.config["HEALTHZ_REQUIRE_WORKER"]
    )
    report["status"] = "ok" if healthy else "unavailable"
    response = jsonify(report)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
