"""Finding the brand's name, and near-misses of it, in text.

Finnish inflects proper nouns ("Nordtelin", "Nordtelille"), so a mention is *exact* when the
word is the brand name plus a short case ending. Brand names are compared as written: the
same letters in another case ("NorthWind" for "Northwind", "VågNät" for "Vågnät") are
*miscased* — except all capitals, which are typography ("NORDTEL"), and a lower-case brand
capitalised at the start of a sentence. A capitalised word that is close to the brand name
but not it ("Nortel", "Nordtell") is *misspelt*; a configured former name ("TeleNord") is
*retired*. All three are what the ``brand_name`` check reports.

A brand of several words ("BrightLine Mobile", "Vågnät Bredband") is recognised by its first
word, which is how running text names a company ("thanks for contacting BrightLine!") and
which carries the spelling a channel can get wrong ("Brightline Mobile").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

_WORD_RE = re.compile(r"\b[^\W\d_][^\W_]{2,}\b", re.UNICODE)
# Finnish case endings and the English possessive: enough to accept "Nordtelin", "Nordtel's".
_ENDINGS = ("", "n", "in", "iin", "ia", "ille", "illa", "ilta", "issa", "ista", "iksi", "lle",
            "lla", "lta", "ssa", "sta", "ä", "a", "'s", "s")
MISSPELLING_SCORE = 85.0


@dataclass(frozen=True)
class BrandMention:
    """A brand-like word in text: ``kind`` is ``exact``, ``miscased``, ``unaccented``
    ("Voltea" for "Voltéa"), ``misspelt`` or ``retired``."""

    word: str
    kind: str
    start: int
    end: int
    score: float


def name_word(brand: str) -> str:
    """The word that names the brand in running text: the brand itself, or the first word
    of a name of several words ("BrightLine Mobile" → "BrightLine")."""
    words = brand.split()
    return words[0] if len(words) > 1 and len(words[0]) >= 3 else brand


def brand_mentions(text: str, brand: str, retired: Sequence[str] = ()) -> list[BrandMention]:
    """Every mention of ``brand`` in ``text``, exact or not, and of its retired names."""
    brand = name_word(brand)
    out: list[BrandMention] = []
    taken: list[tuple[int, int]] = []
    for old in retired:
        for m in re.finditer(rf"(?<!\w){re.escape(old)}\w{{0,4}}", text, re.IGNORECASE):
            out.append(BrandMention(m.group(0), "retired", m.start(), m.end(), 100.0))
            taken.append((m.start(), m.end()))
    b = brand.casefold()
    for m in _WORD_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if _address(text, m.start(), m.end()):
            continue  # "@brightwire.uk", "www.vagnat.se", "hello@brightwire.co.uk"
        word = m.group(0)
        w = word.casefold()
        if w.startswith(b) and w[len(b):] in _ENDINGS:
            kind = "exact" if _same_as_written(word[:len(brand)], brand) else "miscased"
            out.append(BrandMention(word, kind, m.start(), m.end(), 100.0))
            continue
        # "Voltea" for "Voltéa": the accents left out is a spelling of its own.
        if b != _unaccented(b) and _unaccented(w).startswith(_unaccented(b)) \
                and _unaccented(w)[len(b):] in _ENDINGS:
            out.append(BrandMention(word, "unaccented", m.start(), m.end(), 95.0))
            continue
        # Proper nouns only: a lower-case word that resembles the brand is ordinary language.
        if not word[0].isupper() or len(w) < max(3, len(b) - 3):
            continue
        # Compare whole words, with and without a case ending: prefixes of words are too
        # lenient ("Nordea" shares "Norde" with "Nordtel").
        # One-letter endings other than the genitive -n would turn "Nordea" into "Norde".
        stems = {w} | {w[: -len(e)] for e in _ENDINGS
                       if (len(e) >= 2 or e == "n") and w.endswith(e) and len(w) > len(e)}
        score = max(fuzz.ratio(b, s) for s in stems)
        if score >= MISSPELLING_SCORE:
            out.append(BrandMention(word, "misspelt", m.start(), m.end(), float(score)))
    return sorted(out, key=lambda x: x.start)


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(c))


_ADDRESS_BEFORE = ("@", ".", "/", "#")


_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)


def _address(text: str, start: int, end: int) -> bool:
    """Whether the word is part of an address — a domain, an e-mail, a handle, a URL path
    (``service@funkhaus-shop.de``, ``@brightwire.uk``) — which is written in lower case
    whatever the brand's spelling."""
    if start > 0 and text[start - 1] in _ADDRESS_BEFORE:
        return True
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    token = text[left:right].rstrip(".,;:!?)")
    return "@" in token or "://" in token or (
        token.lower().startswith("www.") or _DOMAIN_RE.match(token) is not None
        and "." in token[end - left:])


def _same_as_written(stem: str, brand: str) -> bool:
    """Whether a word spells the brand as the brand writes itself (all capitals and a
    sentence-initial capital of a lower-case brand are typography, not a misspelling)."""
    if stem == brand or (stem.isupper() and len(stem) > 1):
        return True
    return brand[:1].islower() and stem == brand[:1].upper() + brand[1:]


def mention_value(m: BrandMention, brand: str) -> str:
    """The ``brand_name`` observation value of a mention: the brand itself when written
    right, else the word as written without its case ending ("Nortelin" → "Nortel")."""
    if m.kind == "exact":
        return brand
    brand = name_word(brand)
    if m.kind in ("miscased", "unaccented"):
        return m.word[:len(brand)]  # the brand's letters as written: "Funkhaus", not "Funkhau"
    return m.word if m.kind == "retired" else brand_stem(m.word, brand)


def brand_stem(word: str, brand: str) -> str:
    """The word without a Finnish case ending, for display ("Nortelin" → "Nortel")."""
    w = word
    for e in sorted(_ENDINGS, key=len, reverse=True):
        if e and w.casefold().endswith(e) and len(w) - len(e) >= len(brand) - 2:
            return w[: len(w) - len(e)]
    return w
