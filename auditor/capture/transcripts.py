"""Capturing a transcripts channel: exported chat logs → observations.

Formats: the project's JSON (``omniaudit-transcript/1``), CSV, plain-text logs, WhatsApp
exports and the JSON of Zendesk Chat, LiveChat and Intercom, detected per file or set in
the config; :mod:`auditor.capture.transcript_formats` reads them all into role-tagged
messages (``docs/transcripts.md``). Each message keeps the line it starts on where the
format has lines, so evidence points at ``file:line``.

Only ``agent`` and ``bot`` messages are company claims; ``customer`` lines are questions
(a customer asking "eikö se ollut 19,90?" states nothing about the offer). Capture does not
decide which offer a claim is about — matching does (:meth:`auditor.matching.Matcher.
match_observations`), so that a re-check with new aliases re-attributes every claim. Each
claim carries what matching needs: the message (``text``), where in it the value is
(``span``) and, as ``msg:`` hints, the conversation's earlier messages, newest first — the
offer under discussion is named there. So "Sen kuukausihinta on 24,90 €/kk" after the
customer asked about "Kuitu 1000" is about ``fiber-1000``.

Personal data is masked before anything is stored or reported: e-mail addresses, phone
numbers, and the names of customers (from the ``name`` field and the export's visitor
record, wherever they appear).
A transcript that cannot be read is recorded as a capture error naming the file (and line
when known); the other files are still read. So is a file over the channel's
``max_file_mb``, which is not read at all.

Transcripts are read at scale: line-based exports (WhatsApp, plain logs, CSV) are read from
the file a line at a time and their messages become observations as they are read (twice:
a first pass checks the file and collects the customers' names, which must be masked from
the first message on); JSON and e-mail files are read whole, once. ``progress`` hears how
far the channel got, a few times a second.
"""

from __future__ import annotations

import functools
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from auditor import interrupt
from auditor.capture.transcript_formats import (
    FORMAT_ID,
    KNOWN_ROLES,
    Message,
    TextFile,
    Transcript,
    TranscriptError,
    TranscriptStream,
    open_export,
    parse_export,
    parse_omniaudit,
    parse_transcript,
)
from auditor.capture.units import BrandData, TranscriptFile, TranscriptFileResult
from auditor.config import AuditConfig, TranscriptChannel
from auditor.extract.brand import BrandMention, brand_mentions, mention_value
from auditor.extract.money import locale_currency
from auditor.extract.text import extract_facts
from auditor.model import (
    BRAND_SUBJECT,
    MONEY_ATTRIBUTES,
    CaptureError,
    ChannelResult,
    Evidence,
    Observation,
    Shown,
    observation_id,
)

__all__ = [
    "COMPANY_ROLES", "FORMAT_ID", "KNOWN_ROLES", "Message", "Transcript", "TranscriptError",
    "TranscriptStream", "brand_data", "capture_transcripts_channel", "channel_company",
    "channel_currency", "channel_files", "file_source", "iter_observations",
    "load_transcript", "load_transcripts", "mask_pii", "observations_from_transcript",
    "open_transcripts", "parse_omniaudit_json", "read_transcript_file",
    "transcript_units", "transcripts_result",
]

COMPANY_ROLES = frozenset({"agent", "bot"})

# Every repetition is bounded (RFC 5321's 64-character local part, 63-character labels) and
# a match may only start at a word boundary: captured text is hostile, and an unbounded
# `[\w.+-]+@` scans to the end of a megabyte of letters from every position (quadratic).
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
#: Candidates per text handed to phonenumbers; past it (a hostile wall of digits) every
#: candidate is masked outright, which keeps masking linear and errs on privacy's side.
MAX_PHONE_LOOKUPS = 100
# Where a phone number may be: a run of digits and the separators numbers are written with,
# bounded on both sides (a megabyte of digits holds no candidate, and costs linear time).
_PHONE_CANDIDATE = re.compile(r"(?<![\d+])\+?\(?\d[\d \u00a0\u202f().\-/]{5,24}\d(?![\d])")
# Dates and times are digit runs too, and libphonenumber reads "2026-11-30 23" as a valid
# US number: a candidate that overlaps one is not a phone number.
_DATE_TIME = re.compile(
    r"(?<!\d)(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}/\d{1,2})"
    r"(?:[ T,]+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?(?!\d)|(?<!\d)\d{1,2}:\d{2}(?!\d)")


@functools.cache
def _phone_regions() -> tuple[str, ...]:
    from auditor.extract.lexicon import load_lexicons

    return tuple(dict.fromkeys(r for lex in load_lexicons().values() for r in lex.phone_regions))


#: What rules a region out for a candidate without asking libphonenumber: per length, the
#: national numbers of each type (fixed line, mobile, toll free...) that the regions of its
#: country code accept, and the international call prefix, which would bring in any other
#: country's numbers.
_Screen = tuple[dict[int, re.Pattern[str]], re.Pattern[str]]
_NUMBER_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
                 "uan", "voicemail", "fixed_line", "mobile")


@functools.cache
def _phone_screens() -> tuple[tuple[str, _Screen | None], ...]:
    """Each region of :func:`_phone_regions` with its screen (None: always ask)."""
    import phonenumbers
    from phonenumbers import PhoneMetadata

    out: list[tuple[str, _Screen | None]] = []
    for region in _phone_regions():
        md = PhoneMetadata.metadata_for_region(region)
        if md is None or not md.international_prefix or md.national_prefix_transform_rule:
            out.append((region, None))  # a number rewritten while parsed: no screen
            continue
        by_length: dict[int, list[str]] = {}
        for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(md.country_code, ()):
            x = PhoneMetadata.metadata_for_region(code)
            general = x.general_desc if x is not None else None
            if general is None or not general.national_number_pattern:
                continue  # no number is valid there
            for kind in _NUMBER_TYPES:
                desc = getattr(x, kind)
                if desc is None or not desc.national_number_pattern:
                    continue
                sizes = set(desc.possible_length or general.possible_length or range(1, 18))
                if general.possible_length:
                    sizes &= set(general.possible_length)
                for size in sizes:
                    by_length.setdefault(size, []).append(desc.national_number_pattern)
        valid = {size: re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(patterns)))
                 for size, patterns in sorted(by_length.items()) if size > 0}
        out.append((region, (valid, re.compile(md.international_prefix))))
    return tuple(out)


def _may_hold_number(digits: str, screen: _Screen) -> bool:
    """Whether libphonenumber could find a valid number of the screen's region in a
    candidate with these digits (ASCII, no "+"); False only when it certainly cannot.

    Without a "+" or the international prefix, every number libphonenumber reads from the
    candidate in this region has the region's country code, and its national number is a
    run of the candidate's digits (after a stripped national prefix or country code); a
    valid one fully matches the pattern of a number type of a region of that country code,
    at one of its lengths. Order and invoice numbers ("Tilauksesi 4817263") are mostly
    ruled out here, at a fraction of a matcher's cost.
    """
    valid, idd = screen
    n = len(digits)
    if idd.search(digits):
        return True  # a call abroad from here: any country's numbers
    return any(pattern.fullmatch(digits, i, i + size)
               for size, pattern in valid.items() if size <= n for i in range(n - size + 1))


@functools.lru_cache(maxsize=16_384)
def _phone_numbers_in(candidate: str) -> tuple[tuple[int, int], ...]:
    """Spans of the phone numbers in one candidate, in any region the language files name.

    A pure function of the candidate, so remembered: a chat repeats the company's own
    number, and asking libphonenumber in 14 regions is the dearest step of reading a chat.
    Once a region reads the whole candidate as a number, the other regions can only find
    parts of it, which the caller would merge into it anyway: they are not asked. Nor are
    the regions whose screen rules the candidate out (:func:`_may_hold_number`).
    """
    import phonenumbers

    found: list[tuple[int, int]] = []
    digits = "".join(c for c in candidate if c.isdigit())
    # With a "+" any country's number may be there, and other scripts' digits are
    # normalised by libphonenumber: no screen then.
    screened = "+" not in candidate and digits.isascii()
    for region, screen in _phone_screens():
        if screened and screen is not None and not _may_hold_number(digits, screen):
            continue
        try:
            for m in phonenumbers.PhoneNumberMatcher(candidate, region,
                                                     leniency=phonenumbers.Leniency.VALID):
                if sum(c.isdigit() for c in m.raw_string) >= 7:
                    found.append((m.start, m.end))
        except Exception:  # noqa: BLE001 - a third-party parser on untrusted text
            continue
        if any(a <= 0 and b >= len(candidate) for a, b in found):
            break
    return tuple(found)


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Phone numbers in any country's notation, found by the phonenumbers library (Google's
    libphonenumber) in every region the language files name: "+33 1 49 52 99 70" is one
    number, "040 123 4567" a Finnish one, "(212) 555-0142" an American one."""
    spans: list[tuple[int, int]] = []
    dated: list[tuple[int, int]] | None = None
    for n, cand in enumerate(_PHONE_CANDIDATE.finditer(text)):
        if sum(c.isdigit() for c in cand.group(0)) < 7:
            continue
        if dated is None:
            dated = [m.span() for m in _DATE_TIME.finditer(text)]
        if any(a < cand.end() and cand.start() < b for a, b in dated):
            continue
        if n >= MAX_PHONE_LOOKUPS:  # hostile text: mask the rest without asking
            spans.append(cand.span())
            continue
        spans.extend((cand.start() + a, cand.start() + b)
                     for a, b in _phone_numbers_in(cand.group(0)))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def parse_omniaudit_json(raw: str, path: Path) -> Transcript:
    """Parse the project's JSON transcript format, keeping each message's line number."""
    return parse_omniaudit(raw, path)


def _read_text(path: Path) -> str:
    return TextFile(path).read()


def load_transcript(path: Path, fmt: str = "auto", company_names: Iterable[str] = ()) -> Transcript:
    """Read one transcript file in the given (or detected) format.

    ``company_names`` (the brand name, the channel's ``agents``) say who speaks for the
    company in formats without roles (WhatsApp, plain logs).
    """
    return parse_transcript(_read_text(path), path, fmt, company_names)


def load_transcripts(path: Path, fmt: str = "auto",
                     company_names: Iterable[str] = ()) -> list[Transcript]:
    """Every conversation of a transcript file: bulk exports (Zendesk Chat's incremental
    export, LiveChat's archive, Zendesk Support's ticket export) hold several."""
    return parse_export(_read_text(path), path, fmt, company_names)


def open_transcripts(path: Path, fmt: str = "auto", company_names: Iterable[str] = ()
                     ) -> list[Transcript | TranscriptStream]:
    """Every conversation of a transcript file, line-based exports as streams read from
    the file (:func:`auditor.capture.transcript_formats.open_export`)."""
    return open_export(path, fmt, company_names)


#: Compiled name masks: a test whether any name can be in a text, and the substitutions.
_NameMasks = tuple[re.Pattern[str] | None, tuple[re.Pattern[str], ...]]


@functools.lru_cache(maxsize=256)
def _name_masks(names: tuple[str, ...]) -> _NameMasks:
    """The patterns :func:`mask_pii` masks ``names`` with, compiled once per set of names
    (a conversation's customers) rather than once per message."""
    parts: set[str] = set()
    for n in names:
        n = n.strip()
        if n:
            parts.add(n)
            # Words of a name, never its numbers: a customer known by the phone number a
            # WhatsApp export is named after ("+41 78 613 22 90") must not turn every "90"
            # in the chat ("CHF 29.90") into "[customer]".
            parts.update(p for p in n.split() if len(p) >= 2 and any(c.isalpha() for c in p))
    subs: list[re.Pattern[str]] = []
    words: set[str] = set()
    for p in sorted(parts, key=lambda p: (-len(p), p)):
        subs.append(re.compile(rf"(?<!\w){re.escape(p)}\w{{0,6}}", re.IGNORECASE))
        words.add(p)
        # Inflected forms ("Matille", "Virtaselle") are capitalised like the name itself, so
        # the derived stems match case-sensitively to spare ordinary words.
        for stem in sorted(_name_stems(p), key=lambda s: (-len(s), s)):
            subs.append(re.compile(rf"(?<!\w){re.escape(stem)}\w{{0,6}}"))
            words.add(stem)
    if not subs:
        return None, ()
    # Any of the substitutions matches only where this does: most messages name nobody.
    anyone = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words)) + ")",
                        re.IGNORECASE)
    return anyone, tuple(subs)


def mask_pii(text: str, names: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, phone numbers and the given personal names."""
    return _mask(text, _name_masks(tuple(names)))


def _mask(text: str, masks: _NameMasks) -> str:
    if "@" in text:
        text = _EMAIL_RE.sub("[email]", text)
    spans = _phone_spans(text)
    if spans:
        parts, last = [], 0
        for a, b in spans:
            parts += [text[last:a], "[phone]"]
            last = b
        text = "".join(parts) + text[last:]
    anyone, subs = masks
    if anyone is not None and anyone.search(text):
        for pattern in subs:
            text = pattern.sub("[customer]", text)
    return text


def _name_stems(name: str) -> set[str]:
    """Stems of a Finnish name under inflection: Matti → Mati-, Virtanen → Virtase-."""
    stems: set[str] = set()
    if " " in name or len(name) < 4:
        return stems
    base = name[:-1] if name[-1].lower() in "aeiouyäö" else name
    stems.add(base)
    # Consonant gradation: a double consonant before the ending shortens (Matti → Matin).
    for c in "kptlmnrs":
        if base.lower().endswith(c + c):
            stems.add(base[:-1])
    if name.lower().endswith("nen"):
        stems.add(name[:-3] + "s")  # Virtanen → Virtasen, Virtaselle
    return {st for st in stems if len(st) >= 3}


#: Earlier messages kept with each claim (newest first) and how much of each: the offer
#: under discussion is named within the last few turns.
CONTEXT_MESSAGES = 6
CONTEXT_CHARS = 240
#: How a chat message was shown: not at all (web channels only). Frozen, so every claim
#: shares this one rather than carrying its own.
_NOT_SHOWN = Shown()
#: Texts remembered per conversation so that a text said again ("Kiitos!", an agent's
#: canned answer) is stored once, however many claims and contexts carry it.
_SHARED_TEXTS = 50_000


@functools.lru_cache(maxsize=16_384)
def _brand_mentions(text: str, brand: str, retired: tuple[str, ...]) -> tuple[BrandMention, ...]:
    """:func:`brand_mentions`, remembered: agents repeat their phrases."""
    return tuple(brand_mentions(text, brand, retired))


def observations_from_transcript(t: Transcript | TranscriptStream, *, channel: str,
                                 source: str, brand: str | None = None,
                                 retired: Sequence[str] = (), today: date | None = None,
                                 currency: str | None = None) -> list[Observation]:
    """The company's claims in one conversation, masked, with the context matching needs.

    Subjects are left to matching (``subject`` None, ``msg:`` hints); brand mentions are
    about the brand and say so.
    """
    return list(iter_observations(t, channel=channel, source=source, brand=brand,
                                  retired=retired, today=today, currency=currency))


def iter_observations(t: Transcript | TranscriptStream, *, channel: str, source: str,
                      brand: str | None = None, retired: Sequence[str] = (),
                      today: date | None = None, currency: str | None = None,
                      messages: Iterable[Message] | None = None) -> Iterator[Observation]:
    """:func:`observations_from_transcript` one message at a time: a stream's messages are
    read from its file as the observations are taken. Only the last few messages are kept
    (as context). ``messages`` replaces the conversation's own (the same messages, wrapped
    to count them)."""
    if isinstance(t, TranscriptStream):
        customers = set(t.customers)
        if messages is None:
            messages = t.messages()
    else:
        customers = {m.name for m in t.messages if m.role == "customer" and m.name}
        if messages is None:
            messages = t.messages
    customers.update(t.personal)
    masks = _name_masks(tuple(sorted(customers)))
    retired = tuple(retired)
    # The context of each claim: "msg:" and the start of each earlier message (masked),
    # newest first. One string per message, shared by the claims that follow it.
    hints: deque[str] = deque(maxlen=CONTEXT_MESSAGES)
    company_speakers: set[str] = set()
    labels: dict[tuple[str, str], str] = {}
    # A message's text → (the text masked, its context hint): masked once per distinct
    # text, and stored once however many claims and contexts carry it.
    seen: dict[str, tuple[str, str]] = {}
    masked: dict[str, tuple[str, str]] = {}
    conversation: str | None = None
    for index, msg in enumerate(messages):
        if msg.conversation != conversation:
            # A bulk export's next conversation: no context or speaker carries over.
            if conversation is not None:
                hints.clear()
                company_speakers.clear()
            conversation = msg.conversation
        known = seen.get(msg.text)
        if known is None:
            if len(seen) >= _SHARED_TEXTS:
                seen.clear()
                masked.clear()
            text = _mask(msg.text, masks)
            known = masked.get(text)  # two texts may mask alike ("Kiitos Matti!")
            if known is None:
                known = masked[text] = (text, "msg:" + text[:CONTEXT_CHARS])
            seen[msg.text] = known
        text, hint = known
        if msg.role in COMPANY_ROLES:
            facts = extract_facts(text, today=today, currency=currency)
            mentions = _brand_mentions(text, brand, retired) if brand else ()
            # The name the company writes as its speaker label ("Vågnät Kundtjänst") is a
            # brand mention too, once per conversation and name.
            speaker, speaker_mentions = "", ()
            if brand and msg.name and msg.name not in company_speakers:
                company_speakers.add(msg.name)
                speaker = _mask(msg.name, masks)
                speaker_mentions = _brand_mentions(speaker, brand, retired)
            if facts or mentions or speaker_mentions:
                # Formats without lines (support tools' JSON) still need a stable place
                # per message.
                where = msg.line if msg.line is not None else f"message {index + 1}"
                key = (msg.role, msg.name)
                label = labels.get(key)
                if label is None:
                    label = labels[key] = f"{msg.role}: {msg.name or msg.role}"
                evidence = Evidence(transcript=source, line=msg.line, speaker=label,
                                    timestamp=msg.timestamp)
                context = tuple(reversed(hints))
                for f in facts:
                    yield Observation(
                        id=observation_id(channel, f.attribute, f.value, source, where,
                                          f.span[0]),
                        channel=channel, attribute=f.attribute, value=f.value, text=text,
                        evidence=evidence, subject_hints=context, period=f.period,
                        currency=f.currency or (currency if f.attribute in MONEY_ATTRIBUTES
                                                else None),
                        source="transcript", span=f.span, free_from=f.free_from,
                        shown=_NOT_SHOWN)
                for bm in mentions:
                    value = mention_value(bm, brand or "")
                    yield Observation(
                        id=observation_id(channel, "brand_name", value, source, where,
                                          bm.start),
                        channel=channel, attribute="brand_name", value=value, text=text,
                        evidence=evidence, subject=BRAND_SUBJECT, match="brand",
                        source="transcript", span=(bm.start, bm.end), shown=_NOT_SHOWN)
                for bm in speaker_mentions:
                    value = mention_value(bm, brand or "")
                    yield Observation(
                        id=observation_id(channel, "brand_name", value, source, where,
                                          "speaker", bm.start),
                        channel=channel, attribute="brand_name", value=value,
                        text=f"speaker: {speaker}", evidence=evidence,
                        subject=BRAND_SUBJECT, match="brand", source="transcript",
                        shown=_NOT_SHOWN)
        hints.append(hint)


def transcript_files(root: Path, pattern: str) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob(pattern) if p.is_file())


def _shared_locale(config: AuditConfig) -> str | None:
    """The locale every web channel of the config has, if they agree."""
    from auditor.config import WebChannel

    locales = {c.locale for c in config.channels.values() if isinstance(c, WebChannel)}
    return locales.pop() if len(locales) == 1 else None


MB = 1024 * 1024
#: Seconds between two progress lines of a transcripts channel.
PROGRESS_EVERY = 0.25


class _Progress:
    """"chat: 120/1000 files, 18.4 MB read", at most every :data:`PROGRESS_EVERY` seconds
    and once at the end."""

    def __init__(self, name: str, total: int, report: Callable[[str], None] | None) -> None:
        self.name, self.total, self.report = name, total, report
        self.files = 0  # files done (read, failed or skipped)
        self.done = 0  # bytes of the files read
        self.last = time.monotonic()

    def show(self, reading: int = 0, *, final: bool = False, failed: int = 0) -> None:
        if self.report is None:
            return
        now = time.monotonic()
        if not final and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        line = (f"{self.name}: {self.files}/{self.total} files, "
                f"{(self.done + reading) / MB:.1f} MB read")
        self.report(line + (f", {failed} failed" if final and failed else ""))

    def counted(self, messages: Iterable[Message], file: TextFile) -> Iterator[Message]:
        """The messages, with a progress line now and then as the file is read; a stop
        request ends the file (:class:`_Stopped`)."""
        for i, m in enumerate(messages):
            if not i & 255:
                if interrupt.requested():
                    raise _Stopped
                self.show(file.bytes_read)
            yield m


def channel_files(name: str, ch: TranscriptChannel, config: AuditConfig
                  ) -> tuple[Path, list[Path]] | ChannelResult:
    """The channel's folder (or file) and its transcript files, or the channel's result
    when there are none to read (the path is missing, nothing matches the pattern)."""
    root = config.resolve(ch.path)
    if not root.exists():
        err = CaptureError(name, str(ch.path), f"transcript path not found: {root}")
        return ChannelResult(name, "transcripts", None, 0, 0, (err,), ())
    files = transcript_files(root, ch.pattern)
    if not files:
        err = CaptureError(name, str(ch.path), f"no files matching {ch.pattern!r} in {root}")
        return ChannelResult(name, "transcripts", None, 0, 0, (err,), ())
    return root, files


def file_source(root: Path, path: Path) -> str:
    """How evidence names a transcript file: relative to the channel folder's parent."""
    return str(path.relative_to(root.parent))


def channel_company(ch: TranscriptChannel, config: AuditConfig) -> tuple[str, ...]:
    """The names that speak for the company in the channel's chats."""
    return ((config.brand.name,) if config.brand else ()) + tuple(ch.agents)


def channel_currency(ch: TranscriptChannel, config: AuditConfig) -> str | None:
    """The currency bare amounts in the channel's chats are in."""
    return locale_currency(ch.locale or _shared_locale(config))


def capture_transcripts_channel(name: str, ch: TranscriptChannel, config: AuditConfig,
                                today: date | None = None, *,
                                progress: Callable[[str], None] | None = None
                                ) -> ChannelResult:
    """Read every transcript of the channel; a broken file is an error, not a crash.

    A file bigger than the channel's ``max_file_mb`` is an error too, and is not read.
    ``progress`` hears "chat: 120/1000 files, 18.4 MB read" a few times a second at most,
    and once at the end. Which offer each claim is about is decided later, by matching.

    A stop request (:mod:`auditor.interrupt`: Ctrl-C, SIGTERM) ends the reading, also in
    the middle of a streamed file: the files read by then are kept, and each file not read
    is an error of the channel that says so.

    Decision: files are read one after another in this process. Reading them in a pool
    of processes was measured on the bench's 1,000 transcripts (bench/README.md): on this
    project's 2-CPU machines it saved 3-12 % of the time for 1.7-2 times the CPU, because
    every process imports the extractor and repeats the work the caches of canned answers
    save. Many files on many machines is the Celery engine's job (docs/scale-out.md)."""
    # One date for the channel (end dates without a year are read against it), not a
    # clock read per message.
    units = transcript_units(name, ch, config, today=today or date.today())
    if isinstance(units, ChannelResult):
        return units
    shown = _Progress(name, len(units), progress)
    results: dict[str, TranscriptFileResult] = {}
    for unit in units:
        if interrupt.requested():
            results[unit.source] = _not_read(unit)
            continue
        r = results[unit.source] = read_transcript_file(unit, shown)
        shown.files += 1
        shown.done += r.bytes_read
        shown.show()
    result = transcripts_result(name, units, results)
    shown.show(final=True, failed=result.pages_failed)
    return result


#: Why a file was not read when the run stopped first.
_INTERRUPTED = "not read: the run was interrupted"


def _not_read(unit: TranscriptFile) -> TranscriptFileResult:
    return TranscriptFileResult(unit.run_id, unit.channel, unit.source, error=_INTERRUPTED)


class _Stopped(Exception):
    """A stop was requested while a file was being read."""


def brand_data(config: AuditConfig) -> BrandData | None:
    """What capture needs of the config's brand, as unit data."""
    brand = config.brand
    return (BrandData(brand.name, tuple(brand.retired_names), brand.logo_selector)
            if brand else None)


def transcript_units(name: str, ch: TranscriptChannel, config: AuditConfig, *,
                     today: date, run_id: str = "", evidence_root: Path | None = None
                     ) -> list[TranscriptFile] | ChannelResult:
    """One unit per transcript file of the channel, in the order the channel reads them;
    or the channel's result when there is nothing to read. ``run_id`` and
    ``evidence_root`` are for an engine's workers; a run reading its own files needs
    neither."""
    found = channel_files(name, ch, config)
    if isinstance(found, ChannelResult):
        return found
    root, files = found
    return [TranscriptFile(
        run_id=run_id, channel=name, path=str(path.resolve()), source=file_source(root, path),
        today=today.isoformat(), evidence_root=str(evidence_root or ""), format=ch.format,
        company=channel_company(ch, config), currency=channel_currency(ch, config),
        max_file_mb=ch.max_file_mb,
        brand=brand_data(config)) for path in files]


def transcripts_result(name: str, units: list[TranscriptFile],
                       results: Mapping[str, TranscriptFileResult]) -> ChannelResult:
    """The channel's result from its files' results, as the in-process capture gives it:
    files in order, a file that could not be read an error naming it."""
    errors: list[CaptureError] = []
    observations: list[Observation] = []
    visited: list[str] = []
    for unit in units:
        r = results.get(unit.source)
        if r is None or r.error is not None:
            errors.append(CaptureError(name, unit.source, r.error if r else "not read"))
            continue
        visited.append(unit.source)
        observations.extend(r.observations)
    return ChannelResult(name=name, kind="transcripts", device=None, pages_ok=len(visited),
                         pages_failed=len(errors), errors=tuple(errors),
                         observations=tuple(observations), visited=tuple(visited))


def read_transcript_file(unit: TranscriptFile, shown: _Progress | None = None
                         ) -> TranscriptFileResult:
    """One transcript file's company claims, masked; a file that cannot be read, or is
    over ``max_file_mb``, comes back with the reason and no observations. Whatever reads
    the file — the run's own process or a Celery worker — reads it with this.
    ``shown`` hears how far a streamed file got, and stops it when a stop is requested."""
    path = Path(unit.path)
    brand = unit.brand
    try:
        size = path.stat().st_size
        if size > unit.max_file_mb * MB:
            return TranscriptFileResult(
                unit.run_id, unit.channel, unit.source,
                error=f"{size / MB:,.1f} MB ({size:,} bytes), over the limit of "
                      f"{unit.max_file_mb:g} MB per transcript file (max_file_mb); not read")
        found: list[Observation] = []
        today = date.fromisoformat(unit.today)
        for t in open_transcripts(path, unit.format, unit.company):
            streamed = isinstance(t, TranscriptStream)
            found.extend(iter_observations(
                t, channel=unit.channel, source=unit.source,
                brand=brand.name if brand else None,
                retired=brand.retired_names if brand else (), today=today,
                currency=unit.currency,
                messages=shown.counted(t.messages(), t.file) if shown and streamed else None))
            if shown and not streamed:  # a conversation of a file read whole
                shown.show(size)
    except _Stopped:
        return _not_read(unit)
    except TranscriptError as e:
        reason = str(e).split(": ", 1)[-1]
        return TranscriptFileResult(unit.run_id, unit.channel, unit.source,
                                    error=reason if e.line is None
                                    else f"line {e.line}: {reason}")
    except OSError as e:
        return TranscriptFileResult(unit.run_id, unit.channel, unit.source,
                                    error=f"cannot read: {e.strerror}")
    return TranscriptFileResult(unit.run_id, unit.channel, unit.source, tuple(found),
                                bytes_read=size)
