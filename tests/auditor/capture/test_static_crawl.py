"""The static path crawls by the browser path's rules, against loopback servers that
misbehave on purpose: robots.txt, sitemaps, retries, off-scope redirects, redirect loops,
oversized and non-UTF-8 pages. Bounded: millisecond backoffs, a handful of pages."""

from __future__ import annotations

import asyncio
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from auditor.capture.static import MAX_HTML_BYTES, capture_static_channel, decode_html
from auditor.config import parse_config

pytestmark = pytest.mark.timeout(60)

GOOD = "<!doctype html><html><body><h1>{name}</h1><p>{price} €/kk</p>{links}</body></html>"


def _good(name: str, price: str, *links: str) -> bytes:
    return GOOD.format(name=name, price=price,
                       links="".join(f'<a href="{p}">{p}</a>' for p in links)).encode()


def _static(url: str, **channel):
    extra = "".join(f"\n    {k}: {v}" for k, v in channel.items())
    cfg = parse_config(f"name: t\nbase_url: {url}\nchannels:\n  web:\n    kind: web\n"
                       f"    mode: static\n    start_urls: ['/']\n    timeout: 2\n"
                       f"    retry_backoff: 0.01{extra}\n")
    return asyncio.run(capture_static_channel("web", cfg.channels["web"], cfg,
                                              Path(tempfile.mkdtemp())))


def _errors(result, base: str) -> dict[str, str]:
    return {e.target.removeprefix(base): e.reason for e in result.errors}


def _prices(result) -> dict[str, Decimal]:
    return {o.subject_hints[0]: o.value for o in result.observations
            if o.attribute == "monthly_price"}


def test_robots_sitemaps_and_retries(serve_app):
    counts: dict[str, int] = {}

    def app(h, site):
        n = counts[h.path] = counts.get(h.path, 0) + 1
        if h.path == "/robots.txt":
            h.reply(f"User-agent: *\nDisallow: /private\nSitemap: {site.url}/sm.xml\n".encode(),
                  ctype="text/plain")
        elif h.path == "/sm.xml":
            h.reply((f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                      f"<url><loc>{site.url}/listed</loc></url></urlset>").encode(),
                  ctype="application/xml")
        elif h.path == "/":
            h.reply(_good("Etusivu", "1,00", "/flaky", "/busy", "/down", "/private"))
        elif h.path == "/listed":  # linked from nowhere: only the sitemap knows it
            h.reply(_good("Listattu", "9,90"))
        elif h.path == "/flaky" and n <= 2:
            h.reply(b"busy", 503)
        elif h.path == "/busy" and n == 1:
            h.reply(b"slow down", 429, headers={"Retry-After": "0"})
        elif h.path == "/down":
            h.reply(b"broken", 500)
        elif h.path in ("/flaky", "/busy", "/private"):
            h.reply(_good(h.path[1:].title(), "19,90"))
        else:
            h.reply(b"", 404)

    site = serve_app(app)
    result = _static(site.url, retries=2)
    visited = sorted(u.removeprefix(site.url) for u in result.visited)
    assert visited == ["/", "/busy", "/flaky", "/listed"]
    assert "/private" not in site.hits  # robots.txt said no, so it was never requested
    assert any("disallowed by robots.txt" in n for n in result.notes)
    assert _errors(result, site.url) == {"/down": "HTTP 500 (after 2 retries)"}
    assert counts["/flaky"] == 3 and counts["/busy"] == 2 and counts["/down"] == 3
    assert result.retries == 2 + 1 + 2
    assert _prices(result)["Listattu"] == Decimal("9.90")
    assert _prices(result)["Flaky"] == Decimal("19.90")


def test_robots_ignore_visits_what_robots_forbids(serve_app):
    def app(h, site):
        if h.path == "/robots.txt":
            h.reply(b"User-agent: *\nDisallow: /\n", ctype="text/plain")
        else:
            h.reply(_good("Staging", "5,00"))

    site = serve_app(app)
    assert _static(site.url, sitemaps="false").pages_ok == 0
    assert _static(site.url, sitemaps="false", robots="ignore").pages_ok == 1


def test_redirects_sizes_and_encodings(serve_app, serve_pages):
    elsewhere = serve_pages({"/": (200, "text/html", "<h1>Muualla</h1><p>1,00 €</p>")})
    big = b"<html><body><h1>Iso</h1>" + b"<p>x</p>" * (MAX_HTML_BYTES // 8 + 10) + b"</body>"
    latin = ('<html><head><meta charset="windows-1252"></head><body><h1>Tarjous ä</h1>'
             '<p>Avausmaksu 9,90 €</p></body></html>').encode("cp1252")

    def app(h, site):
        if h.path == "/":
            h.reply(_good("Etusivu", "1,00", "/away", "/loop", "/big", "/latin", "/moved",
                           "/data.bin"))
        elif h.path == "/away":
            h.reply(b"", 302, headers={"Location": elsewhere.url + "/"})
        elif h.path == "/loop":
            h.reply(b"", 302, headers={"Location": "/loop"})
        elif h.path == "/moved":
            h.reply(b"", 301, headers={"Location": "/target"})
        elif h.path == "/target":
            h.reply(_good("Kohde", "2,00"))
        elif h.path == "/big":
            h.reply(big)
        elif h.path == "/latin":
            h.reply(latin, ctype="text/html")  # no charset in the header: the meta decides
        elif h.path == "/data.bin":
            h.reply(b"\x00\x01", ctype="application/octet-stream")
        else:
            h.reply(b"", 404)

    site = serve_app(app)
    result = _static(site.url, sitemaps="false", robots="ignore")
    errors = _errors(result, site.url)
    assert errors["/loop"].startswith("redirect loop:")
    assert errors["/big"] == "page is over the 10 MB limit"
    assert set(errors) == {"/loop", "/big"}
    assert any(n.startswith(f"{site.url}/away redirected off scope to {elsewhere.url}")
               for n in result.notes)
    assert result.pages_skipped == 2  # the off-scope redirect and the binary
    fee = next(o for o in result.observations if o.attribute == "activation_fee")
    assert fee.value == Decimal("9.90") and fee.subject_hints == ("Tarjous ä",)
    assert _prices(result)["Kohde"] == Decimal("2.00")


def test_decode_html_follows_the_browsers_order():
    body = '<meta charset="iso-8859-1"><p>hintä</p>'.encode("latin-1")
    assert "hintä" in decode_html(body, None)
    assert "hintä" in decode_html("<p>hintä</p>".encode(), None)  # UTF-8 by default
    assert "hintä" in decode_html(b"\xef\xbb\xbf" + "<p>hintä</p>".encode(), "latin-1")
    assert "hint\ufffd" in decode_html(b"<p>hint\xe4</p>", "utf-8")  # replaced, not raised
    assert "hintä" in decode_html(body, "no-such-codec")  # an unknown charset falls through
