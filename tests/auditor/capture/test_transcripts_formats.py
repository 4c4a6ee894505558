"""Transcript export formats: detection, roles, line numbers, masking, and no crash on junk."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.capture.transcript_formats import (
    TranscriptError,
    detect_format,
    parse_transcript,
)
from auditor.capture.transcripts import load_transcript, mask_pii, observations_from_transcript
from auditor.config import SubjectConfig, parse_config
from auditor.matching import Matcher

SUBJECTS = [SubjectConfig(id="fiber-600", name="Valokuitu 600M", aliases=["Kuitu 600"])]
P = Path("chat.txt")

TEXT_LOG = """[10:01] Asiakas Matti Virtanen: Paljonko Kuitu 600?
[10:02] Agent Anna: Kuitu 600 on 39,90 €/kk.
jatkuu: avausmaksu 4,90 €.
[10:03] System: Chat ended
"""
WHATSAPP = """12/04/2026, 10:01 - Messages and calls are end-to-end encrypted.
12/04/2026, 10:02 - Pekka: Kuitu 600 hinta?
12/04/2026, 10:05 - Valo Asiakaspalvelu: 39,90 €/kk
"""
CSV = 'timestamp,role,name,message\n1,customer,Eeva,"Kuitu 600, 19,90?"\n2,agent,Anna,"39,90 €/kk"\n'
ZENDESK = """{"type": "chat", "visitor": {"name": "Visitor 1", "email": "v@example.org"},
 "history": [
  {"type": "chat.msg", "nick": "visitor", "name": "Visitor 1", "msg": "Kuitu 600?"},
  {"type": "chat.msg", "nick": "agent:9", "name": "Anna", "msg": "Kuitu 600 on 39,90 €/kk."}
 ]}"""
LIVECHAT = """{"users": [{"id": "c", "type": "customer", "name": "Eeva"},
                        {"id": "a", "type": "agent", "name": "Anna"}],
 "thread": {"events": [
  {"type": "message", "author_id": "c", "text": "Kuitu 600?"},
  {"type": "message", "author_id": "a", "text": "Sisäinen: 29,90", "visibility": "agents"},
  {"type": "message", "author_id": "a", "text": "Kuitu 600 on 39,90 €/kk."}]}}"""
INTERCOM = """{"type": "conversation", "source": {"author": {"type": "user", "name": "Eeva"},
 "body": "<p>Kuitu 600?</p>"}, "conversation_parts": {"conversation_parts": [
 {"part_type": "note", "author": {"type": "admin", "name": "Anna"}, "body": "<p>29,90?</p>"},
 {"part_type": "comment", "author": {"type": "admin", "name": "Anna"},
  "body": "<p>Kuitu 600 on <b>39,90&nbsp;€/kk</b>.</p>"}]}}"""


@pytest.mark.parametrize(("raw", "fmt"), [
    (TEXT_LOG, "text"), (WHATSAPP, "whatsapp"), (CSV, "csv"), (ZENDESK, "zendesk"),
    (LIVECHAT, "livechat"), (INTERCOM, "intercom"),
    ('{"format": "omniaudit-transcript/1", "messages": []}', "omniaudit"),
    ("[31.12.2026, 10.01.15] Anna: hei", "whatsapp"),
])
def test_formats_are_detected(raw, fmt):
    assert detect_format(raw) == fmt
    assert parse_transcript(raw, P).format == fmt


def test_text_log_roles_names_lines_and_continuations():
    t = parse_transcript(TEXT_LOG, P)
    assert [(m.role, m.name, m.line) for m in t.messages] == [
        ("customer", "Matti Virtanen", 1), ("agent", "Anna", 2), ("system", "", 4)]
    assert t.messages[1].text == "Kuitu 600 on 39,90 €/kk.\njatkuu: avausmaksu 4,90 €."


def test_whatsapp_company_is_named_by_company_names_everyone_else_is_a_customer():
    t = parse_transcript(WHATSAPP, P, company_names=["Valo"])
    assert [(m.role, m.line) for m in t.messages] == [
        ("system", 1), ("customer", 2), ("agent", 3)]
    unknown = parse_transcript(WHATSAPP, P)
    assert {m.role for m in unknown.messages} == {"system", "customer"}


def test_support_tool_roles_and_internal_notes_are_not_claims():
    for raw in (ZENDESK, LIVECHAT, INTERCOM):
        t = parse_transcript(raw, P)
        claims = [m.text for m in t.messages if m.role in ("agent", "bot")]
        assert claims == ["Kuitu 600 on 39,90 €/kk."] or claims == ["Kuitu 600 on 39,90\xa0€/kk."]
    z = parse_transcript(ZENDESK, P)
    assert [m.line for m in z.messages] == [3, 4] and "v@example.org" in z.personal


def test_csv_rows_keep_their_line_and_roles():
    t = parse_transcript(CSV, P)
    assert [(m.role, m.name, m.line) for m in t.messages] == [
        ("customer", "Eeva", 2), ("agent", "Anna", 3)]


def test_format_override_and_errors(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text(TEXT_LOG, encoding="utf-8")
    with pytest.raises(TranscriptError, match="no WhatsApp export lines"):
        load_transcript(f, "whatsapp")
    assert load_transcript(f, "text").format == "text"
    f.write_text("just some words\nno chat here\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="unrecognised transcript format"):
        load_transcript(f)


def test_channel_reads_whatsapp_with_configured_agents(tmp_path):
    (tmp_path / "wa.txt").write_text(WHATSAPP.replace("Valo Asiakaspalvelu", "Mirja"),
                                     encoding="utf-8")
    cfg = parse_config(f"name: t\nchannels:\n  chat:\n    kind: transcripts\n    path: {tmp_path}"
                       "\n    pattern: '*.txt'\n    agents: [Mirja]\n")
    from auditor.capture.transcripts import capture_transcripts_channel

    r = capture_transcripts_channel("chat", cfg.channels["chat"], cfg)
    matched = Matcher(SUBJECTS).match_observations(r.observations)
    assert [(o.subject, o.attribute, o.value, o.evidence.line) for o in matched] == [
        ("fiber-600", "monthly_price", Decimal("39.90"), 3)]


def test_visitor_record_is_masked_wherever_it_appears():
    raw = ZENDESK.replace("Kuitu 600?", "Kuitu 600? v@example.org").replace(
        "Kuitu 600 on", "Kiitos Visitor 1! Kuitu 600 on")
    obs = observations_from_transcript(parse_transcript(raw, P), channel="chat", source="z")
    assert obs and all("Visitor" not in o.text and "example.org" not in o.text for o in obs)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["auto", "omniaudit", "csv", "text",
                                                   "whatsapp", "zendesk", "livechat",
                                                   "intercom"]))
def test_no_parser_raises_anything_but_transcript_error_on_arbitrary_bytes(data, fmt):
    raw = data.decode("utf-8", errors="replace")
    try:
        t = parse_transcript(raw, P, fmt, ["Valo"])
    except TranscriptError:
        return
    Matcher(SUBJECTS).match_observations(
        observations_from_transcript(t, channel="c", source="s"))


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(
                        ["history", "msg", "nick", "users", "thread", "threads", "events",
                         "text", "author_id", "type", "source", "body", "author",
                         "conversation_parts", "messages", "role", "visitor", "name"]),
                        inner, max_size=5), max_leaves=30),
       st.sampled_from(["zendesk", "livechat", "intercom", "omniaudit", "auto"]))
def test_json_parsers_survive_arbitrary_json_shapes(doc, fmt):
    import json

    try:
        parse_transcript(json.dumps(doc), P, fmt)
    except TranscriptError:
        pass


# --- Telegram, Instagram/Messenger, e-mailed transcripts, WhatsApp layouts ---------------

def _telegram_export() -> dict:
    """A Telegram Desktop result.json, as "Export chat history" writes it (one key a line)."""
    return {
        "name": "Liisa Korhonen", "type": "personal_chat", "id": 4242,
        "messages": [
            {"id": 1, "type": "service", "date": "2026-11-12T14:00:00",
             "actor": "Liisa Korhonen", "actor_id": "user111", "action": "phone_call",
             "text": "Liisa Korhonen started a chat"},
            {"id": 2, "type": "message", "date": "2026-11-12T14:01:00",
             "from": "Liisa Korhonen", "from_id": "user111",
             "text": "Paljonko Kuitu 600 maksaa? Soita 040 123 4567"},
            {"id": 3, "type": "message", "date": "2026-11-12T14:02:00",
             "from": "Valo Asiakaspalvelu", "from_id": "user222",
             "text": ["Hei Liisa! ", {"type": "bold", "text": "Kuitu 600"}, " on 39,90 €/kk."]},
            {"id": 4, "type": "message", "date": "2026-11-12T14:03:00",
             "from": "Valo Asiakaspalvelu", "from_id": "user222",
             "text": "Avausmaksu on 4,90 €, Liisa."},
            {"id": 5, "type": "message", "date": "2026-11-12T14:04:00",
             "from": "Valo Bot", "from_id": "user333", "text": "Arvioi palvelumme!"},
        ],
    }


def test_telegram_result_json_roles_entities_and_customer_names(tmp_path):
    import json

    f = tmp_path / "ChatExport_2026-11-12" / "result.json"
    f.parent.mkdir()
    f.write_text(json.dumps(_telegram_export(), ensure_ascii=False, indent=1), encoding="utf-8")
    raw = f.read_text(encoding="utf-8")
    assert detect_format(raw) == "telegram"
    t = load_transcript(f, company_names=["Valo"])
    assert (t.format, t.id) == ("telegram", "4242")
    assert [(m.role, m.name, m.timestamp, m.text) for m in t.messages] == [
        ("system", "Liisa Korhonen", "2026-11-12T14:00:00", "Liisa Korhonen started a chat"),
        ("customer", "Liisa Korhonen", "2026-11-12T14:01:00",
         "Paljonko Kuitu 600 maksaa? Soita 040 123 4567"),
        ("agent", "Valo Asiakaspalvelu", "2026-11-12T14:02:00",
         "Hei Liisa! Kuitu 600 on 39,90 €/kk."),  # the bold entity joined into the text
        ("agent", "Valo Asiakaspalvelu", "2026-11-12T14:03:00", "Avausmaksu on 4,90 €, Liisa."),
        ("bot", "Valo Bot", "2026-11-12T14:04:00", "Arvioi palvelumme!"),
    ]
    lines = raw.splitlines()
    assert t.messages[3].line == next(i for i, ln in enumerate(lines, 1)
                                      if '"Avausmaksu on 4,90 €, Liisa."' in ln)
    assert t.personal == ("Liisa Korhonen",)
    obs = Matcher(SUBJECTS).match_observations(
        observations_from_transcript(t, channel="tg", source="result.json"))
    assert [(o.subject, o.attribute, o.value, o.text) for o in obs] == [
        ("fiber-600", "monthly_price", Decimal("39.90"), "Hei [customer]! Kuitu 600 on 39,90 €/kk."),
        ("fiber-600", "activation_fee", Decimal("4.90"), "Avausmaksu on 4,90 €, [customer]."),
    ]
    # Without the brand the company's account is just another customer: no claims.
    assert observations_from_transcript(load_transcript(f), channel="tg", source="r") == []


def test_telegram_message_with_entities_keeps_its_line(tmp_path):
    import json

    f = tmp_path / "result.json"
    f.write_text(json.dumps(_telegram_export(), ensure_ascii=False, indent=1), encoding="utf-8")
    lines = f.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines, 1) if ln.strip() == '"id": 3,')
    end = next(i for i, ln in enumerate(lines, 1) if ln.strip() == '"id": 4,')
    t = load_transcript(f, company_names=["Valo"])
    entity_message = t.messages[2]
    assert entity_message.text == "Hei Liisa! Kuitu 600 on 39,90 €/kk."
    assert entity_message.line is not None and start < entity_message.line < end


INSTAGRAM = r'''{
  "participants": [
    {"name": "Zo\u00c3\u00ab Martin"},
    {"name": "Brightwave Broadband"}
  ],
  "messages": [
    {
      "sender_name": "Zo\u00c3\u00ab Martin",
      "timestamp_ms": 1794500580000,
      "content": "Thanks!",
      "is_geoblocked_for_viewer": false
    },
    {
      "sender_name": "Brightwave Broadband",
      "timestamp_ms": 1794500520000,
      "content": "Hi Zo\u00c3\u00ab, Full Fibre 500 is \u00c2\u00a335.99 a month.",
      "is_geoblocked_for_viewer": false
    },
    {
      "sender_name": "Zo\u00c3\u00ab Martin",
      "timestamp_ms": 1794500460000,
      "content": "Thanks! How much is Full Fibre 500?",
      "is_geoblocked_for_viewer": false
    },
    {
      "sender_name": "Zo\u00c3\u00ab Martin",
      "timestamp_ms": 1794500400000,
      "photos": [{"uri": "photo.jpg"}],
      "is_geoblocked_for_viewer": false
    }
  ],
  "title": "Zo\u00c3\u00ab Martin",
  "is_still_participant": true,
  "thread_path": "inbox/zoemartin_1234567890",
  "magic_words": []
}
'''


def test_instagram_messages_mojibake_order_and_business_account(tmp_path):
    f = tmp_path / "message_1.json"
    f.write_text(INSTAGRAM, encoding="utf-8")
    assert detect_format(INSTAGRAM) == "instagram"
    t = load_transcript(f, company_names=["Brightwave"])
    assert (t.format, t.id) == ("instagram", "inbox/zoemartin_1234567890")
    # Oldest first; the photo without text is skipped; lines are where each text is written.
    assert [(m.role, m.name, m.timestamp, m.text, m.line) for m in t.messages] == [
        ("customer", "Zoë Martin", "2026-11-12T16:21:00+00:00",
         "Thanks! How much is Full Fibre 500?", 22),
        ("agent", "Brightwave Broadband", "2026-11-12T16:22:00+00:00",
         "Hi Zoë, Full Fibre 500 is £35.99 a month.", 16),
        ("customer", "Zoë Martin", "2026-11-12T16:23:00+00:00", "Thanks!", 10),
    ]
    assert t.personal == ("Zoë Martin",)
    obs = observations_from_transcript(t, channel="ig", source="message_1.json")
    assert [(o.attribute, o.value, o.currency, o.text, o.evidence.line) for o in obs] == [
        ("monthly_price", Decimal("35.99"), "GBP",
         "Hi [customer], Full Fibre 500 is £35.99 a month.", 16)]


EML = """From: Brightwave Chat <chat@brightwave.example>
To: support-archive@brightwave.example
Subject: Chat transcript
Date: Thu, 12 Nov 2026 19:25:00 +0000
Message-ID: <chat-8812@brightwave.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Chat transcript
Visitor: Hannah Clarke
Email: hannah.clarke@example.org

(7:21:04 PM) *** Hannah Clarke has joined the chat ***
(7:21:10 PM) *** Dan has joined the chat ***
(7:21:30 PM) Hannah Clarke: How much is Full Fibre 500? Call me on 020 7946 0958.
(7:22:04 PM) Dan: Hi Hannah, Full Fibre 500 is =C2=A335.99 a month.
(7:23:00 PM) Hannah Clarke: Thanks
(7:23:30 PM) Dan: Setup is =C2=A329.99, Hannah.
"""


def test_emailed_transcript_visitor_is_the_customer_everyone_else_the_company(tmp_path):
    f = tmp_path / "chat-8812.eml"
    f.write_text(EML, encoding="utf-8")
    assert detect_format(EML) == "email"
    t = load_transcript(f)  # no brand, no agents configured
    assert (t.format, t.id) == ("email", "<chat-8812@brightwave.example>")
    assert [(m.role, m.name, m.timestamp, m.text, m.line) for m in t.messages] == [
        ("system", "", None, "(7:21:04 PM) *** Hannah Clarke has joined the chat ***", 14),
        ("system", "", None, "(7:21:10 PM) *** Dan has joined the chat ***", 15),
        ("customer", "Hannah Clarke", "7:21:30 PM",
         "How much is Full Fibre 500? Call me on 020 7946 0958.", 16),
        ("agent", "Dan", "7:22:04 PM", "Hi Hannah, Full Fibre 500 is £35.99 a month.", 17),
        ("customer", "Hannah Clarke", "7:23:00 PM", "Thanks", 18),
        ("agent", "Dan", "7:23:30 PM", "Setup is £29.99, Hannah.", 19),
    ]
    assert t.personal == ("Hannah Clarke", "hannah.clarke@example.org")
    obs = observations_from_transcript(t, channel="mail", source="chat-8812.eml")
    assert [(o.attribute, o.value, o.text, o.evidence.speaker, o.evidence.line)
            for o in obs] == [
        ("monthly_price", Decimal("35.99"), "Hi [customer], Full Fibre 500 is £35.99 a month.",
         "agent: Dan", 17),
        ("activation_fee", Decimal("29.99"), "Setup is £29.99, [customer].", "agent: Dan", 19),
    ]


def test_emailed_transcript_lines_survive_quoted_printable_soft_breaks(tmp_path):
    f = tmp_path / "chat.eml"
    f.write_text(EML.replace("is =C2=A335.99 a month.", "is =C2=A335.99=\n a month."),
                 encoding="utf-8")
    lines = f.read_text(encoding="utf-8").splitlines()
    assert lines[19 - 1].startswith("(7:23:00 PM) Hannah") and lines[20 - 1].startswith(
        "(7:23:30 PM) Dan: Setup")
    t = load_transcript(f)
    assert t.messages[3].text == "Hi Hannah, Full Fibre 500 is £35.99 a month."
    assert [m.line for m in t.messages] == [14, 15, 16, 17, 19, 20]


def test_emailed_transcript_with_crlf_line_endings_keeps_file_lines(tmp_path):
    f = tmp_path / "chat.eml"
    f.write_bytes(EML.replace("\n", "\r\n").encode("utf-8"))
    t = load_transcript(f)
    assert t.format == "email"
    assert [m.line for m in t.messages] == [14, 15, 16, 17, 18, 19]


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(
        "2026-11-12 14:03 - Messages and calls are end-to-end encrypted. No one outside of "
        "this chat can read them.\n"
        "2026-11-12 14:03 - Pekka Nieminen: Paljonko Kuitu 600?\n"
        "2026-11-12 14:05 - Valo Asiakaspalvelu: Kuitu 600 on 39,90 €/kk.\n"
        "Ei avausmaksua.\n",
        [("system", "", "2026-11-12 14:03", "Messages and calls are end-to-end encrypted. No "
          "one outside of this chat can read them.", 1),
         ("customer", "Pekka Nieminen", "2026-11-12 14:03", "Paljonko Kuitu 600?", 2),
         ("agent", "Valo Asiakaspalvelu", "2026-11-12 14:05",
          "Kuitu 600 on 39,90 €/kk.\nEi avausmaksua.", 3)],
        id="android-iso"),
    pytest.param(
        "\u200e[2026-11-14 09:41:12] Valo Asiakaspalvelu: \u200eMessages and calls are "
        "end-to-end encrypted.\n"
        "[2026-11-14 09:41:30] Pekka Nieminen: Paljonko Kuitu 600?\n"
        "[2026-11-14 09:42:01] Valo Asiakaspalvelu: Kuitu 600 on 39,90 €/kk.\n"
        "[2026-11-14 09:42:10] Pekka Nieminen: \u200eimage omitted\n",
        [("system", "", "2026-11-14 09:41:12",
          "Valo Asiakaspalvelu: \u200eMessages and calls are end-to-end encrypted.", 1),
         ("customer", "Pekka Nieminen", "2026-11-14 09:41:30", "Paljonko Kuitu 600?", 2),
         ("agent", "Valo Asiakaspalvelu", "2026-11-14 09:42:01", "Kuitu 600 on 39,90 €/kk.", 3),
         ("system", "", "2026-11-14 09:42:10", "Pekka Nieminen: \u200eimage omitted", 4)],
        id="ios-iso-seconds"),
    pytest.param(
        "11/12/26, 2:03\u202fPM - Pekka Nieminen: How much is Kuitu 600?\n"
        "11/12/26, 2:05\u202fPM - Valo Asiakaspalvelu: Kuitu 600 is 39,90 €/kk.\n",
        [("customer", "Pekka Nieminen", "11/12/26 2:03\u202fPM", "How much is Kuitu 600?", 1),
         ("agent", "Valo Asiakaspalvelu", "11/12/26 2:05\u202fPM", "Kuitu 600 is 39,90 €/kk.",
          2)],
        id="android-english-12h"),
    pytest.param(
        "12.11.26, 14:03 - Pekka Nieminen: Paljonko Kuitu 600?\n"
        "12.11.26, 14:05 - Valo Asiakaspalvelu: Kuitu 600 on 39,90 €/kk.\n",
        [("customer", "Pekka Nieminen", "12.11.26 14:03", "Paljonko Kuitu 600?", 1),
         ("agent", "Valo Asiakaspalvelu", "12.11.26 14:05", "Kuitu 600 on 39,90 €/kk.", 2)],
        id="android-dotted"),
])
def test_whatsapp_layouts(tmp_path, raw, expected):
    assert detect_format(raw) == "whatsapp"
    f = tmp_path / "WhatsApp Chat with Valo.txt"
    f.write_text(raw, encoding="utf-8")
    t = load_transcript(f, company_names=["Valo"])
    assert t.format == "whatsapp"
    assert [(m.role, m.name, m.timestamp, m.text, m.line) for m in t.messages] == expected
    obs = Matcher(SUBJECTS).match_observations(
        observations_from_transcript(t, channel="wa", source=f.name))
    assert [(o.subject, o.attribute, o.value) for o in obs][:1] == [
        ("fiber-600", "monthly_price", Decimal("39.90"))]


def test_bracketed_log_without_seconds_is_a_plain_log_not_whatsapp(tmp_path):
    raw = ("[2026-04-02 09:01] Asiakas: Paljonko Kuitu 600 maksaa?\n"
           "[2026-04-02 09:02] Asiakaspalvelija Anna: Kuitu 600 on 39,90 €/kk.\n")
    assert detect_format(raw) == "text"
    f = tmp_path / "log.txt"
    f.write_text(raw, encoding="utf-8")
    t = load_transcript(f)
    assert t.format == "text"
    assert [(m.role, m.name, m.timestamp, m.text, m.line) for m in t.messages] == [
        ("customer", "", "2026-04-02 09:01", "Paljonko Kuitu 600 maksaa?", 1),
        ("agent", "Anna", "2026-04-02 09:02", "Kuitu 600 on 39,90 €/kk.", 2),
    ]


@pytest.mark.parametrize("doc", ['{"messages": [{"id": 1, "body": "hi"}]}', '{"foo": 1}',
                                 '[{"id": 1, "body": "hi"}]'])
def test_foreign_json_is_an_unrecognised_format_not_a_guess(tmp_path, doc):
    assert detect_format(doc) is None
    f = tmp_path / "export.json"
    f.write_text(doc, encoding="utf-8")
    with pytest.raises(TranscriptError, match="unrecognised format") as e:
        load_transcript(f)
    assert str(e.value).startswith(f"{f}:1: unrecognised format: JSON of an unknown shape")


@pytest.mark.parametrize(("text", "masked"), [
    ("+33 1 49 52 99 70", "[phone]"),
    ("Appelez le +33 1 49 52 99 70.", "Appelez le [phone]."),
    ("(212) 555-0142", "[phone]"),
    ("Call (212) 555-0142 after 5pm", "Call [phone] after 5pm"),
    ("+47 481 22 907", "[phone]"),
    ("Ring meg på +47 481 22 907!", "Ring meg på [phone]!"),
    ("040 123 4567", "[phone]"),
    ("Soita 040 123 4567, kiitos", "Soita [phone], kiitos"),
    ("24,90 €/kk", "24,90 €/kk"),
    ("1 299,00 kr", "1 299,00 kr"),
    ("12.11.2026 14:03", "12.11.2026 14:03"),
    ("Hinta 24,90 €/kk, laite 1 299,00 kr, tilattu 12.11.2026 14:03",
     "Hinta 24,90 €/kk, laite 1 299,00 kr, tilattu 12.11.2026 14:03"),
])
def test_mask_pii_phone_numbers_of_any_country_and_not_prices_or_dates(text, masked):
    assert mask_pii(text) == masked


def test_mask_pii_leaves_iso_date_times_alone():
    assert mask_pii("Kampanja päättyy 2026-11-30 23:59.") == "Kampanja päättyy 2026-11-30 23:59."
    assert mask_pii("2026-11-12 14:03") == "2026-11-12 14:03"


def test_instagram_messages_of_the_same_millisecond_keep_their_order(tmp_path):
    # The file is newest first, so two messages sent together read in reverse file order.
    doc = {"participants": [{"name": "Zoe"}, {"name": "Brightwave Broadband"}],
           "messages": [
               {"sender_name": "Brightwave Broadband", "timestamp_ms": 1794500520000,
                "content": "second"},
               {"sender_name": "Brightwave Broadband", "timestamp_ms": 1794500520000,
                "content": "first"},
               {"sender_name": "Zoe", "content": "no time, newest of the untimed"},
               {"sender_name": "Zoe", "content": "no time, oldest"}]}
    f = tmp_path / "message_1.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    t = load_transcript(f, fmt="instagram", company_names=["Brightwave"])
    assert [m.text for m in t.messages] == ["no time, oldest", "no time, newest of the untimed",
                                           "first", "second"]


def test_emailed_transcript_in_base64_has_no_file_lines(tmp_path):
    import base64

    head, body = EML.split("\n\n", 1)
    decoded = body.replace("=C2=A3", "£")
    eml = (head.replace("quoted-printable", "base64") + "\n\n"
           + base64.encodebytes(decoded.encode("utf-8")).decode("ascii"))
    f = tmp_path / "chat.eml"
    f.write_text(eml, encoding="utf-8")
    t = load_transcript(f)
    assert t.messages[3].text == "Hi Hannah, Full Fibre 500 is £35.99 a month."
    # An encoded body has no line of the file to point at: no line rather than a wrong one.
    assert {m.line for m in t.messages} == {None}


def test_a_customer_known_by_phone_number_never_masks_prices():
    # A WhatsApp export named after the customer's number: its digits are not name parts.
    masked = mask_pii("Le chargeur est à CHF 29.90, la livraison CHF 7.90, Monsieur Favre.",
                      ["+41 78 613 22 90", "Julien Favre"])
    assert masked == "Le chargeur est à CHF 29.90, la livraison CHF 7.90, Monsieur [customer]."


def test_bulk_exports_hold_several_conversations(tmp_path):
    from auditor.capture.transcripts import load_transcripts

    def chat(n: int) -> dict:
        return {"visitor": {"name": f"Asiakas {n}"}, "history": [
            {"type": "chat.msg", "nick": "visitor", "name": f"Asiakas {n}", "msg": "Hinta?",
             "timestamp": "2026-11-12T09:14:19Z"},
            {"type": "chat.msg", "nick": "agent:1", "name": "Jenni", "msg": f"Kuitu {n}00M on "
             f"{n}9,90 €/kk.", "timestamp": "2026-11-12T09:15:19Z"}]}
    zendesk = tmp_path / "zendesk-incremental.json"
    zendesk.write_text(json.dumps({"chats": [chat(1), chat(2)], "count": 2}, indent=2),
                       encoding="utf-8")
    ts = load_transcripts(zendesk)
    assert [(t.format, [m.role for m in t.messages]) for t in ts] == [
        ("zendesk", ["customer", "agent"]), ("zendesk", ["customer", "agent"])]
    # Each message keeps its own line of the file.
    lines = zendesk.read_text(encoding="utf-8").splitlines()
    assert "Kuitu 200M" in lines[ts[1].messages[1].line - 1]

    # Zendesk Support's ticket export: one ticket per line; the requester is the customer,
    # other authors the company, private comments internal notes.
    ticket = {"id": 7, "requester_id": 11, "via": {"source": {"from": {"name": "Kevin A",
                                                                      "address": "k@x.example"}}},
              "comments": [{"author_id": 11, "public": True, "body": "How much?"},
                           {"author_id": 22, "public": False, "body": "VIP, be nice"},
                           {"author_id": 22, "public": True, "body": "It is $50/mo."}]}
    ndjson = tmp_path / "export.json"
    ndjson.write_text(json.dumps(ticket) + "\n" + json.dumps({**ticket, "id": 8}) + "\n",
                      encoding="utf-8")
    ts = load_transcripts(ndjson)
    assert [(t.format, t.id, [m.role for m in t.messages], {m.line for m in t.messages})
            for t in ts] == [("zendesk-tickets", "7", ["customer", "system", "agent"], {1}),
                             ("zendesk-tickets", "8", ["customer", "system", "agent"], {2})]
    assert ts[0].personal == ("Kevin A", "k@x.example")


# --- streams: line-based exports read a line at a time ------------------------------------

def _streamed_and_whole(path: Path, fmt: str = "auto", names=("Valo",)):
    from auditor.capture.transcripts import open_transcripts

    try:
        whole = load_transcript(path, fmt, names)
    except TranscriptError as e:
        with pytest.raises(TranscriptError) as streamed_error:
            open_transcripts(path, fmt, names)
        assert str(streamed_error.value) == str(e)
        return None, None
    [stream] = open_transcripts(path, fmt, names)
    return stream, whole


STREAMED_CASES = {
    "text": TEXT_LOG,
    "whatsapp": WHATSAPP,
    "csv": CSV,
    "text-crlf-bom": "\ufeff" + TEXT_LOG.replace("\n", "\r\n"),
    "whatsapp-odd-breaks": ("\n \n  12/04/2026, 10:01 - Pekka: Hei\u2028Kuitu 600?\r\n"
                            "12/04/2026, 10:02 - Valo: 39,90 €/kk.\rEi avausmaksua\x85Kiitos!\n"
                            "\n12/04/2026, 10:03 - Valo: \n12/04/2026, 10:04 - Tyhjä: \n"
                            "12/04/2026, 10:05 - Valo: Hei Tyhjä, soita 040 123 4567\f"),
    "csv-multiline-and-lone-cr": ('timestamp;role;name;message\r\n1;customer;Eeva Aho;'
                                  '"Kuitu 600,\r\n 19,90?"\r2;agent;Anna;"39,90 €/kk, Eeva"\n'
                                  '3;agent;Anna;"x\u2028y, avausmaksu 4,90 €"\n'),
    "csv-header-only": "text,name\n",
    "log-with-visitor-and-wrapped-lines": ("[10:01] Asiakas Matti Virtanen: Hei\n"
                                           "jatkuu\n\n[10:02] Agent Anna: Hei Matti!\n"
                                           "Kuitu 600 on 39,90 €/kk.\n  \n"
                                           "(10:03 AM) *** Matti left ***\n"),
}


@pytest.mark.parametrize("name", sorted(STREAMED_CASES))
def test_streamed_exports_read_exactly_like_whole_ones(tmp_path, name):
    from auditor.capture.transcripts import iter_observations

    f = tmp_path / f"{name}.txt"
    f.write_bytes(STREAMED_CASES[name].encode("utf-8"))
    stream, whole = _streamed_and_whole(f)
    assert stream is not None, "these fixtures are all readable"
    assert (stream.id, stream.format, stream.count) == (whole.id, whole.format,
                                                        len(whole.messages))
    assert tuple(stream.messages()) == whole.messages
    assert tuple(stream.messages()) == whole.messages  # a stream can be read again
    kw = {"channel": "chat", "source": f.name, "brand": "Valo"}
    assert list(iter_observations(stream, **kw)) == observations_from_transcript(whole, **kw)


@pytest.mark.parametrize("fmt", ["whatsapp", "text", "csv"])
def test_streamed_errors_are_the_whole_file_errors(tmp_path, fmt):
    f = tmp_path / "x.txt"
    f.write_text("just some words\nno chat here\n" if fmt != "csv" else '"a\n', encoding="utf-8")
    stream, _ = _streamed_and_whole(f, fmt)
    assert stream is None


_LINE_PIECES = st.sampled_from([
    "12/04/2026, 10:01 - Pekka Nieminen: ", "12/04/2026, 10:02 - Valo Asiakaspalvelu: ",
    "[10:01] Agent Anna: ", "[10:02] Asiakas Matti: ", "(7:21:04 PM) *** x ***",
    "Kuitu 600 on 39,90 €/kk.", "Matti", "040 123 4567", "role,name,message", "agent,Anna,",
    '"', ",", ";", " ", "\n", "\r\n", "\r", "\u2028", "\x85", "\ufeff", "é",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINE_PIECES, max_size=40), st.sampled_from(["auto", "whatsapp", "text", "csv"]))
def test_any_line_soup_streams_like_the_whole_text(tmp_path_factory, pieces, fmt):
    f = tmp_path_factory.mktemp("soup") / "soup.txt"
    f.write_bytes("".join(pieces).encode("utf-8"))
    stream, whole = _streamed_and_whole(f, fmt)
    if stream is None or not hasattr(stream, "messages") or whole.format not in (
            "whatsapp", "text", "csv"):
        return
    assert tuple(stream.messages()) == whole.messages and stream.id == whole.id


def test_json_lines_are_found_in_exports_that_escape_non_ascii(tmp_path):
    from auditor.capture.transcripts import load_transcripts

    def chat(n: int) -> dict:
        return {"visitor": {"name": f"Asiakas {n}"}, "history": [
            {"type": "chat.msg", "nick": "visitor", "msg": "Hinta?"},
            {"type": "chat.msg", "nick": "agent:1", "msg": f"Kuitu {n}00M on {n}9,90 €/kk."},
            {"type": "chat.msg", "nick": "agent:1", "msg": "Katso valo.example/kuitu"}]}
    f = tmp_path / "export.json"
    f.write_text(json.dumps({"chats": [chat(n) for n in range(1, 6)]}, indent=1),
                 encoding="utf-8")  # ensure_ascii: "\u20ac" for the euro sign
    lines = f.read_text(encoding="utf-8").splitlines()
    ts_before = load_transcripts(f)
    for n, t in enumerate(ts_before, start=1):
        question, answer, _ = t.messages
        assert '"Hinta?"' in lines[question.line - 1]
        assert f"Kuitu {n}00M" in lines[answer.line - 1] and answer.text.endswith("€/kk.")
    # A text written some other way than Python's JSON writes it ("\\/" for "/") is not
    # found: no line rather than a wrong one.
    f.write_text(f.read_text(encoding="utf-8").replace("example/", "example\\/"),
                 encoding="utf-8")
    ts = load_transcripts(f)
    assert {t.messages[2].line for t in ts} == {None}
    assert [t.messages[1].line for t in ts] == [t.messages[1].line for t in ts_before]


SUPPORT_EML = """From: Andrea Pichler <andrea.pichler@example.at>
To: KRAFTWERK Fitness Kundenservice <service@kraftwerk.example>
Subject: Re: AW: Kündigung
Date: Fri, 27 Nov 2026 07:54:02 +0100
Message-Id: <C3A1F0B8@example.at>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Vielen Dank f=C3=BCr die rasche Antwort! Ich k=C3=BCndige zum 31.12.2026.

LG Andrea Pichler

> Am 26.11.2026 um 10:41 schrieb KRAFTWERK Fitness Kundenservice <service@k=
raftwerk.example>:
>
> Sehr geehrte Frau Pichler,
>
> Plus kostet =E2=82=AC 39,90 monatlich, Mindestlaufzeit 12 Monate.
>
> --=20
> KRAFTWERK Fitness GmbH, T +43 1 890 44 77
>
> Am 25.11.2026 um 19:22 schrieb Andrea Pichler:
> > Was kostet Plus derzeit? Meine Nummer: +43 650 7714230
"""


def test_a_support_e_mail_is_read_with_the_replies_it_quotes(tmp_path):
    f = tmp_path / "reply.eml"
    f.write_text(SUPPORT_EML, encoding="utf-8")
    assert detect_format(SUPPORT_EML) == "email"
    t = load_transcript(f, company_names=("KRAFTWERK Fitness",))
    assert [(m.role, m.name, m.line) for m in t.messages] == [
        ("customer", "Andrea Pichler", 24),
        ("agent", "KRAFTWERK Fitness Kundenservice", 16),
        ("customer", "Andrea Pichler", 9),
    ]
    assert t.messages[1].text == ("Sehr geehrte Frau Pichler,\n\nPlus kostet € 39,90 monatlich, "
                                  "Mindestlaufzeit 12 Monate.")  # no signature
    assert set(t.personal) == {"Andrea Pichler", "andrea.pichler@example.at"}
    obs = observations_from_transcript(t, channel="mail", source="reply.eml")
    assert sorted((o.attribute, o.value, o.evidence.line) for o in obs) == [
        ("contract_months", Decimal("12"), 16), ("monthly_price", Decimal("39.90"), 16)]
    assert all("Andrea" not in o.text for o in obs)


def test_a_support_e_mail_reads_an_outlook_original_message_block(tmp_path):
    raw = ("From: Brightwave Support <support@brightwave.example>\nTo: Zoe Martin "
           "<zoe@example.org>\nSubject: RE: price\nDate: Tue, 3 Nov 2026 10:41:00 +0000\n"
           "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHi, Full Fibre 500 is £35.99 a month.\n"
           "\n-----Original Message-----\nFrom: Zoe Martin <zoe@example.org>\n"
           "Sent: 2 November 2026 18:00\nSubject: price\n\nHow much is Full Fibre 500?\n")
    f = tmp_path / "re.eml"
    f.write_text(raw, encoding="utf-8")
    t = load_transcript(f, company_names=("Brightwave",))
    assert [(m.role, m.name, m.text) for m in t.messages] == [
        ("customer", "Zoe Martin", "How much is Full Fibre 500?"),
        ("agent", "Brightwave Support", "Hi, Full Fibre 500 is £35.99 a month.")]
    assert {"Zoe Martin", "zoe@example.org"} <= set(t.personal)


FRESHCHAT_STYLE = (
    "\ufeffConversation ID,Conversation Created At,User Name,Message ID,Message Created At,"
    "Actor Type,Actor Name,Message Type,Message Content\r\n"
    "c-1,2026-11-09T18:41:07Z,Marte Solberg,m-1,2026-11-09T18:41:28Z,user,Marte Solberg,"
    "normal,Hva koster Kuitu 600?\r\n"
    "c-1,2026-11-09T18:41:07Z,Marte Solberg,m-2,2026-11-09T18:42:10Z,agent,Ingrid Haugen,"
    "normal,\"Kuitu 600 er 399 kr/mnd.\"\r\n"
    "c-1,2026-11-09T18:41:07Z,Marte Solberg,m-3,2026-11-09T18:43:00Z,agent,Ingrid Haugen,"
    "private,\"Notat: tilbudt 349 kr/mnd, ring tilbake.\"\r\n"
    "c-2,2026-11-10T09:00:00Z,Jonas Berg,m-4,2026-11-10T09:00:05Z,system,System,system,"
    "Samtalen er tildelt Kundeservice\r\n")


def test_csv_columns_named_in_words_are_the_messages_own_and_private_notes_are_left_out(
        tmp_path):
    """Header cells are names in any case and spacing ("Actor Type" is actor_type); the
    speaker is the message's actor, not the conversation's "User Name"; the time is the
    message's, not the conversation's; an agent's private note is not read."""
    path = tmp_path / "freshchat.csv"
    path.write_text(FRESHCHAT_STYLE, encoding="utf-8")
    assert detect_format(FRESHCHAT_STYLE.lstrip("\ufeff")) == "csv"
    t = load_transcript(path)
    assert [(m.role, m.name, m.timestamp, m.text, m.conversation) for m in t.messages] == [
        ("customer", "Marte Solberg", "2026-11-09T18:41:28Z", "Hva koster Kuitu 600?", "c-1"),
        ("agent", "Ingrid Haugen", "2026-11-09T18:42:10Z", "Kuitu 600 er 399 kr/mnd.", "c-1"),
        ("system", "System", "2026-11-10T09:00:05Z", "Samtalen er tildelt Kundeservice",
         "c-2")]
    assert [m.line for m in t.messages] == [2, 3, 5]


def test_a_yes_no_private_column_leaves_the_note_out():
    raw = ("timestamp,role,name,is_private,text\n"
           '1,agent,Anna,false,"Kuitu 600 on 39,90 €/kk."\n'
           '2,agent,Anna,TRUE,"Sisäinen: tarjottu 29,90 €/kk"\n'
           '3,agent,Anna,,"Avausmaksu 0 €."\n')
    t = parse_transcript(raw, Path("chat.csv"))
    assert [m.text for m in t.messages] == ["Kuitu 600 on 39,90 €/kk.", "Avausmaksu 0 €."]


EMAILED_COPY = """Fra: Valo Kundesenter <no-reply@valo.example>
Sendt: 16. november 2026 09:48
Til: rune@example.org
Emne: Kopi av chat med Valo Kundesenter

Hei Rune,

Takk for at du chattet med oss! Her er en kopi av samtalen din.

Chat-ID:      7731-482019
Dato:         16.11.2026
Kø:           Chat_Bedrift

--------------------------------------------------------------
[09:21:36] System: Du er nummer 1 i køen.
[09:22:09] Kjetil: Hei, og velkommen!
[09:22:51] Rune Bakke: hva koster kuitu 600?
[09:24:02] Kjetil: Kuitu 600 er 399 kr/mnd.
--------------------------------------------------------------

Kuitu 600 nå 299 kr/mnd! Ring 22 12 34 50.
"""


def test_a_log_after_an_emailed_copys_preamble_is_read_and_its_footer_is_nobodys(tmp_path):
    """A chat tool's e-mailed copy saved as text: header lines, a greeting and an id block
    come before the log (detected past them), and a rule ends the last message, so the
    footer's advert is not the agent's claim."""
    assert detect_format(EMAILED_COPY) == "text"
    path = tmp_path / "copy.txt"
    path.write_text(EMAILED_COPY, encoding="utf-8")
    t = load_transcript(path, company_names=["Kjetil"])
    said = [(m.role, m.name, m.text) for m in t.messages if m.role != "system"]
    assert said == [("agent", "Kjetil", "Hei, og velkommen!"),
                    ("customer", "Rune Bakke", "hva koster kuitu 600?"),
                    ("agent", "Kjetil", "Kuitu 600 er 399 kr/mnd.")]
    assert t.messages[-1].role == "system" and "299 kr/mnd" in t.messages[-1].text
    claims = observations_from_transcript(t, channel="chat", source="copy.txt")
    assert [(o.attribute, o.value, o.evidence.line) for o in claims] == [
        ("monthly_price", Decimal("399"), 18)]


def test_a_preamble_with_fewer_than_three_log_lines_is_not_a_log():
    head = EMAILED_COPY.split("[09:22:51]")[0]  # two log lines after the preamble
    assert detect_format(head) is None
