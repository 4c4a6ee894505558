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
    """An offer named inside free text (a chat message, a line of a page). ``subject`` is
    None for the name of an offer the catalogue does not have (``method`` ``"unknown"``)."""

    subject: str | None
    start: int
    end: int
    method: str
    text: str


#: Terms an offer's name may hold ("Flex uten binding", "Mobil 24 kk"): read from inside a
#: name they are the name.
_NAMED_TERMS = frozenset({"contract_months", "promo_months", "price_lock_months"})
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


#: Fuzzy scores of two different offers closer than this leave a name unresolved.
AMBIGUOUS_MARGIN = 3.0
#: Pages of a channel a unit's text must appear on (and the share of the channel's pages)
#: before it counts as chrome: a footer, a promo bar, a delivery banner.
CHROME_MIN_PAGES = 3
CHROME_SHARE = 0.5
#: Earlier messages of a chat kept with each claim, newest first (``msg:`` hints): the offer
#: under discussion is named there (auditor.capture.transcripts).
CONTEXT_PREFIX = "msg:"


#: How near each word of a name written with a typo must be to the catalogue's word (0–100).
_WORD_NEAR = 60.0


def _word_part(name: str) -> str:
    """A normalised name without its numbers: "kuitu 1000m" → "kuitu m"."""
    return " ".join(_NUM_RE.sub("", name).split())


def _distinctive(words: str) -> bool:
    """Whether a name's words say which product line it is ("kuitu", "mobil"), not just a
    unit ("gb", "m"): "25 GB" of data is no offer's name, "Mobil 25 GB" is."""
    return any(len(w) >= 3 for w in words.split())


def _as_written(word: str, name: str) -> bool:
    """A one-word name without digits counts in free text only in its own capitalisation:
    "Obegränsad" names the offer, "obegränsad surf" describes a plan."""
    return not name[:1].isupper() or word[:1].isupper()


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
        #: Word → indexes of the names that contain it: free text is compared only with the
        #: names it shares a word with (a chat line against a 400-offer catalogue).
        self._by_word: dict[str, set[int]] = {}
        self._id_keys: set[str] = set()
        #: One-word aliases that inflect another one-word name of the same subject
        #: ("Kodpanelen" beside "Kodpanel", "Smartlåset" beside "Smartlås"): a form used in
        #: running text, where such nouns are lower-case, so any capitalisation counts.
        self._inflected: set[str] = set()
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
                    if name is s.id and key not in {normalise(n) for n in (s.name,
                                                                           *s.aliases)}:
                        # An id is a code ("gaz", "plus"), not a name: it resolves a hint
                        # (a data-offer attribute) but is no mention in free text, where
                        # "le gaz" or "plus" are everyday words.
                        self._id_keys.add(key)
                    for word in key.split():
                        self._by_word.setdefault(word, set()).add(len(self._names))
                    self._names.append(key)
                    self._owners.append((s.id, name))
        for s in subjects:
            words = {normalise(n) for n in (s.name, *s.aliases)}
            words = {w for w in words if w and " " not in w and not _numbers(w)}
            self._inflected |= {w for w in words for base in words
                                if w != base and w.startswith(base) and len(w) - len(base) <= 3
                                and len(base) >= 4}
        self._mentions: dict[str, tuple[Mention, ...]] = {}

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
        scores: dict[str, float] = {}
        for _, score, idx in process.extract(key, self._names, scorer=fuzz.WRatio, limit=10,
                                             score_cutoff=self.threshold):
            sid, name = self._owners[idx]
            scores[sid] = max(scores.get(sid, 0.0), score)
            if _numbers(self._names[idx]) != nums:
                continue
            if score > best_score:
                best, best_score = Match(sid, f"fuzzy:{round(score)}", hint, name), score
        # "Mobilt bredbånd" is as close to "Mobilt bredbånd Fri" as to "Mobilt bredbånd
        # 100 GB": a name that fits two offers equally names neither.
        if best is not None and any(sid != best.subject and best_score - sc < AMBIGUOUS_MARGIN
                                    for sid, sc in scores.items()):
            return None
        return best

    def resolve_first(self, hints: Iterable[str]) -> Match | None:
        """The first hint that resolves (hints are ordered closest first)."""
        for h in hints:
            m = self.resolve(h)
            if m:
                return m
        return None

    def unknown_name(self, hint: str) -> str | None:
        """The catalogue name ``hint`` is a sibling of, when it names an offer that is not in
        the catalogue: the same words with other numbers ("Kuitu 2000M" beside "Kuitu
        1000M", "Mobil 10 GB" beside "Mobil 5 GB"). Such a name must never fall through to
        another offer."""
        key = normalise(hint)
        nums = _numbers(key)
        if not nums or key in self._exact:
            return None
        words = _word_part(key)
        if not words or not _distinctive(words):
            return None
        for idx in self._candidates(key.split()):
            name = self._names[idx]
            if _numbers(name) and _numbers(name) != nums and len(name.split()) == len(key.split()) \
                    and fuzz.ratio(words, _word_part(name)) >= self.threshold:
                return self._owners[idx][1]
        return None

    def _candidates(self, words: Iterable[str]) -> set[int]:
        out: set[int] = set()
        for w in words:
            out |= self._by_word.get(w, set())
        return out

    def find_mentions(self, text: str) -> list[Mention]:
        """Offers named in free text, in text order: by exact alias or fuzzy word windows
        (numbers must agree), and — with ``subject`` None — names of offers the catalogue
        does not have (:meth:`unknown_name`)."""
        cached = self._mentions.get(text)
        if cached is None:
            cached = tuple(self._find_mentions(text))
            if len(self._mentions) > 50_000:
                self._mentions.clear()
            self._mentions[text] = cached
        return list(cached)

    def _find_mentions(self, text: str) -> list[Mention]:
        norm_words = [(m.group(0).casefold(), m.start(), m.end())
                      for m in _WORD_RE.finditer(unicodedata.normalize("NFKC", text))]
        words = [w for w, _, _ in norm_words]
        found: list[Mention] = []
        taken: set[int] = set()
        keys = sorted({self._names[i] for i in self._candidates(words)} - self._id_keys,
                      key=lambda k: (-len(k.split()), k))
        # Names written exactly first, then near ones; longest names first in each pass, so
        # that "Kuitu 1000M" wins over a shorter alias inside it and "Kuitu 100M" is read
        # as itself, not as a fuzzy "Kuitu 100".
        for exact, key in [(True, k) for k in keys] + [(False, k) for k in keys]:
            size = len(key.split())
            for width in ((size,) if exact else (size, size + 1)):
                for i in range(0, len(norm_words) - width + 1):
                    if taken & set(range(i, i + width)):
                        continue
                    window = " ".join(words[i:i + width])
                    if exact and window != key:
                        continue
                    if exact:
                        if size == 1 and not _numbers(key) and key not in self._inflected \
                                and not _as_written(text[norm_words[i][1]:norm_words[i][2]],
                                                    self._exact[key][1]):
                            continue  # "obegränsad surf" is a description, "Obegränsad" a name
                        method = "alias"
                    else:
                        if _numbers(window) != _numbers(key) or not _numbers(key) and size < 2:
                            continue
                        score = fuzz.ratio(window, key)
                        if score < self.threshold:
                            continue
                        # Near word for word: "offre d'automne" is no "offre Duo" though
                        # "offre d" is near it as a whole.
                        if width == size and any(fuzz.ratio(a, b) < _WORD_NEAR for a, b in
                                                 zip(words[i:i + width], key.split(),
                                                     strict=True)):
                            continue
                        method = f"fuzzy:{round(score)}"
                    sid, _ = self._exact[key]
                    start, end = norm_words[i][1], norm_words[i + width - 1][2]
                    found.append(Mention(sid, start, end, method, text[start:end]))
                    taken |= set(range(i, i + width))
        # Names the catalogue lacks: the same words as a known name, other numbers.
        for key in keys:
            size = len(key.split())
            if not _numbers(key):
                continue
            for i in range(0, len(norm_words) - size + 1):
                if taken & set(range(i, i + size)):
                    continue
                window = " ".join(words[i:i + size])
                if self.unknown_name(window) is None:
                    continue
                start, end = norm_words[i][1], norm_words[i + size - 1][2]
                found.append(Mention(None, start, end, "unknown", text[start:end]))
                taken |= set(range(i, i + size))
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

    # --- observations ------------------------------------------------------------------

    def match_observations(self, observations: Iterable[Observation]) -> list[Observation]:
        """Decide every observation's subject and role; keep the ones that match nothing.

        Subjects are decided afresh each time (a stored run re-checked with a new catalogue
        is re-attributed). Web observations: text repeated on most pages of a channel is
        chrome (channel-wide, no subject); an offer named in the observation's own text
        before the value comes first, then its hints (a card's own title, or the nearest
        titles and the page's title), then — for the page's own offer only — the URL. A
        name the catalogue lacks stops the search: its facts stay unmatched, never pinned
        on another offer. Chat claims: :meth:`_claim_subjects`.
        """
        observations = self._page_roles(list(observations))
        out: list[Observation] = []
        pending: list[int] = []
        # (rule, placeholder values) → subjects that pages at those URLs were matched to by
        # name, for pages on other channels whose names match nothing.
        votes: dict[tuple[int, tuple], Counter[str]] = {}
        for o in observations:
            if o.attribute in BRAND_ATTRIBUTES or o.subject == BRAND_SUBJECT:
                out.append(o if o.subject else dataclasses.replace(o, subject=BRAND_SUBJECT,
                                                                   match="brand"))
                continue
            named = self._inside_name(o)
            if named is not None:
                out.append(dataclasses.replace(
                    o, subject=None, match=f"part of the name {named.text!r}: a name, not a "
                                           "claim"))
                continue
            if o.source == "transcript":
                out.extend(self._claim(o))
                continue
            if o.role == "chrome":
                out.append(dataclasses.replace(
                    o, subject=None, match="chrome: said on most pages of the channel or in "
                                           "its header, navigation or footer; applies "
                                           "channel-wide"))
                continue
            m, why = self._page_subject(o)
            if m:
                out.append(dataclasses.replace(
                    o, subject=m.subject, match=f"{m.method}: {m.hint!r} → {m.matched!r}"))
                for i, rule in enumerate(self.url_rules):
                    key = rule.key(o.channel, o.evidence.url)
                    if key and o.role in (None, "main"):
                        votes.setdefault((i, key), Counter())[m.subject] += 1
                continue
            if why:
                out.append(dataclasses.replace(o, subject=None, match=why))
                continue
            if o.role != "other":
                m = self.resolve_url(o.channel, o.evidence.url)
                if m:
                    out.append(dataclasses.replace(o, subject=m.subject,
                                                   match=f"url: {m.hint!r} → {m.matched}"))
                    continue
                pending.append(len(out))
            if o.subject in self.names and not hints_of(o):
                # Stored without anything to decide from (a run written by another tool, a
                # synthetic run): its subject stands while the catalogue still has it.
                out.append(o)
                continue
            out.append(dataclasses.replace(o, subject=None, match=None))
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
        return _final_roles(out)

    def _inside_name(self, o: Observation) -> Mention | None:
        """The offer's name a term was read from: "uten binding" in "Flex uten binding" is
        the name of an offer, not an open-ended contract of whatever the text is about."""
        if o.attribute not in _NAMED_TERMS or not o.text:
            return None
        span = o.span if isinstance(o.span, tuple | list) and len(o.span) == 2 else None
        if span is None:
            return None
        return next((m for m in self.find_mentions(o.text)
                     if m.subject and m.start <= span[0] and span[1] <= m.end), None)

    def _page_subject(self, o: Observation) -> tuple[Match | None, str | None]:
        """A page observation's subject from its own text and its hints, or why none."""
        span = o.span if isinstance(o.span, tuple | list) and len(o.span) == 2 else None
        if span and o.text:
            # On a page a name counts for the value only within its sentence: "Whole Home
            # Wi-Fi also has an 18-month term. Our SIMs have no minimum term" — the second
            # sentence is not about Whole Home Wi-Fi.
            start = _sentence_start(o.text, span[0])
            mentions = self.find_mentions(o.text)
            scoped = self._scope(o.text, span[0], mentions)
            if scoped is not None:
                if isinstance(scoped, str):
                    return None, f"{scoped} on {o.evidence.url}"
                start = scoped.start
            before = [m for m in mentions if start <= m.start and m.end <= span[0]]
            if not before:
                # "Just nu: Fiber 1000 för 399 kr/mån": named right after, same clause.
                before = [m for m in mentions if m.start >= span[1] and m.start - span[1] <= 40
                          and not _CLAUSE_BREAK_RE.search(o.text, span[1], m.start)][:1]
            if before:
                m = _owner(o.text, before)
                if m.subject is None:
                    return None, (f"unknown offer name {m.text!r} on {o.evidence.url} — add "
                                  f"it to `subjects`")
                specific = self._more_specific_title(m, o.subject_hints)
                if specific:
                    return specific, None
                return Match(m.subject, "text", m.text, self.names.get(m.subject, m.subject)
                             ), None
        hints = o.subject_hints if isinstance(o.subject_hints, tuple | list) else ()
        for h in hints:
            if not isinstance(h, str):
                continue
            m = self.resolve(h)
            if m:
                return m, None
            if not h.startswith("sku:") and self.unknown_name(h):
                return None, (f"unknown offer name {h!r} on {o.evidence.url} — add it to "
                              f"`subjects`")
        return None, None

    def _scope(self, text: str, pos: int, mentions: Sequence[Mention]) -> Mention | str | None:
        """The offer a scope clause before ``pos`` names ("…, bei Mobil XL 0 €"), or why the
        value belongs to none ("…, bei Smartphone-Bundles 39,99 €": said of something the
        catalogue lacks, so never of the offer named earlier in the sentence)."""
        from auditor.extract.text import scope_clause

        sc = scope_clause(text, pos)
        if sc is None:
            return None
        inside = [m for m in mentions if sc[0] <= m.start and m.end <= sc[1]]
        if inside:
            return inside[-1]
        return (f"said of {text[sc[0]:sc[1]]!r}, which names no offer in the catalogue — add "
                f"it to `subjects` if it is one")

    def _more_specific_title(self, m: Mention, hints: Any) -> Match | None:
        """The region's own title when it names another offer whose name contains the
        mention's words: in the "Unlimited Max" card, "Unlimited premium data $60/mo" is
        about Unlimited Max, not about the shorter-named "Unlimited"."""
        if not isinstance(hints, tuple | list) or not hints or not isinstance(hints[0], str):
            return None
        title = self.resolve(hints[0])
        if title is None or title.subject == m.subject:
            return None
        said = normalise(m.text).split()
        name = normalise(self.names.get(title.subject, title.subject)).split()
        if said and len(name) > len(said) and any(
                name[i:i + len(said)] == said for i in range(len(name) - len(said) + 1)):
            return title
        return None

    def _claim(self, o: Observation) -> list[Observation]:
        """One chat claim, attributed; a claim about several offers becomes one each."""
        found, why = self._claim_subjects(o)
        if not found:
            if why is None and o.subject in self.names and not hints_of(o):
                return [o]  # stored with its subject and nothing to decide from: keep it
            return [dataclasses.replace(o, subject=None, match=why)]
        if len(found) == 1:
            subject, how = found[0]
            return [dataclasses.replace(o, subject=subject, match=how)]
        return [dataclasses.replace(o, id=f"{o.id}-{subject}", subject=subject, match=how)
                for subject, how in found]

    def _claim_subjects(self, o: Observation) -> tuple[list[tuple[str, str]], str | None]:
        """Who a chat claim is about: the offer named in its message before the value ("X
        and Y" or "both" name several), else the offer under discussion (named in the
        latest earlier message that names one), else the first offer named after it. An
        offer the catalogue lacks is never replaced by another: the claim stays unmatched.
        """
        from auditor.extract.text import AND_RE, SEVERAL_RE, scope_after

        where = f"{o.evidence.transcript or 'chat'} line {o.evidence.line}" \
            if o.evidence.line is not None else (o.evidence.transcript or "chat")
        text = o.text or ""
        span = o.span if isinstance(o.span, tuple | list) and len(o.span) == 2 else (len(text),
                                                                                     len(text))
        mentions = self.find_mentions(text)
        scoped = self._scope(text, span[0], mentions)
        if isinstance(scoped, str):
            return [], f"{scoped} in {where}"
        before = [m for m in mentions if m.end <= span[0]
                  and (scoped is None or m.start >= scoped.start)]
        context: list[Mention] = []
        hints = [h for h in o.subject_hints if isinstance(h, str)]
        for h in hints:
            if h.startswith(CONTEXT_PREFIX):
                ms = self.find_mentions(h[len(CONTEXT_PREFIX):])
                if ms:
                    context = ms if not context else context
                    if context is ms:
                        break
        if not any(h.startswith(CONTEXT_PREFIX) for h in hints):
            # Runs stored before chat attribution moved here: the names as written.
            context = [Mention(m.subject, 0, 0, m.method, h) for h in hints
                       for m in [self.resolve(h)] if m]

        def named(m: Mention, how: str) -> tuple[str, str]:
            return m.subject or "", f"{how}: {m.text!r} ({m.method})"

        # "995 kr för Bas och Plus, 1 995 kr för Flex och 0 kr för Premium": an offer named
        # right after a scope word after the value is what the value is said for.
        after = scope_after(text, span[1])
        if after is not None:
            right = [m for m in mentions if m.start == after]
            for m in mentions:  # "995 kr för Bas och Plus": names joined by "and"
                if right and m.start > right[-1].end and AND_RE.match(
                        text[right[-1].end:m.start]):
                    right.append(m)
            if right:
                if any(m.subject is None for m in right):
                    unknown = next(m for m in right if m.subject is None)
                    return [], (f"unknown offer name {unknown.text!r} in {where} — add it "
                                f"to `subjects`")
                if len(_distinct(right)) > 1:
                    return [named(m, "one of the offers named together")
                            for m in _distinct(right)], None
                return [named(right[0], "named in the message")], None

        if before:
            # "Kuitu 100 ja Kuitu 300 ovat 12 kk sopimuksia": names joined by "and".
            group = [before[-1]]
            for prev in reversed(before[:-1]):
                if AND_RE.match(text[prev.end:group[0].start]):
                    group.insert(0, prev)
                else:
                    break
            last = _owner(text, before, span[0])
            if any(m.subject is None for m in group):
                unknown = next(m for m in group if m.subject is None)
                return [], (f"unknown offer name {unknown.text!r} in {where} — add it to "
                            f"`subjects`")
            if len(group) > 1 and not _other_amount_between(text, last.end, span[0]):
                subjects = _distinct(group)
                return [named(m, "one of the offers named together") for m in subjects], None
            if SEVERAL_RE.search(text, last.end, span[0]) and len(_distinct(before + context)) > 1:
                return [named(m, "both / all of the offers under discussion")
                        for m in _distinct(list(reversed(before + context)))[:2]], None
            return [named(last, "named in the message")], None
        soon = [m for m in mentions if m.start >= span[1] and m.start - span[1] <= 40
                 and not _CLAUSE_BREAK_RE.search(text, span[1], m.start)]
        if soon:
            # "Höstkampanjen på Mobil 50 GB gick ut": named right after, in the same clause.
            if soon[0].subject is None:
                return [], (f"unknown offer name {soon[0].text!r} in {where} — add it to "
                            f"`subjects`")
            return [named(soon[0], "named in the message")], None
        if context:
            if SEVERAL_RE.search(text, 0, span[0]) and len(_distinct(context)) > 1:
                return [named(m, "both / all of the offers under discussion")
                        for m in _distinct(list(reversed(context)))[:2]], None
            # "TV Sport & Cinema is £74.99 … You get Full Fibre 300", "le plus intéressant
            # est Voltéa Duo : Voltéa Fixe … et Voltéa Gaz": a message that names several
            # offers is about the one it names first; the others are what it holds or is
            # compared with.
            last = context[0]
            if last.subject is None:
                return [], (f"unknown offer name {last.text!r} under discussion in {where} — "
                            f"add it to `subjects`")
            return [named(last, "offer under discussion")], None
        after = [m for m in mentions if m.start >= span[1]]
        if after:
            if after[0].subject is None:
                return [], (f"unknown offer name {after[0].text!r} in {where} — add it to "
                            f"`subjects`")
            return [named(after[0], "named in the message")], None
        return [], None

    def _page_roles(self, observations: list[Observation]) -> list[Observation]:
        """Text said on most pages of a channel is chrome: its facts apply channel-wide.

        A unit counts when its text appears on at least ``CHROME_MIN_PAGES`` pages and on at
        least ``CHROME_SHARE`` of the channel's pages, and it names no offer itself (a
        product card repeated in a "popular offers" strip stays that product's). Appearances
        inside other products' cards or in the marked-up header and footer do not count:
        "29,99 €*" is the power bank's price on its own page even when a cross-selling strip
        or the mini-cart in the header repeats it on every other page.
        """
        pages: dict[str, set[str]] = {}
        seen: dict[tuple[str, str], set[str]] = {}
        for o in observations:
            if o.source not in ("text", "selector") or not o.evidence.url:
                continue
            pages.setdefault(o.channel, set()).add(o.evidence.url)
            if o.role != "main":  # in other products' cards, or in the marked-up chrome
                continue
            seen.setdefault((o.channel, " ".join(o.text.split()).casefold()), set()).add(
                o.evidence.url)
        out = []
        for o in observations:
            if o.role == "main" and o.source in ("text", "selector") and o.evidence.url:
                n = len(seen.get((o.channel, " ".join(o.text.split()).casefold()), ()))
                total = len(pages.get(o.channel, ()))
                if n >= CHROME_MIN_PAGES and n >= CHROME_SHARE * total:
                    # A banner on most pages that names an offer ("Just nu: Fiber 1000 för
                    # 399 kr/mån") is that offer's, by its own words only: never the page's.
                    named = any(m.subject for m in self.find_mentions(o.text))
                    o = dataclasses.replace(o, role="other" if named else "chrome",
                                            subject_hints=() if named else o.subject_hints)
            out.append(o)
        return out


def hints_of(o: Observation) -> tuple[str, ...]:
    hints = o.subject_hints if isinstance(o.subject_hints, tuple | list) else ()
    return tuple(h for h in hints if isinstance(h, str))


_CLAUSE_BREAK_RE = re.compile(r"[.,;!?\n]|\d")
_SENTENCE_END_RE = re.compile(r"[.!?;](?:\s|$)|\n")


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts."""
    start = 0
    for m in _SENTENCE_END_RE.finditer(text, 0, pos):
        start = m.end()
    return start


def _owner(text: str, before: Sequence[Mention], at: int | None = None) -> Mention:
    """The offer a value belongs to among the names before it: the nearest, unless that one
    is part of an earlier one ("iPhone 16 mit Mobil M … 42,99 € mtl." is the bundle's
    price, named for the phone; "TV Entertainment includes … Full Fibre 150, all for
    £49.99" is the bundle's)."""
    from auditor.extract.text import WITH_RE, printed_amounts

    i = len(before) - 1
    # ... but a name with a price of its own between is an offer of its own: "Le Léman Mini
    # (CHF 29.–/mois) comprend 5 Go, le Léman Start (CHF 39.–/mois)".
    # That veto holds only while the value is in the later name's sentence: "Young-Tarif:
    # € 24,90 mit allen Leistungen aus Plus. Dazu kommt eine Aktivierungsgebühr von € 25"
    # is still about Young.
    while i > 0 and WITH_RE.search(text, before[i - 1].end, before[i].start) \
            and not _SENTENCE_END_RE.search(text, before[i - 1].end, before[i].start) \
            and (not printed_amounts(text[before[i - 1].end:before[i].start])
                 or (at is not None and _SENTENCE_END_RE.search(text, before[i].end, at))):
        i -= 1
    return before[i]


def _other_amount_between(text: str, start: int, end: int) -> bool:
    return bool(re.search(r"[0-9]", text[start:end]))


def _distinct(mentions: Sequence[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        if m.subject and all(m.subject != x.subject for x in out):
            out.append(m)
    return out


def _final_roles(observations: list[Observation]) -> list[Observation]:
    """A page's own offer is the subject most of its ``main`` observations resolved to; a
    ``main`` observation about another subject (a comparison line, an upsell) is ``other``."""
    votes: dict[tuple[str, str], Counter[str]] = {}
    for o in observations:
        if o.role == "main" and o.subject and o.evidence.url:
            votes.setdefault((o.channel, o.evidence.url), Counter())[o.subject] += 1
    out = []
    for o in observations:
        if o.role == "main" and o.subject and o.evidence.url:
            own = votes[(o.channel, o.evidence.url)].most_common(1)[0][0]
            if o.subject != own:
                o = dataclasses.replace(o, role="other")
        out.append(o)
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
