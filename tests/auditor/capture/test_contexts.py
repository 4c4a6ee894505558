"""The channel's page pool: one shared context, recycled, in the real Chromium."""

from __future__ import annotations

import asyncio

import pytest

from auditor.browser import BrowserHost, launch_args
from auditor.capture.contexts import PagePool

pytestmark = pytest.mark.browser

HTML = "text/html; charset=utf-8"


async def _renderers(browser) -> set[int]:
    session = await browser.new_browser_cdp_session()
    try:
        info = await session.send("SystemInfo.getProcessInfo")
    finally:
        await session.detach()
    return {p["id"] for p in info["processInfo"] if p["type"] == "renderer"}


def test_pages_share_a_context_until_it_has_served_its_share(chromium):
    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            host = BrowserHost(p, chromium.path, launch_args())
            await host.start()
            pool = PagePool(host, {}, timeout_ms=5000, pages_per_context=2)
            a, b = await pool.page(), await pool.page()
            c = await pool.page()  # the first context has handed out its two pages
            first, second = a.context, c.context
            shared, fresh = a.context is b.context, first is not second
            await pool.release(a)
            open_after_one = len(host.browser.contexts)
            await pool.release(b)  # the retired context's last page: it closes too
            open_after_both = len(host.browser.contexts)
            await pool.release(c)
            await pool.close()
            left = len(host.browser.contexts)
            await host.close()
            return shared, fresh, open_after_one, open_after_both, pool.contexts_created, left

    assert asyncio.run(go()) == (True, True, 2, 1, 2, 0)


def test_shared_context_does_not_start_a_renderer_per_navigation(serve_pages, chromium):
    """Why the pool exists: four workers, each with a context of its own, made Chromium start
    a renderer for nearly every navigation; sharing one context reuses a few."""
    site = serve_pages({f"/p{i}": (200, HTML, f"<h1>P{i}</h1><p>{i},00 €</p>")
                        for i in range(24)})

    async def crawl(browser, pages) -> int:
        urls = [f"{site.url}/p{i}" for i in range(24)]
        seen: set[int] = set()

        async def worker(page) -> None:
            while urls:
                await page.goto(urls.pop(), wait_until="load")
                seen.update(await _renderers(browser))

        await asyncio.gather(*(worker(pg) for pg in pages))
        return len(seen)

    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            host = BrowserHost(p, chromium.path, launch_args([site.url]))
            browser = await host.start()
            pool = PagePool(host, {}, timeout_ms=10_000, pages_per_context=4)
            pooled = await crawl(browser, [await pool.page() for _ in range(4)])
            await pool.close()
            own = [await (await browser.new_context()).new_page() for _ in range(4)]
            separate = await crawl(browser, own)
            await host.close()
            return pooled, separate

    pooled, separate = asyncio.run(go())
    assert pooled <= 8, (pooled, separate)
    assert separate > pooled, (pooled, separate)
