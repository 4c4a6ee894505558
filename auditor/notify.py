"""Notifications about a finished run, delivered through apprise.

Three events (docs/scheduling.md#notifications):

* ``new`` — confirmed gating findings nobody was told about yet: gating exactly as the exit
  code counts it (error level, at or above the gate, not waived, not in the baseline, not
  contradicted by the second pass);
* ``resolved`` — findings that were notified and are gone, in a run that could see them
  (their channels captured, their check ran);
* ``capture_failed`` — a channel the run could not capture.

**Never twice while it persists.** What was sent is remembered per audit and per target URL
in a small *ledger* file (JSON, beside the SQLite store by default). A finding is announced
when it is gating and not in the target's ledger, and "resolved" only for ledger entries;
waived or baselined findings are never announced and are forgotten silently if they were.
Decision: a ledger rather than the run history's ``new`` status, because the history says
when a finding first *appeared*, not whether anybody was *told*: a finding that first
appeared unconfirmed (or below the gate, or while a webhook was down) must still be
announced once when it becomes a confirmed gating one, and a failed delivery must be tried
again on the next run rather than lost.

A failed delivery is retried with backoff, logged, and left out of the ledger (so the next
run tries again); nothing here ever raises into the run or changes its exit code.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from auditor.config import NOTIFY_EVENTS, ConfigError, NotifyConfig
from auditor.model import Finding, Run, Severity, is_gating

__all__ = ["DEFAULT_TEMPLATES", "Delivery", "Ledger", "Message", "NotifyOutcome",
           "check_templates", "default_ledger", "notify_run", "plan", "render"]

#: The default message templates, one per event (``new.txt.j2`` ...).
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates" / "notify"
LEDGER_VERSION = 1

Log = Callable[[str], None]


@dataclass(frozen=True)
class Message:
    """One rendered notification: ``title`` (the e-mail subject) and a plain-text ``body``."""

    kind: str
    title: str
    body: str


@dataclass(frozen=True)
class Delivery:
    """What happened to one message for one target."""

    kind: str
    target: str  # the URL with its secrets masked (apprise's privacy form)
    items: int
    ok: bool
    attempts: int


@dataclass
class NotifyOutcome:
    """Every delivery of one run's notifications, and problems that stopped them."""

    deliveries: list[Delivery] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(d.ok for d in self.deliveries)

    @property
    def failed(self) -> int:
        return sum(not d.ok for d in self.deliveries)


# --- the ledger -------------------------------------------------------------------------

def default_ledger(store: str | Path | None) -> Path:
    """Where the ledger lives unless ``notify.ledger`` says: beside a SQLite store
    (``omniaudit.sqlite`` → ``omniaudit.notified.json``); for a PostgreSQL store, in
    ``./omniaudit-out/``."""
    ref = str(store) if store is not None else "omniaudit-out/omniaudit.sqlite"
    if "://" in ref and not ref.startswith("sqlite:"):
        return Path("omniaudit-out") / "omniaudit.notified.json"
    path = Path(ref.removeprefix("sqlite:///").removeprefix("sqlite://"))
    return path.with_name(path.stem + ".notified.json")


def target_id(url: str) -> str:
    """A stable key for a target URL that does not keep its secrets (a hash)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


class Ledger:
    """The sent-ledger file: per audit and target, the findings and failed channels that
    were announced. Opened as a context manager, it holds an exclusive lock (``fcntl``) so
    that two processes notifying for the same store never both send."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.data: dict[str, Any] = {"version": LEDGER_VERSION, "audits": {}}
        self._lock: Any = None

    def __enter__(self) -> Ledger:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("audits"), dict):
                self.data = loaded
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            # A damaged ledger must not stop notifications; the worst case is one repeat.
            self.data = {"version": LEDGER_VERSION, "audits": {}}
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.save()
        finally:
            if self._lock is not None:
                fcntl.flock(self._lock, fcntl.LOCK_UN)
                self._lock.close()
                self._lock = None

    def state(self, audit: str, target: str) -> dict[str, dict[str, Any]]:
        """The mutable record of one audit and target: ``{"findings": {...},
        "capture": {...}}``."""
        per_audit = self.data["audits"].setdefault(audit, {})
        record = per_audit.setdefault(target, {})
        record.setdefault("findings", {})
        record.setdefault("capture", {})
        return record

    def save(self) -> None:
        """Write atomically (a crash mid-write leaves the previous ledger)."""
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True),
                       encoding="utf-8")
        os.replace(tmp, self.path)


# --- what to send -----------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What one target is due: findings to announce, ledger entries resolved, channels
    that failed, and ledger entries to forget without a message."""

    new: tuple[Finding, ...] = ()
    resolved: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    capture_failed: tuple[str, ...] = ()
    forget_findings: tuple[str, ...] = ()
    forget_capture: tuple[str, ...] = ()


def plan(run: Run, state: Mapping[str, Mapping[str, Any]], *, fail_on: Severity | None,
         baseline: AbstractSet[str] = frozenset()) -> Plan:
    """What a target whose ledger record is ``state`` is due after ``run`` (pure).

    An interrupted run announces nothing: it saw only part of the site and was stopped on
    purpose. A notified finding that is now waived or baselined is forgotten silently, so
    that neither it nor its later disappearance is ever announced.
    """
    if run.interrupted:
        return Plan()
    notified: Mapping[str, Any] = state.get("findings", {})
    announced_channels: Mapping[str, Any] = state.get("capture", {})
    present = {f.fingerprint: f for f in run.findings}
    new = tuple(f for f in run.findings
                if is_gating(f, fail_on, baseline) and f.fingerprint not in notified)
    forget = tuple(fp for fp in notified
                   if fp in present and (present[fp].status == "waived" or fp in baseline))
    failed = {name for name, ch in run.channels.items() if not ch.complete}
    failed_checks = {c.split(":", 1)[0].strip() for c in run.failed_checks}
    resolved = tuple(
        (fp, info) for fp, info in notified.items()
        if fp not in present and not failed.intersection(info.get("channels", ()))
        and info.get("check") not in failed_checks)
    return Plan(new=new, resolved=resolved,
                capture_failed=tuple(sorted(failed - set(announced_channels))),
                forget_findings=forget,
                forget_capture=tuple(c for c in announced_channels if c not in failed))


# --- messages ---------------------------------------------------------------------------

def _environment(folder: Path) -> jinja2.Environment:
    # Plain text for chat and e-mail: nothing to escape, and a typo in a team's template
    # should fail loudly (StrictUndefined) rather than send a message with holes.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=False,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=False)


def _template(kind: str, override: Path | None) -> jinja2.Template:
    if override is not None:
        return _environment(override.parent).get_template(override.name)
    return _environment(DEFAULT_TEMPLATES).get_template(f"{kind}.txt.j2")


def check_templates(settings: NotifyConfig, root: Path, source: str | None = None) -> None:
    """Parse the team's template overrides now (a syntax error is a config error with its
    file and line), so that a broken template fails at load, not at 3 a.m."""
    for kind in NOTIFY_EVENTS:
        override = getattr(settings.templates, kind)
        if override is None:
            continue
        path = override if override.is_absolute() else root / override
        try:
            _template(kind, path)
        except jinja2.TemplateNotFound:
            raise ConfigError(f"template file not found: {path}", file=source,
                              key=f"notify.templates.{kind}") from None
        except jinja2.TemplateSyntaxError as e:
            raise ConfigError(f"template {path}:{e.lineno}: {e.message}", file=source,
                              key=f"notify.templates.{kind}") from None


def render(kind: str, context: Mapping[str, Any], override: Path | None = None) -> Message:
    """The message of one event: the template's first non-empty line is the title, the rest
    the body. ``override`` is a team's template file (else the default)."""
    text = _template(kind, override).render(**context).strip()
    title, _, body = text.partition("\n")
    return Message(kind, title.strip(), body.strip("\n"))


def _finding_context(run: Run, f: Finding) -> dict[str, Any]:
    from reports._common import attribute_label

    values = dict(f.values) or {ch: "" for ch in f.channels}
    return {"fingerprint": f.fingerprint, "check": f.check, "severity": f.severity.label,
            "subject": f.subject, "subject_name": run.subject_names.get(f.subject, f.subject),
            "attribute": f.attribute, "attribute_label": attribute_label(f.attribute),
            "channels": list(f.channels), "values": values, "message": f.message}


def _channel_context(run: Run, name: str) -> dict[str, Any]:
    ch = run.channels[name]
    return {"name": name, "kind": ch.kind, "device": ch.device, "pages_ok": ch.pages_ok,
            "pages_failed": ch.pages_failed, "empty": ch.empty,
            "errors": [{"target": e.target, "reason": e.reason} for e in ch.errors[:10]]}


def _report_url(settings: NotifyConfig, audit: str, run: Run, report: Path | None) -> str:
    if settings.report_url:
        return settings.report_url.replace("{run_id}", run.id).replace("{audit}", audit)
    return report.resolve().as_uri() if report is not None else ""


# --- delivery ---------------------------------------------------------------------------

def _masked(url: str) -> str:
    """The URL as logs may show it: scheme, host and port only. Webhook tokens live in the
    path or query, passwords in the user part — none of it is written anywhere."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        host, port = "", ""
    return f"{url.split('://', 1)[0]}://{host}{port}/…"


def deliver(url: str, message: Message, *, retries: int, backoff: float,
            sleep: Callable[[float], None] = time.sleep, log: Log = lambda _m: None
            ) -> tuple[bool, int]:
    """Send one message to one apprise URL, retrying ``retries`` times with doubling
    backoff; returns ``(delivered, attempts)``. Never raises."""
    import apprise

    where = _masked(url)
    wait = backoff
    for attempt in range(1, retries + 2):
        try:
            ap = apprise.Apprise()
            ok = bool(ap.add(url)) and bool(ap.notify(title=message.title, body=message.body,
                                                      body_format=apprise.NotifyFormat.TEXT))
            problem = "the service refused it or could not be reached"
        except Exception as e:  # noqa: BLE001 - a plugin bug must not end the run
            ok, problem = False, f"{type(e).__name__}: {e}"
        if ok:
            return True, attempt
        if attempt <= retries:
            log(f"notify: {message.kind} to {where} failed (attempt {attempt} of "
                f"{retries + 1}: {problem}); retrying in {wait:g} s")
            sleep(wait)
            wait *= 2
        else:
            log(f"notify: {message.kind} to {where} FAILED after {attempt} attempts "
                f"({problem}); it will be tried again after the next run")
    return False, retries + 1


# --- the whole step ---------------------------------------------------------------------

def notify_run(run: Run, settings: NotifyConfig, *, audit: str | None = None,
               fail_on: Severity | None, baseline: AbstractSet[str] = frozenset(),
               report: Path | None = None, root: Path = Path("."),
               ledger: Path | None = None, store: str | Path | None = None,
               sleep: Callable[[float], None] = time.sleep, log: Log = lambda _m: None,
               now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> NotifyOutcome:
    """Send what ``run`` is due to every URL of ``settings``; returns what happened.

    ``audit`` keys the ledger (default: the run's config name); ``fail_on`` and
    ``baseline`` are the gate the run was judged by; ``report`` is its ``report.html``;
    ``root`` resolves relative template and ledger paths; ``ledger`` (default:
    ``settings.ledger``, else beside ``store``). Never raises: a failure is logged and
    returned in ``errors`` — the run's exit code does not depend on notifications.
    """
    outcome = NotifyOutcome()
    try:
        _notify(run, settings, outcome, audit=audit or run.config_name, fail_on=fail_on,
                baseline=baseline, report=report, root=root,
                ledger=ledger or _resolve(settings.ledger, root) or default_ledger(store),
                sleep=sleep, log=log, now=now)
    except Exception as e:  # noqa: BLE001 - notifications never change how a run ends
        outcome.errors.append(f"{type(e).__name__}: {e}")
        log(f"notify: not sent ({type(e).__name__}: {e})")
    return outcome


def _resolve(path: Path | None, root: Path) -> Path | None:
    if path is None:
        return None
    return path if path.is_absolute() else root / path


def _notify(run: Run, settings: NotifyConfig, outcome: NotifyOutcome, *, audit: str,
            fail_on: Severity | None, baseline: AbstractSet[str], report: Path | None,
            root: Path, ledger: Path, sleep: Callable[[float], None], log: Log,
            now: Callable[[], datetime]) -> None:
    if run.interrupted:
        log("notify: the run was interrupted; nothing is announced for a partial run")
        return
    base = {"audit": audit, "report_url": _report_url(settings, audit, run, report),
            "run": {"id": run.id, "started_at": run.started_at,
                    "finished_at": run.finished_at, "complete": run.complete}}
    with Ledger(ledger) as book:
        for secret in settings.urls:
            url = secret.get_secret_value()
            state = book.state(audit, target_id(url))
            due = plan(run, state, fail_on=fail_on, baseline=baseline)
            for fp in due.forget_findings:
                state["findings"].pop(fp, None)
            for ch in due.forget_capture:
                state["capture"].pop(ch, None)
            for kind, items in _messages(due, settings.events):
                context = {**base, "kind": kind, **_items_context(run, kind, items)}
                override = _resolve(getattr(settings.templates, kind), root)
                try:
                    message = render(kind, context, override)
                except jinja2.TemplateError as e:
                    # A team template that fails on this run's data: the default still says it.
                    log(f"notify: template for {kind} failed ({e}); sending the default")
                    message = render(kind, context)
                ok, attempts = deliver(url, message, retries=settings.retries,
                                       backoff=settings.retry_backoff, sleep=sleep, log=log)
                outcome.deliveries.append(Delivery(kind, _masked(url), len(items), ok,
                                                   attempts))
                if ok:
                    log(f"notify: sent {kind} ({len(items)}) to {_masked(url)}")
                    _record(state, run, kind, items, now().isoformat(timespec="seconds"))


def _messages(due: Plan, events: Sequence[str]) -> Iterator[tuple[str, Sequence[Any]]]:
    for kind, items in (("new", due.new), ("resolved", due.resolved),
                        ("capture_failed", due.capture_failed)):
        if items and kind in events:
            yield kind, items


def _items_context(run: Run, kind: str, items: Sequence[Any]) -> dict[str, Any]:
    if kind == "new":
        return {"findings": [_finding_context(run, f) for f in items], "channels": []}
    if kind == "resolved":
        return {"findings": [dict(info, fingerprint=fp) for fp, info in items], "channels": []}
    return {"findings": [], "channels": [_channel_context(run, name) for name in items]}


def _record(state: dict[str, dict[str, Any]], run: Run, kind: str, items: Sequence[Any],
            when: str) -> None:
    """Remember a delivered message, so that it is not sent again while it persists."""
    if kind == "new":
        for f in items:
            state["findings"][f.fingerprint] = {**_finding_context(run, f), "run": run.id,
                                                "sent_at": when}
    elif kind == "resolved":
        for fp, _info in items:
            state["findings"].pop(fp, None)
    else:
        for name in items:
            state["capture"][name] = {"run": run.id, "sent_at": when}
