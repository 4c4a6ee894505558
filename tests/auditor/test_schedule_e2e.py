"""A schedule of two audits running unattended against the demo shop for four cycles.

Everything is real except the clock: the Nordtel demo served on 127.0.0.1 (from a temporary
copy of its templates, so the test can change what it serves), ``omniaudit run`` in child
processes driving the real Chromium, the run store (SQLite, and a real PostgreSQL server),
a webhook receiver and an SMTP server (aiosmtpd) on 127.0.0.1. The injected clock moves
from one cron fire time to the next instantly, and the site changes with it:

* 06:00 — the site is consistent: nothing is sent;
* 06:05 — a monthly price differs on mobile for both audited offers: one "new" message per
  audit, to the webhook (the schedule's ``notify``) and by e-mail (each audit's own);
* 06:10 — the problem persists: nothing is sent;
* 06:15 — it is fixed: one "resolved" message per audit, to both.
"""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import auditor.demo.server as demo_server_module
from auditor.demo import DemoServer
from auditor.schedule import Scheduler, load_schedule

pytestmark = pytest.mark.browser

START = datetime(2026, 11, 23, 5, 58, tzinfo=UTC)  # 07:58 in Helsinki
SEED_AT = START + timedelta(minutes=4)  # after the 06:00 cycle
FIX_AT = START + timedelta(minutes=14)  # after the 06:10 cycle
UNTIL = START + timedelta(minutes=19)  # after the 06:15 cycle

#: The mobile product page's price, changed for the two audited offers only.
PRICE = '<span class="m-price__value">{{ v.monthly }}</span>'
SEEDED = ('<span class="m-price__value">{{ "44,90\u00a0€/kk" if v.id in ("mbb-1000", '
          '"puhe-10") else v.monthly }}</span>')

AUDIT = """\
version: 1
name: {name}
base_url: http://127.0.0.1:9   # replaced per audit by the schedule's base_url
channels:
  desktop:
    kind: web
    start_urls: ["{desktop}"]
    max_depth: 0
    sitemaps: false
  mobile:
    kind: web
    device: "iPhone 13"
    start_urls: ["{mobile}"]
    max_depth: 0
    sitemaps: false
subjects:
  - id: {subject}
    name: {title}
notify:
  urls: ["mailto://127.0.0.1:${{SMTP_PORT}}?from=omniaudit@nordtel.example&to=qa@nordtel.example&format=text"]
"""

SCHEDULE = """\
version: 1
timezone: Europe/Helsinki
store: {store}
out: runs
notify:
  urls: ["json://127.0.0.1:${{HOOK_PORT}}/hooks/${{HOOK_TOKEN}}"]
audits:
  broadband:
    config: mbb.yaml
    cron: "*/5 * * * *"
    base_url: ${{DEMO_URL}}
    fail_on: high
  phone:
    config: puhe.yaml
    cron: "*/5 * * * *"
    base_url: ${{DEMO_URL}}
    fail_on: medium
"""


class SiteClock:
    """The injected clock: ``sleep`` moves time instantly, and the demo site changes when
    time passes the seeding and fixing moments."""

    def __init__(self, start: datetime, template: Path) -> None:
        self.now = start
        self.template = template
        self.changes: list[str] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        text = self.template.read_text(encoding="utf-8")
        if self.now >= FIX_AT and SEEDED in text:
            self.template.write_text(text.replace(SEEDED, PRICE), encoding="utf-8")
            self.changes.append(f"fixed at {self.now:%H:%M}")
        elif SEED_AT <= self.now < FIX_AT and PRICE in text:
            self.template.write_text(text.replace(PRICE, SEEDED), encoding="utf-8")
            self.changes.append(f"seeded at {self.now:%H:%M}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_ref(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite")
    return request.getfixturevalue("postgres_database")


def test_two_audits_on_a_short_cron_notify_exactly_once_per_change(
        store_ref, chromium, tmp_path, monkeypatch, webhook_receiver, smtp_receiver):
    from auditor.store import Store

    # The demo, served from a copy of its templates that the clock edits between cycles.
    templates = tmp_path / "site-templates"
    shutil.copytree(demo_server_module.TEMPLATES_DIR, templates)
    product = templates / "mobile" / "product.html"
    assert PRICE in product.read_text(encoding="utf-8")
    monkeypatch.setattr(demo_server_module, "TEMPLATES_DIR", templates)
    monkeypatch.chdir(tmp_path)  # the runs' relative paths (ledger, crashes) stay in here
    for name, value in {"SMTP_PORT": str(smtp_receiver.port),
                        "HOOK_PORT": webhook_receiver.url.rsplit(":", 1)[1],
                        "HOOK_TOKEN": "t0ken-qa"}.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "mbb.yaml").write_text(AUDIT.format(
        name="Nordtel mbb-1000", desktop="/tuotteet/mobiililaajakaista-1000m",
        mobile="/m/tuote/mbb1000", subject="mbb-1000", title="Mobiililaajakaista 1000M"),
        encoding="utf-8")
    (tmp_path / "puhe.yaml").write_text(AUDIT.format(
        name="Nordtel puhe-10", desktop="/tuotteet/puhe-10-gt", mobile="/m/tuote/puhe10",
        subject="puhe-10", title="Puhe 10 Gt"), encoding="utf-8")
    (tmp_path / "schedule.yaml").write_text(SCHEDULE.format(store=store_ref),
                                            encoding="utf-8")

    with DemoServer() as site:
        monkeypatch.setenv("DEMO_URL", site.url)
        schedule = load_schedule(tmp_path / "schedule.yaml")
        clock = SiteClock(START, product)
        lines: list[str] = []
        scheduler = Scheduler(schedule, clock=clock, sleep=clock.sleep, rng=random.Random(7),
                              log=lines.append)
        assert scheduler.run(until=UNTIL) == 0

    assert clock.changes == ["seeded at 06:02", "fixed at 06:12"]
    runs = [(r.audit, r.fire[11:16], r.exit_code) for r in scheduler.records]
    # Four cycles of each audit at its Helsinki fire times, the two audits side by side.
    assert sorted(runs) == sorted(
        [(audit, t, code) for audit in ("broadband", "phone")
         for t, code in (("08:00", 0), ("08:05", 1), ("08:10", 1), ("08:15", 0))]), lines
    assert [r.notified for r in scheduler.records if r.audit == "broadband"] == [0, 1, 0, 1]
    assert all(r.notify_failed == 0 for r in scheduler.records)
    # A log line per run, naming audit, run id, exit code and report.
    finished = [line for line in lines if " exit=" in line]
    assert len(finished) == 8
    assert all("report=" in line and "run=2026" in line for line in finished)

    # The webhook (the schedule's notify): exactly one "new" and one "resolved" per audit.
    webhook = [(p["path"], p["json"]["title"]) for p in webhook_receiver.posts]
    assert sorted(webhook) == sorted([
        ("/hooks/t0ken-qa", "Omniaudit · Nordtel mbb-1000: 1 new problem across channels"),
        ("/hooks/t0ken-qa", "Omniaudit · Nordtel puhe-10: 1 new problem across channels"),
        ("/hooks/t0ken-qa", "Omniaudit · Nordtel mbb-1000: 1 problem resolved"),
        ("/hooks/t0ken-qa", "Omniaudit · Nordtel puhe-10: 1 problem resolved"),
    ])
    bodies = {p["json"]["title"]: p["json"]["message"] for p in webhook_receiver.posts}
    mbb_new = bodies["Omniaudit · Nordtel mbb-1000: 1 new problem across channels"]
    assert "HIGH · Mobiililaajakaista 1000M (mbb-1000) · monthly price" in mbb_new
    assert "desktop: 39,90 €/kk  ·  mobile: 44,90 €/kk" in mbb_new
    assert "Report: file://" in mbb_new and "/runs/broadband/20261123T060500Z/report.html" \
        in mbb_new
    assert "desktop: 12,90 €/kk  ·  mobile: 44,90 €/kk" in bodies[
        "Omniaudit · Nordtel puhe-10: 1 new problem across channels"]

    # The e-mails (each audit's own notify, sent by its `omniaudit run`): the same four.
    mails = sorted(m["Subject"] for m in smtp_receiver.messages)
    assert mails == sorted(title for _path, title in webhook)
    assert all(m["To"] == "qa@nordtel.example" for m in smtp_receiver.messages)

    # The history is in the store the schedule names, four complete runs per audit.
    store = Store(store_ref)
    for name in ("Nordtel mbb-1000", "Nordtel puhe-10"):
        history = store.history(name, 10)
        assert len(history) == 4 and all(row["complete"] for row in history)
