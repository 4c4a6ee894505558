"""The report's trend chart: findings per run, stacked by severity, as inline SVG geometry.

The renderer gets the history as plain rows (``auditor.store.Store.trend``) from its caller;
it never opens the store itself, so a report can be rebuilt from any data and tested
without a database. Geometry is computed here and the template only prints numbers, so the
chart needs no script and no external resource (it prints and works offline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.model import Run, Severity

from ._common import format_time, severity_counts

#: Chart size in SVG user units (scaled to the page width by CSS).
WIDTH, HEIGHT = 720, 200
#: Room for the y axis labels (left) and the run labels (bottom).
LEFT, BOTTOM, TOP = 40, 28, 10
#: At most this many runs are drawn (the newest ones).
MAX_RUNS = 30


@dataclass(frozen=True)
class Bar:
    """One run's stacked bar: ``segments`` are ``(severity, y, height, count)``."""

    run_id: str
    label: str
    x: float
    width: float
    total: int
    waived: int
    complete: bool
    current: bool
    segments: tuple[tuple[str, float, float, int], ...]
    by_severity: Mapping[str, int]


@dataclass(frozen=True)
class Trend:
    """Everything the template needs to draw the chart and its table."""

    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline_y: float = HEIGHT - BOTTOM


def _current_row(run: Run) -> dict[str, Any]:
    active = [f for f in run.findings if f.status != "waived"]
    return {"id": run.id, "started_at": run.started_at, "complete": run.complete,
            "by_severity": severity_counts(active),
            "waived": sum(1 for f in run.findings if f.status == "waived")}


def _nice_max(value: int) -> int:
    """The smallest 1/2/5 × 10ⁿ at or above ``value`` (so the axis ticks are round)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def build_trend(run: Run, history: Sequence[Mapping[str, Any]] | None) -> Trend | None:
    """The chart for ``history`` (oldest first), ending with ``run``; ``None`` without history.

    The current run is taken from ``run`` itself (replacing its stored row if there is one),
    so the last bar always matches the report it sits in.
    """
    if history is None:
        return None
    rows = [dict(r) for r in history if r.get("id") != run.id]
    rows = [*rows, _current_row(run)][-MAX_RUNS:]
    totals = [sum(int(v) for v in r["by_severity"].values()) for r in rows]
    top = _nice_max(max([*totals, 1]))
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / len(rows)
    bar_w = min(slot * 0.7, 48.0)
    bars = []
    for i, (row, total) in enumerate(zip(rows, totals, strict=True)):
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = float(HEIGHT - BOTTOM)
        segments = []
        for sev in Severity:  # info at the bottom, critical on top
            n = int(row["by_severity"].get(sev.label, 0))
            if n:
                h = plot_h * n / top
                y -= h
                segments.append((sev.label, round(y, 2), round(h, 2), n))
        bars.append(Bar(
            run_id=str(row["id"]), label=format_time(row.get("started_at")), x=round(x, 2),
            width=round(bar_w, 2), total=total, waived=int(row.get("waived", 0)),
            complete=bool(row.get("complete", True)), current=row["id"] == run.id,
            segments=tuple(segments),
            by_severity={s.label: int(row["by_severity"].get(s.label, 0)) for s in Severity}))
    ticks = tuple((round(HEIGHT - BOTTOM - plot_h * v / top, 2), v) for v in (0, top // 2, top))
    return Trend(bars=tuple(bars), ticks=ticks)
