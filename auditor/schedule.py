"""``omniaudit schedule SCHEDULE.yaml``: audits on cron expressions, unattended.

A small scheduler of our own on croniter (docs/scheduling.md explains why not
APScheduler): for every audit the next fire time in the audit's own time zone, plus a
random jitter; a lock per audit (a run still going when the next fire time comes makes the
scheduler skip that fire time, never start a second run); a missed-run policy (fire times
missed while the scheduler was down, or the machine asleep, give *one* catch-up run, never
a backlog); a log line per run; SIGTERM/SIGINT forwarded to the running audits, which stop
the way ``omniaudit run`` stops (what was captured is reported and stored as interrupted).

Every scheduled run is ``omniaudit run`` in a child process — the same code path, exit codes
and signal handling as a run from cron or CI, and a crash (or a Chromium that eats the
machine's memory) ends that run only, never the scheduler. The clock and the idle sleep are
injected (:class:`Scheduler`), so tests move time forward instantly.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import BaseModel, Field, ValidationError, field_validator

from auditor.config import (
    _ID_RE,
    FAIL_ON_NONE,
    ConfigError,
    NotifyConfig,
    _construct,
    _describe,
    _dotted,
    _line_for,
    _Model,
    _models_in,
    _typo_first,
    compose_yaml,
    load_config,
)
from auditor.model import Severity

__all__ = ["EXIT_MEANINGS", "Schedule", "ScheduledAudit", "Scheduler", "load_schedule",
           "next_fire_times", "parse_schedule", "run_command"]

#: Seconds a timed-out run has, after SIGTERM, to write its partial report before SIGKILL.
TIMEOUT_GRACE = 300.0
#: What ``omniaudit run``'s exit code means, for the log line of a scheduled run.
EXIT_MEANINGS = {0: "passed", 1: "gating findings", 2: "usage or config error",
                 3: "incomplete", 4: "internal error", 130: "interrupted (SIGINT)",
                 143: "interrupted (SIGTERM)"}


# --- the schedule file ------------------------------------------------------------------

def _check_cron(v: str) -> str:
    if not croniter.is_valid(v):
        raise ValueError(f"not a cron expression: {v!r} (five fields: minute hour "
                         "day-of-month month day-of-week, such as '0 6 * * 1-5')")
    return v


def _check_timezone(v: str | None) -> str | None:
    if v is None:
        return v
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {v!r}; expected an IANA name such as "
                         "'Europe/Helsinki' or 'UTC'") from None
    return v


def _check_fail_on(v: str | None) -> str | None:
    if v is None or v == FAIL_ON_NONE:
        return v
    return Severity.parse(v).label


class ScheduledAudit(_Model):
    """One audit of a schedule: which config, when, and what to override."""

    #: The audit config file, relative to the schedule file.
    config: Path
    #: Standard five-field cron expression, in ``timezone``.
    cron: str
    #: IANA time zone of ``cron`` (default: the schedule's ``timezone``).
    timezone: str | None = None
    #: Seconds of random delay added to every fire time (default: the schedule's).
    jitter: float | None = Field(None, ge=0)
    #: ``--base-url`` of the run (a staging host).
    base_url: str | None = None
    #: ``--fail-on`` of the run (default: the config's ``fail_on``).
    fail_on: str | None = None
    #: Store and compare the runs under this name (default: the config's ``name``); a
    #: staging audit of the production config keeps its own history with it.
    name: str | None = None
    #: ``--baseline`` and ``--waivers`` of the run, relative to the schedule file.
    baseline: Path | None = None
    waivers: Path | None = None
    #: Seconds a run may take before it is stopped like a CI timeout (SIGTERM).
    timeout: float | None = Field(None, gt=0)
    #: After downtime, one catch-up run for the fire times missed (never a backlog).
    catch_up: bool = True
    #: Notifications of this audit, replacing the schedule's ``notify``.
    notify: NotifyConfig | None = None

    @field_validator("cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        return _check_cron(v)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return _check_timezone(v)

    @field_validator("fail_on")
    @classmethod
    def _gate(cls, v: str | None) -> str | None:
        return _check_fail_on(v)


class Schedule(_Model):
    """A validated schedule file."""

    version: Literal[1] = 1
    #: Default time zone of the audits' cron expressions.
    timezone: str = "UTC"
    #: Default jitter in seconds.
    jitter: float = Field(0.0, ge=0)
    #: The run store every run writes to (a SQLite file or ``postgresql://…``; default:
    #: ``omniaudit run``'s, ``./omniaudit-out/omniaudit.sqlite``).
    store: str | None = None
    #: Folder of the runs' reports: ``OUT/AUDIT/<fire time>/`` (relative to the schedule).
    out: Path = Path("omniaudit-out/scheduled")
    #: Notifications for every audit that has no ``notify`` of its own.
    notify: NotifyConfig | None = None
    audits: dict[str, ScheduledAudit] = Field(min_length=1)
    root: Path = Path(".")
    source: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        _check_timezone(v)
        return v

    def resolve(self, p: Path | str) -> Path:
        """A path from the schedule file, resolved against its folder."""
        path = Path(p)
        return path if path.is_absolute() else self.root / path

    def store_ref(self) -> str:
        """The store every run uses, as ``--store`` takes it."""
        if self.store is None:
            return str(Path("omniaudit-out") / "omniaudit.sqlite")
        if "://" in self.store:
            return self.store
        return str(self.resolve(self.store))

    def zone(self, audit: ScheduledAudit) -> ZoneInfo:
        return ZoneInfo(audit.timezone or self.timezone)

    def jitter_of(self, audit: ScheduledAudit) -> float:
        return self.jitter if audit.jitter is None else audit.jitter

    def notify_of(self, audit: ScheduledAudit) -> NotifyConfig | None:
        return audit.notify or self.notify


def _keys_at(loc: tuple, data: Any) -> list[str]:
    """The keys allowed in the mapping at ``loc`` of a schedule (for "did you mean")."""
    kinds: list[Any] = [Schedule]
    for part in loc:
        step: list[Any] = []
        for t in kinds:
            for alt in _models_in(t):
                if isinstance(alt, type) and issubclass(alt, BaseModel) and isinstance(part,
                                                                                      str):
                    f = alt.model_fields.get(part)
                    if f is not None:
                        step.append(f.annotation)
                elif getattr(alt, "__origin__", None) is dict:
                    step.append(alt.__args__[1])
                elif getattr(alt, "__origin__", None) is list and isinstance(part, int):
                    step.append(alt.__args__[0])
        kinds = step
    models = [m for t in kinds for m in _models_in(t)
              if isinstance(m, type) and issubclass(m, BaseModel)]
    return sorted({k for m in models for k in m.model_fields if k not in {"root", "source"}})


def parse_schedule(text: str, *, source: str = "<schedule>", root: Path | None = None,
                   check_configs: bool = True) -> Schedule:
    """Validate schedule text; a problem is a :class:`ConfigError` naming file, line, key.

    ``${NAME}`` is replaced by the environment variable (unset is an error), as in an audit
    config. With ``check_configs`` every audit's config is loaded too (its own errors name
    its own file and line), template overrides are parsed, and two audits that would share
    one history are refused.
    """
    node = compose_yaml(text, source)
    if node is None:
        raise ConfigError("the file is empty; expected a mapping with 'audits'", file=source,
                          line=1)
    lines: dict[tuple, int] = {}
    data = _construct(node, (), lines, source)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at the top level", file=source, line=1)
    data.setdefault("root", str(root or Path(".")))
    data.setdefault("source", source)
    try:
        schedule = Schedule.model_validate(data)
    except ValidationError as e:
        err = _typo_first(e.errors())
        loc = tuple(err["loc"])
        known = _keys_at(loc[:-1], data) if err.get("type") == "extra_forbidden" else ()
        raise ConfigError(_describe(err, known), file=source, line=_line_for(loc, lines),
                          key=_dotted(loc) or None) from None
    for name in schedule.audits:
        if not re.match(_ID_RE, name):
            raise ConfigError(f"audit name {name!r} must be lower-case letters, digits, - _ . "
                              "(it names the audit's report folder)", file=source,
                              line=lines.get(("audits", name)), key=f"audits.{name}")
    if check_configs:
        _cross_check(schedule, lines, source)
    return schedule


def _cross_check(schedule: Schedule, lines: Mapping[tuple, int], source: str) -> None:
    from auditor.notify import check_templates

    names: dict[str, str] = {}
    for audit_name, audit in schedule.audits.items():
        where = ("audits", audit_name)
        for key in ("config", "baseline", "waivers"):
            value = getattr(audit, key)
            if value is not None and not schedule.resolve(value).is_file():
                raise ConfigError(f"file not found: {schedule.resolve(value)}", file=source,
                                  line=_line_for(where + (key,), lines),
                                  key=_dotted(where + (key,)))
        config = load_config(schedule.resolve(audit.config))
        name = audit.name or config.name
        if name in names:
            raise ConfigError(
                f"audits {names[name]!r} and {audit_name!r} would both be stored as "
                f"{name!r}, mixing their histories (and what is new); give one a 'name'",
                file=source, line=_line_for(where, lines), key=_dotted(where))
        names[name] = audit_name
        if config.notify:
            check_templates(config.notify, config.root, config.source)
        own = audit.notify
        if own:
            check_templates(own, schedule.root, source)
    if schedule.notify:
        check_templates(schedule.notify, schedule.root, source)


def load_schedule(path: str | Path, *, check_configs: bool = True) -> Schedule:
    """Read and validate a schedule file (:func:`parse_schedule`)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError("schedule file not found" if not p.exists()
                          else "expected a YAML file, got a folder", file=p)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"not UTF-8 text ({e.reason} at byte {e.start})", file=p) from None
    return parse_schedule(text, source=str(p), root=p.resolve().parent,
                          check_configs=check_configs)


def audit_name_of(schedule: Schedule, audit: ScheduledAudit) -> str:
    """The name the audit's runs are stored under (its ``name``, else its config's)."""
    return audit.name or load_config(schedule.resolve(audit.config)).name


# --- fire times ---------------------------------------------------------------------------

def next_fire_times(cron: str, zone: ZoneInfo, after: datetime, count: int = 1
                    ) -> list[datetime]:
    """The next ``count`` fire times of ``cron`` strictly after ``after``, in ``zone`` (DST
    handled by croniter: a local time that does not exist is skipped, one that occurs twice
    fires once)."""
    it = croniter(cron, after.astimezone(zone))
    return [it.get_next(datetime) for _ in range(count)]


def previous_fire_time(cron: str, zone: ZoneInfo, at: datetime) -> datetime:
    """The latest fire time of ``cron`` at or before ``at``."""
    return croniter(cron, at.astimezone(zone) + timedelta(microseconds=1)).get_prev(datetime)


# --- one run ------------------------------------------------------------------------------

def run_command(schedule: Schedule, audit: ScheduledAudit, out_dir: Path,
                python: str = sys.executable) -> list[str]:
    """The ``omniaudit run`` command line of one scheduled run."""
    cmd = [python, "-m", "auditor", "run", str(schedule.resolve(audit.config)),
           "--out", str(out_dir), "--store", schedule.store_ref(), "--quiet"]
    if audit.fail_on:
        cmd += ["--fail-on", audit.fail_on]
    if audit.base_url:
        cmd += ["--base-url", audit.base_url]
    if audit.baseline:
        cmd += ["--baseline", str(schedule.resolve(audit.baseline))]
    if audit.waivers:
        cmd += ["--waivers", str(schedule.resolve(audit.waivers))]
    if audit.name:
        cmd += ["--name", audit.name]
    return cmd


@dataclass
class _Job:
    process: subprocess.Popen
    fire: datetime
    started: datetime
    out_dir: Path
    log: Any
    lock: Any = None
    signalled: int = 0
    timed_out: bool = False


@dataclass
class _State:
    name: str
    audit: ScheduledAudit
    zone: ZoneInfo
    fire: datetime  # the cron time the next run is for
    start_at: datetime  # fire + jitter
    job: _Job | None = None
    runs: int = 0


@dataclass
class RunRecord:
    """One finished scheduled run, as its log line says it (:attr:`Scheduler.records`)."""

    audit: str
    fire: str
    started: str
    exit_code: int
    meaning: str
    run_id: str | None
    out_dir: str
    findings: int | None = None
    gating: int | None = None
    new: int | None = None
    notified: int = 0
    notify_failed: int = 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Runs a :class:`Schedule` until stopped.

    ``clock`` (aware ``datetime``) and ``sleep`` (seconds; used only while no run is going)
    are injected so tests move time instantly; runs themselves are real child processes
    whose progress is polled in real time (``poll`` seconds) — while one runs, the clock is
    only read. ``rng`` draws the jitter; ``log`` gets one line per event;
    :meth:`request_stop` (the CLI's SIGTERM/SIGINT handler) ends the loop after passing the
    signal on to the running audits and waiting for them. ``notify_sleep`` is the backoff
    wait between notification retries (default: real time).
    """

    def __init__(self, schedule: Schedule, *, clock: Callable[[], datetime] = _utc_now,
                 sleep: Callable[[float], Any] | None = None,
                 rng: random.Random | None = None, log: Callable[[str], None] = print,
                 python: str = sys.executable, poll: float = 0.2,
                 notify_sleep: Callable[[float], None] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.schedule = schedule
        self.clock = clock
        self.stop_event = threading.Event()
        # Set by a stop request to cut a wait short; cleared by the loop once it has looked,
        # so that waiting for the stopping runs does not spin.
        self._wake = threading.Event()
        self.sleep = sleep or (lambda s: self._wake.wait(s))
        self.rng = rng or random.Random()
        self.log = log
        self.python = python
        self.poll = poll
        self.notify_sleep = notify_sleep
        self.env = dict(env) if env is not None else None
        self.signum: int | None = None
        self._requests = 0
        self._forwarded = 0
        self.records: list[RunRecord] = []
        self.states: list[_State] = []

    # -- control -------------------------------------------------------------------------

    def request_stop(self, signum: int = signal.SIGTERM) -> None:
        """Stop scheduling; running audits get ``signum`` (a second request: again, so
        they stop at once). Safe from a signal handler."""
        if self.signum is None:
            self.signum = signum
        self._requests += 1
        self.stop_event.set()
        self._wake.set()

    def exit_code(self) -> int:
        """0 after a normal end (``until``), 128 + the signal after a stop request."""
        return 128 + self.signum if self.signum is not None else 0

    # -- the loop --------------------------------------------------------------------------

    def run(self, *, until: datetime | None = None) -> int:
        """Schedule until stopped (or, for tests and ``--until``, until the clock passes
        ``until`` with nothing running); returns :meth:`exit_code`."""
        now = self.clock()
        self.states = [self._initial(name, audit, now)
                       for name, audit in self.schedule.audits.items()]
        for st in self.states:
            self.log(f"{self._stamp(now)} schedule: audit={st.name} cron='{st.audit.cron}' "
                     f"tz={st.zone.key} next={st.fire.isoformat()}")
        while True:
            now = self.clock()
            self._wake.clear()
            self._forward_signals()
            self._reap(now)
            running = [st for st in self.states if st.job is not None]
            if self.stop_event.is_set() and self.signum is not None:
                if not running:
                    self.log(f"{self._stamp(now)} schedule: stopped "
                             f"({signal.Signals(self.signum).name})")
                    return self.exit_code()
            else:
                self._start_due(now)
                running = [st for st in self.states if st.job is not None]
                if until is not None and now >= until and not running:
                    return self.exit_code()
            self._enforce_timeouts(now)
            if running:
                # Children are real processes: wait for them in real time. The injected clock
                # is only read, so a run takes no scheduled time in tests.
                self._wake.wait(self.poll)
                continue
            wake = min(st.start_at for st in self.states)
            if until is not None:
                wake = min(wake, until)
            # Wake at least every minute: a wall clock that jumps (suspend, NTP) is noticed.
            self.sleep(max(0.0, min((wake - now).total_seconds(), 60.0)))

    def _initial(self, name: str, audit: ScheduledAudit, now: datetime) -> _State:
        zone = self.schedule.zone(audit)
        fire = next_fire_times(audit.cron, zone, now)[0]
        st = _State(name, audit, zone, fire, self._jittered(audit, fire))
        if audit.catch_up:
            missed = self._missed_since_last_run(audit, zone, now)
            if missed is not None:
                self.log(f"{self._stamp(now)} schedule: audit={name} catch-up: the fire time "
                         f"{missed.isoformat()} was missed while the scheduler was not "
                         "running; one run now (no backlog)")
                st.fire, st.start_at = missed, now
        return st

    def _missed_since_last_run(self, audit: ScheduledAudit, zone: ZoneInfo,
                               now: datetime) -> datetime | None:
        """The latest fire time before ``now`` when the audit's last stored run started
        before it (the scheduler was down then); None when nothing was missed or the audit
        never ran (a new audit waits for its first fire time)."""
        from auditor.store import Store

        name = audit_name_of(self.schedule, audit)
        rows = Store(self.schedule.store_ref()).history(name, 1)
        if not rows:
            return None
        last = datetime.fromisoformat(str(rows[0]["started_at"]))
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        due = previous_fire_time(audit.cron, zone, now)
        return due if last < due else None

    def _jittered(self, audit: ScheduledAudit, fire: datetime) -> datetime:
        jitter = self.schedule.jitter_of(audit)
        return fire + timedelta(seconds=self.rng.uniform(0, jitter)) if jitter else fire

    def _start_due(self, now: datetime) -> None:
        for st in self.states:
            if now < st.start_at:
                continue
            upcoming = next_fire_times(st.audit.cron, st.zone, now)[0]
            missed = self._count_between(st, st.fire, now)
            if st.job is not None:
                # The lock: one run of an audit at a time; this fire time is skipped.
                self.log(f"{self._stamp(now)} schedule: audit={st.name} skipped "
                         f"{st.fire.isoformat()}: the run started "
                         f"{st.job.started.isoformat()} is still going")
            else:
                if missed:
                    self.log(f"{self._stamp(now)} schedule: audit={st.name} {missed} fire "
                             f"time(s) after {st.fire.isoformat()} were missed; one run now "
                             "(no backlog)")
                self._launch(st, now)
            st.fire = upcoming
            st.start_at = self._jittered(st.audit, upcoming)

    def _count_between(self, st: _State, fire: datetime, now: datetime) -> int:
        """Fire times after ``fire`` up to ``now`` (bounded: it is only for the log)."""
        it = croniter(st.audit.cron, fire)
        n = 0
        while n < 1000 and it.get_next(datetime) <= now:
            n += 1
        return n

    def _audit_lock(self, st: _State) -> Any | None:
        """The audit's lock file, held (``flock``) for as long as its run goes: a second
        scheduler on the same schedule, or a cron line using the same file with
        ``flock -n``, cannot start the audit beside it. None when another process holds it."""
        import fcntl

        folder = self.schedule.resolve(self.schedule.out) / st.name
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / ".lock", "a")  # noqa: SIM115 - held until the run is reaped
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle

    def _launch(self, st: _State, now: datetime) -> None:
        lock = self._audit_lock(st)
        if lock is None:
            self.log(f"{self._stamp(now)} schedule: audit={st.name} skipped "
                     f"{st.fire.isoformat()}: another process is running this audit "
                     f"({self.schedule.resolve(self.schedule.out) / st.name / '.lock'})")
            return
        stamp = st.fire.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        out_dir = self.schedule.resolve(self.schedule.out) / st.name / stamp
        n = 1
        while out_dir.exists():  # a catch-up or manual restart for the same fire time
            n += 1
            out_dir = out_dir.with_name(f"{stamp}-{n}")
        out_dir.mkdir(parents=True)
        log = open(out_dir / "run.log", "wb")  # noqa: SIM115 - closed when the run is reaped
        cmd = run_command(self.schedule, st.audit, out_dir, self.python)
        # Its own session: a Ctrl-C on the terminal reaches the scheduler only, which
        # forwards exactly one signal (a second one would stop the run at once).
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   env=self.env)
        st.job = _Job(process, st.fire, now, out_dir, log, lock)
        st.runs += 1
        self.log(f"{self._stamp(now)} schedule: audit={st.name} started run for "
                 f"{st.fire.isoformat()} (pid {process.pid}) → {out_dir}")

    def _forward_signals(self) -> None:
        requests = self._requests
        if self.signum is None or requests <= self._forwarded:
            return
        self._forwarded = requests
        for st in self.states:
            if st.job is not None and st.job.process.poll() is None:
                st.job.process.send_signal(self.signum)
                st.job.signalled += 1

    def _enforce_timeouts(self, now: datetime) -> None:
        for st in self.states:
            job, limit = st.job, st.audit.timeout
            if job is None or limit is None or job.process.poll() is not None:
                continue
            took = (now - job.started).total_seconds()
            if not job.timed_out and took > limit:
                job.timed_out = True
                self.log(f"{self._stamp(now)} schedule: audit={st.name} timeout after "
                         f"{limit:g} s: stopping the run (SIGTERM)")
                job.process.send_signal(signal.SIGTERM)
            elif job.timed_out and took > limit + TIMEOUT_GRACE:
                # It had its chance to write a partial report; the lock must not be held
                # forever by a run that ignores SIGTERM.
                self.log(f"{self._stamp(now)} schedule: audit={st.name} still running "
                         f"{TIMEOUT_GRACE:g} s after SIGTERM: killed")
                job.process.kill()

    def _reap(self, now: datetime) -> None:
        for st in self.states:
            job = st.job
            if job is None or job.process.poll() is None:
                continue
            st.job = None
            job.log.close()
            try:
                self.records.append(self._finished(st, job, now))
            finally:
                if job.lock is not None:
                    job.lock.close()  # closing the file releases the flock

    def _finished(self, st: _State, job: _Job, now: datetime) -> RunRecord:
        code = job.process.returncode
        meaning = (EXIT_MEANINGS.get(code, "unexpected exit") if code >= 0
                   else f"killed by {signal.Signals(-code).name}")
        record = RunRecord(st.name, job.fire.isoformat(), job.started.isoformat(), code,
                           meaning, None, str(job.out_dir))
        doc_path = job.out_dir / "findings.json"
        run = None
        if doc_path.is_file():
            try:
                from auditor.model import run_from_dict

                doc = json.loads(doc_path.read_text(encoding="utf-8"))
                run = run_from_dict(doc)
                record.run_id = run.id
                record.findings = len(run.findings)
                record.gating = sum(bool(f.get("gating")) for f in doc.get("findings", ()))
                record.new = sum(f.status == "new" for f in run.findings)
            except (OSError, ValueError, KeyError, TypeError) as e:
                self.log(f"{self._stamp(now)} schedule: audit={st.name} findings.json "
                         f"unreadable: {e}")
        settings = self.schedule.notify_of(st.audit)
        if settings is not None and run is not None:
            record.notified, record.notify_failed = self._notify(st, job, run, doc, settings)
        detail = (f"findings={record.findings} gating={record.gating} new={record.new}"
                  if record.findings is not None else "no findings.json (see run.log)")
        self.log(f"{self._stamp(now)} schedule: audit={st.name} run={record.run_id or '-'} "
                 f"exit={code} ({meaning}) fire={record.fire} {detail} "
                 f"notified={record.notified} failed_notifications={record.notify_failed} "
                 f"report={job.out_dir / 'report.html'}")
        return record

    def _notify(self, st: _State, job: _Job, run: Any, doc: Mapping[str, Any],
                settings: NotifyConfig) -> tuple[int, int]:
        from auditor.notify import notify_run

        summary = doc.get("summary") or {}
        gate = summary.get("fail_on")
        baseline = frozenset(f["fingerprint"] for f in doc.get("findings", ())
                             if f.get("baselined"))
        kwargs: dict[str, Any] = {}
        if self.notify_sleep is not None:
            kwargs["sleep"] = self.notify_sleep
        outcome = notify_run(
            run, settings, audit=run.config_name,
            fail_on=Severity.parse(gate) if gate else None, baseline=baseline,
            report=job.out_dir / "report.html",
            root=self.schedule.root, store=self.schedule.store_ref(),
            log=lambda m: self.log(f"{self._stamp(self.clock())} schedule: "
                                   f"audit={st.name} {m}"), **kwargs)
        return outcome.sent, outcome.failed + len(outcome.errors)

    @staticmethod
    def _stamp(now: datetime) -> str:
        return now.astimezone(UTC).isoformat(timespec="seconds")


def describe(schedule: Schedule, now: datetime, count: int = 3) -> list[str]:
    """``--dry-run``: each audit's next fire times and the command each run will be."""
    lines = []
    for name, audit in schedule.audits.items():
        zone = schedule.zone(audit)
        times = ", ".join(t.isoformat() for t in next_fire_times(audit.cron, zone, now, count))
        jitter = schedule.jitter_of(audit)
        cmd = run_command(schedule, audit, schedule.resolve(schedule.out) / name / "<fire>",
                          "omniaudit")
        lines.append(f"{name}: cron '{audit.cron}' in {zone.key}"
                     + (f" + up to {jitter:g} s jitter" if jitter else "")
                     + f"; next {times}")
        lines.append("  " + " ".join(_quote(c) for c in ["omniaudit", *cmd[3:]]))
    return lines


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
