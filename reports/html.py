"""report.html: one self-contained file for people (marketing, brand, QA).

Inline CSS and JS only, screenshots embedded as data: URIs, a Content-Security-Policy that
forbids loading anything and runs only our own script (by hash). Captured content is
untrusted: Jinja2 autoescapes every value, captured URLs become links only for http(s),
captured HTML is shown as text.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

import auditor
from auditor.display import display_value
from auditor.model import BRAND_SUBJECT, Evidence, Finding, Observation, Run, Severity

from ._common import (
    NO_BASELINE,
    SEVERITIES_DESC,
    Comparison,
    attribute_label,
    compare_runs,
    duration_seconds,
    format_duration,
    format_time,
    header_counts,
    is_gating,
    run_locale,
    shorten,
    sort_findings,
    subject_name,
    waiver_info,
    write_text_atomic,
)
from .json import SCHEMA_VERSION
from .trend import build_trend

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
#: Above this many findings the report is "large": findings are rendered by our script a
#: chunk at a time and screenshots are linked from the sibling evidence/ folder (lazily
#: loaded) instead of embedded. Below it the report is one file, readable without script.
LAZY_FINDINGS = 500
#: Offers per matrix table; only the tables on screen are laid out (content-visibility).
MATRIX_CHUNK = 50

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


@lru_cache(maxsize=65536)
def _display_cached(attribute: str, value: Any, currency: str | None, period: str | None,
                    free_from: Any, locale: str) -> str:
    return display_value(Observation(id="", channel="", attribute=attribute, value=value,
                                     text="", evidence=Evidence(), currency=currency,
                                     period=period, free_from=free_from), locale)


def _display(obs: Observation, locale: str) -> str:
    """:func:`auditor.display.display_value` in the run's locale, memoised on what it
    reads: babel's currency formatting is the largest single cost of a 10,000-finding
    report."""
    try:
        return _display_cached(obs.attribute, obs.value, obs.currency, obs.period,
                               obs.free_from, locale)
    except TypeError:  # an unhashable value
        return display_value(obs, locale)


def _swatch(attribute: str, value: Any) -> str | None:
    """A validated ``#rrggbb`` to show as a colour swatch: the primary colour, or a logo's
    dominant colour (``"<phash> #RRGGBB"``)."""
    if not isinstance(value, str):
        return None
    if attribute == "logo":
        value = value.partition(" ")[2].strip()
    elif attribute != "color_primary":
        return None
    return value if _COLOUR.fullmatch(value) else None


class _Screenshots:
    """Reads evidence screenshots under ``out_dir`` once each.

    Embedded as data: URIs (the report is one file that can be mailed), or, for a large
    report, linked by relative path into the sibling ``evidence/`` folder and loaded lazily:
    2,000 crops referenced by 10,000 findings would otherwise be embedded many times over
    and make the file too big to open (see bench/README.md).
    """

    def __init__(self, out_dir: Path, *, embed: bool = True,
                 evidence_root: str | None = None) -> None:
        self.root = out_dir.resolve()
        self.embed = embed
        #: The folder the run wrote its evidence into (``Run.evidence_root``'s parent): a
        #: report written elsewhere from a stored run reads the screenshots from there.
        self.origin = Path(evidence_root).parent.resolve() if evidence_root else None
        self.cache: dict[str, tuple[str | None, str | None, tuple[int, int] | None]] = {}

    def get(self, rel: str | None) -> tuple[str | None, str | None, tuple[int, int] | None]:
        """``(src, note, (width, height))``: the image, or ``None`` and why it is not shown."""
        if not rel:
            return None, None, None
        if rel not in self.cache:
            self.cache[rel] = self._load(rel)
        return self.cache[rel]

    def _load(self, rel: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
        try:
            root = self.root
            path = (root / rel).resolve()
            if not path.is_relative_to(root):
                return None, "screenshot path outside the output folder; not embedded", None
            if not path.is_file() and self.origin is not None:
                root = self.origin
                path = (root / rel).resolve()
                if not path.is_relative_to(root):
                    return None, "screenshot path outside the evidence folder", None
            if not path.is_file():
                return None, "screenshot file missing", None
            if self.embed and path.stat().st_size > MAX_SCREENSHOT_BYTES:
                return None, "screenshot too large to embed", None
            with path.open("rb") as fh:
                data = fh.read() if self.embed else fh.read(24)
        except (OSError, ValueError) as exc:  # unreadable file, NUL in the path
            return None, f"screenshot not readable ({type(exc).__name__})", None
        if not data.startswith(_PNG_MAGIC) or len(data) < 24:
            return None, "screenshot is not a PNG file; not embedded", None
        size = (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
        if not self.embed:
            return quote(Path(os.path.relpath(path, self.root)).as_posix()), None, size
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), None, size


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
        label = "expanded"
        if s.collapsed:
            # The section's title is page text: the template escapes it like all text.
            label = f"in the closed section “{s.section}”" if s.section else \
                "in a collapsed element"
        items.append({"label": label, "warn": bool(s.collapsed and not s.section_names_it)})
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


#: How an observation's role on its page reads in the report.
ROLE_LABELS = {
    "main": "the page's own offer",
    "other": "another product's card or listing entry on the page",
    "chrome": "site chrome (header, footer, banners, text on most pages): applies channel-wide",
}


def _evidence_view(obs: Observation, shots: _Screenshots, locale: str) -> dict[str, Any]:
    ev = obs.evidence
    src, note, size = shots.get(ev.screenshot)
    return {
        "id": obs.id,
        "channel": obs.channel,
        "attribute": attribute_label(obs.attribute),
        "value": _display(obs, locale),
        "swatch": _swatch(obs.attribute, obs.value),
        "text": _text_view(obs.text),
        "subject_hints": list(obs.subject_hints),
        "source": obs.source,
        "match": obs.match,
        "role": obs.role,
        "role_label": ROLE_LABELS.get(obs.role or "", obs.role),
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
        "screenshot": src,
        "screenshot_note": note,
        "screenshot_size": size,
        "screenshot_lazy": not shots.embed,
    }


def _finding_view(
    run: Run,
    finding: Finding,
    observations: dict[str, Observation],
    shots: _Screenshots,
    fail_on: Severity | None,
    baseline: AbstractSet[str] = NO_BASELINE,
    locale: str = "en_GB",
) -> dict[str, Any]:
    evidence, missing = [], []
    for obs_id in finding.observations:
        obs = observations.get(obs_id)
        if obs is None:
            missing.append(obs_id)
        else:
            evidence.append(_evidence_view(obs, shots, locale))
    reference = [_evidence_view(observations[i], shots, locale) for i in finding.reference
                 if i in observations]
    reference_logo = None
    if finding.attribute == "logo" and run.reference_logo:
        src, note, size = shots.get(run.reference_logo)
        reference_logo = {"src": src, "note": note, "size": size,
                          "lazy": not shots.embed}
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
        # The second capture pass: True reproduced, False did not (never gates), None not
        # re-checked (chat-only findings, screenshots off, page unreachable).
        "confirmed": finding.confirmed,
        "confirmation": finding.confirmation or "",
        # Who accepted it, why and until when (or whose waiver lapsed).
        "waiver": waiver_info(finding, locale),
        "gating": is_gating(finding, fail_on, baseline),
        "baselined": finding.fingerprint in baseline,
        "subject": finding.subject,
        "subject_name": subject_name(run, finding.subject),
        "attribute": finding.attribute,
        "attribute_label": attribute_label(finding.attribute),
        "channels": list(finding.channels),
        "channels_json": json.dumps(list(finding.channels), ensure_ascii=False),
        "message": finding.message,
        "value_pairs": list(finding.values.items()),
        "evidence": evidence,
        # Side by side: what the finding is measured against, then what was captured.
        "reference": reference,
        "reference_logo": reference_logo,
        "compare": [ev for ev in evidence if ev["screenshot"]][:3],
        "missing_observations": missing,
    }


def _matrix(run: Run, columns: list[str], locale: str) -> list[dict[str, Any]]:
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
                    text = shorten(_display(o, locale), MATRIX_VALUE_LIMIT)
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
    history: Sequence[Mapping[str, Any]] | None = None,
    baseline: AbstractSet[str] = NO_BASELINE,
    lazy: bool | None = None,
    history_href: str | None = None,
) -> str:
    """The report.html text for ``run``; screenshots are read from ``out_dir``.

    ``history`` is the run history of the same config, oldest first, as
    :meth:`auditor.store.Store.trend` returns it (the trend chart); ``baseline`` the
    fingerprints of a ``--baseline`` file, which are shown but do not gate. ``lazy``
    forces the large-report mode on or off (default: more than :data:`LAZY_FINDINGS`);
    ``history_href`` links the audit's history page (``omniaudit history --html``).
    """
    if lazy is None:
        lazy = len(run.findings) > LAZY_FINDINGS
    shots = _Screenshots(Path(out_dir), embed=not lazy, evidence_root=run.evidence_root)
    observations = {o.id: o for o in run.observations}
    columns = list(dict.fromkeys([*run.channels, *(o.channel for o in run.observations)]))

    locale = run_locale(run)
    ordered = sort_findings(run.findings)
    views = [_finding_view(run, f, observations, shots, fail_on, baseline, locale)
             for f in ordered]
    active = [v for v in views if v["status"] != "waived"]
    errors_by_sev = {
        sev.label: [v for v in active if v["level"] != "warn" and v["severity"] == sev.label]
        for sev in SEVERITIES_DESC
    }
    comparison: Comparison | None = compare_runs(run, previous)
    # Every count in the header comes from this one computation, so they agree.
    tally = header_counts(run, comparison, fail_on, baseline)
    script, script_hash = _script()
    warn_findings = [v for v in active if v["level"] == "warn"]
    waived_findings = [v for v in views if v["status"] == "waived"]
    payload = None
    if lazy:
        payload = _lazy_payload([
            *((f"sev-{sev}", v) for sev, items in errors_by_sev.items() for v in items),
            *(("warnings", v) for v in warn_findings),
            *(("waived", v) for v in waived_findings),
        ])

    context = {
        "history_href": history_href,
        "lazy": lazy,
        "matrix_chunk": MATRIX_CHUNK,
        "lazy_payload": payload,
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
        "tally": tally,
        "counts": tally.by_severity,
        "gating": tally.gating,
        "error_level": tally.error_level,
        "baseline_size": len(baseline),
        "baselined": tally.baselined,
        "trend": build_trend(run, history),
        "fail_on": fail_on.label if fail_on is not None else None,
        "comparison": comparison,
        "locale": locale,
        "locale_tag": locale.replace("_", "-"),
        "locale_configured": bool(run.locale),
        "resolved": [
            {"check": f.check, "subject_name": subject_name(run, f.subject),
             "attribute": attribute_label(f.attribute), "severity": f.severity.label}
            for f in (comparison.resolved if comparison else ())
        ],
        "unverified": [
            {"check": f.check, "subject_name": subject_name(run, f.subject),
             "attribute": attribute_label(f.attribute), "severity": f.severity.label,
             "channels": ", ".join(f.channels)}
            for f in (comparison.unverified if comparison else ())
        ],
        "columns": columns,
        "matrix": _matrix(run, columns, locale),
        "groups": [(sev, items) for sev, items in errors_by_sev.items() if items],
        "warn_findings": warn_findings,
        "waived_findings": waived_findings,
        "expired_waivers": [v for v in active if v["waiver"] and v["waiver"]["expired"]],
        "total_findings": tally.total,
        "filter_checks": sorted({f.check for f in run.findings}),
        "filter_channels": [c for c in columns if any(c in f.channels for f in run.findings)],
        "filter_subjects": _options(
            (f.subject, subject_name(run, f.subject)) for f in ordered
        ),
        "unmatched": [_evidence_view(o, shots, locale) for o in run.unmatched],
        "version": auditor.__version__,
        "schema_version": SCHEMA_VERSION,
        "script": script,
        "script_hash": script_hash,
    }
    return _environment().get_template("report.html.j2").render(context)


_INDENT = re.compile(r"\n\s+<")


def _lazy_payload(grouped: Iterable[tuple[str, dict[str, Any]]]) -> Markup:
    """The large report's findings as JSON rows for our script, safe inside ``<script>``.

    Each row is ``[group, rank, check, subject, channels, html]``; the html is the finding
    exactly as the template renders it (autoescaped; indentation dropped, which only ever
    precedes a tag since captured ``<`` is escaped). The JSON is gzip-compressed and
    base64-encoded: finding markup is repetitive, so the HTML parser reads a tenth of the
    bytes (bench/README.md), and base64 has no character that could end the script element.
    The browser never executes this block (a data type), and the CSP would refuse it anyway.
    """
    macro = _environment().get_template("macros.html.j2").module.finding_article  # type: ignore[attr-defined]
    rows = [[group, view["rank"], view["check"], view["subject"], view["channels"],
             _INDENT.sub("\n<", str(macro(view)))] for group, view in grouped]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0))
    return Markup(packed.decode("ascii"))


def write_html(
    run: Run,
    path: Path,
    *,
    previous: Run | None = None,
    fail_on: Severity | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
    baseline: AbstractSet[str] = NO_BASELINE,
    history_href: str | None = None,
) -> Path:
    """Write report.html for ``run`` to ``path``; evidence is read from ``path``'s folder."""
    return write_text_atomic(
        path, render_html(run, path.parent, previous=previous, fail_on=fail_on,
                          history=history, baseline=baseline, history_href=history_href)
    )
