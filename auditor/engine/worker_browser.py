"""The one long-lived Chromium of a worker process, on an event loop of its own.

A Celery worker runs tasks synchronously in its pool process; Playwright's sync API does
not work there and ``asyncio.run`` per task would tie the browser to a loop that closes
(docs/scale-out.md). So after the fork (Celery's ``worker_process_init``) the process
starts a thread that runs one asyncio loop for its whole life, starts Playwright and one
:class:`~auditor.browser.BrowserHost` on it, and every task hands its coroutine to that
loop. A Chromium that dies is relaunched by the host (in the middle of a batch, or before
the next one); a Playwright driver that dies is replaced whole by :meth:`restart`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from auditor.browser import BASE_ARGS, NO_IMAGES_ARG, BrowserHost, resolve_browser
from auditor.capture.batch import ChannelContexts

__all__ = ["WorkerBrowser"]

T = TypeVar("T")

#: Seconds to wait for Playwright and Chromium to start or stop.
START_WAIT_S = 60.0


class WorkerBrowser:
    """Playwright, one Chromium (images off: the first pass takes no screenshots) and the
    loop they live on, for one worker process."""

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="omniaudit-browser",
                                       daemon=True)
        self.playwright: Any = None
        self.host: BrowserHost | None = None
        #: The channels' contexts, kept from batch to batch (auditor.capture.batch).
        self.contexts = ChannelContexts()
        self._manager: Any = None
        # Task threads (--batches-per-browser) may ask for a restart at the same time.
        self._restarting = threading.Lock()
        self.thread.start()
        self._call(self._start(), START_WAIT_S)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _call(self, coro: Awaitable[T], timeout: float | None) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return future.result(timeout)

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        choice = resolve_browser(self.executable)
        self._manager = async_playwright()
        self.playwright = await self._manager.__aenter__()
        self.host = BrowserHost(self.playwright, choice.path, [*BASE_ARGS, NO_IMAGES_ARG])
        await self.host.start()

    async def _stop(self) -> None:
        await self.contexts.close()
        if self.host is not None:
            await self.host.close()
        if self._manager is not None:
            try:
                await self._manager.__aexit__(None, None, None)
            except Exception:  # noqa: BLE001 - a driver that died has nothing left to stop
                pass
        self.host = self.playwright = self._manager = None

    def run(self, work: Callable[[BrowserHost, Any], Awaitable[T]], timeout: float) -> T:
        """Run ``work(host, playwright)`` on the browser's loop and wait for its result."""
        if self.host is None:
            self._call(self._start(), START_WAIT_S)
        assert self.host is not None
        return self._call(work(self.host, self.playwright), timeout)

    def browser_pid(self) -> int | None:
        """The Chromium process id (tests kill it to prove a worker recovers)."""
        from auditor.browser import browser_pid

        host = self.host
        if host is None or host.browser is None:
            return None
        return self._call(browser_pid(host.browser), 10)

    def restart(self) -> None:
        """Replace Playwright and Chromium (the driver itself died)."""
        with self._restarting:
            try:
                self._call(self._stop(), START_WAIT_S)
            except Exception:  # noqa: BLE001 - whatever is left is replaced below
                self.host = self.playwright = self._manager = None
            self._call(self._start(), START_WAIT_S)

    def close(self) -> None:
        try:
            self._call(self._stop(), START_WAIT_S)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
