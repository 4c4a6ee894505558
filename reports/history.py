"""``omniaudit history --html``: one self-contained page per audit.

The page lists every run (started, complete or not, findings by severity, new, resolved,
the gate it ended with, links to its report and to its diff against the previous run) and
draws the trend of open findings per check and per offer as inline SVG bars. Like every
report it only reads what its caller passes — rows from the store, never the store
itself — escapes everything, runs no script and loads nothing (a CSP that allows no
source), so it can be mailed or published as it is.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.model import Severity

from ._common import format_time, write_text_atomic
from .diff import diff_documents, render_diff_html
from .html import _environment

#: One bar of a trend row, in SVG user units.
BAR_WIDTH, BAR_GAP, ROW_HEIGHT = 10, 3, 28
#: The file name of an audit's history page inside its folder.
PAGE_NAME = "index.html"


@dataclass(frozen=True)
class TrendRow:
    """One check's (or offer's) open findings per run, oldest first, as bar geometry:
    ``bars`` are ``(x, y, height, count, run id)``."""

    key: str
    label: str
    counts: tuple[int, ...]
    bars: tuple[tuple[int, float, float, int, str], ...]
    width: int
    height: int = ROW_HEIGHT

    @property
    def latest(self) -> int:
        return self.counts[-1] if self.counts else 0

    @property
    def change(self) -> int:
        """Latest minus first run's count (negative: fewer findings now)."""
        return self.latest - (self.counts[0] if self.counts else 0)


def trend_rows(runs: Sequence[str], counts: Mapping[str, Sequence[int]],
               labels: Mapping[str, str] | None = None) -> list[TrendRow]:
    """Bar geometry for :meth:`auditor.store.Store.finding_counts`: every row on the same
    scale (the largest count of any row fills the row's height), most findings now first."""
    top = max((max(c) for c in counts.values() if c), default=0) or 1
    rows = []
    for key, series in counts.items():
        bars = []
        for i, (n, run_id) in enumerate(zip(series, runs, strict=True)):
            h = round((ROW_HEIGHT - 2) * n / top, 2) if n else 1.0
            bars.append((i * (BAR_WIDTH + BAR_GAP), ROW_HEIGHT - h, h, n, run_id))
        rows.append(TrendRow(key, (labels or {}).get(key, key), tuple(series), tuple(bars),
                             max(len(runs) * (BAR_WIDTH + BAR_GAP) - BAR_GAP, 1)))
    return sorted(rows, key=lambda r: (-r.latest, -max(r.counts, default=0), r.key))


def page_folder(out_dir: Path, audit: str, taken: set[str] | None = None) -> Path:
    """The folder of an audit's page under ``out_dir``: the audit name made safe for a file
    name, with a short hash when another audit already took that name."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", audit).strip("-.").lower() or "audit"
    if taken is not None:
        if slug in taken:
            slug += "-" + hashlib.sha256(audit.encode("utf-8")).hexdigest()[:8]
        taken.add(slug)
    return out_dir / slug


def relative_href(target: Path, folder: Path) -> str:
    """A link from a page in ``folder`` to ``target``: relative, so a folder of reports and
    history pages can be moved or published whole (a file URI across drives)."""
    try:
        return Path(os.path.relpath(Path(target).resolve(), Path(folder).resolve())).as_posix()
    except ValueError:  # another drive
        return Path(target).resolve().as_uri()


def _gate_label(row: Mapping[str, Any]) -> str:
    gate = row.get("gate")
    if gate == "failed" and row.get("fail_on"):
        return f"failed at {row['fail_on']}"
    if gate == "passed":
        return f"passed at {row['fail_on']}" if row.get("fail_on") else "passed (no gate)"
    return gate or "not recorded"


def write_history_page(
    out_dir: Path,
    audit: str,
    rows: Sequence[Mapping[str, Any]],
    by_check: tuple[Sequence[str], Mapping[str, Sequence[int]]],
    by_subject: tuple[Sequence[str], Mapping[str, Sequence[int]]],
    *,
    document: Callable[[str], Mapping[str, Any]] | None = None,
    subject_names: Mapping[str, str] | None = None,
    store: str = "",
    generated_at: str = "",
    folder: Path | None = None,
) -> Path:
    """Write the history page of ``audit`` into ``folder`` (default: a folder named after
    the audit under ``out_dir``) and return its path.

    ``rows`` are :meth:`auditor.store.Store.history` rows, newest first; ``by_check`` and
    ``by_subject`` what :meth:`~auditor.store.Store.finding_counts` returns. With
    ``document`` (a run's stored findings.json body by id) each run that has a previous,
    uninterrupted run in ``rows`` also gets a diff page beside the history page. A run's
    report is linked when its folder is recorded and its ``report.html`` is on this machine.
    """
    page_dir = folder or page_folder(out_dir, audit)
    page_dir.mkdir(parents=True, exist_ok=True)
    if document is not None:  # each run is read twice in a row: as the newer, then the older
        document = functools.lru_cache(maxsize=2)(document)
    runs = []
    for i, row in enumerate(rows):
        report = Path(row["out_dir"]) / "report.html" if row.get("out_dir") else None
        earlier = next((r for r in rows[i + 1:] if not r.get("interrupted")), None)
        diff_href = None
        if document is not None and earlier is not None:
            name = f"diff-{re.sub(r'[^A-Za-z0-9._-]', '_', str(row['id']))}.html"
            result = diff_documents(document(str(earlier["id"])), document(str(row["id"])))
            write_text_atomic(page_dir / name, render_diff_html(result) + "\n")
            diff_href = name
        runs.append({
            **row,
            "started": format_time(row.get("started_at")),
            "state": ("interrupted" if row.get("interrupted") else
                      "complete" if row.get("complete") else "incomplete"),
            "gate_label": _gate_label(row),
            "report_href": relative_href(report, page_dir) if report and report.is_file() else None,
            "diff_href": diff_href,
            "previous_id": earlier["id"] if earlier else None,
        })
    context = {
        "audit": audit,
        "store": store,
        "generated": format_time(generated_at) if generated_at else "",
        "runs": runs,
        "severities": [s.label for s in sorted(Severity, reverse=True)],
        "checks": trend_rows(by_check[0], by_check[1]),
        "subjects": trend_rows(by_subject[0], by_subject[1], subject_names),
        "trend_runs": len(by_check[0]),
    }
    html = _environment().get_template("history.html.j2").render(**context)
    return write_text_atomic(page_dir / PAGE_NAME, html + "\n")
