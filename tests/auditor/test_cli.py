"""The CLI's contracts: exit codes and messages, through the real command."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.demo import CONFIG_PATH


def omniaudit(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """The real command, in a temporary working folder (its default store lands there)."""
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def test_run_with_a_missing_config_exits_2(tmp_path):
    r = omniaudit("run", str(tmp_path / "missing.yaml"), cwd=tmp_path)
    assert r.returncode == 2
    assert "missing.yaml: config file not found" in r.stderr


def test_run_with_a_broken_config_exits_2_naming_line_and_key(tmp_path):
    cfg = tmp_path / "audit.yaml"
    cfg.write_text("name: x\nchannels:\n  web:\n    kind: web\n    start_urls: [http://127.0.0.1:1/]\n"
                   "    max_depth: deep\n", encoding="utf-8")
    r = omniaudit("run", str(cfg), cwd=tmp_path)
    assert r.returncode == 2
    assert "audit.yaml:6: channels.web.max_depth" in r.stderr


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.browser
def test_run_exits_3_when_a_channel_site_is_down(tmp_path, chromium):
    port = _closed_port()
    cfg = tmp_path / "audit.yaml"
    cfg.write_text(f"name: down\nchannels:\n  desktop:\n    kind: web\n"
                   f"    start_urls: ['http://127.0.0.1:{port}/']\n    timeout: 10\n",
                   encoding="utf-8")
    r = omniaudit("run", str(cfg), "--out", str(tmp_path / "out"), "--browser", chromium.path,
                  cwd=tmp_path)
    assert r.returncode == 3, r.stdout + r.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert doc["run"]["complete"] is False
    [err] = doc["run"]["channels"]["desktop"]["errors"]
    assert err["target"] == f"http://127.0.0.1:{port}/" and "refused" in err["reason"]
    assert "incomplete" in r.stdout
    # The history is kept in the working folder's default store, not in the run folder.
    assert (tmp_path / "omniaudit-out" / "omniaudit.sqlite").is_file()


@pytest.mark.browser
def test_demo_fails_on_high_with_exit_1(tmp_path, chromium):
    r = omniaudit("demo", "--fail-on", "high", "--out", str(tmp_path / "o"), "--browser",
                  chromium.path, cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Report:" in r.stdout and (tmp_path / "o" / "report.html").is_file()
    for name in ("findings.json", "junit.xml", "summary.md"):
        assert (tmp_path / "o" / name).is_file()


@pytest.mark.browser
def test_validate_checks_and_diff(tmp_path, demo_run):
    r = omniaudit("validate", str(CONFIG_PATH), cwd=tmp_path)
    assert r.returncode == 0 and "OK" in r.stdout
    r = omniaudit("checks", "--json", cwd=tmp_path)
    listed = {c["id"]: c for c in json.loads(r.stdout)}
    assert {"hidden_fee", "price_mismatch", "logo_drift"} <= set(listed)
    assert all(c["rationale"] for c in listed.values())
    # diff: drop one finding from a copy of a real findings.json.
    doc = demo_run.findings_doc
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    trimmed = dict(doc, findings=doc["findings"][1:])
    new = tmp_path / "new.json"
    new.write_text(json.dumps(trimmed), encoding="utf-8")
    r = omniaudit("diff", str(old), str(new), "--json", cwd=tmp_path)
    result = json.loads(r.stdout)
    assert [f["fingerprint"] for f in result["resolved"]] == [doc["findings"][0]["fingerprint"]]
    assert result["new"] == [] and len(result["persisting"]) == len(doc["findings"]) - 1


@pytest.mark.browser
def test_check_reruns_a_stored_findings_json_offline(demo_run, tmp_path):
    r = omniaudit("check", str(demo_run.paths["json"]), "--config", str(CONFIG_PATH),
                  "--fail-on", "high", cwd=tmp_path)
    assert r.returncode == 1
    assert "hidden_fee" in r.stdout and "mbb-100" in r.stdout


@pytest.mark.browser
def test_progress_per_channel_and_concurrency_override(tmp_path, serve_pages, chromium):
    pages = {"/": (200, "text/html", '<h1>Kuitu 100M</h1><p>34,90 €/kk</p>'
                                     '<a href="/a">a</a><a href="/b">b</a>')}
    pages |= {p: (200, "text/html", "<h1>Kuitu 100M</h1><p>34,90 €/kk</p>") for p in ("/a", "/b")}
    site = serve_pages(pages)
    cfg = tmp_path / "audit.yaml"
    cfg.write_text(f"name: p\nchannels:\n  desktop:\n    kind: web\n"
                   f"    start_urls: ['{site.url}/']\n    concurrency: 8\n"
                   "    screenshots: false\n", encoding="utf-8")
    r = omniaudit("run", str(cfg), "--concurrency", "1", "--browser", chromium.path,
                  "--fail-on", "none", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # The final progress state of the channel: every page done, none failed or queued.
    assert "3 done · 0 failed · 0 queued" in r.stderr
    assert "pages/s" in r.stderr
    bad = omniaudit("run", str(cfg), "--concurrency", "0", cwd=tmp_path)
    assert bad.returncode == 2 and "--concurrency" in bad.stderr


def test_concurrency_override_changes_web_channels_only():
    from auditor.cli import _with_concurrency
    from auditor.config import load_config

    cfg = _with_concurrency(load_config(CONFIG_PATH), 2)
    assert {n: getattr(c, "concurrency", None) for n, c in cfg.channels.items()} == \
        {"desktop": 2, "mobile": 2, "chat": None}
    assert _with_concurrency(cfg, None) is cfg
