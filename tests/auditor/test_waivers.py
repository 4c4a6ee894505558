"""Waivers: accepted findings are reported as waived and never gate; expired ones resurface;
waivers that match nothing are called out; a bad file is a config error with its line."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import ConfigError
from auditor.model import (
    ChannelResult,
    Evidence,
    Finding,
    Observation,
    Run,
    Severity,
    fingerprint,
    is_gating,
    run_to_dict,
)
from auditor.waivers import apply_waivers, parse_waivers, stale_waivers

TODAY = date(2026, 11, 23)


def _finding(check: str, subject: str, attribute: str, channels: tuple[str, ...]) -> Finding:
    return Finding(fingerprint=fingerprint(check, subject, attribute), check=check,
                   severity=Severity.HIGH, subject=subject, attribute=attribute,
                   channels=channels, observations=(), message=f"{check} on {subject}.")


PRICE = _finding("price_mismatch", "mbb-300", "monthly_price", ("desktop", "mobile"))
FINE = _finding("fine_print", "fiber-100", "activation_fee", ("desktop",))
FEE = _finding("hidden_fee", "mbb-100", "activation_fee", ("chat", "desktop", "mobile"))

WAIVERS = f"""\
waivers:
  - fingerprint: {PRICE.fingerprint}
    reason: Mobile price change ships on Monday.
    owner: anna@nordtel.example
    expires: 2026-12-31
  - match: {{check: fine_print, subject: "fiber-*", channel: desktop}}
    reason: Legal accepted the fee table until the redesign.
    owner: legal@nordtel.example
    expires: 2026-11-01
  - match: {{check: brand_name}}
    reason: The old chat macro is being replaced.
    owner: cs@nordtel.example
    expires: 2027-01-31
"""


def test_waived_expired_and_stale():
    waivers = parse_waivers(WAIVERS, source="waivers.yaml")
    outcome = apply_waivers([PRICE, FINE, FEE], waivers, TODAY)
    price, fine, fee = outcome.findings
    assert price.status == "waived"
    assert price.waiver == {"reason": "Mobile price change ships on Monday.",
                            "owner": "anna@nordtel.example", "expires": "2026-12-31",
                            "expired": False, "where": "waivers.yaml:2"}
    assert not is_gating(price, Severity.LOW)
    # The fine-print waiver expired on 1 November: the finding is back, with a note.
    assert fine.status == "new" and fine.waiver["expired"] is True
    assert fine.message.endswith("(A waiver by legal@nordtel.example expired on 2026-11-01: "
                                 "Legal accepted the fee table until the redesign.)")
    assert is_gating(fine, Severity.LOW)
    assert fee == FEE
    assert [w.where for w in outcome.expired] == ["waivers.yaml:6"]
    assert [w.owner for w in outcome.stale] == ["cs@nordtel.example"]
    assert stale_waivers(waivers, outcome.findings) == list(outcome.stale)


def test_a_waiver_lasts_through_its_expiry_day():
    [w] = parse_waivers(WAIVERS, source="w.yaml")[:1]
    assert apply_waivers([PRICE], [w], date(2026, 12, 31)).findings[0].status == "waived"
    assert apply_waivers([PRICE], [w], date(2027, 1, 1)).findings[0].status == "new"


@pytest.mark.parametrize("text, error", [
    ("waivers:\n  - reason: r\n    owner: o\n    expires: 2027-01-01\n",
     r"w.yaml:2: waivers\[0\]: .*either 'fingerprint' or 'match'"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    owner: o\n",
     r"w.yaml:2: waivers\[0\]\.expires: required key is missing"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    owner: o\n    expires: soon\n",
     r"w.yaml:5: waivers\[0\]\.expires: "),
    ("waivers:\n  - match: {}\n    reason: r\n    owner: o\n    expires: 2027-01-01\n",
     r"w.yaml:2: waivers\[0\]\.match: .*at least one of check"),
    ("waivers:\n  - fingerprint: abcdef12\n    reason: r\n    owner: o\n    expires: 2027-01-01\n"
     "    expiry: 2027-02-01\n",
     r"w.yaml:6: waivers\[0\]\.expiry: unknown key"),
])
def test_bad_waiver_files_name_file_line_and_key(text, error):
    with pytest.raises(ConfigError, match=error):
        parse_waivers(text, source="w.yaml")


def _stored_run(tmp_path: Path) -> Path:
    """A findings.json of a run with one price mismatch, and its config, on disk."""
    obs = tuple(Observation(id=f"o_{ch}", channel=ch, subject="mbb-300",
                            attribute="monthly_price", value=Decimal(v), text=f"{v} €/kk",
                            evidence=Evidence(url=f"http://127.0.0.1/{ch}/mbb-300"))
                for ch, v in (("desktop", "29.90"), ("mobile", "32.90")))
    config = tmp_path / "audit.yaml"
    config.write_text(
        "name: t\nchannels:\n"
        "  desktop: {kind: web, start_urls: ['http://127.0.0.1/']}\n"
        "  mobile: {kind: web, device: 'iPhone 13', start_urls: ['http://127.0.0.1/m/']}\n"
        "subjects: [{id: mbb-300, name: Mobiililaajakaista 300M}]\n"
        "checks: {vat_statement_missing: off}\n", encoding="utf-8")
    channels = {ch: ChannelResult(ch, "web", None, 1, 0, (), obs[i:i + 1])
                for i, ch in enumerate(("desktop", "mobile"))}
    run = Run(id="r1", config_name="t", config_path=str(config), started_at="2026-11-23T10:00",
              finished_at="2026-11-23T10:01", channels=channels, observations=obs, findings=())
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(run_to_dict(run)), encoding="utf-8")
    return path


def test_check_with_waivers_does_not_gate_and_warns_about_stale_ones(tmp_path):
    stored = _stored_run(tmp_path)
    runner = CliRunner()
    gated = runner.invoke(main, ["check", str(stored), "--fail-on", "high"])
    assert gated.exit_code == 1, gated.output
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVERS.replace("2026-12-31", "2099-12-31"), encoding="utf-8")
    result = runner.invoke(main, ["check", str(stored), "--fail-on", "high", "--waivers",
                                  str(waivers), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "price_mismatch" in result.output and "[waived]" in result.output
    assert "matches no finding" in result.output  # the brand_name and fine_print waivers
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    [f] = doc["findings"]
    assert (f["status"], f["waiver"]["owner"]) == ("waived", "anna@nordtel.example")


def test_config_waivers_key_and_a_broken_file_is_exit_2(tmp_path):
    stored = _stored_run(tmp_path)
    config = tmp_path / "audit.yaml"
    (tmp_path / "waivers.yaml").write_text("waivers:\n  - fingerprint: nothex\n", "utf-8")
    config.write_text(config.read_text("utf-8") + "waivers: waivers.yaml\n", "utf-8")
    result = CliRunner().invoke(main, ["check", str(stored)])
    assert result.exit_code == 2
    assert "waivers.yaml:2: waivers[0].fingerprint" in result.output
