"""junit.xml: one test suite per check, one test case per finding, plus capture.

Gating findings (:func:`auditor.model.is_gating`, the rule behind the exit code: error-level
and at or above ``fail_on``; none without ``fail_on``) become ``<failure>``; waived findings
are ``<skipped>``; the rest carry their details in ``<system-out>``. Each channel appears as
``capture/<channel>`` under the suite ``omniaudit.capture``, with ``<error>`` when it failed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Set as AbstractSet
from pathlib import Path

from auditor.model import ChannelResult, Finding, Run, Severity

from ._common import (
    NO_BASELINE,
    duration_seconds,
    is_gating,
    shorten,
    sort_findings,
    write_text_atomic,
    xml_safe,
)

#: Longest ``message`` attribute; the full text is in the element body.
MESSAGE_LIMIT = 500


def _finding_body(finding: Finding) -> str:
    lines = [finding.message, ""]
    if finding.values:
        lines.append("values:")
        lines.extend(f"  {channel}: {value}" for channel, value in finding.values.items())
    lines += [
        f"severity: {finding.severity.label}",
        f"level: {finding.level}",
        f"status: {finding.status}",
        f"channels: {', '.join(finding.channels)}",
        f"observations: {', '.join(finding.observations)}",
        f"fingerprint: {finding.fingerprint}",
    ]
    return "\n".join(lines)


def _failure_message(finding: Finding) -> str:
    values = "; ".join(f"{c}: {v}" for c, v in finding.values.items())
    text = f"[{finding.severity.label}] {finding.message}" + (f" ({values})" if values else "")
    return shorten(text, MESSAGE_LIMIT)


def _capture_problem(channel: ChannelResult) -> str | None:
    if channel.complete:
        return None
    if channel.pages_failed:
        return f"{channel.pages_failed} page(s) of channel {channel.name!r} could not be captured"
    return f"channel {channel.name!r} captured nothing"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


def _suite(root: ET.Element, name: str, timestamp: str) -> ET.Element:
    return _el(root, "testsuite", name=name, timestamp=timestamp)


def _close_suite(suite: ET.Element) -> tuple[int, int, int, int]:
    cases = suite.findall("testcase")
    counts = (
        len(cases),
        sum(1 for c in cases if c.find("failure") is not None),
        sum(1 for c in cases if c.find("error") is not None),
        sum(1 for c in cases if c.find("skipped") is not None),
    )
    for key, n in zip(("tests", "failures", "errors", "skipped"), counts, strict=True):
        suite.set(key, str(n))
    return counts


def junit_tree(run: Run, *, fail_on: Severity | None = None,
               baseline: AbstractSet[str] = NO_BASELINE) -> ET.ElementTree:
    """The JUnit XML document of a run; findings in ``baseline`` pass (they are known)."""
    root = ET.Element("testsuites", {"name": xml_safe(f"omniaudit {run.config_name}")})
    duration = duration_seconds(run)
    if duration is not None:
        root.set("time", f"{duration:.3f}")
    suites: list[ET.Element] = []

    capture = _suite(root, "omniaudit.capture", run.started_at)
    suites.append(capture)
    for name, channel in run.channels.items():
        case = _el(capture, "testcase", classname="omniaudit.capture", name=f"capture/{name}")
        problem = _capture_problem(channel)
        errors = "\n".join(f"{e.target}: {e.reason}" for e in channel.errors)
        if problem is not None:
            _el(case, "error", errors or problem, message=shorten(problem, MESSAGE_LIMIT),
                type="capture")
        elif errors:  # failures within the channel's max_failures tolerance
            _el(case, "system-out", f"tolerated capture errors:\n{errors}")

    by_check: dict[str, ET.Element] = {}
    seen_names: dict[tuple[str, str], int] = {}
    for finding in sort_findings(run.findings):
        suite = by_check.get(finding.check)
        if suite is None:
            suite = by_check[finding.check] = _suite(
                root, f"omniaudit.{finding.check}", run.started_at
            )
            suites.append(suite)
        name = f"{finding.subject}/{finding.attribute}"
        n = seen_names[(finding.check, name)] = seen_names.get((finding.check, name), 0) + 1
        if n > 1:  # several findings of one check on one subject/attribute: keep names unique
            name = f"{name} #{finding.fingerprint[:8]}"
        case = _el(suite, "testcase", classname=f"omniaudit.{finding.check}", name=name)
        body = _finding_body(finding)
        if is_gating(finding, fail_on, baseline):
            message = _failure_message(finding)
            _el(case, "failure", body, message=message, type=finding.severity.label)
        elif finding.status == "waived":
            _el(case, "skipped", message=shorten(f"waived: {finding.message}", MESSAGE_LIMIT))
            _el(case, "system-out", body)
        elif finding.fingerprint in baseline:
            _el(case, "system-out", "in the baseline (known; does not gate)\n" + body)
        else:
            _el(case, "system-out", body)

    totals = [0, 0, 0, 0]
    for suite in suites:
        for i, n in enumerate(_close_suite(suite)):
            totals[i] += n
    for key, n in zip(("tests", "failures", "errors", "skipped"), totals, strict=True):
        root.set(key, str(n))
    ET.indent(root)
    return ET.ElementTree(root)


def render_junit(run: Run, *, fail_on: Severity | None = None,
                 baseline: AbstractSet[str] = NO_BASELINE) -> str:
    tree = junit_tree(run, fail_on=fail_on, baseline=baseline)
    return ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=True) + "\n"


def write_junit(run: Run, path: Path, *, fail_on: Severity | None = None,
                baseline: AbstractSet[str] = NO_BASELINE) -> Path:
    """Write junit.xml for ``run`` to ``path``."""
    return write_text_atomic(path, render_junit(run, fail_on=fail_on, baseline=baseline))
