"""parse_amount / format_amount: real strings in, exact Decimals and ISO codes out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.extract.money import currency_code, format_amount, parse_amount

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("24,90 €", "24.90", "EUR"),
        ("24,90€", "24.90", "EUR"),
        ("24.90 €", "24.90", "EUR"),
        ("€19.90", "19.90", "EUR"),
        ("€ 19,90", "19.90", "EUR"),
        ("19,90", "19.90", None),
        ("1 234,50 €", "1234.50", "EUR"),
        (f"1{NBSP}234,50{NBSP}€", "1234.50", "EUR"),
        (f"1{NNBSP}234,50{NNBSP}€", "1234.50", "EUR"),
        ("1.234,50 €", "1234.50", "EUR"),
        ("€1,234.50", "1234.50", "EUR"),
        ("24,90 e", "24.90", "EUR"),
        ("4,90e", "4.90", "EUR"),
        ("24,90 euroa", "24.90", "EUR"),
        ("5 euron", "5", "EUR"),
        ("24.90 EUR", "24.90", "EUR"),
        ("EUR 24.90", "24.90", "EUR"),
        ("$5", "5", "USD"),
        ("£3.50", "3.50", "GBP"),
        ("199 kr", "199", "SEK"),
        ("0 €", "0", "EUR"),
        ("29,- €", "29", "EUR"),
    ],
)
def test_parse_amount(text: str, value: str, currency: str | None) -> None:
    assert parse_amount(text) == (Decimal(value), currency)


def test_parse_amount_returns_decimal_not_float() -> None:
    parsed = parse_amount("19,90 €")
    assert parsed is not None
    assert isinstance(parsed[0], Decimal)


@pytest.mark.parametrize("text", ["", "abc", "€", "25,5 %", "-50 %", "NaN €", "∞ €"])
def test_parse_amount_rejects_non_amounts(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("marker", "code"),
    # Upper-case "E" after a number is a model or a size ("190E", "38E"), never the euro.
    [("€", "EUR"), ("e", "EUR"), ("E", None), ("euroa", "EUR"), ("eur", "EUR"),
     ("Euros", "EUR"), ("$", "USD"), ("£", "GBP"), ("kr", "SEK"), ("sek", "SEK"),
     ("chf", "CHF"), ("xyz", None), ("", None), (None, None), ("pounds of", None)],
)
def test_currency_code(marker: str | None, code: str | None) -> None:
    assert currency_code(marker) == code


@pytest.mark.parametrize(
    ("value", "currency", "locale", "text"),
    [
        ("24.90", "EUR", "fi_FI", "24,90 €"),
        ("24.9", "EUR", "fi_FI", "24,90 €"),
        ("0", "EUR", "fi_FI", "0,00 €"),
        ("1234.5", "EUR", "fi_FI", "1 234,50 €"),
        ("24.90", "EUR", "en_IE", "€24.90"),
        ("24.90", "USD", "en_US", "$24.90"),
        ("199", "SEK", "sv_SE", "199,00 kr"),
        ("24.90", None, "fi_FI", "24,90"),
    ],
)
def test_format_amount(value: str, currency: str | None, locale: str, text: str) -> None:
    assert format_amount(Decimal(value), currency, locale) == text


def test_format_amount_default_locale_is_finnish() -> None:
    assert format_amount(Decimal("4.90"), "EUR") == "4,90 €"


@given(st.text())
@settings(max_examples=400)
def test_parse_amount_never_raises(text: str) -> None:
    result = parse_amount(text)
    if result is not None:
        value, currency = result
        assert isinstance(value, Decimal) and value.is_finite()
        assert currency is None or (len(currency) == 3 and currency.isupper())


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([("EUR", "fi_FI"), ("EUR", "en_IE"), ("EUR", "de_DE"), ("USD", "en_US"),
                     ("GBP", "en_GB"), ("SEK", "sv_SE")]),
)
def test_format_then_parse_round_trips(value: Decimal, where: tuple[str, str]) -> None:
    """What the reports print, the parser reads back unchanged."""
    currency, locale = where
    assert parse_amount(format_amount(value, currency, locale)) == (value, currency)


def test_a_sign_with_latin_letters_never_touches_another_letter() -> None:
    """"plus $10" is ten dollars, not "US $10" with "pl" in front; "R$" and "US$" still
    read as written, and a Cyrillic abbreviation still starts a longer word ("рублей")."""
    import re

    from auditor.extract.money import currency_pattern

    marker = re.compile(currency_pattern(), re.IGNORECASE)
    assert [m.group(0) for m in marker.finditer("plus $10")] == ["$"]
    assert [m.group(0) for m in marker.finditer("US$ 25, R$ 9")] == ["US$", "R$"]
    assert marker.search("1128240 рублей").group(0).startswith("руб")
