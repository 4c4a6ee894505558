"""Capturing a web channel with a real Chromium through Playwright (the first pass).

A channel is crawled breadth-first from its start URLs — plus, by default, the pages its
sitemaps list — within its :class:`~auditor.capture.crawl.Scope`, up to ``max_pages`` and
``max_depth``, obeying robots.txt unless the channel says ``robots: ignore``. ``concurrency``
workers each keep one page in a long-lived browser context they share (a fresh context per
page costs about five times the throughput, and a context per worker makes Chromium start a
renderer process per navigation: :mod:`auditor.capture.contexts`); pages and contexts are
recycled every ``recycle_after`` visits, because renderer memory grows with use.

Each page: navigate, wait as configured, dismiss the cookie wall (one probe in the page:
:mod:`auditor.capture.consent`), scroll (bounded) for lazy content, read the rendered DOM
with ``page_script.js`` — which sends the HTML too only when the page carries schema.org or
OpenGraph data for extruct — and turn both into observations (:mod:`auditor.extract.page`).
No screenshot is taken here: the browser runs with images off, and evidence crops come from
the second pass over the pages behind findings (:mod:`auditor.capture.evidence`).

Nothing is lost: a page that fails (HTTP error after retries, timeout, crash) is recorded with
its reason; a browser that dies is relaunched and the pages that were in flight are queued
again; observations already captured stay captured.

:func:`capture_web_channel` is a self-contained unit of work: plain arguments, no global
state, content-addressed evidence, so a distributed worker can run it and a retry
overwrites rather than duplicates.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor import interrupt
from auditor.browser import BrowserHost
from auditor.capture.consent import DEFAULT_CONSENT_SELECTORS, dismiss_consent
from auditor.capture.contexts import PagePool
from auditor.capture.crawl import (
    Frontier,
    HostLimiter,
    NotAPage,
    OffScope,
    PageFailed,
    RetryPolicy,
    Robots,
    Scope,
    normalise_url,
    url_fetcher,
)
from auditor.config import AuditConfig, WebChannel
from auditor.extract.logo import signature_of_bytes
from auditor.extract.money import locale_currency
from auditor.extract.page import PageObservation, observations_from_page
from auditor.model import (
    BRAND_SUBJECT,
    CaptureError,
    ChannelResult,
    Evidence,
    Observation,
    Shown,
    observation_id,
)

__all__ = ["capture_web_channel", "crawl_pages", "channel_scope", "normalise_url", "Scope",
           "PAGE_SCRIPT", "load_page", "extract_page", "context_options",
           "DEFAULT_CONSENT_SELECTORS"]

PAGE_SCRIPT = (Path(__file__).with_name("page_script.js")).read_text(encoding="utf-8")

DESKTOP_VIEWPORT = {"width": 1366, "height": 900}

#: A page whose HTML is larger than this is not read (a 50 MB page is a bug or a dump, and
#: reading it would stall a renderer); it is recorded as failed with its size.
MAX_HTML_CHARS = 10_000_000

#: How many times one URL may be in flight when the browser dies before it is given up as
#: the likely cause ("the browser crashed twice on this page").
MAX_CRASHES_PER_URL = 2

Tick = Callable[[str, dict[str, int]], None]


def channel_scope(config: AuditConfig, ch: WebChannel) -> Scope:
    """The channel's scope: its start URLs' hosts, or its ``include`` patterns."""
    starts = [config.absolute_url(u) for u in ch.start_urls]
    return Scope(
        hosts=frozenset(urlsplit(normalise_url(u) or u).netloc for u in starts),
        include=tuple(_pattern(config, u) for u in ch.include),
        exclude=tuple(_pattern(config, u) for u in ch.exclude),
    )


def _pattern(config: AuditConfig, pattern: str) -> str:
    """A path pattern becomes absolute on the base URL; ``*`` globs pass through."""
    return pattern if pattern.startswith("*") else config.absolute_url(pattern)


def context_options(playwright: Any, ch: WebChannel, config: AuditConfig | None = None
                    ) -> dict[str, Any]:
    """Browser-context options: device, custom viewport / user agent, locale, timezone and
    the login session (``storage_state``)."""
    opts: dict[str, Any] = {"locale": ch.locale, "timezone_id": ch.timezone}
    if ch.device == "desktop":
        opts["viewport"] = dict(DESKTOP_VIEWPORT)
    else:
        try:
            opts.update(playwright.devices[ch.device])
        except KeyError:
            raise ValueError(f"unknown device {ch.device!r}; use 'desktop' or a Playwright "
                             f"device name such as 'iPhone 13' or 'Pixel 7'") from None
    opts.pop("default_browser_type", None)
    if ch.viewport:
        opts["viewport"] = dict(ch.viewport)
    if ch.user_agent:
        opts["user_agent"] = ch.user_agent
    if ch.storage_state:
        path = config.resolve(ch.storage_state) if config else Path(ch.storage_state)
        if not path.is_file():
            raise ValueError(f"storage_state file not found: {path}")
        opts["storage_state"] = str(path)
    return opts


_SCROLL_STEP = """() => { const h = document.documentElement.scrollHeight;
  window.scrollTo(0, h); return [h, window.innerHeight]; }"""


async def scroll_for_lazy_content(page: Any, steps: int) -> int:
    """Scroll to the bottom until the page stops growing, at most ``steps`` times.

    Lazy lists and infinite scroll load on scrolling; an endless feed would never stop, so
    the bound is what ends it. Returns the steps taken. Scrolls back to the top afterwards
    so that "above the fold" means the first screen.
    """
    taken = 0
    last = -1
    for _ in range(steps):
        height, viewport = await page.evaluate(_SCROLL_STEP)
        if height <= viewport or height == last:
            break
        taken += 1
        last = height
        # Two animation frames plus a short pause let scroll handlers fetch and render.
        await page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                            "requestAnimationFrame(() => setTimeout(r, 60))))")
    if taken:
        await page.evaluate("() => window.scrollTo(0, 0)")
    return taken


async def load_page(page: Any, url: str, ch: WebChannel, scope: Scope | None,
                    consent: Sequence[str]) -> str:
    """Navigate, check the answer, wait as configured, dismiss consent, scroll.

    Returns the final URL (after in-scope redirects). Raises :class:`PageFailed`,
    :class:`NotAPage`, :class:`OffScope`, or Playwright's own errors.
    """
    timeout = ch.timeout * 1000
    tracker = _Requests(page) if ch.wait == "stable" else None
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout)
        final = await _after_navigation(page, url, response, ch, scope, timeout, tracker)
    finally:
        if tracker is not None:
            tracker.close()
    if await dismiss_consent(page, consent):
        # Sites render their offers only after the visitor chooses (a mobile bottom sheet
        # holding back client-rendered cards): wait until the page stops changing.
        await settle(page)
    if ch.scroll:
        await scroll_for_lazy_content(page, ch.scroll)
    return final


class _Requests:
    """The page's requests that content depends on (documents, scripts, XHR, fetch), in
    flight: ``wait: stable`` reads the page once none is pending and the DOM is quiet.
    Listening from before navigation catches the price fetch a script starts on load."""

    KINDS = frozenset({"document", "script", "xhr", "fetch"})

    def __init__(self, page: Any) -> None:
        self.page = page
        self.pending: set[Any] = set()
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request: Any) -> None:
        if request.resource_type in self.KINDS:
            self.pending.add(request)

    def _end(self, request: Any) -> None:
        self.pending.discard(request)

    def close(self) -> None:
        for event, handler in (("request", self._start), ("requestfinished", self._end),
                               ("requestfailed", self._end)):
            try:
                self.page.remove_listener(event, handler)
            except Exception:  # noqa: BLE001 - a closed page has no listeners left
                pass


#: ``wait: stable``: the DOM must stay unchanged this long with no content request pending,
#: within this cap (a page that polls for ever is read when the cap is reached).
STABLE_QUIET_MS = 150
STABLE_CAP_MS = 5000


async def wait_stable(page: Any, tracker: _Requests, quiet_ms: int = STABLE_QUIET_MS,
                      cap_ms: int = STABLE_CAP_MS) -> None:
    """Read the page as soon as its content is stable: no document, script, XHR or fetch in
    flight and the DOM quiet for ``quiet_ms`` — unlike ``networkidle``, which waits 500 ms
    after the last request of any kind (images, beacons, fonts) on every page."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + cap_ms / 1000
    try:
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return
            if tracker.pending:
                await asyncio.sleep(0.02)
                continue
            await page.evaluate(_SETTLE, [quiet_ms, max(1, int(left * 1000))])
            if not tracker.pending:
                return
    except Exception:  # noqa: BLE001 - a page that navigates away or closes is read as is
        return


async def _after_navigation(page: Any, url: str, response: Any, ch: WebChannel,
                            scope: Scope | None, timeout: float,
                            tracker: _Requests | None) -> str:
    if response is None:
        raise PageFailed("no response")
    final = normalise_url(response.url) or response.url
    if scope is not None and final != url and not scope.allows(final):
        raise OffScope(final)
    headers = response.headers or {}
    if response.status >= 400:
        raise PageFailed(f"HTTP {response.status}", response.status, headers.get("retry-after"))
    ctype = headers.get("content-type", "")
    if ctype and "html" not in ctype:
        raise NotAPage(ctype.split(";")[0])
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_HTML_CHARS:
        raise PageFailed(f"page is {int(length) / 1e6:.1f} MB, over the "
                         f"{MAX_HTML_CHARS / 1e6:.0f} MB limit")
    try:  # a page that never finishes loading (a hanging image, a long poll) is still read
        await page.wait_for_load_state("load", timeout=timeout)
    except Exception:  # noqa: BLE001 - extract what rendered
        pass
    if tracker is not None:
        await wait_stable(page, tracker, cap_ms=min(STABLE_CAP_MS, int(timeout)))
    else:
        await _wait(page, ch, timeout)
    return final


_SETTLE = """([quietMs, capMs]) => new Promise((resolve) => {
  let timer = null;
  const done = () => { observer.disconnect(); resolve(true); };
  const observer = new MutationObserver(() => {
    clearTimeout(timer); timer = setTimeout(done, quietMs);
  });
  observer.observe(document.documentElement,
                   { childList: true, subtree: true, characterData: true });
  timer = setTimeout(done, quietMs);
  setTimeout(done, capMs);
})"""
#: How long the DOM must stay unchanged to count as settled, and the most a settle waits.
SETTLE_QUIET_MS = 300
SETTLE_CAP_MS = 3000


async def settle(page: Any, quiet_ms: int = SETTLE_QUIET_MS, cap_ms: int = SETTLE_CAP_MS) -> None:
    """Wait until the page's DOM has not changed for ``quiet_ms`` (at most ``cap_ms``), and
    for the requests that a change started (network idle, within the same cap)."""
    try:
        await page.evaluate(_SETTLE, [quiet_ms, cap_ms])
        await page.wait_for_load_state("networkidle", timeout=cap_ms)
        await page.evaluate(_SETTLE, [quiet_ms // 2, cap_ms // 2])
    except Exception:  # noqa: BLE001 - a page that keeps changing is read as it is
        pass


async def _wait(page: Any, ch: WebChannel, timeout: float) -> None:
    """The channel's wait strategy beyond ``load`` (docs/capture.md)."""
    kind, _, body = ch.wait.partition(":")
    if ch.wait == "networkidle":
        try:
            await page.wait_for_load_state("networkidle", timeout=timeout)
        except Exception:  # noqa: BLE001 - long-polling pages never idle; extract what rendered
            pass
    elif kind == "selector":
        try:
            await page.wait_for_selector(body, state="attached", timeout=timeout)
        except Exception as e:  # noqa: BLE001 - the condition is the config's promise
            raise PageFailed(f"wait selector {body!r} never appeared ({_reason(e)})") from None
    elif kind == "js":
        try:
            await page.wait_for_function(body, timeout=timeout)
        except Exception as e:  # noqa: BLE001
            raise PageFailed(f"wait condition {body!r} never became true ({_reason(e)})"
                             ) from None


_SVG_PAGE = ("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
             "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
             "</head><body style=\"margin:0;background:#fff\">{svg}</body></html>")


@dataclass
class LogoCache:
    """Perceptual hashes of logos, by what they are drawn from, so each is hashed once a
    channel — and hashed the same way in the first pass and the second.

    A raster image is hashed from its own bytes; an SVG (inline, an ``<img>`` of an .svg
    file, a CSS background) is drawn alone by the browser on a white page — with scripts
    off and nothing fetched (a content security policy) — and the drawing is hashed. Either
    way the hash does not depend on whether the page had images on.
    """

    hashes: dict[str, str | None] = field(default_factory=dict)
    _page: Any = None

    async def phash(self, page: Any, logo: dict[str, Any]) -> str | None:
        key = logo.get("src") or logo.get("svg") or logo.get("selector") or ""
        key = key if len(key) < 512 else str(hash(key))
        if key not in self.hashes:
            self.hashes[key] = await self._hash(page, logo)
        return self.hashes[key]

    async def _hash(self, page: Any, logo: dict[str, Any]) -> str | None:
        kind, src = logo.get("kind"), str(logo.get("src") or "")
        try:
            if kind == "svg" and logo.get("svg"):
                return await self._svg(page, str(logo["svg"]))
            data = await _fetch(page, src) if src else None
            if data and (kind == "svg-file" or data.lstrip()[:5] in (b"<?xml", b"<svg ")):
                return await self._svg(page, data.decode("utf-8", "replace"))
            if data:
                return _image_phash(data)
        except Exception:  # noqa: BLE001 - an unreadable logo is no logo observation
            pass
        return await _element_phash(page, str(logo.get("selector") or ""))

    async def _svg(self, page: Any, markup: str) -> str | None:
        """Draw an SVG alone in a scriptless page of the same browser and hash the drawing."""
        if "<svg" not in markup:
            return None
        markup = markup[markup.find("<svg"):]
        if self._page is None or self._page.is_closed():
            context = await page.context.browser.new_context(
                java_script_enabled=False, viewport={"width": 800, "height": 400})
            self._page = await context.new_page()
        await self._page.set_content(_SVG_PAGE.format(svg=markup), timeout=10_000)
        svg = self._page.locator("svg").first
        png = await svg.screenshot(timeout=5000)
        return _image_phash(png)

    async def close(self) -> None:
        if self._page is not None:
            try:
                await self._page.context.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
            self._page = None


async def _fetch(page: Any, src: str) -> bytes | None:
    if src.startswith("data:") and ";base64," in src:
        return base64.b64decode(src.split(",", 1)[1])
    if src.startswith("data:"):
        from urllib.parse import unquote

        return unquote(src.split(",", 1)[1]).encode("utf-8")
    if src.startswith(("http://", "https://")):
        resp = await page.request.get(src, timeout=10_000)
        return await resp.body() if resp.ok else None
    return None


def _image_phash(data: bytes) -> str | None:
    """A logo's value: shape hash and dominant colour (:mod:`auditor.extract.logo`)."""
    return signature_of_bytes(data)


async def _element_phash(page: Any, selector: str) -> str | None:
    """The element as drawn on the page: for logos that are neither image nor SVG."""
    if not selector:
        return None
    try:
        return _image_phash(await page.locator(selector).first.screenshot(timeout=5000))
    except Exception:  # noqa: BLE001 - no logo hash is no logo observation, not a failure
        return None


async def extract_page(page: Any, *, channel: str, ch: WebChannel, config: AuditConfig,
                       today: date | None, logos: LogoCache | None = None
                       ) -> tuple[list[PageObservation], dict[str, Any]]:
    """Read the loaded page: its observations (with boxes) and the script's raw data."""
    brand = config.brand
    script_opts = {"logoSelector": brand.logo_selector if brand else None,
                   "selectors": dict(ch.selectors), "brand": brand.name if brand else None}
    data = await page.evaluate(PAGE_SCRIPT, script_opts)
    html = data.pop("html", None) or ""  # only pages with structured data send it
    if len(html) > MAX_HTML_CHARS:
        raise PageFailed(f"page is {len(html) / 1e6:.1f} M characters, over the "
                         f"{MAX_HTML_CHARS / 1e6:.0f} M limit")
    viewport = f"{data['viewport']['w']}x{data['viewport']['h']}"
    found = observations_from_page(
        data, html, channel=channel, viewport=viewport, brand=brand.name if brand else None,
        retired=brand.retired_names if brand else (), today=today, selectors=ch.selectors,
        currency=locale_currency(ch.locale))
    for sel in data.get("selected") or ():
        if sel.get("error"):  # a broken configured selector is the config's problem: say so
            raise PageFailed(f"selector for {sel.get('attribute')!r} ({sel.get('rule')!r}) "
                             f"failed: {sel['error']}")
    logo = data.get("logo")
    if brand and logo and logos is not None:
        phash = await logos.phash(page, logo)
        if phash:
            b = logo["box"]
            from auditor.extract.page import Box

            found.append(PageObservation(Observation(
                id=observation_id(channel, "logo", phash, data["url"], logo["selector"]),
                channel=channel, attribute="logo", value=phash,
                text=f"logo image {logo.get('src') or ''} (alt: {logo.get('alt') or '-'})"
                .strip(),
                evidence=Evidence(url=data["url"], selector=logo["selector"], viewport=viewport),
                subject=BRAND_SUBJECT, match="brand", shown=Shown(visible=True),
                source="page"), Box(b["x"], b["y"], b["w"], b["h"])))
    return found, data


async def capture_web_channel(browser: Any, playwright: Any, name: str, ch: WebChannel,
                              config: AuditConfig, out_dir: Path,
                              today: date | None = None, *,
                              tick: Tick | None = None) -> ChannelResult:
    """Crawl one web channel; never raises for a bad page.

    ``browser`` is a :class:`~auditor.browser.BrowserHost` (relaunched if Chromium dies) or
    a plain Playwright browser (then a crash fails the in-flight pages instead).
    ``out_dir`` is unused by the first pass and kept so every capture unit has the same
    arguments. ``tick(channel, stats)`` reports progress after every page.
    """
    del out_dir  # evidence is written by the second pass (auditor.capture.evidence)
    host = browser if isinstance(browser, BrowserHost) else BrowserHost.adopt(playwright, browser)
    await host.start()
    scope = channel_scope(config, ch)
    try:
        opts = context_options(playwright, ch, config)
    except ValueError as e:
        err = CaptureError(name, ch.device, str(e))
        return ChannelResult(name, "web", ch.device, 0, 0, (err,), ())
    fetch = url_fetcher(timeout=min(ch.timeout, 10.0))
    crawl = Frontier(name, scope, Robots(fetch, obey=ch.robots == "obey"), ch.max_pages,
                     ch.max_depth)
    limiter = HostLimiter(ch.host_concurrency or ch.concurrency, ch.rate_limit)
    await crawl.seed((config.absolute_url(s) for s in ch.start_urls), sitemaps=ch.sitemaps,
                     fetch=fetch, limiter=limiter)
    await crawl_pages(host, crawl, ch, opts, config=config, today=today, limiter=limiter,
                      tick=tick)
    relaunched = ([f"the browser was relaunched {host.relaunches} time(s) after it closed; "
                   "in-flight pages were visited again"] if host.relaunches else [])
    return crawl.result(device=ch.device, max_failures=ch.max_failures, notes=relaunched)


async def crawl_pages(host: BrowserHost, crawl: Frontier, ch: WebChannel,
                      opts: dict[str, Any], *, config: AuditConfig, today: date | None,
                      limiter: HostLimiter, tick: Tick | None = None,
                      stopped: Callable[[], bool] = interrupt.requested,
                      pool: PagePool | None = None) -> str:
    """Visit every URL the frontier queues (and the links it queues in turn) with the
    channel's workers in ``host``'s browser; returns how the crawl ended
    (:meth:`~auditor.capture.crawl.Frontier.finish`).

    Shared by a whole channel's crawl (:func:`capture_web_channel`) and by one batch of a
    distributed run (:mod:`auditor.capture.batch`), whose frontier records the links instead
    of queueing them. ``stopped()`` ends the crawl early (an interrupted run, a batch past
    its time bound); what is still queued is then left to the frontier's ``drain``.
    A ``pool`` given by the caller is left open (a batch reads its cookies afterwards).
    """
    policy = RetryPolicy(retries=ch.retries, backoff=ch.retry_backoff)
    consent = tuple(ch.consent_selectors) + DEFAULT_CONSENT_SELECTORS
    logos = LogoCache()
    n_workers = max(1, min(ch.concurrency, ch.max_pages))
    # One shared context for all workers, each with its own page (contexts.py says why).
    own_pool = pool is None
    pool = pool or PagePool(host, opts, timeout_ms=ch.timeout * 1000,
                            pages_per_context=n_workers)
    closing: set[asyncio.Task[None]] = set()

    async def worker() -> None:
        page, served = await pool.checkout()
        try:
            while True:
                url, depth, crashes = await crawl.queue.get()
                try:
                    # Keep renderer memory flat; and a page of a browser that died while
                    # this worker waited is replaced (the pool relaunches the browser)
                    # before the URL another worker saw crash is tried again.
                    if served >= ch.recycle_after or _browser_gone(page):
                        await pool.release(page, background=closing)
                        page, served = await pool.page(), 0
                    served += 1
                    outcome = await _visit(crawl, ch, page, url, depth, crashes,
                                           config=config, today=today, consent=consent,
                                           logos=logos, limiter=limiter, policy=policy)
                    if outcome == "crashed":
                        dead = host.browser  # unless another worker replaced it already
                        if dead is not None and not dead.is_connected():
                            await host.relaunch(dead)
                        await pool.release(page, background=closing)
                        page, served = await pool.page(), 0
                    elif outcome == "replace-page":  # close in the background, go on
                        await pool.release(page, background=closing)
                        page, served = await pool.page(), 0
                finally:
                    crawl.queue.task_done()
                    if tick:
                        tick(crawl.name, crawl.stats())
        finally:
            await pool.checkin(page, served)

    workers = [asyncio.create_task(worker()) for _ in range(n_workers)]
    try:
        # A worker that died (the browser could not be relaunched) must not leave the queue
        # waiting forever: fail what is left and stop. An interrupted run stops too.
        ended = await crawl.finish(workers, stopped)
        if ended == "workers-died":
            _drain(crawl, workers)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, *closing, return_exceptions=True)
        try:
            await logos.close()
            if own_pool:
                await pool.close()
        except Exception:  # noqa: BLE001 - a driver gone with the signal: keep the pages read
            if not interrupt.requested():
                raise
    return ended


def _drain(crawl: Frontier, workers: list[asyncio.Task[None]]) -> None:
    """Record every still-queued URL as failed with the reason the workers stopped."""
    reasons = {_reason(w.exception()) for w in workers
               if not w.cancelled() and w.exception() is not None}
    crawl.drain("not visited: " + ("; ".join(sorted(reasons)) or "capture stopped"))


async def _visit(crawl: Frontier, ch: WebChannel, page: Any, url: str, depth: int,
                 crashes: int, *, config: AuditConfig, today: date | None,
                 consent: Sequence[str], logos: LogoCache, limiter: HostLimiter,
                 policy: RetryPolicy) -> str:
    """Visit one URL with retries; record the outcome. Returns ``"ok"``, ``"crashed"`` (the
    browser died: the URL was queued again) or ``"replace-page"`` (the page is unusable)."""
    from auditor.capture.crawl import parse_retry_after

    attempt = 0
    while True:
        try:
            async with limiter.slot(url):
                final = await asyncio.wait_for(
                    load_page(page, url, ch, crawl.scope, consent), ch.timeout * 2 + 5)
                found, data = await asyncio.wait_for(
                    extract_page(page, channel=crawl.name, ch=ch, config=config, today=today,
                                 logos=logos), ch.timeout + 5)
        except NotAPage:
            crawl.skip(url)
            return "ok"
        except OffScope as e:
            crawl.off_scope(url, str(e))
            return "ok"
        except PageFailed as e:
            if e.status is not None and policy.retryable_status(e.status):
                if await crawl.back_off(policy, attempt, parse_retry_after(e.retry_after)):
                    attempt += 1
                    continue
                if attempt:
                    e = PageFailed(f"{e} (after {attempt} retries)")
            crawl.fail(url, str(e))
            return "ok"
        except Exception as e:  # noqa: BLE001 - every failure is recorded, none lost
            if _browser_gone(page):
                if crashes + 1 < MAX_CRASHES_PER_URL:
                    crawl.queue.put_nowait((url, depth, crashes + 1))
                else:
                    crawl.fail(url, f"the browser crashed {crashes + 1} times while loading "
                               "this page")
                return "crashed"
            reason = _reason(e)
            if _retryable_network(reason):
                if await crawl.back_off(policy, attempt):
                    attempt += 1
                    continue
                if attempt:
                    reason += f" (after {attempt} retries)"
            crawl.fail(url, reason)
            return "replace-page"
        break
    await crawl.captured(url, final, (po.observation for po in found), data.get("links", ()),
                         depth)
    return "ok"


def _browser_gone(page: Any) -> bool:
    try:
        browser = page.context.browser
        return browser is not None and not browser.is_connected()
    except Exception:  # noqa: BLE001 - a page whose context is gone belongs to a dead browser
        return True


#: Chromium network errors that are worth another try; the rest (DNS failure, redirect loop,
#: certificate errors, aborted) will fail the same way again.
_TRANSIENT = ("ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_EMPTY_RESPONSE",
              "ERR_CONNECTION_REFUSED", "ERR_NETWORK_CHANGED", "ERR_CONNECTION_ABORTED",
              "ERR_TIMED_OUT", "ERR_INCOMPLETE_CHUNKED_ENCODING", "ERR_HTTP2_PROTOCOL_ERROR",
              "ERR_SOCKET_NOT_CONNECTED", "ERR_ADDRESS_UNREACHABLE")


def _retryable_network(reason: str) -> bool:
    return any(code in reason for code in _TRANSIENT)


def _reason(e: BaseException | None) -> str:
    """A one-line reason from a Playwright or network error."""
    if e is None:
        return "unknown error"
    if isinstance(e, asyncio.TimeoutError | TimeoutError) and not str(e):
        return "timed out: the page did not finish within its time limit"
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if "net::ERR_CONNECTION_REFUSED" in msg:
        return f"connection refused (is the site up?): {msg}"[:300]
    if "net::ERR_TOO_MANY_REDIRECTS" in msg:
        return f"redirect loop: {msg}"[:300]
    if "Timeout" in type(e).__name__ or "Timeout" in msg:
        return f"timed out: {msg}"[:300]
    return msg[:300]
