"""Counselors and organizers: the session dashboard, attendance, curriculum topics, host continuity and the
program evaluation (aggregates only, small cells suppressed)."""
