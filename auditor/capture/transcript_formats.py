"""Chat transcript export formats → one :class:`Transcript` of role-tagged messages.

Support teams export chats from whatever tool they use, so a transcripts channel reads
several formats and detects which one a file is in (``format: auto``), with an override
in the config. Every parser does the same three things, and nothing else:

* map the tool's author types to Omniaudit's four roles — ``agent``, ``bot``, ``customer``,
  ``system`` — because only agent and bot lines are the company's word;
* keep the line each message starts on, where the format has lines, so evidence can cite
  ``file:line``;
* turn markup (Intercom's HTML bodies) into plain text.

Formats (documented with examples in ``docs/transcripts.md``):

``omniaudit``  the project's JSON (``omniaudit-transcript/1``)
``csv``        a header row naming the text, role and name columns
``text``       plain logs: ``[12:01] Agent Anna: ...``
``whatsapp``   WhatsApp "Export chat" text files, every layout phones write (Android and
               iOS, 12- and 24-hour clocks, "a. m."/"p. m.", yyyy-mm-dd, dd.mm.yy, …)
``zendesk``    Zendesk Chat (Zopim) chat JSON: ``history`` of ``chat.msg`` events
``livechat``   LiveChat chat JSON: ``users`` and ``thread(s).events``
``intercom``   Intercom conversation JSON: ``source`` and ``conversation_parts``
``telegram``   Telegram Desktop "Export chat history" JSON (``result.json``)
``instagram``  Instagram and Facebook Messenger JSON from Meta's "Download your
               information" (``message_1.json``: ``participants``, ``messages``)
``email``      a chat transcript e-mailed by a live-chat tool (an RFC 822 ``.eml`` file
               whose body is a ``(10:21 AM) Name: text`` log), or a support e-mail with
               the replies it quotes

Formats that carry no roles (WhatsApp, plain logs whose speakers have no role word) need
to be told who speaks for the company: a speaker whose name contains one of
``company_names`` (the brand name, the channel's ``agents``) is an agent, everyone else a
customer — so an unknown speaker's words are never mistaken for the company's.

Everything here reads untrusted files: parsers raise only :class:`TranscriptError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

__all__ = [
    "FORMATS", "FORMAT_ID", "KNOWN_ROLES", "STREAMED_FORMATS", "Message", "TextFile",
    "Transcript", "TranscriptError", "TranscriptStream", "detect_format", "open_export",
    "parse_export", "parse_transcript", "split_export",
]

FORMAT_ID = "omniaudit-transcript/1"
KNOWN_ROLES = frozenset({"agent", "bot", "customer", "system"})
#: The values of a transcripts channel's ``format`` key, ``auto`` aside.
FORMATS: tuple[str, ...] = ("omniaudit", "csv", "text", "whatsapp", "zendesk", "livechat",
                            "intercom", "telegram", "instagram", "email", "zendesk-tickets")


class TranscriptError(ValueError):
    """A transcript file that cannot be read; the message names the file and line."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Message:
    """One message: who (role and display name), when, what, and the line it starts on."""

    role: str
    name: str
    timestamp: str | None
    text: str
    line: int | None
    #: The conversation a message of a bulk export belongs to (a CSV's ``chat_id``), when
    #: one file holds several: a claim's context never reaches into another conversation.
    conversation: str | None = None


@dataclass(frozen=True)
class Transcript:
    """One conversation, messages in the order they were sent."""

    id: str
    path: Path
    messages: tuple[Message, ...]
    #: The format it was read as (one of :data:`FORMATS`).
    format: str = "omniaudit"
    #: Customers' names and e-mails the export names outside the messages (a chat's
    #: visitor record): masked wherever they appear in the text.
    personal: tuple[str, ...] = ()


@dataclass(frozen=True)
class TranscriptStream:
    """One conversation of a line-based export (WhatsApp, plain log, CSV) read from its file
    as a stream: :meth:`messages` reads the file again from its start, one line at a time,
    and yields each message as soon as its last line is read. Nothing holds the whole text
    or every message.

    :func:`open_export` has read the file once already, to the end: so a file that cannot
    be read (not UTF-8, broken CSV, no message at all) is an error before any of it is used,
    and the customers' names (``customers``) are known before the first message is masked.
    """

    id: str
    path: Path
    format: str
    file: TextFile
    read: Callable[[], Iterator[Message]] = field(repr=False)
    #: Display names of the customers' messages, in order of appearance.
    customers: tuple[str, ...] = ()
    #: Messages in the file (from the first pass).
    count: int = 0
    personal: tuple[str, ...] = ()

    def messages(self) -> Iterator[Message]:
        """The messages in file order, read from the file again."""
        return self.read()


class TextFile:
    """A UTF-8 text file read lazily: a line at a time, never the whole text at once.

    Every iteration reads the file again from its start; ``bytes_read`` says how far the
    latest one got (for progress). A byte-order mark at the start is skipped. Lines are
    exactly ``str.splitlines()`` of the whole text: the file is read in pieces that end
    with a line feed (a byte no other UTF-8 character contains), and each piece is split
    on its own.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bytes_read = 0

    def read(self) -> str:
        """The whole text (for the formats that need it: JSON, e-mail)."""
        try:
            return self.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise TranscriptError(self.path, f"not UTF-8 text (byte {e.start})") from None
        except OSError as e:
            raise TranscriptError(self.path, f"cannot read: {e.strerror}") from None

    #: Bytes read from the file at a time (more, up to the next line feed).
    BLOCK = 1 << 20

    def pieces(self) -> Iterator[str]:
        """The decoded text in pieces of about :attr:`BLOCK` bytes that each end with a line
        feed (the last one may not): a block is decoded and split by C code at once, not a
        line at a time by Python."""
        self.bytes_read = 0
        offset = 0  # of the piece in the text after the byte-order mark, as decode counts
        first = True
        try:
            with self.path.open("rb") as f:
                pending: list[bytes] = []  # read after the last line feed so far
                while True:
                    block = f.read(self.BLOCK)
                    self.bytes_read += len(block)
                    end = not block
                    if not end:
                        cut = block.rfind(b"\n") + 1
                        if not cut:  # no line ends in this block: read on
                            pending.append(block)
                            continue
                        head = block if cut == len(block) else block[:cut]
                        raw = b"".join((*pending, head)) if pending else head
                        pending = [block[cut:]] if cut < len(block) else []
                    else:  # the end: what follows the last line feed
                        raw = b"".join(pending)
                    if first and raw:
                        first = False
                        if raw.startswith(codecs.BOM_UTF8):
                            raw = raw[len(codecs.BOM_UTF8):]
                    if raw:
                        try:
                            piece = raw.decode("utf-8")
                        except UnicodeDecodeError as e:
                            raise TranscriptError(
                                self.path, f"not UTF-8 text (byte {offset + e.start})") from None
                        offset += len(raw)
                        yield piece
                    if end:
                        break
        except OSError as e:
            raise TranscriptError(self.path, f"cannot read: {e.strerror}") from None

    def lines(self) -> Iterator[str]:
        """``str.splitlines()`` of the text, lazily (a block's lines at a time)."""
        for piece in self.pieces():
            yield from piece.splitlines()

    def csv_lines(self) -> Iterator[str]:
        """Lines with their endings, split where ``io.StringIO(text, newline="")`` splits
        them (LF, CR LF, a lone CR): what :mod:`csv` reads."""
        for piece in self.pieces():
            yield from io.StringIO(piece, newline="")

    def head(self, n: int = 20) -> list[str]:
        """The first ``n`` lines of the text with leading white space stripped
        (``text.lstrip().splitlines()[:n]``), for format detection."""
        out: list[str] = []
        lines = self.lines()
        try:
            for line in lines:
                if not out:
                    line = line.lstrip()
                    if not line:
                        continue
                out.append(line)
                if len(out) >= n:
                    break
        finally:
            lines.close()
        return out

    def prefix(self, chars: int) -> str:
        """The first ``chars`` characters of the text."""
        parts: list[str] = []
        size = 0
        pieces = self.pieces()
        try:
            for piece in pieces:
                parts.append(piece)
                size += len(piece)
                if size >= chars:
                    break
        finally:
            pieces.close()
        return "".join(parts)[:chars]



def _iter_lines(text: str) -> Iterator[str]:
    """``text.splitlines()`` one line at a time, without a list of every line."""
    start, end = 0, len(text)
    while start < end:
        nl = text.find("\n", start)
        stop = end if nl < 0 else nl + 1
        yield from text[start:stop].splitlines()
        start = stop


def _head_lines(text: str, n: int, start: int = 0) -> list[str]:
    """``text[start:].splitlines()[:n]`` without splitting (or copying) the rest of a big
    text."""
    size = 4096
    while True:
        lines = text[start:start + size].splitlines()
        # With more than n lines in the slice, the first n end inside it: they are whole.
        if len(lines) > n or start + size >= len(text):
            return lines[:n]
        size *= 4


# --- roles ------------------------------------------------------------------------------

def _role_words() -> dict[str, str]:
    """Author words and types → role, from every language file (``role_words``), lower-case."""
    from auditor.extract.lexicon import load_lexicons

    out: dict[str, str] = {}
    for lex in load_lexicons().values():
        for role, words in lex.role_words.items():
            for w in words:
                out.setdefault(w.lower(), role)
    return out


#: Author words and types of the supported tools and speaker prefixes in plain logs, in every
#: language Omniaudit reads → role (``agent``, ``bot``, ``customer``, ``system``).
ROLE_WORDS: Mapping[str, str] = _role_words()


def role_of(word: str | None) -> str | None:
    """The role an author word or type stands for, or None when it names no role."""
    if not word:
        return None
    key = str(word).strip().lower()
    if key in ROLE_WORDS:
        return ROLE_WORDS[key]
    if key.startswith("agent:"):  # Zendesk Chat nicks: "agent:12345", "agent:trigger"
        return "bot" if key == "agent:trigger" else "agent"
    return None


def _fold(s: str) -> str:
    """Case and accents folded: "LémanPhone" and "Lemanphone" are the same account."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", s.casefold())
                   if not unicodedata.combining(c))


def _company(name: str, company_names: Sequence[str]) -> bool:
    low = _fold(name)
    return any(c and _fold(c) in low for c in company_names)


# --- helpers ----------------------------------------------------------------------------


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class _Lines:
    """Line numbers of offsets in a text, counted on from the previous offset asked about:
    asking in document order costs one pass over the text, not one per offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def of(self, offset: int) -> int:
        if offset < self.offset:  # backwards: count again from the start
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


class _LineFinder:
    """Lines of JSON string values, found in the raw text in document order.

    JSON exports of support tools are pretty-printed one key per line, so the line of a
    message's text value is the line a reviewer opens. Searching forward from the last hit
    keeps repeated texts ("Kiitos!") on their own lines.

    A value is looked for as JSON writes it with and without ``ensure_ascii``. Each search
    runs from the last hit on, and lines are counted on from the last hit too, so finding
    every message of a big export is one pass over it — except searches that find nothing,
    which read to the end of the file; those are skipped when they cannot succeed: a form
    with non-ASCII characters in a file without any (exported with ``ensure_ascii``), and
    a form already missing from an earlier point on.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pos = 0
        self.lines = _Lines(raw)
        self.ascii_file = raw.isascii()
        self.missing: set[str] = set()

    def line(self, value: str) -> int | None:
        if not value:
            return None
        plain = json.dumps(value, ensure_ascii=False)
        found = self._find(plain)
        if found is None:  # the other form only when needed: encoding is not free
            escaped = json.dumps(value)
            if escaped != plain:
                found = self._find(escaped)
        return found

    def _find(self, encoded: str) -> int | None:
        if encoded in self.missing or (self.ascii_file and not encoded.isascii()):
            return None
        i = self.raw.find(encoded, self.pos)
        if i < 0:
            if len(self.missing) < 10_000:
                self.missing.add(encoded)
            return None
        self.pos = i + len(encoded)
        return self.lines.of(i)


class _TextOf(HTMLParser):
    """Plain text of an HTML fragment (Intercom bodies); tags dropped, entities decoded."""

    _BREAKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    """The text of an HTML fragment, whitespace collapsed."""
    p = _TextOf()
    try:
        p.feed(fragment)
        p.close()
    except Exception:  # noqa: BLE001 - html.parser on untrusted markup: fall back to raw text
        return " ".join(fragment.split())
    return " ".join("".join(p.parts).split())


def _timestamp(value: Any) -> str | None:
    """ISO 8601 from an ISO string or a Unix time in seconds or milliseconds."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    return str(value)[:40] or None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing: exports are untrusted, ``"users": true`` must not crash."""
    return value if isinstance(value, list) else []


def _json(raw: str, path: Path) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        raise TranscriptError(path, f"not valid JSON: {e.msg}", e.lineno) from None
    except RecursionError:
        raise TranscriptError(path, "JSON nested too deeply") from None


# --- omniaudit JSON ---------------------------------------------------------------------


def parse_omniaudit(raw: str, path: Path, company_names: Sequence[str] = (), *,
                    doc: Any = None) -> Transcript:
    """The project's JSON format, keeping each message object's line number."""
    doc = _json(raw, path) if doc is None else doc
    if isinstance(doc, dict) and doc.get("format") not in (None, FORMAT_ID):
        raise TranscriptError(path, f"unknown format {doc.get('format')!r}; expected {FORMAT_ID!r}",
                              _line_of(raw, max(0, raw.find('"format"'))))
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
        except (json.JSONDecodeError, RecursionError):
            break
    lines = _Lines(raw)
    messages = []
    for i, m in enumerate(doc["messages"]):
        line = lines.of(starts[i]) if i < len(starts) else 1
        if not isinstance(m, dict):
            raise TranscriptError(path, f"message {i + 1} is not an object", line)
        role = str(m.get("role", "")).strip().lower()
        if role not in KNOWN_ROLES:
            raise TranscriptError(path, f"message {i + 1} has unknown role {m.get('role')!r}; "
                                        f"expected one of {', '.join(sorted(KNOWN_ROLES))}", line)
        text = m.get("text")
        if not isinstance(text, str):
            raise TranscriptError(path, f"message {i + 1} has no 'text' string", line)
        ts = m.get("timestamp")
        messages.append(Message(role, str(m.get("name") or ""),
                                ts if isinstance(ts, str) else None, text, line))
    return Transcript(str(doc.get("id") or path.stem), path, tuple(messages), "omniaudit")


# --- CSV --------------------------------------------------------------------------------

# Column names as :func:`_column_key` writes them: "Message Content" is message_content.
_CSV_TEXT_WORDS = ("text", "message", "body", "content", "msg", "viesti", "meddelande",
                   "nachricht")
_CSV_ROLE_WORDS = ("role", "author_type", "sender_type", "type", "user_type", "rooli",
                   "from_type")
_CSV_NAME_WORDS = ("name", "author", "sender", "author_name", "sender_name", "display_name",
                   "from", "nimi", "speaker")
_CSV_TIME_WORDS = ("timestamp", "time", "created_at", "date", "datetime", "aika", "sent_at")
# Exports with one row per message and conversation-level columns beside the message's own
# name them by what they describe: "Message Content", "Message Created At" (beside
# "Conversation Created At"), "Actor Type", "Actor Name" (beside "User Name", the
# conversation's customer). A message column is message_TEXT / message_TIME, a speaker
# column one of these prefixes and a role or name word.
_CSV_MESSAGE_PREFIXES = ("message", "msg")
_CSV_SPEAKER_PREFIXES = ("actor", "author", "sender", "participant", "speaker", "from")
_CSV_TEXT = _CSV_TEXT_WORDS + tuple(f"{p}_{w}" for p in _CSV_MESSAGE_PREFIXES
                                    for w in ("text", "body", "content"))
_CSV_ROLE = _CSV_ROLE_WORDS + tuple(f"{p}_{w}" for p in _CSV_SPEAKER_PREFIXES
                                    for w in ("role", "type"))
_CSV_NAME = _CSV_NAME_WORDS + tuple(f"{p}_{w}" for p in _CSV_SPEAKER_PREFIXES
                                    for w in ("name", "display_name"))
_CSV_TIME = _CSV_TIME_WORDS + tuple(f"{p}_{w}" for p in _CSV_MESSAGE_PREFIXES
                                    for w in _CSV_TIME_WORDS)
_CSV_ID = ("conversation_id", "chat_id", "ticket_id", "thread_id")
# A row only the company's staff saw (an agent's private note) states nothing to the
# customer: a column that says what kind of row it is, with one of these values, or a
# yes/no column that says it is private.
_CSV_KIND = ("message_type", "visibility", "note_type")
_CSV_PRIVATE_KINDS = frozenset({"private", "internal", "note", "private_note",
                                "internal_note", "whisper"})
_CSV_PRIVATE_FLAG = ("is_private", "private", "is_internal", "internal", "private_note")
_CSV_TRUE = frozenset({"true", "yes", "1", "y", "x"})
#: Characters of a CSV the delimiter is sniffed from.
_CSV_SAMPLE = 4096


def _column_key(cell: str) -> str:
    """A header cell as a column name: lower case, words joined by "_" ("Actor Type",
    "actor-type" and "actor_type" are one name)."""
    return re.sub(r"[^\w]+", "_", cell.strip().lower()).strip("_")


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    keys = [_column_key(h) for h in header]
    for n in names:
        if n in keys:
            return keys.index(n)
    return None


def _csv_messages(lines: Iterable[str], sample: str, path: Path, company_names: Sequence[str],
                  ids: list[str] | None = None) -> Iterator[Message]:
    """The messages of a CSV's rows, read as the rows come (``lines`` as
    ``io.StringIO(text, newline="")`` yields them; ``sample`` the text's first characters,
    for the delimiter). The first conversation id found is appended to ``ids``."""
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(lines, dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise TranscriptError(path, "empty CSV: expected a header row", 1) from None
    text_i = _column(header, _CSV_TEXT)
    if text_i is None:
        raise TranscriptError(path, "CSV header has no text column (one of: "
                                    f"{', '.join(_CSV_TEXT)})", 1)
    role_i, name_i = _column(header, _CSV_ROLE), _column(header, _CSV_NAME)
    time_i, id_i = _column(header, _CSV_TIME), _column(header, _CSV_ID)
    kind_i, private_i = _column(header, _CSV_KIND), _column(header, _CSV_PRIVATE_FLAG)
    line = reader.line_num + 1

    def cell(row: list[str], i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    try:
        for row in reader:
            text = cell(row, text_i)
            if text and (_column_key(cell(row, kind_i)) in _CSV_PRIVATE_KINDS
                         or cell(row, private_i).lower() in _CSV_TRUE):
                text = ""  # a private note: the customer never saw it
            if text:
                name = cell(row, name_i)
                stated = role_of(cell(row, role_i))
                # A speaker the config names as the company's (the brand, an agent) is the
                # company whatever the tool calls its operators ("user" is giosg's agent
                # and Intercom's customer).
                if _company(name, company_names) and stated not in ("agent", "bot"):
                    role = "agent"
                else:
                    role = stated or role_of(name) or "customer"
                if ids is not None and not ids and cell(row, id_i):
                    ids.append(cell(row, id_i))
                yield Message(role, name, cell(row, time_i) or None, text, line,
                              cell(row, id_i) or None)
            line = reader.line_num + 1
    except csv.Error as e:
        raise TranscriptError(path, f"not valid CSV: {e}", reader.line_num) from None


def parse_csv(raw: str, path: Path, company_names: Sequence[str] = ()) -> Transcript:
    """A CSV with a header row; one row per message, evidence line = the row's first line."""
    ids: list[str] = []
    messages = tuple(_csv_messages(io.StringIO(raw, newline=""), raw[:_CSV_SAMPLE], path,
                                   company_names, ids))
    return Transcript(ids[0] if ids else path.stem, path, messages, "csv")


# --- plain text logs --------------------------------------------------------------------

# Clock times as exports write them: "14:03", "14.03.27", "2:03 PM", "2:03\u202fpm",
# "2:03 a. m.", "14:03:27".
_TIME = (r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
         r"(?:[\s\u202f\u00a0]?(?:[AaPp]\.?[\s\u202f\u00a0]?[Mm]\.?))?")
_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
TEXT_LINE_RE = re.compile(
    rf"^[\[(](?P<ts>(?:(?:{_DATE})[ T,]*)?{_TIME})[\])]\s*(?P<speaker>[^:\n]{{1,60}}?)\s*:"
    r"\s?(?P<text>.*)$"
)
# "(7:21:04 PM) *** Hannah Clarke has joined the chat ***": a tool's own line.
_TEXT_SYSTEM_RE = re.compile(rf"^[\[(](?:(?:{_DATE})[ T,]*)?{_TIME}[\])]\s*\*\*\*.*$")
_RULE_RE = re.compile(r"^\s*(?:-{5,}|={5,}|_{5,}|\*{5,}|~{5,})\s*$")
_ROLE_PREFIX_RE = re.compile(r"^(?P<word>[^\W\d_]+(?:[ -][^\W\d_]+)?)\b\s*(?P<rest>.*)$")
_PAREN_ROLE_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<word>[^()]{1,30})\)$")


def _speaker_role(speaker: str, company_names: Sequence[str]) -> tuple[str, str]:
    """Role and display name from "Agent Anna", "Anna (agent)", "Asiakas", "Nordtel-botti"."""
    m = _PAREN_ROLE_RE.match(speaker)
    if m and role_of(m.group("word")):
        return role_of(m.group("word")) or "customer", m.group("name").strip()
    whole = role_of(speaker)
    if whole:
        return whole, ""
    m = _ROLE_PREFIX_RE.match(speaker)
    if m:
        for word, rest in ((m.group("word"), m.group("rest")),
                           (m.group("word").split()[0],
                            speaker[len(m.group("word").split()[0]):].strip())):
            role = role_of(word)
            if role:
                return role, rest.strip()
    if _company(speaker, company_names):
        return ("bot" if re.search(r"bot", speaker, re.I) else "agent"), speaker
    return "customer", speaker


#: What a line that starts a message says: role, name, timestamp, text, line.
Opened = tuple[str, str, str | None, str, int | None]


def _line_messages(lines: Iterable[str], opens: Callable[[int | None, str], Opened | None],
                   first_line: int = 1,
                   file_lines: Sequence[int | None] | None = None) -> Iterator[Message]:
    """Messages of a line-based export, each yielded once its last line has been read.

    A line that ``opens`` recognises starts a message; any other non-blank line continues
    the previous message, as exports wrap long messages onto new lines. Line ``i`` of
    ``lines`` is line ``first_line + i`` of the file, or ``file_lines[i]`` when the text was
    decoded from something longer (an e-mail). A message's lines are joined once, at its
    end: appending to a growing string would copy it for every line.
    """
    pending: Opened | None = None
    parts: list[str] = []
    for i, line in enumerate(lines):
        n = (file_lines[i] if i < len(file_lines) else None) if file_lines is not None \
            else first_line + i
        opened = opens(n, line)
        if opened is not None:
            if pending is not None:
                text = ("\n".join(parts) if len(parts) > 1 else parts[0]).strip()
                if text:
                    yield Message(pending[0], pending[1], pending[2], text, pending[4])
            pending = opened
            parts = [opened[3]]
        elif pending is not None and line.strip():
            parts.append(line.strip())
    if pending is not None:
        text = ("\n".join(parts) if len(parts) > 1 else parts[0]).strip()
        if text:
            yield Message(pending[0], pending[1], pending[2], text, pending[4])


def _line_speakers(lines: Iterable[str], opens: Callable[[int | None, str], Opened | None]
                   ) -> Iterator[tuple[str, str]]:
    """Role and name of each message :func:`_line_messages` yields, without building the
    messages: a message is yielded when its first line has text after the prefix, or any
    line continues it (continuation lines are never blank)."""
    pending: tuple[str, str] | None = None
    has_text = False
    for line in lines:
        opened = opens(None, line)
        if opened is not None:
            if pending is not None and has_text:
                yield pending
            pending, has_text = (opened[0], opened[1]), bool(opened[3].strip())
        elif not has_text and pending is not None and line.strip():
            has_text = True
    if pending is not None and has_text:
        yield pending


def _text_opens(company_names: Sequence[str], customers: Sequence[str] = ()
                ) -> Callable[[int | None, str], Opened | None]:
    """What starts a message in a plain log (see :func:`parse_text_log`)."""
    visitors = {c.casefold() for c in customers if c}
    roles: dict[str, tuple[str, str]] = {}  # speaker → (role, name): logs repeat speakers

    def opens(n: int | None, line: str) -> Opened | None:
        if _TEXT_SYSTEM_RE.match(line):
            return ("system", "", None, line, n)
        if _RULE_RE.match(line):
            # A rule ends the log ("-----" above an e-mailed copy's footer): what follows
            # it is the tool's, not the last speaker's.
            return ("system", "", None, line.strip(), n)
        m = TEXT_LINE_RE.match(line)
        if not m:
            return None
        speaker = m.group("speaker").strip()
        found = roles.get(speaker)
        if found is None:
            role, name = _speaker_role(speaker, company_names)
            if visitors and role == "customer" and speaker.casefold() not in visitors:
                role, name = "agent", speaker
            if len(roles) < 10_000:
                roles[speaker] = (role, name)
        else:
            role, name = found
        return (role, name, m.group("ts"), m.group("text"), n)

    return opens


def parse_text_log(raw: str, path: Path, company_names: Sequence[str] = (),
                   customers: Sequence[str] = (), first_line: int = 1,
                   file_lines: Sequence[int | None] | None = None) -> Transcript:
    """``[12:01] Agent Anna: text`` or ``(12:01:05 PM) Anna: text``; lines without a prefix
    continue the previous message.

    ``customers`` are speakers the export names as the visitor (an e-mailed transcript's
    "Visitor:" header): everyone else who speaks is the company.
    """
    messages = tuple(_line_messages(_iter_lines(raw), _text_opens(company_names, customers),
                                    first_line, file_lines))
    if not messages:
        raise TranscriptError(path, _NO_TEXT_LINES, first_line)
    return Transcript(path.stem, path, messages, "text", tuple(customers))


_NO_TEXT_LINES = "no '[hh:mm] Speaker: text' lines found"
_NO_WHATSAPP_LINES = "no WhatsApp export lines ('date, time - Name: text') found"


# --- WhatsApp ---------------------------------------------------------------------------

# Android: "31/12/2026, 10:01 - Name: text", "2026-11-12 14:03 - …", "11/12/26, 2:03 PM - …",
# "12.11.26, 14:03 - …"; iOS: "[31.12.2026, 10.01.15] Name: text", "[2026-11-14 09:41:12] …".
_WA_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
# iOS brackets its times and always writes the seconds; "[2026-04-02 09:01] Anna: …"
# without them is a plain log (text format), not WhatsApp.
_WA_IOS_TIME = (r"\d{1,2}[:.]\d{2}[:.]\d{2}"
                r"(?:[\s\u202f\u00a0]?(?:[AaPp]\.?[\s\u202f\u00a0]?[Mm]\.?))?")
WHATSAPP_LINE_RE = re.compile(
    rf"^[\u200e\u200f]?(?:\[(?P<date>{_WA_DATE}),?\s(?P<time>{_WA_IOS_TIME})\]"
    rf"|(?P<date2>{_WA_DATE}),?\s(?P<time2>{_TIME})\s?[-\u2013])\s(?P<rest>.*)$"
)


def _system_lines() -> tuple[str, ...]:
    """The system lines exports write, in every language file (chat_system_lines)."""
    from auditor.extract.lexicon import load_lexicons

    return tuple(h for lex in load_lexicons().values() for h in lex.chat_system_lines)


def _any_of(words: Iterable[str]) -> str:
    """A pattern matching any of ``words``, as a trie ("e(?:nd-to-end|…)"): at each
    position of a text one branch is followed, not one per word."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(trie) if trie else r"(?!)"


def _whatsapp_opens(company_names: Sequence[str], speakers_only: bool = False
                    ) -> Callable[[int | None, str], Opened | None]:
    """What starts a message in a WhatsApp export (see :func:`parse_whatsapp`).

    ``speakers_only``: for a first pass that only counts messages and collects the
    customers' names: no timestamps, and a customer already named once is not looked at
    again (whether a line of theirs is a system line changes neither)."""
    # One search for any of the system lines (lower-case), not one per line and language.
    system = re.compile(_any_of(_system_lines()))
    roles: dict[str, str] = {}  # name → role: a chat has a handful of speakers
    named: set[str] = set()  # customers named (speakers_only)

    def opens(n: int | None, line: str) -> Opened | None:
        m = WHATSAPP_LINE_RE.match(line)
        if not m:
            return None
        if speakers_only:
            ts = None
            rest = m.group("rest").lstrip("\u200e")
        else:
            date, time, date2, time2, rest = m.group("date", "time", "date2", "time2", "rest")
            ts = f"{date or date2} {time or time2}"
            rest = rest.lstrip("\u200e")
        name, sep, text = rest.partition(": ")
        # iOS marks its own lines (encryption notices, "image omitted") with U+200E.
        if not sep or len(name) > 60 or text.startswith("\u200e"):
            return ("system", "", ts, rest, n)
        if speakers_only and name in named:
            return ("customer", name.strip(), ts, text, n)
        if system.search(rest.lower()):
            return ("system", "", ts, rest, n)
        role = roles.get(name)
        if role is None:
            role = "agent" if _company(name, company_names) else "customer"
            if role == "agent" and re.search(r"bot", name, re.I):
                role = "bot"
            if len(roles) < 10_000:
                roles[name] = role
        if speakers_only and role == "customer" and len(named) < 10_000:
            named.add(name)
        return (role, name.strip(), ts, text, n)

    return opens


def parse_whatsapp(raw: str, path: Path, company_names: Sequence[str] = ()) -> Transcript:
    """A WhatsApp "Export chat" file; the company's account is named by ``company_names``."""
    messages = tuple(_line_messages(_iter_lines(raw), _whatsapp_opens(company_names)))
    if not messages:
        raise TranscriptError(path, _NO_WHATSAPP_LINES, 1)
    return Transcript(path.stem, path, messages, "whatsapp")


# --- streams of line-based exports --------------------------------------------------------

#: Formats read as a stream, a line at a time, by :func:`open_export`.
STREAMED_FORMATS = ("whatsapp", "text", "csv")


def _stream(file: TextFile, fmt: str, company_names: Sequence[str]) -> TranscriptStream:
    """A line-based export as a :class:`TranscriptStream`, after a first pass over the file
    that checks it can be read to the end and collects its customers' names."""
    path = file.path
    sample = file.prefix(_CSV_SAMPLE) if fmt == "csv" else ""

    def read(ids: list[str] | None = None) -> Iterator[Message]:
        if fmt == "csv":
            return _csv_messages(file.csv_lines(), sample, path, company_names, ids)
        opens = _whatsapp_opens(company_names) if fmt == "whatsapp" else \
            _text_opens(company_names)
        return _line_messages(file.lines(), opens)

    count = 0
    customers: dict[str, None] = {}
    ids: list[str] = []
    if fmt == "csv":
        speakers: Iterable[tuple[str, str]] = ((m.role, m.name) for m in read(ids))
    else:
        speakers = _line_speakers(file.lines(), _whatsapp_opens(company_names, True)
                                  if fmt == "whatsapp" else _text_opens(company_names))
    for role, name in speakers:
        count += 1
        if role == "customer" and name:
            customers[name] = None
    if not count and fmt != "csv":
        raise TranscriptError(path, _NO_WHATSAPP_LINES if fmt == "whatsapp"
                              else _NO_TEXT_LINES, 1)
    return TranscriptStream(ids[0] if ids else path.stem, path, fmt, file, read,
                            tuple(customers), count)


def open_export(path: Path, fmt: str = "auto",
                company_names: Iterable[str] = ()) -> list[Transcript | TranscriptStream]:
    """Every conversation of a transcript file, as :func:`parse_export` reads them — but a
    line-based export (WhatsApp, plain log, CSV: :data:`STREAMED_FORMATS`) is a
    :class:`TranscriptStream`, read from the file a line at a time. The format is detected
    from the file's first lines; JSON and e-mail files are read whole."""
    names = tuple(n for n in company_names if n)
    file = TextFile(path)
    kind = _detect_head(file.head(PREAMBLE_LINES)) if fmt == "auto" else fmt
    if kind in STREAMED_FORMATS:
        return [_stream(file, kind, names)]
    return parse_export(file.read(), path, fmt, names)


# --- support tools' JSON ----------------------------------------------------------------


def _unwrap(doc: Any, path: Path) -> Mapping[str, Any]:
    """One conversation object: a bare object, or a one-element list / ``{"chat": {...}}``."""
    if isinstance(doc, list) and len(doc) == 1:
        doc = doc[0]
    if isinstance(doc, Mapping):
        for key in ("chat", "conversation"):
            if isinstance(doc.get(key), Mapping) and len(doc) <= 2:
                return doc[key]
        return doc
    raise TranscriptError(path, "expected one conversation object", 1)


def parse_zendesk(raw: str, path: Path, company_names: Sequence[str] = (), *,
                  doc: Any = None, finder: _LineFinder | None = None) -> Transcript:
    """Zendesk Chat: ``{"visitor": {...}, "history": [{"type": "chat.msg", "nick", ...}]}``.

    ``nick`` is ``"visitor"`` or ``"agent:<id>"`` (``"agent:trigger"`` is an automated
    trigger, a bot); events other than ``chat.msg`` (joins, leaves, ratings) are system.
    """
    doc = _unwrap(_json(raw, path) if doc is None else doc, path)
    history = doc.get("history")
    if not isinstance(history, list):
        raise TranscriptError(path, "Zendesk Chat export without a 'history' list", 1)
    visitor = doc.get("visitor") if isinstance(doc.get("visitor"), Mapping) else {}
    finder = finder or _LineFinder(raw)
    messages = []
    for ev in history:
        if not isinstance(ev, Mapping):
            continue
        text = _str(ev.get("msg") or ev.get("message"))
        if not text:
            continue
        nick = _str(ev.get("nick"))
        kind = _str(ev.get("type"))
        if kind and kind not in ("chat.msg", "chat"):
            role = "system"
        else:
            role = role_of(nick) or role_of(_str(ev.get("sender_type"))) or (
                "agent" if _company(_str(ev.get("name")), company_names) else "customer")
        name = _str(ev.get("display_name") or ev.get("name"))
        messages.append(Message(role, name, _timestamp(ev.get("timestamp")), text,
                                finder.line(text)))
    personal = tuple(s for s in (_str(visitor.get("name")), _str(visitor.get("email")),
                                 _str(visitor.get("phone"))) if s)
    return Transcript(str(doc.get("id") or path.stem), path, tuple(messages), "zendesk",
                      personal)


def parse_livechat(raw: str, path: Path, company_names: Sequence[str] = (), *,
                   doc: Any = None, finder: _LineFinder | None = None) -> Transcript:
    """LiveChat: ``{"users": [{"id", "type", "name"}], "thread(s)": {"events": [...]}}``.

    A user's ``type`` is ``agent`` or ``customer`` (bots are agents whose type or name says
    bot); ``system_message`` events are system.
    """
    doc = _unwrap(_json(raw, path) if doc is None else doc, path)
    users: dict[str, tuple[str, str]] = {}
    personal: list[str] = []
    for u in _list(doc.get("users")):
        if isinstance(u, Mapping):
            name = _str(u.get("name"))
            role = role_of(_str(u.get("type"))) or "customer"
            if role == "agent" and re.search(r"\bbot\b|chatbot", name, re.I):
                role = "bot"
            users[str(u.get("id"))] = (role, name)
            if role == "customer":
                personal += [s for s in (name, _str(u.get("email"))) if s]
    threads = doc.get("threads")
    if not isinstance(threads, list):
        threads = [doc.get("thread")] if isinstance(doc.get("thread"), Mapping) else []
    if not threads:
        raise TranscriptError(path, "LiveChat export without 'thread' or 'threads'", 1)
    finder = finder or _LineFinder(raw)
    messages = []
    for th in threads:
        if not isinstance(th, Mapping):
            continue
        for ev in _list(th.get("events")):
            if not isinstance(ev, Mapping):
                continue
            text = _str(ev.get("text"))
            if not text:
                continue
            role, name = users.get(str(ev.get("author_id")), ("customer", ""))
            if _str(ev.get("type")) == "system_message" or ev.get("author_id") == "system":
                role, name = "system", ""
            if ev.get("visibility") == "agents":
                role = "system"  # an internal whisper between agents, never shown to the customer
            messages.append(Message(role, name, _timestamp(ev.get("created_at")), text,
                                    finder.line(text)))
    return Transcript(str(doc.get("id") or path.stem), path, tuple(messages), "livechat",
                      tuple(personal))


def parse_intercom(raw: str, path: Path, company_names: Sequence[str] = (), *,
                   doc: Any = None, finder: _LineFinder | None = None) -> Transcript:
    """Intercom conversation: ``source`` (the first message) + ``conversation_parts``.

    Author ``type`` ``admin``/``team`` → agent, ``bot`` → bot, ``user``/``lead``/``contact``
    → customer. Bodies are HTML. ``note`` parts are internal notes no customer saw: system.
    """
    doc = _unwrap(_json(raw, path) if doc is None else doc, path)
    parts_obj = doc.get("conversation_parts")
    parts = parts_obj.get("conversation_parts") if isinstance(parts_obj, Mapping) else parts_obj
    if not isinstance(parts, list) and not isinstance(doc.get("source"), Mapping):
        raise TranscriptError(path, "Intercom export without 'source' or 'conversation_parts'", 1)
    finder = finder or _LineFinder(raw)
    messages: list[Message] = []
    personal: list[str] = []

    def add(part: Mapping[str, Any], default_time: Any = None) -> None:
        body = _str(part.get("body"))
        if not body:
            return
        author = part.get("author") if isinstance(part.get("author"), Mapping) else {}
        role = role_of(_str(author.get("type"))) or "customer"
        if part.get("part_type") in ("note", "assignment", "close", "open") or \
                _str(part.get("type")) == "note":
            role = "system"
        name = _str(author.get("name"))
        if role == "customer":
            personal.extend(s for s in (name, _str(author.get("email"))) if s)
        line = finder.line(body)
        messages.append(Message(role, name, _timestamp(part.get("created_at") or default_time),
                                html_text(body), line))

    if isinstance(doc.get("source"), Mapping):
        add(doc["source"], doc.get("created_at"))
    for p in _list(parts):
        if isinstance(p, Mapping):
            add(p)
    return Transcript(str(doc.get("id") or path.stem), path, tuple(messages), "intercom",
                      tuple(personal))


def parse_zendesk_ticket(doc: Mapping[str, Any], path: Path, line: int | None,
                         company_names: Sequence[str] = ()) -> Transcript:
    """A Zendesk Support ticket with its ``comments`` (the ticket export's objects).

    The requester is the customer; every other author speaks for the company; private
    comments (``public: false``) are internal notes no customer saw. Every message cites the
    ticket's line of the export (one ticket per line in Zendesk's newline-delimited JSON).
    """
    requester = doc.get("requester_id")
    source = doc.get("via", {}).get("source", {}) if isinstance(doc.get("via"), Mapping) else {}
    sender = source.get("from", {}) if isinstance(source, Mapping) else {}
    personal = [s for s in (_str(sender.get("name")), _str(sender.get("address")))
                if s] if isinstance(sender, Mapping) else []
    messages: list[Message] = []
    for c in _list(doc.get("comments")):
        if not isinstance(c, Mapping):
            continue
        text = _str(c.get("plain_body") or c.get("body"))
        if not text.strip():
            continue
        author = c.get("author_id")
        role = "system" if c.get("public") is False else \
            "customer" if author is not None and author == requester else "agent"
        messages.append(Message(role, "",  # the export names authors by id only
                                _timestamp(c.get("created_at")), text.strip(), line))
    return Transcript(str(doc.get("id") or path.stem), path, tuple(messages), "zendesk-tickets",
                      tuple(personal))


def _doc_format(doc: Any) -> str | None:
    """The shape of one parsed conversation object (see :func:`_json_format`)."""
    if isinstance(doc, Mapping) and isinstance(doc.get("comments"), list) and (
            "requester_id" in doc or "via" in doc):
        return "zendesk-tickets"
    return _json_format(doc)


#: A JSON document not parsed yet (None is a parsed ``null``).
_UNPARSED: Any = object()
_NON_SPACE = re.compile(r"\S")


def _text_start(text: str, pos: int = 0) -> int:
    """Where the text after ``pos`` starts, white space skipped (without ``lstrip``, which
    copies a big text)."""
    m = _NON_SPACE.search(text, pos)
    return m.start() if m else len(text)


def split_export(raw: str, path: Path) -> list[tuple[Any, int | None]] | None:
    """The conversations of an export that holds several: Zendesk Chat's incremental export
    and LiveChat's archive (``{"chats": [...]}``), an Intercom list (``{"conversations":
    [...]}``, ``{"tickets": [...]}``), or newline-delimited JSON (Zendesk Support's ticket
    export, one object per line). ``(object, line)`` pairs; None for a single conversation."""
    return _split(raw, path)[0]


def _split(raw: str, path: Path) -> tuple[list[tuple[Any, int | None]] | None, Any]:
    """:func:`split_export`, and the document when it had to be parsed (else
    ``_UNPARSED``), so that a single conversation is not parsed again."""
    start = _text_start(raw)
    if raw.startswith("{", start):
        nl = raw.find("\n", start)
        # A line break with more text after it; the first line a JSON object of its own.
        if nl >= 0 and _NON_SPACE.search(raw, nl) is not None:
            first = raw[start:nl].strip()
            if first.endswith("}"):
                try:
                    json.loads(first)
                except (json.JSONDecodeError, RecursionError):
                    pass
                else:  # newline-delimited JSON: every line an object
                    items = []
                    for n, ln in enumerate(_iter_lines(raw), start=1):
                        if ln.strip():
                            try:
                                items.append((json.loads(ln), n))
                            except (json.JSONDecodeError, RecursionError) as e:
                                raise TranscriptError(path, f"not JSON: {e.msg}", n) from None
                    return items, _UNPARSED
    if not raw.startswith("{", start):
        return None, _UNPARSED
    doc = _json(raw, path)
    if isinstance(doc, Mapping):
        for key in ("chats", "conversations", "tickets"):
            items = doc.get(key)
            if isinstance(items, list) and items and all(isinstance(i, Mapping) for i in items):
                return [(i, None) for i in items], doc
    return None, doc


def parse_export(raw: str, path: Path, fmt: str = "auto",
                 company_names: Iterable[str] = ()) -> list[Transcript]:
    """Every conversation of a transcript file: one for most exports, several for bulk ones
    (:func:`split_export`), each read in its own detected (or the configured) format."""
    names = tuple(n for n in company_names if n)
    items, doc = _split(raw, path) if fmt in ("auto", "zendesk", "livechat", "intercom",
                                              "zendesk-tickets") else (None, _UNPARSED)
    if items is None:
        return [_parse(raw, path, fmt, names, doc)]
    finder = _LineFinder(raw)
    out: list[Transcript] = []
    for item, line in items:
        kind = _doc_format(item) if fmt == "auto" else fmt
        if kind == "zendesk-tickets":
            out.append(parse_zendesk_ticket(item, path, line, names))
        elif kind in ("zendesk", "livechat", "intercom"):
            parser = {"zendesk": parse_zendesk, "livechat": parse_livechat,
                      "intercom": parse_intercom}[kind]
            out.append(parser(raw, path, names, doc=item, finder=finder))
        else:
            raise TranscriptError(path, "unrecognised format: an export of several "
                                        "conversations whose items are of an unknown shape",
                                  line or 1)
    return out


def _text_value(value: Any) -> str:
    """Telegram's ``text``: a string, or a list of strings and ``{"type", "text"}`` entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(p if isinstance(p, str) else _str(p.get("text"))
                       if isinstance(p, Mapping) else "" for p in value)
    return ""


def _first_piece(value: Any) -> str:
    """The first string of a Telegram ``text`` as the file writes it: a text split into
    entities (bold, links, phone numbers) is never one string in the file, its first piece
    is, on the message's own line."""
    if isinstance(value, str):
        return value
    for p in _list(value):
        piece = p if isinstance(p, str) else _str(p.get("text")) if isinstance(p, Mapping) else ""
        if piece.strip():
            return piece
    return ""


def parse_telegram(raw: str, path: Path, company_names: Sequence[str] = (), *,
                   doc: Any = None) -> Transcript:
    """Telegram Desktop's ``result.json``: ``messages`` with ``from``, ``date`` and ``text``.

    Telegram has no roles: an author whose name contains the brand or a configured agent
    name is the company, everyone else a customer; service messages are system.
    """
    doc = _json(raw, path) if doc is None else doc
    if not isinstance(doc, Mapping) or not isinstance(doc.get("messages"), list):
        raise TranscriptError(path, "Telegram export without a 'messages' list", 1)
    finder = _LineFinder(raw)
    messages: list[Message] = []
    personal: list[str] = []
    for m in doc["messages"]:
        if not isinstance(m, Mapping):
            continue
        text = _text_value(m.get("text"))
        if not text.strip():
            continue
        name = _str(m.get("from") or m.get("actor"))
        if _str(m.get("type")) != "message":
            role = "system"
        elif _company(name, company_names):
            role = "bot" if re.search(r"bot\b", name, re.I) else "agent"
        else:
            role = "customer"
            if name:
                personal.append(name)
        line = finder.line(_first_piece(m.get("text")))
        messages.append(Message(role, name, _str(m.get("date")) or None, text, line))
    if isinstance(doc.get("name"), str) and doc["name"] not in personal and not _company(
            doc["name"], company_names):
        personal.append(doc["name"])
    return Transcript(str(doc.get("id") or path.parent.name or path.stem), path,
                      tuple(messages), "telegram", tuple(dict.fromkeys(personal)))


def _meta_text(value: Any) -> str:
    """Meta's exports write UTF-8 bytes as Latin-1 code points ("Zo\u00c3\u00ab" is "Zoë")."""
    text = _str(value)
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def parse_instagram(raw: str, path: Path, company_names: Sequence[str] = (), *,
                    doc: Any = None) -> Transcript:
    """Instagram / Messenger ``message_1.json``: ``participants`` and ``messages`` (newest
    first in the file; read oldest first). The company is the participant named like the
    brand or a configured agent; the others are customers."""
    doc = _json(raw, path) if doc is None else doc
    if not isinstance(doc, Mapping) or not isinstance(doc.get("messages"), list):
        raise TranscriptError(path, "Instagram/Messenger export without a 'messages' list", 1)
    finder_lines: dict[int, int | None] = {}
    finder = _LineFinder(raw)
    raw_messages = [m for m in doc["messages"] if isinstance(m, Mapping)]
    for i, m in enumerate(raw_messages):  # file order, so repeated texts keep their lines
        finder_lines[i] = finder.line(_str(m.get("content")))
    people = [_meta_text(p.get("name")) for p in _list(doc.get("participants"))
              if isinstance(p, Mapping)]
    def sent(i: int) -> tuple[int, int]:
        # The file is newest first: messages sent in the same millisecond (or without a
        # time) are read in reverse file order too.
        ts = raw_messages[i].get("timestamp_ms")
        return (ts if isinstance(ts, int) and not isinstance(ts, bool) else 0, -i)

    order = sorted(range(len(raw_messages)), key=sent)
    messages: list[Message] = []
    for i in order:
        m = raw_messages[i]
        text = _meta_text(m.get("content"))
        if not text.strip():
            continue
        name = _meta_text(m.get("sender_name"))
        role = ("agent" if _company(name, company_names) else "customer")
        messages.append(Message(role, name, _timestamp(m.get("timestamp_ms")), text,
                                finder_lines[i]))
    personal = tuple(p for p in people if p and not _company(p, company_names))
    return Transcript(_str(doc.get("thread_path")) or path.parent.name or path.stem, path,
                      tuple(messages), "instagram", personal)


_HEADER_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z-]{0,40}):\s?(?P<value>.*)$")


def parse_email(raw: str, path: Path, company_names: Sequence[str] = ()) -> Transcript:
    """A chat transcript e-mailed by a live-chat tool (Zendesk Chat, LiveChat, Tidio …).

    The message is read with the standard library's e-mail parser (MIME, quoted-printable,
    charsets); its plain-text body is a chat log. A "Visitor:" (or "Customer:", "Name:")
    line above the log names the customer, so every other speaker is the company even
    when agents sign with first names only; the visitor's name and e-mail are masked.
    """
    import email
    from email import policy

    try:
        # From bytes: an 8bit body is decoded by its declared charset ("£" stays "£"); from
        # a str the parser would lose every non-ASCII character of it.
        msg = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"),
                                       policy=policy.default)
    except Exception as e:  # noqa: BLE001 - the e-mail parser on untrusted input
        raise TranscriptError(path, f"not a readable e-mail: {e}", 1) from None
    part = msg.get_body(preferencelist=("plain",)) if msg.is_multipart() else msg
    if part is None:
        raise TranscriptError(path, "e-mail without a plain-text body", 1)
    try:
        body = part.get_content()
    except (LookupError, ValueError, AttributeError):
        body = part.get_payload(decode=True)
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    if not isinstance(body, str):
        raise TranscriptError(path, "e-mail without a plain-text body", 1)
    visitors: list[str] = []
    for line in body.splitlines()[:40]:
        h = _HEADER_RE.match(line.strip())
        if h and role_of(h.group("key")) == "customer" or h and h.group("key").lower() in (
                "name", "email", "e-mail", "phone"):
            value = h.group("value").strip()
            if value:
                visitors.append(value)
    file_lines = _body_lines(raw, part)
    try:
        t = parse_text_log(body, path, company_names, visitors, file_lines=file_lines)
    except TranscriptError:
        # No chat log in it: a support e-mail, the sender's text above the replies it quotes.
        return _support_email(msg, body, path, company_names, file_lines)
    return Transcript(str(msg.get("X-Zopim-Chat-Id") or msg.get("Message-ID") or path.stem),
                      path, t.messages, "email", tuple(visitors))


#: "Am 26.11.2026 um 10:41 schrieb Anna <a@b.at>:", "On Tue, 3 Nov 2026, Dan <d@e> wrote:",
#: "Le 3 nov. 2026 à 10:41, Anna a écrit :": the line that opens a quoted earlier message.
_ATTRIBUTION_RE = re.compile(
    r"^(?:(?P<lead>am|on|le|el|den|på|op|il)\b.{0,160}?\b"
    r"(?P<verb>schrieb|wrote|a\s+écrit|escribió|skrev|kirjoitti|schreef|ha\s+scritto)\b"
    r"(?P<rest>.{0,160}?)|(?P<who>.{1,80}?)\s+kirjoitti\b.{0,80}?)\s*:\s*$", re.IGNORECASE)
#: Outlook's header block before a forwarded or replied-to message.
_ORIGINAL_RE = re.compile(r"^-{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|"
                          r"message\s+d'origine|mensaje\s+original|opprinnelig\s+melding|"
                          r"ursprungligt\s+meddelande|alkuperäinen\s+viesti)\s*-{2,}\s*$",
                          re.IGNORECASE)
_ADDRESS_RE = re.compile(r"<[^<>\s]+@[^<>\s]+>|\S+@\S+")


def _attributed(m: re.Match[str]) -> str:
    """Who wrote the quoted message an attribution line opens."""
    if m.group("who"):
        who = m.group("who")
    elif m.group("verb").lower() in ("schrieb", "skrev", "schreef", "escribió") and \
            _ADDRESS_RE.sub("", m.group("rest") or "").strip():
        who = m.group("rest")  # "… schrieb Anna Muster <a@b.at>"
    else:
        head = m.group(0)[:m.start("verb")]
        who = head.rsplit(",", 1)[-1]  # "On Tue, 3 Nov 2026, Dan Smith <d@e> wrote"
    return " ".join(_ADDRESS_RE.sub("", who).split()).strip(" ,\"'")


def _support_email(msg: Any, body: str, path: Path, company_names: Sequence[str],
                   file_lines: list[int | None] | None) -> Transcript:
    """A support e-mail: the sender's text, then the earlier messages it quotes (an
    attribution line, "> " quoting, or an Outlook "Original Message" block), oldest first.

    Who speaks for the company is decided as for chats without roles: a name containing
    one of ``company_names``. Signatures (after "-- ") are left out; the customers' names
    and addresses are personal data.
    """
    from email.utils import getaddresses, parsedate_to_datetime

    sender = getaddresses([str(msg.get("From") or "")])
    name, address = sender[0] if sender else ("", "")
    try:
        sent = parsedate_to_datetime(str(msg.get("Date"))).isoformat() if msg.get("Date") \
            else None
    except (TypeError, ValueError):
        sent = None
    lines = body.splitlines()
    numbered = [(text, (file_lines[i] if file_lines and i < len(file_lines) else None))
                for i, text in enumerate(lines)]
    personal: list[str] = []
    messages = _email_messages(numbered, name or address, sent, company_names, personal)
    if not _company(f"{name} {address}", company_names):
        personal += [s for s in (name, address) if s]
    else:  # the company wrote: whom it wrote to are customers
        for n, a in getaddresses([str(msg.get(h) or "") for h in ("To", "Cc")]):
            if not _company(f"{n} {a}", company_names):
                personal += [s for s in (n, a) if s]
    if not messages:
        raise TranscriptError(path, "e-mail without any message text", 1)
    return Transcript(str(msg.get("Message-ID") or path.stem), path, tuple(messages), "email",
                      tuple(dict.fromkeys(p for p in personal if p)))


def _unquote(line: str) -> str:
    """A quoted line without its first "> " level."""
    q = line.lstrip()[1:]
    return q[1:] if q[:1] == " " else q


def _email_messages(lines: list[tuple[str, int | None]], speaker: str, sent: str | None,
                    company_names: Sequence[str], personal: list[str]) -> list[Message]:
    """One e-mail's text and, before it, the messages it quotes (recursively)."""
    own: list[tuple[str, int | None]] = []
    earlier: list[Message] = []
    signature = False
    i = 0
    while i < len(lines):
        text, line = lines[i]
        bare = text.strip()
        m = _ATTRIBUTION_RE.match(bare)
        if m or _ORIGINAL_RE.match(bare) or bare.startswith(">"):
            i += 1 if m or not bare.startswith(">") else 0
            rest = lines[i:]
            nxt = next((t for t, _ in rest if t.strip()), "")
            if m:
                who = _attributed(m)
            elif not bare.startswith(">"):  # Outlook: "From:"/"Von:" header lines first
                who = ""
                while rest and _HEADER_RE.match(rest[0][0].strip()):
                    h = _HEADER_RE.match(rest[0][0].strip())
                    if h and h.group("key").lower() in ("from", "von", "de", "från", "fra",
                                                       "lähettäjä"):
                        who = " ".join(_ADDRESS_RE.sub("", h.group("value")).split())
                    rest, i = rest[1:], i + 1
            else:
                who = ""
            if (m or bare.startswith(">")) and nxt.lstrip().startswith(">"):
                # "> "-quoted lines (and blank ones between them) are the quoted message.
                quoted = []
                while i < len(lines) and (lines[i][0].lstrip().startswith(">")
                                          or (m and not lines[i][0].strip())):
                    quoted.append((_unquote(lines[i][0]), lines[i][1]))
                    i += 1
            else:
                # Quoted one level up already ("> Am … schrieb …:" then "> text"), or an
                # Outlook block: everything after is that message.
                quoted, i = list(lines[i:]), len(lines)
            earlier = _email_messages(quoted, who, None, company_names, personal) + earlier
            continue
        if bare == "--":
            signature = True
        elif not signature:
            own.append((text, line))
        i += 1
    role = "agent" if _company(speaker, company_names) else "customer"
    if role == "customer" and speaker:
        personal.append(speaker)
    body = "\n".join(t for t, _ in own).strip()
    if not body:
        return earlier
    first = next((ln for t, ln in own if t.strip()), None)
    return [*earlier, Message(role, speaker or role, sent, body, first)]


def _body_lines(raw: str, part: Any) -> list[int | None] | None:
    """File line of each line of a part's decoded text, so evidence cites the .eml itself.

    The encoded payload is found in the file (CRLF or LF); a quoted-printable soft break
    ("=" at the end of a line) joins two file lines into one decoded line. A base64 body has
    no such correspondence: its messages carry no line.
    """
    text = raw.replace("\r\n", "\n")
    payload = str(part.get_payload()).replace("\r\n", "\n")
    probe = payload.lstrip("\n")[:200]
    at = text.find(probe) if probe else -1
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "base64":
        return [None] * (payload.count("\n") + 1)
    out: list[int | None] = []
    start = line
    for n, encoded in enumerate(payload.lstrip("\n").split("\n"), start=line):
        if encoding == "quoted-printable" and encoded.endswith("="):
            continue  # a soft break: the decoded line goes on in the next file line
        out.append(start)
        start = n + 1
    return out


# --- detection --------------------------------------------------------------------------

Parser = Callable[[str, Path, Sequence[str]], Transcript]
PARSERS: Mapping[str, Parser] = {
    "omniaudit": parse_omniaudit, "csv": parse_csv, "text": parse_text_log,
    "whatsapp": parse_whatsapp, "zendesk": parse_zendesk, "livechat": parse_livechat,
    "intercom": parse_intercom, "telegram": parse_telegram, "instagram": parse_instagram,
    "email": parse_email,
    "zendesk-tickets": lambda raw, path, names=(): parse_zendesk_ticket(
        _unwrap(_json(raw, path), path), path, 1, names),
}


def _json_format(raw: Any) -> str | None:
    """Which JSON shape a document (text, or already parsed) has, from its structure — never
    a guess: a JSON file of some other tool is "unrecognised", not read as one of ours."""
    if isinstance(raw, str):
        try:
            doc = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            return None
    else:
        doc = raw
    if isinstance(doc, list) and len(doc) == 1:
        doc = doc[0]
    if not isinstance(doc, Mapping):
        return None
    inner = doc.get("chat") if isinstance(doc.get("chat"), Mapping) else \
        doc.get("conversation") if isinstance(doc.get("conversation"), Mapping) else doc
    messages = doc.get("messages")
    items = [m for m in messages if isinstance(m, Mapping)][:20] if isinstance(messages,
                                                                             list) else []
    if doc.get("format") == FORMAT_ID or (
            items and all(isinstance(m.get("role"), str) and "text" in m for m in items)):
        return "omniaudit"
    if items and all("sender_name" in m and ("timestamp_ms" in m or "content" in m)
                     for m in items):
        return "instagram"
    if items and all("date" in m and "type" in m and ("from" in m or "actor" in m
                                                        or m.get("type") == "service")
                     for m in items):
        return "telegram"
    if isinstance(inner, Mapping):
        if "conversation_parts" in inner or (inner.get("type") == "conversation"
                                             and isinstance(inner.get("source"), Mapping)):
            return "intercom"
        if isinstance(inner.get("history"), list):
            return "zendesk"
        if ("thread" in inner or "threads" in inner) and isinstance(inner.get("users"), list):
            return "livechat"
    return None


_EMAIL_HEADERS = ("from:", "to:", "subject:", "date:", "message-id:", "mime-version:",
                  "content-type:", "return-path:", "received:")


def _looks_like_email(lines: Sequence[str]) -> bool:
    """An RFC 822 message: header lines, several of them the usual ones."""
    known = sum(ln.lower().startswith(_EMAIL_HEADERS) for ln in lines[:15])
    return known >= 3 and all(_HEADER_RE.match(ln) or ln[:1] in " \t" for ln in lines[:3])


def detect_format(raw: str) -> str | None:
    """The format of a transcript's text, or None when it is none of :data:`FORMATS`.

    Line formats are tried first: an iOS WhatsApp export and a plain log both start with
    "[", like a JSON array.
    """
    return _detect(raw, _UNPARSED)


def _detect(raw: str, doc: Any) -> str | None:
    """:func:`detect_format`, with the document when it is parsed already."""
    kind = _detect_head(_head_lines(raw, PREAMBLE_LINES, _text_start(raw)))
    if kind != "json":
        return kind
    return _json_format(raw) if doc is _UNPARSED else _json_format(doc)


#: Lines a format is detected from: the first DETECT_LINES decide, and a line format may
#: start after a preamble within the first PREAMBLE_LINES (:func:`_after_preamble`).
DETECT_LINES = 20
PREAMBLE_LINES = 60


def _detect_head(head: Sequence[str]) -> str | None:
    """The format a text's first lines say (``text.lstrip().splitlines()[:60]``): one of
    :data:`FORMATS`, ``"json"`` when the text starts like JSON (which shape it has needs
    the whole document), or None."""
    lines = [ln for ln in head[:DETECT_LINES] if ln.strip()]
    if not lines:
        return None
    if _looks_like_email(lines):
        return "email"
    if sum(bool(WHATSAPP_LINE_RE.match(ln)) for ln in lines) >= max(1, len(lines) // 3):
        return "whatsapp"
    if sum(bool(TEXT_LINE_RE.match(ln)) for ln in lines) >= max(1, len(lines) // 3):
        return "text"
    if head[0].startswith(("{", "[")):
        return "json"
    cells = [_column_key(c.strip().strip('"')) for c in re.split(r"[,;\t]", lines[0])]
    if len(cells) >= 2 and any(c in _CSV_TEXT for c in cells):
        return "csv"
    return _after_preamble(head)


def _after_preamble(head: Sequence[str]) -> str | None:
    """A line format whose first line comes after a preamble: a chat tool's e-mail copy of
    a chat saved as text starts with the e-mail's header lines, a greeting and the chat's
    id block. From the first line in the layout on, at least three lines and a third of
    the non-blank lines must be in it."""
    lines = [ln for ln in head if ln.strip()]
    for kind, layout in (("whatsapp", WHATSAPP_LINE_RE), ("text", TEXT_LINE_RE)):
        first = next((i for i, ln in enumerate(lines) if layout.match(ln)), None)
        if first is None:
            continue
        hits = sum(bool(layout.match(ln)) for ln in lines[first:])
        if hits >= 3 and hits >= len(lines[first:]) // 3:
            return kind
    return None


#: Formats whose parser takes the parsed document (``doc=``).
_JSON_PARSERS = frozenset({"omniaudit", "zendesk", "livechat", "intercom", "telegram",
                           "instagram"})


def parse_transcript(raw: str, path: Path, fmt: str = "auto",
                     company_names: Iterable[str] = ()) -> Transcript:
    """Parse a transcript's text in ``fmt`` (or the detected format)."""
    return _parse(raw, path, fmt, tuple(n for n in company_names if n), _UNPARSED)


def _parse(raw: str, path: Path, fmt: str, names: tuple[str, ...], doc: Any) -> Transcript:
    """:func:`parse_transcript`, with the document when it is parsed already: a big JSON
    file is parsed once, not once to split, once to detect and once to read."""
    if fmt == "auto":
        detected = _detect(raw, doc)
        if detected is None and raw.startswith(("{", "["), _text_start(raw)):
            if doc is _UNPARSED:
                _json(raw, path)  # broken JSON is reported as such, with its line
            raise TranscriptError(path, "unrecognised format: JSON of an unknown shape; "
                                        "expected the omniaudit, Zendesk Chat, LiveChat, "
                                        "Intercom, Telegram or Instagram/Messenger shape "
                                        "(docs/transcripts.md)", 1)
        if detected is None:
            raise TranscriptError(path, "unrecognised transcript format; expected one of "
                                        f"{', '.join(FORMATS)} (docs/transcripts.md)", 1)
        fmt = detected
    parser = PARSERS.get(fmt)
    if parser is None:
        raise TranscriptError(path, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if doc is not _UNPARSED and fmt in _JSON_PARSERS:
        return parser(raw, path, names, doc=doc)  # type: ignore[call-arg]
    return parser(raw, path, names)
