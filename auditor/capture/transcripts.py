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
when known); the other files are still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from auditor.capture.transcript_formats import (
    FORMAT_ID,
    KNOWN_ROLES,
    Message,
    Transcript,
    TranscriptError,
    parse_export,
    parse_omniaudit,
    parse_transcript,
)
from auditor.config import AuditConfig, TranscriptChannel
from auditor.extract.brand import brand_mentions, mention_value
from auditor.extract.money import locale_currency
from auditor.extract.text import extract_facts
from auditor.model import (
    BRAND_SUBJECT,
    MONEY_ATTRIBUTES,
    CaptureError,
    ChannelResult,
    Evidence,
    Observation,
    observation_id,
)

__all__ = [
    "COMPANY_ROLES", "FORMAT_ID", "KNOWN_ROLES", "Message", "Transcript", "TranscriptError",
    "capture_transcripts_channel", "load_transcript", "load_transcripts", "mask_pii",
    "observations_from_transcript",
    "parse_omniaudit_json",
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


def _phone_regions() -> tuple[str, ...]:
    from auditor.extract.lexicon import load_lexicons

    return tuple(dict.fromkeys(r for lex in load_lexicons().values() for r in lex.phone_regions))


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Phone numbers in any country's notation, found by the phonenumbers library (Google's
    libphonenumber) in every region the language files name: "+33 1 49 52 99 70" is one
    number, "040 123 4567" a Finnish one, "(212) 555-0142" an American one."""
    import phonenumbers

    spans: list[tuple[int, int]] = []
    dated = [m.span() for m in _DATE_TIME.finditer(text)]
    for n, cand in enumerate(_PHONE_CANDIDATE.finditer(text)):
        if sum(c.isdigit() for c in cand.group(0)) < 7:
            continue
        if any(a < cand.end() and cand.start() < b for a, b in dated):
            continue
        if n >= MAX_PHONE_LOOKUPS:  # hostile text: mask the rest without asking
            spans.append(cand.span())
            continue
        for region in _phone_regions():
            try:
                for m in phonenumbers.PhoneNumberMatcher(cand.group(0), region,
                                                         leniency=phonenumbers.Leniency.VALID):
                    if sum(c.isdigit() for c in m.raw_string) >= 7:
                        spans.append((cand.start() + m.start, cand.start() + m.end))
            except Exception:  # noqa: BLE001 - a third-party parser on untrusted text
                continue
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
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TranscriptError(path, f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise TranscriptError(path, f"cannot read: {e.strerror}") from None


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


def mask_pii(text: str, names: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, phone numbers and the given personal names."""
    text = _EMAIL_RE.sub("[email]", text)
    spans = _phone_spans(text)
    if spans:
        parts, last = [], 0
        for a, b in spans:
            parts += [text[last:a], "[phone]"]
            last = b
        text = "".join(parts) + text[last:]
    parts: set[str] = set()
    for n in names:
        n = n.strip()
        if n:
            parts.add(n)
            # Words of a name, never its numbers: a customer known by the phone number a
            # WhatsApp export is named after ("+41 78 613 22 90") must not turn every "90"
            # in the chat ("CHF 29.90") into "[customer]".
            parts.update(p for p in n.split() if len(p) >= 2 and any(c.isalpha() for c in p))
    for p in sorted(parts, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(p)}\w{{0,6}}", "[customer]", text, flags=re.IGNORECASE)
        # Inflected forms ("Matille", "Virtaselle") are capitalised like the name itself, so
        # the derived stems match case-sensitively to spare ordinary words.
        for stem in _name_stems(p):
            text = re.sub(rf"(?<!\w){re.escape(stem)}\w{{0,6}}", "[customer]", text)
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


def observations_from_transcript(t: Transcript, *, channel: str, source: str,
                                 brand: str | None = None, retired: Sequence[str] = (),
                                 today: date | None = None,
                                 currency: str | None = None) -> list[Observation]:
    """The company's claims in one conversation, masked, with the context matching needs.

    Subjects are left to matching (``subject`` None, ``msg:`` hints); brand mentions are
    about the brand and say so.
    """
    customers = {m.name for m in t.messages if m.role == "customer" and m.name}
    customers.update(t.personal)
    earlier: list[str] = []  # masked texts of the messages so far, oldest first
    out: list[Observation] = []
    company_speakers: set[str] = set()
    for index, msg in enumerate(t.messages):
        # Formats without lines (support tools' JSON) still need a stable place per message.
        where = msg.line if msg.line is not None else f"message {index + 1}"
        text = mask_pii(msg.text, customers)
        speaker = "[customer]" if msg.role == "customer" else (msg.name or msg.role)
        evidence = Evidence(transcript=source, line=msg.line, speaker=f"{msg.role}: {speaker}",
                            timestamp=msg.timestamp)
        if msg.role in COMPANY_ROLES:
            context = tuple("msg:" + m[:CONTEXT_CHARS]
                            for m in reversed(earlier[-CONTEXT_MESSAGES:]))
            for f in extract_facts(text, today=today, currency=currency):
                out.append(Observation(
                    id=observation_id(channel, f.attribute, f.value, source, where, f.span[0]),
                    channel=channel, attribute=f.attribute, value=f.value, text=text,
                    evidence=evidence, subject_hints=context, period=f.period,
                    currency=f.currency or (currency if f.attribute in MONEY_ATTRIBUTES
                                            else None),
                    source="transcript", span=f.span, free_from=f.free_from))
            if brand:
                for bm in brand_mentions(text, brand, retired):
                    value = mention_value(bm, brand)
                    out.append(Observation(
                        id=observation_id(channel, "brand_name", value, source, where,
                                          bm.start),
                        channel=channel, attribute="brand_name", value=value, text=text,
                        evidence=evidence, subject=BRAND_SUBJECT, match="brand",
                        source="transcript", span=(bm.start, bm.end)))
                # The name the company writes as its speaker label ("Vågnät Kundtjänst")
                # is a brand mention too, once per conversation and name.
                if msg.name and msg.name not in company_speakers:
                    company_speakers.add(msg.name)
                    label = mask_pii(msg.name, customers)
                    for bm in brand_mentions(label, brand, retired):
                        value = mention_value(bm, brand)
                        out.append(Observation(
                            id=observation_id(channel, "brand_name", value, source, where,
                                              "speaker", bm.start),
                            channel=channel, attribute="brand_name", value=value,
                            text=f"speaker: {label}", evidence=evidence,
                            subject=BRAND_SUBJECT, match="brand", source="transcript"))
        earlier.append(text)
    return out


def transcript_files(root: Path, pattern: str) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob(pattern) if p.is_file())


def _shared_locale(config: AuditConfig) -> str | None:
    """The locale every web channel of the config has, if they agree."""
    from auditor.config import WebChannel

    locales = {c.locale for c in config.channels.values() if isinstance(c, WebChannel)}
    return locales.pop() if len(locales) == 1 else None


def capture_transcripts_channel(name: str, ch: TranscriptChannel, config: AuditConfig,
                                today: date | None = None) -> ChannelResult:
    """Read every transcript of the channel; a broken file is an error, not a crash.

    Which offer each claim is about is decided later, by matching."""
    root = config.resolve(ch.path)
    errors: list[CaptureError] = []
    if not root.exists():
        err = CaptureError(name, str(ch.path), f"transcript path not found: {root}")
        return ChannelResult(name, "transcripts", None, 0, 0, (err,), ())
    files = transcript_files(root, ch.pattern)
    if not files:
        err = CaptureError(name, str(ch.path), f"no files matching {ch.pattern!r} in {root}")
        return ChannelResult(name, "transcripts", None, 0, 0, (err,), ())
    brand = config.brand
    observations: list[Observation] = []
    visited: list[str] = []
    currency = locale_currency(ch.locale or _shared_locale(config))
    for path in files:
        source = str(path.relative_to(root.parent if root.is_dir() else root.parent))
        company = (brand.name,) if brand else ()
        try:
            conversations = load_transcripts(path, ch.format, company + tuple(ch.agents))
        except TranscriptError as e:
            errors.append(CaptureError(name, source, str(e).split(": ", 1)[-1]
                                       if e.line is None else f"line {e.line}: "
                                       + str(e).split(": ", 1)[-1]))
            continue
        visited.append(source)
        for t in conversations:
            observations += observations_from_transcript(
                t, channel=name, source=source,
                brand=brand.name if brand else None,
                retired=brand.retired_names if brand else (), today=today, currency=currency)
    return ChannelResult(name=name, kind="transcripts", device=None, pages_ok=len(visited),
                         pages_failed=len(errors), errors=tuple(errors),
                         observations=tuple(observations), visited=tuple(visited))
