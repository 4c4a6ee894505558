"""``omniaudit history``: the table, ``--json`` and the ``--html`` pages, through the real
command against both store backends; the reports' link back to the history page; and two
real demo runs that record their gate and link to the page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.model import ChannelResult, Finding, Run, Severity
from auditor.store import RunOutcome, open_store
from reports import write_reports

HOSTILE = '<script>alert("x")</script> & Co'


def omniaudit(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """The real command with a wide terminal, so the table's cells are never folded."""
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout,
                          env={**os.environ, "COLUMNS": "250"})


def _run(run_id: str, minutes: int, findings: tuple[Finding, ...], make_obs, *,
         name: str = "shop", interrupted: bool = False) -> Run:
    at = (datetime(2026, 11, 23, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()
    o = make_obs("desktop", "mbb-100", "monthly_price", "24.90")
    ch = ChannelResult("desktop", "web", "desktop", 3, 0, (), (o,), ("http://127.0.0.1/",))
    return Run(run_id, name, None, at, at, {"desktop": ch}, (o,), findings,
               subjects=("mbb-100", "fiber-300"),
               subject_names={"mbb-100": "Mobiililaajakaista 100M", "fiber-300": "Kuitu 300M"},
               interrupted=interrupted)


def _finding(fp: str, check: str, severity: Severity, subject: str, status: str) -> Finding:
    return Finding(fp, check, severity, subject, "monthly_price", ("desktop",), (),
                   f"{check} on {subject}", status=status)


def _seed(store, folder: Path, make_obs) -> dict[str, Path]:
    """Three runs of "shop" (two with real report folders and recorded outcomes, the last
    interrupted) and one of an audit with a hostile name. Returns the run folders."""
    first = _run("r1", 0, (_finding("a", "price_mismatch", Severity.HIGH, "mbb-100", "new"),
                           _finding("b", "hidden_fee", Severity.CRITICAL, "fiber-300", "new")),
                 make_obs)
    second = _run("r2", 5, (_finding("a", "price_mismatch", Severity.HIGH, "mbb-100",
                                     "persisting"),
                            _finding("c", "fine_print", Severity.LOW, "fiber-300", "new")),
                  make_obs)
    folders = {}
    for run, outcome in ((first, RunOutcome("failed", "high", 2, 0)),
                         (second, RunOutcome("failed", "high", 1, 1))):
        folders[run.id] = folder / "runs" / run.id
        store.save(run)
        write_reports(run, folders[run.id])
        store.record_outcome(run.id, RunOutcome(outcome.gate, outcome.fail_on, outcome.new,
                                                outcome.resolved, str(folders[run.id])))
    store.save(_run("r3", 9, (), make_obs, interrupted=True))
    store.save(_run("h1", 11, (), make_obs, name=HOSTILE),
               outcome=RunOutcome("passed", None, 0, 0))
    return folders


def test_history_lists_runs_as_a_table_and_as_json(store, store_target, tmp_path, make_obs):
    _seed(store, tmp_path, make_obs)
    r = omniaudit("history", "--store", str(store_target), "--audit", "shop", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = {line.split()[0]: " ".join(line.split()) for line in r.stdout.splitlines()[1:]}
    assert list(lines) == ["r3", "r2", "r1"]
    assert lines["r1"].endswith("shop complete 1 critical, 1 high 2 0 failed at high")
    assert lines["r2"].endswith("shop complete 1 high, 1 low 1 1 failed at high")
    assert lines["r3"].endswith("shop interrupted none 0 — interrupted")
    r = omniaudit("history", "--store", str(store_target), "--json", "--limit", "2",
                  cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [(x["id"], x["config_name"], x["gate"]) for x in rows] == [
        ("h1", HOSTILE, "passed"), ("r3", "shop", "interrupted")]
    # The option the command had before keeps working.
    r = omniaudit("history", "--store", str(store_target), "--config-name", "shop", "--json",
                  cwd=tmp_path)
    assert [x["id"] for x in json.loads(r.stdout)] == ["r3", "r2", "r1"]


def test_history_of_a_missing_sqlite_store_is_a_usage_error(tmp_path):
    r = omniaudit("history", "--store", str(tmp_path / "none.sqlite"), cwd=tmp_path)
    assert r.returncode == 2 and "no store at" in r.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_history_html_writes_a_page_per_audit_with_trends_gates_reports_and_diffs(
        store, store_target, tmp_path, make_obs):
    folders = _seed(store, tmp_path, make_obs)
    out = tmp_path / "history"
    r = omniaudit("history", "--store", str(store_target), "--html", str(out), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = out / "shop" / "index.html"
    hostile_page = out / "script-alert-x-script-co" / "index.html"
    assert f"History page: {page}" in r.stdout and hostile_page.is_file()
    html = page.read_text(encoding="utf-8")

    rows = re.findall(r'<tr data-run="([^"]+)" data-gate="([^"]*)">', html)
    assert rows == [("r3", "interrupted"), ("r2", "failed"), ("r1", "failed")]
    assert html.count("failed at high") == 2
    # Reports are linked where their folder is known, relative to the page.
    links = re.findall(r'<a href="([^"]+)">report</a>', html)
    assert [(page.parent / link).resolve() for link in links] == [
        folders["r2"] / "report.html", folders["r1"] / "report.html"]
    # Each run is diffed against the previous uninterrupted one (the interrupted r3 too).
    diffs = re.findall(r'<a href="(diff-[^"]+)">vs <code>([^<]+)</code></a>', html)
    assert diffs == [("diff-r3.html", "r2"), ("diff-r2.html", "r1")]
    diff_r2 = (page.parent / "diff-r2.html").read_text(encoding="utf-8")
    assert re.search(r'<strong data-count="new">1</strong>', diff_r2)
    assert re.search(r'<strong data-count="resolved">1</strong>', diff_r2)
    # Trends: open findings per check and per offer, oldest run first.
    counts = dict(re.findall(r'<tr data-key="([^"]+)" data-counts="([^"]+)">', html))
    assert counts == {"price_mismatch": "1,1,0", "hidden_fee": "1,0,0", "fine_print": "0,1,0",
                      "mbb-100": "1,1,0", "fiber-300": "1,1,0"}
    assert "Kuitu 300M" in html  # offers by their names
    # Later runs of each audit link back to the page the store now knows.
    assert store.history_page("shop") == str(page.resolve())
    hostile = hostile_page.read_text(encoding="utf-8")
    assert "<script" not in hostile and "&lt;script&gt;alert(&#34;x&#34;)" in hostile
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in hostile


def test_a_report_links_back_to_the_history_page_only_when_one_is_known(tmp_path, make_obs):
    run = _run("r1", 0, (), make_obs)
    page = tmp_path / "history" / "shop" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<!DOCTYPE html><title>history</title>", encoding="utf-8")
    with_link = write_reports(run, tmp_path / "runs" / "r1", history_page=page)["html"]
    [href] = re.findall(r'<a id="history-link" href="([^"]+)">',
                        with_link.read_text(encoding="utf-8"))
    assert href == "../../history/shop/index.html"
    assert (with_link.parent / href).resolve() == page
    without = write_reports(run, tmp_path / "runs" / "r0")["html"]
    assert "history-link" not in without.read_text(encoding="utf-8")


@pytest.mark.browser
def test_history_and_diff_pages_are_inert_in_chromium(tmp_path, make_obs, open_in_chromium):
    store = open_store(tmp_path / "h.sqlite")
    _seed(store, tmp_path, make_obs)
    out = tmp_path / "history"
    assert omniaudit("history", "--store", str(tmp_path / "h.sqlite"), "--html", str(out),
                     cwd=tmp_path).returncode == 0
    for path in (out / "shop" / "index.html", out / "shop" / "diff-r2.html",
                 out / "script-alert-x-script-co" / "index.html"):
        watched = open_in_chromium(path)
        watched.assert_inert()
        assert watched.page.locator("h1").inner_text().startswith(("Omniaudit history",
                                                                   "Omniaudit diff"))
    watched = open_in_chromium(out / "shop" / "index.html")
    bars = watched.page.locator('tr[data-key="price_mismatch"] rect')
    assert bars.count() == 3 and bars.nth(0).get_attribute("class") == "bar"


@pytest.mark.browser
def test_demo_runs_record_their_gate_and_link_to_the_history_page(tmp_path, chromium):
    """Two real demo runs: after ``history --html``, the next run's report links to the
    page, and the page (refreshed by the run) lists it with its gate and report."""
    common = ["--store", "s.sqlite", "--browser", chromium.path, "--quiet"]
    first = omniaudit("demo", *common, "--out", "o1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith("o1/report.html")
    assert "history-link" not in (tmp_path / "o1" / "report.html").read_text(encoding="utf-8")
    assert omniaudit("history", "--store", "s.sqlite", "--html", "h",
                     cwd=tmp_path).returncode == 0
    page = tmp_path / "h" / "nordtel-demo" / "index.html"
    assert page.read_text(encoding="utf-8").count("<tr data-run=") == 1

    second = omniaudit("demo", *common, "--out", "o2", "--fail-on", "high", cwd=tmp_path)
    assert second.returncode == 1, second.stderr  # the demo's seeded high findings gate
    report = (tmp_path / "o2" / "report.html").read_text(encoding="utf-8")
    [href] = re.findall(r'<a id="history-link" href="([^"]+)">', report)
    assert (tmp_path / "o2" / href).resolve() == page.resolve()
    html = page.read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-run="([^"]+)" data-gate="([^"]*)">', html)
    assert [gate for _, gate in rows] == ["failed", "passed"]
    assert "failed at high" in html and "passed (no gate)" in html
    assert html.count('">report</a>') == 2 and html.count("diff-") >= 1
    rows_json = json.loads(omniaudit("history", "--store", "s.sqlite", "--json",
                                     cwd=tmp_path).stdout)
    assert [(r["gate"], r["fail_on"], r["new"], r["out_dir"]) for r in rows_json] == [
        ("failed", "high", 0, str((tmp_path / "o2").resolve())),
        ("passed", None, rows_json[1]["findings"], str((tmp_path / "o1").resolve()))]


def test_check_and_explain_read_a_stored_run_from_either_backend(store, store_target,
                                                                 tmp_path, make_obs):
    from auditor.demo import CONFIG_PATH

    desktop = make_obs("desktop", "mbb-100", "monthly_price", "24.90")
    mobile = make_obs("mobile", "mbb-100", "monthly_price", "26.90")
    at = "2026-11-23T10:00:00+00:00"
    channels = {"desktop": ChannelResult("desktop", "web", "desktop", 1, 0, (), (desktop,)),
                "mobile": ChannelResult("mobile", "web", "iPhone 13", 1, 0, (), (mobile,))}
    store.save(Run("20261123T100000Z-abcd", "shop", None, at, at, channels,
                   (desktop, mobile), ()))
    r = omniaudit("check", "20261123T1000", "--store", str(store_target), "--config",
                  str(CONFIG_PATH), "--fail-on", "high", cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # re-checked offline: the price differs on mobile
    assert "price_mismatch" in r.stdout and "mbb-100" in r.stdout
    r = omniaudit("explain", "mbb-100", "--store", str(store_target), "--config",
                  str(CONFIG_PATH), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Matched observations: 2" in r.stdout
    assert "24.90 EUR/month" in r.stdout and "26.90 EUR/month" in r.stdout
