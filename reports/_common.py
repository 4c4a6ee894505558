"""Helpers shared by the renderers: gating (the model's rule), counts, run comparison,
value formatting.

Everything here only reads a finished :class:`auditor.model.Run`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date

from auditor.display import report_locale
from auditor.model import BRAND_SUBJECT, Finding, Run, Severity, is_gating

#: Severities from the most to the least serious, the order reports list them in.
SEVERITIES_DESC: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))


#: No baseline: every finding can gate.
NO_BASELINE: frozenset[str] = frozenset()


def is_failure(finding: Finding, fail_on: Severity | None,
               baseline: AbstractSet[str] = NO_BASELINE) -> bool:
    """Whether a finding is listed among the error-level ones in the HTML and Markdown.

    Error-level, not waived, not in the baseline and at or above ``fail_on``; every such
    finding when there is no ``fail_on`` (so an ungated run still shows what would fail).
    Gating itself is :func:`auditor.model.is_gating`.
    """
    if finding.level != "error" or finding.status == "waived":
        return False
    if finding.fingerprint in baseline:
        return False
    return fail_on is None or finding.severity >= fail_on


def gating_findings(run: Run, fail_on: Severity | None,
                    baseline: AbstractSet[str] = NO_BASELINE) -> list[Finding]:
    """The gating findings of a run, most severe first."""
    return sort_findings(f for f in run.findings if is_gating(f, fail_on, baseline))


def failing_findings(run: Run, fail_on: Severity | None,
                     baseline: AbstractSet[str] = NO_BASELINE) -> list[Finding]:
    """The findings :func:`is_failure` selects, most severe first."""
    return sort_findings(f for f in run.findings if is_failure(f, fail_on, baseline))


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; within a severity by check, subject and attribute."""
    return sorted(findings, key=lambda f: (-int(f.severity), f.check, f.subject, f.attribute))


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """``{"info": n, ..., "critical": n}`` in ascending order, zeros included."""
    counts = {s.label: 0 for s in Severity}
    for f in findings:
        counts[f.severity.label] += 1
    return counts


@dataclass(frozen=True)
class Comparison:
    """Fingerprints of this run compared with the previous run of the same config."""

    new: tuple[str, ...]
    persisting: tuple[str, ...]
    resolved: tuple[Finding, ...]
    #: Gone from this run, but one of their channels failed to capture this time: nobody
    #: looked, so they are not counted as resolved.
    unverified: tuple[Finding, ...] = ()


def compare_runs(run: Run, previous: Run | None) -> Comparison | None:
    """New / persisting fingerprints and the previous run's findings that are gone.

    A finding that disappeared only because its channel could not be captured this time is
    *unverified*, not resolved: claiming a fix that nobody saw would be a silent pass.
    """
    if previous is None:
        return None
    before = {f.fingerprint for f in previous.findings}
    now = {f.fingerprint for f in run.findings}
    failed = {name for name, ch in run.channels.items() if not ch.complete}
    gone = [f for f in previous.findings if f.fingerprint not in now]
    return Comparison(
        new=tuple(f.fingerprint for f in run.findings if f.fingerprint not in before),
        persisting=tuple(f.fingerprint for f in run.findings if f.fingerprint in before),
        resolved=tuple(f for f in gone if not failed.intersection(f.channels)),
        unverified=tuple(f for f in gone if failed.intersection(f.channels)),
    )


@dataclass(frozen=True)
class HeaderCounts:
    """Every count a report's header shows, from one pass over the run, so they agree.

    ``new + persisting == total`` (waived findings included: a waiver does not change
    whether a problem is new), ``waived`` is part of ``total``, and the severity counts add
    up to ``total``.
    """

    total: int
    by_severity: dict[str, int]
    #: Accepted in the waiver file: counted in ``total``, never gating.
    waived: int
    #: Covered by a waiver that has expired: they count and can gate again.
    waiver_expired: int
    new: int
    persisting: int
    resolved: int
    unverified: int
    #: Whether there was a previous run to compare with.
    compared: bool
    gating: int
    error_level: int
    baselined: int


def header_counts(run: Run, comparison: Comparison | None, fail_on: Severity | None,
                  baseline: AbstractSet[str] = NO_BASELINE) -> HeaderCounts:
    """The header's counts. New / persisting come from the comparison with the previous
    run when there is one, else from each finding's status (a waived finding, whose status
    no longer says, counts as new)."""
    findings = run.findings
    if comparison is not None:
        new, persisting = len(comparison.new), len(comparison.persisting)
    else:
        persisting = sum(1 for f in findings if f.status == "persisting")
        new = len(findings) - persisting
    return HeaderCounts(
        total=len(findings),
        by_severity=severity_counts(findings),
        waived=sum(1 for f in findings if f.status == "waived"),
        waiver_expired=sum(1 for f in findings if f.status != "waived" and f.waiver
                           and f.waiver.get("expired")),
        new=new,
        persisting=persisting,
        resolved=len(comparison.resolved) if comparison else 0,
        unverified=len(comparison.unverified) if comparison else 0,
        compared=comparison is not None,
        gating=sum(1 for f in findings if is_gating(f, fail_on, baseline)),
        error_level=sum(1 for f in findings if is_failure(f, fail_on, baseline)),
        baselined=sum(1 for f in findings if f.fingerprint in baseline),
    )


def run_locale(run: Run) -> str:
    """The babel locale the run's reports write values in: ``run.locale`` (config
    ``report.locale``), else en-GB for runs stored before it existed."""
    return report_locale(run.locale)


def format_day(value: Any, locale: str | None) -> str:
    """An ISO date (``"2027-03-31"``) as the locale writes it; other text unchanged."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(value) if value else "—"
    return format_date(day, format="medium", locale=report_locale(locale)).replace("\u00a0", " ")


def waiver_info(finding: Finding, locale: str | None) -> dict[str, Any] | None:
    """The waiver covering ``finding`` (or the expired one that did), for a reader:
    reason, owner, expiry (ISO and as the locale writes it), whether it expired, where."""
    w = finding.waiver
    if not w:
        return None
    expires = w.get("expires")
    return {
        "reason": str(w.get("reason") or "—"),
        "owner": str(w.get("owner") or "—"),
        "expires": str(expires) if expires else "",
        "expires_label": format_day(expires, locale) if expires else "no expiry given",
        "expired": bool(w.get("expired")),
        "where": str(w.get("where") or ""),
    }


def subject_name(run: Run, subject: str | None) -> str:
    """The display name of a subject id."""
    if subject is None:
        return "(unmatched)"
    if subject in run.subject_names:
        return run.subject_names[subject]
    if subject == BRAND_SUBJECT:
        return "Brand (site-wide)"
    return subject


def attribute_label(attribute: str) -> str:
    """``"monthly_price"`` → ``"monthly price"``."""
    return attribute.replace("_", " ")


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def format_time(value: str | None) -> str:
    dt = parse_time(value)
    return dt.isoformat(sep=" ", timespec="seconds") if dt else (value or "—")


def duration_seconds(run: Run) -> float | None:
    start, end = parse_time(run.started_at), parse_time(run.finished_at)
    if start is None or end is None or (start.tzinfo is None) != (end.tzinfo is None):
        return None
    return max((end - start).total_seconds(), 0.0)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{seconds:.1f} s" if seconds < 10 else f"{secs} s"


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (NUL, most C0 controls, lone surrogates)."""
    return _XML_INVALID.sub("\ufffd", text)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` as UTF-8 through a temporary file, so a retry overwrites cleanly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
