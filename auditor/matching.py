"""Recognising the same offer across channels.

A channel names an offer its own way: the desktop card says "Kuitu 100M", the mobile tile
"Kuitu 100M kotiin", the chat agent "100 megan kuitu". :class:`Matcher` resolves such
names to the catalogue's subject ids, in this order, and records how it decided:

1. ``sku:`` hints (schema.org ``sku``/``gtin``, ``data-sku`` attributes) against subject ids
   and their ``sku`` list — method ``sku``;
2. the subject's id, name or an alias, compared after normalisation — method ``alias``;
3. a fuzzy name match (rapidfuzz ``WRatio``) at or above the configured threshold —
   method ``fuzzy:<score>``.

Numbers decide between sibling offers ("100M" vs "1000M", "10 Gt" vs "50 Gt"), and fuzzy
scores are blind to that, so a fuzzy candidate is accepted only when the numbers in both
names are the same. Observations that match nothing keep ``subject=None`` and are reported
as unmatched, never dropped.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from auditor.config import SubjectConfig
from auditor.model import BRAND_SUBJECT, Observation

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_NUM_RE = re.compile(r"\d+")


def normalise(name: str) -> str:
    """Lower-case, accents kept (Finnish ä/ö matter), punctuation to spaces, one space."""
    name = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_WORD_RE.findall(name))


def _numbers(name: str) -> frozenset[str]:
    return frozenset(n.lstrip("0") or "0" for n in _NUM_RE.findall(name))


@dataclass(frozen=True)
class Match:
    """A resolved subject and why."""

    subject: str
    #: ``"sku"``, ``"alias"`` or ``"fuzzy:<score>"``.
    method: str
    #: The name or code that matched, as the channel wrote it.
    hint: str
    #: The catalogue name or alias it matched.
    matched: str


@dataclass(frozen=True)
class Mention:
    """An offer named inside free text (a chat message)."""

    subject: str
    start: int
    end: int
    method: str
    text: str


class Matcher:
    """Resolves channel names of offers to catalogue subjects."""

    def __init__(self, subjects: Sequence[SubjectConfig], threshold: float = 86.0) -> None:
        self.threshold = threshold
        self._by_sku: dict[str, str] = {}
        self._exact: dict[str, tuple[str, str]] = {}
        self._names: list[str] = []
        self._owners: list[tuple[str, str]] = []  # (subject id, original name) per _names entry
        self.names: dict[str, str] = {}
        for s in subjects:
            self.names[s.id] = s.name
            for code in (s.id, *s.sku):
                self._by_sku[code.casefold()] = s.id
            for name in (s.id, s.name, *s.aliases):
                key = normalise(name)
                if key:
                    self._exact.setdefault(key, (s.id, name))
                    self._names.append(key)
                    self._owners.append((s.id, name))

    def resolve(self, hint: str) -> Match | None:
        """The subject a single name or ``sku:`` code refers to, or ``None``."""
        if hint.startswith("sku:"):
            code = hint[4:].strip().casefold()
            sid = self._by_sku.get(code)
            return Match(sid, "sku", hint, code) if sid else None
        key = normalise(hint)
        if not key:
            return None
        if key in self._exact:
            sid, name = self._exact[key]
            return Match(sid, "alias", hint, name)
        if not self._names:
            return None
        nums = _numbers(key)
        best: Match | None = None
        best_score = -1.0
        for _, score, idx in process.extract(key, self._names, scorer=fuzz.WRatio, limit=5,
                                             score_cutoff=self.threshold):
            if _numbers(self._names[idx]) != nums:
                continue
            if score > best_score:
                sid, name = self._owners[idx]
                best, best_score = Match(sid, f"fuzzy:{round(score)}", hint, name), score
        return best

    def resolve_first(self, hints: Iterable[str]) -> Match | None:
        """The first hint that resolves (hints are ordered closest first)."""
        for h in hints:
            m = self.resolve(h)
            if m:
                return m
        return None

    def find_mentions(self, text: str) -> list[Mention]:
        """Offers named in free text, by exact alias or fuzzy word windows, in text order."""
        norm_words = [(m.group(0).casefold(), m.start(), m.end())
                      for m in _WORD_RE.finditer(unicodedata.normalize("NFKC", text))]
        found: list[Mention] = []
        taken: set[int] = set()
        # Longest names first so that "Kuitu 1000M" wins over a shorter alias inside it.
        for key in sorted(set(self._names), key=lambda k: -len(k.split())):
            size = len(key.split())
            for width in (size, size + 1):
                for i in range(0, len(norm_words) - width + 1):
                    if taken & set(range(i, i + width)):
                        continue
                    window = " ".join(w for w, _, _ in norm_words[i:i + width])
                    if window == key and width == size:
                        method = "alias"
                    else:
                        if _numbers(window) != _numbers(key) or not _numbers(key) and size < 2:
                            continue
                        score = fuzz.ratio(window, key)
                        if score < self.threshold:
                            continue
                        method = f"fuzzy:{round(score)}"
                    sid, _ = self._exact[key]
                    start, end = norm_words[i][1], norm_words[i + width - 1][2]
                    found.append(Mention(sid, start, end, method, text[start:end]))
                    taken |= set(range(i, i + width))
        return sorted(found, key=lambda m: m.start)

    def match_observations(self, observations: Iterable[Observation]) -> list[Observation]:
        """Fill in ``subject`` and ``match`` where a hint resolves; leave the rest unmatched."""
        out = []
        for o in observations:
            if o.subject is not None or o.attribute in {"brand_name", "logo", "color_primary",
                                                         "font_family"}:
                out.append(o if o.subject else dataclasses.replace(o, subject=BRAND_SUBJECT,
                                                                   match="brand"))
                continue
            m = self.resolve_first(o.subject_hints)
            if m:
                out.append(dataclasses.replace(
                    o, subject=m.subject, match=f"{m.method}: {m.hint!r} → {m.matched!r}"))
            else:
                out.append(o)
        return out
