"""The application as the benchmark serves it: `create_app` with the overrides in BENCH_APP_OVERRIDES (JSON)."""

from __future__ import annotations

import json
import os

from scheduler import create_app

app = create_app(json.loads(os.environ.get("BENCH_APP_OVERRIDES", "{}")))
