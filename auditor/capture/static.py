"""Capturing a web channel without a browser: httpx and lxml, for server-rendered sites.

A page that needs no JavaScript gives the same facts from its HTML as from the rendered
DOM, at a thirtieth of the cost (bench/README.md: on two cores the browser path reads about
19 pages a second, this path about 500). :func:`capture_static_channel` crawls by the same
rules as :func:`auditor.capture.web.capture_web_channel` (one
:class:`~auditor.capture.crawl.Frontier`: scope, sitemaps, robots.txt, depth, page budget,
retries, failures recorded and never raised) and reads each page with
:func:`auditor.extract.units.page_data`, which returns the page script's dict shape, so
the observations come from the same :func:`auditor.extract.page.observations_from_page`.
What needs layout is unknown: font size, contrast, the fold, evidence crops and the logo's
pixels (no ``logo`` hash). Observations carry the viewport ``"static"`` so a reader knows
no browser rendered them.

``mode: auto`` (:func:`capture_auto_channel`) renders the first ``auto_sample`` pages of
the crawl in the browser, fetches the same pages statically, and crawls the channel
statically only when every sampled page gives the same offer facts both ways; one page
whose price only JavaScript writes sends the whole channel to the browser.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from auditor import interrupt
from auditor.capture.crawl import (
    Frontier,
    HostLimiter,
    NotAPage,
    PageFailed,
    RetryPolicy,
    Robots,
    normalise_url,
    parse_retry_after,
    url_fetcher,
)
from auditor.config import AuditConfig, WebChannel
from auditor.extract.money import locale_currency
from auditor.extract.page import observations_from_page
from auditor.extract.units import page_data
from auditor.model import ChannelResult, Observation

if TYPE_CHECKING:
    from auditor.capture.web import Tick

STATIC_VIEWPORT = "static"
USER_AGENT = "Mozilla/5.0 (compatible; Omniaudit static capture)"


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
                     logo_selector=brand.logo_selector if brand else None,
                     brand=brand.name if brand else None)
    for sel in data["selected"]:
        if sel.get("error"):  # a broken configured selector is the config's problem: say so
            raise RuntimeError(f"selector for {sel.get('attribute')!r} ({sel.get('rule')!r}) "
                               f"failed: {sel['error']}")
    page_obs = observations_from_page(
        data, html, channel=channel, viewport=STATIC_VIEWPORT,
        brand=brand.name if brand else None, retired=brand.retired_names if brand else (),
        today=today, selectors=ch.selectors, currency=locale_currency(ch.locale))
    return [po.observation for po in page_obs], list(data["links"])


#: A page larger than this is not read: the browser path's limit (auditor.capture.web).
MAX_HTML_BYTES = 10_000_000


async def _get_html(client: httpx.AsyncClient, url: str) -> tuple[str, str]:
    """GET ``url``; its final URL and HTML. Reads at most :data:`MAX_HTML_BYTES`."""
    async with client.stream("GET", url) as response:
        if response.status_code >= 400:
            raise PageFailed(f"HTTP {response.status_code}", response.status_code,
                             response.headers.get("retry-after"))
        ctype = response.headers.get("content-type", "")
        if ctype and "html" not in ctype:
            raise NotAPage(ctype.split(";")[0])
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_HTML_BYTES:
                raise PageFailed(f"page is over the {MAX_HTML_BYTES / 1e6:.0f} MB limit")
        return str(response.url), decode_html(bytes(body), response.charset_encoding)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(body: bytes, header_charset: str | None) -> str:
    """Decode as a browser would, in its order: a BOM, the Content-Type charset, a
    ``<meta charset>`` in the first 2 KB, else UTF-8. Undecodable bytes become U+FFFD."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace")
    meta = _META_CHARSET.search(body[:2048])
    for name in (header_charset, meta.group(1).decode("ascii") if meta else None, "utf-8"):
        if not name:
            continue
        try:
            return body.decode(name, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")


async def fetch_page(client: httpx.AsyncClient, url: str, *, channel: str, ch: WebChannel,
                     config: AuditConfig,
                     today: date | None = None) -> tuple[str, list[Observation], list[str]]:
    """GET one page; return its final URL, observations and links. Raises on a bad page."""
    final, html = await _get_html(client, url)
    obs, links = read_html(html, final, channel=channel, ch=ch, config=config, today=today)
    return final, obs, links


async def capture_static_channel(name: str, ch: WebChannel, config: AuditConfig,
                                 out_dir: Path, today: date | None = None,
                                 client: httpx.AsyncClient | None = None, *,
                                 tick: Tick | None = None) -> ChannelResult:
    """Crawl one web channel over plain HTTP; never raises for a bad page.

    The crawl follows the browser path's rules (:class:`~auditor.capture.crawl.Frontier`):
    start URLs and sitemaps, scope, depth and page budget, robots.txt and ``Crawl-delay``,
    per-host concurrency and rate, retries with backoff on network errors, 5xx and 429
    (``Retry-After``), off-scope redirects recorded and not read, non-HTML skipped.
    ``out_dir`` is unused (no screenshots) but kept so both paths take the same arguments.
    """
    from auditor.capture.web import channel_scope

    del out_dir
    fetch = url_fetcher(timeout=min(ch.timeout, 10.0))
    crawl = Frontier(name, channel_scope(config, ch), Robots(fetch, obey=ch.robots == "obey"),
                     ch.max_pages, ch.max_depth)
    limiter = HostLimiter(ch.host_concurrency or ch.concurrency, ch.rate_limit)
    policy = RetryPolicy(retries=ch.retries, backoff=ch.retry_backoff)
    await crawl.seed((config.absolute_url(s) for s in ch.start_urls), sitemaps=ch.sitemaps,
                     fetch=fetch, limiter=limiter)
    own = client is None
    http = client or new_client(ch)

    async def visit(url: str, depth: int) -> None:
        attempt = 0
        while True:
            try:
                async with limiter.slot(url):
                    final, html = await _get_html(http, url)
                final = normalise_url(final) or final
                if final != url and not crawl.scope.allows(final):
                    crawl.off_scope(url, final)
                    return
                obs, links = read_html(html, final, channel=name, ch=ch, config=config,
                                       today=today)
            except NotAPage:
                crawl.skipped += 1
                return
            except (PageFailed, httpx.TransportError) as e:
                # As in the browser path: 5xx, 429 and dropped connections are tried again;
                # a timeout would time out again.
                status = getattr(e, "status", None)
                retryable = (policy.retryable_status(status) if status is not None
                             else isinstance(e, httpx.TransportError)
                             and not isinstance(e, httpx.TimeoutException))
                if retryable and await crawl.back_off(
                        policy, attempt, parse_retry_after(getattr(e, "retry_after", None))):
                    attempt += 1
                    continue
                crawl.fail(url, _reason(e) + (f" (after {attempt} retries)" if attempt else ""))
                return
            except Exception as e:  # noqa: BLE001 - every failure is recorded, none lost
                crawl.fail(url, _reason(e))
                return
            await crawl.captured(url, final, obs, links, depth)
            return

    async def worker() -> None:
        while True:
            url, depth, _ = await crawl.queue.get()
            try:
                await visit(url, depth)
            finally:
                crawl.queue.task_done()
                if tick:
                    tick(name, crawl.stats())

    workers = [asyncio.create_task(worker())
               for _ in range(max(1, min(ch.concurrency, ch.max_pages)))]
    try:
        await crawl.finish(workers, interrupt.requested)
    finally:
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if own:
            await http.aclose()
    return crawl.result(device=ch.device, max_failures=ch.max_failures)


def _reason(e: BaseException) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, httpx.ConnectError):
        return f"connection failed (is the site up?): {msg}"[:300]
    if isinstance(e, httpx.TimeoutException):
        return f"timed out: {msg}"[:300]
    if isinstance(e, httpx.TooManyRedirects):
        return f"redirect loop: {msg}"[:300]
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
                               today: date | None = None, *,
                               tick: Tick | None = None) -> tuple[ChannelResult, AutoDecision]:
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
        result = await capture_static_channel(name, ch, config, out_dir, today, tick=tick)
    else:
        result = await capture_web_channel(browser, playwright, name, ch, config, out_dir,
                                           today, tick=tick)
    return replace(result, notes=(*result.notes, f"mode auto: {decision.describe()}")), decision
