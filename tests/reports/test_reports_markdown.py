"""summary.md: verdict, counts, gating findings, capture errors, escaping, step summary."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.model import ChannelResult, Run, Severity
from reports import write_reports, write_step_summary
from reports.markdown import md_escape, render_summary


def _rows(md: str, header: str) -> list[str]:
    lines = md.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_summary_of_incomplete_run(written: dict[str, Path]) -> None:
    md = written["markdown"].read_text(encoding="utf-8")
    assert md.startswith("## ❌ Omniaudit incomplete: Nordtel production\n")
    assert "**Audit incomplete** — a channel could not be captured; this run cannot pass." in md
    assert _rows(md, "| severity | findings | gating |") == [
        "| critical | 1 | 1 |", "| high | 2 | 1 |", "| medium | 2 | 2 |", "| low | 2 | 1 |",
        "| info | 1 | 0 |", "| **total** | **8** | **5** |",
    ]
    gating = _rows(md, "| severity | check | subject | attribute | channels | message |")
    assert [r.split(" | ")[1] for r in gating] == [
        "fee-only-in-chat", "price-mismatch", "campaign-missing", "contract-mismatch",
        "logo-mismatch"]
    assert "- **mobile** — https://m.nordtel.example/yritys: Timeout 30000 ms" in md


def test_summary_escapes_captured_text(run: Run) -> None:
    md = render_summary(run)
    row = next(r for r in md.splitlines() if "campaign-missing" in r)
    # six cells: no captured pipe or newline splits the row
    assert len(re.split(r"(?<!\\)\|", row)) == 6 + 2
    assert r"\| shown on two lines" in row
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in row
    assert md_escape("a|b\nc @team <b>") == "a\\|b c @\u200bteam &lt;b&gt;"
    assert md_escape("\u202eevil\u202c") == "evil"


def test_summary_verdicts_and_list_limit(run: Run, run_factory) -> None:
    complete = {n: replace(c, pages_failed=0, errors=()) for n, c in run.channels.items()}
    ok = replace(run, channels=complete,
                 findings=tuple(f for f in run.findings if f.level == "warn"))
    md = render_summary(ok, fail_on=Severity.INFO)
    assert md.startswith("## ✅ Omniaudit passed: Nordtel production\n")
    assert "incomplete" not in md and "### Gating findings" not in md

    # without --fail-on nothing gates (as the exit code says); error-level findings are listed
    md = render_summary(replace(run, channels=complete))
    assert md.startswith("## ✅ Omniaudit passed: Nordtel production (no --fail-on gate)\n")
    assert "| severity | findings | error-level |" in md
    assert len(_rows(md, "| severity | check | subject | attribute | channels | message |")) == 5
    assert "### Error-level findings (no gate)" in md

    many = replace(run_factory(extra_findings=25), channels=complete)
    md = render_summary(many, fail_on=Severity.HIGH)
    assert md.startswith("## ❌ Omniaudit failed: Nordtel production — "
                         "27 gating finding(s) at or above high\n")
    rows = _rows(md, "| severity | check | subject | attribute | channels | message |")
    assert len(rows) == 20 and rows[0].startswith("| critical | fee-only-in-chat |")
    assert "…and 7 more gating finding(s); see report.html or findings.json." in md


def test_channel_that_captured_nothing_is_listed(run: Run) -> None:
    dead = ChannelResult("widget", "chat-widget", None, 0, 0, (), ())
    md = render_summary(replace(run, channels={**run.channels, "widget": dead}))
    assert "- **widget** — nothing was captured" in md


def test_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run,
                      out_dir: Path) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert write_step_summary("# hi") is None
    target = tmp_path / "step-summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    paths = write_reports(run, out_dir)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## ❌ Omniaudit incomplete")
    assert paths["markdown"].read_text(encoding="utf-8").strip() in text


def test_summary_shows_each_waiver_and_expired_ones(run: Run) -> None:
    from tests.reports.conftest import with_waiver

    lapsed = {"reason": "Campaign | text approved for the summer.", "owner": "@brand-team",
              "expires": "2025-05-31", "expired": True, "where": "waivers.yaml:9"}
    findings = tuple(replace(f, waiver=lapsed) if f.check == "campaign-missing" else f
                     for f in with_waiver(run).findings)
    md = render_summary(replace(run, findings=findings), fail_on=Severity.LOW)
    # the count of waived findings agrees with the table above it and the list below it
    assert ("1 of the 8 findings is waived: counted above, never gating. Who accepted them, "
            "why and until when: *Waived findings* below.") in md
    header = "| severity | check | subject | attribute | reason | owner | expires |"
    assert _rows(md, header) == [
        "| high | fee-in-fine-print | Kuitu 300M | activation fee | Legal approved the "
        "collapsed fee table until the redesign. | anna.virtanen@\u200bnordtel.example "
        "| 31.3.2027 |"]
    assert md.index("### Waived findings") < md.index(header)
    expired = _rows(md, "| severity | check | subject | attribute | reason | owner | expired |")
    assert expired == [
        "| medium | campaign-missing | Kuitu 300M | offer | Campaign \\| text approved for the "
        "summer. | @\u200bbrand-team | 31.5.2025 |"]
    assert "### Expired waivers" in md and "their findings count again" in md

    # an English run writes the expiry the English way
    md = render_summary(replace(with_waiver(run), locale="en-GB"))
    assert "| anna.virtanen@\u200bnordtel.example | 31 Mar 2027 |" in md
    assert "### Expired waivers" not in md


def test_summary_without_waivers_has_no_waiver_section(run: Run) -> None:
    plain = replace(run, findings=tuple(f for f in run.findings if f.status != "waived"))
    md = render_summary(plain)
    assert "Waived findings" not in md and "waived" not in md
