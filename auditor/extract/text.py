"""Facts stated in one short unit of text: prices, fees, terms, campaigns.

A *text unit* is what a person reads as one piece: a paragraph, a list item, a table row
("Avausmaksu 29,00 €"), a product card, one chat message. :func:`extract_facts` returns
every fact the unit states, in text order, each with the exact substring and offsets that
carried it, so that reports can show and highlight the evidence.

How it works, and why this way:

* Every language's words live in one :class:`Lexicon` table below. The extractor joins all
  languages into one compiled pattern per job, so a Swedish page and a Finnish chat are read
  by the same code, and adding a language is adding a table.
* An amount is money only with a currency marker ("€", "e", "EUR", "euroa") or a price/fee
  label right before it. That one rule keeps percentages, phone numbers, dates, times,
  speeds and data amounts out of money without a list of everything that is *not* money.
* A label binds to the nearest amount after it with no other amount in between ("Kuukausimaksu
  24,90 €/kk ja avausmaksu on 4,90 €"); a period after the amount ("/kk", "a month") makes it
  monthly; a count of months right before a monthly amount is a campaign ("3 kk 0 €/kk").
* Nothing here may raise on untrusted text: regexes avoid nested unbounded repetition, work is
  bounded per text, and the only third-party calls (price-parser, dateparser) are guarded.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
import re._constants as _re_constants
import re._parser as _re_parser
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from babel.numbers import get_currency_precision

from auditor.extract.lexicon import Lexicon, load_lexicons
from auditor.extract.money import currency_code, currency_pattern, parse_amount

__all__ = ["FREE_WORD_RE", "Fact", "LEXICONS", "Lexicon", "extract_facts"]


# =========================================================================== vocabulary
# Every language's words live in its own data file (auditor/extract/lexicons/*.yaml, loaded
# by auditor.extract.lexicon): adding a language is adding a file.

#: The languages read, in priority order, by code.
LEXICONS: dict[str, Lexicon] = load_lexicons()

DATE_LANGUAGES: list[str] = list(LEXICONS)

FEES: tuple[str, ...] = ("activation_fee", "delivery_fee", "cancellation_fee")

#: Words that end in "-etu" but are no benefit ("hetu" is a Finnish personal id).
NOT_BENEFIT_WORDS: frozenset[str] = frozenset({"hetu", "vetu", "ketu"})

#: The most written-out dates handed to dateparser per text; it is slow, text is untrusted.
MAX_DATEPARSER_CALLS = 8
OFFER_TEXT_LIMIT = 200


# =========================================================================== patterns


def _alts(*groups: Iterable[str]) -> str:
    """One non-capturing alternation of every fragment, longest first (most specific wins)."""
    seen: dict[str, None] = {}
    for group in groups:
        for frag in group:
            seen.setdefault(frag, None)
    return "(?:" + "|".join(_quick_first(f) for f in sorted(seen, key=len, reverse=True)) + ")"


#: What an ASCII letter matches under re.IGNORECASE besides its two cases ("K" is the Kelvin
#: sign, "ſ" a long s, "İ" and "ı" Turkish i's).
_FOLDS_TOO = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _quick_first(fragment: str) -> str:
    """The fragment with its first letter as a case-sensitive class of every character that
    letter matches ignoring case: "kk" → "(?-i:[kK\u212a])k". The same matches, faster:
    the regex engine skips an alternative whose first item is a plain class with one test,
    but enters one that starts with a case-insensitive letter (every pattern here ignores
    case), and the vocabulary's alternations have hundreds of alternatives.
    """
    first = fragment[:1]
    if not (first.isascii() and first.isalpha()) or fragment[1:2] in ("?", "*", "+", "{"):
        return fragment
    low = first.lower()
    return f"(?-i:[{low}{low.upper()}{_FOLDS_TOO.get(low, '')}]){fragment[1:]}"


def _field(name: str) -> str:
    """All languages' alternatives for one Lexicon field."""
    return _alts(*(getattr(lex, name) for lex in LEXICONS.values()))


def _fee_field(name: str, attribute: str) -> str:
    """All languages' alternatives for one fee attribute of a Lexicon mapping field."""
    return _alts(*(getattr(lex, name).get(attribute, ()) for lex in LEXICONS.values()))


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_SP = r"[ \t\u00a0\u202f\u2009]"  # spaces inside one line: no-break, narrow, thin
# A number as prices are written: "24,90", "24.90", "1 234,50", "1.234,50", "1,234.50",
# "1'049.95", "1,00,000" (lakh), "29,-", "49.–". ASCII digits only: other scripts' digits are
# not how these sites write prices. price-parser reads the value (money.parse_amount).
_NUMBER = (
    r"(?<![0-9])(?<![0-9][.,])(?!0[0-9])"
    r"(?:[0-9]{1,3}(?:[ \u00a0\u202f\u2009.,'’](?=[0-9]{3}(?![0-9]))[0-9]{3})+"
    r"|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}(?![0-9])"
    r"|[0-9]+)"
    r"(?:[.,][0-9]{1,2}(?![0-9])|[.,][0-9]{4,6}(?![0-9])|[.,][-–—](?![0-9]))?"
    r"(?![0-9])(?![.,][0-9])"
)
_CUR = currency_pattern()
# A footnote mark after an amount ("12,99 €* mtl.", "29,90 €¹") belongs to it.
_FOOTNOTE = r"[*†‡¹²³⁴]{0,2}"
# "4,90e": how Finnish agents type the euro; lower case, after a number only ("190E" is a
# model, "38E" a size).
# A sign written before numbers by convention (£, $, ¥, ₹) and followed by a number is that
# number's: "From month 7 £15.00" is month 7, then £15.00.
# Before a word only after cents: "2e carte", "3e étage" are French ordinals ("4,90e ja",
# "29 e/kk" stay euros).
_CUR_AFTER = (rf"(?:{_CUR}|(?-i:e)(?![\w-])(?!\.\w)"
              rf"(?:(?![ \u00a0]+[^\W\d_])|(?<=[.,][0-9][0-9]e)))(?<![£$¥₹₩])"
              rf"|(?:[£$¥₹₩])(?!{_SP}?[0-9])")
_MONEY_PRE = rf"(?P<pre>{_CUR}):?{_SP}{{0,2}}"
MONEY_RE = _compile(
    rf"(?:{_MONEY_PRE}|(?<![^\W\d_]))(?P<num>{_NUMBER})"
    # After an amount written sign-first, a sign followed by a number starts the next
    # amount ("kr 209,00 kr 179,00"); after a sign-last one it is this one's ("19,90 € 24,90 €").
    rf"(?:{_SP}{{0,2}}(?P<post>{_CUR_AFTER})(?(pre)(?!{_SP}{{0,2}}[0-9])|))?{_FOOTNOTE}"
)
#: The most characters a match of MONEY_RE has before its number's first digit: no match
#: starts further than this before the first digit at or after where a search starts.
_MONEY_LEAD = _re_parser.parse(_MONEY_PRE, re.IGNORECASE).getwidth()[1]
assert _MONEY_LEAD < 100, "the currency before an amount must be of bounded length"
BARE_NUMBER_RE = _compile(rf"(?<![^\W\d_]){_NUMBER}")
# "From 26 to 50 €", "19–29 €": the first end of a range, written without its currency.
RANGE_START_RE = _compile(
    rf"(?<![^\W\d_])(?P<num>{_NUMBER}){_SP}*(?:[-–—]|(?<![\w-]){_field('range_words')}(?![\w-]))"
    rf"{_SP}*(?=(?:{_CUR}{_SP}{{0,2}})?[0-9])")
# What a bare number named by a label may be followed by: the end, punctuation, a joining
# word. Anything else means it counts something other than money: a percent, a unit
# ("hinta 24 kk", "50 Gt"), a range ("toimitus 1–3 arkipäivässä"), a time ("12:30"), or
# the rest of a phone number.
_BARE_MONEY_AFTER_RE = _compile(
    r"[ \t\u00a0\u202f]*(?:$|[,;:!?)\]](?![0-9])|\.(?![0-9])|\+|(?:ja|sekä|tai|and|or|och|und"
    r"|et|sis|incl|inkl|alv|vat|moms|mwst)\b)"
)

PERIOD_RE = _compile(
    # "12,48 € TTC/mois", "0,2516 € TTC/kWh": a tax note may come between.
    rf"{_FOOTNOTE}(?:{_SP}+(?:{_field('vat_included')}|{_field('vat_excluded')}))?"
    rf"(?:{_SP}*/{_SP}*(?:(?P<m1>{_field('per_month_slash')})|(?P<y1>{_field('per_year_slash')})"
    rf"|(?P<u1>{_field('per_unit_slash')}))\b"
    rf"|{_SP}+{_field('per_words')}{_SP}+(?:(?P<m2>{_field('month_nouns')})"
    rf"|(?P<y2>{_field('year_nouns')}))\b"
    rf"|{_SP}+(?:(?P<m3>{_field('monthly_words')})|(?P<y3>{_field('yearly_words')}))(?![\w-]))"
)

# A table column header's period: "Abonnement TTC/mois", "Monthly", "Price per month",
# "kWh TTC". Units of three letters or more count bare ("kWh"); short ones ("l", "st") only
# after a slash.
_BARE_UNITS = "|".join(sorted({u for lex in LEXICONS.values() for u in lex.per_unit_slash
                               if len(u) >= 3 and u.isalnum()}, key=len, reverse=True))
_HEADER_PERIOD_RE = _compile(
    rf"/{_SP}*(?:(?P<m1>{_field('per_month_slash')})|(?P<y1>{_field('per_year_slash')})"
    rf"|(?P<u1>{_field('per_unit_slash')}))(?![\w-])"
    rf"|(?<![\w-])(?:{_field('per_words')}{_SP}+)?(?:(?P<m2>{_field('monthly_words')})"
    rf"|(?P<y2>{_field('yearly_words')})|(?P<u2>{_BARE_UNITS}))(?![\w-])"
    rf"|(?<![\w-]){_field('per_words')}{_SP}+(?:(?P<m3>{_field('month_nouns')})"
    rf"|(?P<y3>{_field('year_nouns')}))(?![\w-])")


def header_period(header: str) -> str | None:
    """The period a table column header gives its cells: "month", "year", "unit" or None."""
    m = _HEADER_PERIOD_RE.search(header)
    if m is None:
        return None
    g = m.groupdict()
    if g["m1"] or g["m2"] or g["m3"]:
        return "month"
    return "year" if g["y1"] or g["y2"] or g["y3"] else "unit"


_LABEL_PARTS = {
    **{attr: _fee_field("fee_labels", attr) for attr in FEES},
    "monthly_price": _field("monthly_labels"),
    "price": _field("price_labels"),
}
LABEL_RE = _compile(
    r"(?<![\w-])(?:" + "|".join(f"(?P<{a}>{p})" for a, p in _LABEL_PARTS.items()) + r")(?![\w-])"
)
#: How far (in characters) a label may stand from the amount it names.
LABEL_REACH = 40


def _free_pattern(attribute: str) -> str:
    """A "no such fee" phrase: "Ei avausmaksua", "free delivery", "avausmaksuton"."""
    label = _fee_field("fee_labels", attribute)
    noun = _fee_field("fee_nouns", attribute)
    free = _field("free_words")
    forms = _fee_field("fee_free_forms", attribute)
    include = _field("include_words")
    parts = [
        rf"{_field('negations')}\s+(?:(?!{include})[^\W\d_]+\s+){{0,3}}?{label}",
        rf"{label}{_SP}*(?::|-|–|on|is|are|ist|est|är)?{_SP}*{free}",
        # "free delivery", "Free standard shipping" (one describing word may come between)
        rf"{free}{_SP}+(?:[^\W\d_]+{_SP}+)?{noun}\w*",
    ]
    if noun != "(?:)":
        parts.append(rf"{noun}{_SP}*[:\-–]?{_SP}*{free}")
    absent = _field("fee_absent_after")
    if absent != "(?:)":
        parts.append(rf"{label}\s+{absent}")
    if forms != "(?:)":
        parts.insert(0, forms)
    return "(?:" + "|".join(parts) + ")"


#: A word saying "free" on its own ("ilmainen", "gratis", "offert"): an element a selector
#: names as a fee that says only this states a fee of 0.
FREE_WORD_RE = _compile(rf"(?<![\w-]){_field('free_words')}(?![\w-])")

#: "Free" on its own or as a fee's free form ("versandkostenfrei", "avausmaksuton").
_FREE_ANY_RE = _compile(
    rf"(?<![\w-])(?:{_field('free_words')}|"
    + "|".join(_fee_field("fee_free_forms", a) for a in FEES) + r")(?![\w-])")

_QUANTITY_BEFORE_RE = re.compile(
    r"(?<![\w.,])(?:[2-9]|[1-9][0-9])\s*[x×]\s*[^\W\d_][^()]{0,40}\(\s*$")
_FREE_FROM_RE = _compile(rf"{_FREE_ANY_RE.pattern}{_SP}+{_field('from_before')}{_SP}*:?{_SP}*$")

FEE_NOUN_RE = _compile(
    r"(?<![\w-])(?:" + "|".join(f"(?P<{a}>{_fee_field('fee_nouns', a)})" for a in FEES
                               if _fee_field("fee_nouns", a) != "(?:)") + r")(?![\w])")

_LONE_FREE_RE = _compile(rf"[\s(]*{_field('free_words')}[\s!.)]*")

FREE_FEE_RE = _compile(
    r"(?<![\w-])(?:" + "|".join(f"(?P<{a}>{_free_pattern(a)})" for a in FEES) + r")(?![\w-])"
)

# "Hinta: ilmainen", "Price: free": a price stated as free. The free word must end the
# phrase, so that "hintaan ilmainen toimitus" (a free delivery) is not a free price.
PRICE_FREE_RE = _compile(
    rf"(?<![\w-])(?:(?P<monthly_price>{_field('monthly_labels')})|(?P<price>{_field('price_labels')}))"
    rf"{_SP}*:?{_SP}*(?:(?:on|is|ist|est|är){_SP}+)?{_field('free_words')}"
    r"(?=[ \t]*(?:$|[.,;!)]))"
)

_MONTHS_UNIT = rf"(?:(?P<mu>{_field('month_units')})|(?P<yu>{_field('year_units')}))"
_COUNT = r"(?<![0-9.,])(?P<n>[0-9]{1,2})(?![0-9.,])"


def _count(name: str) -> str:
    """A count of months (1-99) captured under ``name``."""
    return _COUNT.replace("(?P<n>", f"(?P<{name}>")


# "3 første", "3 ensimmäistä": the count before the word for "first" (promo_first_after).
_FIRST_AFTER = rf"(?:\s+{_field('promo_first_after')})?"
# "ensimmäiset 6 kk" / "first 3 months" / "3 kk hintaan" right before the campaign amount.
PROMO_BEFORE_RE = _compile(
    rf"(?P<months>(?:\b{_field('promo_first')}\s+)?(?<![0-9.,])(?P<n>[0-9]{{1,2}}){_FIRST_AFTER}"
    rf"[\s-]*{_field('month_units')}\b(?::\w+)?(?:\s+{_field('promo_for_after')}\b)?)"
    # "los 3 primeros meses te sale a 20 €/mes": a short verb may come before the connector.
    rf"{_SP}*[:\-–]?{_SP}*(?:(?:[^\W\d_]{{1,5}}{_SP}+){{0,2}}?(?P<conn>{_field('promo_connectors')}){_SP}+)?$"
)
# "9,90 €/kk ensimmäiset 3 kk" / "€9.90/mo for the first 3 months" / "0 €/kk 3 kk ajan".
PROMO_AFTER_RE = _compile(
    rf"{_SP}*,?{_SP}*(?P<months>"
    rf"(?:\b{_field('promo_for_before')}\s+)?\b{_field('promo_first')}\s+{_count('n1')}\s*"
    rf"{_field('month_units')}\b(?:\s+{_field('promo_for_after')}\b)?"
    rf"|\b{_field('promo_for_before')}\s+{_count('n2')}\s*{_field('month_units')}\b"
    rf"|{_count('n3')}\s*{_field('month_units')}(?::\w+)?\s+{_field('promo_for_after')}\b"
    rf"|(?:\b[^\W\d_]{{1,4}}\s+)?{_count('n4')}\s+{_field('promo_first_after')}\s+"
    rf"{_field('month_units')}\b)"
)
# "3 kk ilmaiseksi" / "first 3 months free".
PROMO_FREE_RE = _compile(
    rf"(?P<months>(?:\b{_field('promo_first')}\s+)?{_COUNT}{_FIRST_AFTER}\s*"
    rf"{_field('month_units')}\b){_SP}+(?P<free>{_field('free_words')})(?![\w-])"
)

_CONTRACT = _field("contract_words")
CONTRACT_NUM_FIRST_RE = _compile(
    rf"{_COUNT}[\s-]*{_MONTHS_UNIT}\b(?::\w+)?(?:\s+{_field('contract_adjectives')})?"
    rf"[\s-]+\b{_CONTRACT}(?:\s+{_CONTRACT})?"
)
CONTRACT_WORD_FIRST_RE = _compile(
    rf"\b{_CONTRACT}(?:{_SP}+(?:{_CONTRACT}|{_field('contract_fillers')})\b){{0,3}}"
    rf"{_SP}*[:=\-–]?{_SP}*{_COUNT}[\s-]*{_MONTHS_UNIT}\b"
)
OPEN_ENDED_RE = _compile(rf"(?<![\w-]){_field('open_ended')}(?![\w-])")
# "Prix bloqué 2 ans", "price locked for 24 months" / "12-month price lock": a price guarantee.
PRICE_LOCK_BEFORE_RE = _compile(
    rf"(?<![\w-]){_field('price_lock_before')}{_SP}*[:=\-–]?{_SP}*{_COUNT}[\s-]*{_MONTHS_UNIT}\b")
PRICE_LOCK_AFTER_RE = _compile(
    rf"{_COUNT}[\s-]*{_MONTHS_UNIT}\b[\s-]+{_field('price_lock_after')}(?![\w-])")
# "24 monthly payments of $15.41", "36 Monatsraten": an instalment plan's term.
INSTALMENTS_RE = _compile(rf"{_COUNT}{_SP}+{_field('instalments')}\b")
# Words that name what a value is (a price, a fee, a term): a table header that is one of
# these labels its column's values, it does not name an offer.
ATTRIBUTE_WORD_RE = _compile(
    rf"(?<![\w-])(?:{_CONTRACT}|{_field('monthly_labels')}|{_field('price_labels')})")

SPEED_RE = _compile(
    r"(?<![0-9.,])(?P<n>[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?![0-9])|[0-9]+(?:[.,][0-9]+)?)"
    r"(?:\s*/\s*[0-9]+(?:[.,][0-9]+)?)?\s*"
    r"(?:(?P<unit>[MG])(?:bit/s|bit/sek|b/s|bps|bit\b)"
    + (rf"|(?P<mega>{_field('speed_words')})\b" if _field("speed_words") != "(?:)" else "")
    + ")"
)

VAT_RE = _compile(
    rf"(?<![\w-])(?:(?P<excl1>{_field('vat_excluded_first')})|(?P<incl>{_field('vat_included')})"
    # Whole words only: "netto" is not in "nettopp" (Norwegian "just").
    rf"|(?P<excl>{_field('vat_excluded')}))(?!\w)"
)

# Hyphenated compounds count too: "Kampanja-aika", "Black Friday -tarjous".
OFFER_RE = _compile(
    rf"(?<!\w)(?:{_field('offer_words')}|etu|[^\W\d_]+etu)(?:-[^\W\d_]+)*(?![\w-])"
    rf"|[0-9]+(?:[,.][0-9]+)?{_SP}*%{_SP}*{_field('discount_words')}"
)

DISCOUNT_AFTER_RE = _compile(
    rf"{_SP}*(?:{_field('discount_words')}|{_field('extra_words')}(?![\w-]))")
_TAX_NOTE_RE = _compile(rf"{_SP}+(?:{_field('vat_included')}|{_field('vat_excluded')})")
CANCEL_RE = _compile(rf"(?<![\w-]){_field('cancel_words')}")
# "Velger du 12 mnd binding blir månedsprisen 300 kr lavere": a choice, then a quantity.
_CHOICE_RE = _compile(rf"(?<![\w-]){_field('choice_before')}{_SP}+(?:[^\W\d_]{{1,4}}{_SP}+)?[0-9]")
_SCOPE_BEFORE_RE = _compile(
    rf"(?<![\w-]){_field('scope_words')}(?:{_SP}+[^\W\d_]{{1,4}})?{_SP}+$")
#: "both", "kummassakin", "båda": a chat claim about several offers (auditor.matching).
SEVERAL_RE = _compile(rf"(?<![\w-]){_field('several_words')}(?![\w-])")
# "sinon elle est à 5,90 €", "otherwise it's $5.99": up to three short words may follow.
_OTHERWISE_BEFORE_RE = _compile(
    rf"(?<![\w-]){_field('otherwise_words')}(?:[\s,:]+[^\W\d_]{{1,6}}(?:['’][^\W\d_]{{1,6}})?){{0,3}}"
    rf"[\s,:]*$")
_FEE_WORD_AFTER_RE = _compile(rf"{_SP}*(?:[^\W\d_]+{_SP}+)?{_field('fee_words')}(?![\w-])")
# "Servicepauschale von € 19,90", "Service fee: $5": a fee word right before the amount
# (a short word such as "von", "of", "de" may come between).
_FEE_WORD_BEFORE_RE = _compile(
    rf"(?<![\w-])[^\W\d_]*{_field('fee_words')}(?:{_SP}+[^\W\d_]{{1,3}})?{_SP}*:?{_SP}*$")
# "$99 per claim", "0,10 € pro Minute": a price per use, neither monthly nor one-off.
_PER_WORDS = "|".join(w for lex in LEXICONS.values() for w in lex.per_words if len(w) > 2)
_PER_NOUN_RE = _compile(rf"{_SP}+(?:{_PER_WORDS}){_SP}+[^\W\d_]{{3,}}")
#: "Tous nos abonnements …": a statement about every offer of a kind (channel-wide).
ALL_RE = _compile(rf"(?<![\w-]){_field('all_words')}(?![\w-])")
#: "Combinez-le avec un abonnement mobile dès CHF 25.–/mois": the price of something generic
#: sold alongside, right before the amount.
_GENERIC_WITH_RE = _compile(
    rf"(?<![\w-]){_field('with_words')}\s+{_field('indefinite_articles')}\s+"
    rf"(?:[^\W\d_]+[\s-]+){{0,3}}(?:{_field('from_before')}\s*)?:?\s*$")
#: "Kuitu 100 *ja* Kuitu 300": the words that join offer names into one claim's subject.
AND_RE = _compile(rf"^[\s,]*(?:{_field('and_words')})?[\s,]*$")
SAVING_BEFORE_RE = _compile(
    rf"(?<![\w-])(?:{_field('saving_words')}(?:{_SP}+[^\W\d_]+){{0,2}}|{_field('change_before')})"
    rf"{_SP}*:?{_SP}*$"
)
_DOTTED_DATE_RE = re.compile(r"(?:[12]?[0-9]|3[01])\.(?:0?[1-9]|1[0-2])")
QUOTE_BEFORE_RE = _compile(
    rf"(?<![\w-]){_field('quote_verbs')}(?:\s+[^\W\d_]+){{0,2}}\s+$"
)
LIST_PRICE_BEFORE_RE = _compile(
    rf"(?<![\w-]){_field('list_price_before')}[ \t\u00a0\u202f\u2009:(]*$")
NOT_PRICE_BEFORE_RE = _compile(
    rf"(?:(?<![\w-]){_field('not_price_before')}"
    # "Gesamt inkl. 20 % USt. € 22,70": a tax note may come between.
    rf"(?:{_SP}+(?:{_field('vat_included')}|{_field('vat_excluded')}))?{_SP}*[:,]?|=){_SP}*$")
THEN_BEFORE_RE = _compile(rf"(?<![\w-]){_field('then_words')}[ \t\u00a0\u202f,:]*$")
# "nach Ablauf der Mindestvertragslaufzeit monatlich kündbar": open-ended only *after* a term.
# "Après les 24 mois, l'abonnement est résiliable": a few words, numbers included, between.
_THEN_NEAR_RE = _compile(rf"(?<![\w-]){_field('then_words')}(?:[\s,]+[\w'’.]+){{0,6}}[\s,:]*$")
# "Il n'est pas sans engagement": a denied open-ended term is a fixed one.
_NOT_BEFORE_RE = _compile(rf"(?<![\w-]){_field('not_words')}[\s\w'’]{{0,12}}$")
#: "iPhone 16 *mit* Mobil M": a name after one of these is part of the offer named before.
WITH_RE = _compile(rf"(?<![\w-]){_field('with_words')}(?![\w-])")
# "Se erbjudandet", "Katso tarjous", "Zum Angebot": a button, whatever the unit says besides.
CTA_BEFORE_RE = _compile(rf"(?<![\w-]){_field('cta_verbs')}\W+(?:[^\W\d_]{{1,4}}\W+)?$")
NOT_PRICE_AFTER_RE = _compile(rf"[\s,]*{_field('not_price_after')}(?![\w-])")
# "9,99 € mtl. zzgl. (einmalig) 19,99 €": an unnamed charge on top of an earlier price.
_ADDEND_BEFORE_RE = _compile(
    rf"(?<![\w-]){_field('addend_before')}(?:{_SP}+[^\W\d_]+)?{_SP}*:?{_SP}*$")
#: ", bei Smartphone-Bundles 39,99 €", ", for business plans $50": a clause opened by a scope
#: word that names, before its amount, what the amount is for (no number, no other clause).
SCOPE_CLAUSE_RE = _compile(
    rf"[,;]{_SP}*(?:{_field('and_words')}{_SP}+)?(?P<word>{_field('scope_words')})"
    rf"{_SP}+(?P<scope>[^\d,;.!?:()]{{2,40}}?){_SP}*(?:{_field('from_before')}{_SP}*)?$")
# "Från månad 7 549 kr/mån": after a month word a number counts months; "7 549" is not one
# amount written with a space between thousands.
_MONTH_WORD_BEFORE_RE = _compile(
    rf"(?<![\w-])(?:{_field('month_units')}|{_field('month_nouns')}){_SP}*$")
FROM_BEFORE_RE = _compile(rf"(?<![\w-]){_field('from_before')}{_SP}*:?{_SP}*$")
FROM_AFTER_RE = _compile(rf"{_SP}*,?{_SP}*{_field('from_after')}(?![\w-])")

_NUM_DATE = (
    r"(?<![0-9.,])(?:(?P<d>[0-9]{1,2})\.\s?(?P<m>[0-9]{1,2})\.(?:(?P<y>[0-9]{4})|(?P<yy>[0-9]{2}))?"
    r"|(?P<Y>[0-9]{4})-(?P<M>[0-9]{1,2})-(?P<D>[0-9]{1,2})"
    r"|(?P<d2>[0-9]{1,2})/(?P<m2>[0-9]{1,2})/(?P<y2>[0-9]{4}))(?![0-9])"
)
NUM_DATE_RE = _compile(_NUM_DATE)
DATE_RANGE_RE = _compile(
    r"(?<![0-9.,])[0-9]{1,2}\.(?:[0-9]{1,2}\.(?:[0-9]{4})?)?\s*[–—-]\s*(?P<end>" + _NUM_DATE + ")"
)
ENDS_BEFORE_RE = _compile(rf"(?<![\w-]){_field('ends_before')}(?![\w-])")
ENDS_AFTER_RE = _compile(rf"(?<![\w-]){_field('ends_after')}(?![\w-])")
_DIGIT_RE = re.compile(r"[0-9]")
# A sentence ends at ". " before a capital, or at ";" or a line break; "alk. 19,90" goes on.
_SENTENCE_END_RE = re.compile(r"[.!?]\s+(?=[A-ZÅÄÖ])|[;\n]")
_WS_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\S+")
_TIME_BEFORE_RE = _compile(r"\b(?:klo|kello|kl)\.?\s*$")
_ENDS_WINDOW = 30  # how far from an end word its date may start
_LONGEST_DATE = 30  # "31st of September, 2026" and the like
_LOOKBACK = 60


# =========================================================================== quick rejects
# Most patterns above are scanned over the whole unit, and a scan of a many-language
# alternation costs tens of microseconds even where nothing matches: chat messages are read
# by the hundred thousand. A *gate* is a plain search for literals one of which every match
# of the pattern contains; where the gate finds none, the pattern cannot match and is not
# run. Gates never change what is found, only what is skipped.

#: Characters that match an ASCII letter under re.IGNORECASE without lower-casing to it
#: (dotted and dotless i, long s; the Kelvin sign lower-cases to "k" already).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_LAST_FOLDED: tuple[str, str] = ("", "")
try:
    from re._casefix import _EXTRA_CASES as _CASE_FIXES
except ImportError:  # pragma: no cover - another Python: every non-ASCII letter is untrusted
    _CASE_FIXES = {code: () for code in range(0x80, 0x110000)}


def _folded(text: str) -> str:
    """The text as gates read it: lower case, one character per character. A character an
    ASCII letter or an uncased character (digit, sign, space) of a pattern matches ignoring
    case becomes that letter in lower case, or stays itself. The last one is remembered:
    one unit passes several gates in a row."""
    global _LAST_FOLDED
    last = _LAST_FOLDED
    if last[0] is text:
        return last[1]
    folded = text.translate(_FOLD).lower()
    _LAST_FOLDED = (text, folded)
    return folded


def _gate_char(code: int) -> str | None:
    """A pattern's literal as a gate reads it, or None where folding cannot be trusted:
    the characters a letter matches ignoring case all lower-case to its lower case, except
    those the regex engine adds by hand (re._casefix: "ſ" for "s", "ς" for "σ"...)."""
    c = chr(code)
    if c.isascii():
        return c.lower()
    low = c.lower()
    if len(low) != 1 or ord(low) in _CASE_FIXES or code in _CASE_FIXES:
        return None
    return low


def _gate_item(op: object, av: object) -> str | None:
    """The one character a literal, or a class of one letter's cases ("(?-i:[kK\u212a])",
    see :func:`_quick_first`), stands for in folded text."""
    if op is _re_constants.LITERAL:
        return _gate_char(av)  # type: ignore[arg-type]
    if op is _re_constants.SUBPATTERN and av[0] is None and len(av[3]) == 1:  # type: ignore[index]
        return _gate_item(*av[3][0])  # type: ignore[index]  # "(?-i:[kK\u212a])"
    if op is _re_constants.IN and all(o is _re_constants.LITERAL for o, _ in av):  # type: ignore[attr-defined]
        chars = {_gate_char(a) for _, a in av}  # type: ignore[attr-defined]
        if len(chars) == 1 and None not in chars:
            return chars.pop()
    return None


def _required_seq(items: Iterable[tuple[object, object]]) -> set[str] | None:
    """Literals one of which every match of a sequence contains (None: none known)."""
    choices: list[set[str]] = []
    run = ""
    for op, av in items:
        char = _gate_item(op, av)
        if char is not None:
            run += char
            continue
        if run:
            choices.append({run})
            run = ""
        found = _required_node(op, av)
        if found is not None:
            choices.append(found)
    if run:
        choices.append({run})
    # The most telling choice: the longest shortest literal, then the fewest literals.
    return max(choices, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _required_node(op: object, av: object) -> set[str] | None:
    c = _re_constants
    if op is c.SUBPATTERN:
        return _required_seq(av[3])  # type: ignore[index]
    if op is c.ATOMIC_GROUP:
        return _required_seq(av)  # type: ignore[arg-type]
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:  # type: ignore[index]
            found = _required_seq(branch)
            if found is None:
                return None
            out |= found
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, body = av  # type: ignore[misc]
        return _required_seq(body) if low >= 1 else None
    return None


def _gate(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The gate of a pattern, or None when the pattern has no literal worth testing."""
    found = _required_seq(_re_parser.parse(pattern.pattern, pattern.flags))
    if not found or min(map(len, found)) < 2:
        return None
    literals = sorted(found, key=len)
    kept: list[str] = []
    for lit in literals:
        if not any(k in lit for k in kept):  # "maksu" covers "avausmaksu"
            kept.append(lit)
    return re.compile("|".join(re.escape(k) for k in kept))


class _Gated:
    """A pattern behind its gate: ``search``, ``match``, ``fullmatch`` and ``finditer`` first
    look for the gate's literals in the stretch they would read (folded text keeps the
    text's offsets), and give nothing without one; everything else is the pattern's own.
    The gate is worked out on first use, so that importing costs nothing more."""

    _UNKNOWN = re.compile("")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._pattern = pattern
        self._gate: re.Pattern[str] | None = self._UNKNOWN

    def __getattr__(self, name: str) -> object:
        return getattr(self._pattern, name)

    def _open(self, text: str, pos: int, endpos: int) -> bool:
        gate = self._gate
        if gate is self._UNKNOWN:
            gate = self._gate = _gate(self._pattern)
        return gate is None or gate.search(_folded(text), pos, endpos) is not None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._pattern.search(text, pos, endpos) if self._open(text, pos, endpos) else None

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._pattern.match(text, pos, endpos) if self._open(text, pos, endpos) else None

    def fullmatch(self, text: str, pos: int = 0,
                  endpos: int = sys.maxsize) -> re.Match[str] | None:
        if not self._open(text, pos, endpos):
            return None
        return self._pattern.fullmatch(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0,
                 endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if self._open(text, pos, endpos):
            return self._pattern.finditer(text, pos, endpos)
        return iter(())


def _gated(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern behind its gate (:class:`_Gated`), in the pattern's clothes."""
    return cast("re.Pattern[str]", _Gated(pattern))


# The patterns scanned over whole units or searched near every amount.
FREE_FEE_RE = _gated(FREE_FEE_RE)
PRICE_FREE_RE = _gated(PRICE_FREE_RE)
CONTRACT_NUM_FIRST_RE = _gated(CONTRACT_NUM_FIRST_RE)
CONTRACT_WORD_FIRST_RE = _gated(CONTRACT_WORD_FIRST_RE)
OPEN_ENDED_RE = _gated(OPEN_ENDED_RE)
VAT_RE = _gated(VAT_RE)
OFFER_RE = _gated(OFFER_RE)
PROMO_FREE_RE = _gated(PROMO_FREE_RE)
ENDS_AFTER_RE = _gated(ENDS_AFTER_RE)
LABEL_RE = _gated(LABEL_RE)
FEE_NOUN_RE = _gated(FEE_NOUN_RE)
SPEED_RE = _gated(SPEED_RE)
LIST_PRICE_BEFORE_RE = _gated(LIST_PRICE_BEFORE_RE)
SAVING_BEFORE_RE = _gated(SAVING_BEFORE_RE)
_GENERIC_WITH_RE = _gated(_GENERIC_WITH_RE)
FROM_BEFORE_RE = _gated(FROM_BEFORE_RE)
NOT_PRICE_AFTER_RE = _gated(NOT_PRICE_AFTER_RE)
_FREE_FROM_RE = _gated(_FREE_FROM_RE)
QUOTE_BEFORE_RE = _gated(QUOTE_BEFORE_RE)
PROMO_BEFORE_RE = _gated(PROMO_BEFORE_RE)
PROMO_AFTER_RE = _gated(PROMO_AFTER_RE)
_CHOICE_RE = _gated(_CHOICE_RE)


# =========================================================================== records


@dataclass(frozen=True)
class Fact:
    """One thing a text unit states: an attribute, its value and where it was written."""

    attribute: str
    value: Decimal | str | bool
    raw: str
    span: tuple[int, int]
    currency: str | None = None
    period: str | None = None
    from_price: bool = False
    #: The price after a campaign ("…, sitten 29,90 €/kk", "därefter 279 kr/mån"): the page's
    #: other monthly price of the offer is the campaign's (auditor.extract.page).
    after_campaign: bool = False
    #: A fee waived from an order value on, stated in the same sentence ("Livraison CHF
    #: 7.90, offerte dès CHF 50.–"): that value.
    free_from: Decimal | None = None


@dataclass
class _Amount:
    """An amount found in the text, before it is classified."""

    start: int
    end: int  # includes the currency marker and the period, if any
    value: Decimal
    currency: str | None
    period: str | None  # "month" | "year" | "unit" | None
    from_price: bool = False
    label: str | None = None
    #: A former or list price: after "norm.", "UVP", "ord. pris", "was", or struck through.
    listed: bool = False
    #: After "then"/"därefter": the regular price that follows a campaign.
    after_campaign: bool = False


@dataclass
class _Label:
    """A price or fee label ("Avausmaksu", "monthly fee") and whether it named an amount."""

    start: int
    end: int
    attribute: str
    bound: bool = False
    #: A fee noun ("set-up", "frakt") that names only the amount right before it.
    trailing_only: bool = False


# =========================================================================== extraction


def extract_facts(text: str, *, today: date | None = None,
                  struck: Iterable[tuple[int, int]] = (),
                  currency: str | None = None, price_element: bool = False) -> list[Fact]:
    """Every fact one text unit states, in text order.

    ``today`` resolves end dates written without a year ("voimassa 31.12. asti" is the next
    31 December on or after ``today``). ``struck`` are the character spans the page showed
    struck through (``<del>``, ``<s>``, ``line-through``): an amount inside one is a
    ``list_price``. ``currency`` is the channel's own currency, which an ambiguous sign
    ("kr", "$") means when it can. ``price_element`` says the page's markup calls the unit
    a price (a class or itemprop naming one): then a plain integer alone ("590") is its
    price too. Never raises on any string.
    """
    if not isinstance(text, str) or not text:
        return []
    spans = tuple(sorted((int(a), int(b)) for a, b in struck)) if struck else ()
    return list(_extract_cached(text, today or date.today(), spans, currency, price_element))


@functools.lru_cache(maxsize=16_384)
def _extract_cached(text: str, today: date, struck: tuple[tuple[int, int], ...] = (),
                    currency: str | None = None, price_element: bool = False
                    ) -> tuple[Fact, ...]:
    """Facts are a pure function of (text, today), and a site repeats itself: navigation,
    footers, fee tables and disclaimers are the same text on every page. Facts are frozen,
    so cached ones can be shared; the bound caps memory at a few tens of MB."""
    # Amounts, counts, speeds and dates all need a digit; many units (chat small talk,
    # descriptions) have none, and skipping those patterns halves their cost.
    digits = _DIGIT_RE.search(text) is not None
    limited: list[tuple[int, int]] = []
    free_fees = list(_free_fees(text, limited))
    # A price guarantee's months are no contract's and no campaign's ("prix bloqué 2 ans").
    contracts = [*_contracts(text, digits=digits), *(_price_locks(text) if digits else ())]
    facts = free_fees + contracts
    ends: list[Fact] = []
    if digits or _CURRENCY_WORD_RE.search(text):  # "twenty bucks": money without digits
        facts += _money_facts(text, _Spans(f.span for f in free_fees),
                              _Spans(f.span for f in contracts), _Spans(struck), currency,
                              price_element, _Spans(limited))
    elif not facts and price_element and _LONE_FREE_RE.fullmatch(text):
        # A price element that says only "Free!", "Gratis", "Ilmainen": a price of 0.
        lead = len(text) - len(text.lstrip())
        raw = text.strip()
        facts.append(Fact("price", Decimal("0"), raw, (lead, lead + len(raw)), None, "once"))
    if digits:
        facts += _speeds(text)
        ends = _offer_ends(text, today, has_offer=OFFER_RE.search(text) is not None)
    if digits and any(f.attribute in FEES for f in facts):
        facts = _conditional_fees(text, facts)
    if "=" in text and "+" in text:
        facts = [f for f in facts if not _addend(text, f)]
    if digits:
        facts = _unchosen(text, facts)
    facts = _net_restated(text, facts, list(_vat(text)))
    # A campaign is a price, a duration or an end date: the word for "offer" alone is a
    # button, a heading or a menu item ("Till erbjudandet", "Angebote", "See offer").
    discount = _discount_offer(text)
    terms = [f.span for f in (*facts, *ends) if f.attribute in _CAMPAIGN_TERMS]
    offer = _offer(text, terms) if terms or discount else None
    offer = offer or discount
    if offer:
        facts.append(offer)
    facts += ends
    facts.sort(key=lambda f: (f.span[0], f.span[1]))
    return tuple(facts)


# --- money ------------------------------------------------------------------------------


_SUMMED = frozenset({"price", "monthly_price", "promo_price", "list_price", *FEES})


def _addend(text: str, f: Fact) -> bool:
    """Whether a money fact is a term of a sum the text works out ("$40 + $5 = $45/mo"):
    a bare amount followed by "+", or after "+" and followed by "+" or "=", in a chain that
    ends in "=". A term after its own label ("Telefon 2 990,- + deksel 299,-") is that
    thing's price and is kept. The bare terms are what other things cost (the plan, the
    add-on), restated to show a total; the total is not a price either
    (``not_price_before``). Without "=" ("$40/mo + $5 for Global Talk") each amount is still
    read as stated."""
    if f.attribute not in _SUMMED:
        return False
    a, b = f.span
    after = text[b:b + 4].lstrip()
    before = text[max(0, a - 4):a].rstrip()
    if before[-1:].isalpha():  # "Telefon 2 990,- + deksel 299,-": each names its thing
        return False
    if not (after.startswith("+") or (before.endswith("+") and after[:1] in ("+", "="))):
        return False
    chain = text[b:b + 80]
    end = len(chain)
    for stop in (". ", "? ", "! ", "\n"):
        i = chain.find(stop)
        end = min(end, i) if i >= 0 else end
    return "=" in chain[:end]



def _money_facts(text: str, free_fees: _Spans, contracts: _Spans, struck: _Spans,
                 currency: str | None, price_element: bool = False,
                 limited: _Spans | None = None) -> list[Fact]:
    """Amounts with their meaning: fee, monthly price, campaign price, list or plain price.

    Labels inside a "no fee" phrase ("Ei avausmaksua") are spent: they must not name the
    next amount. Months inside a contract phrase are not a campaign's months. The amount
    after a free phrase with an order value ("Free shipping on phones from 50 €",
    ``limited``) is that order value: neither a fee nor a price.
    """
    limited = limited or _Spans()
    labels = [lab for lab in _labels(text) if not free_fees.overlaps((lab.start, lab.end))
              and not limited.overlaps((lab.start, lab.end))]
    amounts = [a for a in _currency_amounts(text, currency)
               if not free_fees.overlaps((a.start, a.end))]
    amounts += _labelled_bare_amounts(text, labels, amounts)
    amounts += _range_starts(text, amounts)
    if not amounts:
        amounts = _lone_amount(text, price_element) or _word_amounts(text, currency)
    amounts.sort(key=lambda a: a.start)
    for a in amounts:
        _read_period(text, a)
        a.listed = a.listed or struck.overlaps((a.start, a.end))
    _bind_labels(text, labels, amounts)
    _otherwise_fees(text, amounts)
    _gapped_fees(text, amounts)
    amounts = [a for i, a in enumerate(amounts) if not _unnamed_addend(text, amounts[:i], a)
               and not _signed_addend(text, a)]
    # "a $25 restocking fee": a fee of a kind the audit does not compare, not the price.
    amounts = [a for a in amounts if a.label is not None or not _names_other_fee(text, a)]
    # "Versandkostenfrei ab 50 €", "free delivery over £50": an unlabelled amount right
    # after a free-fee phrase, in the same clause, is the threshold of that offer.
    ends = sorted(span[1] for span in free_fees.spans())
    amounts = [a for a in amounts if a.label is not None or not _after_free_fee(text, ends, a)]
    if limited.spans():
        amounts = [a for a in amounts if not _is_order_value(text, limited, a)]
    # "0 €, il n'y a aucun frais de mise en service": a zero in the sentence of a free fee
    # is that fee, stated twice, not an offer's price of nothing.
    if free_fees.spans():
        amounts = [a for a in amounts if a.label is not None or a.value != 0
                   or not _same_sentence(text, a.start, free_fees.spans())]
    promos = _Spans()
    facts: list[Fact] = []
    monthly_before = False
    for a in amounts:
        # "599,- per måned de første 12 månedene, deretter 899,-": what comes after a monthly
        # campaign is monthly too, period written or not.
        if a.period is None and a.after_campaign and monthly_before and a.label is None:
            a.period = "month"
        # "Prix par mois CHF 49.– (CHF 39.– les 12 premiers mois)": a campaign price after a
        # monthly one is monthly too.
        if a.period is None and monthly_before and a.label is None and PROMO_AFTER_RE.match(
                text, a.end):
            a.period = "month"
        monthly_before = monthly_before or a.period == "month" or a.label == "monthly_price"
        facts += _classify(text, a, contracts, promos)
    facts += _free_promos(text, contracts, promos)
    if any(f.attribute in ("monthly_price", "promo_price") and f.period == "month"
           for f in facts):
        # "299 kr/mån (ord. pris 349 kr)": the former price of a monthly price is monthly.
        facts = [dataclasses.replace(f, period="month")
                 if f.attribute == "list_price" and f.period == "once" else f for f in facts]
    return facts


#: The whole unit is one number as prices are written ("29,90", "1 075", "(1.299,00)"), or
#: a number with decimals next to a currency word the table lacks: a price element whose
#: currency sits in another element.
_LONE_AMOUNT_RE = re.compile(
    rf"[\s(]*(?P<num>{_NUMBER})[\s)*]*")
_MONEY_SHAPE_RE = re.compile(r"[.,][0-9]{2}$|[.,][-–—]$|[0-9][ \u00a0\u202f\u2009.,'’][0-9]{3}")


def _same_sentence(text: str, pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether a span lies in the sentence around ``pos`` (no sentence end between)."""
    return any(not _SENTENCE_END_RE.search(text, min(pos, b), max(pos, a)) for a, b in spans)


def _range_starts(text: str, amounts: list[_Amount]) -> list[_Amount]:
    """The bare first end of a range whose second end is money: "From 26 to 50 €" → 26 €
    (a from-price)."""
    if not amounts:
        return []
    written = _Spans((a.start, a.end) for a in amounts)
    starts = {a.start: a for a in amounts}
    out: list[_Amount] = []
    for m in RANGE_START_RE.finditer(text):
        if written.overlaps(m.span("num")):
            continue
        # The second end follows at once ("26–50 €", "26 - € 50"); "(months 1–6) £7.50"
        # is a count of months before a price, not a range of money.
        second = starts.get(m.end()) or next(
            (a for a in amounts if m.end() <= a.start <= m.end() + 4
             and not text[m.end():a.start].strip()), None)
        value = _number_value(m.group("num"))
        # A range runs upwards: "Fiber 1000 til 599,-" is a name and a price, not 1000–599;
        # and spans one kind of thing's prices: "le lot de 3 à 119 €" is a count and a price,
        # not 3–119.
        if second is None or value is None or value >= second.value \
                or 0 < value * 10 < second.value:
            continue
        out.append(_Amount(m.start("num"), m.end("num"), value, second.currency, None,
                           from_price=True))
    return out


_PARENTHESIS_RE = re.compile(r"\([^()]{0,80}\)")


def _lone_amount(text: str, price_element: bool = False) -> list[_Amount]:
    """A unit that is nothing but an amount with decimals or digit groups is a price.

    Shops split the currency into its own element (``<span>29,90</span><span>€</span>``)
    or leave it to the page's context; a bare "29,90" in a unit of its own is what a reader
    takes for a price. Plain integers ("24", "2026", "100") stay out: they are counts,
    years, speeds and pagination far more often than prices — unless the page's markup
    calls the element a price (``price_element``: class="price", itemprop="price").
    """
    m = _LONE_AMOUNT_RE.match(text)
    if m is None:
        return []
    # What may follow: a VAT note, an aside in parentheses ("34.12 (40.94 inc VAT)").
    rest = VAT_RE.sub("", _PARENTHESIS_RE.sub("", text[m.end():]))
    if rest.strip(" \t\u00a0)*.,;:") or not (_MONEY_SHAPE_RE.search(m.group("num"))
                                                or price_element):
        return []
    value = _number_value(m.group("num"))
    if value is None:
        return []
    return [_Amount(m.start("num"), m.end("num"), value, None, None)]


# Numbers written as words, per language file (number_words), longest first so that
# compounds split greedily ("kaksikymmentäyhdeksän" = kaksi·kymmentä·yhdeksän). One number
# is written in one language: Norwegian "en" (one) before Spanish "veinte" is not 21.
_NUMBER_WORDS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    code: dict(lex.number_words) for code, lex in LEXICONS.items() if lex.number_words}
_NUMBER_MORPHEMES_BY_LANGUAGE: dict[str, list[str]] = {
    code: sorted(words, key=len, reverse=True) for code, words in _NUMBER_WORDS_BY_LANGUAGE.items()}
_CURRENCY_WORD_RE = _compile(
    r"(?<![\w-])(?P<cur>" + "|".join(sorted(
        (re.escape(w) for lex in LEXICONS.values() for w in lex.currency_words
         if len(w) > 2 and w.isalpha()), key=len, reverse=True)) + r")(?![\w-])")
_WORD_ITER_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _segment(word: str, lang: str) -> list[str] | None:
    """A number word split into known parts, or None: "tjugonio" → ["tjugo", "nio"]."""
    word = word.lower()
    out: list[str] = []
    morphemes = _NUMBER_MORPHEMES_BY_LANGUAGE[lang]
    while word:
        part = next((m for m in morphemes if word.startswith(m)), None)
        if part is None:
            return None
        out.append(part)
        word = word[len(part):].lstrip("-")
    return out


def _words_value(parts: list[str], lang: str) -> Decimal | None:
    total = current = 0
    seen = False
    words = _NUMBER_WORDS_BY_LANGUAGE[lang]
    for p in parts:
        v = words[p]
        if v == "+0":
            continue
        seen = True
        if v.startswith("x"):
            scale = int(v[1:])
            if scale >= 1000:
                total += max(current, 1) * scale
                current = 0
            else:
                current = max(current, 1) * scale
        else:
            current += int(v)
    return Decimal(total + current) if seen else None


def _word_amounts(text: str, hint: str | None) -> list[_Amount]:
    """Amounts written in words before a currency word: "twenty nine dollars", "fifty
    bucks", "kaksikymmentä euroa", "tvåhundra kronor" (chats write them so)."""
    out: list[_Amount] = []
    for m in _CURRENCY_WORD_RE.finditer(text):
        tokens = list(_WORD_ITER_RE.finditer(text, max(0, m.start() - 80), m.start()))
        best: tuple[int, Decimal] | None = None  # the longest reading in any one language
        for lang in _NUMBER_WORDS_BY_LANGUAGE:
            parts: list[str] = []
            start, edge = None, m.start()
            for tok in reversed(tokens[-6:]):
                if text[tok.end():edge].strip(" \t-"):
                    break  # only spaces may stand between the words of one number
                seg = _segment(tok.group(0), lang)
                if seg is None:
                    break
                parts = seg + parts
                start = edge = tok.start()
            value = _words_value(parts, lang) if parts else None
            if value is not None and start is not None and (best is None or start < best[0]):
                best = (start, value)
        if best is not None:
            out.append(_Amount(best[0], m.end(), best[1], currency_code(m.group("cur"), hint),
                               None))
    return out


def _is_order_value(text: str, limited: _Spans, a: _Amount) -> bool:
    """The first amount after a free phrase with an order value, in the same clause (the
    reach :func:`_conditional` allows): that order value."""
    for _, end in limited.spans():
        if end <= a.start and a.start - end <= 70:
            gap = _PARENTHESIS_RE.sub(" ", text[end:a.start])
            if len(gap) <= 45 and not _CLAUSE_BREAK_RE.search(gap) \
                    and not _DIGIT_RE.search(gap):
                return True
    return False


def _after_free_fee(text: str, ends: list[int], a: _Amount) -> bool:
    i = bisect.bisect_right(ends, a.start) - 1
    if i < 0:
        return False
    gap = text[ends[i]:a.start]
    return len(gap) <= 25 and not _DIGIT_RE.search(gap) and not re.search(r"[.;,!?]", gap)


def _labels(text: str) -> list[_Label]:
    labels = [_Label(m.start(), m.end(), m.lastgroup or "price")
              for m in LABEL_RE.finditer(text)]
    # "£0 set-up", "49 kr frakt": a fee's noun right after an amount names that fee too.
    taken = _Spans((lab.start, lab.end) for lab in labels)
    for m in FEE_NOUN_RE.finditer(text):
        if not taken.overlaps(m.span()):
            # A fee's noun that starts the unit is a row's label ("Avaus 6,90", "Setup
            # €0"); elsewhere it names only the amount right before it.
            # "verrechnen wir für Lieferungen innerhalb Österreichs € 4,90", "£4.95 for
            # delivery": after a scope word it says what the next amount is for, too.
            leading = not text[:m.start()].strip() or _SCOPE_BEFORE_RE.search(
                text, max(0, m.start() - 12), m.start()) is not None
            labels.append(_Label(m.start(), m.end(), m.lastgroup or "activation_fee",
                                 trailing_only=not leading))
    labels.sort(key=lambda lab: lab.start)
    return labels


def _currency_amounts(text: str, hint: str | None = None) -> list[_Amount]:
    """Numbers written with a currency marker; discounts ("-10 €") and thresholds ("orders
    over £50", "$49+") are not prices."""
    out: list[_Amount] = []
    for m in _money_matches(text):
        marker = m.group("pre") or m.group("post")
        # "299,-" and "49.–" are how Nordic, German and Swiss shops write whole amounts of
        # money: the dash is the currency's mark even when no sign follows.
        dashed = m.group("num")[-1] in "-–—"
        if not (marker or dashed) or _is_discount(text, m.start(), m.end()):
            continue
        if _is_threshold(text, m.start(), m.end()):
            continue
        if _GENERIC_WITH_RE.search(text, max(0, m.start() - 80), m.start()):
            continue  # "avec un abonnement mobile dès CHF 25.–": not this offer's price
        value = _number_value(m.group("num"))
        if value is not None:
            out.append(_Amount(m.start(), m.end(), value,
                               currency_code(marker, hint) if marker else hint, None))
    return out


def printed_amounts(text: str) -> set[Decimal]:
    """Every amount of money the text prints, whatever it is (a price, a total, a limit)."""
    out = set()
    for m in _money_matches(text):
        if m.group("pre") or m.group("post") or m.group("num")[-1] in "-–—":
            value = _number_value(m.group("num"))
            if value is not None:
                out.add(value)
    return out


def _money_matches(text: str) -> Iterator[re.Match[str]]:
    """Money pattern matches, where a space-grouped number right after a month word is
    re-read from its second group ("Från månad 7 549 kr" is month 7, then 549 kr)."""
    pos = 0
    prev: re.Match[str] | None = None
    while True:
        # Searching from the first digit (less the longest currency before it) finds the
        # same match, without trying the currency pattern at every character of the words
        # in between: what most of a chat message is.
        digit = _DIGIT_RE.search(text, pos)
        if digit is None:
            return
        m = MONEY_RE.search(text, max(pos, digit.start() - _MONEY_LEAD))
        if m is None:
            return
        num = m.group("num")
        first = re.match(r"[0-9]{1,3}[ \u00a0\u202f\u2009]", num)
        if first and not m.group("pre") and _month_number_before(text, m, prev):
            pos = m.start("num") + first.end()
            continue
        yield m
        prev = m
        pos = m.end()


def _month_number_before(text: str, m: re.Match[str], prev: re.Match[str] | None) -> bool:
    """Whether a month word right before the amount makes its first group a month's number
    ("Från månad 7 549 kr") — not when the month word is the period of the amount before
    ("5 990 kr/mnd 5 490 kr/mnd": a struck price, then the price)."""
    word = _MONTH_WORD_BEFORE_RE.search(text, max(0, m.start("num") - 30), m.start("num"))
    if word is None:
        return False
    if prev is not None:
        period = PERIOD_RE.match(text, prev.end())
        if period is not None and period.end() >= len(text[:word.end()].rstrip()):
            return False
    return True


def _is_threshold(text: str, start: int, end: int) -> bool:
    """"Free delivery on orders over £50", "Noch 20,01 € bis …", "$49+", "Varukorg 0 kr",
    "399 + 279 = 678 kr/mån", "678 kr/mån totalt": a limit or a total, not a price."""
    if NOT_PRICE_BEFORE_RE.search(text, max(0, start - 40), start):
        return True
    if text[end:end + 1] == "+" and not text[end + 1:end + 2].isalnum():
        return True
    # "ab 50 € kostenlos", "from £50 it's free": a from-amount that something becomes free
    # at, in the same clause, is the limit for it, not a price.
    if _QUANTITY_BEFORE_RE.search(text, max(0, start - 60), start):
        return True  # "2 x familietillegg (398 kr/mnd)": the price of two
    if _FREE_FROM_RE.search(text, max(0, start - 50), start):
        return True  # "free from £40", "kostenlos ab 50 €"
    # (A price per month is never a limit: "from £25 a month with free installation".)
    if FROM_BEFORE_RE.search(text, max(0, start - 25), start) and not PERIOD_RE.match(text, end):
        clause = _CLAUSE_BREAK_RE.search(text, end)
        after = text[end:clause.start() if clause else len(text)]
        if len(after.split()) <= 5 and _FREE_ANY_RE.search(after):
            return True
    period = PERIOD_RE.match(text, end)
    return NOT_PRICE_AFTER_RE.match(text, period.end() if period else end) is not None


def _labelled_bare_amounts(text: str, labels: list[_Label],
                           amounts: list[_Amount]) -> list[_Amount]:
    """Numbers without a currency that a fee or price label names ("Avausmaksu: 4,90").

    Only the first number after a label counts, and only when nothing after it makes it a
    percentage, a count of months, a data amount or part of a date, time or phone number.
    """
    written = _Spans((a.start, a.end) for a in amounts)
    # Nor the number of an amount set aside as a total or a limit ("Total price: $418.84").
    written_money = _Spans(m.span() for m in _money_matches(text)
                           if m.group("pre") or m.group("post"))
    out: list[_Amount] = []
    for lab in labels:
        if lab.trailing_only:
            continue
        m = BARE_NUMBER_RE.search(text, lab.end, lab.end + LABEL_REACH)
        if not m or written.overlaps(m.span()) or written_money.overlaps(m.span()) \
                or not _gap_ok(text, lab.end, m.start()):
            continue
        # Without a currency the number must follow its label closely ("Hinta: 19,90",
        # "avausmaksu on 4,90"): "Tarif: FunkHaus Flex 10" names a plan, not a price.
        gap = text[lab.end:m.start()].split()
        if len([w for w in gap if any(c.isalpha() for c in w)]) > 1 or any(
                w[:1].isupper() for w in gap):
            continue
        if not _slash_period(text, m.end()) and not _BARE_MONEY_AFTER_RE.match(text, m.end()):
            continue
        if _DOTTED_DATE_RE.fullmatch(m.group(0)) and text[m.end():m.end() + 1] == ".":
            continue  # "Avausmaksu 31.12." is a date: prices are not written "4.90."
        if _word_date_re().match(text, m.start()):
            continue  # "nå – lanseres 19. september": a day of a month
        if re.fullmatch(r"[0-9]+[.,][0-9]", m.group(0)):
            continue  # "USB Power Delivery 3.0": a version; bare money has 0 or 2 decimals
        if _TIME_BEFORE_RE.search(text, max(0, m.start() - 8), m.start()):
            continue
        value = _number_value(m.group(0))
        if value is not None:
            out.append(_Amount(m.start(), m.end(), value, None, None))
    return out


def _slash_period(text: str, pos: int) -> bool:
    """"24,90/kk": a period written with a slash makes a bare number a price after all."""
    m = PERIOD_RE.match(text, pos)
    return m is not None and "/" in m.group(0)


def _number_value(number: str) -> Decimal | None:
    """The value of a number the money pattern matched, read by price-parser."""
    parsed = parse_amount(number)
    return parsed[0] if parsed else None


def _is_discount(text: str, start: int, end: int) -> bool:
    """A reduction, not a price: "-10 €", "5 € alennus", "€5 off", "säästä 60 €".

    Reductions have no attribute of their own; the campaign they belong to is an ``offer``.
    """
    if start > 0 and text[start - 1] in "-−–" and (start == 1 or not text[start - 2].isalnum()):
        return True
    if _signed_before(text, start) == "−":  # "12 måneder − 300 kr/mnd": the minus sign
        return True
    period = PERIOD_RE.match(text, end)  # "£5 a month less": after the period too
    tax = _TAX_NOTE_RE.match(text, end)  # "5 € TTC de remise"
    if any(DISCOUNT_AFTER_RE.match(text, at) for at in
           (end, period.end() if period else None, tax.end() if tax else None) if at):
        return True
    return SAVING_BEFORE_RE.search(text, max(0, start - 30), start) is not None


def _read_period(text: str, a: _Amount) -> None:
    """Extend an amount over its period ("/kk", "a month") and note "from" words."""
    m = PERIOD_RE.match(text, a.end)
    if m is None and _PER_NOUN_RE.match(text, a.end):
        a.period = "unit"
    if m:
        groups = m.groupdict()
        if groups["m1"] or groups["m2"] or groups["m3"]:
            a.period = "month"
        elif groups["y1"] or groups["y2"] or groups["y3"]:
            a.period = "year"
        else:
            a.period = "unit"
        a.end = m.end()
    a.from_price = bool(
        a.from_price  # the first end of a range ("19–29 €") is a from-price already
        or FROM_BEFORE_RE.search(text, max(0, a.start - 25), a.start)
        or FROM_AFTER_RE.match(text, a.end)
    )
    # "0,1089 €", "$0.0429": more decimals than the currency has minor units is a rate per
    # something (a kWh, a litre, a minute), never an offer's price, whether or not the unit
    # is written next to it (a table column "Prix du kWh TTC").
    if a.period is None and -a.value.as_tuple().exponent > _minor_digits(a.currency):
        a.period = "unit"
    a.listed = LIST_PRICE_BEFORE_RE.search(text, max(0, a.start - 30), a.start) is not None
    a.after_campaign = THEN_BEFORE_RE.search(text, max(0, a.start - 30), a.start) is not None


@functools.cache
def _minor_digits(currency: str | None) -> int:
    """How many decimals the currency's prices have (2 when unknown; 3 for the dinars)."""
    if currency is None:
        return 2
    try:
        return max(2, get_currency_precision(currency))
    except Exception:  # noqa: BLE001 - babel raises several kinds for an unknown code
        return 2


def _bind_labels(text: str, labels: list[_Label], amounts: list[_Amount]) -> None:
    """Give each amount the nearest label before it with no other amount in between.

    A fee label that names no amount after it may instead name the amount right before it
    ("4,90 € avausmaksu"), when only spaces separate them.
    """
    starts = [a.start for a in amounts]
    for lab in labels:
        # "zzgl. 4,95 € Versand · versandkostenfrei ab 50 €": a fee label right after an
        # amount, with its clause ending before any other amount, names the amount before
        # it ("Versand 4,95 €" still names the one after).
        if lab.attribute not in FEES or lab.trailing_only:
            continue
        i = bisect.bisect_right(starts, lab.start) - 1
        if i < 0 or amounts[i].end > lab.start or not (
                _only_spaces(text, amounts[i].end, lab.start)
                or _TWO_WORDS_RE.fullmatch(text, amounts[i].end, lab.start)):
            continue  # "$15 device activation fee": a word or two may describe the fee
        nxt = amounts[i + 1].start if i + 1 < len(amounts) else len(text)
        if nxt == len(text) or _CLAUSE_BREAK_RE.search(text, lab.end, nxt):
            lab.trailing_only = True
    events: list[tuple[int, int, _Label | _Amount]] = [(lab.start, 0, lab) for lab in labels]
    events += [(a.start, 1, a) for a in amounts]
    events.sort(key=lambda e: (e[0], e[1]))
    pending: _Label | None = None
    noun: _Label | None = None
    for _, _, item in events:
        if isinstance(item, _Label) and item.trailing_only:
            noun = item
            continue
        if isinstance(item, _Label):
            # "frakten kostar 99 kr", "the setup fee costs £20": a verb of costing after a
            # fee label says how much the fee is; it does not start a price of its own.
            if not (pending and pending.attribute in FEES and item.attribute == "price"
                    and _gap_ok(text, pending.end, item.start)
                    and not _CLAUSE_BREAK_RE.search(text, pending.end, item.start)):
                pending = item
                # "La activación del decodificador tiene un coste de 20 €": a fee's noun,
                # then in the same clause a word of costing — the amount is that fee.
                if item.attribute == "price" and noun is not None and _gap_ok(
                        text, noun.end, item.start) and not _CLAUSE_BREAK_RE.search(
                        text, noun.end, item.start):
                    noun.bound = True  # it names this amount, not the one before it
                    pending = _Label(item.start, item.end, noun.attribute)
            continue
        noun = None
        if pending and pending.end <= item.start and _gap_ok(text, pending.end, item.start):
            item.label = pending.attribute
            pending.bound = True
        pending = None
    for lab in labels:
        if lab.bound or lab.attribute not in FEES:
            continue
        i = bisect.bisect_right(starts, lab.start) - 1
        if i < 0:
            continue
        prev = amounts[i]
        if prev.label is None and prev.end <= lab.start and (
                _only_spaces(text, prev.end, lab.start)
                or _TWO_WORDS_RE.fullmatch(text, prev.end, lab.start)):
            prev.label = lab.attribute
            lab.bound = True


# A comma between digits is a decimal sign ("€ 4,90"), not the end of a clause.
_CLAUSE_BREAK_RE = re.compile(r"(?<![0-9]),|,(?![0-9])|[;·•|!?]|\.(?:\s|$)")
_TWO_WORDS_RE = re.compile(r"[ \t\u00a0\u202f]+(?:[^\W\d_]{2,12}[ \t\u00a0\u202f]+){1,2}")
_JOINING_WORD_RE = re.compile(r"[ \t\u00a0\u202f(]*(?:[^\W\d_]{1,3}[ \t\u00a0\u202f]+){0,2}")


def _only_spaces(text: str, start: int, end: int) -> bool:
    """Whether an amount and the fee label right after it are one phrase ("4,90 € (avaus...",
    "0 kr i uppläggningsavgift", "£20 as a setup fee", "9,99 € für das Startpaket"): spaces,
    or up to two short joining words."""
    m = _JOINING_WORD_RE.match(text, start, end)
    return m is not None and m.end() == end and end - start <= 12


def _gap_ok(text: str, start: int, end: int) -> bool:
    """Whether a label ending at ``start`` may still name an amount at ``end``.

    A few words may come between ("avausmaksu on vain 4,90 €"), but no number and no
    sentence end: past those the label is talking about something else.
    """
    gap = text[start:end]
    # An aside in parentheses is not between them: "Anschlusspreis Laufzeittarife (Mobil S,
    # M, L, XL) 19,99 €".
    gap = _PARENTHESIS_RE.sub(" ", gap)
    if len(gap) > LABEL_REACH:
        return False
    if _DIGIT_RE.search(gap) or _SENTENCE_END_RE.search(gap):
        return False
    # "zzgl. Versand · Grundpreis € 34,90 / kg": a list separator ends the label's item.
    if _ITEM_BREAK_RE.search(gap):
        return False
    return len(gap.split()) <= 4


_ITEM_BREAK_RE = re.compile(r"[·•|]")


def _classify(text: str, a: _Amount, contracts: _Spans, promos: _Spans) -> list[Fact]:
    """Turn one amount into facts: a fee, a campaign (months + price) or a price."""
    raw = text[a.start:a.end]

    def money(attribute: str, period: str | None) -> Fact:
        return Fact(attribute, a.value, raw, (a.start, a.end), a.currency, period, a.from_price,
                    a.after_campaign)

    if a.label in FEES:
        return [money(a.label, "month" if a.period == "month" else "once")]
    if a.listed:
        a.from_price = False  # "satt ned fra 349 til 299": the former price, not a from-price
        return [money("list_price", "month" if a.period == "month" else
                      {"year": "year", "unit": "unit"}.get(a.period or "", "once"))]
    promo = _promo_months(text, a, contracts, promos)
    if promo is not None:
        months, span = promo
        promos.add(span)
        return [Fact("promo_months", months, text[span[0]:span[1]], span),
                money("promo_price", "month")]
    if a.period == "month" or (a.label == "monthly_price" and a.period is None):
        return [money("monthly_price", "month")]
    return [money("price", {"year": "year", "unit": "unit"}.get(a.period or "", "once"))]


def _promo_months(text: str, a: _Amount, contracts: _Spans,
                  promos: _Spans) -> tuple[Decimal, tuple[int, int]] | None:
    """The campaign duration next to an amount: "3 kk 0 €/kk", "€9.90/mo for 3 months".

    Months right before count when the amount is monthly, joined by "hintaan"/"for", or a
    free "0 €"; months after count only after a monthly amount and with "first"/"ajan".
    Months already read as a contract length or another campaign are not reused.
    """
    m = PROMO_BEFORE_RE.search(text, max(0, a.start - _LOOKBACK), a.start)
    if m and (a.period == "month" or m.group("conn") or (a.period is None and a.value == 0)):
        span = m.span("months")
        if not contracts.overlaps(span) and not promos.overlaps(span):
            return Decimal(m.group("n")), span
    # "0 kr i 3 måneder": nothing to pay for a while is a campaign price, period or not.
    if a.period == "month" or (a.period is None and a.value == 0):
        m = PROMO_AFTER_RE.match(text, a.end)
        if m:
            span = m.span("months")
            n = next(g for g in ("n1", "n2", "n3", "n4") if m.group(g))
            # "kr 179,-/mnd i 24 mnd", "£20 a month for 24 months": a plain "for" two years
            # long is an instalment plan or the contract, not a campaign ("the first 24
            # months" still is one).
            plan = n == "n2" and int(m.group(n)) >= 24
            if not contracts.overlaps(span) and not promos.overlaps(span) and not plan:
                return Decimal(m.group(n)), span
    return None


def _free_promos(text: str, contracts: _Spans, promos: _Spans) -> Iterator[Fact]:
    """Free first months: "3 kk ilmaiseksi", "first 3 months free"."""
    for m in PROMO_FREE_RE.finditer(text):
        span = m.span("months")
        if contracts.overlaps(span) or promos.overlaps(span):
            continue
        promos.add(span)
        yield Fact("promo_months", Decimal(m.group("n")), m.group("months"), span)
        yield Fact("promo_price", Decimal("0"), m.group("free"), m.span("free"), None, "month")


def scope_after(text: str, end: int) -> int | None:
    """Where the words an amount is said *for* start, right after it: "0 kr *för* Premium",
    "29,90 € *for* Kuitu 100" (the amount's own period may come between)."""
    m = _SCOPE_AFTER_RE.match(text, end)
    return m.end() if m else None


_SCOPE_AFTER_RE = _compile(
    rf"(?:{_SP}*/{_SP}*[^\W\d_]{{1,8}}\.?)?{_SP}+{_field('scope_words')}{_SP}+(?=[^\W\d_])")


def scope_clause(text: str, pos: int) -> tuple[int, int] | None:
    """The words of a scope clause ending right before ``pos``, when an earlier clause of
    the same sentence states an amount of its own: in "19,99 € Anschlusspreis, bei
    Smartphone-Bundles 39,99 €" the second amount is said of "Smartphone-Bundles".
    ``(start, end)`` of those words, or ``None``."""
    lo = max(0, pos - 60)
    m = SCOPE_CLAUSE_RE.search(text, lo, pos)
    if m is None or m.end() != pos:
        return None
    sentence = text.rfind(". ", 0, m.start()) + 1
    sentence = max(sentence, text.rfind("\n", 0, m.start()) + 1)
    if not printed_amounts(text[sentence:m.start()]):
        return None
    return m.start("scope"), m.end("scope")


def _gapped_fees(text: str, amounts: list[_Amount]) -> None:
    """"Anschlusspreis 19,99 €, bei Smartphone-Bundles 39,99 €": an unnamed amount in a
    scope clause right after a fee is the same fee for what the clause names (the label is
    left out, not changed)."""
    for prev, a in zip(amounts, amounts[1:], strict=False):
        if a.label is not None or a.listed or prev.label not in FEES \
                or scope_clause(text, a.start) is None:
            continue
        a.label = prev.label
        a.period = a.period or prev.period


def _signed_before(text: str, start: int) -> str | None:
    """The arithmetic sign written before an amount ("+ 990 kr/mnd", "−300 kr", a space
    between or not), when nothing but a space or punctuation is before the sign."""
    i = start - 1
    if i >= 0 and text[i] in " \u00a0\u202f\u2009":
        i -= 1
    if i < 0 or text[i] not in "+−":
        return None
    return text[i] if i == 0 or not text[i - 1].isalnum() else None


def _signed_addend(text: str, a: _Amount) -> bool:
    """"2 000 km/mnd + 990 kr/mnd", "24 kk +5 €/kk": an option of a configurator, a
    quantity and what choosing it adds to the price. An amount written with a plus sign
    right after a quantity, with no label of its own and not said to be for something,
    is not a price. After a name it is the price of what is named ("Global Talk +$5/mo")."""
    if a.label is not None or _signed_before(text, a.start) != "+":
        return False
    sign = text.rindex("+", 0, a.start)
    return (_QUANTITY_END_RE.search(text, max(0, sign - 40), sign) is not None
            and scope_after(text, a.end) is None)


# A quantity and its unit, ending where the text ends: "2 000 km/mnd", "12 måneder", "500 GB".
_QUANTITY_END_RE = re.compile(
    r"(?<![\w.,])[0-9](?:[ \u00a0\u202f.,]?[0-9])*[ \u00a0\u202f]?"
    r"[^\W\d_]{1,12}\.?(?:[ \u00a0\u202f]?/[ \u00a0\u202f]?[^\W\d_]{1,6}\.?)?[ \u00a0\u202f]*$")


def _unnamed_addend(text: str, earlier: list[_Amount], a: _Amount) -> bool:
    """"9,99 € mtl. zzgl. 19,99 € einmalig": an amount after an addend word, with no label
    of its own and a price before it in the sentence, is a charge on top of that price —
    neither the price nor a fee that can be named. A monthly one ("plus $5/mo") is still
    read as stated."""
    if a.label is not None or a.listed or a.period == "month" or not earlier:
        return False
    if not _ADDEND_BEFORE_RE.search(text, max(0, a.start - 30), a.start):
        return False
    prev = earlier[-1]
    return not _SENTENCE_END_RE.search(text, prev.end, a.start)


def _names_other_fee(text: str, a: _Amount) -> bool:
    """"a $25 restocking fee", "Servicepauschale € 19,90": the word for a fee right after
    (or, without a period, right before) the amount names it — unless that word labels the
    next amount of its clause ("19,90 €/kk sekä avausmaksu 4,90 €")."""
    # Before it, only for an amount without a period: "Vuosimaksu 99 €/v" (an annual fee)
    # is the offer's yearly price.
    if a.period is None and _FEE_WORD_BEFORE_RE.search(text, max(0, a.start - 40), a.start):
        return True
    m = _FEE_WORD_AFTER_RE.match(text, a.end)
    if m is None:
        return False
    stop = _CLAUSE_BREAK_RE.search(text, m.end())
    return not any(MONEY_RE.finditer(text, m.end(), stop.start() if stop else len(text)))


def _otherwise_fees(text: str, amounts: list[_Amount]) -> None:
    """"Free shipping on orders of $50 or more; otherwise $5.99": the amount after
    "otherwise" is the fee the free case waives."""
    for a in amounts:
        if a.label is not None or not _OTHERWISE_BEFORE_RE.search(text, max(0, a.start - 40),
                                                                    a.start):
            continue
        # in the same sentence ("…; otherwise" stays in it)
        free = [m for m in FREE_FEE_RE.finditer(text, 0, a.start)
                if not re.search(r"[.!?](?:\s|$)", text[m.end():a.start])]
        if free:
            a.label = free[-1].lastgroup or "delivery_fee"


def _conditional_fees(text: str, facts: list[Fact]) -> list[Fact]:
    """Fees waived from an order value on carry it (``free_from``): "Frais de livraison CHF
    7.90, offerts dès CHF 50.–" is 7.90 for a charger and nothing for a phone."""
    limits: list[tuple[int, Decimal]] = []
    for m in _money_matches(text):
        if not (m.group("pre") or m.group("post")) or not _is_threshold(text, m.start(),
                                                                         m.end()):
            continue
        value = _number_value(m.group("num"))
        if value is not None:
            limits.append((m.start(), value))
    if not limits:
        return facts
    sentences = _sentences(text, semicolons=False)

    def sentence(pos: int) -> int:
        return next((i for i, (a, b) in enumerate(sentences) if a <= pos < b),
                    len(sentences) - 1)

    out = []
    for f in facts:
        if f.attribute in FEES and isinstance(f.value, Decimal) and f.value > 0:
            here = sentence(f.span[0])
            near = [v for pos, v in limits if sentence(pos) == here
                    and _FREE_ANY_RE.search(text, *sentences[here])]
            if near:
                f = dataclasses.replace(f, free_from=near[0])
        out.append(f)
    # "Frakten er 99 kr, men det er fri frakt over 1 500 kr – kjøper du begge deler blir
    # frakten gratis": once a fee carries its limit, the same fee said to be free in the
    # text is that limit restated (free above it), not a second fee of nothing.
    waived = {f.attribute for f in out if f.free_from is not None}
    return [f for f in out if not (f.attribute in waived and f.value == 0)]


def _conditional(text: str, pos: int) -> bool:
    """"Versandkostenfrei ab 50 €", "free delivery on orders over £50": free only above a
    threshold, so not the fee of any one offer (which may well pay it)."""
    m = next((x for x in MONEY_RE.finditer(text, pos, pos + 70)
              if x.group("pre") or x.group("post")), None)  # an amount of money, not "3–5"
    if m is not None:
        gap = _PARENTHESIS_RE.sub(" ", text[pos:m.start()])  # "(3–5 business days)" aside
        if len(gap) > 45:
            return False
        if not (_CLAUSE_BREAK_RE.search(gap) or _DIGIT_RE.search(gap)) and (
                _is_threshold(text, m.start(), m.end())
                or FROM_BEFORE_RE.search(text, pos, m.start()) is not None):
            return True
    # "ab 50 € Warenwert liefern wir versandkostenfrei": the limit may come first.
    return False


def _conditional_before(text: str, start: int) -> bool:
    """A free-fee phrase after a limit in its own clause ("ab 50 € … versandkostenfrei")."""
    breaks = [b.end() for b in _CLAUSE_BREAK_RE.finditer(text, max(0, start - 80), start)]
    clause = breaks[-1] if breaks else max(0, start - 80)
    for m in MONEY_RE.finditer(text, clause, start):
        if PERIOD_RE.match(text, m.end()):
            continue
        # "ab 50 € … versandkostenfrei", "liegen Sie über € 50,00 und die Lieferung ist
        # versandkostenfrei": a from-amount, or a limit.
        if FROM_BEFORE_RE.search(text, max(clause, m.start() - 25), m.start()) or (
                (m.group("pre") or m.group("post")) and _is_threshold(text, m.start(), m.end())):
            return True
    return False


def _free_fees(text: str, limited: list[tuple[int, int]] | None = None) -> Iterator[Fact]:
    """Fees and prices stated as absent or free: "Ei avausmaksua", "free delivery",
    "Hinta: ilmainen" → 0. A free phrase with an order value ("Envío gratis … a partir de
    50 €") states no fee of any one offer; its span goes to ``limited``."""
    for m in FREE_FEE_RE.finditer(text):
        if _conditional(text, m.end()) or _conditional_before(text, m.start()):
            if limited is not None:
                limited.append(m.span())
            continue
        attribute = m.lastgroup or "activation_fee"
        yield Fact(attribute, Decimal("0"), m.group(0), m.span(), None, "once")
    for m in PRICE_FREE_RE.finditer(text):
        monthly = m.lastgroup == "monthly_price"
        yield Fact("monthly_price" if monthly else "price", Decimal("0"), m.group(0), m.span(),
                   None, "month" if monthly else "once")


# --- terms ------------------------------------------------------------------------------


def _contracts(text: str, *, digits: bool = True) -> Iterator[Fact]:
    """Contract lengths in months ("24 kk määräaikainen", "2-year contract"); open-ended is 0."""
    seen = _Spans()
    matches: list[re.Match[str]] = []
    if digits:
        matches = [*CONTRACT_NUM_FIRST_RE.finditer(text),
                   *CONTRACT_WORD_FIRST_RE.finditer(text), *INSTALMENTS_RE.finditer(text)]
    matches.sort(key=lambda m: m.start())
    for m in matches:
        if seen.overlaps(m.span()):
            continue
        seen.add(m.span())
        months = Decimal(m.group("n")) * (12 if m.groupdict().get("yu") else 1)
        yield Fact("contract_months", months, m.group(0), m.span())
    for m in OPEN_ENDED_RE.finditer(text):
        if seen.overlaps(m.span()) or _THEN_NEAR_RE.search(text, max(0, m.start() - 60),
                                                           m.start()):
            continue
        if _NOT_BEFORE_RE.search(text, max(0, m.start() - 20), m.start()):
            continue
        yield Fact("contract_months", Decimal("0"), m.group(0), m.span())


def _price_locks(text: str) -> Iterator[Fact]:
    """How long a price is guaranteed, in months ("Prix bloqué 2 ans" → 24)."""
    seen = _Spans()
    for m in sorted([*PRICE_LOCK_BEFORE_RE.finditer(text), *PRICE_LOCK_AFTER_RE.finditer(text)],
                    key=lambda m: m.start()):
        if seen.overlaps(m.span()):
            continue
        seen.add(m.span())
        months = Decimal(m.group("n")) * (12 if m.groupdict().get("yu") else 1)
        yield Fact("price_lock_months", months, m.group(0), m.span())


def _speeds(text: str) -> Iterator[Fact]:
    """Connection speeds in Mbit/s; only with an explicit unit, never a bare "100M"."""
    for m in SPEED_RE.finditer(text):
        digits = _WS_RE.sub("", m.group("n")).replace(",", ".")
        value = Decimal(digits)
        if (m.group("unit") or "").upper() == "G":
            value *= 1000
        yield Fact("speed", _plain(value), m.group(0), m.span())


#: What an option a customer may choose changes: its sentence's terms and prices.
_OPTION_FACTS = frozenset({"price", "monthly_price", "promo_price", "promo_months",
                           "contract_months", "list_price", *FEES})


def _unchosen(text: str, facts: list[Fact]) -> list[Fact]:
    """The facts, less those of a sentence that states an option ("Velger du 12 mnd
    binding blir månedsprisen 300 kr lavere", "If you choose 24 months, it's £20/mo"): what
    holds if the customer chooses otherwise is not the offer as sold. A choice of an offer
    ("If you choose Kia EV3, …") is no option: the choice word must come before a number."""
    choices = [m.start() for m in _CHOICE_RE.finditer(text)]
    if not choices:
        return facts
    spans = [(a, b) for a, b in _sentences(text) if any(a <= c < b for c in choices)]
    return [f for f in facts if f.attribute not in _OPTION_FACTS
            or not any(a <= f.span[0] < b for a, b in spans)]


_NET_PRICES = frozenset({"price", "monthly_price", "promo_price"})


def _net_restated(text: str, facts: list[Fact], vat: list[Fact]) -> list[Fact]:
    """The facts with the VAT statements, except a net price restated beside its gross one:
    "7 990 kr/mnd (6 392 kr/mnd ekskl. mva.)". The note names that one amount, not every
    price of the page, and the amount is the same price without VAT: the net amount and its
    note are left out, the gross price kept. A note after the unit's only price ("Pris
    6 392 kr ekskl. mva.") is a statement about the prices there, and is kept with it."""
    out = list(facts)
    for note in vat:
        if note.value is not False:
            out.append(note)
            continue
        net = next((f for f in facts if f.attribute in _NET_PRICES and f.span[1] <= note.span[0]
                    and not text[f.span[1]:note.span[0]].strip(" \u00a0\u202f(")), None)
        gross = net and next((f for f in facts if f is not net and f.attribute in _NET_PRICES
                              and f.value != net.value), None)
        if net is None or gross is None:
            out.append(note)
            continue
        out.remove(net)
    return out


def _vat(text: str) -> Iterator[Fact]:
    """Whether prices include VAT: "sis. alv" → True, "alv 0 %" / "+ alv" → False."""
    for m in VAT_RE.finditer(text):
        yield Fact("vat_included", m.lastgroup == "incl", m.group(0), m.span())


#: Facts that make a unit with a campaign word a campaign: a price, a duration, an end date.
_CAMPAIGN_TERMS = frozenset({"price", "monthly_price", "promo_price", "promo_months",
                             "list_price", "offer_ends"})
_PERCENT_DISCOUNT_RE = _compile(
    # "-20 %" is a reduction; "10–80 %" a range ("Hurtiglading 10–80 % på 28 min").
    rf"[0-9]+(?:[,.][0-9]+)?{_SP}*%{_SP}*{_field('discount_words')}"
    rf"|(?<![0-9])(?<![0-9][ \u00a0])[-−–][0-9]+(?:[,.][0-9]+)?{_SP}*%")


_CAMEL_RE = re.compile(r"[^\W\d_](?<![A-ZÀ-Þ])[A-ZÀ-Þ]")


def said_of_all(text: str, pos: int) -> bool:
    """Whether the sentence around ``pos`` — or the paragraph's opening sentence — is about
    every offer of a kind ("Tous nos abonnements incluent la 5G. Frais d'activation CHF
    40.– par abonnement."): such a fact is channel-wide."""
    sentences = _sentences(text)
    first = sentences[0]
    if ALL_RE.search(text, first[0], first[1]):
        return True
    for a, b in sentences:
        if a <= pos < b or b == len(text):
            return ALL_RE.search(text, a, b) is not None
    return False


# A sentence also ends before a number when a number ended it ("$5.99. 2-day shipping"),
# not after an abbreviation ("Fr. 7.90", "ca. 5 €").
_FULL_STOP_RE = re.compile(r"[.!?]\s+(?=[A-ZÅÄÖ])|(?<=[0-9)%])[.!?]\s+(?=[0-9])|\n")


def _sentences(text: str, *, semicolons: bool = True) -> list[tuple[int, int]]:
    """Sentence spans of a unit ("Angebot nur mit Vertrag. Preis 1 €." is two); with
    ``semicolons=False`` a semicolon does not end one ("free over $50; otherwise $5.99")."""
    out, start = [], 0
    for m in (_SENTENCE_END_RE if semicolons else _FULL_STOP_RE).finditer(text):
        out.append((start, m.start() + 1))
        start = m.end()
    out.append((start, len(text)))
    return out


def _offer(text: str, terms: Sequence[tuple[int, int]] = ()) -> Fact | None:
    """The unit announces a campaign; its value is the unit's own text, tidied and capped.

    Called only for units that also state a price, a duration or an end date (or a
    percentage off, :func:`_discount_offer`): a campaign word on its own is a button, a
    menu item or a heading, not a campaign. ``terms`` are the spans of those: the campaign
    word must share a sentence with one — "Angebot nur in Verbindung mit einem
    Mobilfunkvertrag." is the everyday word for an offer in a disclaimer, even when a
    price follows in the next sentence — or be a short headline beside one ("Black Friday
    -tarjous! Kuitu 19,90 €/kk"). Without spans (a percentage off) any word counts.
    """
    sentences = _sentences(text)

    def near_term(pos: int) -> bool:
        if not terms:
            return True
        i = next(k for k, (a, b) in enumerate(sentences) if pos < b or k == len(sentences) - 1)
        a, b = sentences[i]
        if any(a <= t0 < b for t0, _ in terms):
            return True
        if len(text[a:b].split()) > 5:
            return False
        beside = [sentences[k] for k in (i - 1, i + 1) if 0 <= k < len(sentences)]
        return any(x <= t0 < y for x, y in beside for t0, _ in terms)

    for m in OFFER_RE.finditer(text):
        if not near_term(m.start()):
            continue
        if _CAMEL_RE.search(m.group(0)):
            continue  # "ProMotion", "PowerDeal": a product feature's name, not a campaign
        if m.group(0).lower() in NOT_BENEFIT_WORDS:
            continue
        if QUOTE_BEFORE_RE.search(text, max(0, m.start() - 40), m.start()):
            continue  # "lähetin tarjouksen sähköpostiisi": a quote, not a campaign
        if CTA_BEFORE_RE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "549:-/mån Se erbjudandet": the card's button, not a campaign
        return Fact("offer", _collapsed_prefix(text, OFFER_TEXT_LIMIT), m.group(0), m.span())
    return None


def _discount_offer(text: str) -> Fact | None:
    """"-30 %", "20 % alennus", "25% off": a reduction in percent is a campaign by itself."""
    m = _PERCENT_DISCOUNT_RE.search(text)
    if m is None:
        return None
    return Fact("offer", _collapsed_prefix(text, OFFER_TEXT_LIMIT), m.group(0), m.span())


def _collapsed_prefix(text: str, limit: int) -> str:
    """The text with runs of whitespace collapsed to one space, cut to ``limit`` characters.

    Reads words only until the limit is reached, so a huge unit costs no more than a short one.
    """
    words: list[str] = []
    size = 0
    for m in _WORD_RE.finditer(text):
        words.append(m.group(0))
        size += len(m.group(0)) + 1
        if size > limit:
            break
    return " ".join(words)[:limit]


# --- end dates --------------------------------------------------------------------------


def _offer_ends(text: str, today: date, *, has_offer: bool) -> list[Fact]:
    """End dates of a campaign: a date next to "voimassa", "asti", "until", "ends"...

    Numeric dates are read here; written-out ones go to dateparser, imported only when a
    text has an end-date word, because most text units have none.
    """
    found: dict[tuple[int, int], str] = {}
    budget = _Budget(MAX_DATEPARSER_CALLS)
    for trig in ENDS_BEFORE_RE.finditer(text):
        hit = _date_after(text, trig.end(), today, budget)
        if hit:
            found.setdefault(hit[0], hit[1])
    for trig in ENDS_AFTER_RE.finditer(text):
        hit = _date_before(text, trig.start(), today)
        if hit:
            found.setdefault(hit[0], hit[1])
    if has_offer:
        for m in DATE_RANGE_RE.finditer(text):
            iso = _numeric_date(m, today)
            if iso:
                found.setdefault(m.span("end"), iso)
    return [Fact("offer_ends", iso, text[s:e], (s, e)) for (s, e), iso in sorted(found.items())
            if not _notice_date(text, s)]


def _notice_date(text: str, pos: int) -> bool:
    """"Geht Ihre Kündigung bis 30.11.2026 ein, endet Ihre Mitgliedschaft mit 31.12.2026": a
    date in a sentence about ending a contract, with no campaign word, is no campaign's end."""
    start, end = next(((a, b) for a, b in _sentences(text, semicolons=False) if pos < b),
                      (0, len(text)))
    return CANCEL_RE.search(text, start, end) is not None and not OFFER_RE.search(
        text, start, end)


@dataclass
class _Budget:
    """How many more dateparser calls one text may make."""

    left: int


def _date_after(text: str, pos: int, today: date,
                budget: _Budget) -> tuple[tuple[int, int], str] | None:
    """The date that starts soon after an end word, with no other number in between."""
    end = pos + _ENDS_WINDOW + _LONGEST_DATE
    m = NUM_DATE_RE.search(text, pos, end)
    if m and m.start() <= pos + _ENDS_WINDOW and not _DIGIT_RE.search(text, pos, m.start()):
        iso = _numeric_date(m, today)
        return (m.span(), iso) if iso else None
    m = _word_date_re().search(text, pos, end)
    if (m and m.start() <= pos + _ENDS_WINDOW and not _DIGIT_RE.search(text, pos, m.start())
            and budget.left > 0):
        budget.left -= 1
        iso = _parse_word_date(m.group(0), today)
        if iso:
            return m.span(), iso
    return None


def _date_before(text: str, pos: int, today: date) -> tuple[tuple[int, int], str] | None:
    """The numeric date right before "asti"/"saakka" ("31.12. asti")."""
    start = max(0, pos - _ENDS_WINDOW)
    last = None
    for m in NUM_DATE_RE.finditer(text, start, pos):
        last = m
    if last and not text[last.end():pos].strip():
        iso = _numeric_date(last, today)
        return (last.span(), iso) if iso else None
    return None


def _numeric_date(m: re.Match[str], today: date) -> str | None:
    """ISO date from a numeric date match; a missing year means the next such day."""
    g = m.groupdict()
    if g.get("d"):
        day, month = int(g["d"]), int(g["m"])
        year = int(g["y"]) if g.get("y") else (2000 + int(g["yy"]) if g.get("yy") else None)
    elif g.get("Y"):
        day, month, year = int(g["D"]), int(g["M"]), int(g["Y"])
    elif g.get("d2"):
        day, month, year = int(g["d2"]), int(g["m2"]), int(g["y2"])
        if month > 12 >= day:  # written month first, as in the US
            day, month = month, day
    else:
        return None
    return _iso(year, month, day, today)


#: A day-and-month without a year that passed at most this many days ago is in the past.
RECENT_PAST_DAYS = 92


def _iso(year: int | None, month: int, day: int, today: date) -> str | None:
    """A valid ISO date, or None.

    Without a year: the next such day on or after ``today`` — unless that day passed within
    the last quarter (``RECENT_PAST_DAYS``): "Ends 27 November" read on 29 November ended
    two days ago (a banner meaning a date a year ahead would write the year), while
    "voimassa 31.12. asti" read in May is this year's New Year's Eve.
    """
    if year is not None:
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    days: list[date] = []
    for y in range(today.year - 4, today.year + 5):  # 4 years either way reach a 29 Feb
        try:
            days.append(date(y, month, day))
        except ValueError:
            continue
    past = [d for d in days if d < today]
    if past and (today - past[-1]).days <= RECENT_PAST_DAYS:
        return past[-1].isoformat()
    future = [d for d in days if d >= today]
    return future[0].isoformat() if future else None


@functools.cache
def _word_date_re() -> re.Pattern[str]:
    """A written-out date: "31 December 2026", "Dec 31, 2026", "31. joulukuuta 2026".

    Month names come from babel's locale data for :data:`DATE_LANGUAGES`, so that only real
    month names reach dateparser ("voimassa 12 kuukautta" is a duration, not a date). Built
    on first use: most texts never need it.
    """
    from babel.dates import get_month_names

    names: set[str] = set()
    for language in DATE_LANGUAGES:
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                months = get_month_names(width, context, language).values()
                names.update(m.lower().rstrip(".") for m in months)
    # Short names are abbreviations ("Dec", "tammi"): whole words only. Long names may be
    # inflected ("joulukuun", "joulukuuta").
    short = [re.escape(n) for n in names if len(n) <= 4]
    long = [re.escape(n) for n in names if len(n) > 4]
    month = (rf"(?:(?:{'|'.join(sorted(long, key=len, reverse=True))})\w*"
             rf"|(?:{'|'.join(sorted(short, key=len, reverse=True))})\.?(?![^\W\d_]))")
    day = r"[0-9]{1,2}(?:st|nd|rd|th|\.)?"
    # "31 of December", "30 de noviembre de 2026" (Spanish and Portuguese join with "de").
    year = r"(?:,?\s+(?:de\s+)?[0-9]{4})?"
    return _compile(
        rf"(?<![0-9\w])(?:{day}\s+(?:of\s+|de\s+)?{month}{year}|{month}\s+{day}{year})(?![0-9])"
    )


def _parse_word_date(candidate: str, today: date) -> str | None:
    """A written-out date via dateparser ("31 December 2026", "Dec 31, 2026")."""
    try:
        import dateparser  # lazy: slow to import, and most text units have no dates
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    settings = {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "REQUIRE_PARTS": ["day", "month"],
        "PREFER_DAY_OF_MONTH": "first",
    }
    try:
        parsed = dateparser.parse(candidate, languages=DATE_LANGUAGES, settings=settings)
    except Exception:  # noqa: BLE001 - third-party parser on untrusted text must not crash us
        return None
    if parsed is None:
        return None
    has_year = re.search(r"[0-9]{4}", candidate) is not None
    return _iso(parsed.year if has_year else None, parsed.month, parsed.day, today)


# --- helpers ----------------------------------------------------------------------------


class _Spans:
    """Non-overlapping spans kept sorted, so "does this overlap one?" costs log time.

    Texts are untrusted and may be huge; a list scan per amount would make them quadratic.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for span in spans:
            self.add(span)

    def overlaps(self, span: tuple[int, int]) -> bool:
        # Spans do not overlap each other, so ends are sorted like starts: only the last
        # span starting before ``span`` ends can reach into it.
        i = bisect.bisect_left(self._starts, span[1])
        return i > 0 and self._ends[i - 1] > span[0]

    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self._starts, self._ends, strict=True))

    def add(self, span: tuple[int, int]) -> None:
        """Add a span; one overlapping a kept span is ignored to keep the set disjoint."""
        if self.overlaps(span):
            return
        i = bisect.bisect_left(self._starts, span[0])
        self._starts.insert(i, span[0])
        self._ends.insert(i, span[1])


def _plain(value: Decimal) -> Decimal:
    """``Decimal("1000.0")`` → ``Decimal("1000")``, so equal speeds print the same."""
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()
