"""display_value: values as a reader of the report's locale writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auditor.display import display_value, open_ended_phrase, period_suffix, report_locale
from auditor.model import Evidence, Observation


def _o(attribute: str, value, **kw) -> Observation:
    return Observation(id="o", channel="desktop", attribute=attribute, value=value, text="",
                       evidence=Evidence(), **kw)


MONTHLY_EUR = _o("monthly_price", Decimal("24.90"), currency="EUR", period="month")
MONTHLY_SEK = _o("monthly_price", Decimal("1299"), currency="SEK", period="month")
YEARLY_EUR = _o("price", Decimal("99"), currency="EUR", period="year")
FEE_BARE = _o("activation_fee", Decimal("4.90"))  # no currency stated
CONTRACT_24 = _o("contract_months", Decimal("24"))
OPEN_ENDED = _o("contract_months", Decimal("0"))
PROMO_1 = _o("promo_months", Decimal("1"))
ENDS = _o("offer_ends", "2026-12-31")
SPEED = _o("speed", Decimal("100"))
LOGO = _o("logo", "8f89df66f09bf000 #5b2bd9")
DELIVERY = _o("delivery_fee", Decimal("7.90"), currency="CHF", free_from=Decimal("50"))


def test_default_locale_is_the_finnish_the_checks_have_always_written() -> None:
    """Checks call display_value without a locale; their messages must not change."""
    assert display_value(MONTHLY_EUR) == "24,90 €/kk"
    assert display_value(YEARLY_EUR) == "99,00 €/v"
    assert display_value(_o("price", Decimal("0.10"), currency="EUR", period="unit")) \
        == "0,10 € per use"
    assert display_value(FEE_BARE) == "4,90"
    assert display_value(CONTRACT_24) == "24 kk"
    assert display_value(OPEN_ENDED) == "toistaiseksi voimassa (no fixed term)"
    assert display_value(PROMO_1) == "1 kk"
    assert display_value(ENDS) == "31.12.2026"
    assert display_value(_o("offer_ends", "2026-05-01")) == "1.5.2026"
    assert display_value(SPEED) == "100 Mbit/s"
    assert display_value(DELIVERY) == "7,90 CHF (free from 50,00 CHF)"
    assert display_value(_o("offer_ends", "kesän ajan")) == "kesän ajan"
    assert display_value(_o("vat_included", True)) == "yes"
    # the same with the locale spelled either way
    for name in ("fi_FI", "fi-FI", "fi"):
        assert display_value(MONTHLY_EUR, name) == "24,90 €/kk"
        assert display_value(CONTRACT_24, name) == "24 kk"


@pytest.mark.parametrize(("locale", "expected"), [
    ("sv-SE", ["24,90 €/mån", "1 299,00 kr/mån", "99,00 €/år", "4,90", "24 mån",
               "tillsvidare (no fixed term)", "1 mån", "31 dec. 2026",
               "7,90 CHF (free from 50,00 CHF)"]),
    ("en-GB", ["€24.90/month", "SEK 1,299.00/month", "€99.00/year", "4.90", "24 months",
               "no fixed term", "1 month", "31 Dec 2026", "CHF 7.90 (free from CHF 50.00)"]),
    ("nb-NO", ["24,90 €/mnd.", "1 299,00 SEK/mnd.", "99,00 €/år", "4,90", "24 måneder",
               "ingen bindingstid (no fixed term)", "1 måned", "31. des. 2026",
               "7,90 CHF (free from 50,00 CHF)"]),
    ("de-DE", ["24,90 €/Monat", "1.299,00 SEK/Monat", "99,00 €/Jahr", "4,90", "24 Monate",
               "unbefristet (no fixed term)", "1 Monat", "31.12.2026",
               "7,90 CHF (free from 50,00 CHF)"]),
    ("fr-FR", ["24,90 €/mois", "1 299,00 SEK/mois", "99,00 €/an", "4,90", "24 mois",
               "sans engagement (no fixed term)", "1 mois", "31 déc. 2026",
               "7,90 CHF (free from 50,00 CHF)"]),
    ("es-ES", ["24,90 €/mes", "1.299,00 SEK/mes", "99,00 €/año", "4,90", "24 meses",
               "sin permanencia (no fixed term)", "1 mes", "31 dic 2026",
               "7,90 CHF (free from 50,00 CHF)"]),
])
def test_values_in_each_locale_each_in_its_own_currency(locale: str,
                                                        expected: list[str]) -> None:
    shown = [display_value(o, locale).replace("\u202f", " ").replace("\u00a0", " ")
             for o in (MONTHLY_EUR, MONTHLY_SEK, YEARLY_EUR, FEE_BARE, CONTRACT_24, OPEN_ENDED,
                       PROMO_1, ENDS, DELIVERY)]
    assert shown == expected
    # nothing Finnish outside Finnish, and no euro sign on an amount in kronor
    assert not any(" kk" in s or "/kk" in s or "toistaiseksi" in s for s in shown)
    assert "€" not in shown[1]
    assert display_value(SPEED, locale) == "100 Mbit/s"


def test_a_value_without_a_currency_gets_no_sign_in_any_locale() -> None:
    for locale in ("fi-FI", "sv-SE", "en-GB", "nb-NO"):
        shown = display_value(FEE_BARE, locale)
        assert not any(sign in shown for sign in ("€", "kr", "£", "$", "EUR", "SEK", "NOK"))


def test_missing_or_unknown_locale_falls_back_to_british_english() -> None:
    assert report_locale(None) == "en_GB"
    assert report_locale("xx-YY") == "en_GB"
    assert report_locale("sv-SE") == "sv_SE"
    assert display_value(MONTHLY_EUR, None) == "€24.90/month"
    assert display_value(CONTRACT_24, "not a locale") == "24 months"
    # a language without a phrase of its own says it in English
    assert open_ended_phrase("pl-PL") == "no fixed term"
    assert period_suffix("month", "pl-PL") == "/mies."  # babel's own short pattern


def test_logo_is_described_in_words_not_a_bare_hash() -> None:
    assert display_value(LOGO) == "logo (perceptual hash 8f89df66f09bf000, colour #5B2BD9)"
    assert display_value(LOGO, "sv-SE") == display_value(LOGO)
    assert display_value(_o("logo", "f0e1d2c3b4a59687")) == \
        "logo (perceptual hash f0e1d2c3b4a59687, no dominant colour)"
