"""How a run ends, through the real CLI: signals, an unusable store, a failing check, a bug.

Exit codes (README "Exit codes"): 0 pass, 1 gating findings and nothing else, 2 usage or
config, 3 incomplete, 4 internal error, 130/143 interrupted by SIGINT/SIGTERM.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from auditor.store import Store
from tests.auditor.test_cli import CONFIG_PATH, omniaudit

PAGES = 40


class _SlowShop:
    """A shop of PAGES product pages, each linking to the next, served slowly enough that a
    signal arrives mid-crawl; it counts the pages it served."""

    def __init__(self) -> None:
        shop = self
        self.served = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                n = int(self.path.strip("/p") or 0) if self.path.startswith("/p") else 0
                time.sleep(0.15)  # slow pages: the crawl is still going when the signal comes
                nxt = f'<a href="/p{n + 1}">next</a>' if n + 1 < PAGES else ""
                body = (f"<html><body><h1>Kuitu {n}00M</h1><p>Hinta {n},90 €/kk</p>{nxt}"
                        "<footer>Hinnat sis. alv 25,5 %</footer></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if self.path.startswith("/p"):
                    with shop.lock:
                        shop.served += 1

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_shop():
    shop = _SlowShop()
    yield shop
    shop.close()


def _config(tmp_path: Path, url: str) -> Path:
    cfg = tmp_path / "audit.yaml"
    cfg.write_text(f"name: slow\nchannels:\n  desktop:\n    kind: web\n"
                   f"    start_urls: ['{url}/p0']\n    concurrency: 1\n    max_pages: {PAGES}\n"
                   "    max_depth: 60\n    screenshots: false\n"
                   "subjects:\n  - id: kuitu-100\n    name: Kuitu 100M\n", encoding="utf-8")
    return cfg


def _wait_for(condition, bound: float = 120.0) -> None:
    """Poll a condition with a bound (never an assertion on time)."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached within the bound")
        time.sleep(0.05)


def _interrupted_run(out: Path, store: Path) -> dict:
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["run"]["interrupted"] is True and doc["run"]["complete"] is False
    desktop = doc["run"]["channels"]["desktop"]
    # What was read before the signal is kept; what was not is named.
    assert desktop["pages_ok"] >= 3
    assert any("interrupted" in n for n in desktop["notes"])
    assert (out / "report.html").is_file()
    assert Store(store).history()[0]["interrupted"] is True
    return doc


@pytest.mark.browser
def test_ctrl_c_in_a_terminal_keeps_what_was_captured_and_exits_130(tmp_path, slow_shop,
                                                                    chromium):
    cfg, out, store = _config(tmp_path, slow_shop.url), tmp_path / "out", tmp_path / "s.sqlite"
    argv = [sys.executable, "-m", "auditor", "run", str(cfg), "--browser", chromium.path,
            "--out", str(out), "--store", str(store), "--fail-on", "none"]
    pid, master = pty.fork()
    if pid == 0:  # the child: a session of its own with the pseudo-terminal as its tty
        os.chdir(tmp_path)
        os.execv(sys.executable, argv)
    output = bytearray()

    def drain() -> None:
        try:
            while chunk := os.read(master, 65536):
                output.extend(chunk)
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    _wait_for(lambda: slow_shop.served >= 5)
    os.write(master, b"\x03")  # Ctrl-C, as typed: the terminal signals its foreground group
    _, status = os.waitpid(pid, 0)
    reader.join(timeout=10)
    text = output.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 130, text[-2000:]
    assert "SIGINT: finishing with what was captured" in text
    doc = _interrupted_run(out, store)
    assert slow_shop.served < PAGES  # it really stopped early
    assert any("interrupted" in w for w in doc["run"]["warnings"])


@pytest.mark.browser
def test_sigterm_from_a_scheduler_exits_143_and_is_never_the_previous_run(tmp_path,
                                                                         slow_shop, chromium):
    import subprocess

    cfg, out, store = _config(tmp_path, slow_shop.url), tmp_path / "out", tmp_path / "s.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "run", str(cfg), "--browser",
                             chromium.path, "--out", str(out), "--store", str(store),
                             "--fail-on", "none", "--quiet"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(lambda: slow_shop.served >= 5)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 143, stderr.decode()[-2000:]
    doc = _interrupted_run(out, store)
    # The next run compares itself with complete runs only.
    assert Store(store).previous("slow", "9999") is None
    assert doc["run"]["id"] == Store(store).history()[0]["id"]


def test_an_unwritable_store_is_a_usage_error_in_one_line(tmp_path):
    cfg = tmp_path / "audit.yaml"
    cfg.write_text("name: x\nchannels:\n  chat:\n    kind: transcripts\n    path: chats\n",
                   encoding="utf-8")
    (tmp_path / "chats").mkdir()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be", encoding="utf-8")
    r = omniaudit("run", str(cfg), "--store", str(blocker / "history.sqlite"), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("store error: cannot create the folder of the run store")
    assert "--store" in lines[-1] and "Traceback" not in r.stderr


def _failing_check_plugin(tmp_path: Path) -> Path:
    """A local check module whose check raises, registered like any plugin."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "broken_checks.py").write_text(
        "from checks import check\n\n"
        "@check('always_breaks', severity='high')\n"
        "def always_breaks(ctx):\n"
        "    '''Raises, to show what a buggy check does to a run.'''\n"
        "    raise ZeroDivisionError('division by zero in a plugin')\n", encoding="utf-8")
    return plugins


def test_a_check_that_raises_makes_the_run_incomplete_and_names_the_check(tmp_path, demo_run):
    plugins = _failing_check_plugin(tmp_path)
    env = {**os.environ, "PYTHONPATH": f"{plugins}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    code = ("import broken_checks, sys\n"
            "from auditor.cli import main\n"
            "sys.exit(main())\n")
    import subprocess

    r = subprocess.run([sys.executable, "-c", code, "check", str(demo_run.paths["json"]),
                        "--config", str(CONFIG_PATH), "--fail-on", "none"],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "always_breaks" in r.stdout + r.stderr and "ZeroDivisionError" in r.stdout + r.stderr


def test_an_unexpected_error_exits_4_with_one_line_and_a_traceback_file(tmp_path):
    # A findings.json whose observation value cannot be decoded trips a bug path inside the
    # re-check: the CLI must not print a traceback or exit 1.
    import subprocess

    code = ("import sys\n"
            "import auditor.pipeline as p\n"
            "def boom(*a, **k):\n"
            "    raise RuntimeError('simulated bug in the pipeline')\n"
            "p.check_run = boom\n"
            "from auditor.cli import main\n"
            "sys.exit(main())\n")
    doc = tmp_path / "findings.json"
    doc.write_text(json.dumps({"run": {"id": "r1", "started_at": "2026-01-01T00:00:00",
                                       "finished_at": "2026-01-01T00:00:00", "channels": {},
                                       "config_path": None}, "findings": []}),
                   encoding="utf-8")
    cfg = tmp_path / "audit.yaml"
    cfg.write_text("name: x\nchannels:\n  chat:\n    kind: transcripts\n    path: chats\n",
                   encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", code, "check", str(doc), "--config", str(cfg)],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert r.returncode == 4, r.stderr
    line = [ln for ln in r.stderr.splitlines() if ln.strip()][-1]
    assert line.startswith("internal error: RuntimeError: simulated bug in the pipeline")
    crash = Path(line.split("traceback in ", 1)[1].split(";", 1)[0])
    assert "Traceback" in crash.read_text(encoding="utf-8") and "Traceback" not in r.stderr


def test_validate_catches_before_a_crawl_what_would_fail_after_it(tmp_path):
    cfg = tmp_path / "audit.yaml"
    cfg.write_text("name: x\n"
                   "base_url: www.example.com\n"
                   "channels:\n"
                   "  mobile:\n"
                   "    kind: web\n"
                   "    device: iPhone 99\n"
                   "    start_urls: ['/']\n"
                   "  chat:\n"
                   "    kind: transcripts\n"
                   "    path: no-such-folder\n"
                   "checks:\n"
                   "  price_mismach: high\n", encoding="utf-8")
    for command in (["validate", str(cfg)], ["run", str(cfg)]):
        r = omniaudit(*command, cwd=tmp_path)
        assert r.returncode == 2, r.stderr
        # Every problem at once, each with its file and line; no browser was started.
        assert f"{cfg}:2: base_url" in r.stderr and "did you mean 'https://www.example.com'" \
            in r.stderr
        assert f"{cfg}:6: channels.mobile.device" in r.stderr
        assert f"{cfg}:10: channels.chat.path" in r.stderr
        assert f"{cfg}:12: checks.price_mismach" in r.stderr and "price_mismatch" in r.stderr
        assert "browser:" not in r.stderr


def test_a_stored_run_is_rechecked_and_explained_from_any_folder(tmp_path, demo_run):
    # The run holds its resolved config: no --config, another working folder.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = omniaudit("check", str(demo_run.paths["json"]), "--fail-on", "none", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    assert "price_mismatch" in r.stdout
    e = omniaudit("explain", "mbb-100", str(demo_run.paths["json"]), cwd=elsewhere)
    assert e.returncode == 0, e.stderr
    assert "Matched observations:" in e.stdout


def test_findings_say_whether_they_gate_and_diff_can_fail_on_new(tmp_path, demo_run):
    from reports import findings_document

    doc = findings_document(demo_run.run, fail_on=None, baseline=frozenset(
        {demo_run.run.findings[0].fingerprint}))
    assert all(f["gating"] is False for f in doc["findings"])  # no gate
    assert [f["baselined"] for f in doc["findings"]].count(True) == 1
    from auditor.model import Severity

    gated = findings_document(demo_run.run, fail_on=Severity.HIGH)
    assert {f["fingerprint"] for f in gated["findings"] if f["gating"]} == {
        f.fingerprint for f in demo_run.run.findings
        if f.severity >= Severity.HIGH and f.level == "error" and f.status != "waived"
        and f.confirmed is not False and f.checked}
    # diff --fail-on-new: the same document has nothing new; an empty old one has.
    empty = dict(demo_run.findings_doc, findings=[], observations=[], unmatched=[])
    old = tmp_path / "old.json"
    old.write_text(json.dumps(empty), encoding="utf-8")
    same = omniaudit("diff", str(demo_run.paths["json"]), str(demo_run.paths["json"]),
                     "--fail-on-new", cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    grown = omniaudit("diff", str(old), str(demo_run.paths["json"]), "--fail-on-new",
                      cwd=tmp_path)
    assert grown.returncode == 1 and "new finding(s) (--fail-on-new)" in grown.stderr


def test_waivers_are_shown_with_reason_owner_and_expiry_and_stale_ones_warned(tmp_path,
                                                                             demo_run):
    first = demo_run.run.findings[0]
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        f"  - fingerprint: {first.fingerprint}\n"
        "    reason: Fix ships on Monday.\n"
        "    owner: anna@nordtel.example\n"
        "    expires: 2099-12-31\n"
        "  - fingerprint: 0123456789abcdef0123\n"
        "    reason: Nothing matches this.\n"
        "    owner: bob@nordtel.example\n"
        "    expires: 2099-12-31\n", encoding="utf-8")
    r = omniaudit("check", str(demo_run.paths["json"]), "--waivers", str(waivers),
                  "--fail-on", "none", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "waived: Fix ships on Monday. — owner anna@nordtel.example, expires 2099-12-31" \
        in r.stdout
    assert "matches no finding" in r.stderr and f"{waivers}:6" in r.stderr


def test_json_output_carries_the_warnings_the_terminal_prints(tmp_path):
    chats = tmp_path / "chats"
    chats.mkdir()
    (chats / "a.txt").write_text("[10:00] Asiakas: Paljonko Kuitu 100M maksaa?\n"
                                 "[10:01] Agentti Anna: Kuitu 100M on 29,90 €/kk.\n",
                                 encoding="utf-8")
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n  - fingerprint: 0123456789abcdef0123\n    reason: Old.\n"
        "    owner: bob@example.org\n    expires: 2099-12-31\n", encoding="utf-8")
    cfg = tmp_path / "audit.yaml"
    cfg.write_text("name: w\nwaivers: waivers.yaml\nchannels:\n  chat:\n    kind: transcripts\n"
                   "    path: chats\n    pattern: '*.txt'\n"
                   "subjects:\n  - id: kuitu-100\n    name: Kuitu 100M\n", encoding="utf-8")
    r = omniaudit("run", str(cfg), "--json", "--fail-on", "none", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert any("matches no finding" in w for w in doc["run"]["warnings"])
