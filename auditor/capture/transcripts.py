"""Capturing a transcripts channel: exported chat logs → observations.

Format: the project's JSON (``omniaudit-transcript/1``, documented in
``docs/transcripts.md``): ``{"id", "started_at", "messages": [{"role", "name",
"timestamp", "text"}]}``. Each message keeps the line it starts on, so evidence points at
``file:line``.

Only ``agent`` and ``bot`` messages are company claims; ``customer`` lines are questions
(a customer asking "eikö se ollut 19,90?" states nothing about the offer). A claim is
attributed to the offer named in the same message, before the value; failing that to the
offer under discussion — the last one named by anyone in the conversation. So "Sen
kuukausihinta on 24,90 €/kk" after the customer asked about "Kuitu 1000" is about
``fiber-1000``.

Personal data is masked before anything is stored or reported: e-mail addresses, phone
numbers, and the names of customers (from the ``name`` field, wherever they appear).
A transcript that cannot be read is recorded as a capture error naming the file (and line
when known); the other files are still read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

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

COMPANY_ROLES = frozenset({"agent", "bot"})
KNOWN_ROLES = frozenset({"agent", "bot", "customer", "system"})
FORMAT_ID = "omniaudit-transcript/1"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International (+358 40 123 4567) and Finnish national (040 123 4567, 09-123 456) numbers.
_PHONE_RE = re.compile(r"(?<![\w,.])(?:\+\d{1,3}[\s-]?)?\(?0?\d{1,3}\)?[\s-]?\d{2,4}[\s-]?\d{2,4}"
                       r"(?:[\s-]?\d{2,4})?(?![\w,.]*\s*(?:€|e\b|eur|euro|kk|gt|gb|mbit|%))")


class TranscriptError(ValueError):
    """A transcript file that cannot be read; the message names the file and line."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Message:
    role: str
    name: str
    timestamp: str | None
    text: str
    line: int


@dataclass(frozen=True)
class Transcript:
    id: str
    path: Path
    messages: tuple[Message, ...]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_omniaudit_json(raw: str, path: Path) -> Transcript:
    """Parse the project's JSON transcript format, keeping each message's line number."""
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as e:
        raise TranscriptError(path, f"not valid JSON: {e.msg}", e.lineno) from None
    if isinstance(doc, dict) and doc.get("format") not in (None, FORMAT_ID):
        raise TranscriptError(path, f"unknown format {doc.get('format')!r}; expected {FORMAT_ID!r}",
                              _line_of(raw, raw.find('"format"')))
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise TranscriptError(path, "expected an object with a 'messages' list "
                                    f"(format {FORMAT_ID}, see docs/transcripts.md)", 1)
    # Locate each message object in the raw text to give evidence a line number.
    decoder = json.JSONDecoder()
    starts: list[int] = []
    key = re.search(r'"messages"\s*:\s*\[', raw)
    pos = key.end() if key else 0
    for _ in doc["messages"]:
        while pos < len(raw) and raw[pos] in " \t\r\n,":
            pos += 1
        starts.append(pos)
        try:
            _, pos = decoder.raw_decode(raw, pos)
        except json.JSONDecodeError:
            break
    messages = []
    for i, m in enumerate(doc["messages"]):
        line = _line_of(raw, starts[i]) if i < len(starts) else 1
        if not isinstance(m, dict):
            raise TranscriptError(path, f"message {i + 1} is not an object", line)
        role = str(m.get("role", "")).strip().lower()
        if role not in KNOWN_ROLES:
            raise TranscriptError(path, f"message {i + 1} has unknown role {m.get('role')!r}; "
                                        f"expected one of {', '.join(sorted(KNOWN_ROLES))}", line)
        text = m.get("text")
        if not isinstance(text, str):
            raise TranscriptError(path, f"message {i + 1} has no 'text' string", line)
        messages.append(Message(role, str(m.get("name") or ""), m.get("timestamp"), text, line))
    return Transcript(str(doc.get("id") or path.stem), path, tuple(messages))


def load_transcript(path: Path, fmt: str = "auto") -> Transcript:
    """Read one transcript file in the given (or detected) format."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TranscriptError(path, f"not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise TranscriptError(path, f"cannot read: {e.strerror}") from None
    if fmt in ("auto", "omniaudit"):
        if fmt == "omniaudit" or raw.lstrip().startswith("{"):
            return parse_omniaudit_json(raw, path)
    raise TranscriptError(path, "unrecognised transcript format; expected the omniaudit JSON "
                                "format (docs/transcripts.md)", 1)


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
    current: tuple[str, str, int] | None = None  # (subject, name as written, line)
    out: list[Observation] = []
    for msg in t.messages:
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
                    id=observation_id(channel, f.attribute, f.value, source, msg.line, f.span[0]),
                    channel=channel, attribute=f.attribute, value=f.value, text=text,
                    evidence=evidence, subject=subject, match=how,
                    subject_hints=tuple(m.text for m in mentions), currency=f.currency,
                    period=f.period, source="transcript"))
            if brand:
                for bm in brand_mentions(text, brand, retired):
                    value = brand if bm.kind == "exact" else (
                        brand_stem(bm.word, brand) if bm.kind == "misspelt" else bm.word)
                    out.append(Observation(
                        id=observation_id(channel, "brand_name", value, source, msg.line,
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
        try:
            t = load_transcript(path, ch.format)
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
