import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from auditor.capture.transcripts import (
    TranscriptError,
    capture_transcripts_channel,
    load_transcript,
    mask_pii,
    observations_from_transcript,
)
from auditor.config import SubjectConfig, parse_config
from auditor.matching import Matcher

SUBJECTS = [SubjectConfig(id="mbb-100", name="Mobiililaajakaista 100M",
                          aliases=["Mobiililaajakaista 100"]),
            SubjectConfig(id="fiber-1000", name="Kuitu 1000M", aliases=["Kuitu 1000"])]


def write_chat(path: Path, messages: list[dict]) -> Path:
    lines = ['{"format": "omniaudit-transcript/1", "id": "t1", "messages": [']
    lines += [json.dumps(m, ensure_ascii=False) + ("," if i < len(messages) - 1 else "")
              for i, m in enumerate(messages)]
    lines += ["]}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def msg(role, name, text):
    return {"role": role, "name": name, "timestamp": "2026-11-16T10:01:00+02:00", "text": text}


@pytest.fixture
def chat(tmp_path):
    return write_chat(tmp_path / "chat.json", [
        msg("bot", "Nordtel-botti", "Hei! Miten voin auttaa?"),
        msg("customer", "Matti Virtanen",
            "Kiinnostaa Mobiililaajakaista 100. Eikö se ollut 19,90 €/kk? matti.v@example.com, "
            "puh. 040 123 4567"),
        msg("agent", "Anna", "Hei Matti! Sen kuukausihinta on 24,90 €/kk."),
        msg("customer", "Matti Virtanen", "Kuuluuko modeemi hintaan?"),
        msg("agent", "Anna",
            "Modeemi sisältyy. Avausmaksu on 4,90 €. Kiitos kun valitsit Nortelin!"),
        msg("customer", "Matti Virtanen", "Entä Kuitu 1000?"),
        msg("agent", "Anna", "Kuitu 1000M on 59,90 €/kk, ei avausmaksua."),
    ])


def test_claims_are_attributed_across_turns_and_customer_lines_ignored(chat):
    t = load_transcript(chat)
    assert [m.line for m in t.messages] == [2, 3, 4, 5, 6, 7, 8]
    captured = observations_from_transcript(t, channel="chat", source="chats/chat.json",
                                            brand="Nordtel")
    # Capture leaves the offer to matching, with the conversation so far as context.
    assert {o.subject for o in captured if o.attribute != "brand_name"} == {None}
    obs = Matcher(SUBJECTS).match_observations(captured)
    facts = {(o.subject, o.attribute, o.value, o.evidence.line) for o in obs
             if o.attribute != "brand_name"}
    assert facts == {
        ("mbb-100", "monthly_price", Decimal("24.90"), 4),
        ("mbb-100", "activation_fee", Decimal("4.90"), 6),
        ("fiber-1000", "monthly_price", Decimal("59.90"), 8),
        ("fiber-1000", "activation_fee", Decimal("0"), 8),
    }
    # The customer's wrong price (19,90) is a question, not a company claim.
    assert not any(o.value == Decimal("19.90") for o in obs)
    fee = next(o for o in obs if o.attribute == "activation_fee" and o.subject == "mbb-100")
    assert "offer under discussion" in fee.match and fee.evidence.speaker == "agent: Anna"
    # The speaker label "Nordtel-botti" is a (correct) brand mention; the agent misspells it.
    brand = [(o.value, o.text) for o in obs if o.attribute == "brand_name"]
    assert brand == [("Nordtel", "speaker: Nordtel-botti"),
                     ("Nortel", "Modeemi sisältyy. Avausmaksu on 4,90 €. Kiitos kun valitsit "
                                "Nortelin!")]


def test_personal_data_is_masked_before_it_is_stored(chat):
    obs = observations_from_transcript(load_transcript(chat), channel="chat", source="c")
    texts = " ".join(o.text for o in obs)
    assert "Matti" not in texts and "[customer]" in texts
    assert mask_pii("Soita 040 123 4567 tai +358 40 765 4321, maili a.b@c.fi") == \
        "Soita [phone] tai [phone], maili [email]"
    # Prices, speeds and data amounts are not phone numbers.
    assert mask_pii("24,90 €/kk, 1000 Mbit/s, 50 Gt") == "24,90 €/kk, 1000 Mbit/s, 50 Gt"
    assert mask_pii("Kiitos Matille ja Virtaselle", ["Matti Virtanen"]) == \
        "Kiitos [customer] ja [customer]"


def test_broken_transcripts_are_errors_naming_file_and_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"messages": [\n {"role": "agent", "text": "x"},\n'
                   ' {"role": "agent" "text"}\n]}',
                   encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"bad.json:3: not valid JSON"):
        load_transcript(bad)
    role = write_chat(tmp_path / "role.json", [msg("agent", "A", "x"), msg("robot", "R", "y")])
    with pytest.raises(TranscriptError, match=r"role.json:3: message 2 has unknown role 'robot'"):
        load_transcript(role)


def test_channel_records_failed_files_and_reads_the_rest(tmp_path, chat):
    (tmp_path / "broken.json").write_text("{nope", encoding="utf-8")
    (tmp_path / "latin1.json").write_bytes('{"messages": [{"text": "hintä"}]}'.encode("latin-1"))
    cfg = parse_config(
        f"name: t\nchannels:\n  chat:\n    kind: transcripts\n    path: {tmp_path}\n")
    result = capture_transcripts_channel("chat", cfg.channels["chat"], cfg)
    assert result.pages_ok == 1 and result.pages_failed == 2
    reasons = {Path(e.target).name: e.reason for e in result.errors}
    assert reasons["broken.json"].startswith("line 1: not valid JSON")
    assert "not UTF-8" in reasons["latin1.json"]
    assert not result.complete


@pytest.mark.timeout(120)  # a hang guard, not a speed assertion: quadratic regexes never finish
@pytest.mark.parametrize("filler", ["a", "1", "a.", "1 ", "x@", "+3"])
def test_masking_survives_megabyte_strings_of_hostile_text(filler):
    text = filler * (1_000_000 // len(filler)) + " matti.v@example.com 040 123 4567"
    masked = mask_pii(text, ["Matti Virtanen"])
    assert masked.endswith(" [email] [phone]")
    assert len(masked) < len(text)


# --- transcripts at scale: size limit, progress, streaming ------------------------------

WA_LINE = ("12/04/2026, 10:{m:02d} - {who}: {text}\n")


def whatsapp_chat(path: Path, turns: int) -> Path:
    """A WhatsApp export of ``turns`` question/answer pairs (two messages each)."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(turns):
            f.write(WA_LINE.format(m=i % 60, who="Pekka Nieminen",
                                   text="Paljonko Kuitu 1000 maksaa?"))
            f.write(WA_LINE.format(m=i % 60, who="Valo Asiakaspalvelu",
                                   text=f"Hei Pekka! Kuitu 1000M on {i % 50 + 10},90 €/kk."))
    return path


def transcripts_config(folder: Path, extra: str = ""):
    return parse_config(f"name: t\nbrand:\n  name: Valo\nchannels:\n  chat:\n"
                        f"    kind: transcripts\n    path: {folder}\n    pattern: '*'\n{extra}")


def test_a_file_over_max_file_mb_is_an_error_naming_it_and_is_not_read(tmp_path, monkeypatch):
    import auditor.capture.transcripts as transcripts

    whatsapp_chat(tmp_path / "small.txt", 2)
    big = whatsapp_chat(tmp_path / "big.txt", 40)  # about 4 KB
    size_mb = big.stat().st_size / 1024 / 1024
    opened: list[str] = []
    real = transcripts.open_transcripts
    monkeypatch.setattr(transcripts, "open_transcripts",
                        lambda path, *a, **k: opened.append(path.name) or real(path, *a, **k))
    cfg = transcripts_config(tmp_path, "    max_file_mb: 0.002\n")
    result = capture_transcripts_channel("chat", cfg.channels["chat"], cfg)
    assert opened == ["small.txt"]  # the big file is never opened
    assert result.pages_ok == 1 and result.pages_failed == 1 and not result.complete
    [error] = result.errors
    assert error.channel == "chat" and Path(error.target).name == "big.txt"
    assert f"{size_mb:.1f} MB" in error.reason and f"({big.stat().st_size:,} bytes)" in error.reason
    assert "0.002 MB" in error.reason and "max_file_mb" in error.reason
    assert {o.evidence.transcript for o in result.observations} == {f"{tmp_path.name}/small.txt"}


def test_progress_is_reported_and_its_last_line_counts_every_file(tmp_path):
    for n in range(3):
        whatsapp_chat(tmp_path / f"chat-{n}.txt", 5)
    (tmp_path / "broken.json").write_text("{nope", encoding="utf-8")
    total_mb = sum(p.stat().st_size for p in tmp_path.iterdir() if p.suffix == ".txt") / 2**20
    lines: list[str] = []
    cfg = transcripts_config(tmp_path)
    result = capture_transcripts_channel("chat", cfg.channels["chat"], cfg,
                                         progress=lines.append)
    assert result.pages_ok == 3 and result.pages_failed == 1
    assert lines and lines[-1] == f"chat: 4/4 files, {total_mb:.1f} MB read, 1 failed"
    # Without a callback nothing is reported and nothing breaks (the pipeline's call).
    assert capture_transcripts_channel("chat", cfg.channels["chat"], cfg).observations == \
        result.observations


def test_progress_lines_come_while_a_big_file_is_read(tmp_path, monkeypatch):
    import auditor.capture.transcripts as transcripts
    from auditor.capture.transcript_formats import TextFile

    monkeypatch.setattr(transcripts, "PROGRESS_EVERY", 0.0)  # every chance, not by the clock
    monkeypatch.setattr(TextFile, "BLOCK", 4096)  # the file is read in several blocks
    whatsapp_chat(tmp_path / "big.txt", 1000)
    lines: list[str] = []
    cfg = transcripts_config(tmp_path)
    capture_transcripts_channel("chat", cfg.channels["chat"], cfg, progress=lines.append)
    during = [ln for ln in lines if ln.startswith("chat: 0/1 files")]
    assert len(during) >= 4  # one every 256 messages of the 2,000
    read = [float(ln.split(", ")[1].split()[0]) for ln in during]
    assert read == sorted(read) and read[-1] > read[0]
    assert lines[-1].startswith("chat: 1/1 files")


def test_a_stop_request_ends_reading_mid_file_and_keeps_the_files_read(tmp_path, monkeypatch):
    """Ctrl-C while a channel is read: the file being read stops within 256 messages, the
    files read before it are kept, and every file not read is an error saying why."""
    import auditor.capture.transcripts as transcripts
    from auditor import interrupt

    monkeypatch.setattr(transcripts, "PROGRESS_EVERY", 0.0)
    for n in range(2):
        whatsapp_chat(tmp_path / f"a-{n}.txt", 5)
    whatsapp_chat(tmp_path / "b-big.txt", 2000)  # 4,000 messages
    whatsapp_chat(tmp_path / "c-later.txt", 5)
    cfg = transcripts_config(tmp_path)
    whole = capture_transcripts_channel("chat", cfg.channels["chat"], cfg)
    assert whole.pages_ok == 4 and not whole.errors

    seen: list[str] = []

    def stop_in_big_file(line: str) -> None:
        seen.append(line)
        # The first line with two files done is shown between files, the second one
        # while the big file is being read.
        if sum(ln.startswith("chat: 2/4 files") for ln in seen) == 2:
            interrupt.request()  # what the SIGINT handler does

    read_before: list[str] = []
    real = transcripts.read_transcript_file
    monkeypatch.setattr(transcripts, "read_transcript_file",
                        lambda unit, shown=None: read_before.append(unit.source)
                        or real(unit, shown))
    try:
        result = capture_transcripts_channel("chat", cfg.channels["chat"], cfg,
                                             progress=stop_in_big_file)
    finally:
        interrupt.reset()
    names = [f"{tmp_path.name}/{n}" for n in ("a-0.txt", "a-1.txt", "b-big.txt",
                                                "c-later.txt")]
    assert result.visited == tuple(names[:2])
    assert [(e.target, e.reason) for e in result.errors] == [
        (names[2], "not read: the run was interrupted"),
        (names[3], "not read: the run was interrupted")]
    assert read_before == names[:3]  # the last file is not even opened
    assert result.observations == tuple(o for o in whole.observations
                                        if o.evidence.transcript in names[:2])
    assert result.observations and not result.complete


def test_a_run_shows_transcript_progress_like_web_channels(tmp_path):
    from auditor.pipeline import capture_channels

    chats = tmp_path / "chats"
    chats.mkdir()
    whatsapp_chat(chats / "chat.txt", 5)
    size_mb = (chats / "chat.txt").stat().st_size / 2**20
    cfg = transcripts_config(chats)
    lines: list[str] = []
    results = capture_channels(cfg, tmp_path / "out", progress=lines.append)
    # The channel's own progress (files and megabytes read), then the pipeline's summary.
    assert f"chat: 1/1 files, {size_mb:.1f} MB read" in lines
    assert lines[-1] == f"chat: 1 transcripts read, 0 failed, " \
                        f"{len(results['chat'].observations)} observations"
    assert lines.index(f"chat: 1/1 files, {size_mb:.1f} MB read") < len(lines) - 1


def test_a_huge_file_of_valid_lines_is_read_to_the_end(tmp_path):
    from auditor.capture.transcripts import open_transcripts

    path = whatsapp_chat(tmp_path / "huge.txt", 20_000)  # 40,000 messages, ~3 MB
    # A message wrapped over many lines is one message, joined once (not line by line).
    with path.open("a", encoding="utf-8") as f:
        f.write("12/04/2026, 11:00 - Valo Asiakaspalvelu: Ehdot:\n")
        f.write("rivi\n" * 50_000)
    [stream] = open_transcripts(path, "auto", ["Valo"])
    assert stream.format == "whatsapp" and stream.count == 40_001
    assert stream.customers == ("Pekka Nieminen",)
    count, last = 0, None
    for message in stream.messages():  # one at a time: nothing keeps them all
        count, last = count + 1, message
    assert count == 40_001
    assert last is not None and last.line == 40_001 and last.text.count("\n") == 50_000


@pytest.mark.parametrize("block", [5, 1 << 20])
def test_a_file_that_stops_being_utf8_halfway_gives_no_observations(tmp_path, monkeypatch,
                                                                     block):
    from auditor.capture.transcript_formats import TextFile

    monkeypatch.setattr(TextFile, "BLOCK", block)
    path = whatsapp_chat(tmp_path / "chat.txt", 50)
    good = path.stat().st_size
    with path.open("ab") as f:
        f.write(b"12/04/2026, 11:00 - Valo Asiakaspalvelu: 9,90 \xe2\x82 \xff\n")
    cfg = transcripts_config(tmp_path)
    result = capture_transcripts_channel("chat", cfg.channels["chat"], cfg)
    assert result.observations == () and result.pages_failed == 1
    # The byte is counted in the whole file, as when the file was decoded at once.
    assert result.errors[0].reason == f"not UTF-8 text (byte {good + 46})"
    with pytest.raises(TranscriptError, match=rf"not UTF-8 text \(byte {good + 46}\)"):
        load_transcript(path)


# --- shortcuts of reading chats at scale: they skip work, never change what is found ------

PHONE_CANDIDATES = [
    # Order, invoice and ticket numbers, as agents write them in chats.
    "4817263", "1234567", "9951234", "0011612", "3581234567", "4401234567", "12 345 678",
    # Real numbers in the notations of the regions the language files name.
    "040 123 4567", "010 123 4567", "09 8765 4321", "(212) 555-0142", "020 7946 0958",
    "07700 900123", "01 49 52 99 70", "481 22 907", "22 86 77 00", "030 1234567",
    "0664 1234567", "044 668 18 00", "02 123 45 67", "91 123 45 67", "55 1234 5678",
    "(02) 9876 5432", "0412 345 678", "08-123 456 78", "01 234 5678",
    "+33 1 49 52 99 70", "+47 481 22 907", "+358 40 123 4567", "00358 40 123 4567",
]


def _phone_numbers_asking_every_region(candidate: str) -> list[tuple[int, int]]:
    """What libphonenumber finds with no region screened out (the reading before screens)."""
    import phonenumbers

    from auditor.capture.transcripts import _phone_regions

    found: list[tuple[int, int]] = []
    for region in _phone_regions():
        for m in phonenumbers.PhoneNumberMatcher(candidate, region,
                                                 leniency=phonenumbers.Leniency.VALID):
            if sum(c.isdigit() for c in m.raw_string) >= 7:
                found.append((m.start, m.end))
        if any(a <= 0 and b >= len(candidate) for a, b in found):
            break
    return found


@pytest.mark.parametrize("candidate", PHONE_CANDIDATES)
def test_screened_phone_lookups_mask_what_asking_every_region_masks(candidate, monkeypatch):
    import auditor.capture.transcripts as transcripts

    text = f"Tilaus {candidate} vahvistettu, soita {candidate} tarvittaessa."
    screened = mask_pii(text)
    monkeypatch.setattr(transcripts, "_phone_numbers_in", _phone_numbers_asking_every_region)
    assert mask_pii(text) == screened


def test_an_order_number_is_not_asked_about_in_every_region():
    from auditor.capture.transcripts import _may_hold_number, _phone_screens

    asked = [r for r, screen in _phone_screens()
             if screen is None or _may_hold_number("4817263", screen)]
    # A 7-digit number can be a local number in few of the 14 regions; a "+" opens them all.
    assert "US" not in asked and "GB" not in asked and "FR" not in asked
    assert 0 < len(asked) < len(_phone_screens()) // 2


def test_gated_patterns_find_the_same_facts_in_the_labelled_corpus(monkeypatch):
    import csv

    from auditor.extract import text as extract

    with (Path(__file__).parents[2] / "corpus" / "money.tsv").open(encoding="utf-8") as f:
        texts = [row[1] for row in csv.reader(f, delimiter="\t") if len(row) > 1][1:]
    texts += ["Tilauksesi 4817263 on vahvistettu: Kuitu 100M 29,90 €/kk, avausmaksu 4,90 €.",
              "Nyt kampanjassa Kuitu 300M 6 kk 0 €/kk, sen jälkeen 39,90 €/kk.\n"
              "Tarjous on voimassa 31.12. asti.", "Sopimus on 24 kk määräaikainen.",
              "ILMAINEN TOIMITUS", "Hinta: ilmainen", "Frakt 0 kr, ſamma dag"]
    today = date(2026, 11, 29)
    gated = [extract._extract_cached.__wrapped__(t, today, (), "EUR", False) for t in texts]
    monkeypatch.setattr(extract._Gated, "_open", lambda self, text, pos, endpos: True)
    assert gated == [extract._extract_cached.__wrapped__(t, today, (), "EUR", False)
                     for t in texts]
    assert sum(1 for facts in gated if facts) > 400  # the corpus states facts; they are found


def test_gate_folding_agrees_with_ignorecase_for_every_character_gates_look_for():
    import re
    import sys

    from auditor.extract import text as extract

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    folded = extract._folded(every)
    assert len(folded) == len(every)  # one character per character: offsets carry over
    gates = [extract._gate(p._pattern) for p in vars(extract).values()
             if isinstance(p, extract._Gated)]
    assert len(gates) > 15 and all(gates)
    wanted = {c for gate in gates for lit in gate.pattern.split("|")
              for c in lit.replace("\\", "")}
    assert {"a", "k", "s", "i", "ä", "ö", "å"} <= wanted
    for char in wanted:
        # Whatever the regex engine matches to this character ignoring case folds to it.
        hits = [m.start() for m in re.finditer(re.escape(char), every, re.IGNORECASE)]
        assert hits and {folded[i] for i in hits} == {char}, char
