"""Capturing a transcripts channel: exported chat logs → observations.

Formats: the project's JSON (``omniaudit-transcript/1``), CSV, plain-text logs, WhatsApp
exports and the JSON of Zendesk Chat, LiveChat and Intercom, detected per file or set in
the config; :mod:`auditor.capture.transcript_formats` reads them all into role-tagged
messages (``docs/transcripts.md``). Each message keeps the line it starts on where the
format has lines, so evidence points at ``file:line``.

Only ``agent`` and ``bot`` messages are company claims; ``customer`` lines are questions
(a customer asking "eikö se ollut 19,90?" states nothing about the offer). A claim is
attributed to the offer named in the same message, before the value; failing that to the
offer under discussion — the last one named by anyone in the conversation. So "Sen
kuukausihinta on 24,90 €/kk" after the customer asked about "Kuitu 1000" is about
``fiber-1000``.

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
    parse_omniaudit,
    parse_transcript,
)
from auditor.config import AuditConfig, TranscriptChannel
from auditor.extract.brand import brand_mentions, brand_stem
from auditor.extract.text import extract_facts
from auditor.matching import Matcher
from auditor.model import (
    BRAND_SUBJECT,
    CaptureError,
    ChannelResult,
    Evidence,
    Observation,
    observation_id,
)

__all__ = [
    "COMPANY_ROLES", "FORMAT_ID", "KNOWN_ROLES", "Message", "Transcript", "TranscriptError",
    "capture_transcripts_channel", "load_transcript", "mask_pii", "observations_from_transcript",
    "parse_omniaudit_json",
]

COMPANY_ROLES = frozenset({"agent", "bot"})

# Every repetition is bounded (RFC 5321's 64-character local part, 63-character labels) and
# a match may only start at a word boundary: captured text is hostile, and an unbounded
# `[\w.+-]+@` scans to the end of a megabyte of letters from every position (quadratic).
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# International (+358 40 123 4567) and Finnish national (040 123 4567, 09-123 456) numbers.
_PHONE_RE = re.compile(r"(?<![\w,.])(?:\+\d{1,3}[\s-]?)?\(?0?\d{1,3}\)?[\s-]?\d{2,4}[\s-]?\d{2,4}"
                       r"(?:[\s-]?\d{2,4})?(?![\w,.]{0,8}\s{0,3}(?:€|e\b|eur|euro|kk|gt|gb|mbit|%))")


def parse_omniaudit_json(raw: str, path: Path) -> Transcript:
    """Parse the project's JSON transcript format, keeping each message's line number."""
    return parse_omniaudit(raw, path)


def load_transcript(path: Path, fmt: str = "auto", company_names: Iterable[str] = ()) -> Transcript:
    """Read one transcript file in the given (or detected) format.

    ``company_names`` (the brand name, the channel's ``agents``) say who speaks for the
    company in formats without roles (WhatsApp, plain logs).
    """
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TranscriptError(path, f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise TranscriptError(path, f"cannot read: {e.strerror}") from None
    return parse_transcript(raw, path, fmt, company_names)


def mask_pii(text: str, names: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, phone numbers and the given personal names."""
    text = _EMAIL_RE.sub("[email]", text)
    text = _PHONE_RE.sub(lambda m: "[phone]" if sum(c.isdigit() for c in m.group(0)) >= 7
                         else m.group(0), text)
    parts: set[str] = set()
    for n in names:
        n = n.strip()
        if n:
            parts.add(n)
            parts.update(p for p in n.split() if len(p) >= 2)
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


def observations_from_transcript(t: Transcript, *, channel: str, source: str, matcher: Matcher,
                                 brand: str | None = None, retired: Sequence[str] = (),
                                 today: date | None = None) -> list[Observation]:
    """The company's claims in one conversation, attributed and masked."""
    customers = {m.name for m in t.messages if m.role == "customer" and m.name}
    customers.update(t.personal)
    current: tuple[str, str, int] | None = None  # (subject, name as written, line)
    out: list[Observation] = []
    for index, msg in enumerate(t.messages):
        # Formats without lines (support tools' JSON) still need a stable place per message.
        where = msg.line if msg.line is not None else f"message {index + 1}"
        text = mask_pii(msg.text, customers)
        mentions = matcher.find_mentions(text)
        speaker = "[customer]" if msg.role == "customer" else (msg.name or msg.role)
        evidence = Evidence(transcript=source, line=msg.line, speaker=f"{msg.role}: {speaker}",
                            timestamp=msg.timestamp)
        if msg.role in COMPANY_ROLES:
            for f in extract_facts(text, today=today):
                before = [m for m in mentions if m.start <= f.span[0]]
                if before:
                    m = before[-1]
                    subject, how = m.subject, f"named in the message: {m.text!r} ({m.method})"
                elif current:
                    subject = current[0]
                    how = f"offer under discussion: {current[1]!r} at line {current[2]}"
                elif mentions:
                    m = mentions[0]
                    subject, how = m.subject, f"named in the message: {m.text!r} ({m.method})"
                else:
                    subject, how = None, None
                out.append(Observation(
                    id=observation_id(channel, f.attribute, f.value, source, where, f.span[0]),
                    channel=channel, attribute=f.attribute, value=f.value, text=text,
                    evidence=evidence, subject=subject, match=how,
                    subject_hints=tuple(m.text for m in mentions), currency=f.currency,
                    period=f.period, source="transcript"))
            if brand:
                for bm in brand_mentions(text, brand, retired):
                    value = brand if bm.kind == "exact" else (
                        brand_stem(bm.word, brand) if bm.kind == "misspelt" else bm.word)
                    out.append(Observation(
                        id=observation_id(channel, "brand_name", value, source, where,
                                          bm.start),
                        channel=channel, attribute="brand_name", value=value, text=text,
                        evidence=evidence, subject=BRAND_SUBJECT, match="brand",
                        source="transcript"))
        if mentions:
            current = (mentions[-1].subject, mentions[-1].text, msg.line)
    return out


def transcript_files(root: Path, pattern: str) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob(pattern) if p.is_file())


def capture_transcripts_channel(name: str, ch: TranscriptChannel, config: AuditConfig,
                                matcher: Matcher, today: date | None = None) -> ChannelResult:
    """Read every transcript of the channel; a broken file is an error, not a crash."""
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
    for path in files:
        source = str(path.relative_to(root.parent if root.is_dir() else root.parent))
        company = (brand.name,) if brand else ()
        try:
            t = load_transcript(path, ch.format, company + tuple(ch.agents))
        except TranscriptError as e:
            errors.append(CaptureError(name, source, str(e).split(": ", 1)[-1]
                                       if e.line is None else f"line {e.line}: "
                                       + str(e).split(": ", 1)[-1]))
            continue
        visited.append(source)
        observations += observations_from_transcript(
            t, channel=name, source=source, matcher=matcher,
            brand=brand.name if brand else None, retired=brand.retired_names if brand else (),
            today=today)
    return ChannelResult(name=name, kind="transcripts", device=None, pages_ok=len(visited),
                         pages_failed=len(errors), errors=tuple(errors),
                         observations=tuple(observations), visited=tuple(visited))
