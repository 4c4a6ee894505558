"""Capturing a web channel with a real Chromium through Playwright.

A channel is crawled breadth-first from its start URLs within its scope (same host as the
start URLs, or the configured ``include`` prefixes, minus ``exclude``), up to ``max_pages``
and ``max_depth``, by ``concurrency`` long-lived pages of one browser context. The context
carries the channel's device emulation (a Playwright device descriptor such as
``"iPhone 13"``, or a desktop viewport), locale and timezone.

Each page: navigate, wait as configured, dismiss the cookie-consent wall, read the rendered
DOM with ``page_script.js`` and the HTML for schema.org data, turn both into observations
(:mod:`auditor.extract.page`), and crop evidence screenshots from one full-page screenshot.
A page that fails (HTTP error, timeout, crash) is recorded with its reason; it never stops
the channel and never disappears.

:func:`capture_web_channel` is a self-contained unit of work: it takes plain arguments,
keeps no global state and writes evidence to content-addressed paths, so a distributed
worker can run it and a retry overwrites rather than duplicates.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from auditor.config import AuditConfig, WebChannel
from auditor.extract.page import Box, PageObservation, observations_from_page
from auditor.model import (
    BRAND_SUBJECT,
    CaptureError,
    ChannelResult,
    Evidence,
    Observation,
    Shown,
    observation_id,
)

PAGE_SCRIPT = (Path(__file__).with_name("page_script.js")).read_text(encoding="utf-8")

#: Accept buttons of common consent managers (OneTrust, Cookiebot, Didomi, Usercentrics,
#: generic ones), tried after the channel's own ``consent_selectors``.
DEFAULT_CONSENT_SELECTORS: tuple[str, ...] = (
    "#onetrust-accept-btn-handler",
    "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
    "#didomi-notice-agree-button",
    "[data-testid='uc-accept-all-button']",
    "#accept-cookies",
    "[data-consent='accept']",
    "button:has-text('Hyväksy kaikki')",
    "button:has-text('Hyväksy')",
    "button:has-text('Accept all')",
    "button:has-text('Accept')",
    "button:has-text('Godkänn alla')",
    "button:has-text('Alle akzeptieren')",
    "button:has-text('Tout accepter')",
)

DESKTOP_VIEWPORT = {"width": 1366, "height": 900}

# Links to these are not pages: never queued (a response of another type is skipped too).
_NOT_PAGES = (".xml", ".xml.gz", ".json", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg",
              ".webp", ".ico", ".css", ".js", ".zip", ".mp4", ".mp3", ".txt")


class NotAPage(Exception):
    """The URL answered with something other than HTML; skipped and counted, not failed."""
EVIDENCE_DIR = "evidence"


@dataclass(frozen=True)
class Scope:
    """Which URLs a channel may visit."""

    hosts: frozenset[str]
    include: tuple[str, ...]
    exclude: tuple[str, ...]

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if parts.path.lower().endswith(_NOT_PAGES):
            return False
        if any(url.startswith(p) for p in self.exclude):
            return False
        if self.include:
            return any(url.startswith(p) for p in self.include)
        return parts.netloc in self.hosts


def channel_scope(config: AuditConfig, ch: WebChannel) -> Scope:
    starts = [config.absolute_url(u) for u in ch.start_urls]
    return Scope(
        hosts=frozenset(urlsplit(u).netloc for u in starts),
        include=tuple(config.absolute_url(u) for u in ch.include),
        exclude=tuple(config.absolute_url(u) for u in ch.exclude),
    )


def normalise_url(url: str) -> str:
    """Drop the fragment; keep the query (it can select a different offer)."""
    return urldefrag(url)[0]


def context_options(playwright: Any, ch: WebChannel) -> dict[str, Any]:
    """Browser-context options for the channel's device, locale and timezone."""
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
    return opts


async def dismiss_consent(page: Any, selectors: Sequence[str]) -> str | None:
    """Click the first visible consent button; return its selector, or ``None``."""
    for sel in selectors:
        try:
            loc = page.locator(sel).first
            if await loc.count() and await loc.is_visible():
                await loc.click(timeout=2000)
                return sel
        except Exception:  # noqa: BLE001 - a selector that does not apply is simply skipped
            continue
    return None


def _save_crop(shot: Any, box: Box, out_dir: Path, outline: bool = True) -> str | None:
    """Crop ``box`` (with a margin) from the page screenshot, outline it, store by hash."""
    from PIL import ImageDraw

    margin = 12
    left = max(0, int(box.x) - margin)
    top = max(0, int(box.y) - margin)
    right = min(shot.width, int(box.x + box.w) + margin)
    bottom = min(shot.height, int(box.y + box.h) + margin)
    if right - left < 2 or bottom - top < 2:
        return None
    crop = shot.crop((left, top, right, bottom)).convert("RGB")
    if outline:
        draw = ImageDraw.Draw(crop)
        draw.rectangle((int(box.x) - left - 3, int(box.y) - top - 3,
                        int(box.x + box.w) - left + 2, int(box.y + box.h) - top + 2),
                       outline=(230, 0, 90), width=3)
    buf = io.BytesIO()
    crop.save(buf, format="PNG", optimize=True)
    data = buf.getvalue()
    name = hashlib.sha256(data).hexdigest()[:24] + ".png"
    path = out_dir / EVIDENCE_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return f"{EVIDENCE_DIR}/{name}"


def _logo_hash(image: Any) -> str:
    import imagehash

    return str(imagehash.phash(image.convert("RGB")))


# Chromium cannot paint a texture taller than 16384 px; evidence crops never need more.
MAX_SHOT_HEIGHT = 16_000


async def _page_screenshot(page: Any, viewport_width: int, timeout: float) -> Any | None:
    """The page as an image for evidence crops, or ``None`` when it cannot be taken.

    Evidence is secondary to the facts: a page many screens wide (one unbroken megabyte of
    text) or a renderer that times out keeps its observations, just without crops. The shot
    is clipped to the viewport's width and a maximum height so that its cost is bounded.
    """
    from PIL import Image

    try:
        width, height = await page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        clip = {"x": 0, "y": 0, "width": max(1, min(width, viewport_width)),
                "height": max(1, min(height, MAX_SHOT_HEIGHT))}
        png = await page.screenshot(full_page=True, clip=clip, type="png",
                                    timeout=timeout * 1000)
        shot = Image.open(io.BytesIO(png))
        shot.load()
        return shot
    except Exception:  # noqa: BLE001 - no screenshot is no evidence crop, never a failed page
        return None


async def _capture_page(page: Any, url: str, *, channel: str, ch: WebChannel,
                        config: AuditConfig, out_dir: Path, today: date | None,
                        consent: Sequence[str]) -> tuple[list[Observation], list[str]]:
    """Load one page and return its observations and the links it offers."""

    response = await page.goto(url, wait_until="load", timeout=ch.timeout * 1000)
    if response is None:
        raise RuntimeError("no response")
    if response.status >= 400:
        raise RuntimeError(f"HTTP {response.status}")
    ctype = (response.headers or {}).get("content-type", "")
    if ctype and "html" not in ctype:
        raise NotAPage(ctype.split(";")[0])
    if ch.wait == "networkidle":
        try:
            await page.wait_for_load_state("networkidle", timeout=ch.timeout * 1000)
        except Exception:  # noqa: BLE001 - long-polling pages never idle; extract what rendered
            pass
    if await dismiss_consent(page, consent):
        # The banner may animate away; give the page a moment to settle.
        await page.wait_for_timeout(100)
    brand = config.brand
    script_opts = {"logoSelector": brand.logo_selector if brand else None,
                   "selectors": dict(ch.selectors)}
    data = await page.evaluate(PAGE_SCRIPT, script_opts)
    html = await page.content()
    viewport = f"{data['viewport']['w']}x{data['viewport']['h']}"
    page_obs: list[PageObservation] = observations_from_page(
        data, html, channel=channel, viewport=viewport, brand=brand.name if brand else None,
        retired=brand.retired_names if brand else (), today=today, selectors=ch.selectors)
    for sel in data.get("selected") or ():
        if sel.get("error"):  # a broken configured selector is the config's problem: say so
            raise RuntimeError(f"selector for {sel.get('attribute')!r} ({sel.get('rule')!r}) "
                               f"failed: {sel['error']}")

    shot = None
    if ch.screenshots or (brand and data.get("logo")):
        shot = await _page_screenshot(page, data["viewport"]["w"], ch.timeout)
    observations: list[Observation] = []
    for po in page_obs:
        obs = po.observation
        if shot is not None and ch.screenshots and po.box is not None:
            path = _save_crop(shot, po.box, out_dir)
            if path:
                obs = replace(obs, evidence=replace(obs.evidence, screenshot=path))
        observations.append(obs)
    logo = data.get("logo")
    if brand and logo and shot is not None:
        b = logo["box"]
        img = shot.crop((int(b["x"]), int(b["y"]), int(b["x"] + b["w"]), int(b["y"] + b["h"])))
        phash = _logo_hash(img)
        shot_path = _save_crop(shot, Box(b["x"], b["y"], b["w"], b["h"]), out_dir,
                               outline=False) if ch.screenshots else None
        observations.append(Observation(
            id=observation_id(channel, "logo", phash, data["url"], logo["selector"]),
            channel=channel, attribute="logo", value=phash,
            text=f"logo image {logo.get('src') or ''} (alt: {logo.get('alt') or '-'})".strip(),
            evidence=Evidence(url=data["url"], selector=logo["selector"], viewport=viewport,
                              screenshot=shot_path),
            subject=BRAND_SUBJECT, match="brand", shown=Shown(visible=True), source="page"))
    links = [normalise_url(h) for h in data.get("links", ())]
    return observations, links


async def capture_web_channel(browser: Any, playwright: Any, name: str, ch: WebChannel,
                              config: AuditConfig, out_dir: Path,
                              today: date | None = None) -> ChannelResult:
    """Crawl one web channel with its own browser context; never raises for a bad page."""
    scope = channel_scope(config, ch)
    try:
        opts = context_options(playwright, ch)
    except ValueError as e:
        err = CaptureError(name, ch.device, str(e))
        return ChannelResult(name, "web", ch.device, 0, 0, (err,), ())
    context = await browser.new_context(**opts)
    context.set_default_timeout(ch.timeout * 1000)
    consent = tuple(ch.consent_selectors) + DEFAULT_CONSENT_SELECTORS
    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    seen: set[str] = set()
    for u in ch.start_urls:
        url = normalise_url(config.absolute_url(u))
        if url not in seen:
            seen.add(url)
            queue.put_nowait((url, 0))
    visited: list[str] = []
    errors: list[CaptureError] = []
    observations: dict[str, Observation] = {}
    failed = 0
    skipped = 0

    async def worker() -> None:
        nonlocal failed, skipped
        page = await context.new_page()
        try:
            while True:
                url, depth = await queue.get()
                try:
                    try:
                        obs, links = await _capture_page(
                            page, url, channel=name, ch=ch, config=config, out_dir=out_dir,
                            today=today, consent=consent)
                    except NotAPage:
                        skipped += 1
                        continue
                    except Exception as e:  # noqa: BLE001 - every failure is recorded, none lost
                        failed += 1
                        errors.append(CaptureError(name, url, _reason(e)))
                        if page.is_closed():
                            page = await context.new_page()
                        continue
                    visited.append(url)
                    for o in obs:
                        observations.setdefault(o.id, o)
                    if depth < ch.max_depth:
                        for link in links:
                            if link in seen or not scope.allows(link):
                                continue
                            if len(seen) >= ch.max_pages:
                                break
                            seen.add(link)
                            queue.put_nowait((link, depth + 1))
                finally:
                    queue.task_done()
        finally:
            await page.close()

    workers = [asyncio.create_task(worker()) for _ in range(min(ch.concurrency, ch.max_pages))]
    try:
        await queue.join()
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        await context.close()
    return ChannelResult(name=name, kind="web", device=ch.device, pages_ok=len(visited),
                         pages_failed=failed, errors=tuple(errors),
                         observations=tuple(observations.values()), visited=tuple(visited),
                         pages_skipped=skipped, max_failures=ch.max_failures)


def _reason(e: BaseException) -> str:
    """A one-line reason from a Playwright or network error."""
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if "net::ERR_CONNECTION_REFUSED" in msg:
        return "connection refused (is the site up?)"
    if "Timeout" in type(e).__name__ or "Timeout" in msg:
        return f"timed out: {msg}"
    return msg[:300]
