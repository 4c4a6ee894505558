"""The static capture path (httpx + lxml) against real loopback servers, and against the
real browser on the same pages: same facts, and ``mode: auto`` choosing between them."""

from __future__ import annotations

import asyncio
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from auditor.browser import launch_args
from auditor.capture.static import LAYOUT_ATTRIBUTES, capture_static_channel
from auditor.capture.web import capture_web_channel
from auditor.config import parse_config
from auditor.extract.units import page_data

HTML = "text/html; charset=utf-8"

LISTING = """<!doctype html><html lang="fi"><head><title>Liittymät</title>
<meta name="theme-color" content="#0a7d5a"></head><body>
<header><img class="logo" alt="Nordtel" src="/logo.png" width="120" height="40">
<nav><a href="/kuitu">Kuitu</a> <a href="/m/puhe">Puhe</a></nav></header>
<main><h1>Kaikki liittymät</h1>
 <article data-sku="mbb-100"><h2>Mobiililaajakaista 100M</h2>
  <p class="price">19,90 €/kk</p><p>12 kk määräaikainen sopimus</p>
  <table><tr><th>Avausmaksu</th><td>4,90 €</td></tr></table>
  <a href="/kuitu">Lue lisää</a></article>
 <article><h2 class="card-title">Kuitu 300M</h2>
  <div class="price"><span>alk.</span> <strong>39,90 €/kk</strong></div>
  <details><summary>Hinnasto</summary><dl><dt>Toimitusmaksu</dt><dd>9,90 €</dd></dl></details>
  <p hidden>Kampanjahinta 29,90 €/kk 6 kk</p>
  <p style="display:none">Avausmaksu 0,00 €</p></article>
 <section><h3>Puhe 10 Gt</h3><ul><li>Hinta 12,90 €/kk</li><li>Ei määräaikaa</li></ul></section>
</main><footer>© Nordtel Oy — toimitus 1,00 €</footer></body></html>"""

KUITU = """<!doctype html><html><head><title>Kuitu</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
"name":"Kuitu 300M","sku":"fiber-300","offers":{"@type":"Offer","price":"39.90",
"priceCurrency":"EUR"}}</script></head><body><h1>Kuitu 300M</h1>
<p>Kuukausimaksu 39,90 €/kk, sopimus 24 kk.</p><p>Avausmaksu 19,00 €</p></body></html>"""

PUHE = """<!doctype html><html><body><h1>Puhe 10 Gt</h1><p>12,90 €/kk</p>
<a href="/">Etusivu</a> <a href="/missing">Puuttuu</a> <a href="/data">Data</a></body></html>"""

JS_PRICE = """<!doctype html><html><body><h1>Puhe 20 Gt</h1><div id="p">ladataan…</div>
<script>document.getElementById('p').textContent = '15,90 €/kk';</script></body></html>"""

SITE = {"/": (200, HTML, LISTING), "/kuitu": (200, HTML, KUITU), "/m/puhe": (200, HTML, PUHE),
        "/missing": (404, HTML, "<h1>Ei löydy</h1>"), "/data": (200, "application/json", "{}")}


def _config(url: str, mode: str = "browser", start: str = "/", sample: int = 5):
    return parse_config(
        f"name: t\nbase_url: {url}\nbrand: {{name: Nordtel}}\nchannels:\n"
        f"  web:\n    kind: web\n    start_urls: ['{start}']\n    timeout: 10\n"
        f"    wait: load\n    max_failures: 5\n    mode: {mode}\n    auto_sample: {sample}\n")


def _static(config):
    ch = config.channels["web"]
    return asyncio.run(capture_static_channel("web", ch, config, Path(tempfile.mkdtemp())))


def _browser(config, chromium_path):
    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium_path,
                                              args=launch_args([config.base_url]))
            try:
                return await capture_web_channel(browser, p, "web", config.channels["web"],
                                                 config, Path(tempfile.mkdtemp()))
            finally:
                await browser.close()

    return asyncio.run(go())


def _facts(result):
    return {(o.evidence.url, o.subject_hints, o.attribute, str(o.value), o.period,
             o.shown.visible, o.shown.collapsed)
            for o in result.observations if o.attribute not in LAYOUT_ATTRIBUTES}


def test_page_data_reads_units_hints_and_shown_state_from_markup():
    data = page_data(LISTING, "http://127.0.0.1:1/")
    units = {u["text"]: u for u in data["units"]}
    fee = units["Avausmaksu 4,90 €"]  # label taken from the <th> before a bare amount
    # A product card (keyed by data-sku) names its own offer only: never the page's <h1>.
    assert fee["hints"] == ["sku:mbb-100", "Mobiililaajakaista 100M"]
    assert fee["role"] == "other"
    assert fee["selector"].endswith("table:nth-of-type(1) > tbody:nth-of-type(1) > "
                                    "tr:nth-of-type(1) > td:nth-of-type(1)")
    assert units["Toimitusmaksu 9,90 €"]["collapsed"] is True  # closed <details>
    assert units["Hinnasto"]["collapsed"] is False  # its summary shows
    assert units["Kampanjahinta 29,90 €/kk 6 kk"]["visible"] is False
    assert units["Avausmaksu 0,00 €"]["collapsed"] is True  # inline display:none
    assert units["alk. 39,90 €/kk"]["hints"][0] == "Kuitu 300M"  # inline spans join
    assert units["© Nordtel Oy — toimitus 1,00 €"]["chrome"] is True
    assert units["© Nordtel Oy — toimitus 1,00 €"]["role"] == "chrome"
    assert data["main_title"] == "Kaikki liittymät"
    assert units["Mobiililaajakaista 100M"]["font_px"] is None  # no layout, no guess
    assert data["logo"]["alt"] == "Nordtel" and data["links"][0] == "http://127.0.0.1:1/kuitu"


def test_static_capture_crawls_in_scope_and_records_failures(serve_pages):
    site = serve_pages(SITE)
    result = _static(_config(site.url))
    assert sorted(u.removeprefix(site.url) for u in result.visited) == ["/", "/kuitu", "/m/puhe"]
    assert [(e.target.removeprefix(site.url), e.reason) for e in result.errors] == \
        [("/missing", "HTTP 404")]
    assert result.pages_skipped == 1 and result.complete
    by = {(o.attribute, o.value, o.subject_hints[:1]): o for o in result.observations
          if o.source == "text"}
    fee = by[("activation_fee", Decimal("4.90"), ("sku:mbb-100",))]
    assert fee.shown.visible and fee.shown.font_px is None and fee.evidence.viewport == "static"
    assert by[("delivery_fee", Decimal("9.90"), ("Kuitu 300M",))].shown.collapsed
    structured = [o for o in result.observations if o.source == "structured"]
    assert [(o.attribute, o.value, o.subject_hints) for o in structured] == \
        [("price", Decimal("39.90"), ("sku:fiber-300", "Kuitu 300M"))]


@pytest.mark.browser
def test_static_and_browser_paths_give_the_same_facts(serve_pages, chromium):
    site = serve_pages(SITE)
    static = _static(_config(site.url))
    rendered = _browser(_config(site.url), chromium.path)
    assert sorted(static.visited) == sorted(rendered.visited)
    assert len(_facts(static)) >= 12
    assert _facts(static) == _facts(rendered)
    # The CSS paths match too (implicit <tbody> included), so observation ids are equal.
    text_ids = {o.id for o in rendered.observations if o.source == "text"}
    assert {o.id for o in static.observations if o.source == "text"} == text_ids


@pytest.mark.browser
def test_auto_mode_uses_static_only_where_the_facts_agree(serve_pages, chromium):
    from auditor.pipeline import capture_channels

    plain = serve_pages(SITE)
    scripted = serve_pages({"/": (200, HTML, PUHE.replace("/missing", "/js")),
                            "/js": (200, HTML, JS_PRICE), "/data": SITE["/data"]})
    said: list[str] = []
    for site, expected in ((plain, "static"), (scripted, "browser")):
        config = _config(site.url, mode="auto")
        results = capture_channels(config, Path(tempfile.mkdtemp()), browser=chromium,
                                   progress=said.append)
        chosen = [m for m in said if "mode auto chose" in m][-1]
        assert f"chose the {expected}" in chosen, chosen
        viewports = {o.evidence.viewport for o in results["web"].observations
                     if o.source == "text"}
        assert any(f"mode auto: {expected}" in n for n in results["web"].notes)
        assert viewports == ({"static"} if expected == "static" else {"1366x900"})
    assert "/js" in chosen  # the page whose price only JavaScript writes is named
    js = [o for o in results["web"].observations if o.attribute == "monthly_price"]
    assert Decimal("15.90") in {o.value for o in js}
