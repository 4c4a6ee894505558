"""Web capture against loopback servers that misbehave on purpose.

Every case is bounded: 1–2 s page timeouts, millisecond backoffs, a handful of pages. Each
asserts the reason recorded for the bad URL and that the good pages' observations survive.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from decimal import Decimal

import pytest

from auditor.browser import BrowserHost, browser_pid, launch_args
from auditor.capture.web import capture_web_channel
from auditor.config import parse_config

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

GOOD = "<!doctype html><html><body><h1>Kuitu 100M</h1><p>34,90 €/kk</p>{links}</body></html>"


def _links(*paths: str) -> str:
    return "".join(f'<a href="{p}">{p}</a>' for p in paths)


def _capture(url: str, chromium_path: str, *, during=None, **channel):
    extra = "".join(f"\n    {k}: {v}" for k, v in channel.items())
    cfg = parse_config(f"name: t\nbase_url: {url}\nchannels:\n  web:\n    kind: web\n"
                       f"    start_urls: ['/']\n    timeout: 2\n    wait: load\n"
                       f"    sitemaps: false\n    retry_backoff: 0.01{extra}\n")

    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            host = BrowserHost(p, chromium_path, launch_args([url], images=False))
            await host.start()
            try:
                task = asyncio.create_task(capture_web_channel(
                    host, p, "web", cfg.channels["web"], cfg, None))
                if during:
                    await during(host)
                return await task, host.relaunches
            finally:
                await host.close()

    return asyncio.run(go())


def _errors(result, base: str) -> dict[str, str]:
    return {e.target.removeprefix(base): e.reason for e in result.errors}


def test_5xx_and_429_storms_are_retried_then_recorded(serve_app, chromium):
    counts: dict[str, int] = {}

    def app(h, site):
        n = counts[h.path] = counts.get(h.path, 0) + 1
        if h.path == "/":
            h.reply(GOOD.format(links=_links("/flaky", "/busy", "/down")).encode())
        elif h.path == "/flaky" and n <= 2:  # two 503s, then the page
            h.reply(b"busy", 503)
        elif h.path == "/busy" and n == 1:  # 429 that asks for a short wait
            h.reply(b"slow down", 429, headers={"Retry-After": "0"})
        elif h.path == "/down":  # 500 forever
            h.reply(b"oops", 500)
        else:
            h.reply(b"<h1>Puhe 10 Gt</h1><p>12,90 \xe2\x82\xac/kk</p>")

    site = serve_app(app)
    result, _ = _capture(site.url, chromium.path, retries=2, max_failures=1)
    assert sorted(u.removeprefix(site.url) for u in result.visited) == ["/", "/busy", "/flaky"]
    assert _errors(result, site.url) == {"/down": "HTTP 500 (after 2 retries)"}
    assert counts["/flaky"] == 3 and counts["/busy"] == 2 and counts["/down"] == 3
    assert result.retries == 2 + 1 + 2
    assert result.complete  # one failure, tolerated by max_failures: 1


def test_resets_timeouts_redirect_loops_and_off_scope_redirects(serve_app, chromium):
    def app(h, site):
        if h.path == "/":
            h.reply(GOOD.format(links=_links("/reset", "/stall", "/loop", "/away")).encode())
        elif h.path == "/reset":  # close the connection without an answer
            h.close_connection = True
            h.connection.shutdown(2)
        elif h.path == "/stall":  # never answers within the page timeout
            time.sleep(4)
        elif h.path == "/loop":
            h.send_response(302)
            h.send_header("Location", "/loop")
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif h.path == "/away":  # another host (localhost is not 127.0.0.1 for the scope)
            h.send_response(302)
            h.send_header("Location", site.url.replace("127.0.0.1", "localhost") + "/x")
            h.send_header("Content-Length", "0")
            h.end_headers()
        else:
            h.reply(b"<p>elsewhere 1,00 \xe2\x82\xac</p>")

    site = serve_app(app)
    result, _ = _capture(site.url, chromium.path, retries=1, max_failures=5)
    errors = _errors(result, site.url)
    assert set(errors) == {"/reset", "/stall", "/loop"}
    assert "ERR_EMPTY_RESPONSE" in errors["/reset"] and "after 1 retries" in errors["/reset"]
    assert site.hits.count("/reset") >= 2  # our retry (Chromium may add its own on reuse)
    assert errors["/stall"].startswith("timed out")
    assert errors["/loop"].startswith("redirect loop")
    assert [n for n in result.notes if "off scope" in n] == [
        f"{site.url}/away redirected off scope to "
        f"{site.url.replace('127.0.0.1', 'localhost')}/x; not followed"]
    assert result.pages_skipped == 1
    assert {o.value for o in result.observations} == {Decimal("34.90")}  # nothing from /x


def test_huge_page_endless_scroll_non_utf8_and_never_loading(serve_app, chromium):
    endless = ("<h1>Syöte</h1><p>Kuitu 100M 34,90 €/kk</p><div id=f style='height:3000px'></div>"
               "<script>addEventListener('scroll', () => { const d = document.createElement('div');"
               "d.style.height = '3000px'; d.textContent = 'lisää'; document.body.append(d); });"
               "</script>")

    def app(h, site):
        if h.path == "/":
            h.reply(GOOD.format(links=_links("/huge", "/endless", "/latin", "/hang")).encode())
        elif h.path == "/huge":  # 50 MB, streamed without a length
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"<p>" + b"x" * 1_048_000 + b"</p>\n"
            for _ in range(50):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.write(b"0\r\n\r\n")
        elif h.path == "/endless":
            h.reply(endless.encode())
        elif h.path == "/latin":  # windows-1252: € is 0x80, ä is 0xe4
            h.reply("<h1>Puhe 10 Gt</h1><p>Hinta 12,90 €/kk, määräaika</p>".encode("cp1252"),
                  ctype="text/html; charset=windows-1252")
        elif h.path == "/hang":  # the document arrives; an iframe in it never does
            h.reply(b"<h1>Mobiili 5G</h1><p>19,90 \xe2\x82\xac/kk</p><iframe src='/never'></iframe>")
        elif h.path == "/never":
            time.sleep(5)

    site = serve_app(app)
    result, _ = _capture(site.url, chromium.path, retries=0, max_failures=1, scroll=5)
    errors = _errors(result, site.url)
    assert list(errors) == ["/huge"]
    assert "limit" in errors["/huge"] or errors["/huge"].startswith("timed out")
    assert sorted(u.removeprefix(site.url) for u in result.visited) == [
        "/", "/endless", "/hang", "/latin"]
    by_url = {}
    for o in result.observations:
        by_url.setdefault(o.evidence.url.removeprefix(site.url), set()).add(o.value)
    assert Decimal("12.90") in by_url["/latin"]  # decoded as windows-1252, € intact
    assert Decimal("19.90") in by_url["/hang"]  # read although "load" never fired
    assert Decimal("34.90") in by_url["/endless"]  # the endless feed stopped at the bound


def test_browser_crash_mid_run_relaunches_and_loses_no_page(serve_app, chromium):
    paths = [f"/p{i}" for i in range(12)]

    def app(h, site):
        if h.path == "/":
            h.reply(GOOD.format(links=_links(*paths)).encode())
        elif h.path.startswith("/p"):
            time.sleep(0.3)  # slow enough that pages are in flight when the browser dies
            n = h.path[2:]
            h.reply(f"<h1>Tuote {n}</h1><p>{n},50 €/kk</p>".encode())

    site = serve_app(app)

    async def crash(host):
        while len(site.hits) < 4:  # the crawl is under way
            await asyncio.sleep(0.05)
        os.kill(await browser_pid(host.browser), signal.SIGKILL)

    result, relaunches = _capture(site.url, chromium.path, during=crash, concurrency=3)
    assert relaunches == 1
    assert result.errors == () and result.pages_failed == 0
    assert sorted(u.removeprefix(site.url) for u in result.visited) == sorted(["/", *paths])
    prices = {o.value for o in result.observations if o.attribute == "monthly_price"}
    assert prices >= {Decimal(f"{i}.50") for i in range(12)}
    assert any("relaunched 1 time" in n for n in result.notes)
