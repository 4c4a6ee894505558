"""The Nordtel demo shop: a desktop site, a mobile site and a small JSON API on 127.0.0.1.

``DemoServer`` renders every page per request from :mod:`auditor.demo.catalog` with jinja2,
so campaign dates follow the server's ``today``. It uses only the standard library's
``ThreadingHTTPServer`` and serves from a daemon thread::

    with DemoServer() as srv:
        print(srv.url)          # http://127.0.0.1:PORT

For manual browsing: ``python -m auditor.demo.server [--port 8000] [--today 2027-01-31]``.

URL map (desktop / mobile):

* ``/``, ``/mobiililaajakaista``, ``/kuitu``, ``/puhe`` — listings; ``/tuotteet/<slug>`` — details;
  ``/asiakaspalvelu`` — customer service.
* ``/m/``, ``/m/laajakaista``, ``/m/kuitu`` (rendered client-side), ``/m/puhe``;
  ``/m/tuote/<slug>``; ``/m/asiakaspalvelu``.
* ``/api/offers/<id>.json`` — the desktop price boxes' data; ``/robots.txt``, ``/sitemap.xml``,
  ``/static/...``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import mimetypes
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2

from . import catalog
from .catalog import Facts, Offer

_HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = _HERE / "templates"
STATIC_DIR = _HERE / "static"

#: Values of the ``consent`` cookie that hide the cookie banner.
_CONSENT_VALUES = {"1", "necessary"}


# --------------------------------------------------------------------------- view models


def _fee_text(fee: Decimal | None) -> str | None:
    """``0`` → ``"Ei avausmaksua"``, ``29`` → ``"Avausmaksu 29,00 €"``, ``None`` → ``None``."""
    if fee is None:
        return None
    return "Ei avausmaksua" if fee == 0 else f"Avausmaksu {catalog.fmt_eur(fee)}"


def _fee_value(fee: Decimal | None) -> str | None:
    """The value cell of a fee row: ``"Ei avausmaksua"`` or ``"29,00 €"``."""
    if fee is None:
        return None
    return "Ei avausmaksua" if fee == 0 else catalog.fmt_eur(fee)


def _view(offer: Offer, facts: Facts, today: _dt.date, *, mobile: bool) -> dict[str, Any]:
    """Everything a template needs about one offer on one channel, preformatted."""
    campaign = facts.campaign
    monthly = catalog.fmt_monthly(facts.monthly_price)
    if mobile:
        # The mobile templates glue number and unit with a no-break space, like many shops.
        monthly = monthly.replace(" €", "\u00a0€")
    if facts.delivery_fee is None:
        delivery = None
    elif mobile and facts.delivery_fee == 0:
        delivery = "Ilmainen toimitus"
    else:
        delivery = f"Toimitus {catalog.fmt_eur(facts.delivery_fee)}"
    return {
        "offer": offer,
        "id": offer.id,
        "name": offer.name,
        "speed": offer.speed,
        "data": offer.data_allowance,
        "monthly": monthly,
        "monthly_price": facts.monthly_price,
        "fee": facts.activation_fee,
        "fee_text": _fee_text(facts.activation_fee),
        "fee_value": _fee_value(facts.activation_fee),
        "fee_collapsed": facts.fee_placement == "collapsed",
        "contract": catalog.contract_text(facts.contract_months),
        "contract_months": facts.contract_months,
        "contract_short": catalog.contract_short(facts.contract_months),
        "delivery": delivery,
        "delivery_value": None
        if facts.delivery_fee is None
        else catalog.fmt_eur(facts.delivery_fee),
        "campaign": campaign.text(facts.monthly_price, today) if campaign else None,
        "campaign_ends": campaign.ends_on(today).isoformat() if campaign else None,
        "desktop_path": offer.desktop_path,
        "mobile_path": offer.mobile_path,
    }


def _jsonld(view: dict[str, Any], url: str) -> dict[str, Any]:
    """schema.org Product for a detail page; states exactly what the page shows."""
    price = f"{view['monthly_price']:.2f}"
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": url,
        "price": price,
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
        "priceSpecification": {
            "@type": "UnitPriceSpecification",
            "price": price,
            "priceCurrency": "EUR",
            "unitCode": "MON",
            "unitText": "kk",
            "referenceQuantity": {"@type": "QuantitativeValue", "value": 1, "unitCode": "MON"},
            "valueAddedTaxIncluded": True,
        },
        "seller": {"@type": "Organization", "name": catalog.BRAND_DESKTOP.legal_name},
    }
    if view["campaign_ends"]:
        offer["priceValidUntil"] = view["campaign_ends"]
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": view["name"],
        "sku": view["id"],
        "description": view["offer"].lead,
        "brand": {"@type": "Brand", "name": catalog.BRAND_DESKTOP.name},
        "url": url,
        "offers": offer,
    }


def _tile(view: dict[str, Any]) -> dict[str, Any]:
    """The plain data of a mobile tile (also what /m/kuitu embeds as inline JSON)."""
    meta = f"{view['data']} · jopa {view['speed']}" if view["data"] else f"jopa {view['speed']}"
    return {
        "id": view["offer"].mobile_slug,
        "title": view["name"],
        "meta": meta,
        "price": view["monthly"],
        "promo": view["campaign"],
        "href": view["mobile_path"],
    }


# --------------------------------------------------------------------------- the app


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class DemoApp:
    """Routing and rendering, independent of the HTTP plumbing."""

    def __init__(self, today: Callable[[], _dt.date]) -> None:
        self._today = today
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
        env.globals.update(
            categories=catalog.CATEGORIES,
            vat_text=catalog.VAT_TEXT,
        )
        self.env = env

    # -- helpers -------------------------------------------------------------------------

    def _page(self, template: str, status: int = 200, **context: Any) -> Response:
        body = self.env.get_template(template).render(**context)
        return Response(status, body.encode("utf-8"))

    @staticmethod
    def _redirect(location: str) -> Response:
        return Response(
            HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain; charset=utf-8", {"Location": location}
        )

    def _json(self, data: Any, status: int = 200) -> Response:
        body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        return Response(status, body, "application/json; charset=utf-8")

    def not_found(self, path: str, ctx: dict[str, Any]) -> Response:
        if path.startswith("/api/"):
            return self._json({"error": "not found", "path": path}, HTTPStatus.NOT_FOUND)
        template = (
            "mobile/404.html" if path == "/m" or path.startswith("/m/") else "desktop/404.html"
        )
        return self._page(template, HTTPStatus.NOT_FOUND, path=path, active=None, **ctx)

    # -- routing -------------------------------------------------------------------------

    def handle(self, path: str, *, consent: bool, base_url: str) -> Response:
        today = self._today()
        ctx: dict[str, Any] = {
            "show_consent": not consent,
            "base_url": base_url,
            "brand": catalog.BRAND_DESKTOP,
        }
        mctx = {**ctx, "brand": catalog.BRAND_MOBILE}

        if path.startswith("/static/"):
            return self.static(path[len("/static/") :], path, ctx)
        if path == "/favicon.ico":
            return self.static("img/favicon.png", path, ctx)
        if path == "/robots.txt":
            text = f"User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n"
            return Response(200, text.encode(), "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            return self.sitemap(base_url)
        if path.startswith("/api/offers/") and path.endswith(".json"):
            return self.api_offer(path[len("/api/offers/") : -len(".json")], today, path, ctx)

        # Canonical URLs: "/m" → "/m/", "/kuitu/" → "/kuitu".
        if path == "/m":
            return self._redirect("/m/")
        if len(path) > 1 and path.endswith("/") and path != "/m/":
            return self._redirect(path.rstrip("/"))

        if path == "/m/" or path.startswith("/m/"):
            return self.mobile(path, today, mctx)
        return self.desktop(path, today, ctx)

    def desktop(self, path: str, today: _dt.date, ctx: dict[str, Any]) -> Response:
        def views(offers: list[Offer]) -> list[dict[str, Any]]:
            return [_view(o, o.desktop, today, mobile=False) for o in offers]

        if path == "/":
            sections = [(c, views(catalog.offers_in(c.id))) for c in catalog.CATEGORIES]
            return self._page("desktop/home.html", sections=sections, active=None, **ctx)
        for cat in catalog.CATEGORIES:
            if path == cat.desktop_path:
                return self._page(
                    "desktop/listing.html",
                    category=cat,
                    cards=views(catalog.offers_in(cat.id)),
                    active=cat.id,
                    **ctx,
                )
        if path.startswith("/tuotteet/"):
            offer = catalog.BY_DESKTOP_SLUG.get(path[len("/tuotteet/") :])
            if offer is not None:
                view = _view(offer, offer.desktop, today, mobile=False)
                url = ctx["base_url"] + offer.desktop_path
                jsonld = _jsonld(view, url) if offer.jsonld else None
                return self._page(
                    "desktop/product.html",
                    v=view,
                    category=catalog.category(offer.category),
                    jsonld=jsonld,
                    active=offer.category,
                    **ctx,
                )
        if path == "/asiakaspalvelu":
            return self._page("desktop/service.html", active="asiakaspalvelu", **ctx)
        return self.not_found(path, ctx)

    def mobile(self, path: str, today: _dt.date, ctx: dict[str, Any]) -> Response:
        def views(offers: list[Offer]) -> list[dict[str, Any]]:
            return [_view(o, o.mobile, today, mobile=True) for o in offers if o.mobile is not None]

        if path == "/m/":
            popular = [
                catalog.BY_ID[i] for i in ("mbb-100", "fiber-1000", "puhe-5g-rajaton", "puhe-5g-50")
            ]
            tiles = [_tile(v) for v in views(popular)]
            return self._page("mobile/home.html", tiles=tiles, **ctx)
        for cat in catalog.CATEGORIES:
            if path == cat.mobile_path:
                tiles = [_tile(v) for v in views(catalog.offers_in(cat.id))]
                # The fibre listing is built in the browser from an inline JSON array.
                client_side = cat.id == "kuitu"
                return self._page(
                    "mobile/listing.html", category=cat, tiles=tiles, client_side=client_side, **ctx
                )
        if path.startswith("/m/tuote/"):
            offer = catalog.BY_MOBILE_SLUG.get(path[len("/m/tuote/") :])
            if offer is not None and offer.mobile is not None:
                view = _view(offer, offer.mobile, today, mobile=True)
                url = ctx["base_url"] + offer.mobile_path
                jsonld = _jsonld(view, url) if offer.mobile_jsonld else None
                return self._page(
                    "mobile/product.html",
                    v=view,
                    category=catalog.category(offer.category),
                    jsonld=jsonld,
                    **ctx,
                )
        if path == "/m/asiakaspalvelu":
            return self._page("mobile/service.html", **ctx)
        return self.not_found(path, ctx)

    def api_offer(self, offer_id: str, today: _dt.date, path: str, ctx: dict[str, Any]) -> Response:
        offer = catalog.BY_ID.get(offer_id)
        if offer is None:
            return self.not_found(path, ctx)
        v = _view(offer, offer.desktop, today, mobile=False)
        return self._json(
            {
                "id": offer.id,
                "name": offer.name,
                "currency": "EUR",
                "monthly_price": f"{offer.desktop.monthly_price:.2f}",
                "monthly_price_text": v["monthly"],
                "contract_months": offer.desktop.contract_months,
                "contract_text": v["contract"],
                "campaign_text": v["campaign"],
                "campaign_ends": v["campaign_ends"],
                "vat_text": catalog.VAT_TEXT,
                "url": offer.desktop_path,
            }
        )

    def sitemap(self, base_url: str) -> Response:
        paths = ["/", *(c.desktop_path for c in catalog.CATEGORIES)]
        paths += [o.desktop_path for o in catalog.OFFERS] + ["/asiakaspalvelu"]
        body = self.env.get_template("sitemap.xml").render(urls=[base_url + p for p in paths])
        return Response(200, body.encode("utf-8"), "application/xml; charset=utf-8")

    def static(self, rel: str, path: str, ctx: dict[str, Any]) -> Response:
        root = STATIC_DIR.resolve()
        target = (root / rel).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return self.not_found(path, ctx)
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in {"application/javascript", "text/javascript"}:
            ctype += "; charset=utf-8"
        return Response(200, target.read_bytes(), ctype, {"Cache-Control": "no-cache"})


# --------------------------------------------------------------------------- HTTP plumbing


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "NordtelDemo/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _respond(self, head_only: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        consent = False
        raw_cookie = self.headers.get("Cookie")
        if raw_cookie:
            try:
                jar = SimpleCookie(raw_cookie)
            except CookieError:
                jar = SimpleCookie()
            consent = "consent" in jar and jar["consent"].value in _CONSENT_VALUES
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        try:
            resp = self.server.app.handle(path, consent=consent, base_url=f"http://{host}")
        except Exception as exc:  # noqa: BLE001 — a broken page must not kill the demo
            msg = f"500 Internal Server Error: {type(exc).__name__}: {exc}\n"
            resp = Response(500, msg.encode("utf-8"), "text/plain; charset=utf-8")
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for key, value in resp.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(resp.body)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head_only=True)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: DemoApp


class DemoServer:
    """The Nordtel demo shop on a free local port, served from a daemon thread.

    ``today`` fixes the date campaign texts are computed from (default: the real date at
    each request). ``port=0`` picks a free port; read it back from :attr:`url`.
    """

    def __init__(
        self, today: _dt.date | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.today = today
        self.host = host
        self.port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _current_date(self) -> _dt.date:
        return self.today if self.today is not None else _dt.date.today()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running; call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.app = DemoApp(self._current_date)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"nordtel-demo:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block until Ctrl-C (for ``python -m auditor.demo.server``)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m auditor.demo.server",
        description="Serve the Nordtel demo shop (desktop /, mobile /m/) until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=8000, help="0 picks a free port (default: 8000)"
    )
    parser.add_argument(
        "--today",
        type=_dt.date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="pretend it is this date (campaign end dates are relative to it)",
    )
    args = parser.parse_args(argv)
    srv = DemoServer(today=args.today, host=args.host, port=args.port)
    try:
        srv.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    print(f"Nordtel demo: {srv.url}/  (mobile: {srv.url}/m/)  Ctrl-C to stop", flush=True)
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
