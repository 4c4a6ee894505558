"""Recognising the same offer across channels.

A channel names an offer its own way: the desktop card says "Kuitu 100M", the mobile tile
"Kuitu 100M kotiin", the chat agent "100 megan kuitu". :class:`Matcher` resolves such
names to the catalogue's subject ids, in this order, and records how it decided:

1. ``sku:`` hints (schema.org ``sku``/``gtin``, ``data-sku`` attributes) against subject ids
   and their ``sku`` list — method ``sku``;
2. the subject's id, name or an alias, compared after normalisation — method ``alias``;
3. a fuzzy name match (rapidfuzz ``WRatio``) at or above the configured threshold —
   method ``fuzzy:<score>``;
4. when no name resolves, the page's URL — method ``url``: a subject's own ``urls``, or a
   ``matching.url_map`` rule whose ``{placeholder}`` value resolves as a name or sku, or
   whose sibling page on another channel (same rule, same value) was matched by name.
   Names come first because a product page may show other offers' cards; the URL is what
   is left when a mobile page carries no name at all.

Numbers decide between sibling offers ("100M" vs "1000M", "10 Gt" vs "50 Gt"), and fuzzy
scores are blind to that, so a fuzzy candidate is accepted only when the numbers in both
names are the same. Observations that match nothing keep ``subject=None`` and are reported
as unmatched, never dropped. :func:`explain` lists, for one subject, what matched and why,
and the unmatched observations that came closest (``omniaudit explain SUBJECT``).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from auditor.config import SubjectConfig
from auditor.model import BRAND_SUBJECT, Observation

#: Attributes about the brand, not an offer: they are never matched to a subject.
BRAND_ATTRIBUTES = frozenset({"brand_name", "logo", "color_primary", "font_family"})

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


_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _url_regex(pattern: str) -> re.Pattern[str]:
    """A URL pattern as a regex: ``{name}`` is one path segment, ``*`` anything.

    A pattern without a scheme is matched against the URL's path (and query), so the same
    config works for staging and production hosts.
    """
    out, pos = "", 0
    for m in re.finditer(r"\{([A-Za-z_][A-Za-z0-9_]*)\}|\*", pattern):
        out += re.escape(pattern[pos:m.start()])
        out += f"(?P<{m.group(1)}>[^/?#]+)" if m.group(1) else ".*"
        pos = m.end()
    out += re.escape(pattern[pos:])
    return re.compile(out + r"/?$")


def _url_target(pattern: str, url: str) -> str:
    if urlsplit(pattern).scheme:
        return url.split("#", 1)[0]
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class UrlRule:
    """One ``matching.url_map`` entry: a URL pattern per channel for the same offer."""

    patterns: tuple[tuple[str, str], ...]  # (channel or "*", pattern)

    @classmethod
    def parse(cls, raw: Mapping[str, str]) -> UrlRule:
        return cls(tuple((str(k), str(v)) for k, v in raw.items()))

    def key(self, channel: str, url: str | None) -> tuple[tuple[str, str], ...] | None:
        """The placeholder values of ``url`` on ``channel``, or None when it does not match."""
        if not url:
            return None
        for ch, pattern in self.patterns:
            if ch not in (channel, "*"):
                continue
            m = _url_regex(pattern).match(_url_target(pattern, url))
            if m:
                return tuple(sorted(m.groupdict().items()))
        return None

    def describe(self) -> str:
        return " ↔ ".join(f"{ch}: {p}" for ch, p in self.patterns)


class Matcher:
    """Resolves channel names of offers to catalogue subjects."""

    def __init__(self, subjects: Sequence[SubjectConfig], threshold: float = 86.0,
                 url_rules: Sequence[UrlRule] = ()) -> None:
        self.threshold = threshold
        self.url_rules = tuple(url_rules)
        self._subject_urls: list[tuple[str, str, re.Pattern[str]]] = [
            (s.id, u, _url_regex(u)) for s in subjects for u in s.urls]
        self._by_sku: dict[str, str] = {}
        self._exact: dict[str, tuple[str, str]] = {}
        self._names: list[str] = []
        self._owners: list[tuple[str, str]] = []  # (subject id, original name) per _names entry
        self.names: dict[str, str] = {}
        self.subjects = tuple(subjects)
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

    @classmethod
    def from_config(cls, config: Any) -> Matcher:
        """The matcher an :class:`~auditor.config.AuditConfig` describes."""
        return cls(config.subjects, config.matching.fuzzy_threshold,
                   [UrlRule.parse(r) for r in config.matching.url_map])

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

    def resolve_url(self, channel: str, url: str | None) -> Match | None:
        """The subject a page's URL names: a subject's ``urls``, or a url_map placeholder."""
        if not url:
            return None
        for sid, pattern, rx in self._subject_urls:
            if rx.match(_url_target(pattern, url)):
                return Match(sid, "url", url, f"subject url {pattern}")
        for rule in self.url_rules:
            key = rule.key(channel, url)
            for _, value in key or ():
                for hint in (f"sku:{value}", value.replace("-", " ").replace("_", " ")):
                    m = self.resolve(hint)
                    if m:
                        return Match(m.subject, "url", url,
                                     f"{rule.describe()} with {value!r} ({m.method} "
                                     f"{m.matched!r})")
        return None

    def match_observations(self, observations: Iterable[Observation]) -> list[Observation]:
        """Fill in ``subject`` and ``match`` where a hint or the URL resolves; keep the rest."""
        out: list[Observation] = []
        pending: list[int] = []
        # (rule, placeholder values) → subjects that pages at those URLs were matched to by
        # name, for pages on other channels whose names match nothing.
        votes: dict[tuple[int, tuple], Counter[str]] = {}
        for o in observations:
            if o.subject is not None or o.attribute in BRAND_ATTRIBUTES:
                out.append(o if o.subject else dataclasses.replace(o, subject=BRAND_SUBJECT,
                                                                   match="brand"))
                continue
            hints = o.subject_hints if isinstance(o.subject_hints, tuple | list) else ()
            m = self.resolve_first(h for h in hints if isinstance(h, str))
            if m:
                out.append(dataclasses.replace(
                    o, subject=m.subject, match=f"{m.method}: {m.hint!r} → {m.matched!r}"))
                for i, rule in enumerate(self.url_rules):
                    key = rule.key(o.channel, o.evidence.url)
                    if key:
                        votes.setdefault((i, key), Counter())[m.subject] += 1
                continue
            m = self.resolve_url(o.channel, o.evidence.url)
            if m:
                out.append(dataclasses.replace(o, subject=m.subject,
                                               match=f"url: {m.hint!r} → {m.matched}"))
                continue
            pending.append(len(out))
            out.append(o)
        for idx in pending:
            o = out[idx]
            for i, rule in enumerate(self.url_rules):
                key = rule.key(o.channel, o.evidence.url)
                if key and votes.get((i, key)):
                    subject, _ = votes[(i, key)].most_common(1)[0]
                    value = ", ".join(f"{k}={v}" for k, v in key)
                    out[idx] = dataclasses.replace(
                        o, subject=subject,
                        match=f"url: {o.evidence.url!r} pairs by {rule.describe()} ({value}) "
                              f"with a page matched to {subject!r} by name")
                    break
        return out


# --- explaining ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NearMiss:
    """An unmatched observation whose names came close to a subject, and how close."""

    observation: Observation
    score: float
    hint: str
    name: str
    why: str


def near_misses(observations: Iterable[Observation], subject: SubjectConfig, *,
                floor: float = 60.0, limit: int = 20) -> list[NearMiss]:
    """Unmatched observations whose hints score at least ``floor`` against the subject.

    Says why they did not match: below the threshold, or numbers that differ ("Kuitu 100"
    is not "Kuitu 1000"), so a user can add an alias or fix the page.
    """
    names = [n for n in (subject.id, subject.name, *subject.aliases) if normalise(n)]
    found: list[NearMiss] = []
    for o in observations:
        if o.subject is not None or o.attribute in BRAND_ATTRIBUTES:
            continue
        best: tuple[float, str, str] | None = None
        for hint in o.subject_hints:
            if not isinstance(hint, str) or hint.startswith("sku:"):
                continue
            for name in names:
                score = fuzz.WRatio(normalise(hint), normalise(name))
                if best is None or score > best[0]:
                    best = (score, hint, name)
        if best and best[0] >= floor:
            score, hint, name = best
            why = ("numbers differ" if _numbers(normalise(hint)) != _numbers(normalise(name))
                   else "below the fuzzy threshold")
            found.append(NearMiss(o, score, hint, name, why))
    found.sort(key=lambda n: -n.score)
    return found[:limit]


def where(o: Observation) -> str:
    """Where an observation was seen, for people: ``url selector`` or ``file:line``."""
    e = o.evidence
    if e.transcript:
        return f"{e.transcript}:{e.line}" if e.line is not None else e.transcript
    return " ".join(p for p in (e.url, e.selector) if p) or "-"


def _value_text(o: Observation) -> str:
    from auditor.model import encode_value

    value = str(encode_value(o.value))
    extra = "/".join(p for p in (o.currency, o.period) if p)
    return f"{value} {extra}".strip()


@dataclass(frozen=True)
class Explanation:
    """Why observations were (or were not) matched to one subject."""

    subject: SubjectConfig
    matched: tuple[Observation, ...]
    near: tuple[NearMiss, ...]

    def lines(self) -> list[str]:
        """Plain-text lines for ``omniaudit explain``: one block per observation."""
        s = self.subject
        names = ", ".join(repr(a) for a in s.aliases) or "none"
        out = [f"{s.id} — {s.name} (aliases: {names}; sku: {', '.join(s.sku) or 'none'}"
               + (f"; urls: {', '.join(s.urls)}" if s.urls else "") + ")",
               f"Matched observations: {len(self.matched)}"]
        for o in self.matched:
            out.append(f"  {o.channel:<10} {o.attribute:<16} {_value_text(o):<22} {where(o)}")
            out.append(f"      {o.source}; match: {o.match or '-'}")
        out.append(f"Near misses (unmatched observations closest to {s.id}): {len(self.near)}")
        for n in self.near:
            o = n.observation
            out.append(f"  {o.channel:<10} {o.attribute:<16} {_value_text(o):<22} {where(o)}")
            out.append(f"      name {n.hint!r} scores {n.score:.0f} against {n.name!r}: {n.why}")
        return out


def explain(observations: Iterable[Observation], subject: SubjectConfig) -> Explanation:
    """The observations matched to ``subject`` (with the recorded reason) and near misses."""
    observations = list(observations)
    matched = tuple(o for o in observations if o.subject == subject.id)
    return Explanation(subject, matched, tuple(near_misses(observations, subject)))
