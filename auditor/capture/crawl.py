"""What a crawl may visit and how politely: scope, URL identity, robots.txt, sitemaps, retries.

Nothing here touches a browser. These are the rules a web channel's crawl follows, kept apart
from rendering so that they can be tested on their own, reused by the static fast path, and
so that a distributed worker gets exactly the same decisions as the in-process pipeline:

* :func:`normalise_url` gives every URL one spelling, so the same page is visited once;
* :class:`Scope` says which URLs belong to the channel (hosts, include/exclude patterns);
* :class:`Robots` reads robots.txt with protego (the parser Scrapy uses) and answers
  ``allowed(url)``; the channel's ``robots: ignore`` switches it off for a team's own site;
* :func:`discover_sitemaps` reads the sitemaps robots.txt names (or ``/sitemap.xml``),
  following sitemap indexes and gzip, within fixed bounds;
* :class:`RetryPolicy` decides whether and when to try a page again (network errors, 5xx,
  429 with ``Retry-After``), with exponential backoff and a cap;
* :class:`HostLimiter` keeps per-host concurrency and request rate;
* :class:`Frontier` is one channel's crawl state (queue, seen, visited, failures, notes),
  seeded and grown by the same rules in the browser and the static path.
"""

from __future__ import annotations

import asyncio
import fnmatch
import functools
import gzip
import io
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from auditor.model import CaptureError, ChannelResult, Observation

#: Links to these are not pages: never queued (a response of another type is skipped too).
NOT_PAGES = (".xml", ".xml.gz", ".json", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg",
             ".webp", ".ico", ".css", ".js", ".zip", ".mp4", ".mp3", ".txt")

#: robots.txt and sitemaps are read with this agent name; robots rules for it (or ``*``) apply.
USER_AGENT = "Omniaudit"

_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=65_536)
def normalise_url(url: str, base: str | None = None) -> str | None:
    """One spelling per page: absolute, lower-case scheme and host, no default port, no
    fragment, ``/`` for an empty path. ``None`` for what is not an http(s) URL.

    The query is kept as written (its order can matter to the site, and it can select a
    different offer); ``#fragments`` never select a different document, so they go.
    Memoised: every page repeats the site's navigation and footer links.
    """
    try:
        absolute = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(absolute)
        port = parts.port
    except ValueError:  # "http://[::1" and other unparsable text
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    path = urlsplit(urljoin("http://h", parts.path)).path if "." in parts.path else parts.path
    return urlunsplit((scheme, netloc, path or "/", parts.query, ""))


def _matches(url: str, pattern: str) -> bool:
    """A pattern is a URL prefix, or a glob when it contains ``*`` (``*/tuote/*``)."""
    return fnmatch.fnmatchcase(url, pattern) if "*" in pattern else url.startswith(pattern)


@dataclass(frozen=True)
class Scope:
    """Which URLs a channel may visit: its hosts (or ``include`` patterns) minus ``exclude``."""

    hosts: frozenset[str]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS:
            return False
        if parts.path.lower().endswith(NOT_PAGES):
            return False
        if any(_matches(url, p) for p in self.exclude):
            return False
        if self.include:
            return any(_matches(url, p) for p in self.include)
        return parts.netloc in self.hosts


# --------------------------------------------------------------------------- fetching

#: What robots.txt and sitemap fetches return: status, lower-cased headers, body bytes.
Fetched = tuple[int, dict[str, str], bytes]
Fetcher = Callable[[str], Awaitable[Fetched]]

#: A sitemap may be 50 MB uncompressed (sitemaps.org); nothing we read is larger.
MAX_FETCH_BYTES = 50 * 1024 * 1024


def url_fetcher(timeout: float = 10.0, max_bytes: int = MAX_FETCH_BYTES) -> Fetcher:
    """A small HTTP GET for robots.txt and sitemaps (stdlib, run in a thread).

    These are plain files that need no browser; reading them through urllib keeps them off
    the renderer and needs no extra dependency. Errors come back as status 0.
    """

    def get(url: str) -> Fetched:
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
                body = resp.read(max_bytes + 1)
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, body
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in (e.headers or {}).items()}, b""
        except (OSError, ValueError):
            return 0, {}, b""

    async def fetch(url: str) -> Fetched:
        return await asyncio.to_thread(get, url)

    return fetch


# --------------------------------------------------------------------------- robots.txt


@dataclass
class Robots:
    """robots.txt rules per origin, read once each (protego).

    A missing robots.txt (404) allows everything, as the standard says; one that cannot be
    read at all (5xx, network error) also allows everything but is remembered as a note so
    the run can say so.
    """

    fetch: Fetcher
    obey: bool = True
    agent: str = USER_AGENT
    _parsers: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @staticmethod
    def origin(url: str) -> str:
        p = urlsplit(url)
        return f"{p.scheme}://{p.netloc}"

    async def _parser(self, url: str) -> Any:
        from protego import Protego

        origin = self.origin(url)
        if origin not in self._parsers:
            status, _, body = await self.fetch(origin + "/robots.txt")
            text = body.decode("utf-8", errors="replace") if status == 200 else ""
            if status == 0 or status >= 500:
                self.notes.append(f"{origin}/robots.txt could not be read "
                                  f"({'network error' if status == 0 else f'HTTP {status}'}); "
                                  "crawling as if it allowed everything")
            self._parsers[origin] = Protego.parse(text)
        return self._parsers[origin]

    async def allowed(self, url: str) -> bool:
        if not self.obey:
            return True
        return bool((await self._parser(url)).can_fetch(url, self.agent))

    async def sitemaps(self, url: str) -> list[str]:
        """The sitemaps robots.txt names for the URL's origin (read even when ignored)."""
        return list((await self._parser(url)).sitemaps)

    async def crawl_delay(self, url: str) -> float | None:
        if not self.obey:
            return None
        delay = (await self._parser(url)).crawl_delay(self.agent)
        return float(delay) if delay else None


# --------------------------------------------------------------------------- sitemaps

def parse_sitemap(body: bytes) -> tuple[list[str], list[str]]:
    """``(page URLs, child sitemap URLs)`` of a sitemap or sitemap index, gzipped or not.

    ``<url><loc>`` are pages, ``<sitemap><loc>`` are further sitemaps. Broken XML yields what
    was read before the error rather than nothing.
    """
    if body[:2] == b"\x1f\x8b":
        try:  # read at most the limit: a small .gz can unpack to gigabytes
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
                body = gz.read(MAX_FETCH_BYTES)
        except (OSError, EOFError):
            return [], []
    pages: list[str] = []
    children: list[str] = []
    stack: list[str] = []
    try:
        for event, el in ET.iterparse(io.BytesIO(body), events=("start", "end")):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start":
                stack.append(tag)
                continue
            stack.pop()
            if tag == "loc" and el.text and stack:
                (children if stack[-1] == "sitemap" else pages).append(el.text.strip())
            el.clear()
    except ET.ParseError:
        pass
    return pages, children


async def discover_sitemaps(start_urls: Iterable[str], robots: Robots, fetch: Fetcher, *,
                            max_urls: int, max_sitemaps: int = 20) -> tuple[list[str], list[str]]:
    """Page URLs listed by the sites' sitemaps, and notes on sitemaps that failed.

    Sitemaps come from robots.txt ``Sitemap:`` lines, else ``/sitemap.xml`` at each start
    URL's origin. Indexes are followed breadth-first; at most ``max_sitemaps`` files are read
    and ``max_urls`` URLs kept, so a site of millions of pages costs a bounded amount.
    """
    queue: list[str] = []
    for start in start_urls:
        origin = Robots.origin(start)
        named = await robots.sitemaps(start)
        for sm in named or [origin + "/sitemap.xml"]:
            if sm not in queue:
                queue.append(sm)
    pages: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    read = 0
    while queue and read < max_sitemaps and len(pages) < max_urls:
        sm = queue.pop(0)
        if sm in seen:
            continue
        seen.add(sm)
        read += 1
        status, _, body = await fetch(sm)
        if status != 200:
            if status != 404:  # no /sitemap.xml is normal; a named one failing is worth a note
                notes.append(f"sitemap {sm}: {'network error' if status == 0 else status}")
            continue
        found, children = parse_sitemap(body)
        pages.extend(found[: max_urls - len(pages)])
        queue.extend(c for c in children if c not in seen)
    return pages, notes


# --------------------------------------------------------------------------- retries


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """Whether and when to try a page again.

    Network errors, 5xx and 429 are retried; 4xx other than 429 are the page's answer and
    are not. The delay doubles from ``backoff`` per attempt; a ``Retry-After`` header wins
    when it is longer; nothing waits more than ``max_delay`` (a server asking for an hour is
    recorded as a failure, not obeyed by stalling the run).
    """

    retries: int = 2
    backoff: float = 0.5
    max_delay: float = 30.0

    @staticmethod
    def retryable_status(status: int) -> bool:
        return status == 429 or 500 <= status <= 599

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds before attempt ``attempt + 1`` (attempt counts from 0), or ``None`` to
        stop: out of retries, or the server asked for longer than ``max_delay``."""
        if attempt >= self.retries:
            return None
        wait = self.backoff * (2 ** attempt)
        if retry_after is not None:
            if retry_after > self.max_delay:
                return None
            wait = max(wait, retry_after)
        return min(wait, self.max_delay)


# --------------------------------------------------------------------------- politeness


class HostLimiter:
    """Per-host concurrency and request rate, shared by a channel's workers.

    ``rate`` is requests per second per host (0: unlimited); robots.txt ``Crawl-delay``
    raises the interval for its host when robots are obeyed.
    """

    def __init__(self, concurrency: int, rate: float = 0.0) -> None:
        self.concurrency = concurrency
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def set_interval(self, host: str, seconds: float) -> None:
        self._intervals[host] = max(seconds, self.interval)

    @asynccontextmanager
    async def slot(self, url: str):
        host = urlsplit(url).netloc
        sem = self._sems.setdefault(host, asyncio.Semaphore(self.concurrency))
        async with sem:
            interval = self._intervals.get(host, self.interval)
            if interval:
                async with self._lock:
                    now = time.monotonic()
                    start = max(now, self._next.get(host, now))
                    self._next[host] = start + interval
                if start > now:
                    await asyncio.sleep(start - now)
            yield


# --------------------------------------------------------------------------- page outcomes


class NotAPage(Exception):
    """The URL answered with something other than HTML; skipped and counted, not failed."""


class OffScope(Exception):
    """The URL redirected outside the channel's scope: recorded, not read, not crawled."""


class PageFailed(Exception):
    """The page answered but cannot be used (HTTP error, wait condition never met, too big).

    ``status`` and ``retry_after`` let the crawl retry 5xx and 429 answers.
    """

    def __init__(self, reason: str, status: int | None = None,
                 retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


# --------------------------------------------------------------------------- the frontier


@dataclass
class Frontier:
    """The state of one channel's crawl, shared by the browser and the static path.

    Both paths seed it the same way (start URLs, then what the sitemaps list), ask robots.txt
    before queueing, follow links within depth and scope, and report the same counts, so
    ``mode: auto`` choosing the static path never changes *which* pages are audited. One
    per channel capture: no global state. Queue items are ``(url, depth, crashes)``.
    """

    name: str
    scope: Scope
    robots: Robots
    max_pages: int
    max_depth: int
    queue: asyncio.Queue[tuple[str, int, int]] = field(default_factory=asyncio.Queue)
    seen: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)
    errors: list[CaptureError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    observations: dict[str, Observation] = field(default_factory=dict)
    failed: int = 0
    skipped: int = 0
    retries: int = 0
    disallowed: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)

    async def seed(self, start_urls: Iterable[str], *, sitemaps: bool, fetch: Fetcher,
                   limiter: HostLimiter) -> None:
        """Queue the start URLs, apply robots.txt ``Crawl-delay`` to the limiter, and add
        the pages the sites' sitemaps list (depth 1), within scope and the page budget."""
        self.starts = [u for u in (normalise_url(s) for s in start_urls) if u]
        for origin in {Robots.origin(u) for u in self.starts}:
            delay = await self.robots.crawl_delay(origin + "/")
            if delay:
                limiter.set_interval(urlsplit(origin).netloc, delay)
        for url in self.starts:
            await self.offer(url, 0)
        if sitemaps:
            listed, notes = await discover_sitemaps(self.starts, self.robots, fetch,
                                                    max_urls=self.max_pages * 4)
            self.notes.extend(notes)
            for raw in listed:
                url = normalise_url(raw)
                if url and self.scope.allows(url) and len(self.seen) < self.max_pages:
                    await self.offer(url, 1)

    async def offer(self, url: str, depth: int) -> None:
        """Queue ``url`` unless it was seen, robots.txt disallows it or the budget is spent."""
        if url in self.seen or len(self.seen) >= self.max_pages:
            return
        if not await self.robots.allowed(url):
            if url not in self.disallowed:
                self.disallowed.append(url)
            return
        self.seen.add(url)
        self.queue.put_nowait((url, depth, 0))

    async def captured(self, url: str, final: str, observations: Iterable[Observation],
                       links: Iterable[str], depth: int) -> None:
        """Record a captured page and queue its in-scope links (within ``max_depth``)."""
        self.seen.add(final)  # an in-scope redirect target is not visited a second time
        self.visited.append(url)
        for o in observations:
            self.observations.setdefault(o.id, o)
        if depth >= self.max_depth:
            return
        for href in links:
            link = normalise_url(href)
            if link and link not in self.seen and self.scope.allows(link):
                if len(self.seen) >= self.max_pages:
                    break
                await self.offer(link, depth + 1)

    async def back_off(self, policy: RetryPolicy, attempt: int,
                       retry_after: float | None = None) -> bool:
        """Wait before another try at a page and count it; ``False`` when the policy says
        stop (out of retries, or the server asked for longer than the policy allows)."""
        wait = policy.delay(attempt, retry_after)
        if wait is None:
            return False
        self.retries += 1
        await asyncio.sleep(wait)
        return True

    def fail(self, url: str, reason: str) -> None:
        self.failed += 1
        self.errors.append(CaptureError(self.name, url, reason))

    def skip(self, url: str) -> None:
        """``url`` answered with something other than a page: counted, not failed."""
        del url  # a batch's frontier (auditor.capture.batch) records which one
        self.skipped += 1

    def off_scope(self, url: str, final: str) -> None:
        self.skipped += 1
        self.notes.append(f"{url} redirected off scope to {final}; not followed")

    def drain(self, reason: str) -> None:
        """Record every still-queued URL as failed with ``reason``."""
        while not self.queue.empty():
            url, _, _ = self.queue.get_nowait()
            self.queue.task_done()
            self.fail(url, reason)

    async def finish(self, workers: list[asyncio.Task[None]],
                     stopped: Callable[[], bool] = lambda: False) -> str:
        """Wait until every queued URL is done; ``"done"``. Stop early, recording what is
        left as not visited, when every worker died (``"workers-died"``) or ``stopped()``
        turns true (the run was interrupted: ``"interrupted"``); the pages already read
        are kept either way."""
        joined = asyncio.ensure_future(self.queue.join())
        try:
            while not joined.done():
                await asyncio.wait([joined, *workers], timeout=0.2,
                                   return_when=asyncio.FIRST_COMPLETED)
                if joined.done():
                    break
                if stopped():
                    self.drain("not visited: the run was interrupted")
                    self.notes.append("the run was interrupted: pages not yet visited were "
                                      "left out")
                    return "interrupted"
                if all(w.done() for w in workers):
                    return "workers-died"
            return "done"
        finally:
            joined.cancel()

    def stats(self) -> dict[str, int]:
        return {"done": len(self.visited), "failed": self.failed, "skipped": self.skipped,
                "queued": self.queue.qsize()}

    def result(self, *, device: str, max_failures: int,
               notes: Iterable[str] = ()) -> ChannelResult:
        """The channel's result, with robots.txt notes and a "no page captured" error when
        nothing was captured and nothing failed (everything disallowed or out of scope)."""
        self.notes.extend(self.robots.notes)
        if self.disallowed:
            self.notes.append(f"{len(self.disallowed)} URL(s) disallowed by robots.txt, not "
                              f"visited (e.g. {', '.join(self.disallowed[:3])}); "
                              "set robots: ignore for your own staging site")
        self.notes.extend(notes)
        if not self.visited and not self.errors:
            self.errors.append(CaptureError(self.name, ", ".join(self.starts),
                                            "no page captured: " + ("; ".join(self.notes)
                                                                    or "nothing in scope")))
        return ChannelResult(name=self.name, kind="web", device=device,
                             pages_ok=len(self.visited), pages_failed=self.failed,
                             errors=tuple(self.errors),
                             observations=tuple(self.observations.values()),
                             visited=tuple(self.visited), pages_skipped=self.skipped,
                             max_failures=max_failures, notes=tuple(self.notes),
                             retries=self.retries)
