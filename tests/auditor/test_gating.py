"""CI gating through the real command: --fail-on, --baseline and DESIGN.md's exit codes.

The offline tests re-check the real demo run's findings.json with ``omniaudit check`` (no
browser needed once the shared ``demo_run`` exists); one test runs the real demo audit
again with a baseline, against a copy of the demo run's store, so the "previous run of the
same config" and the trend come from SQLite exactly as in production.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from auditor.demo import CONFIG_PATH
from reports import load_findings

from .test_cli import omniaudit

pytestmark = pytest.mark.browser  # demo_run is a real browser audit of the demo shop


def _gating_high(doc: dict) -> list[dict]:
    return [f for f in doc["findings"] if f["level"] == "error" and f["status"] != "waived"
            and f["severity"] in {"high", "critical"}]


def _write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _check(findings: Path, tmp_path: Path, *args: str):
    out = tmp_path / "out"
    r = omniaudit("check", str(findings), "--config", str(CONFIG_PATH), "--out", str(out),
                  *args, cwd=tmp_path)
    return r, out


def test_baseline_of_the_same_run_passes_and_every_format_agrees(demo_run, tmp_path):
    doc = demo_run.findings_doc
    gating = _gating_high(doc)
    assert len(gating) >= 2, "the demo seeds several high/critical problems"

    r, out = _check(demo_run.paths["json"], tmp_path, "--fail-on", "high")
    assert r.returncode == 1, r.stdout + r.stderr
    assert load_findings(out / "findings.json")["summary"]["gating"] == len(gating)

    r, out = _check(demo_run.paths["json"], tmp_path, "--fail-on", "high",
                    "--baseline", str(demo_run.paths["json"]))
    assert r.returncode == 0, r.stdout + r.stderr
    written = load_findings(out / "findings.json")  # schema-valid with the baseline block
    assert written["summary"]["gating"] == 0
    assert written["summary"]["baseline"] == {"fingerprints": len(doc["findings"]),
                                              "matched": len(doc["findings"])}
    suites = ET.parse(out / "junit.xml").getroot()
    assert suites.get("failures") == "0"
    assert "in the baseline (known; does not gate)" in (out / "junit.xml").read_text("utf-8")
    html = (out / "report.html").read_text("utf-8")
    assert "✓ Passed: no gating findings at or above high." in html
    assert "cannot gate" in html


def test_only_findings_missing_from_the_baseline_gate(demo_run, tmp_path):
    doc = demo_run.findings_doc
    gating = _gating_high(doc)
    dropped = gating[-1]
    baseline = _write(tmp_path / "baseline.json",
                      dict(doc, findings=[f for f in doc["findings"] if f is not dropped]))

    r, out = _check(demo_run.paths["json"], tmp_path, "--fail-on", "high",
                    "--baseline", str(baseline))
    assert r.returncode == 1, r.stdout + r.stderr
    summary = load_findings(out / "findings.json")["summary"]
    assert summary["gating"] == 1
    failures = [c for c in ET.parse(out / "junit.xml").getroot().iter("testcase")
                if c.find("failure") is not None]
    assert [c.get("name") for c in failures] == [f"{dropped['subject']}/{dropped['attribute']}"]
    md = (out / "summary.md").read_text("utf-8")
    assert "1 gating finding(s) at or above high" in md
    assert "known finding(s) in the baseline do not gate" in md

    # a lower threshold lets more findings gate, still none of the known ones
    r, out = _check(demo_run.paths["json"], tmp_path, "--fail-on", "info",
                    "--baseline", str(baseline))
    assert r.returncode == 1
    assert load_findings(out / "findings.json")["summary"]["gating"] == 1
    # no gate at all
    r, _ = _check(demo_run.paths["json"], tmp_path, "--fail-on", "none")
    assert r.returncode == 0


def test_a_baseline_never_rescues_an_incomplete_run(demo_run, tmp_path):
    doc = json.loads(json.dumps(demo_run.findings_doc))
    chat = doc["run"]["channels"]["chat"]
    chat.update(pages_failed=1, max_failures=0,
                errors=[{"channel": "chat", "target": "broken.json", "reason": "not JSON"}])
    broken = _write(tmp_path / "incomplete.json", doc)
    r, out = _check(broken, tmp_path, "--fail-on", "high",
                    "--baseline", str(demo_run.paths["json"]))
    assert r.returncode == 3, r.stdout + r.stderr
    assert load_findings(out / "findings.json")["run"]["complete"] is False


def test_an_unreadable_baseline_is_a_usage_error(demo_run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1", "findings": 3}', encoding="utf-8")
    r, _ = _check(demo_run.paths["json"], tmp_path, "--fail-on", "high", "--baseline", str(bad))
    assert r.returncode == 2
    assert "--baseline" in r.stderr and "bad.json" in r.stderr


def test_demo_with_a_baseline_compares_with_the_stored_previous_run(demo_run, tmp_path,
                                                                    chromium):
    """A real second audit: only the finding left out of the baseline gates, and the report
    compares with the previous run found in the store and draws both runs in the trend."""
    doc = demo_run.findings_doc
    dropped = _gating_high(doc)[0]
    baseline = _write(tmp_path / "baseline.json",
                      dict(doc, findings=[f for f in doc["findings"] if f is not dropped]))
    store = tmp_path / "history.sqlite"
    shutil.copy(demo_run.out_dir.parent / "store.sqlite", store)

    r = omniaudit("demo", "--fail-on", "high", "--baseline", str(baseline), "--store",
                  str(store), "--out", str(tmp_path / "o"), "--browser", chromium.path,
                  "--quiet", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    out = tmp_path / "o"
    new = load_findings(out / "findings.json")
    assert new["summary"]["gating"] == 1
    assert {f["fingerprint"] for f in new["findings"]} == {f["fingerprint"]
                                                          for f in doc["findings"]}
    assert {f["status"] for f in new["findings"] if f["status"] != "waived"} == {"persisting"}

    html = (out / "report.html").read_text("utf-8")
    n = len(doc["findings"])
    assert f"<strong>0</strong> new · <strong>{n}</strong> persisting · <strong>0</strong> " \
           "resolved" in html
    assert html.count('<g class="bar') == 2
    assert f'data-run="{demo_run.run.id}"' in html and f'data-run="{new["run"]["id"]}"' in html

    r = omniaudit("diff", str(demo_run.paths["json"]), str(out / "findings.json"), "--format",
                  "text", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout.splitlines()[:1] == ["new: 0"] and f"persisting: {n}" in r.stdout
