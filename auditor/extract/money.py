"""Amounts of money: every currency as written, parsed to ``(Decimal, ISO code)``.

Which strings name a currency comes from the field's libraries, not from a list kept here:
every ISO 4217 code babel knows, every symbol price-parser knows (``Kč``, ``zł``, ``руб``,
``R$``), every symbol babel's locale data writes (``₹``, ``₺``, ``￥``), the currency words
of each language file (``euroa``, ``kronor``, ``bucks``) and a short file of additions
(``currencies.yaml``: ``円``, ``грн``, which ISO codes people write in lower case,
which marker an ambiguous sign means). The number itself is read by price-parser, which
already knows the separators people write ("1 234,50", "1.234,50", "1,234.50", "1'049.95",
"49.–"). Formatting goes through babel so that reports show amounts the way the locale
writes them.

Money is :class:`decimal.Decimal` throughout; a float never touches an amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path

import yaml
from babel import Locale
from babel.numbers import format_currency, format_decimal, list_currencies
from price_parser import Price

__all__ = ["CurrencyTable", "currency_code", "currency_table", "format_amount", "locale_currency",
           "parse_amount"]

# Spaces price-parser does not know as group separators, and the typographic apostrophe
# Swiss shops group with ("CHF 1’049.95"), which it reads as the end of the number.
_X_CURRENCIES_IN_USE = frozenset({"XAF", "XOF", "XPF", "XCD", "XCG"})
_NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2019": "'"})
_DATA = Path(__file__).with_name("currencies.yaml")
#: Locales whose currency symbols are read from babel: each adds symbols no locale before it
#: and price-parser write ("₹" in en, "$CA" in fr, "₺" in tr, "元" in ja; measured once,
#: the other 20 locales tried added none).
_SYMBOL_LOCALES = ("en", "en_GB", "fr", "es", "pt_BR", "nl", "sv", "da", "cs", "ru", "uk",
                   "tr", "ja", "he", "el", "bg")


@dataclass(frozen=True)
class CurrencyTable:
    """Every currency marker Omniaudit recognises, and what each means."""

    #: Marker as written → ISO codes it may mean, preferred first. Looked up exactly,
    #: then lower-cased (``lowered``).
    exact: Mapping[str, tuple[str, ...]]
    lowered: Mapping[str, tuple[str, ...]]
    #: Markers matched only as written (ISO codes in capitals, short Latin symbols).
    case_sensitive: tuple[str, ...]
    #: Markers matched in any case (signs, non-Latin words, currency words).
    any_case: tuple[str, ...]

    def codes(self, marker: str) -> tuple[str, ...]:
        m = marker.strip()
        return self.exact.get(m) or self.lowered.get(m.lower()) or ()


def _is_latin_word(s: str) -> bool:
    core = s.replace(".", "").replace(" ", "")
    return bool(core) and core.isascii() and core.isalpha()


@cache
def currency_table(language_words: tuple[tuple[str, str], ...] | None = None) -> CurrencyTable:
    """Build the marker table from babel, price-parser, the language files and the additions.

    ``language_words`` are the languages' currency words as ``(word, code)`` pairs; by
    default they are read from the language files.
    """
    import price_parser._currencies as pp

    extra = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    short_ok = {str(m).replace(".", "") for m in extra.get("short_symbols") or ()}
    lowercase_codes = set(extra.get("lowercase_codes") or ())
    preferred = {str(k): str(v) for k, v in (extra.get("preferred") or {}).items()}
    found: dict[str, list[str]] = {}

    word_codes = set(extra.get("word_codes") or ())

    def add(marker: str, code: str) -> None:
        marker = marker.strip().replace("\u200f", "").replace("\u200e", "")
        if not marker or marker == "-" or any(c.isdigit() for c in marker) \
                or marker in word_codes:
            return
        if code.startswith("X") and code not in _X_CURRENCIES_IN_USE:
            return
        core = marker.replace(".", "")
        if _is_latin_word(marker) and len(core) <= 2 and core not in short_ok:
            return
        codes = found.setdefault(marker, [])
        if code not in codes:
            codes.append(code)

    # ISO 4217 also lists what no shop prices in: precious metals, bond units, the IMF's
    # drawing rights, test codes ("XDR 6,3" is a display panel, not 6,3 SDR). Of the X codes
    # only the currencies people pay with stay (CFA francs, CFP franc, Caribbean dollars);
    # add() drops the others whichever table names them.
    iso = sorted(c for c in list_currencies()
                 if not c.startswith("X") or c in _X_CURRENCIES_IN_USE)
    for code in iso:
        add(code, code)
    for code, info in pp.CURRENCIES.items():
        for key in ("s", "sn"):
            if info.get(key):
                add(str(info[key]), code)
    known = set(iso)
    for locale in _SYMBOL_LOCALES:
        for code, symbol in Locale.parse(locale).currency_symbols.items():
            if code in known:
                add(symbol, code)
    for marker, code in (extra.get("markers") or {}).items():
        add(str(marker), str(code))
    if language_words is None:
        from auditor.extract.lexicon import load_lexicons

        language_words = tuple((w, c) for lex in load_lexicons().values()
                               for w, c in lex.currency_words.items())
    for word, code in language_words:
        add(word, code)
    exact: dict[str, tuple[str, ...]] = {}
    for marker, codes in found.items():
        first = preferred.get(marker)
        ordered = ([first] if first else []) + [c for c in codes if c != first]
        exact[marker] = tuple(ordered)
    lowered: dict[str, tuple[str, ...]] = {}
    case_sensitive: list[str] = []
    any_case: list[str] = []
    for marker, codes in exact.items():
        is_code = marker in iso
        # ISO codes are matched in capitals ("ALL", "TOP", "CUP" are English words), short
        # Latin signs as written ("Ft", "Rs"); longer Latin signs in any case ("LEI", "Lek").
        sensitive = (is_code and marker not in lowercase_codes) or (
            _is_latin_word(marker) and not is_code and len(marker.replace(".", "")) <= 2
            and marker not in dict(language_words))
        (case_sensitive if sensitive else any_case).append(marker)
        if not sensitive:
            lowered.setdefault(marker.lower(), codes)
    return CurrencyTable(exact, lowered, tuple(case_sensitive), tuple(any_case))


def _alternation(markers: Iterable[str], *, fold: bool = False) -> str:
    """One regex alternation of ``markers`` as a trie, so that the engine tries only the
    branches that start with the character at hand (hundreds of markers, every position)."""
    trie: dict[str, dict] = {}
    for marker in set(markers):
        node = trie
        for ch in marker.lower() if fold else marker:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a marker ends here; a longer one may go on (greedy: longest wins)
            return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"
        return body

    return emit(trie)


@cache
def currency_pattern() -> str:
    """A regex fragment matching one currency marker, Latin words as whole words only.

    "EUR110.00", "110 EUR", "€110", "12 000 Kč", "3,500円", "CHF 1'049.95": a marker may
    touch the number, but a Latin-letter marker never touches another letter ("190E" is a
    model, "all 3" is not Albanian lek). The lone "e" Finnish agents type for the euro
    ("4,90e") is matched by the text extractor itself, after a number only.
    """
    t = currency_table()
    latin_any = [m for m in t.any_case if _is_latin_word(m)]
    other_any = [m for m in t.any_case if not _is_latin_word(m)]
    parts = []
    if t.case_sensitive:
        parts.append(rf"(?<![^\W\d_])(?-i:{_alternation(t.case_sensitive)})(?![^\W\d_])")
    if latin_any:
        parts.append(rf"(?<![^\W\d_])(?:{_alternation(latin_any, fold=True)})(?![^\W\d_])")
    # "US$", "R$", "$U": a sign with letters in it does not touch another letter either —
    # "plus $10" is ten dollars, not "US $10" with "pl" before it.
    # (Latin letters only: "1128240 рублей" is still roubles by its "руб".)
    groups: dict[tuple[bool, bool], list[str]] = {}
    for m in other_any:
        groups.setdefault((_latin_letter(m[:1]), _latin_letter(m[-1:])), []).append(m)
    for (letter_first, letter_last), markers in sorted(groups.items()):
        parts.append((r"(?<![^\W\d_])" if letter_first else "")
                     + rf"(?:{_alternation(markers, fold=True)})"
                     + (r"(?![^\W\d_])" if letter_last else ""))
    return "(?:" + "|".join(parts) + ")"


def _latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def currency_code(marker: str | None, hint: str | None = None) -> str | None:
    """The ISO 4217 code a currency marker stands for ("€", "e", "euroa", "Kč", "SEK").

    An ambiguous marker ("kr", "$") means ``hint`` when that is one of its currencies (the
    channel's own currency), else its preferred currency. Unknown markers give None rather
    than a guess: a wrong currency would make two equal prices look different in an audit.
    """
    if not marker:
        return None
    if marker.strip() == "e":
        return "EUR"
    codes = currency_table().codes(marker)
    if not codes:
        return None
    return hint if hint in codes else codes[0]


_NUMBER_CHARS = re.compile(r"[0-9]")


def parse_amount(s: str, hint: str | None = None) -> tuple[Decimal, str | None] | None:
    """Parse one written amount ("24,90 €", "€19.90", "12 000 Kč") into (value, ISO code).

    Returns None when there is no number, or when the text is a percentage: "25,5 %" is
    never money. The currency is None when the text carries no recognisable marker.
    Never raises on any string: price-parser is third-party code fed untrusted text, so
    its failures mean "no amount" rather than a crashed audit.
    """
    if not isinstance(s, str) or "%" in s or not _NUMBER_CHARS.search(s):
        return None
    try:
        price = Price.fromstring(s.translate(_NO_BREAK_SPACES))
    except (ValueError, InvalidOperation, ArithmeticError, IndexError):
        return None
    amount = price.amount
    if amount is None or not amount.is_finite():
        return None
    # "$0.045", "0,1089 €": a group never starts with a lone 0, so three or more digits after
    # "0." are decimals (a rate), not thousands.
    lead = _ZERO_POINT_RE.search(s)
    if lead and amount == amount.to_integral_value() and amount >= 1:
        amount = Decimal("0." + lead.group(1))
    currency = currency_code(price.currency, hint) if price.currency else None
    if currency is None:
        m = _marker_re().search(s)
        currency = currency_code(m.group(0), hint) if m else None
    return amount, currency


_ZERO_POINT_RE = re.compile(r"(?<![0-9.,'’ ])0[.,]([0-9]{3,})(?![0-9.,])")


@lru_cache(maxsize=1)
def _marker_re() -> re.Pattern[str]:
    return re.compile(currency_pattern() + r"|(?<=[0-9])[ \u00a0]?(?-i:e)(?![\w-])",
                      re.IGNORECASE)


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


@lru_cache(maxsize=64)
def locale_currency(locale: str | None) -> str | None:
    """The currency of a locale's territory ("nb-NO" → "NOK", "fi-FI" → "EUR"), or None."""
    if not locale:
        return None
    from babel.numbers import get_territory_currencies

    parts = locale.replace("_", "-").split("-")
    territory = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if territory is None:
        return None
    try:
        found = get_territory_currencies(territory.upper(), tender=True)
    except Exception:  # noqa: BLE001 - an unknown territory has no currency
        return None
    return found[0] if found else None
