"""extract_facts on the sentences shops and chat agents really write.

Every case asserts the full list of facts a text yields (attribute and exact value), so
a fact that appears where it should not fails as loudly as one that goes missing.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.extract.text import Fact, extract_facts
from auditor.model import ATTRIBUTES, MONEY_ATTRIBUTES

TODAY = date(2026, 5, 1)
D = Decimal
MONEY_ATTRS = sorted(MONEY_ATTRIBUTES)


def facts(text: str, today: date = TODAY) -> list[Fact]:
    found = extract_facts(text, today=today)
    _assert_well_formed(text, found)
    return found


def pairs(text: str, today: date = TODAY) -> list[tuple[str, object]]:
    return [(f.attribute, f.value) for f in facts(text, today)]


def _assert_well_formed(text: str, found: list[Fact]) -> None:
    """Invariants every result keeps: real spans, known attributes, text order, one offer."""
    for f in found:
        assert f.attribute in ATTRIBUTES
        assert text[f.span[0]:f.span[1]] == f.raw
        assert f.raw
        if f.attribute in MONEY_ATTRIBUTES:
            assert isinstance(f.value, Decimal)
    assert [f.span for f in found] == sorted(f.span for f in found)
    assert sum(f.attribute == "offer" for f in found) <= 1


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "attribute", "value", "currency", "period", "from_price", "raw"),
    [
        ("24,90 €/kk", "monthly_price", "24.90", "EUR", "month", False, "24,90 €/kk"),
        ("24,90€/kk", "monthly_price", "24.90", "EUR", "month", False, "24,90€/kk"),
        ("24,90 e/kk", "monthly_price", "24.90", "EUR", "month", False, "24,90 e/kk"),
        ("24,90 euroa kuukaudessa", "monthly_price", "24.90", "EUR", "month", False,
         "24,90 euroa kuukaudessa"),
        ("24.90 €/kk", "monthly_price", "24.90", "EUR", "month", False, "24.90 €/kk"),
        ("€24.90/mo", "monthly_price", "24.90", "EUR", "month", False, "€24.90/mo"),
        ("24.90 EUR per month", "monthly_price", "24.90", "EUR", "month", False,
         "24.90 EUR per month"),
        ("€24.90 a month", "monthly_price", "24.90", "EUR", "month", False, "€24.90 a month"),
        ("Kuukausimaksu 24,90 €", "monthly_price", "24.90", "EUR", "month", False, "24,90 €"),
        ("Kuukausihinta 19,90 €", "monthly_price", "19.90", "EUR", "month", False, "19,90 €"),
        ("Monthly fee €24.90", "monthly_price", "24.90", "EUR", "month", False, "€24.90"),
        ("Kuukausimaksu 24,90/kk", "monthly_price", "24.90", None, "month", False, "24,90/kk"),
        ("alk. 19,90 €/kk", "monthly_price", "19.90", "EUR", "month", True, "19,90 €/kk"),
        ("19,90 €/kk alkaen", "monthly_price", "19.90", "EUR", "month", True, "19,90 €/kk"),
        ("from €19.90/mo", "monthly_price", "19.90", "EUR", "month", True, "€19.90/mo"),
        ("Puhelin 199 €", "price", "199", "EUR", "once", False, "199 €"),
        ("Hinta: 19,90", "price", "19.90", None, "once", False, "19,90"),
        ("1 234,50 €", "price", "1234.50", "EUR", "once", False, "1 234,50 €"),
        ("Reititin 4,90e", "price", "4.90", "EUR", "once", False, "4,90e"),
        ("99 €/v", "price", "99", "EUR", "year", False, "99 €/v"),
        ("Puhelu maksaa 0,84 €/min", "price", "0.84", "EUR", "unit", False, "0,84 €/min"),
        ("$5 a month", "monthly_price", "5", "USD", "month", False, "$5 a month"),
    ],
)
def test_amounts(text: str, attribute: str, value: str, currency: str | None,
                 period: str | None, from_price: bool, raw: str) -> None:
    [fact] = facts(text)
    assert (fact.attribute, fact.value, fact.currency, fact.period, fact.from_price, fact.raw) == (
        attribute, D(value), currency, period, from_price, raw)


def test_span_points_at_the_amount() -> None:
    text = "Liittymä nyt vain 24,90 €/kk!"
    [fact] = facts(text)
    assert fact.span == (18, 28)


# --------------------------------------------------------------------------- campaigns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 kk 0 €/kk, sitten 44,90 €/kk",
         [("promo_months", D(3)), ("promo_price", D(0)), ("monthly_price", D("44.90"))]),
        ("ensimmäiset 6 kk 9,90 €/kk", [("promo_months", D(6)), ("promo_price", D("9.90"))]),
        ("first 3 months €9.90/mo", [("promo_months", D(3)), ("promo_price", D("9.90"))]),
        ("3 kk hintaan 0 €", [("promo_months", D(3)), ("promo_price", D(0))]),
        ("0 €/kk 3 kk ajan, jonka jälkeen 19,90 €/kk",
         [("promo_price", D(0)), ("promo_months", D(3)), ("monthly_price", D("19.90"))]),
        ("€29.90/mo for the first 3 months, then €39.90/mo",
         [("promo_price", D("29.90")), ("promo_months", D(3)), ("monthly_price", D("39.90"))]),
        ("€9.90/mo for 6 months", [("promo_price", D("9.90")), ("promo_months", D(6))]),
        ("3 kk ilmaiseksi", [("promo_months", D(3)), ("promo_price", D(0))]),
        ("First 3 months free, then €19.90/mo",
         [("promo_months", D(3)), ("promo_price", D(0)), ("monthly_price", D("19.90"))]),
        # The months belong to the contract words, so the amount is the regular price.
        ("sopimus 12 kk 19,90 €/kk", [("contract_months", D(12)), ("monthly_price", D("19.90"))]),
        ("Sopimus 12 kk, ensimmäiset 3 kk 0 €/kk",
         [("contract_months", D(12)), ("promo_months", D(3)), ("promo_price", D(0))]),
        # "24 kk x 8,29 €/kk" is an instalment, not a campaign.
        ("Puhelin 199 € tai 24 kk x 8,29 €/kk",
         [("price", D(199)), ("monthly_price", D("8.29"))]),
    ],
)
def test_campaign_prices(text: str, expected: list[tuple[str, object]]) -> None:
    assert pairs(text) == expected


def test_promo_price_is_monthly() -> None:
    promo = [f for f in facts("3 kk 0 €/kk, sitten 44,90 €/kk") if f.attribute == "promo_price"]
    assert [(f.period, f.currency, f.raw) for f in promo] == [("month", "EUR", "0 €/kk")]


# --------------------------------------------------------------------------- fees


@pytest.mark.parametrize(
    ("text", "attribute", "value", "raw"),
    [
        ("Avausmaksu 29,00 €", "activation_fee", "29.00", "29,00 €"),
        ("avausmaksu on 4,90 €", "activation_fee", "4.90", "4,90 €"),
        ("Avausmaksu: 4,90 €", "activation_fee", "4.90", "4,90 €"),
        ("Avausmaksu: 4,90", "activation_fee", "4.90", "4,90"),
        ("veloitamme avausmaksun 4,90 €", "activation_fee", "4.90", "4,90 €"),
        ("Aktivointimaksu 9,90 €", "activation_fee", "9.90", "9,90 €"),
        ("Liittymismaksu 15 €", "activation_fee", "15", "15 €"),
        ("Liittymän avaus 4,90 €", "activation_fee", "4.90", "4,90 €"),
        ("avausmaksu on vain 4,90 €", "activation_fee", "4.90", "4,90 €"),
        ("4,90 € avausmaksu", "activation_fee", "4.90", "4,90 €"),
        ("Activation fee €4.90", "activation_fee", "4.90", "€4.90"),
        ("a one-time setup fee of €29", "activation_fee", "29", "€29"),
        ("Ei avausmaksua", "activation_fee", "0", "Ei avausmaksua"),
        ("ilman avausmaksua", "activation_fee", "0", "ilman avausmaksua"),
        ("avausmaksuton", "activation_fee", "0", "avausmaksuton"),
        ("avausmaksu 0 €", "activation_fee", "0", "0 €"),
        ("avausmaksu ilmainen", "activation_fee", "0", "avausmaksu ilmainen"),
        ("no activation fee", "activation_fee", "0", "no activation fee"),
        ("free activation", "activation_fee", "0", "free activation"),
        ("Toimitus 0 €", "delivery_fee", "0", "0 €"),
        ("Toimitusmaksu 5,90 €", "delivery_fee", "5.90", "5,90 €"),
        ("toimituskulut 6,90 €", "delivery_fee", "6.90", "6,90 €"),
        ("Ilmainen toimitus", "delivery_fee", "0", "Ilmainen toimitus"),
        ("Delivery is free", "delivery_fee", "0", "Delivery is free"),
        ("Shipping fee €4.95", "delivery_fee", "4.95", "€4.95"),
        ("Irtisanomismaksu 50 €", "cancellation_fee", "50", "50 €"),
        ("Ei irtisanomismaksua", "cancellation_fee", "0", "Ei irtisanomismaksua"),
        ("Early termination fee €100", "cancellation_fee", "100", "€100"),
        # How chat agents say there is no fee.
        ("eikä siinä ole avausmaksua", "activation_fee", "0", "eikä siinä ole avausmaksua"),
        ("Avausmaksua ei ole.", "activation_fee", "0", "Avausmaksua ei ole"),
        ("eikä vaihdosta peritä avausmaksua", "activation_fee", "0",
         "eikä vaihdosta peritä avausmaksua"),
        ("We do not charge an activation fee", "activation_fee", "0",
         "not charge an activation fee"),
        ("The setup fee is waived", "activation_fee", "0", "setup fee is waived"),
    ],
)
def test_fees(text: str, attribute: str, value: str, raw: str) -> None:
    [fact] = facts(text)
    assert (fact.attribute, fact.value, fact.raw, fact.period) == (attribute, D(value), raw, "once")


def test_label_binds_to_the_nearest_amount() -> None:
    assert pairs("Kuukausimaksu 24,90 €/kk ja avausmaksu on 4,90 €") == [
        ("monthly_price", D("24.90")), ("activation_fee", D("4.90"))]


def test_a_fee_label_names_only_one_amount() -> None:
    assert pairs("Avausmaksu 4,90 €, puhelin 199 €") == [
        ("activation_fee", D("4.90")), ("price", D(199))]


def test_negated_fee_does_not_claim_the_next_amount() -> None:
    assert pairs("Ei avausmaksua, hinta 19,90 €/kk") == [
        ("activation_fee", D(0)), ("monthly_price", D("19.90"))]


def test_label_does_not_cross_a_sentence() -> None:
    assert pairs("Kysy avausmaksusta. Puhelin 199 €") == [("price", D(199))]


def test_price_that_excludes_a_fee_is_no_free_fee() -> None:
    """"Hinta ei sisällä avausmaksua" means the fee comes on top, not that there is none."""
    assert pairs("Hinta ei sisällä avausmaksua 4,90 €") == [("activation_fee", D("4.90"))]
    assert pairs("avausmaksu ei sisälly hintaan") == []


def test_fee_mentioned_without_amount_is_not_invented() -> None:
    assert pairs("Hinta 24,90 €/kk + avausmaksu") == [("monthly_price", D("24.90"))]


# --------------------------------------------------------------------------- contract terms


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("12 kk määräaikainen sopimus", 12),
        ("määräaikainen 24 kk", 24),
        ("Sopimuskausi: 24 kk", 24),
        ("24 kuukauden määräaikainen sopimus", 24),
        ("sopimus 12 kk", 12),
        ("24 kk sopimus", 24),
        ("24 kk:n sopimuksella", 24),
        ("sitoutuminen 24 kk", 24),
        ("Sopimuksen kesto on 24 kk", 24),
        ("Liittymä 2 vuoden sopimuksella", 24),
        ("24-month contract", 24),
        ("12 month contract", 12),
        ("contract term 24 months", 24),
        ("Toistaiseksi voimassa oleva sopimus", 0),
        ("toistaiseksi voimassa", 0),
        ("ei määräaikaa", 0),
        ("no fixed term", 0),
        ("no contract", 0),
    ],
)
def test_contract_months(text: str, months: int) -> None:
    assert pairs(text) == [("contract_months", D(months))]


@pytest.mark.parametrize(
    "text", ["3 kk 0 €/kk", "Tarjous voimassa 3 kk", "Saat 12 kk ajan lisädataa"],
)
def test_months_without_contract_words_are_no_contract(text: str) -> None:
    assert "contract_months" not in [a for a, _ in pairs(text)]


# --------------------------------------------------------------------------- offers and dates


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Kampanja! 19,90 €/kk", "Kampanja"),
        ("Kampanjahinta 19,90 €/kk", "Kampanjahinta"),
        ("Syystarjous: nopeampi netti 3 kk 0 €/kk", "Syystarjous"),
        ("Joulutarjous voimassa 24.12. asti", "Joulutarjous"),
        ("Black Friday -tarjous 99 €", "Black Friday"),
        ("Kampanja-aika loppuu 30.11.2026", "Kampanja-aika"),
        ("Jäsenetu: puhelin -20 %", "Jäsenetu"),
        ("Asiakkaan etu 5 €/kk", "etu"),
        ("Nyt 30 % alennus", "30 % alennus"),
        ("Get 20% off", "20% off"),
        ("Special offer for new customers: €9.90/mo", "offer"),
        ("Summer campaign ends 31 August 2026", "campaign"),
        ("Great deal: first 3 months free", "deal"),
    ],
)
def test_offer(text: str, raw: str) -> None:
    """A campaign word counts with a price, a duration, an end date or a percentage off."""
    [offer] = [f for f in facts(text) if f.attribute == "offer"]
    assert (offer.value, offer.raw) == (text, raw)


@pytest.mark.parametrize("text", ["Hurtiglading 10–80 % på ca. 28 min",
                                  "Lading 10 – 80 % på 30 min", "Akku 20-80 % in 25 min"])
def test_a_percentage_range_is_no_reduction(text: str) -> None:
    """"10–80 %" is a range, not "−80 %" off: no campaign is read from a charging time."""
    assert [f for f in facts(text) if f.attribute == "offer"] == []


def test_offer_value_is_collapsed_and_capped() -> None:
    text = "Syystarjous:\n   nopea   netti 19,90 €/kk " + "ja paljon dataa " * 30
    [offer] = [f for f in facts(text) if f.attribute == "offer"]
    assert offer.value.startswith("Syystarjous: nopea netti 19,90 €/kk ja paljon dataa")
    assert len(offer.value) == 200
    assert "  " not in offer.value and "\n" not in offer.value


@pytest.mark.parametrize(
    "text", ["We offer fast internet", "Kirjaudu henkilötunnuksella (hetu)", "etukäteen",
             "Liittymä 24,90 €/kk", "Lähetin tarjouksen sähköpostiisi.",
             "We'll send you an offer by email"],
)
def test_no_offer(text: str) -> None:
    assert "offer" not in [f.attribute for f in facts(text)]


@pytest.mark.parametrize(
    ("text", "today", "iso", "raw"),
    [
        ("voimassa 31.12.2026 asti", TODAY, "2026-12-31", "31.12.2026"),
        ("voimassa 31.12. asti", TODAY, "2026-12-31", "31.12."),
        ("voimassa 30.4. asti", TODAY, "2026-04-30", "30.4."),  # ended yesterday: stale
        ("voimassa 15.1. asti", TODAY, "2027-01-15", "15.1."),  # over a quarter ago: next year
        ("voimassa 1.5. asti", TODAY, "2026-05-01", "1.5."),  # today still counts
        ("Tilaa 15.12. mennessä!", TODAY, "2026-12-15", "15.12."),
        ("tarjous päättyy 31.12.2026", TODAY, "2026-12-31", "31.12.2026"),
        ("Tarjous päättyy 31. joulukuuta 2026", TODAY, "2026-12-31", "31. joulukuuta 2026"),
        ("valid until 31 December 2026", TODAY, "2026-12-31", "31 December 2026"),
        ("ends 2026-12-31", TODAY, "2026-12-31", "2026-12-31"),
        ("until Dec 31, 2026", TODAY, "2026-12-31", "Dec 31, 2026"),
        # Read on 5 January, a banner valid until 31 December is left over from last year.
        ("Offer valid until 31 December", date(2027, 1, 5), "2026-12-31", "31 December"),
        ("Kampanja 1.11.–31.12.2026", TODAY, "2026-12-31", "31.12.2026"),
        ("Kampanja-aika 1.11.–30.11.", TODAY, "2026-11-30", "30.11."),
        ("valid until the 31st of December, 2026", TODAY, "2026-12-31",
         "31st of December, 2026"),
        ("Offer valid through Friday 31 December 2026", TODAY, "2026-12-31",
         "31 December 2026"),
        ("Etu voimassa tämän kuun loppuun eli 31.12.2026 asti", TODAY, "2026-12-31",
         "31.12.2026"),
        ("gültig bis 31. Dezember 2026", TODAY, "2026-12-31", "31. Dezember 2026"),
        ("Erbjudandet gäller till 31 december 2026", TODAY, "2026-12-31", "31 december 2026"),
        ("Offre valable jusqu'au 31 décembre 2026", TODAY, "2026-12-31", "31 décembre 2026"),
    ],
)
def test_offer_ends(text: str, today: date, iso: str, raw: str) -> None:
    [end] = [f for f in facts(text, today) if f.attribute == "offer_ends"]
    assert (end.value, end.raw) == (iso, raw)


def test_end_date_without_year_at_the_end_of_the_calendar() -> None:
    assert pairs("voimassa 31.12. asti", date.max) == [("offer_ends", "9999-12-31")]
    assert pairs("voimassa 1.1. asti", date.max) == []


@pytest.mark.parametrize(
    "text",
    ["Aukioloajat 1.6.–31.8.", "Asiakaspalvelu auki klo 12.30 asti", "31.12.2026",
     "voimassa 31.2. asti", "Tarjous voimassa 12 kuukautta", "valid until further notice"],
)
def test_no_offer_end(text: str) -> None:
    assert "offer_ends" not in [f.attribute for f in facts(text)]


# --------------------------------------------------------------------------- speed and VAT


@pytest.mark.parametrize(
    ("text", "mbit"),
    [("100 Mbit/s", "100"), ("1 Gbit/s", "1000"), ("0,5 Gbit/s", "500"), ("300 Mb/s", "300"),
     ("50 Mbps", "50"), ("2 Gbps", "2000"), ("300 megaa", "300"), ("1000/100 Mbit/s", "1000"),
     ("1 000 Mbit/s", "1000")],
)
def test_speed(text: str, mbit: str) -> None:
    [fact] = facts(text)
    assert (fact.attribute, fact.value, str(fact.value)) == ("speed", D(mbit), mbit)


@pytest.mark.parametrize(
    ("text", "included", "raw"),
    [
        ("sis. alv", True, "sis. alv"),
        ("Hinnat sis. alv 25,5 %", True, "sis. alv 25,5 %"),
        ("sisältää arvonlisäveron", True, "sisältää arvonlisäveron"),
        ("hinnat sisältävät alv:n", True, "sisältävät alv:n"),
        ("incl. VAT", True, "incl. VAT"),
        ("alv 0 %", False, "alv 0 %"),
        ("ei sis. alv", False, "ei sis. alv"),
        ("Hinnat + alv", False, "+ alv"),
        ("Yrityshinnat alv.", False, "alv."),
        ("excl. VAT", False, "excl. VAT"),
        ("VAT excluded", False, "VAT excluded"),
    ],
)
def test_vat(text: str, included: bool, raw: str) -> None:
    [fact] = facts(text)
    assert (fact.attribute, fact.value, fact.raw) == ("vat_included", included, raw)


# --------------------------------------------------------------------------- not money


@pytest.mark.parametrize(
    "text",
    [
        "25,5 %",
        "-50 %",
        "Soita 040 123 4567",
        "Hinta 040 123 4567",
        "31.12.2026",
        "Avausmaksu 31.12.",
        "Soitamme klo 12.30",
        "Hinta klo 12.30",
        "50 Gt",
        "10 GB dataa",
        "Hinta 24 kk",
        "Mobiililaajakaista 100M",
        "Mobiililaajakaista 100M Plus",
        "Fiber 300: nopea kuitu",
        "5G-verkossa 1000 Mbit/s",
        "Saat -10 € kuukausimaksusta",
        "5 € alennus",
        "Säästä 60 € vuodessa",
        "Save €5 on your first bill",
        "Tilaa 3 e-kirjaa",
        "Tilaa nyt – toimitus 1–3 arkipäivässä.",
        "Hintaan sisältyy 5G-modeemi",
        "Irtisanomisaika 14 päivää",
    ],
)
def test_not_money(text: str) -> None:
    money = [f for f in facts(text) if f.attribute in MONEY_ATTRIBUTES]
    assert money == []


def test_percentage_next_to_a_price_is_not_an_amount() -> None:
    money = [(a, v) for a, v in pairs("Nyt -50 %: 12,45 €/kk") if a in MONEY_ATTRIBUTES]
    assert money == [("monthly_price", D("12.45"))]


# --------------------------------------------------------------------------- mixed units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mobiililaajakaista 100M 24,90 €/kk, 12 kk määräaikainen sopimus. Avausmaksu 4,90 €.",
            [("monthly_price", D("24.90")), ("contract_months", D(12)),
             ("activation_fee", D("4.90"))],
        ),
        (
            "Syystarjous: 3 kk 0 €/kk, sitten 44,90 €/kk. Tarjous voimassa 31.10. asti.",
            [("offer",
              "Syystarjous: 3 kk 0 €/kk, sitten 44,90 €/kk. Tarjous voimassa 31.10. asti."),
             ("promo_months", D(3)), ("promo_price", D(0)), ("monthly_price", D("44.90")),
             ("offer_ends", "2026-10-31")],
        ),
        (
            "Hei! Liittymän avausmaksu on 4,90e ja kuukausimaksu 19,90e/kk. Sopimus on "
            "toistaiseksi voimassa.",
            [("activation_fee", D("4.90")), ("monthly_price", D("19.90")),
             ("contract_months", D(0))],
        ),
        (
            "Nopeus jopa 300 Mbit/s. Hinnat sis. alv 25,5 %. Soita 040 123 4567 klo 12.30 asti.",
            [("speed", D(300)), ("vat_included", True)],
        ),
        (
            "Toimitus 5,90 €, irtisanomismaksu 0 €",
            [("delivery_fee", D("5.90")), ("cancellation_fee", D(0))],
        ),
        (
            "Modeemi 49 € ja toimitus ilmaiseksi",
            [("price", D(49)), ("delivery_fee", D(0))],
        ),
        (
            "Fiber 300: €29.90/mo for the first 3 months, then €39.90/mo. No activation fee. "
            "24-month contract.",
            [("promo_price", D("29.90")), ("promo_months", D(3)), ("monthly_price", D("39.90")),
             ("activation_fee", D(0)), ("contract_months", D(24))],
        ),
        (
            "Kampanja: Mobiililaajakaista 100M alk. 19,90 €/kk (norm. 29,90 €/kk), "
            "ei avausmaksua. Tarjous päättyy 30.11.2026.",
            [("offer", "Kampanja: Mobiililaajakaista 100M alk. 19,90 €/kk (norm. 29,90 €/kk), "
                       "ei avausmaksua. Tarjous päättyy 30.11.2026."),
             ("monthly_price", D("19.90")), ("list_price", D("29.90")),
             ("activation_fee", D(0)), ("offer_ends", "2026-11-30")],
        ),
    ],
)
def test_mixed_units(text: str, expected: list[tuple[str, object]]) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nyt 19,90 €/kk (norm. 29,90 €/kk)",
         [("monthly_price", D("19.90")), ("list_price", D("29.90"))]),
        ("Now €19.90/mo, was €29.90/mo",
         [("monthly_price", D("19.90")), ("list_price", D("29.90"))]),
        ("UVP 279,00 € jetzt 229,99 €", [("list_price", D("279.00")), ("price", D("229.99"))]),
        ("ord. pris 349 kr, nu 299 kr", [("list_price", D(349)), ("price", D(299))]),
        ("Før 349,- nå 299,-", [("list_price", D(349)), ("price", D(299))]),
        ("tidigare 349 kr/mån", [("list_price", D(349))]),
    ],
)
def test_list_price_next_to_the_current_price(text: str,
                                              expected: list[tuple[str, object]]) -> None:
    """A former or list price ("norm.", "was", "UVP", "ord. pris", "før") is a list_price,
    so it never reads as a second, rival current price."""
    assert pairs(text) == expected


def test_table_row_joined_with_a_space() -> None:
    [fact] = facts("Avausmaksu 29,00 €")
    assert (fact.attribute, fact.value, fact.span) == ("activation_fee", D("29.00"), (11, 18))


def test_from_price_flag_only_on_the_from_amount() -> None:
    found = facts("alk. 19,90 €/kk, avausmaksu 4,90 €")
    assert [(f.attribute, f.from_price) for f in found] == [
        ("monthly_price", True), ("activation_fee", False)]


# --------------------------------------------------------------------------- other languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Öppningsavgift 49 kr. Pris 199 kr/mån. Bindningstid 24 månader.",
         [("activation_fee", D(49)), ("monthly_price", D(199)), ("contract_months", D(24))]),
        ("Anschlussgebühr 29,99 €, 19,99 €/Monat, Mindestlaufzeit 24 Monate, inkl. MwSt.",
         [("activation_fee", D("29.99")), ("monthly_price", D("19.99")),
          ("contract_months", D(24)), ("vat_included", True)]),
        ("Frais de mise en service 49 €, 19,99 €/mois, sans engagement.",
         [("activation_fee", D(49)), ("monthly_price", D("19.99")), ("contract_months", D(0))]),
    ],
)
def test_other_languages(text: str, expected: list[tuple[str, object]]) -> None:
    assert pairs(text) == expected


def test_swedish_currency_is_sek() -> None:
    [fee] = facts("Öppningsavgift 49 kr")
    assert (fee.currency, fee.raw) == ("SEK", "49 kr")


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("text", ["", " ", "\n\n", "€", "€/kk", "kk", "%", "0", "\x00\ud800",
                                  "Avausmaksu", "Avausmaksu:", "voimassa", "voimassa asti"])
def test_degenerate_input(text: str) -> None:
    assert facts(text) == []


def test_huge_input_is_read_completely() -> None:
    unit = "Avausmaksu 4,90 € ja 24,90 €/kk. "
    text = unit * 5000 + "Kampanja!"
    found = facts(text)
    assert sum(f.attribute == "activation_fee" for f in found) == 5000
    assert sum(f.attribute == "monthly_price" for f in found) == 5000
    assert found[-1].attribute == "offer"


def test_huge_input_without_facts() -> None:
    assert facts("ä" * 500_000) == []
    assert facts("1 " * 100_000) == []


_VOCAB = st.sampled_from([
    "Avausmaksu", "avausmaksu on", "Ei", "ilman", "kuukausimaksu", "4,90", "24,90 €", "€",
    "/kk", "e", "euroa", "3 kk", "12", "kk", "0 €", "sitten", "määräaikainen", "sopimus",
    "toistaiseksi voimassa", "voimassa", "31.12.", "31.12.2026", "asti", "until", "December",
    "Dec 31", "100 Mbit/s", "sis. alv", "alv 0 %", "%", "-", "–", ":", ",", ".", "alk.",
    "from", "first", "months", "free", "Kampanja", "tarjous", "etu", "040 123 4567", "klo",
    "12.30", "Gt", " ", "\n", "ä", "1 234", "/", "hintaan", "ensimmäiset", "ajan",
])


@given(st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_never_raises_on_arbitrary_text(text: str) -> None:
    facts(text)


@given(st.lists(_VOCAB, max_size=25).map(" ".join))
@settings(max_examples=500, deadline=None)
def test_never_raises_on_vocabulary_soup(text: str) -> None:
    """Text made of the words the extractor reacts to reaches its least obvious paths."""
    found = facts(text)
    for f in found:
        if f.attribute in {"contract_months", "promo_months"}:
            assert isinstance(f.value, Decimal) and 0 <= f.value <= 99 * 12
        if f.attribute == "offer_ends":
            assert date.fromisoformat(str(f.value))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2000))
@settings(max_examples=100, deadline=None)
def test_never_raises_on_long_unicode(text: str) -> None:
    facts(text)


def test_dateparser_is_imported_only_for_written_out_dates() -> None:
    """Most text units have no end date; they must not pay for importing dateparser."""
    root = Path(__file__).resolve().parents[3]  # the repository root
    script = (
        "import sys\n"
        "from auditor.extract.text import extract_facts\n"
        "extract_facts('Avausmaksu 4,90 €, 24,90 €/kk, voimassa 31.12. asti')\n"
        "print('dateparser' in sys.modules)\n"
        "extract_facts('valid until 31 December 2026')\n"
        "print('dateparser' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("text", ["Katso tarjous", "Pyydä tarjous", "See offer", "Tarjoukset",
                                  "Till erbjudandet", "Zum Angebot", "Voir l'offre",
                                  "Syystarjous nyt käynnissä!", "Joulukampanja alkaa",
                                  "Kuitu 100M tarjous"])
def test_a_campaign_word_alone_is_not_a_campaign(text):
    """A campaign is a price, a duration or an end date: the word alone is a button, a
    heading or a menu item (a blind shop's "Till erbjudandet" made missing_offer fire)."""
    assert [f.attribute for f in extract_facts(text)] == []


@pytest.mark.parametrize("text", ["Syystarjous nyt käynnissä, voimassa 30.11. asti",
                                  "Joulukampanja: 6 kk 9,90 €/kk", "Tarjous: 3 kk 0 €/kk",
                                  "Erbjudande: 299 kr/mån i 6 mån", "Angebot: nur 9,99 € mtl."])
def test_campaign_words_and_concrete_offers_still_count(text):
    assert "offer" in [f.attribute for f in extract_facts(text)]


def test_offer_word_in_a_disclaimer_is_not_a_campaign() -> None:
    # The everyday word for an offer must share a sentence with a campaign term.
    text = ("Angebot nur in Verbindung mit Abschluss eines Mobilfunkvertrags mit 24 Monaten "
            "Mindestvertragslaufzeit. Einmaliger Anschlusspreis 39,99 €.")
    assert "offer" not in {a for a, _ in pairs(text)}
    assert ("activation_fee", D("39.99")) in pairs(text)
    # A short headline beside the price still announces one.
    assert pairs("Black Week! Kuitu 100M 19,90 €/kk")[0] == ("offer", "Black Week! Kuitu 100M "
                                                              "19,90 €/kk")


@pytest.mark.parametrize(("text", "expected"), [
    # Free only above a threshold is no fee of 0: the powerbank still pays 4,95 €.
    ("zzgl. 4,95 € Versand · versandkostenfrei ab 50,00 €", [("delivery_fee", D("4.95"))]),
    ("Free delivery on orders over £50", []),
    ("Toimitus ilmainen", [("delivery_fee", D("0"))]),
    ("Delivery £3.95, free from £40", [("delivery_fee", D("3.95"))]),
    ("Preis 29,99 € Versand 4,95 €, ab 50,00 € kostenlos",
     [("price", D("29.99")), ("delivery_fee", D("4.95"))]),
    # Still a from-price: nothing becomes free at it.
    ("Ab 9,99 € im Monat", [("monthly_price", D("9.99"))]),
])
def test_free_above_a_threshold_is_no_price_and_a_fee_noun_names_the_amount_before(
        text: str, expected: list) -> None:
    assert pairs(text) == expected


def test_a_lone_free_word_is_a_price_only_in_a_price_element() -> None:
    assert extract_facts("kostenlos", today=TODAY) == []
    [f] = extract_facts("kostenlos", today=TODAY, price_element=True)
    assert (f.attribute, f.value) == ("price", D("0"))


@pytest.mark.parametrize(("text", "fee", "limit"), [
    ("Frais de livraison CHF 7.90, offerts dès CHF 50.– d'achat.", D("7.90"), D("50")),
    ("zzgl. 4,95 € Versand · versandkostenfrei ab 50,00 €", D("4.95"), D("50.00")),
    ("Delivery £3.95, free from £40", D("3.95"), D("40")),
    ("Toimitus 4,90 €. Nouto myymälästä ilmainen yli 50 € ostoksiin.", D("4.90"), None),
])
def test_a_fee_waived_above_an_order_value_carries_that_value(text, fee, limit) -> None:
    [f] = [f for f in facts(text) if f.attribute == "delivery_fee"]
    assert (f.value, f.free_from) == (fee, limit)


def test_otherwise_names_the_fee_a_free_case_waives_and_carries_its_limit() -> None:
    found = facts("Free standard shipping on orders of $50 or more; otherwise $5.99. "
                  "2-day shipping is $14.99.")
    assert [(f.attribute, f.value, f.free_from) for f in found] == [
        ("delivery_fee", D("5.99"), D("50")), ("delivery_fee", D("14.99"), None)]


@pytest.mark.parametrize("text", ["$0 down", "a $25 restocking fee", "AutoPay saves you $5/mo",
                                  "Total price: $418.84"])
def test_down_payments_other_fees_savings_and_totals_are_no_price(text: str) -> None:
    assert [f for f in facts(text) if f.attribute in MONEY_ATTRS] == []
