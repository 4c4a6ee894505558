"""Values as people read them, in the locale a report is written for.

``display_value(o)`` gives what checks put in their messages, in the locale the run's
checks write in (:func:`writing_in`: the run's ``report.locale`` while the pipeline runs
its checks; ``fi_FI`` outside a run): "24,90 €/kk", "24 kk", "31.12.2026". The reports pass
the run's locale too (config ``report.locale``; docs/reports.md), so a Swedish shop reads
"299,00 kr/mån", "12 mån", "31 dec. 2026" and an English one "€24.90/month", "12 months",
"31 Dec 2026" — in its findings' messages as in its tables.

Every amount is shown in its own currency (the observation's ``currency``), whatever the
locale: a Swedish report shows a euro price as "24,90 €", never with "kr". An amount stated
without a currency is shown without a sign rather than with a guessed one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.units import format_unit

from auditor.extract.money import format_amount
from auditor.model import MONEY_ATTRIBUTES, Observation

__all__ = ["DEFAULT_REPORT_LOCALE", "display_logo", "display_value", "open_ended_phrase",
           "period_suffix", "report_locale", "writing_in"]

#: The locale a report is written in when the run names none (runs stored before
#: ``report.locale`` existed): the config's own default (``AuditConfig.report_locale``).
DEFAULT_REPORT_LOCALE = "en-GB"

#: "Per month" / "per year" after an amount, as shops in each language write it. Babel's
#: short "per" patterns are the fallback for other languages; they are kept here where they
#: read badly on a price ("€24.90/m", "29,90 €/M").
_PER = {
    "month": {"fi": "/kk", "sv": "/mån", "nb": "/mnd.", "no": "/mnd.", "nn": "/mnd.",
              "da": "/md.", "de": "/Monat", "fr": "/mois", "es": "/mes", "en": "/month"},
    "year": {"fi": "/v", "sv": "/år", "nb": "/år", "no": "/år", "nn": "/år", "da": "/år",
             "de": "/Jahr", "fr": "/an", "es": "/año", "en": "/year"},
}
_BABEL_PER_UNIT = {"month": "duration-month", "year": "duration-year"}
#: A price per use (per minute, per claim): the report's own language.
_PER_USE = " per use"

#: An open-ended contract ("no fixed term"), per language. Other languages get English.
_OPEN_ENDED = {
    "en": "no fixed term",
    "fi": "toistaiseksi voimassa",
    "sv": "tillsvidare",
    "nb": "ingen bindingstid",
    "no": "ingen bindingstid",
    "nn": "ingen bindingstid",
    "da": "ingen binding",
    "de": "unbefristet",
    "fr": "sans engagement",
    "es": "sin permanencia",
}
#: Languages whose shops write months abbreviated the way babel's short unit does ("24 kk",
#: "12 mån"); every other language gets the full word ("12 months", "12 Monate", "12 mois"),
#: because babel's short forms there ("12 mths", "12 m.") are not what a customer reads.
_SHORT_MONTHS = frozenset({"fi", "sv"})
#: A currency written as letters touching its number ("SEK299.00", babel's English pattern
#: without currency spacing) gets a space, as people write it: "SEK 299.00".
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


#: The locale check messages are written in (:func:`writing_in`); Finnish outside a run,
#: the form messages had before runs named their locale.
_MESSAGE_LOCALE: ContextVar[str] = ContextVar("omniaudit_message_locale", default="fi_FI")
#: ``display_value``'s default: the message locale of the moment.
_MESSAGES = "\x00messages"


@contextmanager
def writing_in(locale: str | None) -> Iterator[None]:
    """Check messages written inside this block show values in ``locale`` (the run's
    ``report.locale``): a Norwegian shop's finding says "5 490,00 kr/mnd.", not "kr/kk".
    Decision: one setting of the moment rather than a locale argument to every check and
    helper, so that every check — a third party's included — writes in the run's locale."""
    token = _MESSAGE_LOCALE.set(report_locale(locale))
    try:
        yield
    finally:
        _MESSAGE_LOCALE.reset(token)


@lru_cache(maxsize=64)
def _locale(locale: str | None) -> Locale:
    """A babel Locale from ``"sv-SE"``, ``"sv_SE"`` or ``"sv"``; the default when the
    name is missing or unknown (a report must still be written)."""
    for name in (locale, DEFAULT_REPORT_LOCALE):
        if not name:
            continue
        try:
            return Locale.parse(str(name).strip().replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale.parse(DEFAULT_REPORT_LOCALE.replace("-", "_"))


def report_locale(locale: str | None) -> str:
    """The babel name (``"sv_SE"``) of the locale a report writes values in: ``locale``
    when babel knows it, else :data:`DEFAULT_REPORT_LOCALE`."""
    return str(_locale(locale))


@lru_cache(maxsize=64)
def period_suffix(period: str | None, locale: str | None = "fi_FI") -> str:
    """What follows an amount charged per ``period`` (``"month"`` → ``"/kk"`` in Finnish,
    ``"/mån"`` in Swedish, ``"/month"`` in English); ``""`` for a one-off amount."""
    if not period:
        return ""
    if period == "unit":
        return _PER_USE
    loc = _locale(locale)
    table = _PER.get(period)
    if table is None:
        return ""
    if loc.language in table:
        return table[loc.language]
    try:
        pattern = loc._data["unit_patterns"][_BABEL_PER_UNIT[period]]["short"]["per"]
        return pattern.replace("{0}", "")
    except (KeyError, TypeError):
        return table["en"]


def open_ended_phrase(locale: str | None = "fi_FI") -> str:
    """An open-ended contract (0 months) in the locale's language, with the English words
    beside it where the language is not English: the report itself is in English."""
    loc = _locale(locale)
    phrase = _OPEN_ENDED.get(loc.language)
    if phrase is None or loc.language == "en":
        return _OPEN_ENDED["en"]
    return f"{phrase} ({_OPEN_ENDED['en']})"


@lru_cache(maxsize=256)
def _months(count: Decimal, locale: str | None) -> str:
    loc = _locale(locale)
    length = "short" if loc.language in _SHORT_MONTHS else "long"
    number = count.normalize()
    value: int | Decimal = int(number) if number == number.to_integral_value() else number
    return format_unit(value, "duration-month", length=length, locale=loc).replace("\u00a0", " ")


def _amount(value: Decimal, currency: str | None, locale: str) -> str:
    return _LETTER_DIGIT.sub(" ", format_amount(value, currency, locale))


def display_logo(value: object) -> str:
    """A logo's value (``"<phash> #RRGGBB"``, auditor.extract.logo) in words."""
    phash, _, colour = str(value).strip().partition(" ")
    if not phash:
        return "logo"
    colour = colour.strip()
    return (f"logo (perceptual hash {phash}, colour {colour.upper()})" if colour
            else f"logo (perceptual hash {phash}, no dominant colour)")


def display_value(o: Observation, locale: str | None = _MESSAGES) -> str:
    """An observation's value formatted for a reader of ``locale``.

    Checks call it without a locale: their messages are in the locale of the moment
    (:func:`writing_in`); the reports pass the run's locale. ``None`` or an unknown locale
    falls back to :data:`DEFAULT_REPORT_LOCALE`.
    """
    if locale == _MESSAGES:
        locale = _MESSAGE_LOCALE.get()
    v = o.value
    if o.attribute in MONEY_ATTRIBUTES and isinstance(v, Decimal):
        loc = report_locale(locale)
        # An amount stated without a currency ("ei avausmaksua", a bare "29,90") is shown
        # without one rather than with a guessed sign.
        shown = _amount(v, o.currency, loc) + period_suffix(o.period, locale)
        if o.free_from is not None:
            shown += f" (free from {_amount(o.free_from, o.currency, loc)})"
        return shown
    if o.attribute in {"contract_months", "promo_months", "price_lock_months"} \
            and isinstance(v, Decimal):
        if o.attribute == "contract_months" and v == 0:
            return open_ended_phrase(locale)
        return _months(v, locale)
    if o.attribute == "offer_ends" and isinstance(v, str):
        try:
            d = date.fromisoformat(v)
        except ValueError:
            return v
        return format_date(d, format="medium", locale=_locale(locale)).replace("\u00a0", " ")
    if o.attribute == "speed" and isinstance(v, Decimal):
        return f"{v.normalize():f} Mbit/s"
    if o.attribute == "logo" and isinstance(v, str):
        return display_logo(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)
