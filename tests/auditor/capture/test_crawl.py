"""Crawl rules: URL identity, scope, retries, robots.txt and sitemaps (real loopback servers),
and the second pass confirming findings through the real browser."""

from __future__ import annotations

import asyncio
import gzip
from decimal import Decimal

import pytest

from auditor.capture.crawl import (
    HostLimiter,
    RetryPolicy,
    Robots,
    Scope,
    discover_sitemaps,
    normalise_url,
    parse_retry_after,
    parse_sitemap,
    url_fetcher,
)

pytestmark = pytest.mark.timeout(60)


def test_normalise_url_gives_one_spelling_per_page():
    assert normalise_url("HTTP://Shop.Example.FI:80/a/../b?x=1#price") == \
        "http://shop.example.fi/b?x=1"
    assert normalise_url("https://shop.example.fi:443") == "https://shop.example.fi/"
    assert normalise_url("https://shop.example.fi:8443/x") == "https://shop.example.fi:8443/x"
    assert normalise_url("tuote/1#top", "http://a.fi/kauppa/") == "http://a.fi/kauppa/tuote/1"
    assert normalise_url("mailto:x@a.fi") is None and normalise_url("http://[::1") is None


def test_scope_hosts_prefixes_globs_and_non_pages():
    scope = Scope(frozenset({"a.fi"}), exclude=("http://a.fi/admin", "*/print/*"))
    assert scope.allows("http://a.fi/tuote")
    assert not scope.allows("http://b.fi/tuote")
    assert not scope.allows("http://a.fi/admin/x")
    assert not scope.allows("http://a.fi/tuote/print/1")
    assert not scope.allows("http://a.fi/hinnasto.pdf")
    only_m = Scope(frozenset({"a.fi"}), include=("http://a.fi/m/",))
    assert only_m.allows("http://a.fi/m/x") and not only_m.allows("http://a.fi/x")


def test_retry_policy_backoff_retry_after_and_cap():
    policy = RetryPolicy(retries=3, backoff=0.5, max_delay=30)
    assert [policy.delay(a) for a in range(4)] == [0.5, 1.0, 2.0, None]
    assert policy.delay(0, retry_after=7) == 7  # the server's wish wins when longer
    assert policy.delay(0, retry_after=3600) is None  # an hour: give up, do not stall
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None
    assert RetryPolicy.retryable_status(429) and RetryPolicy.retryable_status(503)
    assert not RetryPolicy.retryable_status(404)


def test_host_limiter_keeps_per_host_concurrency():
    limiter = HostLimiter(concurrency=2)
    active = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}

    async def visit(host: str) -> None:
        async with limiter.slot(f"http://{host}.fi/"):
            active[host] += 1
            peak[host] = max(peak[host], active[host])
            await asyncio.sleep(0.01)
            active[host] -= 1

    async def go() -> None:
        await asyncio.gather(*(visit(h) for h in "ab" * 6))

    asyncio.run(go())
    assert peak == {"a": 2, "b": 2}


def test_parse_sitemap_index_gzip_and_broken_xml():
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             b'sitemap/0.9"><sitemap><loc>http://a.fi/s1.xml.gz</loc></sitemap></sitemapindex>')
    assert parse_sitemap(index) == ([], ["http://a.fi/s1.xml.gz"])
    urls = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> http://a.fi/1'
            b' </loc></url><url><loc>http://a.fi/2</loc></url></urlset>')
    assert parse_sitemap(gzip.compress(urls)) == (["http://a.fi/1", "http://a.fi/2"], [])
    assert parse_sitemap(urls[:-20]) == (["http://a.fi/1"], [])  # what was readable


def test_robots_and_sitemap_discovery_against_a_real_server(serve_pages):
    urlset = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              + "".join(f"<url><loc>{{base}}/p{i}</loc></url>" for i in range(5)) + "</urlset>")
    pages = {"/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /private\n"
                             "Crawl-delay: 2\nSitemap: {base}/index.xml\n")}
    site = serve_pages(pages)
    base = site.url
    site.pages["/robots.txt"] = (200, "text/plain", pages["/robots.txt"][2].format(base=base))
    site.pages["/index.xml"] = (200, "application/xml",
                                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                f"<sitemap><loc>{base}/a.xml</loc></sitemap>"
                                f"<sitemap><loc>{base}/missing.xml</loc></sitemap></sitemapindex>")
    site.pages["/a.xml"] = (200, "application/xml", urlset.format(base=base))

    async def go():
        fetch = url_fetcher(timeout=5)
        robots = Robots(fetch)
        ignoring = Robots(fetch, obey=False)
        found, notes = await discover_sitemaps([base + "/"], robots, fetch, max_urls=3)
        return (await robots.allowed(base + "/private/x"), await robots.allowed(base + "/p1"),
                await ignoring.allowed(base + "/private/x"), await robots.crawl_delay(base),
                found, notes)

    private, public, ignored, delay, found, notes = asyncio.run(go())
    assert (private, public, ignored, delay) == (False, True, True, 2.0)
    assert found == [f"{base}/p{i}" for i in range(3)]  # bounded by max_urls
    assert notes == []  # stopped at the bound before the missing sitemap
    assert site.hits.count("/robots.txt") <= 2  # once per Robots instance


def test_second_pass_confirms_what_reproduces_and_unconfirms_what_changed(
        serve_app, chromium, tmp_path):
    """An A/B page whose price changes between visits: unconfirmed, and never gating."""
    from auditor.browser import BrowserHost, launch_args
    from auditor.capture.evidence import apply_rechecks, confirm_channel
    from auditor.capture.web import capture_web_channel
    from auditor.config import parse_config
    from auditor.model import Finding, Severity, is_gating

    visits = {"/ab": 0}

    def app(h, site):
        body = b"<h1>404</h1>"
        if h.path == "/":
            body = '<h1>Kuitu 100M</h1><p class="p">34,90 €/kk</p><a href="/ab">ab</a>'.encode()
        elif h.path == "/ab":
            visits["/ab"] += 1
            price = "19,90" if visits["/ab"] == 1 else "24,90"
            body = f'<h1>Puhe 10 Gt</h1><p>{price} €/kk</p>'.encode()
        h.send_response(200 if h.path in ("/", "/ab") else 404)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    site = serve_app(app)
    cfg = parse_config(f"name: t\nbase_url: {site.url}\nchannels:\n  web:\n    kind: web\n"
                       "    start_urls: ['/']\n    timeout: 5\n    wait: load\n"
                       "    sitemaps: false\n")
    ch = cfg.channels["web"]

    async def go():
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            host = BrowserHost(p, chromium.path, launch_args([site.url]))
            await host.start()
            try:
                first = await capture_web_channel(host, p, "web", ch, cfg, None)
                prices = [o for o in first.observations if o.attribute == "monthly_price"]
                by_url: dict[str, list] = {}
                for o in prices:
                    by_url.setdefault(o.evidence.url, []).append(o)
                return prices, await confirm_channel(host, p, "web", ch, cfg, by_url, tmp_path)
            finally:
                await host.close()

    prices, rechecks = asyncio.run(go())
    stable = next(o for o in prices if o.value == Decimal("34.90"))
    ab = next(o for o in prices if o.value == Decimal("19.90"))
    assert rechecks[stable.id].reproduced is True
    shot = tmp_path / rechecks[stable.id].screenshot
    assert shot.is_file() and shot.read_bytes()[:4] == b"\x89PNG"
    assert shot.parent.name == "evidence" and len(shot.stem) == 24  # named by content hash
    assert rechecks[ab.id].reproduced is False and "no longer shows" in rechecks[ab.id].reason

    findings = [Finding("f1", "price_mismatch", Severity.HIGH, "s", "monthly_price", ("web",),
                        (stable.id,), "m"),
                Finding("f2", "price_mismatch", Severity.HIGH, "s", "monthly_price", ("web",),
                        (ab.id,), "m")]
    checked, observations = apply_rechecks(findings, prices, rechecks)
    assert [(f.confirmed, is_gating(f, Severity.LOW)) for f in checked] == \
        [(True, True), (False, False)]
    assert next(o for o in observations if o.id == stable.id).evidence.screenshot
