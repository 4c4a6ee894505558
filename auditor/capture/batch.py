"""Running capture units (:mod:`auditor.capture.units`) where they land: a batch of a web
channel's URLs in a worker's long-lived browser, or one transcript file.

A batch is read with the same code as a whole channel (:func:`auditor.capture.web.
crawl_pages`): the same workers, waits, consent handling, retries, crash relaunches and
extraction. Only its frontier differs: :class:`BatchFrontier` records each page's outcome
and the links it found instead of queueing them, because the coordinator keeps the crawl's
frontier (scope, robots.txt, depth, page budget, de-duplication) for the whole run.

A batch is bounded in time (``deadline_s``): the pages it has not reached by then come back
``pending`` and the coordinator queues them again, so no task outlives the broker's
visibility timeout. Nothing here keeps state between units: a retried unit gives the same
result.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from auditor import interrupt
from auditor.browser import BrowserHost
from auditor.capture.contexts import PagePool
from auditor.capture.crawl import Frontier, HostLimiter, Robots, Scope, url_fetcher

# The transcript-file units live with the rest of transcript capture; they are named here
# too because an engine runs both kinds of unit.
from auditor.capture.transcripts import (
    brand_data,
    read_transcript_file,
    transcript_units,
    transcripts_result,
)
from auditor.capture.units import BatchResult, PageOutcome, WebBatch
from auditor.capture.web import context_options, crawl_pages
from auditor.config import AuditConfig, WebChannel

__all__ = ["BatchFrontier", "ChannelContexts", "brand_data", "read_transcript_file",
           "run_web_batch", "transcript_units", "transcripts_result", "unit_config"]


def unit_config(unit: WebBatch) -> tuple[AuditConfig, WebChannel]:
    """The smallest config that reads the batch's pages exactly as the whole run would:
    its channel's resolved settings and the brand (capture reads nothing else of it)."""
    doc: dict[str, Any] = {"name": unit.run_id, "channels": {unit.channel: dict(unit.settings)}}
    if unit.brand:
        doc["brand"] = {"name": unit.brand.name, "retired_names": list(unit.brand.retired_names),
                        "logo_selector": unit.brand.logo_selector}
    config = AuditConfig.model_validate(doc)
    channel = config.channels[unit.channel]
    assert isinstance(channel, WebChannel), "a web batch names a web channel"
    return config, channel


@dataclass
class BatchFrontier(Frontier):
    """A frontier that follows no link: it records what became of each page of one batch.

    ``stopped`` is set when the batch's time bound (or an interruption) ended it; the URLs
    still queued then are left pending rather than failed.
    """

    outcomes: dict[str, PageOutcome] = field(default_factory=dict)
    depths: dict[str, int] = field(default_factory=dict)
    stopped: bool = False

    async def captured(self, url: str, final: str, observations: Any, links: Any,
                       depth: int) -> None:
        self.visited.append(url)
        for o in observations:
            self.observations.setdefault(o.id, o)
        self.outcomes[url] = PageOutcome(url, depth, "ok", final=final,
                                         links=tuple(dict.fromkeys(str(h) for h in links)))

    def fail(self, url: str, reason: str) -> None:
        super().fail(url, reason)
        self.outcomes[url] = PageOutcome(url, self._depth(url), "failed", reason=reason)

    def skip(self, url: str) -> None:
        super().skip(url)
        self.outcomes[url] = PageOutcome(url, self._depth(url), "skipped")

    def off_scope(self, url: str, final: str) -> None:
        super().off_scope(url, final)
        self.outcomes[url] = PageOutcome(url, self._depth(url), "off-scope", final=final)

    def drain(self, reason: str) -> None:
        if not self.stopped:  # the browser could not be relaunched: the pages failed
            super().drain(reason)
            return
        while not self.queue.empty():  # out of time: the coordinator queues them again
            self.queue.get_nowait()
            self.queue.task_done()

    def _depth(self, url: str) -> int:
        return self.depths.get(url, 0)


def _pool(host: BrowserHost, ch: WebChannel, opts: dict[str, Any]) -> PagePool:
    return PagePool(host, opts, timeout_ms=ch.timeout * 1000,
                    pages_per_context=max(1, min(ch.concurrency, ch.max_pages)))


class ChannelContexts:
    """A worker's pages and contexts, one pool per (run, channel), kept from batch to batch.

    A batch's workers read on the pages the channel's previous batch on this worker left,
    which are recycled after ``recycle_after`` visits and their context retired as in one
    long crawl: a fresh context and pages per batch would start new renderer processes for
    every batch, which costs the browser path about a fifth of its speed
    (auditor.capture.contexts). The cookies they hold are the channel's own. At most
    ``keep`` channels are held; the oldest is closed when another arrives. Use from the
    browser's event loop only.
    """

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self.pools: dict[tuple[str, str], PagePool] = {}

    async def get(self, unit: WebBatch, host: BrowserHost, ch: WebChannel,
                  opts: dict[str, Any]) -> PagePool:
        key = (unit.run_id, unit.channel)
        pool = self.pools.pop(key, None)
        if pool is None:
            pool = _pool(host, ch, opts)
            pool.keep_pages = True  # the next batch reads on these pages
        elif "storage_state" in opts:  # a context opened later starts with today's cookies
            pool.options = {**pool.options, "storage_state": opts["storage_state"]}
        self.pools[key] = pool  # most recently used last
        while len(self.pools) > self.keep:
            oldest = next(iter(self.pools))
            await self.pools.pop(oldest).close()
        return pool

    async def close(self) -> None:
        pools, self.pools = list(self.pools.values()), {}
        for pool in pools:
            await pool.close()


async def run_web_batch(host: BrowserHost, playwright: Any, unit: WebBatch, *,
                        worker: str = "in-process",
                        contexts: ChannelContexts | None = None) -> BatchResult:
    """Read the batch's pages in ``host``'s browser (relaunched first if it died since the
    last unit); every page of the batch comes back with an outcome. With ``contexts`` (a
    worker's), the channel's context is kept for its next batches."""
    config, ch = unit_config(unit)
    relaunched = host.relaunches
    await host.start()
    if host.browser is not None and not host.browser.is_connected():
        await host.relaunch(host.browser)  # the worker lost its browser between units
    crawl = BatchFrontier(unit.channel, Scope(frozenset(unit.scope.hosts), unit.scope.include,
                                              unit.scope.exclude),
                          Robots(url_fetcher(), obey=False), len(unit.pages), ch.max_depth)
    for url, depth in unit.pages:
        crawl.depths[url] = depth
        crawl.seen.add(url)
        crawl.queue.put_nowait((url, depth, 0))
    session = None
    try:
        opts = context_options(playwright, ch, config)
    except ValueError as e:
        for url, _ in unit.pages:
            crawl.fail(url, str(e))
    else:
        if unit.session is not None:
            opts["storage_state"] = dict(unit.session)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + unit.deadline_s

        def stopped() -> bool:
            crawl.stopped = crawl.stopped or interrupt.requested() or loop.time() > deadline
            return crawl.stopped

        limiter = HostLimiter(ch.host_concurrency or ch.concurrency, ch.rate_limit)
        pool = await contexts.get(unit, host, ch, opts) if contexts else _pool(host, ch, opts)
        try:
            await crawl_pages(host, crawl, ch, opts, config=config, today=unit.today_date,
                              limiter=limiter, stopped=stopped, pool=pool)
            session = await pool.storage_state()
        finally:
            if not contexts:
                await pool.close()
    pages = tuple(crawl.outcomes.get(url) or PageOutcome(url, depth, "pending")
                  for url, depth in unit.pages)
    notes = [n for n in crawl.notes if not n.startswith("the run was interrupted")]
    return BatchResult(run_id=unit.run_id, channel=unit.channel, batch_id=unit.batch_id,
                       pages=pages, observations=tuple(crawl.observations.values()),
                       notes=tuple(notes), retries=crawl.retries,
                       relaunches=host.relaunches - relaunched, worker=worker,
                       session=session)
