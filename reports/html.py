"""report.html: one self-contained file for people (marketing, brand, QA).

Inline CSS and JS only, screenshots embedded as data: URIs, a Content-Security-Policy that
forbids loading anything and runs only our own script (by hash). Captured content is
untrusted: Jinja2 autoescapes every value, captured URLs become links only for http(s),
captured HTML is shown as text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

import auditor
from auditor.display import display_value
from auditor.model import BRAND_SUBJECT, Finding, Observation, Run, Severity

from ._common import (
    SEVERITIES_DESC,
    Comparison,
    attribute_label,
    compare_runs,
    duration_seconds,
    failing_findings,
    format_duration,
    format_time,
    gating_findings,
    is_gating,
    severity_counts,
    shorten,
    sort_findings,
    subject_name,
    write_text_atomic,
)
from .json import SCHEMA_VERSION

#: Attributes listed in the offer-by-channel matrix, in this order.
MATRIX_ATTRIBUTES: tuple[str, ...] = (
    "monthly_price",
    "promo_price",
    "activation_fee",
    "contract_months",
    "offer_ends",
    "offer",
    "logo",
    "color_primary",
    "brand_name",
)
#: Longest value shown in a matrix cell (offers are shortened).
MATRIX_VALUE_LIMIT = 60
#: Captured text longer than this is shown cut, with the whole text behind a disclosure.
TEXT_PREVIEW_LIMIT = 600
#: Screenshots larger than this are not embedded.
MAX_SCREENSHOT_BYTES = 8 * 1024 * 1024
#: Font sizes below this are flagged as fine print.
SMALL_FONT_PX = 12.0

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def safe_href(url: str | None) -> str | None:
    """``url`` when it is a plain absolute http(s) URL, else ``None`` (shown as text only).

    Strict on purpose: any whitespace, control character or backslash disqualifies it, so no
    browser URL-parsing quirk can turn it into another scheme.
    """
    if not url or len(url) > 4096 or _URL_FORBIDDEN.search(url):
        return None
    lower = url.lower()
    if not (lower.startswith("http://") or lower.startswith("https://")):
        return None
    host = url.split("//", 1)[1].split("/", 1)[0]
    return url if host and not host.startswith(("@", ":")) else None


def _swatch(attribute: str, value: Any) -> str | None:
    if attribute == "color_primary" and isinstance(value, str) and _COLOUR.fullmatch(value):
        return value
    return None


class _Screenshots:
    """Reads evidence screenshots under ``out_dir`` once each, as data: URIs."""

    def __init__(self, out_dir: Path) -> None:
        self.root = out_dir.resolve()
        self.cache: dict[str, tuple[str | None, str | None]] = {}

    def get(self, rel: str | None) -> tuple[str | None, str | None]:
        """``(data_uri, note)``: the image, or ``None`` and why it is not shown."""
        if not rel:
            return None, None
        if rel not in self.cache:
            self.cache[rel] = self._load(rel)
        return self.cache[rel]

    def _load(self, rel: str) -> tuple[str | None, str | None]:
        try:
            path = (self.root / rel).resolve()
            if not path.is_relative_to(self.root):
                return None, "screenshot path outside the output folder; not embedded"
            if not path.is_file():
                return None, "screenshot file missing"
            if path.stat().st_size > MAX_SCREENSHOT_BYTES:
                return None, "screenshot too large to embed"
            data = path.read_bytes()
        except (OSError, ValueError) as exc:  # unreadable file, NUL in the path
            return None, f"screenshot not readable ({type(exc).__name__})"
        if not data.startswith(_PNG_MAGIC):
            return None, "screenshot is not a PNG file; not embedded"
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), None


def _text_view(text: str | None) -> dict[str, Any]:
    text = text or ""
    return {
        "full": text,
        "preview": text if len(text) <= TEXT_PREVIEW_LIMIT else text[:TEXT_PREVIEW_LIMIT] + "…",
        "long": len(text) > TEXT_PREVIEW_LIMIT,
        "length": len(text),
    }


def _shown_view(obs: Observation) -> list[dict[str, Any]]:
    s = obs.shown
    items: list[dict[str, Any]] = []
    if s.visible is not None:
        items.append({"label": "visible" if s.visible else "hidden", "warn": not s.visible})
    if s.collapsed is not None:
        items.append(
            {"label": "in a collapsed element" if s.collapsed else "expanded", "warn": s.collapsed}
        )
    if s.font_px is not None:
        small = s.font_px < SMALL_FONT_PX
        items.append({"label": f"font {s.font_px:g} px" + (" (fine print)" if small else ""),
                      "warn": small})
    if s.contrast is not None:
        low = s.contrast < 4.5
        items.append({"label": f"contrast {s.contrast:.1f}:1" + (" (low)" if low else ""),
                      "warn": low})
    if s.above_fold is not None:
        items.append({"label": "above the fold" if s.above_fold else "below the fold",
                      "warn": False})
    return items


def _evidence_view(obs: Observation, shots: _Screenshots) -> dict[str, Any]:
    ev = obs.evidence
    data_uri, note = shots.get(ev.screenshot)
    return {
        "id": obs.id,
        "channel": obs.channel,
        "attribute": attribute_label(obs.attribute),
        "value": display_value(obs),
        "text": _text_view(obs.text),
        "subject_hints": list(obs.subject_hints),
        "source": obs.source,
        "match": obs.match,
        "shown": _shown_view(obs),
        "url": ev.url,
        "href": safe_href(ev.url),
        "selector": ev.selector,
        "viewport": ev.viewport,
        "html": _text_view(ev.html) if ev.html else None,
        "transcript": ev.transcript,
        "line": ev.line,
        "speaker": ev.speaker,
        "timestamp": ev.timestamp,
        "screenshot": data_uri,
        "screenshot_note": note,
    }


def _finding_view(
    run: Run,
    finding: Finding,
    observations: dict[str, Observation],
    shots: _Screenshots,
    fail_on: Severity | None,
) -> dict[str, Any]:
    evidence, missing = [], []
    for obs_id in finding.observations:
        obs = observations.get(obs_id)
        if obs is None:
            missing.append(obs_id)
        else:
            evidence.append(_evidence_view(obs, shots))
    return {
        "anchor": "f-" + re.sub(r"[^A-Za-z0-9_-]", "", finding.fingerprint),
        "fingerprint": finding.fingerprint,
        "check": finding.check,
        "check_title": run.checks[finding.check].title if finding.check in run.checks else "",
        "check_rationale": (run.checks[finding.check].rationale
                            if finding.check in run.checks else ""),
        "severity": finding.severity.label,
        "rank": int(finding.severity),
        "level": finding.level,
        "status": finding.status,
        "gating": is_gating(finding, fail_on),
        "subject": finding.subject,
        "subject_name": subject_name(run, finding.subject),
        "attribute": finding.attribute,
        "attribute_label": attribute_label(finding.attribute),
        "channels": list(finding.channels),
        "channels_json": json.dumps(list(finding.channels), ensure_ascii=False),
        "message": finding.message,
        "value_pairs": list(finding.values.items()),
        "evidence": evidence,
        "missing_observations": missing,
    }


def _matrix(run: Run, columns: list[str]) -> list[dict[str, Any]]:
    """Rows of the offer-by-channel matrix."""
    flagged: dict[tuple[str, str, str], list[str]] = {}
    finding_attrs: dict[str, set[str]] = {}
    for f in run.findings:
        finding_attrs.setdefault(f.subject, set()).add(f.attribute)
        for ch in f.channels:
            checks = flagged.setdefault((f.subject, f.attribute, ch), [])
            if f.check not in checks:
                checks.append(f.check)

    values: dict[tuple[str, str, str], list[Observation]] = {}
    observed_attrs: dict[str, set[str]] = {}
    for o in run.observations:
        if o.subject is None:
            continue
        values.setdefault((o.subject, o.channel, o.attribute), []).append(o)
        if o.attribute in MATRIX_ATTRIBUTES:
            observed_attrs.setdefault(o.subject, set()).add(o.attribute)

    subjects = list(dict.fromkeys(run.subjects))
    extra = {o.subject for o in run.observations if o.subject} | set(finding_attrs)
    subjects += sorted(extra - set(subjects) - {BRAND_SUBJECT})
    subjects.append(BRAND_SUBJECT)

    rows = []
    for subject in subjects:
        wanted = observed_attrs.get(subject, set()) | finding_attrs.get(subject, set())
        attrs = [a for a in MATRIX_ATTRIBUTES if a in wanted]
        attrs += sorted(wanted - set(MATRIX_ATTRIBUTES))
        if subject == BRAND_SUBJECT and not attrs:
            continue
        cells = []
        for channel in columns:
            items = []
            for attr in attrs:
                shown: list[dict[str, Any]] = []
                for o in values.get((subject, channel, attr), []):
                    text = shorten(display_value(o), MATRIX_VALUE_LIMIT)
                    if not any(v["text"] == text for v in shown):
                        shown.append({"text": text, "swatch": _swatch(attr, o.value)})
                checks = flagged.get((subject, attr, channel), [])
                items.append(
                    {"attribute": attr, "label": attribute_label(attr), "shown": shown,
                     "checks": checks}
                )
            cells.append(
                {"channel": channel, "entries": items, "flagged": any(i["checks"] for i in items)}
            )
        rows.append({"subject": subject, "name": subject_name(run, subject), "cells": cells})
    return rows


def _options(values: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(values))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@cache
def _script() -> tuple[Markup, str]:
    """Our inline script and its CSP hash source (the only script the report may run)."""
    code = _environment().get_template("report.js.j2").render()
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii")
    return Markup(code), f"'sha256-{digest}'"


def render_html(
    run: Run,
    out_dir: Path,
    *,
    previous: Run | None = None,
    fail_on: Severity | None = None,
) -> str:
    """The report.html text for ``run``; screenshots are read from ``out_dir``."""
    shots = _Screenshots(Path(out_dir))
    observations = {o.id: o for o in run.observations}
    columns = list(dict.fromkeys([*run.channels, *(o.channel for o in run.observations)]))

    ordered = sort_findings(run.findings)
    views = [_finding_view(run, f, observations, shots, fail_on) for f in ordered]
    errors_by_sev = {
        sev.label: [v for v in views if v["level"] != "warn" and v["severity"] == sev.label]
        for sev in SEVERITIES_DESC
    }
    comparison: Comparison | None = compare_runs(run, previous)
    statuses = {s: sum(1 for f in run.findings if f.status == s)
                for s in ("new", "persisting", "waived")}
    script, script_hash = _script()

    context = {
        "run": run,
        "started": format_time(run.started_at),
        "finished": format_time(run.finished_at),
        "duration": format_duration(duration_seconds(run)),
        "complete": run.complete,
        "channels": [
            {"name": name, "kind": ch.kind, "device": ch.device, "pages_ok": ch.pages_ok,
             "pages_failed": ch.pages_failed, "pages_skipped": ch.pages_skipped,
             "max_failures": ch.max_failures,
             "complete": ch.complete,
             "errors": list(ch.errors)}
            for name, ch in run.channels.items()
        ],
        "severities": [(s.label, int(s)) for s in SEVERITIES_DESC],
        "counts": severity_counts(run.findings),
        "gating": len(gating_findings(run, fail_on)),
        "error_level": len(failing_findings(run, fail_on)),
        "fail_on": fail_on.label if fail_on is not None else None,
        "statuses": statuses,
        "comparison": comparison,
        "resolved": [
            {"check": f.check, "subject_name": subject_name(run, f.subject),
             "attribute": attribute_label(f.attribute), "severity": f.severity.label}
            for f in (comparison.resolved if comparison else ())
        ],
        "columns": columns,
        "matrix": _matrix(run, columns),
        "groups": [(sev, items) for sev, items in errors_by_sev.items() if items],
        "warn_findings": [v for v in views if v["level"] == "warn"],
        "total_findings": len(views),
        "filter_checks": sorted({f.check for f in run.findings}),
        "filter_channels": [c for c in columns if any(c in f.channels for f in run.findings)],
        "filter_subjects": _options(
            (f.subject, subject_name(run, f.subject)) for f in ordered
        ),
        "unmatched": [_evidence_view(o, shots) for o in run.unmatched],
        "version": auditor.__version__,
        "schema_version": SCHEMA_VERSION,
        "script": script,
        "script_hash": script_hash,
    }
    return _environment().get_template("report.html.j2").render(context)


def write_html(
    run: Run,
    path: Path,
    *,
    previous: Run | None = None,
    fail_on: Severity | None = None,
) -> Path:
    """Write report.html for ``run`` to ``path``; evidence is read from ``path``'s folder."""
    return write_text_atomic(
        path, render_html(run, path.parent, previous=previous, fail_on=fail_on)
    )
