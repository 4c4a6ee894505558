"""The Nordtel demo shop served for real on 127.0.0.1, fetched with the standard library."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from auditor.demo import (
    ANSWER_KEY_PATH,
    CONFIG_PATH,
    DEMO_DIR,
    TRANSCRIPTS_DIR,
    DemoServer,
    catalog,
)

TODAY = dt.date(2026, 11, 23)
KNOWN_ROLES = {"customer", "agent", "bot", "system"}
AMOUNT = re.compile(r"(\d+(?:,\d{2})?)\s?€")


@pytest.fixture(scope="module")
def srv():
    with DemoServer(today=TODAY) as server:
        yield server


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8", "replace")


def get(srv: DemoServer, path: str, **kw) -> str:
    status, _, body = fetch(srv.url + path, **kw)
    assert status == 200, (path, status, body[:300])
    return body


def jsonld_blocks(html: str) -> list[dict]:
    pattern = r'<script type="application/ld\+json">(.*?)</script>'
    return [json.loads(m) for m in re.findall(pattern, html, re.S)]


def fmt_date(d: dt.date) -> str:
    return f"{d.day}.{d.month}.{d.year}"


# --------------------------------------------------------------------------- server basics


def test_url_and_lifecycle():
    server = DemoServer(today=TODAY)
    server.start()
    url = server.url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert fetch(url + "/")[0] == 200
    server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/", timeout=2)


def test_desktop_listings_show_every_offer(srv):
    home = get(srv, "/")
    for offer in catalog.OFFERS:
        assert offer.name in home
        assert catalog.fmt_monthly(offer.desktop.monthly_price) in home
        assert f'href="{offer.desktop_path}"' in home
    for cat in catalog.CATEGORIES:
        page = get(srv, cat.desktop_path)
        names = re.findall(r'<h2 class="card__title"><a href="[^"]+">([^<]+)</a></h2>', page)
        assert names == [o.name for o in catalog.offers_in(cat.id)]


def test_desktop_detail_pages(srv):
    for offer in catalog.OFFERS:
        page = get(srv, offer.desktop_path)
        assert f'<h1 class="product__title">{offer.name}</h1>' in page
        assert "<title>" + offer.name + " | Nordtel</title>" in page
        price = catalog.fmt_monthly(offer.desktop.monthly_price)
        if offer.js_pricebox:
            # The price box is filled in by JavaScript; the static HTML has no price at all.
            assert f'data-pricebox="{offer.id}"' in page
            assert price not in page
        else:
            assert f'<p class="price-box__price">{price}</p>' in page
        blocks = jsonld_blocks(page)
        assert len(blocks) == (1 if offer.jsonld else 0)
        for block in blocks:
            assert block["@type"] == "Product" and block["sku"] == offer.id
            assert block["name"] == offer.name
            assert block["offers"]["price"] == f"{offer.desktop.monthly_price:.2f}"
            assert block["offers"]["priceCurrency"] == "EUR"
            assert block["offers"]["priceSpecification"]["unitCode"] == "MON"
    assert sum(o.js_pricebox for o in catalog.OFFERS) >= 3


def test_api_offer_json(srv):
    for offer in catalog.OFFERS:
        status, headers, body = fetch(f"{srv.url}/api/offers/{offer.id}.json")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        data = json.loads(body)
        assert data["id"] == offer.id and data["name"] == offer.name
        assert Decimal(data["monthly_price"]) == offer.desktop.monthly_price
        assert data["monthly_price_text"] == catalog.fmt_monthly(offer.desktop.monthly_price)
        assert data["contract_text"] == catalog.contract_text(offer.desktop.contract_months)
    status, _, body = fetch(f"{srv.url}/api/offers/no-such-offer.json")
    assert status == 404 and json.loads(body)["error"] == "not found"


def test_mobile_site(srv):
    home = get(srv, "/m/")
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in home
    assert 'class="m-menu-toggle"' in home and 'href="/m/asiakaspalvelu"' in home
    for cat in catalog.CATEGORIES:
        page = get(srv, cat.mobile_path)
        offers = catalog.offers_in(cat.id)
        if cat.id == "kuitu":  # rendered client-side from an inline JSON array
            raw = re.search(
                r'<script type="application/json" id="tiles-data">(.*?)</script>', page, re.S
            )
            tiles = json.loads(raw.group(1))
            assert [t["title"] for t in tiles] == [o.name for o in offers]
            assert 'class="tile"' not in page
        else:
            titles = re.findall(r'<div class="tile__title">([^<]+)</div>', page)
            assert titles == [o.name for o in offers]
    for offer in catalog.OFFERS:
        page = get(srv, offer.mobile_path)
        assert f'<h1 class="product-title">{offer.name}</h1>' in page
        price = catalog.fmt_monthly(offer.mobile.monthly_price).replace(" €", "\u00a0€")
        assert price in page


def test_not_found_and_redirects(srv):
    for path in [
        "/ei-ole",
        "/tuotteet/ei-ole",
        "/m/ei-ole",
        "/m/tuote/ei-ole",
        "/static/../server.py",
        "/static/img/ei-ole.png",
    ]:
        status, _, body = fetch(srv.url + path)
        assert status == 404, path
        assert "Sivua ei löytynyt" in body
    host, port = srv.url.removeprefix("http://").split(":")
    for path, target in [("/m", "/m/"), ("/kuitu/", "/kuitu")]:
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        conn.request("GET", path)
        resp = conn.getresponse()
        assert (resp.status, resp.getheader("Location")) == (301, target)
        conn.close()
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("HEAD", "/")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == b""
    conn.close()


def test_robots_sitemap_and_static(srv):
    robots = get(srv, "/robots.txt")
    assert "Allow: /" in robots and f"Sitemap: {srv.url}/sitemap.xml" in robots
    sitemap = get(srv, "/sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{srv.url}/" in locs
    assert {srv.url + o.desktop_path for o in catalog.OFFERS} <= set(locs)
    assert not any("/m/" in loc for loc in locs)
    for path in [
        "/static/css/desktop.css",
        "/static/js/pricebox.js",
        "/static/img/nordtel-logo.png",
    ]:
        assert fetch(srv.url + path)[0] == 200


def test_cookie_banner(srv):
    for path in ["/", "/kuitu", "/m/", "/m/tuote/mbb100"]:
        assert 'id="cookie-consent"' in get(srv, path)
        button = '<button id="accept-cookies" class="btn btn-primary" type="button">'
        assert button + "Hyväksy kaikki</button>" in get(srv, path)
        assert 'id="cookie-consent"' not in get(srv, path, cookie="consent=1")


def test_no_external_resources(srv):
    pages = [
        "/",
        *(c.desktop_path for c in catalog.CATEGORIES),
        *(o.desktop_path for o in catalog.OFFERS),
        "/m/",
        *(c.mobile_path for c in catalog.CATEGORIES),
        *(o.mobile_path for o in catalog.OFFERS),
    ]
    for path in pages:
        page = get(srv, path)
        for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
            assert ref.startswith(("/", "#")), (path, ref)


# --------------------------------------------------------------------------- seeded problems


def test_seeded_problems_are_on_the_pages(srv):
    # hidden_fee: no channel on the web says anything about an activation fee for mbb-100.
    mbb100 = catalog.BY_ID["mbb-100"]
    for path in [mbb100.desktop_path, mbb100.mobile_path]:
        assert "avausmaksu" not in get(srv, path).lower()
    # price_mismatch: 29,90 on desktop, 32,90 on mobile.
    assert json.loads(get(srv, "/api/offers/mbb-300.json"))["monthly_price"] == "29.90"
    assert "32,90\u00a0€/kk" in get(srv, "/m/tuote/mbb300")
    assert "32,90" not in get(srv, "/mobiililaajakaista")
    # fine_print: on desktop the fiber-100 fee is only inside the closed <details>.
    page = get(srv, catalog.BY_ID["fiber-100"].desktop_path)
    details = re.search(r"<details class=\"more-info\">(.*?)</details>", page, re.S)
    assert "<summary>Lisätiedot ja maksut</summary>" in details.group(1)
    assert '<details class="more-info" open' not in page
    assert page.count("29,00 €") == 1 and "29,00 €" in details.group(1)
    assert "<li>Avausmaksu 29,00 €</li>" in get(srv, "/m/tuote/kuitu100")
    # missing_offer: the fiber-300 campaign is on desktop only.
    assert '<div class="campaign campaign--large">Kampanja: 3 kk 0 €/kk, sitten 44,90 €/kk' in get(
        srv, "/tuotteet/kuitu-300m"
    )
    assert "Kampanja" not in get(srv, "/m/tuote/kuitu300")
    assert "Kampanja" not in get(srv, "/m/kuitu")
    # brand: desktop blue + current logo, mobile orange + 2019 logo.
    desktop, mobile = get(srv, "/"), get(srv, "/m/")
    assert '<meta name="theme-color" content="#0050B4">' in desktop
    assert '<meta name="theme-color" content="#E4572E">' in mobile
    assert 'src="/static/img/nordtel-logo.png" alt="Nordtel" class="logo' in desktop
    assert 'src="/static/img/nordtel-logo-2019.png" alt="Nordtel" class="m-logo logo"' in mobile
    assert "© Nordtel Oy" in desktop and "© Nordtel Oy" in mobile
    assert "background: #0050B4" in get(srv, "/static/css/desktop.css")
    assert "background: #E4572E" in get(srv, "/static/css/mobile.css")


def test_campaign_dates_follow_today():
    for today in [dt.date(2026, 11, 23), dt.date(2027, 2, 28)]:
        with DemoServer(today=today) as server:
            fiber = get(server, "/tuotteet/kuitu-300m")
            ends = today + dt.timedelta(days=30)
            assert f"voimassa {fmt_date(ends)} asti" in fiber
            assert jsonld_blocks(fiber)[0]["offers"]["priceValidUntil"] == ends.isoformat()
            stale = today - dt.timedelta(days=14)
            assert (
                f"Syystarjous: 6 kk 9,90 €/kk, sitten 19,90 €/kk, voimassa {fmt_date(stale)} asti"
                in get(server, "/tuotteet/puhe-5g-50-gt")
            )
            assert f"voimassa {fmt_date(stale)} asti" in get(server, "/m/tuote/puhe5g50")
            api = json.loads(get(server, "/api/offers/fiber-300.json"))
            assert api["campaign_ends"] == ends.isoformat()


def test_default_today_is_the_real_date():
    with DemoServer() as server:
        ends = dt.date.today() + dt.timedelta(days=30)
        assert f"voimassa {fmt_date(ends)} asti" in get(server, "/kuitu")


# --------------------------------------------------------------------------- the catalog


SEEDED_DIFFERENCES = {
    ("mbb-300", "mobile"): {"monthly_price"},
    ("fiber-100", "mobile"): {"fee_placement"},
    ("fiber-300", "mobile"): {"campaign"},
    ("mbb-100", "chat"): {"activation_fee"},
    ("puhe-5g-rajaton", "chat"): {"contract_months"},
}


def test_channels_differ_only_where_seeded():
    fields = [
        "monthly_price",
        "activation_fee",
        "contract_months",
        "delivery_fee",
        "campaign",
        "fee_placement",
    ]
    for offer in catalog.OFFERS:
        for channel in ["mobile", "chat"]:
            facts = getattr(offer, channel)
            if facts is None:
                continue
            diff = {f for f in fields if getattr(facts, f) != getattr(offer.desktop, f)}
            if channel == "chat":  # chat states only some attributes; unstated is None
                diff = {
                    f
                    for f in diff
                    if getattr(facts, f) is not None and f not in {"campaign", "fee_placement"}
                }
            assert diff == SEEDED_DIFFERENCES.get((offer.id, channel), set()), (offer.id, channel)
    for offer_id in catalog.CONSISTENT_OFFERS:
        offer = catalog.BY_ID[offer_id]
        assert offer.mobile == offer.desktop


# --------------------------------------------------------------------------- transcripts


def load_transcripts() -> list[tuple[Path, dict]]:
    files = sorted(TRANSCRIPTS_DIR.glob("*.json"))
    return [(f, json.loads(f.read_text(encoding="utf-8"))) for f in files]


def company_lines(data: dict) -> list[str]:
    return [m["text"] for m in data["messages"] if m["role"] in {"agent", "bot"}]


def test_transcripts_parse_and_use_known_roles():
    transcripts = load_transcripts()
    assert len(transcripts) >= 10
    ids = set()
    for path, data in transcripts:
        assert data["format"] == "omniaudit-transcript/1"
        assert data["id"] == path.stem and data["id"] not in ids
        ids.add(data["id"])
        dt.datetime.fromisoformat(data["started_at"])
        assert data["messages"]
        for message in data["messages"]:
            assert message["role"] in KNOWN_ROLES
            assert isinstance(message["text"], str) and message["text"]
            assert dt.datetime.fromisoformat(message["timestamp"]).utcoffset() is not None
            if message["role"] in {"customer", "agent", "bot"}:
                assert message["name"]
        # One message object per line: each message's text is on its own line of the file.
        lines = path.read_text(encoding="utf-8").splitlines()
        message_lines = [
            json.loads(line.strip().rstrip(",")) for line in lines if line.startswith("  {")
        ]
        assert message_lines == data["messages"]


def test_transcripts_state_the_catalog_chat_facts():
    texts = [t for _, data in load_transcripts() for t in company_lines(data)]
    everything = "\n".join(texts)
    # Every amount an agent or bot states is one the catalog says chat states.
    stated = set()
    for offer in catalog.OFFERS:
        if offer.chat is None:
            continue
        for value in [offer.chat.monthly_price, offer.chat.activation_fee, offer.chat.delivery_fee]:
            if value is not None and value != 0:
                stated.add(value)
    for amount in AMOUNT.findall(everything):
        assert Decimal(amount.replace(",", ".")) in stated, amount
    for value in stated:
        assert catalog.fmt_eur(value) in everything
    # The seeded chat claims.
    assert "avausmaksu on 4,90 €" in everything
    assert "Puhe 5G Rajaton on 24 kk määräaikainen sopimus" in everything
    assert "Kiitos kun valitsit Nortelin!" in everything
    assert "Hei! Olen Nordtel-botti." in everything
    # Never date-relative facts, never the mbb-300 / fiber-300 prices that differ by channel.
    assert "voimassa" not in everything.replace("voimassa oleva", "")
    assert "asti" not in everything.split()
    for word in ["32,90", "29,90 €/kk, mobiili", "44,90", "Kuitu 300", "Mobiililaajakaista 300"]:
        assert word not in everything
    # Customers include personal data the tool must mask.
    customer_text = "\n".join(
        m["text"] for _, d in load_transcripts() for m in d["messages"] if m["role"] == "customer"
    )
    assert re.search(r"[\w.]+@example\.com", customer_text)
    assert re.search(r"\b0\d{2} \d{3} \d{4}\b", customer_text)


def test_chat_aliases_are_configured():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in config["subjects"]}
    everything = "\n".join(m["text"] for _, d in load_transcripts() for m in d["messages"])
    for offer_id, aliases in catalog.CHAT_ALIASES.items():
        for alias in aliases:
            assert alias in by_id[offer_id]["aliases"], (offer_id, alias)
            assert alias.lower() in everything.lower(), alias


# --------------------------------------------------------------------------- config and answer key


def test_answer_key_matches_config_and_catalog():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    key = json.loads(ANSWER_KEY_PATH.read_text(encoding="utf-8"))
    subject_ids = [s["id"] for s in config["subjects"]]
    assert subject_ids == [o.id for o in catalog.OFFERS]
    for subject in config["subjects"]:
        assert subject["name"] == catalog.BY_ID[subject["id"]].name
    assert set(config["channels"]) == {"desktop", "mobile", "chat"}
    assert (CONFIG_PATH.parent / config["brand"]["logo"]).is_file()
    assert (CONFIG_PATH.parent / config["channels"]["chat"]["path"]).resolve() == TRANSCRIPTS_DIR
    for problem in key["problems"]:
        assert problem["subject"] == "brand" or problem["subject"] in subject_ids
        assert problem["subject"] == "brand" or problem["subject"] in catalog.BY_ID
        assert set(problem["channels"]) <= set(config["channels"])
    checks = {p["check"] for p in key["problems"]}
    assert checks == {
        "hidden_fee",
        "price_mismatch",
        "fine_print",
        "missing_offer",
        "contract_mismatch",
        "stale_offer",
        "logo_drift",
        "color_drift",
        "brand_name",
    }
    assert key["consistent"] == list(catalog.CONSISTENT_OFFERS)
    problem_subjects = {p["subject"] for p in key["problems"]}
    assert not problem_subjects & set(key["consistent"])


def test_logos():
    from PIL import Image

    current = DEMO_DIR / "static" / "img" / "nordtel-logo.png"
    old = DEMO_DIR / "static" / "img" / "nordtel-logo-2019.png"
    reference = DEMO_DIR / "brand" / "nordtel-logo.png"
    assert current.read_bytes() == reference.read_bytes()
    for path in [current, old]:
        with Image.open(path) as im:
            assert im.size == (200, 60) and im.mode == "RGB"
    imagehash = pytest.importorskip("imagehash")
    with Image.open(current) as a, Image.open(old) as b:
        assert imagehash.phash(a) - imagehash.phash(b) >= 20
