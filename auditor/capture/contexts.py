"""Browser contexts and pages for one channel's workers.

All workers of a channel share **one** long-lived browser context at a time, each with its
own page. Measured here (docs/capture.md): with one context per worker, Chromium started a
new renderer process for nearly every navigation (37 renderers for 40 pages at concurrency
4), because a page alone in its context cannot hand its same-site renderer to the next
document; with the workers' pages in one context, 40 pages used 3–6 renderers. Process
churn cost the browser path about a fifth of its throughput.

Renderer memory still grows with use (131 MB to 788 MB over 300 pages), so pages and
contexts are recycled: a worker's page is replaced after ``recycle_after`` visits, and once
a context has handed out ``pages_per_context`` pages the next page comes from a fresh one.
An old context is closed when its last page is. A context that cannot be created because the
browser died is retried on a relaunched browser (:class:`~auditor.browser.BrowserHost`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.browser import BrowserHost

__all__ = ["PagePool"]


class PagePool:
    """Pages for a channel's workers, from one shared context that is recycled as a whole.

    ``host`` is the process's :class:`~auditor.browser.BrowserHost`; ``options`` are the
    channel's context options (:func:`auditor.capture.web.context_options`); ``timeout_ms``
    becomes every context's default timeout. The pool never closes the browser.
    """

    def __init__(self, host: BrowserHost, options: dict[str, Any], *, timeout_ms: float,
                 pages_per_context: int, attempts: int = 3) -> None:
        self.host = host
        self.options = options
        self.timeout_ms = timeout_ms
        self.pages_per_context = max(1, pages_per_context)
        self.attempts = attempts
        self.contexts_created = 0
        self._current: Any = None
        self._handed = 0  # pages handed out by the current context
        self._open: dict[Any, int] = {}  # context -> its open pages
        self._lock = asyncio.Lock()
        self._call_s = timeout_ms / 1000 + 5
        #: Keep the workers' pages when they stop (:meth:`checkin`) for the next crawl over
        #: the same pool: a worker's batches then read on the pages of the one before.
        self.keep_pages = False
        self._idle: list[tuple[Any, int]] = []  # (page, visits it has served)

    async def page(self) -> Any:
        """A new page, in the current context or a fresh one when it has served its share.

        Relaunches the browser when it is found dead (at most ``attempts`` times).
        """
        async with self._lock:
            for _ in range(self.attempts):
                if self._current is not None and (
                        self._handed >= self.pages_per_context or not _alive(self._current)):
                    await self._retire()
                browser = self.host.browser
                try:
                    # Bounded: a call in flight when the browser is killed can go unanswered.
                    if self._current is None:
                        context = await asyncio.wait_for(browser.new_context(**self.options),
                                                         self._call_s)
                        context.set_default_timeout(self.timeout_ms)
                        self._current, self._handed = context, 0
                        self._open[context] = 0
                        self.contexts_created += 1
                    page = await asyncio.wait_for(self._current.new_page(), self._call_s)
                except Exception as e:
                    if browser.is_connected() and not isinstance(e, asyncio.TimeoutError):
                        raise
                    await self._retire()
                    await self.host.relaunch(browser)
                    continue
                self._handed += 1
                self._open[self._current] += 1
                return page
            raise RuntimeError("the browser keeps crashing")

    async def checkout(self) -> tuple[Any, int]:
        """A page for a worker and the visits it has already served: a kept page if one
        is still usable (its context retires as in one long crawl, once its pages have
        been recycled), else a new page."""
        while self._idle:
            page, served = self._idle.pop()
            context = _context_of(page)
            if context is not None and _alive(context) and not page.is_closed():
                return page, served
            await self.release(page)
        return await self.page(), 0

    async def checkin(self, page: Any, served: int) -> None:
        """A worker is done with ``page``: keep it (``keep_pages``) or close it."""
        if self.keep_pages:
            self._idle.append((page, served))
        else:
            await self.release(page)

    async def _retire(self) -> None:
        """Hand out no more pages from the current context; close it if nothing uses it."""
        old, self._current = self._current, None
        if old is not None and self._open.get(old, 0) <= 0:
            self._open.pop(old, None)
            await close_quietly(old)

    async def release(self, page: Any, *, background: set[asyncio.Task[None]] | None = None
                      ) -> None:
        """Close ``page``; close its context too when it is retired and now empty.

        With ``background``, the page is closed in a task kept in that set (closing a page
        whose navigation failed can block on the network stack; a worker never waits).
        """
        context = _context_of(page)
        if background is not None:
            task = asyncio.create_task(close_quietly(page))
            background.add(task)  # kept referenced until done, then dropped
            task.add_done_callback(background.discard)
        else:
            await close_quietly(page)
        if context is None or context not in self._open:
            return
        self._open[context] -= 1
        if context is not self._current and self._open[context] <= 0:
            del self._open[context]
            await close_quietly(context)

    async def storage_state(self) -> dict[str, Any] | None:
        """The current context's cookies and local storage (a consent choice, a session),
        for the next batch of the same channel; ``None`` without a live context."""
        if self._current is None or not _alive(self._current):
            return None
        try:
            return await asyncio.wait_for(self._current.storage_state(), self._call_s)
        except Exception:  # noqa: BLE001 - no state to hand on is a fresh start, not an error
            return None

    async def close(self) -> None:
        """Close every context the pool still holds (and so the pages kept in them)."""
        self._idle = []
        contexts, self._open, self._current = list(self._open), {}, None
        for context in contexts:
            await close_quietly(context)


def _context_of(page: Any) -> Any:
    try:
        return page.context
    except Exception:  # noqa: BLE001 - a page of a dead browser has no context to find
        return None


def _alive(context: Any) -> bool:
    try:
        browser = context.browser
        return browser is None or browser.is_connected()
    except Exception:  # noqa: BLE001
        return False


async def close_quietly(thing: Any, wait: float = 5.0) -> None:
    """Close a page or context, giving up after ``wait`` seconds.

    Closing a page whose navigation failed (a reset connection, a stalled server) can wait
    on the network stack indefinitely; a worker never blocks on tidying up.
    """
    try:
        await asyncio.wait_for(thing.close(), wait)
    except Exception:  # noqa: BLE001 - closing what already died (or hangs) is not an error
        pass
