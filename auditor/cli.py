"""The ``omniaudit`` command line (also ``python -m auditor``).

Exit codes (DESIGN.md, README "Exit codes"): ``0`` nothing at or above ``--fail-on``; ``1``
gating findings, and nothing else; ``2`` usage or config error (an unusable ``--store``
too); ``3`` the audit is incomplete (a channel or page could not be captured, a check
failed) — an incomplete run never passes, whatever it found; ``4`` an internal error (one
line, and the traceback written to a file); ``130`` / ``143`` stopped by SIGINT / SIGTERM
(what was captured is reported and stored as an interrupted run).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from auditor import __version__
from auditor.config import FAIL_ON_NONE, AuditConfig, ConfigError, load_config
from auditor.model import Run, Severity, run_from_dict
from checks.registry import RegistrationError

if TYPE_CHECKING:
    from auditor.store import Store

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_INTERNAL = 0, 1, 2, 3, 4
CRASH_DIR = Path("omniaudit-out") / "crashes"
DEFAULT_OUT = Path("omniaudit-out")
DEFAULT_STORE = DEFAULT_OUT / "omniaudit.sqlite"
_STORE_HELP = ("Run history: a SQLite file, sqlite:///FILE, or postgresql://USER@HOST[:PORT]/DB "
               "for a store shared by a team (docs/store.md).")
SEVERITY_CHOICE = click.Choice([s.label for s in Severity] + [FAIL_ON_NONE],
                               case_sensitive=False)
_SEV_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow",
              "low": "cyan", "info": "dim"}

err = Console(stderr=True, highlight=False)


class OmniauditGroup(click.Group):
    """Maps every way a command can end to its exit code, with one line of explanation:
    config and store errors 2, signals 130/143, anything unexpected 4 (never 1, which means
    gating findings and nothing else)."""

    def invoke(self, ctx: click.Context) -> Any:
        from auditor import interrupt
        from auditor.engine import EngineError
        from auditor.store import StoreError

        try:
            return super().invoke(ctx)
        except ConfigError as e:
            err.print(f"[bold red]config error:[/] {e}", markup=True, soft_wrap=True)
            ctx.exit(EXIT_USAGE)
        except RegistrationError as e:
            # A plugin (or a local check) that cannot register is a set-up error, not a crash.
            err.print(f"[bold red]check registration error:[/] {e}", markup=True,
                      soft_wrap=True)
            ctx.exit(EXIT_USAGE)
        except StoreError as e:
            err.print(f"[bold red]store error:[/] {e}", markup=True, soft_wrap=True)
            ctx.exit(EXIT_USAGE)
        except EngineError as e:
            err.print(f"[bold red]engine error:[/] {e}", markup=True, soft_wrap=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            # A second Ctrl-C (or one outside a run): stop at once, nothing more is written.
            err.print("[bold red]interrupted[/]: stopped at once", markup=True)
            ctx.exit(interrupt.exit_code())
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort,
                SystemExit):
            raise
        except Exception as e:  # noqa: BLE001 - the one place a bug becomes exit 4
            where = _write_crash(e)
            from rich.markup import escape

            err.print(f"[bold red]internal error:[/] {escape(f'{type(e).__name__}: {e}')} — "
                      f"traceback in {escape(where)}; please report it", markup=True,
                      soft_wrap=True)
            ctx.exit(EXIT_INTERNAL)


def _write_crash(e: BaseException) -> str:
    """The full traceback of an unexpected error, in a file the one-line message names."""
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(e))
    for folder in (CRASH_DIR, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"omniaudit-crash-{time.strftime('%Y%m%dT%H%M%S')}.txt"
            path.write_text(f"omniaudit {__version__}\n{' '.join(sys.argv)}\n\n{text}",
                            encoding="utf-8")
            return str(path.resolve())
        except OSError:
            continue
    return "(no writable folder; the traceback follows)\n" + text


@click.group(cls=OmniauditGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omniaudit")
def main() -> None:
    """Audit whether a company tells customers the same thing in every channel."""


def _load(config_path: str) -> AuditConfig:
    return load_config(config_path)


def _preflight(config: AuditConfig, quiet: bool) -> None:
    """Everything that can be checked offline, before a browser starts: a missing folder or
    an unknown device fails now (exit 2), not after a full crawl."""
    from auditor.validate import validate_config

    problems = validate_config(config)
    for p in problems:
        if p.level == "error" or not quiet:
            style = "bold red" if p.level == "error" else "yellow"
            err.print(f"[{style}]{p.level}:[/] ", end="", markup=True)
            err.print(str(p), markup=False, soft_wrap=True)
    if any(p.level == "error" for p in problems):
        sys.exit(EXIT_USAGE)


def _stored_config(the_run: Run, config_path: str | None) -> AuditConfig | None:
    """The config to re-check or explain a stored run with: ``--config``, else the resolved
    config the run stored (no environment or working folder needed), else its file."""
    if config_path:
        return _load(config_path)
    if the_run.config:
        return AuditConfig.from_resolved(dict(the_run.config))
    if the_run.config_path and Path(the_run.config_path).is_file():
        return _load(the_run.config_path)
    return None


def _fail_on(value: str | None, config: AuditConfig) -> Severity | None:
    if value is None:
        return config.fail_on_severity()
    return None if value.lower() == FAIL_ON_NONE else Severity.parse(value)


def _progress(quiet: bool):
    if quiet:
        return lambda _msg: None
    return lambda msg: err.print(f"[dim]·[/] {msg}", markup=True, soft_wrap=True)


class _CrawlProgress:
    """rich progress per web channel: pages done, failed, queued and the rate.

    Fed by the pipeline's ``tick(channel, stats)`` after every page. On a terminal it is a
    live display; elsewhere (CI logs) rich prints the final state once.
    """

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]{task.description:<10}"), BarColumn(),
            TextColumn("{task.fields[done]} done · {task.fields[failed]} failed · "
                       "{task.fields[queued]} queued · {task.fields[rate]} pages/s"),
            TimeElapsedColumn(), console=console)
        self.tasks: dict[str, Any] = {}
        self.started = time.monotonic()

    def tick(self, channel: str, stats: dict[str, int]) -> None:
        handled = stats["done"] + stats["failed"] + stats["skipped"]
        fields = {"done": stats["done"], "failed": stats["failed"], "queued": stats["queued"],
                  "rate": f"{stats['done'] / max(time.monotonic() - self.started, 1e-3):.1f}"}
        if channel not in self.tasks:
            self.tasks[channel] = self.progress.add_task(channel, total=None, **fields)
        self.progress.update(self.tasks[channel], completed=handled,
                             total=handled + stats["queued"], **fields)

    def __enter__(self) -> _CrawlProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _with_concurrency(config: AuditConfig, concurrency: int | None) -> AuditConfig:
    """``--concurrency N``: every web channel loads N pages at once."""
    from auditor.config import WebChannel

    if not concurrency:
        return config
    channels = {n: c.model_copy(update={"concurrency": concurrency})
                if isinstance(c, WebChannel) else c for n, c in config.channels.items()}
    return config.model_copy(update={"channels": channels})


def _summary(run: Run, paths: dict[str, Path], fail_on: Severity | None, code: int,
             baseline: frozenset[str] = frozenset(), previous: Run | None = None) -> None:
    from auditor.pipeline import gating_findings

    out = Console(highlight=False)
    table = Table(title=f"Omniaudit — {run.config_name}", title_justify="left")
    table.add_column("channel")
    table.add_column("kind")
    table.add_column("read", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("observations", justify="right")
    for name, ch in run.channels.items():
        failed = f"[red]{ch.pages_failed}[/]" if ch.pages_failed else "0"
        table.add_row(name, f"{ch.kind} ({ch.device})" if ch.device else ch.kind,
                      str(ch.pages_ok), failed, str(len(ch.observations)))
    out.print(table)
    counts = {s.label: 0 for s in reversed(Severity)}
    for f in run.findings:
        counts[f.severity.label] += 1
    parts = [f"[{_SEV_STYLE[k]}]{v} {k}[/]" for k, v in counts.items() if v]
    out.print(f"Findings: {len(run.findings)}" + (" (" + ", ".join(parts) + ")" if parts else "")
              + f"; {len(run.unmatched)} unmatched observations")
    out.print("History: " + _history_line(run, previous, baseline))
    open_findings = [f for f in run.findings if f.status != "waived"]
    waived = [f for f in run.findings if f.status == "waived"]
    if open_findings:
        ft = Table(show_header=True, box=None, pad_edge=False)
        for col in ("severity", "status", "check", "subject", "finding"):
            ft.add_column(col, overflow="fold")
        for f in open_findings[:15]:
            status = "baselined" if f.fingerprint in baseline else f.status
            ft.add_row(f"[{_SEV_STYLE[f.severity.label]}]{f.severity.label}[/]", status,
                       f.check, f.subject, f.message)
        out.print(ft)
        if len(open_findings) > 15:
            out.print(f"  … and {len(open_findings) - 15} more in the report")
    if waived:
        out.print(f"Waived ({len(waived)}, never gating):")
        for f in waived[:15]:
            w = f.waiver or {}
            out.print(f"  {f.check} {f.subject}: {w.get('reason', '?')} — owner "
                      f"{w.get('owner', '?')}, expires {w.get('expires', '?')}",
                      soft_wrap=True, markup=False)
    for line in run.warnings:
        out.print(f"  [yellow]warning[/] {line}", soft_wrap=True)
    for ch in run.channels.values():
        for e in ch.errors[:5]:
            out.print(f"  [red]capture error[/] {e.channel}: {e.target}: {e.reason}",
                      soft_wrap=True)
    out.print(f"Report: {paths['html']}")
    out.print(f"JSON:   {paths['json']}")
    incomplete = ("[red]incomplete[/]: "
                  + ("check(s) failed: " + "; ".join(run.failed_checks) if run.failed_checks
                     else "a channel or page could not be captured") + " (exit 3)")
    verdict = {
        EXIT_OK: "[green]passed[/]" + (f" (nothing at or above {fail_on.label})" if fail_on
                                        else " (no --fail-on gate)"),
        EXIT_FINDINGS: f"[red]failed[/]: {len(gating_findings(run, fail_on, baseline))} "
                       f"finding(s) at or above {fail_on.label if fail_on else '-'}"
                       + (" not in the baseline" if baseline else ""),
        EXIT_INCOMPLETE: incomplete,
    }.get(code, f"[red]interrupted[/]: partial report of what was captured (exit {code})")
    out.print(f"Result: {verdict}", soft_wrap=True)


def _history_line(run: Run, previous: Run | None, baseline: frozenset[str]) -> str:
    """"2 new, 5 persisting, 1 resolved, 3 waived, 1 baselined": one computation, so the
    counts agree with each other and with the report."""
    from reports._common import compare_runs

    comparison = compare_runs(run, previous)
    waived = sum(f.status == "waived" for f in run.findings)
    baselined = sum(f.fingerprint in baseline for f in run.findings)
    active = [f for f in run.findings if f.status != "waived"]
    new = sum(f.status == "new" for f in active)
    persisting = sum(f.status == "persisting" for f in active)
    resolved = len(comparison.resolved) if comparison else 0
    parts = [f"{new} new", f"{persisting} persisting", f"{resolved} resolved",
             f"{waived} waived", f"{baselined} baselined"]
    if comparison and comparison.unverified:
        parts.append(f"{len(comparison.unverified)} not re-checked (their channel failed)")
    return ", ".join(parts) + ("" if previous else " (no previous run of this config)")


def _execute(config: AuditConfig, out: Path | None, store_path: str | Path | None,
             fail_on: Severity | None, quiet: bool, as_json: bool, browser: str | None,
             today: date | None = None, baseline: Path | None = None,
             resume: Path | None = None) -> int:
    from auditor import interrupt
    from auditor.browser import resolve_browser
    from auditor.engine.select import engine_for
    from auditor.pipeline import execute, exit_code, new_run_id
    from auditor.store import open_store
    from reports import findings_document, write_reports

    known = _baseline(baseline)
    if resume is not None:
        # The stopped run's id and folder: its batches keep their task ids and result files.
        from auditor.engine.celery_engine import read_run_marker

        if config.engine.kind != "celery":
            raise click.UsageError("--resume continues a run of --engine celery; this run "
                                   "uses the in-process engine")
        run_id, out_dir = read_run_marker(resume), resume
    else:
        run_id = new_run_id()
        out_dir = out or (DEFAULT_OUT / run_id)
    # One history per working folder, whatever --out says: scheduled runs that write their
    # reports elsewhere still find the previous run of the same config.
    store = open_store(store_path or DEFAULT_STORE)
    # An unreachable broker stops here (exit 2).
    engine = engine_for(config, out_dir, resume=resume is not None)
    try:
        choice = resolve_browser(browser)
    except FileNotFoundError as e:
        raise click.UsageError(str(e)) from None
    progress = _progress(quiet or as_json)
    progress(f"browser: {choice.describe()}")
    interrupt.reset()
    announce = _progress(False)  # a signal is always acknowledged, even with --quiet
    with interrupt.handle_signals(announce):
        if quiet or as_json:
            run, previous = execute(config, out_dir, store=store, browser=choice, today=today,
                                    run_id=run_id, progress=progress, fail_on=fail_on,
                                    engine=engine)
        else:
            with _CrawlProgress(err) as display:
                run, previous = execute(config, out_dir, store=store, browser=choice,
                                        today=today, run_id=run_id, progress=progress,
                                        tick=display.tick, fail_on=fail_on, engine=engine)
        page = _local_history_page(store, run.config_name)
        paths = write_reports(run, out_dir, previous=previous, fail_on=fail_on,
                              history=store.trend(run.config_name), baseline=known,
                              history_page=page)
    code = interrupt.exit_code() if run.interrupted else exit_code(run, fail_on,
                                                                    known or frozenset())
    _record_outcome(store, run, previous, code, fail_on, out_dir)
    if page:  # the audit's history page shows this run too
        _write_history_page(store, run.config_name, page.parent)
    if config.notify:
        _notify(config, run, fail_on, known or frozenset(), paths["html"], store_path)
    if as_json:
        click.echo(json.dumps(findings_document(run, fail_on=fail_on, baseline=known),
                              ensure_ascii=False, indent=2))
    elif not quiet:
        _summary(run, paths, fail_on, code, known or frozenset(), previous)
    else:
        click.echo(str(paths["html"]))
    return code


def _baseline(path: Path | None) -> frozenset[str] | None:
    """The fingerprints of a ``--baseline`` findings.json; a bad file is a usage error (2)."""
    if path is None:
        return None
    from reports import FindingsFileError, load_baseline

    try:
        return load_baseline(path)
    except FindingsFileError as e:
        raise click.UsageError(f"--baseline: {e}") from None


_baseline_option = click.option(
    "--baseline", type=click.Path(dir_okay=False, path_type=Path),
    help="A findings.json of known problems: findings whose fingerprint is in it never gate, "
         "so only new problems fail the run.")

_waivers_option = click.option(
    "--waivers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A waiver file of accepted findings [default: the config's 'waivers'] "
         "(docs/rules.md#waivers).")


def _with_waivers(config: AuditConfig, waivers: Path | None) -> AuditConfig:
    """The config with ``--waivers`` in place of its own ``waivers`` key."""
    return config if waivers is None else config.model_copy(
        update={"waivers": waivers.resolve()})


_common = [
    click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                 help="Output folder for this run [default: ./omniaudit-out/<run-id>/]."),
    click.option("--store", "store_path", metavar="FILE|URL",
                 help=_STORE_HELP + " [default: ./omniaudit-out/omniaudit.sqlite]"),
    click.option("--quiet", "-q", is_flag=True, help="Print only the report path."),
    click.option("--json", "as_json", is_flag=True, help="Print findings.json to stdout."),
    click.option("--browser", metavar="PATH", envvar="OMNIAUDIT_CHROMIUM",
                 help="Chromium executable [env: OMNIAUDIT_CHROMIUM]."),
    click.option("--concurrency", type=click.IntRange(1, 32), metavar="N",
                 help="Pages loaded at once in every web channel [default: the config's]."),
]


def _with_common(f: Any) -> Any:
    for opt in reversed(_common):
        f = opt(f)
    return f


@main.command()
@click.argument("config", default="audit.yaml", type=click.Path(dir_okay=False))
@_with_common
@click.option("--fail-on", type=SEVERITY_CHOICE,
              help="Exit 1 when a finding is at or above this severity [default: config "
                   "'fail_on', else high].")
@_baseline_option
@_waivers_option
@click.option("--base-url", help="Override the config's base_url (e.g. a staging host).")
@click.option("--name", help="Store and compare the run under this name instead of the "
                             "config's (a staging audit of the production config).")
@click.option("--engine", type=click.Choice(["inprocess", "celery"]),
              help="Where web pages are read: this process, or `omniaudit worker`s through "
                   "--broker [default: the config's engine.kind, else inprocess].")
@click.option("--broker", metavar="URL", envvar="OMNIAUDIT_BROKER",
              help="Celery broker for --engine celery: redis://HOST:6379/0 "
                   "[env: OMNIAUDIT_BROKER].")
@click.option("--resume", type=click.Path(file_okay=False, exists=True, path_type=Path),
              metavar="RUN_DIR",
              help="Continue the --engine celery run whose output folder is RUN_DIR after "
                   "its coordinator stopped: finished batches are read, batches still in the "
                   "broker waited for, only unread pages sent (docs/scale-out.md).")
def run(config: str, out: Path | None, store_path: str | None, quiet: bool, as_json: bool,
        browser: str | None, concurrency: int | None, fail_on: str | None,
        baseline: Path | None, waivers: Path | None, base_url: str | None,
        name: str | None, engine: str | None, broker: str | None,
        resume: Path | None) -> None:
    """Capture every channel of CONFIG, check it and write the reports."""
    from auditor.engine.select import with_engine

    cfg = _with_concurrency(_with_waivers(_load(config), waivers), concurrency)
    cfg = with_engine(cfg, engine, broker)
    if base_url:
        cfg = cfg.with_base_url(base_url)
    if name:
        cfg = cfg.model_copy(update={"name": name})
    if cfg.notify:  # a broken message template fails now (exit 2), not after the crawl
        from auditor.notify import check_templates

        check_templates(cfg.notify, cfg.root, cfg.source)
    _preflight(cfg, quiet or as_json)
    if resume is not None and out is not None and out.resolve() != resume.resolve():
        raise click.UsageError("--resume writes to the run's own folder; leave out --out")
    sys.exit(_execute(cfg, out, store_path, _fail_on(fail_on, cfg), quiet, as_json, browser,
                      baseline=baseline, resume=resume))


@main.command()
@_with_common
@click.option("--fail-on", type=SEVERITY_CHOICE, default=FAIL_ON_NONE, show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@_baseline_option
@_waivers_option
def demo(out: Path | None, store_path: str | None, quiet: bool, as_json: bool,
         browser: str | None, concurrency: int | None, fail_on: str, baseline: Path | None,
         waivers: Path | None) -> None:
    """Serve the bundled Nordtel shop on 127.0.0.1 and audit it with its bundled config.

    The demo has seeded problems on purpose, so it does not gate unless --fail-on is given.
    """
    from auditor.demo import CONFIG_PATH, DemoServer

    cfg = _with_concurrency(_with_waivers(load_config(CONFIG_PATH), waivers), concurrency)
    with DemoServer() as server:
        if not (quiet or as_json):
            err.print(f"[dim]·[/] Nordtel demo shop serving at {server.url}", markup=True)
        code = _execute(cfg.with_base_url(server.url), out, store_path,
                        _fail_on(fail_on, cfg), quiet, as_json, browser, baseline=baseline)
    sys.exit(code)


@main.command()
@click.option("--broker", metavar="URL", envvar="OMNIAUDIT_BROKER", required=True,
              help="Celery broker: redis://HOST:6379/0 [env: OMNIAUDIT_BROKER].")
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Pool processes, each with its own Chromium (one per container is best).")
@click.option("--name", "-n", "worker_name", metavar="NAME",
              help="Worker name [default: omniaudit@HOSTNAME].")
@click.option("--browser", metavar="PATH", envvar="OMNIAUDIT_CHROMIUM",
              help="Chromium executable [env: OMNIAUDIT_CHROMIUM].")
@click.option("--max-memory-per-child", type=click.IntRange(1), metavar="KB",
              help="Replace a pool process (and its browser) once it uses this much memory.")
@click.option("--batches-per-browser", type=click.IntRange(1, 8), default=1,
              show_default=True,
              help="Batches read at once in the worker's one Chromium (a thread each), so "
                   "the next batch fills the page slots the last one's tail leaves idle; "
                   "needs --concurrency 1.")
@click.option("--loglevel", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))
def worker(broker: str, concurrency: int, worker_name: str | None, browser: str | None,
           max_memory_per_child: int | None, batches_per_browser: int, loglevel: str) -> None:
    """Start a Celery capture worker for `run --engine celery` (docs/scale-out.md).

    Each pool process starts one Chromium after the fork and reads batch after batch in
    it; SIGTERM finishes the batch in hand, then stops. With --batches-per-browser N the
    worker is one process whose Chromium reads N batches at once.
    """
    from auditor.browser import resolve_browser
    from auditor.engine.worker import run_worker

    try:
        resolve_browser(browser)
    except FileNotFoundError as e:
        raise click.UsageError(str(e)) from None
    if batches_per_browser > 1 and (concurrency > 1 or max_memory_per_child):
        raise click.UsageError("--batches-per-browser needs --concurrency 1 and no "
                               "--max-memory-per-child (one process, one Chromium); scale "
                               "with more workers instead")
    run_worker(broker, concurrency=concurrency, name=worker_name, browser=browser,
               loglevel=loglevel.upper(), max_memory_per_child=max_memory_per_child,
               batches_per_browser=batches_per_browser)


@main.command()
@click.argument("config", type=click.Path(dir_okay=False))
def validate(config: str) -> None:
    """Validate CONFIG offline: keys, paths, devices, URLs, environment variables, checks and
    their options (exit 2 with file:line and a "did you mean" when something is wrong)."""
    from auditor.validate import validate_file
    from checks import configured_checks

    problems = validate_file(config)
    for p in problems:
        style = "bold red" if p.level == "error" else "yellow"
        err.print(f"[{style}]{p.level}:[/] ", end="", markup=True)
        err.print(str(p), markup=False, soft_wrap=True)
    if any(p.level == "error" for p in problems):
        sys.exit(EXIT_USAGE)
    cfg = _load(config)
    checks = configured_checks(cfg)
    click.echo(f"{config}: OK — {len(cfg.channels)} channels, {len(cfg.subjects)} subjects, "
               f"{len(checks)} checks enabled"
               + (f", {len(problems)} warning(s)" if problems else ""))


@main.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
def list_checks(as_json: bool) -> None:
    """List every registered check with its rationale, options and defaults."""
    from checks import REGISTRY

    specs = list(REGISTRY)
    if as_json:
        click.echo(json.dumps([{
            "id": s.id, "severity": s.severity.label, "origin": s.origin,
            "rationale": s.rationale,
            "options": {k: {"default": o.default, "help": o.help} for k, o in s.options.items()},
        } for s in specs], ensure_ascii=False, indent=2, default=str))
        return
    out = Console(highlight=False)
    for s in specs:
        out.print(f"[bold]{s.id}[/]  [{_SEV_STYLE[s.severity.label]}]{s.severity.label}[/]"
                  f"  [dim]{s.origin}[/]")
        for para in s.rationale.split("\n\n"):
            out.print(Padding(" ".join(para.split()), (0, 0, 0, 2)))
        for k, o in s.options.items():
            out.print(Padding(f"[cyan]{k}[/] = {o.default!r}: {o.help}", (0, 0, 0, 2)))
        out.print()


@main.command("check")
@click.argument("run_ref")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config to check with [default: the run's own config file].")
@click.option("--store", "store_path", metavar="FILE|URL", default=str(DEFAULT_STORE),
              show_default=True, help=_STORE_HELP)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write the re-checked reports here.")
@click.option("--fail-on", type=SEVERITY_CHOICE)
@_baseline_option
@_waivers_option
def check_stored(run_ref: str, config_path: str | None, store_path: str, out: Path | None,
                 fail_on: str | None, baseline: Path | None, waivers: Path | None) -> None:
    """Re-run the checks on a stored run (RUN: a run id from the store, or a findings.json)."""
    from auditor.pipeline import check_run, config_waivers, exit_code
    from auditor.store import Store
    from auditor.waivers import stale_waivers, stale_warning
    from reports import write_reports

    if run_ref.endswith(".json") and Path(run_ref).is_file():
        original = run_from_dict(json.loads(Path(run_ref).read_text(encoding="utf-8")))
    else:
        try:
            original = Store(store_path).load(run_ref)
        except KeyError as e:
            raise click.UsageError(str(e.args[0])) from None
    stored = _stored_config(original, config_path)
    if stored is None:
        raise click.UsageError("the run holds no config and its config file is not here; "
                               "pass --config")
    cfg = _with_waivers(stored, waivers)
    accepted = config_waivers(cfg)
    rechecked = check_run(original, cfg, waivers=accepted)
    for w in stale_waivers(accepted, rechecked.findings):
        err.print(f"[yellow]warning:[/] {stale_warning(w)}", markup=True, soft_wrap=True)
    for failure in rechecked.failed_checks:
        err.print(f"[red]check failed[/] (the run is incomplete): {failure}", markup=True,
                  soft_wrap=True)
    gate = _fail_on(fail_on, cfg)
    known = _baseline(baseline)
    if out:
        write_reports(rechecked, out, fail_on=gate, baseline=known)
        click.echo(f"Report: {out / 'report.html'}")
    for f in rechecked.findings:
        status = f" [{f.status}]" if f.status == "waived" else ""
        click.echo(f"{f.severity.label:>8} {f.check:<18} {f.subject:<16} {f.message}{status}")
        if f.status == "waived" and f.waiver:
            click.echo(f"{'':>8} waived: {f.waiver.get('reason')} — owner "
                       f"{f.waiver.get('owner')}, expires {f.waiver.get('expires')}")
    sys.exit(exit_code(rechecked, gate, known or frozenset()))


@main.command()
@click.option("--store", "store_path", metavar="FILE|URL", default=str(DEFAULT_STORE),
              show_default=True, help=_STORE_HELP)
@click.option("--audit", "audit", metavar="NAME",
              help="Only runs of this audit (its config's name).")
@click.option("--config-name", "legacy_audit", hidden=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1),
              help="Newest runs listed (per audit with --html).")
@click.option("--json", "as_json", is_flag=True, help="The rows as JSON.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="OUT_DIR", help="Write one self-contained history page per audit into "
              "OUT_DIR/<audit>/index.html; later runs' reports link back to it.")
def history(store_path: str, audit: str | None, legacy_audit: str | None, limit: int,
            as_json: bool, html_dir: Path | None) -> None:
    """List stored runs, newest first: findings by severity, new, resolved and the gate."""
    store = _existing_store(store_path)
    name = audit or legacy_audit
    rows = store.history(name, limit)
    pages: list[Path] = []
    if html_dir is not None:
        from reports.history import page_folder

        taken: set[str] = set()
        for each in [name] if name else store.audits():
            page = _write_history_page(store, each, page_folder(html_dir, each, taken), limit)
            store.set_history_page(each, page.resolve())
            pages.append(page)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    if not rows:
        err.print(f"no runs{f' of {name!r}' if name else ''} in {store.describe()}",
                  markup=False)
    else:
        out.print(_history_table(rows))
    for page in pages:
        out.print(f"History page: {page}", markup=False, soft_wrap=True)


def _history_table(rows: list[dict[str, Any]]) -> Table:
    """``omniaudit history`` as a rich table (severities styled as in the run summary)."""
    from reports._common import format_time

    table = Table(box=None, pad_edge=False, header_style="bold")
    for col, justify in (("run", "left"), ("started", "left"), ("audit", "left"),
                         ("capture", "left"), ("findings", "left"), ("new", "right"),
                         ("resolved", "right"), ("gate", "left")):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        capture = ("[red]interrupted[/]" if r["interrupted"] else
                   "complete" if r["complete"] else "[red]incomplete[/]")
        counts = [f"[{_SEV_STYLE[k]}]{r['by_severity'][k]} {k}[/]"
                  for k in reversed(list(r["by_severity"])) if r["by_severity"][k]]
        if r["waived"]:
            counts.append(f"[dim]{r['waived']} waived[/]")
        gate = r["gate"] or "—"
        if r["gate"] in ("passed", "failed") and r["fail_on"]:
            gate += f" at {r['fail_on']}"
        style = {"passed": "green", "failed": "red"}.get(r["gate"] or "", "yellow")
        table.add_row(escape(str(r["id"])), format_time(r["started_at"]),
                      escape(str(r["config_name"])), capture, ", ".join(counts) or "none",
                      "—" if r["new"] is None else str(r["new"]),
                      "—" if r["resolved"] is None else str(r["resolved"]),
                      f"[{style}]{escape(gate)}[/]")
    return table


def _existing_store(target: str | Path, hint: str = "") -> Store:
    """The store at ``target`` for reading: a SQLite file that does not exist is a usage
    error (exit 2), not a new empty store."""
    from auditor.store import is_url, open_store

    if not is_url(target) and not Path(target).exists():
        raise click.UsageError(f"no store at {target}{hint}")
    return open_store(target)


def _local_history_page(store: Store, audit: str) -> Path | None:
    """The audit's history page when one was written (``history --html``) and is on this
    machine (a shared store may name another machine's page)."""
    page = store.history_page(audit)
    return Path(page) if page and Path(page).is_file() else None


def _write_history_page(store: Store, audit: str, folder: Path, limit: int = 30) -> Path:
    """Write ``audit``'s history page (and its runs' diff pages) into ``folder``."""
    from datetime import UTC, datetime

    from reports.history import write_history_page

    rows = store.history(audit, limit)
    names: dict[str, str] = {}
    if rows:
        names = {s["id"]: s.get("name", s["id"])
                 for s in store.document(str(rows[0]["id"])).get("subjects", ())}
    return write_history_page(
        folder.parent, audit, rows, store.finding_counts(audit, "check", limit),
        store.finding_counts(audit, "subject", limit), document=store.document,
        subject_names=names, store=store.describe(), folder=folder,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"))


def _record_outcome(store: Store, run: Run, previous: Run | None, code: int,
                    fail_on: Severity | None, out_dir: Path) -> None:
    """Store how the run ended for ``omniaudit history``: its gate, new and resolved
    counted as the summary counts them, and its report folder."""
    from auditor.store import RunOutcome
    from reports._common import compare_runs

    comparison = compare_runs(run, previous)
    gate = "interrupted" if run.interrupted else {
        EXIT_OK: "passed", EXIT_FINDINGS: "failed"}.get(code, "incomplete")
    store.record_outcome(run.id, RunOutcome(
        gate=gate, fail_on=fail_on.label if fail_on else None,
        new=sum(f.status == "new" for f in run.findings),
        resolved=len(comparison.resolved) if comparison else 0,
        out_dir=str(out_dir.resolve())))


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="text for terminals, json for machines, html for people.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the diff to this file instead of standard output.")
@click.option("--fail-on-new", is_flag=True,
              help="Exit 1 when NEW has an error-level, unwaived finding OLD does not.")
def diff(old: str, new: str, fmt: str, as_json: bool, output: Path | None,
         fail_on_new: bool) -> None:
    """Compare two findings.json files by fingerprint: new, resolved and persisting."""
    from reports import FindingsFileError, load_findings
    from reports.diff import diff_documents, render_diff_html, render_diff_text

    try:
        result = diff_documents(load_findings(Path(old)), load_findings(Path(new)))
    except FindingsFileError as e:
        raise click.UsageError(str(e)) from None
    fmt = "json" if as_json else fmt
    if fmt == "json":
        text = json.dumps(result, ensure_ascii=False, indent=2)
    elif fmt == "html":
        text = render_diff_html(result)
    else:
        text = render_diff_text(result)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(str(output), err=True)
    else:
        click.echo(text)
    if fail_on_new:
        blocking = [f for f in result["new"]
                    if f.get("level", "error") == "error" and f.get("status") != "waived"]
        if blocking:
            click.echo(f"{len(blocking)} new finding(s) (--fail-on-new)", err=True)
            sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("subject")
@click.argument("run_ref", required=False)
@click.option("--store", "store_path", metavar="FILE|URL", default=str(DEFAULT_STORE),
              show_default=True, help=_STORE_HELP)
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config naming the subject's aliases [default: the run's own config].")
def explain(subject: str, run_ref: str | None, store_path: str,
            config_path: str | None) -> None:
    """Show the observations matched to SUBJECT, why, and the near misses.

    RUN is a run id from the store or a findings.json [default: the latest stored run].
    """
    from auditor.config import SubjectConfig
    from auditor.matching import explain as explain_subject

    if run_ref and run_ref.endswith(".json") and Path(run_ref).is_file():
        the_run = run_from_dict(json.loads(Path(run_ref).read_text(encoding="utf-8")))
    else:
        store = _existing_store(store_path, "; pass a findings.json")
        ref = run_ref or next((str(r["id"]) for r in store.history(None, 1)), None)
        if ref is None:
            raise click.UsageError(f"no runs in {store_path}")
        try:
            the_run = store.load(ref)
        except KeyError as e:
            raise click.UsageError(str(e.args[0])) from None
    stored = _stored_config(the_run, config_path)
    subjects = {s.id: s for s in (stored.subjects if stored else ())}
    known = set(subjects) | set(the_run.subjects) | {o.subject for o in the_run.observations
                                                      if o.subject}
    if subject not in known:
        raise click.UsageError(f"unknown subject {subject!r}; the run has: "
                               f"{', '.join(sorted(known)) or 'none'}")
    cfg = subjects.get(subject) or SubjectConfig(
        id=subject, name=the_run.subject_names.get(subject, subject))
    for line in explain_subject(the_run.observations, cfg).lines():
        click.echo(line)


def _notify(config: AuditConfig, run: Run, fail_on: Severity | None,
            baseline: frozenset[str], report: Path, store_path: str | Path | None) -> None:
    """The config's notifications about a finished run; a failure is logged on stderr and
    never changes the exit code (auditor.notify)."""
    from auditor.notify import notify_run

    assert config.notify is not None
    notify_run(run, config.notify, fail_on=fail_on, baseline=baseline, report=report,
               root=config.root, store=store_path or DEFAULT_STORE,
               log=lambda m: err.print(f"[dim]·[/] {m}", markup=True, soft_wrap=True,
                                       highlight=False))


@main.command()
@click.argument("schedule_file", metavar="SCHEDULE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True,
              help="Validate the schedule, print each audit's next fire times and the "
                   "command of its runs, and exit.")
def schedule(schedule_file: str, dry_run: bool) -> None:
    """Run the audits of SCHEDULE on their cron expressions until SIGTERM or Ctrl-C.

    Each run is `omniaudit run` in its own process; a log line per run goes to standard
    output. SIGTERM/SIGINT stop scheduling and interrupt running audits the way `run` is
    interrupted; the exit code is then 143/130 (docs/scheduling.md).
    """
    import signal as signals
    from datetime import UTC, datetime

    from auditor.schedule import Scheduler, describe, load_schedule

    plan = load_schedule(schedule_file)
    if dry_run:
        for line in describe(plan, datetime.now(UTC)):
            click.echo(line)
        return

    def say(line: str) -> None:
        click.echo(line)

    scheduler = Scheduler(plan, log=say)

    def handler(signum: int, _frame: object) -> None:
        scheduler.request_stop(signum)

    for s in (signals.SIGINT, signals.SIGTERM):
        signals.signal(s, handler)
    sys.exit(scheduler.run())


if __name__ == "__main__":  # pragma: no cover
    main()
