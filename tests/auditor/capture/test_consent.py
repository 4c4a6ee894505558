"""Cookie-wall dismissal: selector kinds, and the one-round-trip probe in the real Chromium."""

from __future__ import annotations

import asyncio

import pytest

from auditor.browser import launch_args
from auditor.capture.consent import (
    DEFAULT_CONSENT_SELECTORS,
    ConsentSpec,
    dismiss_consent,
    parse_consent_selector,
)

HTML = "text/html; charset=utf-8"


def test_selector_kinds():
    assert parse_consent_selector("#onetrust-accept-btn-handler") == ConsentSpec(
        "#onetrust-accept-btn-handler", "#onetrust-accept-btn-handler")
    assert parse_consent_selector("button:has-text('Hyväksy  kaikki')") == ConsentSpec(
        "button:has-text('Hyväksy  kaikki')", "button", "hyväksy kaikki")
    assert parse_consent_selector(':has-text("OK")').css == "*"
    for playwright_only in ("text=Accept", "role=button[name='OK']", "#a >> text=OK",
                            "button:visible", "xpath=//button"):
        assert parse_consent_selector(playwright_only).playwright, playwright_only
    # Every default is answered by the probe: none needs a call per selector.
    assert not any(parse_consent_selector(s).playwright for s in DEFAULT_CONSENT_SELECTORS)


# Each banner removes itself when its button is clicked, so "gone" proves the click.
BANNERS = {
    "/onetrust": '<div id="wall"><button id="onetrust-accept-btn-handler" '
                 'onclick="wall.remove()">OK</button></div>',
    # The first matching button is hidden: the visible second one must be clicked.
    "/label": '<div id="wall"><button style="display:none">Hyväksy kaikki</button>'
              '<button onclick="wall.remove()">  Hyväksy\n kaikki </button></div>',
    # Usercentrics renders its banner inside an open shadow root.
    "/shadow": '<div id="wall"></div><script>const r = wall.attachShadow({mode: "open"});'
               'r.innerHTML = `<button data-testid="uc-accept-all-button">OK</button>`;'
               'r.querySelector("button").onclick = () => wall.remove();</script>',
    # Only Playwright's engine can answer the channel's own selector.
    "/custom": '<div id="wall"><span role="button" onclick="wall.remove()">Sallin evästeet'
               '</span></div>',
    # Sourcepoint and TrustArc render their banner in an iframe of their own.
    "/iframe": '<div id="wall"><iframe src="/cmp" width="400" height="120"></iframe></div>',
    "/none": "<p>Ei evästeseinää.</p>",
}
CMP = ("<!doctype html><html><body><p>Käytämme evästeitä.</p><button onclick=\"parent."
       "document.getElementById('wall').remove()\">Accept all</button></body></html>")


def _page(banner: str) -> str:
    return f"<!doctype html><html><body>{banner}<h1>Tarjous</h1><p>19,90 €/kk</p></body></html>"


@pytest.mark.browser
def test_probe_finds_and_clicks_each_kind(serve_pages, chromium):
    site = serve_pages({path: (200, HTML, _page(b)) for path, b in BANNERS.items()}
                       | {"/cmp": (200, HTML, CMP)})
    selectors = ("text=Sallin evästeet", *DEFAULT_CONSENT_SELECTORS)

    async def go() -> dict[str, tuple[str | None, bool]]:
        from playwright.async_api import async_playwright

        out = {}
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium.path,
                                              args=launch_args([site.url]))
            page = await browser.new_page()
            for path in BANNERS:
                await page.goto(site.url + path)
                clicked = await dismiss_consent(page, selectors)
                out[path] = (clicked, await page.evaluate("() => !!document.getElementById"
                                                          "('wall')"))
            await browser.close()
        return out

    got = asyncio.run(go())
    assert got == {
        "/onetrust": ("#onetrust-accept-btn-handler", False),
        "/label": ("button:has-text('Hyväksy kaikki')", False),
        "/shadow": ("[data-testid='uc-accept-all-button']", False),
        "/custom": ("text=Sallin evästeet", False),
        "/iframe": ("button:has-text('Accept all')", False),
        "/none": (None, False),
    }
