"""Geometry for the server-rendered SVG charts: pure functions from values to rectangles and ticks.

Templates draw the shapes (templates/counseling/_charts.html) and put every word through gettext; the numbers
are also in a table beside each chart, so the chart itself is decoration for screen readers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Datum:
    label: str
    value: float | None  # None: suppressed or nothing to show
    text: str  # the value as shown (already translated / formatted)
    suppressed: bool = False


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str
    suppressed: bool
    label_x: float
    label_y: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Tick:
    value: float
    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    label_step: int = 1  # label every n-th bar so labels never overlap


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above value (at least 1)."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _tick_text(value: float, percent: bool) -> str:
    return f"{round(value * 100)}%" if percent else f"{value:g}"


def columns(data: Sequence[Datum], *, width: int = 360, height: int = 220, ticks: int = 4) -> Chart:
    """Vertical bars, one per datum, labels under the bars. Suppressed data get a short placeholder bar."""
    left, right, top, bottom = 34.0, width - 8.0, 14.0, height - 40.0
    top_value = nice_max(max((d.value or 0 for d in data), default=0))
    slot = (right - left) / max(len(data), 1)
    bar_width = max(min(slot * 0.7, 48), 2)
    bars = []
    for index, datum in enumerate(data):
        x = left + index * slot + (slot - bar_width) / 2
        share = 0.08 if datum.suppressed else (datum.value or 0) / top_value  # a stub for suppressed values
        bar_height = (bottom - top) * share
        y = bottom - bar_height
        bars.append(
            Bar(x, y, bar_width, bar_height, datum.label, datum.text, datum.suppressed,
                x + bar_width / 2, bottom + 14, x + bar_width / 2, y - 4)
        )  # fmt: skip
    scale = [
        Tick(top_value * i / ticks, bottom - (bottom - top) * i / ticks, _tick_text(top_value * i / ticks, False))
        for i in range(ticks + 1)
    ]
    step = max(1, math.ceil(len(data) / 7))
    return Chart(width, height, bars, scale, left, right, top, bottom, step)


def rows(data: Sequence[Datum], *, percent: bool = False, width: int = 360, row_height: int = 34) -> Chart:
    """Horizontal bars, one per datum, labels above the bars; `percent` fixes the scale to 0–100 %."""
    left, right, top = 8.0, width - 56.0, 8.0
    top_value = 1.0 if percent else nice_max(max((d.value or 0 for d in data), default=0))
    bars = []
    for index, datum in enumerate(data):
        y = top + index * (row_height + 16) + 16
        share = 0.04 if datum.suppressed else min((datum.value or 0) / top_value, 1.0)
        bar_width = (right - left) * share
        bars.append(
            Bar(left, y, bar_width, row_height * 0.6, datum.label, datum.text, datum.suppressed,
                left, y - 4, left + bar_width + 6, y + row_height * 0.45)
        )  # fmt: skip
    height = int(top + len(data) * (row_height + 16) + 8)
    scale = [
        Tick(top_value * i / 4, left + (right - left) * i / 4, _tick_text(top_value * i / 4, percent)) for i in range(5)
    ]
    return Chart(width, height, bars, scale, left, right, top, float(height - 8))
