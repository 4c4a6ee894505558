"""Web capture through the real Chromium against a purpose-built loopback site."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from auditor.browser import launch_args
from auditor.capture.web import capture_web_channel
from auditor.config import parse_config

pytestmark = pytest.mark.browser

HTML = "text/html; charset=utf-8"
CONSENT = """<div id="cookie-consent" style="position:fixed;inset:0;background:rgba(0,0,0,.8);
z-index:9"><button id="accept-cookies" onclick="this.parentNode.remove()">Hyväksy kaikki</button></div>"""

INDEX = f"""<!doctype html><html lang="fi"><head><title>Testi</title></head><body>{CONSENT}
<header><img class="logo" alt="Nordtel" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width=120 height=40>
<nav><a href="/offer">Tarjous</a></nav></header>
<main>
 <article><h2>Kuitu 100M</h2><p class="price">34,90 €/kk</p>
  <details><summary>Lisätiedot</summary><table><tr><th>Avausmaksu</th><td>29,00 €</td></tr></table></details>
  <p style="font-size:8px;color:#bbb">Toimitusmaksu 9,90 €</p>
  <div class="accordion-panel" style="max-height:0;overflow:hidden"><p>Toimitusmaksu 2,50 €</p></div>
  <a href="/offer">Lue lisää</a> <a href="/broken">Rikki</a> <a href="/feed.xml">RSS</a>
  <a href="/data">Data</a> <a href="https://example.invalid/elsewhere">Muualla</a>
 </article>
</main><footer>© Nordtel Oy — hinnat 1,00 €</footer></body></html>"""

OFFER = """<!doctype html><html><body><h1>Puhe 10 Gt</h1><div id="box">ladataan…</div>
<script>setTimeout(() => { document.getElementById('box').innerHTML =
 '<p>12,90 €/kk</p><p>24 kk määräaikainen sopimus</p>'; }, 150);</script></body></html>"""


def _capture(site_url: str, chromium_path: str, **channel):
    extra = "".join(f"\n    {k}: {v}" for k, v in channel.items())
    cfg = parse_config(f"name: t\nbase_url: {site_url}\nbrand: {{name: Nordtel}}\nchannels:\n"
                       f"  desktop:\n    kind: web\n    start_urls: ['/']\n    timeout: 10\n"
                       f"    retries: 0{extra}\n")

    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium_path,
                                              args=launch_args([site_url]))
            try:
                return await capture_web_channel(browser, p, "desktop", cfg.channels["desktop"],
                                                 cfg, out_dir)
            finally:
                await browser.close()

    import tempfile
    from pathlib import Path

    out_dir = Path(tempfile.mkdtemp())
    return asyncio.run(go()), out_dir


def test_capture_reads_shown_state_js_content_and_records_failures(serve_pages, chromium):
    site = serve_pages({
        "/": (200, HTML, INDEX),
        "/offer": (200, HTML, OFFER),
        "/broken": (500, HTML, "<h1>Virhe</h1>"),
        "/data": (200, "application/json", "{}"),
    })
    result, out_dir = _capture(site.url, chromium.path)
    # Pages: the index and the JS-rendered offer; /broken failed; /data skipped (not HTML);
    # the .xml link and the off-site link were never requested.
    assert sorted(u.removeprefix(site.url) for u in result.visited) == ["/", "/offer"]
    assert [(e.target.removeprefix(site.url), e.reason) for e in result.errors] == \
        [("/broken", "HTTP 500")]
    assert result.pages_skipped == 1 and "/feed.xml" not in site.hits
    assert not result.complete

    by = {(o.attribute, o.value): o for o in result.observations if o.source == "text"}
    price = by[("monthly_price", Decimal("34.90"))]
    assert price.subject_hints[0] == "Kuitu 100M"
    assert price.shown.visible and not price.shown.collapsed and price.shown.above_fold
    assert price.evidence.screenshot is None  # the first pass takes no screenshots
    assert "34,90" in price.evidence.html
    fee = by[("activation_fee", Decimal("29.00"))]
    assert fee.shown.collapsed is True and fee.shown.visible is False
    assert fee.text == "Avausmaksu 29,00 €"  # the td took its label from the th
    # An accordion closed by max-height:0 + overflow:hidden (CSS-animated panels) hides its
    # fee as surely as a closed <details>.
    folded = next(o for o in result.observations if o.value == Decimal("2.50"))
    assert folded.shown.collapsed is True and folded.shown.visible is False
    tiny = by[("delivery_fee", Decimal("9.90"))]
    assert tiny.shown.font_px == 8 and tiny.shown.contrast < 3
    # JavaScript-rendered facts, attributed to the page's h1.
    assert by[("monthly_price", Decimal("12.90"))].subject_hints == ("Puhe 10 Gt",)
    assert by[("contract_months", Decimal("24"))].evidence.url == site.url + "/offer"
    # The footer is page chrome: its amount is kept as a channel-wide fact, never an offer's.
    assert by[("price", Decimal("1.00"))].role == "chrome"
    assert by[("monthly_price", Decimal("34.90"))].role == "main"
    assert {o.value for o in result.observations if o.attribute == "brand_name"} == {"Nordtel"}


def test_scope_and_limits(serve_pages, chromium):
    pages = {"/": (200, HTML, "".join(f'<a href="/p{i}">p{i}</a>' for i in range(10)))}
    pages |= {f"/p{i}": (200, HTML, f"<h1>P{i}</h1><p>{i},00 €</p>") for i in range(10)}
    site = serve_pages(pages)
    result, _ = _capture(site.url, chromium.path, max_pages=4)
    assert result.pages_ok == 4 and result.complete
    result, _ = _capture(site.url, chromium.path, max_depth=0)
    assert result.visited == (site.url + "/",)
    result, _ = _capture(site.url, chromium.path, exclude="['/p']")
    assert result.visited == (site.url + "/",)


LATE = """<!doctype html><html><body><h1>Kuitu 500M</h1><div id="price">…</div>
<script>
fetch('/api/price').then(r => r.text()).then(t => {
  document.getElementById('price').textContent = t; });
// A poll that never ends: 'networkidle' would wait on it, 'stable' ignores it after the cap.
new EventSource('/api/stream');
</script></body></html>"""


@pytest.mark.parametrize("wait", ["stable", "networkidle"])
def test_a_price_fetched_late_is_read_whatever_the_wait(serve_app, chromium, wait):
    import time

    def app(h, site):
        if h.path == "/api/price":
            time.sleep(0.8)  # the price arrives long after load, the DOM quiet meanwhile
            h.reply("39,90 €/kk".encode(), ctype="text/plain; charset=utf-8")
        elif h.path == "/api/stream":
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream")
            h.end_headers()
            h.wfile.write(b"retry: 100000\n\n")
            h.wfile.flush()
            time.sleep(8)  # held open: a stream that never finishes
        elif h.path == "/":
            h.reply(LATE.encode())
        else:
            h.reply(b"", status=404)

    site = serve_app(app)
    result, _ = _capture(site.url, chromium.path, wait=wait, max_pages=1)
    prices = [(o.attribute, o.value) for o in result.observations if o.attribute.endswith(
        "price")]
    assert prices == [("monthly_price", Decimal("39.90"))], result.errors
