"""Capturing a web channel without a browser: httpx and lxml, for server-rendered sites.

A page that needs no JavaScript gives the same facts from its HTML as from the rendered
DOM, at a hundredth of the cost (bench/README.md: a browser reads about 9 pages a second on
two cores, this path hundreds). :func:`capture_static_channel` crawls like
:func:`auditor.capture.web.capture_web_channel` (same scope, depth, page budget, failures
recorded and never raised) and reads each page with :func:`auditor.extract.units.page_data`,
which returns the page script's dict shape, so the observations come from the same
:func:`auditor.extract.page.observations_from_page`. What needs layout is unknown: font
size, contrast, the fold, evidence crops and the logo's pixels (no ``logo`` hash).
Observations carry the viewport ``"static"`` so a reader knows no browser rendered them.

``mode: auto`` (:func:`capture_auto_channel`) renders the first ``auto_sample`` pages of
the crawl in the browser, fetches the same pages statically, and crawls the channel
statically only when every sampled page gives the same offer facts both ways; one page
whose price only JavaScript writes sends the whole channel to the browser.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from auditor.config import AuditConfig, WebChannel
from auditor.extract.page import observations_from_page
from auditor.extract.units import page_data
from auditor.model import CaptureError, ChannelResult, Observation

STATIC_VIEWPORT = "static"
USER_AGENT = "Mozilla/5.0 (compatible; Omniaudit static capture)"


class NotAPage(Exception):
    """The URL answered with something other than HTML; skipped and counted, not failed."""


def _headers(ch: WebChannel) -> dict[str, str]:
    lang = ch.locale.split("-")[0]
    return {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": f"{ch.locale},{lang};q=0.9,en;q=0.5"}


def new_client(ch: WebChannel) -> httpx.AsyncClient:
    """One connection pool per channel, as wide as its concurrency."""
    limits = httpx.Limits(max_connections=ch.concurrency,
                          max_keepalive_connections=ch.concurrency)
    return httpx.AsyncClient(headers=_headers(ch), limits=limits, follow_redirects=True,
                             timeout=httpx.Timeout(ch.timeout))


def read_html(html: str, url: str, *, channel: str, ch: WebChannel, config: AuditConfig,
              today: date | None = None) -> tuple[list[Observation], list[str]]:
    """Observations and links of one page's HTML (pure: no network)."""
    brand = config.brand
    data = page_data(html, url, selectors=ch.selectors,
                     logo_selector=brand.logo_selector if brand else None)
    for sel in data["selected"]:
        if sel.get("error"):  # a broken configured selector is the config's problem: say so
            raise RuntimeError(f"selector for {sel.get('attribute')!r} ({sel.get('rule')!r}) "
                               f"failed: {sel['error']}")
    page_obs = observations_from_page(
        data, html, channel=channel, viewport=STATIC_VIEWPORT,
        brand=brand.name if brand else None, retired=brand.retired_names if brand else (),
        today=today, selectors=ch.selectors)
    return [po.observation for po in page_obs], list(data["links"])


async def fetch_page(client: httpx.AsyncClient, url: str, *, channel: str, ch: WebChannel,
                     config: AuditConfig,
                     today: date | None = None) -> tuple[str, list[Observation], list[str]]:
    """GET one page; return its final URL, observations and links. Raises on a bad page."""
    response = await client.get(url)
    if response.status_code >= 400:
        raise RuntimeError(f"HTTP {response.status_code}")
    ctype = response.headers.get("content-type", "")
    if ctype and "html" not in ctype:
        raise NotAPage(ctype.split(";")[0])
    final = str(response.url)
    obs, links = read_html(response.text, final, channel=channel, ch=ch, config=config,
                           today=today)
    return final, obs, links


async def capture_static_channel(name: str, ch: WebChannel, config: AuditConfig,
                                 out_dir: Path, today: date | None = None,
                                 client: httpx.AsyncClient | None = None) -> ChannelResult:
    """Crawl one web channel over plain HTTP; never raises for a bad page.

    ``out_dir`` is unused (no screenshots) but kept so both paths take the same arguments.
    """
    from auditor.capture.web import channel_scope, normalise_url

    del out_dir
    scope = channel_scope(config, ch)
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
    counts = {"failed": 0, "skipped": 0}
    own = client is None
    http = client or new_client(ch)

    async def worker() -> None:
        while True:
            url, depth = await queue.get()
            try:
                try:
                    _, obs, links = await fetch_page(http, url, channel=name, ch=ch,
                                                     config=config, today=today)
                except NotAPage:
                    counts["skipped"] += 1
                    continue
                except Exception as e:  # noqa: BLE001 - every failure is recorded, none lost
                    counts["failed"] += 1
                    errors.append(CaptureError(name, url, _reason(e)))
                    continue
                visited.append(url)
                for o in obs:
                    observations.setdefault(o.id, o)
                if depth < ch.max_depth:
                    for link in map(normalise_url, links):
                        if link in seen or not scope.allows(link):
                            continue
                        if len(seen) >= ch.max_pages:
                            break
                        seen.add(link)
                        queue.put_nowait((link, depth + 1))
            finally:
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(min(ch.concurrency, ch.max_pages))]
    try:
        await queue.join()
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if own:
            await http.aclose()
    return ChannelResult(name=name, kind="web", device=ch.device, pages_ok=len(visited),
                         pages_failed=counts["failed"], errors=tuple(errors),
                         observations=tuple(observations.values()), visited=tuple(visited),
                         pages_skipped=counts["skipped"], max_failures=ch.max_failures)


def _reason(e: BaseException) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, httpx.ConnectError):
        return f"connection failed (is the site up?): {msg}"[:300]
    if isinstance(e, httpx.TimeoutException):
        return f"timed out: {msg}"[:300]
    return msg[:300]


# --- auto mode --------------------------------------------------------------------------

#: Attributes that need pixels or computed styles: the static path cannot read them, so
#: they never count as disagreement.
LAYOUT_ATTRIBUTES = frozenset({"logo", "color_primary", "font_family"})


def fact_key(o: Observation) -> tuple[Any, ...]:
    """What must agree between the two paths: subject hints, attribute, value, unit, and
    whether a customer could see it."""
    return (o.subject_hints, o.attribute, str(o.value), o.currency, o.period,
            o.shown.visible, o.shown.collapsed)


def facts_by_page(observations: Iterable[Observation]) -> dict[str, set[tuple[Any, ...]]]:
    """Comparable facts per page URL, leaving out what needs layout."""
    out: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for o in observations:
        if o.attribute not in LAYOUT_ATTRIBUTES:
            out[o.evidence.url or ""].add(fact_key(o))
    return out


@dataclass(frozen=True)
class AutoDecision:
    """Which path ``mode: auto`` chose for a channel, and the sampled pages behind it."""

    mode: str  # "static" or "browser"
    sampled: tuple[str, ...]
    #: URL → (facts only the browser saw, facts only the static path saw).
    disagreements: Mapping[str, tuple[frozenset, frozenset]] = field(default_factory=dict)

    def describe(self) -> str:
        if self.mode == "static":
            return f"static path: {len(self.sampled)} sampled pages agree with the browser"
        if not self.sampled:
            return "browser: no page could be sampled"
        return (f"browser: {len(self.disagreements)} of {len(self.sampled)} sampled pages "
                f"differ without JavaScript (first: {next(iter(self.disagreements), '-')})")


def decide(browser_obs: Iterable[Observation], static_obs: Iterable[Observation],
           sampled: Iterable[str], unreadable: Iterable[str] = ()) -> AutoDecision:
    """Static only when every sampled page gives the same facts both ways.

    Pages are compared by the URL the observations name (the final URL after redirects,
    in both paths); a sampled page the static path could not read at all counts as a
    disagreement.
    """
    sampled = tuple(sampled)
    rendered = facts_by_page(browser_obs)
    plain = facts_by_page(static_obs)
    differ: dict[str, tuple[frozenset, frozenset]] = {
        url: (frozenset(), frozenset()) for url in unreadable}
    for url in sorted(set(rendered) | set(plain)):
        seen, read = rendered.get(url, set()), plain.get(url, set())
        if seen != read:
            differ[url] = (frozenset(seen - read), frozenset(read - seen))
    mode = "static" if sampled and not differ else "browser"
    return AutoDecision(mode, sampled, differ)


async def sample_static(urls: Iterable[str], *, channel: str, ch: WebChannel,
                        config: AuditConfig,
                        today: date | None = None) -> tuple[list[Observation], list[str]]:
    """The static path's observations of ``urls``, and the URLs it could not read."""
    found: list[Observation] = []
    failed: list[str] = []
    async with new_client(ch) as client:
        for url in urls:
            try:
                _, obs, _ = await fetch_page(client, url, channel=channel, ch=ch,
                                             config=config, today=today)
            except Exception:  # noqa: BLE001 - a page the static path cannot read
                failed.append(url)
                continue
            found.extend(obs)
    return found, failed


async def capture_auto_channel(browser: Any, playwright: Any, name: str, ch: WebChannel,
                               config: AuditConfig, out_dir: Path,
                               today: date | None = None) -> tuple[ChannelResult, AutoDecision]:
    """Sample ``auto_sample`` pages both ways, then crawl the channel the way they allow."""
    from auditor.capture.web import capture_web_channel

    sample_ch = ch.model_copy(update={"max_pages": min(ch.auto_sample, ch.max_pages),
                                      "screenshots": False})
    sample = await capture_web_channel(browser, playwright, name, sample_ch, config, out_dir,
                                       today)
    static, unreadable = await sample_static(sample.visited, channel=name, ch=ch,
                                             config=config, today=today)
    decision = decide(sample.observations, static, sample.visited, unreadable)
    if decision.mode == "static":
        result = await capture_static_channel(name, ch, config, out_dir, today)
    else:
        result = await capture_web_channel(browser, playwright, name, ch, config, out_dir,
                                           today)
    return replace(result, notes=(*result.notes, f"mode auto: {decision.describe()}")), decision
