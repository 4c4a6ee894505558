"""The coordinator of a run whose web pages are read elsewhere: it keeps each channel's
crawl frontier and hands the pages out in batches.

The frontier (:class:`~auditor.capture.crawl.Frontier`) is the same one the in-process
crawl uses: seeded from the start URLs and the sitemaps, robots.txt asked before anything
is queued, scope, depth and ``max_pages`` applied, every URL queued once. The coordinator
takes up to ``batch_size`` queued URLs into a :class:`~auditor.capture.units.WebBatch`,
``submit`` runs it somewhere (:mod:`auditor.engine.local` in this process,
:mod:`auditor.engine.celery_engine` on Celery workers) and the :class:`~auditor.capture.
units.BatchResult` comes back: read pages add their links to the frontier, failed pages
are recorded, pending ones (the batch ran out of time) are queued again. A page is counted
once however often its batch ran.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from auditor import interrupt
from auditor.capture.batch import brand_data
from auditor.capture.crawl import Frontier, HostLimiter, Robots, url_fetcher
from auditor.capture.units import BatchResult, ScopeData, WebBatch, batch_id
from auditor.capture.web import Tick, channel_scope
from auditor.config import AuditConfig, WebChannel
from auditor.model import ChannelResult

__all__ = ["Batching", "Submit", "channel_settings", "coordinate_channel",
           "summary"]

Submit = Callable[[WebBatch], Awaitable[BatchResult]]

#: A page whose batch comes back pending this often is failed, not queued for ever.
MAX_PENDING = 3


@dataclass(frozen=True)
class Batching:
    """How pages are handed out: ``batch_size`` URLs a batch, ``in_flight`` batches a
    channel at once, each bounded to ``deadline_s`` seconds."""

    batch_size: int = 8
    in_flight: int = 2
    deadline_s: float = 120.0


def channel_settings(ch: WebChannel, config: AuditConfig) -> dict[str, Any]:
    """The channel's resolved settings for a unit: every key, paths absolute."""
    doc = ch.model_dump(mode="json")
    if ch.storage_state:
        doc["storage_state"] = str(config.resolve(ch.storage_state).resolve())
    doc["start_urls"] = [config.absolute_url(u) for u in ch.start_urls]
    doc["include"] = []  # the scope travels resolved, in the unit's own field
    doc["exclude"] = []
    return doc


async def coordinate_channel(name: str, ch: WebChannel, config: AuditConfig, *, run_id: str,
                             today: date, evidence_root: Path, submit: Submit,
                             batching: Batching = Batching(), tick: Tick | None = None,
                             resumed: tuple[WebBatch, ...] = ()) -> ChannelResult:
    """Crawl one web channel by batches run through ``submit``; never raises for a page.

    ``resumed`` are the batches an earlier coordinator of the same run dispatched (a run
    resumed after its coordinator stopped): they are submitted again first — ``submit``
    reads the ones already finished and waits for the ones still in the broker — and their
    pages are never put in a new batch while they are out.
    """
    scope = channel_scope(config, ch)
    fetch = url_fetcher(timeout=min(ch.timeout, 10.0))
    crawl = Frontier(name, scope, Robots(fetch, obey=ch.robots == "obey"), ch.max_pages,
                     ch.max_depth)
    await crawl.seed((config.absolute_url(s) for s in ch.start_urls), sitemaps=ch.sitemaps,
                     fetch=fetch, limiter=HostLimiter(ch.concurrency, ch.rate_limit))
    base = {"run_id": run_id, "channel": name, "settings": channel_settings(ch, config),
            "scope": ScopeData(tuple(sorted(scope.hosts)), scope.include, scope.exclude),
            "today": today.isoformat(), "evidence_root": str(evidence_root),
            "brand": brand_data(config), "deadline_s": batching.deadline_s}
    done: set[str] = set()
    pending: dict[str, int] = {}
    inflight: dict[asyncio.Task[BatchResult], WebBatch] = {}
    relaunches = 0
    notes: list[str] = []
    session: dict[str, Any] | None = None  # the channel's cookies, from batch to batch
    warmed = False

    claimed: dict[str, int] = {}  # URL → how many batches out hold it

    def claim(unit: WebBatch, by: int) -> None:
        for url, _ in unit.pages:
            claimed[url] = claimed.get(url, 0) + by
            if claimed[url] <= 0:
                del claimed[url]

    def next_batch() -> WebBatch | None:
        items = []
        while len(items) < batching.batch_size and not crawl.queue.empty():
            item = crawl.queue.get_nowait()
            crawl.queue.task_done()
            # A page a resumed batch holds, or one it already read, is not sent twice.
            if item[0] not in done and item[0] not in claimed:
                items.append(item)
        if not items:
            return None
        urls = tuple(u for u, _, _ in items)
        tries = tuple(str(p) for _, _, p in items)  # a re-queued page makes a new batch
        return WebBatch(batch_id=batch_id(name, urls + tries), pages=tuple(
            (u, d) for u, d, _ in items), session=session, **base)

    for unit in resumed:
        claim(unit, 1)
        inflight[asyncio.ensure_future(submit(unit))] = unit
    try:
        while True:
            # The first batch goes alone: the session it opens (a cookie wall accepted)
            # then holds for every later batch, as it does in one long crawl.
            room = batching.in_flight if warmed else 1
            while (len(inflight) < room and not crawl.queue.empty()
                   and not interrupt.requested()):
                unit = next_batch()
                if unit is not None:
                    claim(unit, 1)
                    inflight[asyncio.ensure_future(submit(unit))] = unit
            if not inflight:
                break
            finished, _ = await asyncio.wait(inflight, timeout=0.5,
                                             return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                unit = inflight.pop(task)
                claim(unit, -1)
                try:
                    result = task.result()
                except Exception as e:  # noqa: BLE001 - a lost batch fails its pages, named
                    reason = f"not read: the batch failed ({str(e).splitlines()[0][:200]})"
                    for url, _ in unit.pages:
                        if url not in done:
                            done.add(url)
                            crawl.fail(url, reason)
                    continue
                relaunches += result.relaunches
                warmed = True
                session = result.session if result.session is not None else session
                notes.extend(n for n in result.notes if n not in notes)
                await _merge(crawl, unit, result, done, pending)
                if tick:
                    tick(name, crawl.stats())
            if interrupt.requested() and not inflight:
                crawl.drain("not visited: the run was interrupted")
                crawl.notes.append("the run was interrupted: pages not yet visited were "
                                   "left out")
                break
    finally:
        for task in inflight:
            task.cancel()
    if relaunches:
        notes.append(f"the browser was relaunched {relaunches} time(s) after it closed; "
                     "in-flight pages were visited again")
    return crawl.result(device=ch.device, max_failures=ch.max_failures, notes=notes)


async def _merge(crawl: Frontier, unit: WebBatch, result: BatchResult, done: set[str],
                 pending: dict[str, int]) -> None:
    """Fold one batch's result into the frontier: each page once, links de-duplicated;
    ``pending`` counts how often each URL came back unread (its batch ran out of time)."""
    for o in result.observations:
        crawl.observations.setdefault(o.id, o)
    crawl.retries += result.retries
    outcomes = {p.url: p for p in result.pages}
    for url, depth in unit.pages:
        if url in done:
            continue
        page = outcomes.get(url)
        if page is None or page.status == "pending":
            pending[url] = pending.get(url, 0) + 1
            if pending[url] >= MAX_PENDING:
                done.add(url)
                crawl.fail(url, "not read: its batch ran out of time repeatedly")
            else:
                crawl.queue.put_nowait((url, depth, pending[url]))
            continue
        done.add(url)
        if page.status == "ok":
            await crawl.captured(url, page.final or url, (), page.links, depth)
        elif page.status == "failed":
            crawl.fail(url, page.reason or "failed")
        elif page.status == "skipped":
            crawl.skip(url)
        else:
            crawl.off_scope(url, page.final or "")


def summary(result: ChannelResult) -> str:
    """The progress line a channel ends with, as the in-process crawl writes it."""
    return (f"{result.name}: {result.pages_ok} pages read, {result.pages_failed} failed, "
            f"{len(result.observations)} observations")
