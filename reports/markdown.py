"""summary.md: a short Markdown summary for a pull request or a CI step summary."""

from __future__ import annotations

import os
import re
from collections.abc import Set as AbstractSet
from pathlib import Path

from auditor.model import Finding, Run, Severity

from ._common import (
    NO_BASELINE,
    SEVERITIES_DESC,
    attribute_label,
    failing_findings,
    gating_findings,
    header_counts,
    severity_counts,
    shorten,
    sort_findings,
    subject_name,
    waiver_info,
)

#: Gating findings listed in full; the rest are counted.
MAX_FINDINGS = 20
#: Longest table cell, in characters.
CELL_LIMIT = 200

# C0/C1 controls and the Unicode bidi embedding/override/isolate controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def md_escape(text: object, limit: int = CELL_LIMIT) -> str:
    """Captured text made inert for one line or table cell of GitHub Markdown.

    Newlines collapse to spaces, ``|`` and other Markdown punctuation are backslash-escaped,
    ``<``/``>``/``&`` become entities (no raw HTML), ``@`` cannot mention anyone.
    """
    text = _CONTROLS.sub("", str(text))
    text = shorten(text, limit)  # also collapses newlines and runs of whitespace
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@\u200b")


def render_summary(run: Run, *, fail_on: Severity | None = None,
                   baseline: AbstractSet[str] = NO_BASELINE) -> str:
    """The Markdown summary of a run; findings in ``baseline`` are counted, never listed."""
    gating = gating_findings(run, fail_on, baseline)
    # With a threshold these are the gating findings; without one (no gate), the error-level
    # findings, which are still what a reviewer should look at first.
    listed = failing_findings(run, fail_on, baseline)
    kind = "gating" if fail_on is not None else "error-level"
    name = md_escape(run.config_name, 80)
    if not run.complete:
        title = f"## ❌ Omniaudit incomplete: {name}"
    elif gating:
        title = (f"## ❌ Omniaudit failed: {name} — {len(gating)} gating finding(s) "
                 f"at or above {fail_on.label}")
    elif fail_on is None:
        title = f"## ✅ Omniaudit passed: {name} (no --fail-on gate)"
    else:
        title = f"## ✅ Omniaudit passed: {name}"
    out = [title, ""]
    if not run.complete:
        out += [
            "> [!WARNING]",
            "> **Audit incomplete** — a channel could not be captured; this run cannot pass.",
            "",
        ]
    threshold = f"severity ≥ {fail_on.label}" if fail_on is not None else "none"
    out += [
        f"Run {md_escape(run.id, 60)} · {len(run.channels)} channel(s) · "
        f"{len(run.observations)} observation(s) · gate: {threshold}"
        + (f" · {sum(1 for f in run.findings if f.fingerprint in baseline)} known finding(s) "
           "in the baseline do not gate" if baseline else ""),
        "",
        f"| severity | findings | {kind} |",
        "|---|---:|---:|",
    ]
    tally = header_counts(run, None, fail_on, baseline)
    counted = severity_counts(listed)
    for sev in SEVERITIES_DESC:
        out.append(f"| {sev.label} | {tally.by_severity[sev.label]} | {counted[sev.label]} |")
    out.append(f"| **total** | **{tally.total}** | **{len(listed)}** |")
    out.append("")
    if tally.waived:
        verb = "is" if tally.waived == 1 else "are"
        out += [f"{tally.waived} of the {tally.total} findings {verb} waived: counted above, "
                "never gating. Who accepted them, why and until when: *Waived findings* below.",
                ""]

    if listed:
        heading = "Gating findings" if fail_on is not None else "Error-level findings (no gate)"
        out += [
            f"### {heading}",
            "",
            "| severity | check | subject | attribute | channels | message |",
            "|---|---|---|---|---|---|",
        ]
        for f in listed[:MAX_FINDINGS]:
            cells = [
                f.severity.label,
                md_escape(f.check, 60),
                md_escape(subject_name(run, f.subject), 60),
                md_escape(attribute_label(f.attribute), 40),
                md_escape(", ".join(f.channels), 80),
                md_escape(f.message),
            ]
            out.append("| " + " | ".join(cells) + " |")
        if len(listed) > MAX_FINDINGS:
            out.append("")
            out.append(
                f"…and {len(listed) - MAX_FINDINGS} more {kind} finding(s); "
                "see report.html or findings.json."
            )
        out.append("")

    waived = sort_findings(f for f in run.findings if f.status == "waived")
    expired = sort_findings(f for f in run.findings if f.status != "waived" and f.waiver
                            and f.waiver.get("expired"))
    if waived:
        out += ["### Waived findings", "",
                "Accepted in the waiver file; they never gate until the waiver expires.", ""]
        out += _waiver_table(run, waived, "expires")
    if expired:
        out += ["### Expired waivers", "",
                "These waivers have run out: their findings count again.", ""]
        out += _waiver_table(run, expired, "expired")

    errors = [e for ch in run.channels.values() for e in ch.errors]
    empty = [n for n, ch in run.channels.items() if not ch.complete and not ch.errors]
    if errors or empty:
        out += ["### Capture errors", ""]
        out += [
            f"- **{md_escape(e.channel, 60)}** — {md_escape(e.target)}: {md_escape(e.reason)}"
            for e in errors
        ]
        out += [f"- **{md_escape(n, 60)}** — nothing was captured" for n in empty]
        out.append("")
    return "\n".join(out)


def _waiver_table(run: Run, findings: list[Finding], when: str) -> list[str]:
    """A Markdown table of findings with their waiver's reason, owner and expiry."""
    out = [f"| severity | check | subject | attribute | reason | owner | {when} |",
           "|---|---|---|---|---|---|---|"]
    for f in findings[:MAX_FINDINGS]:
        w = waiver_info(f, run.locale) or {"reason": "not recorded", "owner": "—",
                                           "expires_label": "—"}
        cells = [
            f.severity.label,
            md_escape(f.check, 60),
            md_escape(subject_name(run, f.subject), 60),
            md_escape(attribute_label(f.attribute), 40),
            md_escape(w["reason"]),
            md_escape(w["owner"], 80),
            md_escape(w["expires_label"], 40),
        ]
        out.append("| " + " | ".join(cells) + " |")
    if len(findings) > MAX_FINDINGS:
        out += ["", f"…and {len(findings) - MAX_FINDINGS} more; see report.html or "
                    "findings.json."]
    out.append("")
    return out


def write_step_summary(md: str) -> Path | None:
    """Append ``md`` to ``$GITHUB_STEP_SUMMARY`` when that variable is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8", errors="replace") as fh:
        fh.write(md.rstrip("\n") + "\n\n")
    return path

