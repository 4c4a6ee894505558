"""Observations from one rendered page.

Input is what ``capture/page_script.js`` read from the rendered DOM (text units with how
each was shown, subject hints, logo, colours) plus the page's HTML for schema.org data.
This module is pure: no browser, no network, so it is tested on fixtures and re-runnable.

* Text units → :func:`auditor.extract.text.extract_facts` → one observation per fact, with
  the unit's subject hints (a card's own title; elsewhere the nearest titles, then the
  page's own title), its struck-through spans (an amount there is a ``list_price``) and its
  role on the page: ``main`` (the page's own offer), ``other`` (another product's card) or
  ``chrome`` (header, navigation, footer: channel-wide, never one offer's; matching also
  turns text repeated on most pages of a channel into chrome).
* A page's observations come in order of role (its own offer first) and, for prices, of
  prominence (the largest price of the main offer first): the first ``price`` of a page is
  its product's price.
* schema.org Product/Offer data (extruct: JSON-LD, microdata, RDFa) → ``source="structured"``
  observations, hinted by ``sku``/``gtin`` and name; OpenGraph product tags
  (``product:price:amount``, ``og:title``) when a page has no schema.org offer.
* Configured selectors (a channel's ``selectors``: ``{attribute: "css:..." | "xpath:..."}``)
  override the heuristics for their attribute: the text observations of that attribute are
  dropped and the selected elements' text is read as that attribute instead
  (``source="selector"``). The site owner knows where the fee is; the heuristics guess.
* Branding → ``brand`` observations: the brand name (logo alt text, og:site_name and text
  mentions, including misspellings and retired names), the logo's perceptual hash (added by
  the capture stage, which has the pixels) and the primary colour of the page chrome.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from coloraide import Color

from auditor.extract.brand import brand_mentions, mention_value
from auditor.extract.money import parse_amount
from auditor.extract.text import (
    ATTRIBUTE_WORD_RE,
    FEE_NOUN_RE,
    FEES,
    FREE_WORD_RE,
    LABEL_RE,
    Fact,
    extract_facts,
    header_period,
    printed_amounts,
    said_of_all,
)
from auditor.model import (
    BRAND_SUBJECT,
    MONEY_ATTRIBUTES,
    MONTH_ATTRIBUTES,
    Evidence,
    Observation,
    Shown,
    observation_id,
)

# Colours whose chroma (LCh) is below this are greys: backgrounds, not brand colours.
_MIN_CHROMA = 20.0


@dataclass(frozen=True)
class Box:
    """An element's box in page coordinates (CSS pixels)."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class PageObservation:
    """An observation plus the element box its screenshot crop comes from."""

    observation: Observation
    box: Box | None
    #: How strongly the page marks the element as the price (reading order only): the
    #: shop's markup calls it a price (+1), it sits inside a link (-1: a menu, a tile).
    emphasis: int = 0


def _box(raw: Mapping[str, float] | None) -> Box | None:
    if not raw or raw.get("w", 0) <= 0 or raw.get("h", 0) <= 0:
        return None
    return Box(raw["x"], raw["y"], raw["w"], raw["h"])


def observations_from_page(
    page: Mapping[str, Any],
    html: str,
    *,
    channel: str,
    viewport: str,
    brand: str | None = None,
    retired: Sequence[str] = (),
    today: date | None = None,
    selectors: Mapping[str, str] | None = None,
    currency: str | None = None,
) -> list[PageObservation]:
    """All observations of one page, de-duplicated by id: the page's own offer first, its
    most prominent price first among them, then other products', then the chrome.

    ``selectors`` are the channel's configured selectors; the attributes they name are read
    only from the elements they select (``page["selected"]``, from ``page_script.js``).
    ``currency`` is the channel's own currency (what "kr" or "$" means there).
    """
    if not isinstance(page, Mapping):
        return []
    html = html if isinstance(html, str) else ""
    url = str(page.get("url", ""))
    overridden = frozenset(selectors or ())
    out: list[PageObservation] = []
    after_campaign: set[str] = set()
    out += [po for po in _text_observations(page, channel=channel, url=url, viewport=viewport,
                                            today=today, currency=currency,
                                            after_campaign=after_campaign)
            if po.observation.attribute not in overridden]
    out = _campaign_prices(out, after_campaign)
    if overridden:
        out += _selected_observations(page, channel=channel, url=url, viewport=viewport,
                                      today=today, attributes=overridden, currency=currency)
    main_title = page.get("main_title") if isinstance(page.get("main_title"), str) else None
    structured = _structured_observations(html, channel=channel, url=url, today=today,
                                          main_title=main_title)
    out += _printed_elsewhere(structured, page, out)
    if brand:
        out += _brand_observations(page, html, channel=channel, url=url, viewport=viewport,
                                   brand=brand, retired=retired)
    seen: set[str] = set()
    unique = []
    for po in out:
        if po.observation.id not in seen:
            seen.add(po.observation.id)
            unique.append(po)
    return sorted(unique, key=_reading_order)


def _printed_elsewhere(structured: Iterable[PageObservation], page: Mapping[str, Any],
                       visible: Sequence[PageObservation]) -> list[PageObservation]:
    """Structured prices, less those the page prints in words a shopper reads as another
    figure: a device's JSON-LD ``price`` that is the 24-month total ("totalt kr 4 296,-")
    beside its visible monthly price says nothing the page hides. Only where the page shows
    prices of its own: elsewhere the structured value is the only price there is."""
    structured = list(structured)
    shows_prices = any(po.observation.attribute in _PRICE_ATTRIBUTES for po in visible)
    if not shows_prices:
        return structured
    printed: set[Decimal] = set()
    for unit in page.get("units") or ():
        if isinstance(unit, Mapping) and unit.get("role") != "chrome":
            printed |= printed_amounts(str(unit.get("text") or ""))
    return [po for po in structured
            if not (po.observation.attribute in _PRICE_ATTRIBUTES
                    and isinstance(po.observation.value, Decimal)
                    and po.observation.value in printed
                    and not any(v.observation.value == po.observation.value for v in visible))]


_PRICE_ATTRIBUTES = frozenset({"price", "monthly_price", "promo_price", "list_price"})
_ROLE_RANK = {"main": 0, None: 1, "other": 2, "chrome": 3}
_SOURCE_RANK = {"selector": 0, "text": 1, "structured": 2}
_PRICES = frozenset({"price", "monthly_price", "promo_price"})


def _reading_order(po: PageObservation) -> tuple[int, int, int, float, int]:
    """The page's own offer first; among its prices the visible one the page marks as the
    price, then the largest (the price a shopper reads), then structured data; then other
    products; the chrome last."""
    o = po.observation
    price = o.attribute in _PRICES
    visible = price and o.shown.visible is not False
    prominence = -(o.shown.font_px or 0.0) if visible else 0.0
    return (_ROLE_RANK.get(o.role, 1), 0 if price else 1, -po.emphasis if visible else 0,
            prominence, _SOURCE_RANK.get(o.source, 1) if price else 0)


def _units(page: Mapping[str, Any], key: str) -> Iterable[Mapping[str, Any]]:
    """The well-formed unit dicts under ``key``; anything else the page script sent is skipped."""
    units = page.get(key)
    if not isinstance(units, list | tuple):
        return
    for unit in units:
        if isinstance(unit, Mapping) and isinstance(unit.get("text", ""), str):
            yield unit


def _hints(unit: Mapping[str, Any]) -> tuple[str, ...]:
    raw = unit.get("hints")
    return tuple(h for h in raw if isinstance(h, str)) if isinstance(raw, list | tuple) else ()


def _shown(unit: Mapping[str, Any], attribute: str | None = None) -> Shown:
    font, contrast, fold = unit.get("font_px"), unit.get("contrast"), unit.get("above_fold")
    section = unit.get("section") if unit.get("collapsed") else None
    section = section[:120] if isinstance(section, str) and section else None
    return Shown(
        visible=bool(unit.get("visible")),
        font_px=font if isinstance(font, int | float) else None,
        contrast=contrast if isinstance(contrast, int | float) else None,
        collapsed=bool(unit.get("collapsed")),
        above_fold=fold if isinstance(fold, bool) else None,
        section=section,
        section_names_it=_names_fee(section, attribute) if section and attribute else None,
    )


def _names_fee(title: str, attribute: str) -> bool:
    """Whether a section title names this kind of fee ("Livraison", "Frais de port")."""
    if attribute not in FEES:
        return False
    return any(m.lastgroup == attribute for rx in (LABEL_RE, FEE_NOUN_RE)
               for m in rx.finditer(title))


def _selector(unit: Mapping[str, Any]) -> str | None:
    sel = unit.get("selector")
    return sel if isinstance(sel, str) else None


def _role(unit: Mapping[str, Any]) -> str:
    role = unit.get("role")
    if role in ("main", "other", "chrome"):
        return str(role)
    return "chrome" if unit.get("chrome") else "main"


def _struck(unit: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    raw = unit.get("struck")
    if not isinstance(raw, list | tuple):
        return ()
    return tuple((int(p[0]), int(p[1])) for p in raw
                 if isinstance(p, list | tuple) and len(p) == 2
                 and all(isinstance(v, int) and not isinstance(v, bool) for v in p))


def _campaign_prices(found: list[PageObservation],
                     after_campaign: set[str]) -> list[PageObservation]:
    """Campaign prices a page prints apart from their terms.

    A card shows "199:-/mån" big and, in the next line, "i 6 mån, därefter 279:-/mån"; a
    price box says "399 kr/mån" and the terms below say "de första 6 månaderna". Within one
    offer's region of the page (its card, or the page's own offer), once a price is stated
    as the one that follows a campaign ("därefter", "then", "sitten") or a campaign price is
    stated, another, lower monthly price of that region is the campaign's: two monthly
    prices of one offer on one page are its campaign price and its regular price, not two
    rival prices.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, po in enumerate(found):
        o = po.observation
        hints = [h for h in o.subject_hints if not h.startswith("sku:")]
        skus = [h for h in o.subject_hints if h.startswith("sku:")]
        # The page's own offer is one region whatever its sections (its title is the last
        # hint); a card is its own title.
        name = (hints[-1] if o.role == "main" else hints[0]) if hints else ""
        groups.setdefault((o.role, skus[0] if skus else name), []).append(i)
    out = list(found)
    for members in groups.values():
        obs = [found[i].observation for i in members]
        regular = {o.value for o in obs
                   if o.id in after_campaign and o.attribute == "monthly_price"}
        promo = {o.value for o in obs if o.attribute == "promo_price"}
        if not regular and not promo:
            continue
        floor = min(regular) if regular else None
        for i in members:
            o = found[i].observation
            if o.attribute != "monthly_price" or o.id in after_campaign:
                continue
            if o.value in promo or (floor is not None and o.value < floor):
                out[i] = PageObservation(dataclasses.replace(o, attribute="promo_price"),
                                         found[i].box, found[i].emphasis)
    return out


def _label_strength(text: str, money: bool) -> int:
    """How surely a table header labels a cell: 0 when it is no label. Over an amount of
    money ``money``, a price or fee label ("Etableringsgebyr", "Levering") is 2 and a word
    of another attribute 1: an offer's name may hold such a word ("Flex uten binding"), and
    a fee's label beats it. Over anything else every label is 1."""
    # An aside in parentheses says nothing of what the cell is: "TryggHem Flex (utan
    # bindningstid)" names an offer, "Startavgift" labels a fee.
    text = _ASIDE_RE.sub(" ", text)
    if LABEL_RE.search(text) or FEE_NOUN_RE.search(text):
        return 2 if money else 1
    return 1 if ATTRIBUTE_WORD_RE.search(text) else 0


_ASIDE_RE = re.compile(r"\([^()]{0,80}\)")


def _with_table_headers(unit: Mapping[str, Any]
                        ) -> tuple[str, tuple[tuple[int, int], ...], tuple[str, ...]]:
    """A table cell's text, struck spans and hints, with its headers put where they belong.

    In a comparison table the columns are offers ("5 GB" | "15 GB") and the rows attributes
    ("Pris", "Binding"); in a fee table it is the other way round ("Whole Home Wi-Fi" rows
    under a "Delivery" column). The header that reads as a price or fee label is the label
    (prefixed to the value); the other one names the offer (the first hint).
    """
    text, struck, hints = unit.get("text", ""), _struck(unit), _hints(unit)
    table = unit.get("table")
    if not isinstance(table, Mapping):
        return text, struck, hints
    column, row = table.get("column"), table.get("row")
    column = column if isinstance(column, str) and column else None
    row = row if isinstance(row, str) and row else None
    money = bool(printed_amounts(text))
    column_strength = _label_strength(column, money) if column else 0
    label, name = (column, row) if column_strength > (
        _label_strength(row, money) if row else 0) else (row, column)
    if label and len(label) <= 60:
        shift = len(label) + 1
        text = f"{label} {text}"
        struck = tuple((a + shift, b + shift) for a, b in struck)
    if name and len(name) < 120:
        hints = (name, *hints)
    return text, struck, hints


def _column_period(unit: Mapping[str, Any], facts: list[Fact]) -> list[Fact]:
    """Amounts in a table column whose header states a period take it when they state none.

    "Abonnement TTC/mois" over "11,73 €" is a monthly price, "kWh TTC" over "0,2276 €" a
    price per kWh: the header is written once for the whole column.
    """
    table = unit.get("table")
    column = table.get("column") if isinstance(table, Mapping) else None
    period = header_period(column) if isinstance(column, str) and column else None
    if period is None:
        return facts
    out = []
    for f in facts:
        if f.attribute in ("price", "list_price") and f.period == "once":
            attribute = "monthly_price" if period == "month" and f.attribute == "price" else \
                f.attribute
            f = dataclasses.replace(f, attribute=attribute, period=period)
        out.append(f)
    return out


def _text_observations(page: Mapping[str, Any], *, channel: str, url: str, viewport: str,
                       today: date | None, currency: str | None = None,
                       after_campaign: set[str] | None = None) -> Iterable[PageObservation]:
    for unit in _units(page, "units"):
        text, struck, hints = _with_table_headers(unit)
        if unit.get("price_class") == "list":
            # The shop's markup calls it the old price ("price-tag old-price"): struck.
            struck = ((0, len(text)),)
        facts = extract_facts(text, today=today, struck=struck, currency=currency,
                              price_element=unit.get("price_class") == "price")
        if not facts:
            continue
        facts = _column_period(unit, facts)
        shown = _shown(unit)
        html = unit.get("html")
        evidence = Evidence(url=url, selector=_selector(unit), viewport=viewport,
                            html=html if isinstance(html, str) else None)
        role = _role(unit)
        emphasis = (unit.get("price_class") == "price") - bool(unit.get("linked"))
        for f in facts:
            # "Tous nos abonnements … frais d'activation CHF 40.–": said of every offer.
            fact_role = "chrome" if role != "chrome" and said_of_all(text, f.span[0]) else role
            obs = Observation(
                id=observation_id(channel, f.attribute, f.value, url, _selector(unit),
                                  f.span[0]),
                channel=channel, attribute=f.attribute, value=f.value, text=text,
                evidence=evidence, subject_hints=hints, period=f.period,
                # "Livraison gratuite" is free in the channel's currency.
                currency=f.currency or (currency if f.attribute in MONEY_ATTRIBUTES else None),
                shown=shown if not shown.section else _shown(unit, f.attribute),
                source="text", role=fact_role, span=f.span,
                free_from=f.free_from,
            )
            if f.after_campaign and after_campaign is not None:
                after_campaign.add(obs.id)
            yield PageObservation(obs, _box(unit.get("box")), emphasis)


# --- configured selectors ---------------------------------------------------------------

def _selected_observations(page: Mapping[str, Any], *, channel: str, url: str, viewport: str,
                           today: date | None, attributes: frozenset[str],
                           currency: str | None = None) -> Iterable[PageObservation]:
    """One observation per element a configured selector picked, read as its attribute."""
    for unit in _units(page, "selected"):
        attribute = unit.get("attribute")
        # The page sent it, so it may be anything: only a configured attribute name counts.
        if not isinstance(attribute, str) or attribute not in attributes or unit.get("error"):
            continue
        text = unit.get("text", "")
        read = selected_value(str(attribute), text, today, struck=_struck(unit),
                              currency=currency)
        if read is None:
            continue
        value, cur, period = read
        html = unit.get("html")
        evidence = Evidence(url=url, selector=_selector(unit), viewport=viewport,
                            html=html if isinstance(html, str) else None)
        obs = Observation(
            id=observation_id(channel, attribute, value, url, _selector(unit), "selector"),
            channel=channel, attribute=str(attribute), value=value, text=text,
            evidence=evidence, subject_hints=_hints(unit), currency=cur, period=period,
            shown=_shown(unit, str(attribute)), source="selector", match=None,
            role=_role(unit))
        yield PageObservation(obs, _box(unit.get("box")))


def selected_value(attribute: str, text: str, today: date | None = None, *,
                   struck: Iterable[tuple[int, int]] = (), currency: str | None = None,
                   ) -> tuple[Any, str | None, str | None] | None:
    """The value of ``attribute`` in the text of an element a selector picked.

    The selector says *what* the element is, so the text only has to say *how much*: a fact
    of that attribute if the extractor finds one, else any amount (money attributes), a
    count (months), a free word ("ilmainen", "free" → 0), or the text itself (``offer``).
    """
    facts = extract_facts(text, today=today, struck=tuple(struck), currency=currency)
    same = [f for f in facts if f.attribute == attribute]
    if same:
        return same[0].value, same[0].currency, same[0].period
    if attribute in MONEY_ATTRIBUTES:
        period = "month" if attribute in ("monthly_price", "promo_price") else "once"
        money = [f for f in facts if f.attribute in MONEY_ATTRIBUTES]
        if money:
            return money[0].value, money[0].currency, period
        parsed = parse_amount(text)
        if parsed:
            return parsed[0], parsed[1], period
        if FREE_WORD_RE.search(text):
            return Decimal(0), None, period
        return None
    if attribute in MONTH_ATTRIBUTES:
        counts = [f for f in facts if f.attribute == attribute] or [
            f for f in facts if f.attribute in MONTH_ATTRIBUTES]
        if counts:
            return counts[0].value, None, None
        parsed = parse_amount(text)
        return (parsed[0], None, None) if parsed else None
    if attribute == "offer":
        text = " ".join(text.split())[:200]
        return (text, None, None) if text else None
    return None


# --- schema.org -----------------------------------------------------------------------

def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _first_str(v: Any) -> str | None:
    for item in _as_list(v):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, Mapping):
            s = _first_str(item.get("@value") or item.get("name"))
            if s:
                return s
    return None


def _decimal(v: Any) -> Decimal | None:
    s = _first_str(v) if not isinstance(v, int | float) else str(v)
    if s is None:
        return None
    try:
        return Decimal(s.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None


def _is_monthly(spec: Mapping[str, Any]) -> bool:
    """UnitPriceSpecification billed per month (unitCode MON, referenceQuantity or duration)."""
    codes = {str(spec.get("unitCode", "")).upper(), str(spec.get("unitText", "")).lower()}
    for q in _as_list(spec.get("referenceQuantity")) + _as_list(spec.get("billingDuration")):
        if isinstance(q, Mapping):
            codes |= {str(q.get("unitCode", "")).upper(), str(q.get("unitText", "")).lower()}
        elif isinstance(q, str):
            codes.add(q.upper())
    return bool(codes & {"MON", "month", "kk", "P1M", "kuukausi"})


def _spec_attribute(spec: Mapping[str, Any], monthly: bool) -> str:
    """A PriceSpecification's attribute: a fee when its name is a fee label ("Avausmaksu",
    "Activation fee"), else the monthly or one-off price."""
    label = LABEL_RE.search(_first_str(spec.get("name")) or _first_str(spec.get("description"))
                            or "")
    if label and label.lastgroup in FEES:
        return label.lastgroup
    return "monthly_price" if monthly else "price"


def _products(html: str, url: str) -> list[Mapping[str, Any]]:
    import extruct  # imported lazily: it pulls in rdflib, which is slow to import

    try:
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "rdfa"],
                               uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 - malformed markup yields no structured data, not a crash
        return []
    found: list[Mapping[str, Any]] = []

    def walk(item: Any) -> None:
        if isinstance(item, list):
            for i in item:
                walk(i)
        elif isinstance(item, Mapping):
            types = {str(t).rsplit("/", 1)[-1] for t in _as_list(item.get("@type"))}
            if types & {"Product", "Service", "IndividualProduct", "ProductModel"}:
                found.append(item)
            for key in ("@graph", "itemListElement", "item", "mainEntity"):
                walk(item.get(key))

    for syntax in ("json-ld", "microdata"):
        walk(data.get(syntax, []))
    walk(_rdfa_trees(data.get("rdfa", [])))
    return found


_SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/")


def _rdfa_trees(nodes: Any) -> list[Mapping[str, Any]]:
    """extruct's RDFa is flat (full IRIs as keys, offers as ``{"@id": ...}`` references):
    compact the schema.org keys and inline the references, so it reads like JSON-LD."""
    if not isinstance(nodes, list):
        return []
    by_id = {n["@id"]: n for n in nodes if isinstance(n, Mapping) and isinstance(n.get("@id"), str)}

    def compact(node: Mapping[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            short = key[len(next(p for p in _SCHEMA_PREFIXES if key.startswith(p))):] \
                if key.startswith(_SCHEMA_PREFIXES) else key
            items = []
            for item in _as_list(value):
                ref = item.get("@id") if isinstance(item, Mapping) and len(item) == 1 else None
                if isinstance(ref, str) and ref in by_id and depth < 4:
                    items.append(compact(by_id[ref], depth + 1))
                else:
                    items.append(item)
            out[short] = items if key != "@type" else value
        return out

    return [compact(n, 0) for n in nodes if isinstance(n, Mapping)]


def _main_product(products: Sequence[Mapping[str, Any]], main_title: str | None) -> int | None:
    """Which schema.org product is the page's own: the one named like the page's title, or
    the only one with an offer. Others (related products, an ItemList) are ``other``."""
    from rapidfuzz import fuzz

    with_offers = [i for i, p in enumerate(products) if _as_list(p.get("offers"))]
    if main_title:
        key = " ".join(main_title.casefold().split())
        scored = [(fuzz.token_set_ratio(key, " ".join(
            (_first_str(products[i].get("name")) or "").casefold().split())), i)
            for i in with_offers]
        best = max(scored, default=(0, None))
        if best[0] >= 90:
            return best[1]
    return with_offers[0] if len(with_offers) == 1 else None


_LIST_PRICE_TYPES = ("listprice", "strikethroughprice", "srp", "msrp", "invoiceprice")


def _structured_observations(html: str, *, channel: str, url: str, today: date | None,
                             main_title: str | None = None) -> Iterable[PageObservation]:
    if "schema.org" not in html and "application/ld+json" not in html:
        yield from _opengraph_observations(html, channel=channel, url=url)
        return
    products = _products(html, url)
    if not any(_as_list(p.get("offers")) for p in products):
        yield from _opengraph_observations(html, channel=channel, url=url)
    main = _main_product(products, main_title)
    for index, prod in enumerate(products):
        name = _first_str(prod.get("name"))
        sku = _first_str(prod.get("sku")) or _first_str(prod.get("gtin"))
        hints = tuple(h for h in (f"sku:{sku}" if sku else None, name) if h)
        role = "main" if index == main else "other"
        for offer in _as_list(prod.get("offers")):
            if not isinstance(offer, Mapping):
                continue
            currency = _first_str(offer.get("priceCurrency"))
            specs = [s for s in _as_list(offer.get("priceSpecification"))
                     if isinstance(s, Mapping)]
            entries: list[tuple[str, Decimal, str | None, str | None]] = []
            for spec in specs:
                amount = _decimal(spec.get("price"))
                if amount is None:
                    continue
                monthly = _is_monthly(spec)
                kind = str(_first_str(spec.get("priceType")) or "").rsplit("/", 1)[-1].lower()
                attribute = "list_price" if kind in _LIST_PRICE_TYPES else \
                    _spec_attribute(spec, monthly)
                entries.append((attribute, amount,
                                _first_str(spec.get("priceCurrency")) or currency,
                                "month" if monthly else "once"))
            # The Offer's own price, unless a price specification already states it (a
            # monthly UnitPriceSpecification of the same amount); an AggregateOffer's lowest
            # price is what a shopper is told first.
            amount = _decimal(offer.get("price"))
            if amount is None and not any(e[0] != "list_price" for e in entries):
                amount = _decimal(offer.get("lowPrice"))
            if amount is not None and not any(e[0] != "list_price" and e[1] == amount
                                              for e in entries):
                entries.insert(0, ("price", amount, currency, "once"))
            valid_until = _first_str(offer.get("priceValidUntil"))
            evidence = Evidence(url=url, selector='script[type="application/ld+json"]',
                                html=json.dumps(offer, ensure_ascii=False, default=str)[:600])
            text = f"schema.org Offer of {name or sku or 'a product'}"
            for attribute, amount, cur, period in entries:
                obs = Observation(
                    id=observation_id(channel, attribute, amount, url, "schema.org", sku, name),
                    channel=channel, attribute=attribute, value=amount, text=text,
                    evidence=evidence, subject_hints=hints, currency=cur, period=period,
                    source="structured", role=role)
                yield PageObservation(obs, None)
            if valid_until:
                iso = valid_until[:10]
                obs = Observation(
                    id=observation_id(channel, "offer_ends", iso, url, "schema.org", sku, name),
                    channel=channel, attribute="offer_ends", value=iso,
                    text=f"priceValidUntil {valid_until}", evidence=evidence,
                    subject_hints=hints, source="structured", role=role)
                yield PageObservation(obs, None)


def _opengraph_observations(html: str, *, channel: str,
                            url: str) -> Iterable[PageObservation]:
    """``product:price:amount`` (or ``og:price:amount``) with ``og:title`` as the name.

    OpenGraph is what link previews show, so a price there is a price customers see. It
    is read only when the page has no schema.org offer, which says more (billing period,
    validity) about the same price.
    """
    if "og:" not in html and "product:" not in html:
        return
    import extruct

    try:
        data = extruct.extract(html, base_url=url, syntaxes=["opengraph"], uniform=True,
                               errors="ignore")
    except Exception:  # noqa: BLE001 - malformed markup yields no structured data, not a crash
        return
    for og in _as_list(data.get("opengraph")):
        if not isinstance(og, Mapping):
            continue
        amount = _decimal(og.get("product:price:amount") or og.get("og:price:amount"))
        if amount is None:
            continue
        currency = _first_str(og.get("product:price:currency") or og.get("og:price:currency"))
        name = _first_str(og.get("og:title"))
        sku = _first_str(og.get("product:retailer_item_id")) or _first_str(og.get("product:sku"))
        hints = tuple(h for h in (f"sku:{sku}" if sku else None, name) if h)
        evidence = Evidence(url=url, selector='meta[property="product:price:amount"]',
                            html=json.dumps({k: v for k, v in og.items() if k != "@context"},
                                            ensure_ascii=False, default=str)[:600])
        obs = Observation(
            id=observation_id(channel, "price", amount, url, "opengraph", sku, name),
            channel=channel, attribute="price", value=amount,
            text=f"OpenGraph price of {name or sku or 'the page'}", evidence=evidence,
            subject_hints=hints, currency=currency.upper() if currency else None,
            period="once", source="structured", role="main")
        yield PageObservation(obs, None)


# --- branding -------------------------------------------------------------------------

def primary_colour(colours: Sequence[Mapping[str, Any]]) -> tuple[str, str | None] | None:
    """The most area-weighted saturated background colour of the page chrome, as ``#RRGGBB``."""
    weight: dict[str, float] = defaultdict(float)
    where: dict[str, str] = {}
    for c in colours:
        r, g, b = (int(round(v)) for v in c["rgb"][:3])
        hexa = f"#{r:02X}{g:02X}{b:02X}"
        if Color(hexa).convert("lch")["chroma"] < _MIN_CHROMA:
            continue
        weight[hexa] += float(c.get("area", 0))
        where.setdefault(hexa, c.get("selector"))
    if not weight:
        return None
    best = max(weight, key=weight.__getitem__)
    return best, where.get(best)


def _brand_observations(page: Mapping[str, Any], html: str, *, channel: str, url: str,
                        viewport: str, brand: str,
                        retired: Sequence[str]) -> Iterable[PageObservation]:
    def brand_obs(attribute: str, value: Any, text: str, selector: str | None,
                  box: Mapping[str, float] | None, shown: Shown | None = None) -> PageObservation:
        obs = Observation(
            id=observation_id(channel, attribute, value, url, selector),
            channel=channel, attribute=attribute, value=value, text=text,
            evidence=Evidence(url=url, selector=selector, viewport=viewport),
            subject=BRAND_SUBJECT, match="brand", shown=shown or Shown(), source="page")
        return PageObservation(obs, _box(box))

    logo = page.get("logo")
    if logo and logo.get("alt"):
        for m in brand_mentions(logo["alt"], brand, retired) or ():
            value = mention_value(m, brand)
            yield brand_obs("brand_name", value, f"logo alt text: {logo['alt']}",
                            logo.get("selector"), logo.get("box"))
    for unit in page.get("units", ()):
        text = unit.get("text", "")
        for m in brand_mentions(text, brand, retired):
            if m.kind == "exact":
                continue  # correct mentions are counted once per page, from the logo
            yield brand_obs("brand_name", mention_value(m, brand), text, unit.get("selector"),
                            unit.get("box"),
                            Shown(visible=bool(unit.get("visible"))))
    colour = primary_colour(page.get("colours") or ())
    if colour:
        hexa, selector = colour
        yield brand_obs("color_primary", hexa, f"background colour {hexa} of {selector}",
                        selector, None)
    elif page.get("theme_color"):
        theme = str(page["theme_color"]).strip()
        try:
            hexa = Color(theme).convert("srgb").to_string(hex=True).upper()[:7]
        except (ValueError, TypeError):
            hexa = None
        if hexa:
            yield brand_obs("color_primary", hexa, f'<meta name="theme-color" content="{theme}">',
                            'meta[name="theme-color"]', None)
    fonts = page.get("fonts") or {}
    if fonts:
        family = max(fonts, key=fonts.__getitem__)
        first = family.split(",")[0].strip().strip("'\"")
        yield brand_obs("font_family", first, f"font-family: {family}", "body", None)
