"""Which findings the second pass re-visits: what can gate, and a sample of the rest."""

from __future__ import annotations

from auditor.config import parse_config
from auditor.model import Finding, Severity
from auditor.pipeline import second_pass_findings


def _finding(n: int, check: str, severity: Severity, level: str = "error",
             status: str = "new") -> Finding:
    return Finding(f"fp{check}{n}", check, severity, f"s{n}", "price", ("desktop",),
                   (f"o{check}{n}",), "m", level=level, status=status)


def _config(extra: str = "") -> object:
    return parse_config("name: t\nchannels:\n  chat:\n    kind: transcripts\n    path: c\n"
                        + extra)


def test_what_can_gate_is_confirmed_and_the_rest_sampled_per_check():
    findings = ([_finding(i, "price_mismatch", Severity.HIGH) for i in range(30)]
                + [_finding(i, "vat_statement_missing", Severity.LOW, level="warn")
                   for i in range(400)]
                + [_finding(i, "fine_print", Severity.MEDIUM) for i in range(25)]
                + [_finding(0, "price_mismatch", Severity.HIGH, status="waived")])
    chosen, skipped = second_pass_findings(findings, _config(), Severity.HIGH)
    by_check: dict[str, int] = {}
    for f in chosen:
        by_check[f.check] = by_check.get(f.check, 0) + 1
    # Every gating finding (30), 20 of each other check; waived ones never.
    assert by_check == {"price_mismatch": 30, "vat_statement_missing": 20, "fine_print": 20}
    assert skipped == {"vat_statement_missing": 380, "fine_print": 5}
    assert all(f.status != "waived" for f in chosen)
    # evidence.confirm: all re-visits everything; a lower gate confirms more.
    everything, none_skipped = second_pass_findings(
        findings, _config("evidence: {confirm: all}\n"), Severity.HIGH)
    assert len(everything) == len(findings) and none_skipped == {}
    chosen, skipped = second_pass_findings(findings, _config(), Severity.MEDIUM)
    assert skipped == {"vat_statement_missing": 380}
