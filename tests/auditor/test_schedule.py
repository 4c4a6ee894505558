"""``omniaudit schedule``: the schedule file, fire times, and the scheduler's policies —
jitter, one run per audit at a time, one catch-up run after downtime, SIGTERM — with real
``omniaudit run`` child processes against a real local site (static capture, no browser).
Only the clock is injected; no test waits for wall-clock time to pass. Also: the three
other ways to schedule (cron, a Kubernetes CronJob, a CI pipeline) in ``examples/`` hold
valid ``omniaudit`` command lines."""

from __future__ import annotations

import random
import re
import shlex
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
import yaml
from click.testing import CliRunner
from croniter import croniter

from auditor.cli import main
from auditor.config import ConfigError
from auditor.model import ChannelResult, Run
from auditor.schedule import (
    Scheduler,
    load_schedule,
    next_fire_times,
    parse_schedule,
    run_command,
)

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ZoneInfo("Europe/Helsinki")

class Clock:
    """The injected clock: ``sleep`` moves time forward instantly."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def schedule_text(store: Path, audits: str, **top: str) -> str:
    head = "".join(f"{k}: {v}\n" for k, v in top.items())
    return f"version: 1\nstore: {store}\nout: runs\n{head}audits:\n{audits}"


# --- the file -------------------------------------------------------------------------------

@pytest.fixture
def folder(tmp_path, monkeypatch, price_shop):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "audit.yaml", price_shop.config("tiny shop"))
    write(tmp_path / "staging.yaml", price_shop.config("tiny staging"))
    return tmp_path


AUDIT_OK = "  prod:\n    config: audit.yaml\n    cron: '0 6 * * *'\n"


@pytest.mark.parametrize("body, line, message", [
    (AUDIT_OK.replace("'0 6 * * *'", "'61 6 * * *'"), 7,
     "audits.prod.cron: not a cron expression: '61 6 * * *'"),
    (AUDIT_OK.replace("cron:", "crn:"), 7,
     "audits.prod.crn: unknown key; did you mean 'cron'?"),
    (AUDIT_OK + "    timezone: Europe/Helsinkki\n", 8,
     "audits.prod.timezone: unknown time zone 'Europe/Helsinkki'"),
    (AUDIT_OK.replace("audit.yaml", "missing.yaml"), 6,
     "audits.prod.config: file not found: "),
    (AUDIT_OK + "    fail_on: severe\n", 8, "audits.prod.fail_on: "),
    (AUDIT_OK + "    base_url: ${OMNIAUDIT_TEST_UNSET_URL}\n", 8,
     "audits.prod.base_url: environment variable OMNIAUDIT_TEST_UNSET_URL is not set"),
    (AUDIT_OK + AUDIT_OK.replace("prod", "again"), 8,
     "audits.again: audits 'prod' and 'again' would both be stored as 'tiny shop'"),
    (AUDIT_OK.replace("prod:", "Prod Audit:"), 5,
     "audits.Prod Audit: audit name 'Prod Audit' must be"),
])
def test_schedule_errors_name_the_file_line_and_key(folder, body, line, message):
    text = schedule_text(folder / "runs.sqlite", body)
    with pytest.raises(ConfigError) as e:
        parse_schedule(text, source="schedule.yaml", root=folder)
    assert str(e.value).startswith(f"schedule.yaml:{line}: {message}"), str(e.value)


def test_an_audit_configs_own_error_names_its_own_file(folder):
    write(folder / "broken.yaml", "name: x\nchannels:\n  a: {kind: web, start_urls: [/x], "
                                  "max_pages: ten}\n")
    text = schedule_text(folder / "runs.sqlite", AUDIT_OK.replace("audit.yaml", "broken.yaml"))
    with pytest.raises(ConfigError) as e:
        parse_schedule(text, source="schedule.yaml", root=folder)
    assert str(e.value).startswith(f"{folder / 'broken.yaml'}:3: channels.a.max_pages:")


def test_overrides_and_env_make_the_run_command(folder, monkeypatch):
    monkeypatch.setenv("STAGING_URL", "https://staging.nordtel.example")
    text = schedule_text(folder / "runs.sqlite", AUDIT_OK + (
        "  staging:\n    config: staging.yaml\n    cron: '30 6 * * 1-5'\n"
        "    base_url: ${STAGING_URL}\n    fail_on: medium\n    name: tiny shop (staging)\n"))
    schedule = parse_schedule(text, source="schedule.yaml", root=folder)
    cmd = run_command(schedule, schedule.audits["staging"], Path("runs/staging/x"), "py")
    assert cmd == ["py", "-m", "auditor", "run", str(folder / "staging.yaml"), "--out",
                   "runs/staging/x", "--store", str(folder / "runs.sqlite"), "--quiet",
                   "--fail-on", "medium", "--base-url", "https://staging.nordtel.example",
                   "--name", "tiny shop (staging)"]
    # Every option the scheduler passes exists on `omniaudit run`.
    ctx = main.make_context("omniaudit", cmd[3:4])
    main.commands["run"].make_context("run", cmd[4:], parent=ctx)


def test_fire_times_follow_the_audits_time_zone():
    winter = next_fire_times("0 6 * * *", HELSINKI, datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    summer = next_fire_times("0 6 * * *", HELSINKI, datetime(2027, 6, 1, 5, 0, tzinfo=UTC))
    assert [t.astimezone(UTC).hour for t in winter + summer] == [4, 3]  # 06:00 EET / EEST
    # The spring-forward night: 03:30 does not exist in Helsinki on 28.3.2027 (03:00 → 04:00);
    # the day still gets exactly one run.
    days = next_fire_times("30 3 * * *", HELSINKI, datetime(2027, 3, 27, 12, tzinfo=UTC), 3)
    assert [t.date().isoformat() for t in days] == ["2027-03-28", "2027-03-29", "2027-03-30"]


def test_dry_run_lists_fire_times_and_commands(folder):
    write(folder / "schedule.yaml", schedule_text(folder / "runs.sqlite", AUDIT_OK,
                                                  timezone="Europe/Helsinki", jitter="120"))
    r = CliRunner().invoke(main, ["schedule", "schedule.yaml", "--dry-run"])
    assert r.exit_code == 0, r.output
    first, command = r.output.splitlines()[:2]
    assert first.startswith("prod: cron '0 6 * * *' in Europe/Helsinki + up to 120 s jitter; "
                            "next ")
    assert re.search(r"next \d{4}-\d\d-\d\dT06:00:00\+0[23]:00, ", first)
    assert command.strip().startswith(f"omniaudit run {folder / 'audit.yaml'} --out ")


def test_a_bad_schedule_exits_2_with_the_line(folder):
    write(folder / "schedule.yaml", schedule_text(folder / "runs.sqlite",
                                                  AUDIT_OK.replace("6 * * *", "6 * *")))
    r = CliRunner().invoke(main, ["schedule", "schedule.yaml"])
    assert r.exit_code == 2
    assert "schedule.yaml:7: audits.prod.cron: not a cron expression" in r.output


# --- the scheduler, with real runs ------------------------------------------------------------

def audits_for(site, folder: Path, extra: str = "") -> Path:
    write(folder / "audit.yaml", site.config("tiny shop"))
    return write(folder / "schedule.yaml", schedule_text(
        folder / "runs.sqlite", "  prod:\n    config: audit.yaml\n    cron: '0 * * * *'\n"
        + extra))


def test_jitter_delays_each_run_by_a_seeded_random_amount(folder, price_shop):
    site = price_shop()
    schedule = load_schedule(audits_for(site, folder, "    jitter: 600\n"))
    start = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)
    clock, lines = Clock(start), []
    scheduler = Scheduler(schedule, clock=clock, sleep=clock.sleep, rng=random.Random(3),
                          log=lines.append)
    assert scheduler.run(until=start + timedelta(hours=1, minutes=45)) == 0
    draws = random.Random(3)
    expected = [draws.uniform(0, 600) for _ in range(3)]  # 06:00, 07:00, (08:00 after until)
    assert [(datetime.fromisoformat(r.started) - datetime.fromisoformat(r.fire)).total_seconds()
            for r in scheduler.records] == pytest.approx(expected[:2])
    assert [r.exit_code for r in scheduler.records] == [1, 1]  # a gating price mismatch
    assert [r.gating for r in scheduler.records] == [1, 1]
    assert [r.new for r in scheduler.records] == [3, 0]  # with two VAT notes; then persisting
    assert len(site.hits) == 4  # two pages a run, nothing else


def test_a_run_still_going_is_never_doubled_the_fire_time_is_skipped(folder, price_shop):
    """The lock: while the 06:00 run is stuck on a page, the clock passes 06:00 → 07:10.
    The 07:00 fire time is skipped (logged), not started beside it, and not made up later."""
    start = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)
    clock, lines = Clock(start), []
    skipped = threading.Event()

    def log(line: str) -> None:
        lines.append(line)
        if " skipped " in line:
            skipped.set()

    def on_request(path: str) -> None:
        if path == "/kuitu" and clock.now < start + timedelta(hours=1):
            clock.now = start + timedelta(hours=1, minutes=11)  # the run takes 70 minutes
            skipped.wait(30)  # hold the page until the scheduler has seen the fire time pass

    site = price_shop(on_request)
    scheduler = Scheduler(load_schedule(audits_for(site, folder)), clock=clock,
                          sleep=clock.sleep, log=log)
    assert scheduler.run(until=start + timedelta(hours=1, minutes=30)) == 0
    assert skipped.is_set()
    assert [r.fire[11:16] for r in scheduler.records] == ["06:00"]
    (skip,) = [line for line in lines if " skipped " in line]
    assert "audit=prod skipped 2026-11-23T07:00:00+00:00: the run started " \
           "2026-11-23T06:00:00+00:00 is still going" in skip


def test_an_audit_locked_by_another_process_is_skipped(folder, price_shop):
    """The lock is a file too (``OUT/AUDIT/.lock``, flock): a second scheduler on the same
    schedule — or a cron line with ``flock -n`` on that file — never runs the audit beside
    the one holding it."""
    import fcntl

    path = audits_for(price_shop(), folder)
    lock_file = folder / "runs" / "prod" / ".lock"
    lock_file.parent.mkdir(parents=True)
    start = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)
    clock, lines = Clock(start), []
    with open(lock_file, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        scheduler = Scheduler(load_schedule(path), clock=clock, sleep=clock.sleep,
                              log=lines.append)
        assert scheduler.run(until=start + timedelta(minutes=30)) == 0
    assert scheduler.records == []
    assert any("skipped 2026-11-23T06:00:00+00:00: another process is running this audit"
               in line for line in lines)


def test_a_run_past_its_timeout_is_stopped_like_a_ci_timeout(folder, price_shop):
    """`timeout: 600`: the run is stuck on a page while the clock passes 10 minutes; the
    scheduler sends SIGTERM, and the run ends as `omniaudit run` does on SIGTERM (143)."""
    start = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)
    clock, lines = Clock(start), []
    stopped = threading.Event()

    def log(line: str) -> None:
        lines.append(line)
        if "timeout after 600 s" in line:
            stopped.set()

    def on_request(path: str) -> None:
        if path == "/kuitu":
            clock.now += timedelta(minutes=11)
            stopped.wait(30)
            threading.Event().wait(0.5)  # the run notes the signal before the page returns

    site = price_shop(on_request)
    scheduler = Scheduler(load_schedule(audits_for(site, folder, "    timeout: 600\n")),
                          clock=clock, sleep=clock.sleep, log=log)
    assert scheduler.run(until=start + timedelta(minutes=30)) == 0
    assert [(r.exit_code, r.meaning) for r in scheduler.records] == [
        (143, "interrupted (SIGTERM)")]


def _stored_run(name: str, started: datetime) -> Run:
    ch = ChannelResult("desktop", "web", "desktop", 1, 0, (), ())
    at = started.isoformat(timespec="seconds")
    return Run(id=started.strftime("%Y%m%dT%H%M%SZ") + "-0000", config_name=name,
               config_path=None, started_at=at, finished_at=at, channels={"desktop": ch},
               observations=(), findings=())


@pytest.mark.parametrize("catch_up, runs", [(True, ["04:00"]), (False, [])])
def test_after_downtime_one_catch_up_run_never_a_backlog(folder, price_shop, catch_up, runs):
    """The last run was at 01:00; the scheduler starts again at 04:20 — three hourly fire
    times were missed. One run now (for 04:00), then the next at 05:00 as usual."""
    from auditor.store import Store

    site = price_shop()
    path = audits_for(site, folder, f"    catch_up: {str(catch_up).lower()}\n")
    Store(str(folder / "runs.sqlite")).save(
        _stored_run("tiny shop", datetime(2026, 11, 23, 1, 0, tzinfo=UTC)))
    start = datetime(2026, 11, 23, 4, 20, tzinfo=UTC)
    clock, lines = Clock(start), []
    scheduler = Scheduler(load_schedule(path), clock=clock, sleep=clock.sleep, log=lines.append)
    assert scheduler.run(until=start + timedelta(minutes=30)) == 0
    assert [r.fire[11:16] for r in scheduler.records] == runs
    assert sum("catch-up" in line for line in lines) == len(runs)
    if catch_up:
        assert scheduler.records[0].started == start.isoformat()  # at once, not at 05:00


def test_a_machine_that_slept_through_fire_times_runs_once(folder, price_shop):
    """The clock jumps three hours during one sleep (a suspended laptop, a paused VM)."""
    site = price_shop()
    start = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)
    clock, lines = Clock(start), []

    asleep = [True]

    def sleep(seconds: float) -> None:
        wake = clock.now + timedelta(seconds=seconds)
        if asleep[0] and wake >= start.replace(hour=6, minute=0):
            asleep[0] = False
            wake = start.replace(hour=9, minute=10)  # asleep from before 06:00 until 09:10
        clock.sleep((wake - clock.now).total_seconds())

    scheduler = Scheduler(load_schedule(audits_for(site, folder)), clock=clock,
                          sleep=sleep, log=lines.append)
    assert scheduler.run(until=start + timedelta(hours=3, minutes=45)) == 0
    assert [r.fire[11:16] for r in scheduler.records] == ["06:00"]
    assert any("3 fire time(s) after 2026-11-23T06:00:00+00:00 were missed; one run now"
               in line for line in lines)
    assert scheduler.records[0].started == "2026-11-23T09:10:00+00:00"


def test_sigterm_interrupts_the_running_audit_like_run_does_and_exits_143(folder, price_shop):
    """The real command, the real clock: `omniaudit schedule` starts a catch-up run at once;
    SIGTERM reaches the scheduler while the run is stuck on a page; the run stops the way
    `omniaudit run` stops (what was read is reported, stored as interrupted, exit 143), and
    so does the scheduler."""
    from auditor.store import Store

    stall = threading.Event()
    site = price_shop(lambda path: stall.wait(60) if path == "/kuitu" else None)
    path = audits_for(site, folder)
    Store(str(folder / "runs.sqlite")).save(
        _stored_run("tiny shop", datetime.now(UTC) - timedelta(hours=2)))
    proc = subprocess.Popen([sys.executable, "-m", "auditor", "schedule", str(path)],
                            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    lines: list[str] = []
    try:
        for line in proc.stdout:  # bounded: the process exits, or the timeout below kills it
            lines.append(line)
            if "started run for" in line:
                break
        deadline = threading.Timer(60, proc.kill)
        deadline.start()
        # Wait until the run is on the stuck page, then stop the scheduler.
        for _ in range(300):
            if "/kuitu" in site.hits:
                break
            threading.Event().wait(0.1)
        proc.send_signal(signal.SIGTERM)
        threading.Event().wait(0.5)  # the run notes the stop before its page comes back
        stall.set()
        rest, _ = proc.communicate(timeout=60)
        deadline.cancel()
    finally:
        stall.set()
        if proc.poll() is None:
            proc.kill()
    lines += rest.splitlines()
    assert proc.returncode == 143, "".join(lines)
    (done,) = [line for line in lines if " exit=" in line]
    assert "audit=prod" in done and "exit=143 (interrupted (SIGTERM))" in done
    assert any("schedule: stopped (SIGTERM)" in line for line in lines)
    newest = Store(str(folder / "runs.sqlite")).history("tiny shop", 1)[0]
    assert newest["interrupted"] is True


# --- the three other ways: cron, Kubernetes, CI ------------------------------------------------

def _validate_omniaudit(argv: list[str]) -> None:
    """Parse an `omniaudit …` command line with the real click command (no execution):
    unknown commands or options raise click's usage errors."""
    assert argv[0].endswith("omniaudit"), argv
    ctx = main.make_context("omniaudit", argv[1:2], resilient_parsing=False)
    name, command, rest = main.resolve_command(ctx, argv[1:])
    assert command is not None, argv
    try:
        command.make_context(name, rest, parent=ctx)
    except click.BadParameter as e:  # a path that exists only where the example runs
        assert "does not exist" in str(e), e


SHELL_OPERATORS = {">", ">>", "2>&1", "|", "||", "&&", ";", "&"}


def _omniaudit_lines(text: str) -> list[list[str]]:
    found = []
    for line in text.splitlines():
        m = re.search(r"(\S*omniaudit) (run|schedule|validate|history)\b(.*)", line)
        if m:
            argv = shlex.split(m.group(1) + " " + m.group(2) + m.group(3))
            ends = [i for i, a in enumerate(argv) if a in SHELL_OPERATORS]
            found.append(argv[:ends[0]] if ends else argv)
    return found


def test_cron_example():
    text = (ROOT / "examples" / "cron" / "omniaudit.crontab").read_text(encoding="utf-8")
    entries = [line for line in text.splitlines()
               if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert entries
    for entry in entries:
        fields = entry.split()
        assert croniter.is_valid(" ".join(fields[:5])), entry
        (argv,) = _omniaudit_lines(" ".join(fields[5:]))
        _validate_omniaudit(argv)
    assert "CRON_TZ=" in text  # fire times in the audit's time zone, not the server's


def test_kubernetes_cronjob_example():
    doc = yaml.safe_load((ROOT / "examples" / "kubernetes" / "cronjob.yaml").read_text(
        encoding="utf-8"))
    assert doc["apiVersion"] == "batch/v1" and doc["kind"] == "CronJob"
    spec = doc["spec"]
    assert croniter.is_valid(spec["schedule"]) and spec["timeZone"] == "Europe/Helsinki"
    assert spec["concurrencyPolicy"] == "Forbid"  # never two runs of the audit at once
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    argv = [*container["command"], *container.get("args", [])]
    _validate_omniaudit(argv)
    # SIGTERM first, then the grace period: time enough to write the partial report.
    assert pod["terminationGracePeriodSeconds"] >= 60
    env = {e["name"]: e for e in container["env"]}
    assert "secretKeyRef" in env["SLACK_WEBHOOK_URL"]["valueFrom"]


def test_github_actions_schedule_example():
    wf = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions.yml").read_text(
        encoding="utf-8"))
    triggers = wf.get("on") or wf[True]  # YAML 1.1 reads a bare `on` as true
    crons = [c["cron"] for c in triggers["schedule"]]
    assert crons and all(croniter.is_valid(c) for c in crons)
    assert wf["concurrency"]["cancel-in-progress"] is False
    steps = wf["jobs"]["audit"]["steps"]
    commands = [argv for s in steps for argv in _omniaudit_lines(s.get("run", ""))]
    assert any(argv[1] == "run" for argv in commands)
    for argv in commands:
        _validate_omniaudit(argv)
