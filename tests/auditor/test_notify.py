"""Notifications delivered for real: apprise to a webhook receiver and an SMTP server
(aiosmtpd) on 127.0.0.1, asserting what arrived. The only thing injected is the backoff
sleep (so retries take no time); runs are real records, and one test runs ``omniaudit run``
in a child process against a real local site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.config import ConfigError, NotifyConfig, parse_config
from auditor.model import CaptureError, ChannelResult, Finding, Run, Severity
from auditor.notify import Ledger, default_ledger, notify_run, plan, target_id

HIGH, MEDIUM = Severity.HIGH, Severity.MEDIUM


def finding(fp: str, *, subject: str = "mbb-1000", severity: Severity = HIGH,
            status: str = "new", confirmed: bool | None = True, level: str = "error",
            check: str = "price_mismatch", values: dict[str, str] | None = None) -> Finding:
    return Finding(fingerprint=fp, check=check, severity=severity, subject=subject,
                   attribute="monthly_price", channels=("desktop", "mobile"),
                   observations=(), message=f"The monthly price of {subject} differs.",
                   level=level, status=status, confirmed=confirmed,
                   values=values or {"desktop": "39,90 €/kk", "mobile": "44,90 €/kk"})


def channel(name: str, *, ok: bool = True) -> ChannelResult:
    errors = () if ok else (CaptureError(name, f"http://127.0.0.1/{name}", "HTTP 503"),)
    return ChannelResult(name, "web", "desktop", 3 if ok else 0, 0 if ok else 1, errors, ())


def a_run(run_id: str, findings: list[Finding], *, failed: tuple[str, ...] = (),
          interrupted: bool = False) -> Run:
    return Run(id=run_id, config_name="Nordtel demo", config_path=None,
               started_at="2026-11-23T06:00:00+00:00", finished_at="2026-11-23T06:01:00+00:00",
               channels={n: channel(n, ok=n not in failed) for n in ("desktop", "mobile")},
               observations=(), findings=tuple(findings),
               subject_names={"mbb-1000": "Mobiililaajakaista 1000M", "puhe-10": "Puhe 10 Gt"},
               interrupted=interrupted)


def settings(*urls: str, **extra) -> NotifyConfig:
    return NotifyConfig.model_validate({"urls": list(urls), **extra})


@pytest.fixture
def send(tmp_path):
    """``send(run, cfg)``: notify_run with a ledger in tmp_path and recorded backoff waits."""
    waits: list[float] = []
    lines: list[str] = []

    def go(run: Run, cfg: NotifyConfig, **kw):
        kw.setdefault("fail_on", HIGH)
        return notify_run(run, cfg, ledger=tmp_path / "ledger.json", sleep=waits.append,
                          log=lines.append, report=tmp_path / "out" / "report.html", **kw)

    go.waits = waits
    go.lines = lines
    return go


def test_a_new_finding_is_announced_once_while_it_persists_and_once_when_resolved(
        send, webhook_receiver, smtp_receiver):
    cfg = settings(webhook_receiver.apprise_url(), smtp_receiver.apprise_url())
    problem = finding("fp-price")
    send(a_run("r1", [problem]), cfg)
    assert len(webhook_receiver.posts) == 1 and len(smtp_receiver.messages) == 1
    post = webhook_receiver.posts[0]
    assert post["path"] == "/hooks/omniaudit"
    title, body = post["json"]["title"], post["json"]["message"]
    assert title == "Omniaudit · Nordtel demo: 1 new problem across channels"
    # The default message names the offer, the channels and their values, and links the report.
    assert "HIGH · Mobiililaajakaista 1000M (mbb-1000) · monthly price" in body
    assert "desktop: 39,90 €/kk  ·  mobile: 44,90 €/kk" in body
    assert "Report: file://" in body and body.rstrip().endswith("Run r1")
    mail = smtp_receiver.messages[0]
    assert mail["Subject"] == title
    assert mail["To"] == "qa@nordtel.example"
    assert "mobile: 44,90 €/kk" in mail.get_content()

    # Persisting (twice): nothing more, to either target.
    for rid in ("r2", "r3"):
        send(a_run(rid, [finding("fp-price", status="persisting")]), cfg)
    assert len(webhook_receiver.posts) == 1 and len(smtp_receiver.messages) == 1

    # Gone in a complete run: one "resolved" each, then silence.
    send(a_run("r4", []), cfg)
    send(a_run("r5", []), cfg)
    assert [p["json"]["title"] for p in webhook_receiver.posts] == [
        title, "Omniaudit · Nordtel demo: 1 problem resolved"]
    resolved = webhook_receiver.posts[1]["json"]["message"]
    assert "Mobiililaajakaista 1000M (mbb-1000) · monthly price (price_mismatch) is consistent" \
           in resolved
    assert "was: desktop: 39,90 €/kk  ·  mobile: 44,90 €/kk" in resolved
    assert [m["Subject"] for m in smtp_receiver.messages] == [
        title, "Omniaudit · Nordtel demo: 1 problem resolved"]


def test_only_confirmed_gating_findings_are_announced(send, webhook_receiver):
    cfg = settings(webhook_receiver.apprise_url())
    findings = [
        finding("gating"),
        finding("below-gate", severity=MEDIUM),
        finding("waived", status="waived"),
        finding("baselined"),
        finding("unconfirmed", confirmed=False),  # the second pass did not reproduce it
        finding("warn-level", level="warn"),
    ]
    send(a_run("r1", findings), cfg, baseline=frozenset({"baselined"}))
    assert len(webhook_receiver.posts) == 1
    assert webhook_receiver.posts[0]["json"]["title"].endswith(": 1 new problem across channels")
    # With no gate at all nothing gates, so nothing new is announced.
    send(a_run("r2", [finding("gating", status="persisting"), finding("other")]), cfg,
         fail_on=None)
    assert len(webhook_receiver.posts) == 1


def test_resolved_only_when_the_run_could_see_it(send, webhook_receiver):
    cfg = settings(webhook_receiver.apprise_url())
    send(a_run("r1", [finding("fp")]), cfg)
    # The mobile channel failed: the finding's absence proves nothing, so no "resolved" —
    # but the failed capture is announced.
    send(a_run("r2", [], failed=("mobile",)), cfg)
    titles = [p["json"]["title"] for p in webhook_receiver.posts]
    assert titles == ["Omniaudit · Nordtel demo: 1 new problem across channels",
                      "Omniaudit · Nordtel demo: could not capture mobile"]
    failed_body = webhook_receiver.posts[1]["json"]["message"]
    assert "mobile (web, desktop): 0 read, 1 failed" in failed_body
    assert "http://127.0.0.1/mobile: HTTP 503" in failed_body
    send(a_run("r3", []), cfg)
    assert webhook_receiver.posts[2]["json"]["title"] == (
        "Omniaudit · Nordtel demo: 1 problem resolved")
    assert len(webhook_receiver.posts) == 3


def test_a_failed_capture_is_announced_once_while_it_persists(send, webhook_receiver):
    cfg = settings(webhook_receiver.apprise_url())
    for rid, failed in [("r1", ("desktop",)), ("r2", ("desktop",)), ("r3", ()),
                        ("r4", ("desktop",))]:
        send(a_run(rid, [], failed=failed), cfg)
    assert [p["json"]["title"] for p in webhook_receiver.posts] == [
        "Omniaudit · Nordtel demo: could not capture desktop"] * 2  # r1 and, after recovery, r4


def test_waived_or_baselined_after_announcement_is_forgotten_silently(send, webhook_receiver):
    cfg = settings(webhook_receiver.apprise_url())
    send(a_run("r1", [finding("a"), finding("b")]), cfg)
    assert len(webhook_receiver.posts) == 1
    send(a_run("r2", [finding("a", status="waived"), finding("b", status="persisting")]), cfg,
         baseline=frozenset({"b"}))
    send(a_run("r3", []), cfg)  # both gone: neither is claimed as resolved
    assert len(webhook_receiver.posts) == 1


def test_an_interrupted_run_announces_nothing(send, webhook_receiver):
    cfg = settings(webhook_receiver.apprise_url())
    send(a_run("r1", [finding("fp")], failed=("mobile",), interrupted=True), cfg)
    assert webhook_receiver.posts == []
    assert any("interrupted" in line for line in send.lines)


def test_a_flaky_receiver_is_retried_with_backoff(send, webhook_receiver):
    webhook_receiver.fail_next = 2
    outcome = send(a_run("r1", [finding("fp")]), settings(webhook_receiver.apprise_url()))
    assert len(webhook_receiver.refused) == 2 and len(webhook_receiver.posts) == 1
    assert send.waits == [2.0, 4.0]  # retry_backoff, doubling
    assert [(d.kind, d.ok, d.attempts) for d in outcome.deliveries] == [("new", True, 3)]
    assert sum("retrying in" in line for line in send.lines) == 2


def test_a_failed_delivery_is_logged_and_tried_again_after_the_next_run(send, webhook_receiver,
                                                                         smtp_receiver):
    cfg = settings(webhook_receiver.apprise_url(), smtp_receiver.apprise_url(), retries=1,
                   retry_backoff=0.5)
    webhook_receiver.fail_next = 2  # both attempts of the first run fail
    outcome = send(a_run("r1", [finding("fp")]), cfg)
    assert outcome.failed == 1 and outcome.sent == 1
    assert webhook_receiver.posts == [] and len(smtp_receiver.messages) == 1
    assert any("FAILED after 2 attempts" in line and "json://" in line for line in send.lines)
    # The next run still has the finding: the webhook gets it now, the e-mail is not repeated.
    send(a_run("r2", [finding("fp", status="persisting")]), cfg)
    assert len(webhook_receiver.posts) == 1 and len(smtp_receiver.messages) == 1


def test_an_unreachable_target_never_raises(send, tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    outcome = send(a_run("r1", [finding("fp")]),
                   settings(f"json://127.0.0.1:{port}/hook", retries=2, retry_backoff=0))
    assert outcome.sent == 0 and outcome.failed == 1
    assert outcome.deliveries[0].attempts == 3
    with Ledger(tmp_path / "ledger.json") as book:  # nothing recorded: it will be retried
        assert book.state("Nordtel demo", target_id(f"json://127.0.0.1:{port}/hook")) == {
            "findings": {}, "capture": {}}


def test_events_can_be_limited(send, webhook_receiver):
    cfg = settings(webhook_receiver.apprise_url(), events=["capture_failed"])
    send(a_run("r1", [finding("fp")], failed=("mobile",)), cfg)
    assert [p["json"]["title"] for p in webhook_receiver.posts] == [
        "Omniaudit · Nordtel demo: could not capture mobile"]


def test_a_team_template_overrides_the_default(send, webhook_receiver, tmp_path):
    (tmp_path / "new.txt.j2").write_text(
        "[{{ audit }}] {{ findings|length }} new\n"
        "{% for f in findings %}{{ f.subject }}={{ f['values']['mobile'] }} {% endfor %}\n"
        "{{ report_url }}\n", encoding="utf-8")
    cfg = settings(webhook_receiver.apprise_url(), templates={"new": "new.txt.j2"},
                   report_url="https://reports.nordtel.example/{audit}/{run_id}/")
    send(a_run("r9", [finding("fp")]), cfg, root=tmp_path, audit="production")
    assert webhook_receiver.posts[0]["json"]["title"] == "[production] 1 new"
    # trim_blocks: a line ending in a block tag ({% endfor %}) loses its newline.
    assert webhook_receiver.posts[0]["json"]["message"] == (
        "mbb-1000=44,90 €/kk https://reports.nordtel.example/production/r9/")


def test_a_broken_template_is_a_config_error_with_its_line(tmp_path):
    from auditor.notify import check_templates

    (tmp_path / "new.txt.j2").write_text("ok\n{% for f in findings %}\n{{ f.subject }\n",
                                         encoding="utf-8")
    cfg = settings("json://127.0.0.1:9/x", templates={"new": "new.txt.j2"})
    with pytest.raises(ConfigError) as e:
        check_templates(cfg, tmp_path, "audit.yaml")
    assert str(e.value).startswith("audit.yaml: notify.templates.new: template ")
    assert "new.txt.j2:3:" in str(e.value)


def test_notify_config_errors_name_the_line_and_key():
    base = "name: x\nchannels: {a: {kind: web, start_urls: ['http://x/']}}\nnotify:\n"
    with pytest.raises(ConfigError) as e:
        parse_config(base + "  urls:\n    - json://127.0.0.1:9/x\n    - nope://x\n",
                     source="audit.yaml")
    assert str(e.value).startswith("audit.yaml:6: notify.urls[1]: not an apprise URL")
    with pytest.raises(ConfigError) as e:
        parse_config(base + "  urls: ['json://127.0.0.1:9/x']\n  evnts: [new]\n",
                     source="audit.yaml")
    assert str(e.value) == ("audit.yaml:5: notify.evnts: unknown key; did you mean 'events'? "
                            "(see the config reference in the README)")


def test_secrets_are_never_stored_nor_logged(send, webhook_receiver, monkeypatch):
    monkeypatch.setenv("HOOK_TOKEN", "s3cr3t-t0ken")
    url = webhook_receiver.apprise_url("/hooks/${HOOK_TOKEN}")
    config = parse_config("name: x\nchannels: {a: {kind: web, start_urls: ['http://x/']}}\n"
                          f"notify:\n  urls: ['{url}']\n", source="audit.yaml")
    assert "s3cr3t" not in json.dumps(config.resolved_document())
    send(a_run("r1", [finding("fp")]), config.notify)
    assert webhook_receiver.posts[0]["path"] == "/hooks/s3cr3t-t0ken"
    assert send.lines and not any("s3cr3t" in line for line in send.lines)


def test_plan_is_pure_and_reads_the_ledger_record():
    due = plan(a_run("r1", [finding("a"), finding("b")]),
               {"findings": {"a": {"channels": ["desktop"], "check": "price_mismatch"},
                             "gone": {"channels": ["mobile"], "check": "price_mismatch"}},
                "capture": {}}, fail_on=HIGH)
    assert [f.fingerprint for f in due.new] == ["b"]
    assert [fp for fp, _ in due.resolved] == ["gone"]


def test_default_ledger_sits_beside_the_sqlite_store():
    assert default_ledger("omniaudit-out/omniaudit.sqlite") == Path(
        "omniaudit-out/omniaudit.notified.json")
    assert default_ledger("postgresql://u@db/omniaudit") == Path(
        "omniaudit-out/omniaudit.notified.json")


def test_omniaudit_run_notifies_and_a_failed_delivery_never_changes_its_exit_code(
        price_shop, webhook_receiver, tmp_path):
    """The whole path in a child process: ``omniaudit run`` with a ``notify`` section, one
    live target and one that is down. Static capture, so no browser is needed."""
    import socket

    site = price_shop()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    config = tmp_path / "audit.yaml"
    config.write_text(site.config("tiny shop") + f"""\
notify:
  urls: ["{webhook_receiver.apprise_url()}", "json://127.0.0.1:{dead}/down"]
  retries: 1
  retry_backoff: 0.1
""", encoding="utf-8")
    codes = []
    for i in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "auditor", "run", str(config), "--quiet",
             "--out", str(tmp_path / f"out{i}"), "--store", str(tmp_path / "runs.sqlite")],
            capture_output=True, text=True, timeout=120, cwd=tmp_path)
        codes.append(done.returncode)
        assert "FAILED after 2 attempts" in done.stderr, done.stderr
    assert codes == [1, 1]  # gating findings, whatever the notifications did
    assert len(webhook_receiver.posts) == 1  # the second run's finding persists: not repeated
    body = webhook_receiver.posts[0]["json"]["message"]
    assert "Kuitu 100M (fiber-100) · monthly price" in body
    assert "desktop: 29,90 €/kk  ·  mobile: 34,90 €/kk" in body
    assert (tmp_path / "runs.notified.json").is_file()
