"""Capture behind a login: a real storage-state file, made the way a user makes one (log in
through the site's own form in Chromium, save the context's state), loaded into every
context of the channel, including the fresh ones recycling brings."""

from __future__ import annotations

import asyncio
import tempfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from auditor.browser import launch_args
from auditor.capture.web import capture_web_channel
from auditor.config import parse_config

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

LOGIN = """<!doctype html><html><body><h1>Kirjaudu sisään</h1>
<form method="post" action="/login"><input name="user" value="testi"><input name="pw" value="x">
<button id="go">Kirjaudu</button></form></body></html>"""

# The member price comes from the server (cookie) and the plan name from localStorage (JS).
MEMBER = """<!doctype html><html><body><h1 id="plan">?</h1><p>Jäsenhinta {price} €/kk</p>
{links}<script>document.getElementById('plan').textContent =
localStorage.getItem('plan') || 'ei tallennettua liittymää';</script></body></html>"""


def _site(serve_app):
    def app(h, site):
        cookie = h.headers.get("Cookie") or ""
        logged_in = "session=s3cret" in cookie
        if h.command == "POST" and h.path == "/login":
            length = int(h.headers.get("Content-Length") or 0)
            form = parse_qs(h.rfile.read(length).decode())
            headers = {"Location": "/tili/0"}
            if form.get("user") == ["testi"]:
                headers["Set-Cookie"] = "session=s3cret; Path=/; HttpOnly"
            h.reply(b"", 303, headers=headers)
            return
        if h.path == "/login":
            body = LOGIN
        elif h.path.startswith("/tili/") and logged_in:
            i = int(h.path.rsplit("/", 1)[1])
            links = "".join(f'<a href="/tili/{j}">{j}</a>' for j in range(6) if j != i)
            body = MEMBER.format(price=f"{10 + i},90", links=links)
        elif h.path.startswith("/tili/"):
            h.reply(b"", 302, headers={"Location": "/login"})
            return
        else:
            body = "<h1>404</h1>"
        h.reply(body.encode())

    return serve_app(app)


async def _save_login_state(chromium_path: str, url: str, path: Path) -> None:
    """What `playwright codegen --save-storage` does: log in by hand, save the state."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path, args=launch_args([url]))
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(url + "/login")
        await page.click("#go")
        await page.wait_for_url("**/tili/0")
        await page.evaluate("() => localStorage.setItem('plan', 'Kuitu 500M')")
        await context.storage_state(path=str(path))
        await browser.close()


def _capture(url: str, chromium_path: str, root: Path, **channel):
    extra = "".join(f"\n    {k}: {v}" for k, v in channel.items())
    cfg = parse_config(f"name: t\nbase_url: {url}\nchannels:\n  web:\n    kind: web\n"
                       f"    start_urls: ['/tili/0']\n    timeout: 5\n    sitemaps: false\n"
                       f"    robots: ignore{extra}\n", root=root)

    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium_path,
                                              args=launch_args([url], images=False))
            try:
                return await capture_web_channel(browser, p, "web", cfg.channels["web"], cfg,
                                                 None)
            finally:
                await browser.close()

    return asyncio.run(go())


def test_storage_state_gets_every_context_behind_the_login(serve_app, chromium):
    site = _site(serve_app)
    root = Path(tempfile.mkdtemp())
    asyncio.run(_save_login_state(chromium.path, site.url, root / "state.json"))

    # Two workers, a fresh page after every visit and so a fresh context every two pages:
    # each new context must come up logged in.
    result = _capture(site.url, chromium.path, root, storage_state="state.json",
                      concurrency=2, recycle_after=1)
    assert result.pages_ok == 6 and not result.errors
    prices = {o.evidence.url.removeprefix(site.url): o.value for o in result.observations
              if o.attribute == "monthly_price"}
    assert prices == {f"/tili/{i}": Decimal(f"{10 + i}.90") for i in range(6)}
    plans = {o.subject_hints[0] for o in result.observations if o.attribute == "monthly_price"}
    assert plans == {"Kuitu 500M"}  # localStorage came back too


def test_without_the_state_the_crawl_sees_the_login_page(serve_app, chromium):
    site = _site(serve_app)
    result = _capture(site.url, chromium.path, Path(tempfile.mkdtemp()))
    assert result.visited == (site.url + "/tili/0",)  # redirected in scope to /login
    assert not [o for o in result.observations if o.attribute == "monthly_price"]


def test_a_missing_state_file_is_a_channel_error_naming_it(serve_app, chromium):
    site = _site(serve_app)
    root = Path(tempfile.mkdtemp())
    result = _capture(site.url, chromium.path, root, storage_state="missing.json")
    assert [e.reason for e in result.errors] == [
        f"storage_state file not found: {root / 'missing.json'}"]
    assert result.pages_ok == 0 and not result.complete
