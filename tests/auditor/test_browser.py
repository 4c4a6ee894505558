import os
import stat

import pytest

from auditor import browser
from auditor.browser import LOOPBACK_RESOLVER_RULE, launch_args, resolve_browser


def _exe(path):
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_explicit_setting_wins_then_env(tmp_path, monkeypatch):
    a, b = _exe(tmp_path / "a"), _exe(tmp_path / "b")
    monkeypatch.setenv(browser.ENV_VAR, b)
    assert resolve_browser(a).path == a and resolve_browser(a).source == "setting"
    assert resolve_browser().path == b
    monkeypatch.setenv(browser.ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="OMNIAUDIT_CHROMIUM does not exist"):
        resolve_browser()


def test_managed_browser_only_when_its_file_exists(monkeypatch):
    monkeypatch.delenv(browser.ENV_VAR, raising=False)
    managed = browser.playwright_managed_path()
    choice = resolve_browser()
    if managed:
        assert choice.source == "playwright" and os.path.isfile(managed)
    else:
        # Playwright reports a cache path even when nothing is installed there; we skip it.
        assert choice.source in {"system", "playwright-default"}
        if choice.source == "system":
            assert os.access(choice.path, os.X_OK)


def test_loopback_rule_only_for_loopback_targets():
    assert LOOPBACK_RESOLVER_RULE in launch_args(["http://127.0.0.1:8000/"])
    assert LOOPBACK_RESOLVER_RULE not in launch_args(["https://www.example.fi/"])
    assert {"--disable-gpu", "--disable-quic"} <= set(launch_args([]))
