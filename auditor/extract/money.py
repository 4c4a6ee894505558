"""Amounts of money: parsing "1 234,50 €" into ``(Decimal, "EUR")`` and formatting it back.

The number itself is read by price-parser, which already knows the separators people
write ("1 234,50", "1.234,50", "1,234.50", no-break and narrow no-break spaces). What it
does not know is how Finnish shops and chat agents write the currency ("24,90 e",
"24,90 euroa"), so currency markers are normalised here, in one table, to ISO 4217 codes.
Formatting goes through babel so that reports show amounts the way the locale writes them.

Money is :class:`decimal.Decimal` throughout; a float never touches an amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, list_currencies
from price_parser import Price

__all__ = ["currency_code", "format_amount", "parse_amount"]

#: Currency markers as written next to amounts, lower-cased, to ISO codes. "e" is how
#: Finnish chat agents type the euro sign ("4,90e"); "kr" and ":-" are Swedish usage.
CURRENCY_MARKERS: dict[str, str] = {
    "€": "EUR",
    "e": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euroa": "EUR",
    "euron": "EUR",
    "euroon": "EUR",
    "eurolla": "EUR",
    "eurolle": "EUR",
    "euroja": "EUR",
    "eurot": "EUR",
    "euros": "EUR",
    "$": "USD",
    "us$": "USD",
    "£": "GBP",
    "kr": "SEK",
    "kr.": "SEK",
    ":-": "SEK",
}

# A euro written as "e" or a euro word right after the number; price-parser misses these.
_TRAILING_EURO = re.compile(r"[0-9][\s\u00a0\u202f]?(?:e|euro(?:a|n|on|lla|lle|ja|t|s)?)(?![\w-])",
                            re.IGNORECASE)
_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    """ISO 4217 codes babel knows; cached because babel builds the list from locale data."""
    return frozenset(list_currencies())


def currency_code(marker: str | None) -> str | None:
    """The ISO 4217 code for a currency marker ("€", "e", "euroa", "eur", "SEK"), or None.

    Unknown markers give None rather than a guess: a wrong currency would make two equal
    prices look different in an audit.
    """
    if not marker:
        return None
    key = marker.strip().lower()
    if key in CURRENCY_MARKERS:
        return CURRENCY_MARKERS[key]
    if key.startswith("euro"):
        return "EUR"
    code = key.upper()
    if len(code) == 3 and code in _iso_codes():
        return code
    return None


def parse_amount(s: str) -> tuple[Decimal, str | None] | None:
    """Parse one written amount ("24,90 €", "€19.90", "1 234,50 e") into (value, ISO code).

    Returns None when there is no number, or when the text is a percentage: "25,5 %" is
    never money. The currency is None when the text carries no recognisable marker.
    Never raises on any string: price-parser is third-party code fed untrusted text, so
    its failures mean "no amount" rather than a crashed audit.
    """
    if not isinstance(s, str) or "%" in s:
        return None
    try:
        price = Price.fromstring(s)
    except (ValueError, InvalidOperation, ArithmeticError, IndexError):
        return None
    amount = price.amount
    if amount is None or not amount.is_finite():
        return None
    currency = currency_code(price.currency)
    if currency is None and _TRAILING_EURO.search(s):
        currency = "EUR"
    return amount, currency


def format_amount(value: Decimal, currency: str | None, locale: str = "fi_FI") -> str:
    """Format an amount as the locale writes it: ``Decimal("24.9"), "EUR"`` → ``"24,90 €"``.

    babel puts a no-break space between number and sign; it is replaced by a plain space so
    that messages, Markdown and JSON carry the string people type and search for. Without a
    currency the bare number is formatted with two decimals.
    """
    if currency:
        text = format_currency(value, currency, locale=locale)
    else:
        text = format_decimal(value, format="#,##0.00", locale=locale)
    return text.translate(_NO_BREAK_SPACES)
