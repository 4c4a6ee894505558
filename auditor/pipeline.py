"""One audit, end to end: capture → match → check → store.

Capture and checking are separate stages: :func:`capture_channels` touches browsers and
files and returns plain :class:`~auditor.model.ChannelResult` records; :func:`check_run`
only reads observations, so ``omniaudit check RUN`` re-runs it on a stored run offline.
Reports are written by the caller from the finished :class:`~auditor.model.Run`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from auditor import interrupt
from auditor.browser import (
    BrowserChoice,
    BrowserHost,
    launch_args,
    playwright_own_session,
    resolve_browser,
)
from auditor.capture.evidence import apply_rechecks, confirm_channel, observations_to_confirm
from auditor.capture.static import capture_auto_channel, capture_static_channel
from auditor.capture.transcripts import capture_transcripts_channel
from auditor.capture.web import Tick, capture_web_channel, channel_scope
from auditor.config import AuditConfig, ConfigError, TranscriptChannel, WebChannel
from auditor.engine import Engine
from auditor.matching import Matcher
from auditor.model import (
    BRAND_SUBJECT,
    CaptureError,
    ChannelResult,
    CheckInfo,
    Finding,
    Observation,
    Run,
    Severity,
    is_gating,
)
from auditor.store import Store
from auditor.waivers import Waiver, apply_waivers, load_waivers, stale_waivers, stale_warning

Progress = Callable[[str], None]


def new_run_id(now: datetime | None = None) -> str:
    """Sortable, unique run id: ``20261123T101500Z-3f9a``."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def _capture_web(config: AuditConfig, channels: Mapping[str, WebChannel], out_dir: Path,
                       browser_choice: BrowserChoice, today: date | None,
                       progress: Progress, tick: Tick | None = None) -> dict[str, ChannelResult]:
    from playwright.async_api import async_playwright

    urls = [config.absolute_url(u) for ch in channels.values() for u in ch.start_urls]
    try:
        return await _capture_web_with(async_playwright, urls, config, channels, out_dir,
                                       browser_choice, today, progress, tick)
    except Exception:
        if interrupt.requested() and _partial:
            # Ctrl-C reaches the whole terminal process group: the driver may be gone.
            # What the crawls had read is in _partial.
            return dict(_partial)
        raise


#: Results of the web channels finished so far (an interrupted run keeps them even if the
#: Playwright driver died with the signal).
_partial: dict[str, ChannelResult] = {}


async def _capture_web_with(async_playwright: Any, urls: list[str], config: AuditConfig,
                            channels: Mapping[str, WebChannel], out_dir: Path,
                            browser_choice: BrowserChoice, today: date | None,
                            progress: Progress, tick: Tick | None) -> dict[str, ChannelResult]:
    _partial.clear()
    async with playwright_own_session(async_playwright) as p:
        try:
            # Images off: the first pass takes no screenshots (docs/capture.md).
            host = BrowserHost(p, browser_choice.path, launch_args(urls, images=False))
            browser = await host.start()
        except Exception as e:  # noqa: BLE001 - no browser means every web channel failed
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            reason = f"cannot launch Chromium ({browser_choice.describe()}): {first}"
            return {n: ChannelResult(n, "web", ch.device, 0, 0,
                                     (CaptureError(n, "browser", reason),), ())
                    for n, ch in channels.items()}
        try:
            async def one(name: str, ch: WebChannel) -> ChannelResult:
                starts = ", ".join(config.absolute_url(u) for u in ch.start_urls)
                progress(f"{name}: crawling {starts} as {ch.device}")
                if ch.mode == "auto":
                    result, decision = await capture_auto_channel(browser, p, name, ch, config,
                                                                  out_dir, today, tick=tick)
                    progress(f"{name}: mode auto chose the {decision.describe()}")
                else:
                    result = await capture_web_channel(host, p, name, ch, config, out_dir,
                                                       today, tick=tick)
                progress(f"{name}: {result.pages_ok} pages read, {result.pages_failed} failed, "
                         f"{len(result.observations)} observations")
                _partial[name] = result
                return result

            results = await asyncio.gather(*(one(n, ch) for n, ch in channels.items()))
        finally:
            try:
                await host.close()
            except Exception:  # noqa: BLE001 - gone with the signal; the results are kept
                if not interrupt.requested():
                    raise
    return dict(zip(channels, results, strict=True))


async def _capture_static(config: AuditConfig, channels: Mapping[str, WebChannel], out_dir: Path,
                          today: date | None, progress: Progress,
                          tick: Tick | None = None) -> dict[str, ChannelResult]:
    """Channels with ``mode: static``: plain HTTP, no browser launched for them."""
    async def one(name: str, ch: WebChannel) -> ChannelResult:
        progress(f"{name}: fetching {', '.join(ch.start_urls)} without a browser (mode static)")
        result = await capture_static_channel(name, ch, config, out_dir, today, tick=tick)
        progress(f"{name}: {result.pages_ok} pages read, {result.pages_failed} failed, "
                 f"{len(result.observations)} observations")
        return result

    results = await asyncio.gather(*(one(n, ch) for n, ch in channels.items()))
    return dict(zip(channels, results, strict=True))


def capture_channels(config: AuditConfig, out_dir: Path, *, browser: BrowserChoice | None = None,
                     today: date | None = None, progress: Progress = lambda _: None,
                     tick: Tick | None = None, engine: Engine | None = None,
                     run_id: str = "") -> dict[str, ChannelResult]:
    """Capture every channel of the config: web channels share one browser.

    With an ``engine`` (auditor.engine), web channels in browser mode are captured by units
    of work on it (Celery workers); the coordinator keeps their frontiers here. Transcript
    files are units on it too, unless ``engine.transcripts`` is ``coordinator``.
    """
    run_id = run_id or new_run_id()  # one id for every unit the engine is sent
    web = {n: c for n, c in config.channels.items() if isinstance(c, WebChannel)}
    chats = {n: c for n, c in config.channels.items() if isinstance(c, TranscriptChannel)}
    results: dict[str, ChannelResult] = {}
    if engine is not None and chats and config.engine.transcripts == "workers" \
            and not interrupt.requested():
        # One unit per file on the engine's workers (docs/scale-out.md).
        results.update(engine.capture_transcripts(
            config, chats, run_id=run_id, today=today or date.today(),
            evidence_root=(out_dir / "evidence").resolve(), progress=progress))
    for name, ch in chats.items():
        if name not in results:
            if interrupt.requested():
                results[name] = _not_captured(name, ch)
                continue
            results[name] = capture_transcripts_channel(name, ch, config, today,
                                                        progress=progress)
        r = results[name]
        progress(f"{name}: {r.pages_ok} transcripts read, {r.pages_failed} failed, "
                 f"{len(r.observations)} observations")
    for ch in web.values():
        channel_scope(config, ch)  # relative URLs without base_url fail here, not mid-crawl
    static = {n: c for n, c in web.items() if c.mode == "static"}
    web = {n: c for n, c in web.items() if c.mode != "static"}
    if static and not interrupt.requested():
        results.update(asyncio.run(_capture_static(config, static, out_dir, today, progress,
                                                   tick)))
    if engine is not None and not interrupt.requested():
        units = {n: c for n, c in web.items() if c.mode == "browser"}
        web = {n: c for n, c in web.items() if c.mode != "browser"}
        results.update(engine.capture_web(
            config, units, run_id=run_id, today=today or date.today(),
            evidence_root=(out_dir / "evidence").resolve(), browser=browser,
            progress=progress, tick=tick))
    if web and not interrupt.requested():
        results.update(asyncio.run(_capture_web(config, web, out_dir,
                                                browser or resolve_browser(), today, progress,
                                                tick)))
    return {n: results.get(n) or _not_captured(n, ch) for n, ch in config.channels.items()}


def _not_captured(name: str, ch: WebChannel | TranscriptChannel) -> ChannelResult:
    """A channel the run was interrupted before: nothing read, and it says why."""
    kind = "transcripts" if isinstance(ch, TranscriptChannel) else "web"
    device = ch.device if isinstance(ch, WebChannel) else None
    return ChannelResult(name, kind, device, 0, 0, (CaptureError(
        name, "*", "not captured: the run was interrupted before this channel"),), ())


def _brand_info(config: AuditConfig):  # -> checks.BrandInfo
    from checks import BrandInfo

    if not config.brand:
        return None
    logo_hash = None
    if config.brand.logo:
        path = config.resolve(config.brand.logo)
        try:
            from PIL import Image

            from auditor.extract.logo import image_signature

            with Image.open(path) as img:
                img.load()
                logo_hash = image_signature(img)
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot read the reference logo {path}: {e}", file=config.source,
                              key="brand.logo") from None
    return BrandInfo(name=config.brand.name, retired_names=tuple(config.brand.retired_names),
                     colors=tuple(config.brand.colors), logo_hash=logo_hash)


def check_run(run: Run, config: AuditConfig, *, today: date | None = None,
              previous: Run | None = None, waivers: Sequence[Waiver] | None = None,
              seen: AbstractSet[str] | None = None) -> Run:
    """Match and check a run's observations (offline); returns the run with findings set.

    ``waivers`` (default: the config's ``waivers`` file, if any) are applied last, so a
    waived finding keeps its fingerprint and is still compared with the previous run.
    A finding is *persisting* when ``seen`` (the store's :meth:`~auditor.store.Store.
    seen_before`: the fingerprints of the runs back to the last complete one) or else the
    previous run has it: a run whose pages failed does not make old findings new again.
    A check that raises is recorded in ``failed_checks`` (the run is incomplete).
    """
    from checks import ChannelInfo, configured_checks, run_checks

    matcher = Matcher.from_config(config)
    observations = tuple(matcher.match_observations(run.observations))
    run = dataclasses.replace(run, channels=coverage(run.channels, observations, config))
    active = configured_checks(config)
    channel_info = {n: ChannelInfo(n, c.kind, c.device, c.complete, c.pages_ok, c.pages_failed,
                                   tuple((e.target, e.reason) for e in c.errors),
                                   failed_pages(matcher, c), config.channel_locale(n))
                    for n, c in run.channels.items()}
    failures: list[str] = []
    findings = run_checks(observations, channel_info, checks=active,
                          today=today or date.today(), brand=_brand_info(config),
                          subject_names={s.id: s.name for s in config.subjects},
                          failures=failures, locale=config.report_locale())
    before = set(seen or ()) | ({f.fingerprint for f in previous.findings} if previous else set())
    findings = [dataclasses.replace(f, status="persisting" if f.fingerprint in before else "new")
                for f in findings]
    if waivers is None:
        waivers = config_waivers(config)
    findings = list(apply_waivers(findings, waivers, today or date.today()).findings)
    return dataclasses.replace(
        run, observations=observations, findings=tuple(findings), failed_checks=tuple(failures),
        subjects=tuple(s.id for s in config.subjects),
        subject_names={s.id: s.name for s in config.subjects},
        checks={a.spec.id: CheckInfo(a.spec.id, a.severity, a.level, a.spec.title,
                                     a.spec.rationale) for a in active})


def coverage(channels: Mapping[str, ChannelResult], observations: Sequence[Observation],
             config: AuditConfig) -> dict[str, ChannelResult]:
    """Mark web channels that read pages but said nothing about any offer as ``empty``.

    Such a channel is a capture gap — the offers sat behind a cookie sheet, a login or a
    script that had not run — not a channel on which every offer is missing: the run is
    incomplete, and no absence is claimed there.
    """
    if not config.subjects:
        return dict(channels)
    said = {o.channel for o in observations if o.subject and o.subject != BRAND_SUBJECT}
    return {name: dataclasses.replace(c, empty=True)
            if c.kind == "web" and c.pages_ok > 0 and name not in said else c
            for name, c in channels.items()}


def failed_pages(matcher: Matcher, channel: ChannelResult) -> dict[str, tuple[str, ...]]:
    """A channel's failed pages by the subject whose page each is (``"*"``: unknown).

    Checks that reason from absence use it to say "not checked" instead of "missing".
    """
    out: dict[str, list[str]] = {}
    if channel.kind != "web":
        return {}
    for e in channel.errors:
        m = matcher.resolve_url(channel.name, e.target) if "://" in e.target else None
        out.setdefault(m.subject if m else "*", []).append(e.target)
    if channel.empty:
        from checks.context import NO_OFFER_FOUND  # checks load lazily (see _brand_info)

        out.setdefault("*", []).append(NO_OFFER_FOUND)
    return {k: tuple(v) for k, v in out.items()}


def config_waivers(config: AuditConfig) -> list[Waiver]:
    """The waivers of the config's ``waivers`` file (none without one)."""
    return load_waivers(config.resolve(config.waivers)) if config.waivers else []


_CONFIG_GATE = object()


def execute(config: AuditConfig, out_dir: Path, *, store: Store | None = None,
            browser: BrowserChoice | None = None, today: date | None = None,
            run_id: str | None = None, waivers: Sequence[Waiver] | None = None,
            progress: Progress = lambda _: None,
            tick: Tick | None = None,
            fail_on: Severity | None | object = _CONFIG_GATE,
            engine: Engine | None = None) -> tuple[Run, Run | None]:
    """Capture, match, check, confirm and store one run; returns ``(run, previous_run)``.

    ``fail_on`` is the gate the second pass confirms for (default: the config's);
    ``engine`` runs the web channels' capture units elsewhere (:mod:`auditor.engine`).
    """
    gate = config.fail_on_severity() if fail_on is _CONFIG_GATE else fail_on
    started = _now()
    run_id = run_id or new_run_id()
    _brand_info(config)  # a broken reference logo is a config error before any crawling
    waivers = config_waivers(config) if waivers is None else waivers  # so is a bad waiver file
    out_dir.mkdir(parents=True, exist_ok=True)
    results = capture_channels(config, out_dir, browser=browser, today=today, progress=progress,
                               tick=tick, engine=engine, run_id=run_id)
    observations: list[Observation] = [o for r in results.values() for o in r.observations]
    run = Run(id=run_id, config_name=config.name, config_path=config.source, started_at=started,
              finished_at=started, channels=results, observations=tuple(observations),
              findings=(), locale=config.report_locale(),
              evidence_root=str((out_dir / "evidence").resolve()))
    previous = store.previous(config.name, started) if store else None
    seen = store.seen_before(config.name, started) if store else None
    stopped = interrupt.requested()
    run = check_run(run, config, today=today, previous=previous, waivers=waivers, seen=seen)
    if stopped:
        progress(f"interrupted ({interrupt.signal_name()}): reporting what was captured; the "
                 "second pass is skipped and the run is stored as interrupted")
    else:
        run = confirm_findings(run, config, out_dir, browser=browser, today=today,
                               progress=progress, fail_on=gate)  # type: ignore[arg-type]
    run = dataclasses.replace(run, reference_logo=reference_logo_file(run, config, out_dir),
                              interrupted=stopped or interrupt.requested(),
                              config=_resolved_config(config))
    warnings = [stale_warning(w) for w in stale_waivers(waivers, run.findings)]
    warnings += [f"check {f.split(':', 1)[0]} failed and was left out: {f.split(': ', 1)[-1]}"
                 for f in run.failed_checks]
    if run.interrupted:
        warnings.append(f"the run was interrupted ({interrupt.signal_name() or 'signal'}): "
                        "pages and transcripts not yet read were left out")
    for w in warnings:
        progress("warning: " + w)
    run = dataclasses.replace(run, warnings=tuple(warnings))
    run = dataclasses.replace(run, finished_at=_now())
    if store:
        store.save(run)
    return run, previous


def _resolved_config(config: AuditConfig) -> dict[str, Any] | None:
    """The config as this run used it, for ``check``/``explain`` from any folder."""
    resolved = getattr(config, "resolved_document", None)
    return resolved() if callable(resolved) else None


def reference_logo_file(run: Run, config: AuditConfig, out_dir: Path) -> str | None:
    """The configured reference logo as ``evidence/reference-logo.png`` when a logo finding
    needs it beside the logos the channels showed (reports read only the output folder)."""
    if not (config.brand and config.brand.logo and any(f.attribute == "logo"
                                                         for f in run.findings)):
        return None
    from PIL import Image

    target = out_dir / "evidence" / "reference-logo.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(config.resolve(config.brand.logo)) as img:
        img = img.convert("RGBA")
        img.thumbnail((360, 180))
        img.save(target, "PNG")
    return target.relative_to(out_dir).as_posix()


def second_pass_findings(findings: Sequence[Finding], config: AuditConfig,
                         fail_on: Severity | None) -> tuple[list[Finding], dict[str, int]]:
    """The findings whose pages the second pass re-visits, and per check how many findings
    below the gate were left out.

    Everything that can fail the run is confirmed (``evidence.confirm: gating``); of the
    rest — warnings, findings below ``fail_on`` — the first ``evidence.sample_per_check`` of
    each check get evidence crops: 400 ``vat_statement_missing`` warnings need a few
    screenshots to show what they mean, not 400 page visits. ``confirm: all`` re-visits all.
    """
    if config.evidence.confirm == "all":
        return list(findings), {}
    chosen: list[Finding] = []
    sampled: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for f in findings:
        if f.status == "waived":
            continue
        if is_gating(f, fail_on):
            chosen.append(f)
        elif sampled.get(f.check, 0) < config.evidence.sample_per_check:
            sampled[f.check] = sampled.get(f.check, 0) + 1
            chosen.append(f)
        else:
            skipped[f.check] = skipped.get(f.check, 0) + 1
    return chosen, skipped


def confirm_findings(run: Run, config: AuditConfig, out_dir: Path, *,
                     browser: BrowserChoice | None = None, today: date | None = None,
                     progress: Progress = lambda _: None,
                     fail_on: Severity | None = None) -> Run:
    """The second pass (auditor.capture.evidence): re-visit the pages behind findings with
    images on, mark each finding confirmed or unconfirmed, keep element screenshots.

    Only web channels with ``screenshots: true`` take part; nothing to re-visit, no browser.
    Which findings: :func:`second_pass_findings` (what can gate, and a sample of the rest);
    a finding left out says so in its ``confirmation``. All findings of a page are confirmed
    in one visit.
    """
    web = {n: c for n, c in config.channels.items() if isinstance(c, WebChannel)}
    chosen, skipped = second_pass_findings(run.findings, config, fail_on)
    if skipped:
        chosen_ids = {f.fingerprint for f in chosen}
        totals: dict[str, int] = {}
        for f in run.findings:
            totals[f.check] = totals.get(f.check, 0) + 1
        run = dataclasses.replace(run, findings=tuple(
            f if f.fingerprint in chosen_ids or f.status == "waived" or f.confirmed is not None
            else dataclasses.replace(f, confirmation=(
                f"not re-visited: below the gate; evidence was taken for "
                f"{totals[f.check] - skipped[f.check]} of the {totals[f.check]} "
                f"{f.check} findings"))
            for f in run.findings))
    todo = observations_to_confirm(chosen, run.observations, web)
    if not todo:
        return run
    pages = sum(len(urls) for urls in todo.values())
    progress(f"confirming {len(chosen)} of {len(run.findings)} findings: re-visiting {pages} "
             "pages")
    choice = browser or resolve_browser()
    urls = [u for urls in todo.values() for u in urls]

    async def go() -> dict:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            host = BrowserHost(p, choice.path, launch_args(urls))
            try:
                await host.start()
                parts = await asyncio.gather(*(
                    confirm_channel(host, p, name, web[name], config, by_url, out_dir, today)
                    for name, by_url in todo.items()))
            finally:
                await host.close()
        return {k: v for part in parts for k, v in part.items()}

    try:
        rechecks = asyncio.run(go())
    except Exception as e:  # noqa: BLE001 - no second pass leaves findings unchecked, not lost
        progress(f"warning: findings not confirmed, the second pass failed: {e}")
        return run
    findings, observations = apply_rechecks(run.findings, run.observations, rechecks)
    # Findings left out of the pass keep their "not re-visited" note, not a verdict.
    unconfirmed = sum(1 for f in findings if f.confirmed is False)
    progress(f"confirmed {sum(1 for f in findings if f.confirmed)} findings, "
             f"{unconfirmed} did not reproduce")
    return dataclasses.replace(run, findings=findings, observations=observations)


def gating_findings(run: Run, fail_on: Severity | None,
                    baseline: AbstractSet[str] = frozenset()) -> list[Finding]:
    """Error-level findings at or above ``fail_on`` (none when ``fail_on`` is ``None``),
    leaving out those whose fingerprint is in ``baseline``."""
    return [f for f in run.findings if is_gating(f, fail_on, baseline)]


def exit_code(run: Run, fail_on: Severity | None,
              baseline: AbstractSet[str] = frozenset()) -> int:
    """DESIGN.md's exit codes: 3 incomplete (fails closed first), 1 gating findings, else 0.

    A baseline never rescues an incomplete run: what was not captured cannot be compared.
    """
    if not run.complete:
        return 3
    return 1 if gating_findings(run, fail_on, baseline) else 0
