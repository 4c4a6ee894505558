"""Omniaudit's report renderers: HTML, findings.json, JUnit XML and a Markdown summary.

Reports only read a finished :class:`auditor.model.Run`; they never capture or check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from auditor.model import Run, Severity

from ._common import write_text_atomic
from .history import relative_href
from .html import write_html
from .json import (
    SCHEMA_PATH,
    FindingsFileError,
    findings_document,
    load_baseline,
    load_findings,
    write_findings,
)
from .junit import write_junit
from .markdown import render_summary, write_step_summary

__all__ = [
    "SCHEMA_PATH",
    "FindingsFileError",
    "findings_document",
    "load_baseline",
    "load_findings",
    "write_reports",
    "write_step_summary",
]

#: File names inside the run's output folder, by report kind.
FILE_NAMES = {
    "html": "report.html",
    "json": "findings.json",
    "junit": "junit.xml",
    "markdown": "summary.md",
}


def write_reports(
    run: Run,
    out_dir: Path,
    *,
    previous: Run | None = None,
    fail_on: Severity | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
    baseline: AbstractSet[str] | None = None,
    history_page: Path | None = None,
) -> dict[str, Path]:
    """Write report.html, findings.json, junit.xml and summary.md into ``out_dir``.

    ``previous`` is the previous run of the same config (for new / persisting / resolved
    counts); ``fail_on`` is the ``--fail-on`` threshold that decides which findings gate;
    ``baseline`` the fingerprints of a ``--baseline`` file (known findings, never gating);
    ``history`` the config's run history, oldest first, as
    :meth:`auditor.store.Store.trend` returns it (the trend chart; none drawn without it).
    ``history_page`` is the audit's page written by ``omniaudit history --html``: the
    report links to it (relative to ``out_dir``) when given.
    Reports never open the store: the caller passes what they show.
    Screenshots are read from ``out_dir/evidence``. The Markdown summary is also appended
    to ``$GITHUB_STEP_SUMMARY`` when that variable is set. Returns the paths by kind.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    known = baseline if baseline is not None else frozenset()
    paths = {kind: out_dir / name for kind, name in FILE_NAMES.items()}
    write_findings(run, paths["json"], fail_on=fail_on, baseline=baseline)
    write_junit(run, paths["junit"], fail_on=fail_on, baseline=known)
    summary = render_summary(run, fail_on=fail_on, baseline=known)
    write_text_atomic(paths["markdown"], summary + "\n")
    write_html(run, paths["html"], previous=previous, fail_on=fail_on, history=history,
               baseline=known,
               history_href=relative_href(history_page, out_dir) if history_page else None)
    write_step_summary(summary)
    return paths
