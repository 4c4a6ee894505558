"""Transcript export formats: detection, roles, line numbers, masking, and no crash on junk."""

from __future__ import annotations

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
from auditor.capture.transcripts import load_transcript, observations_from_transcript
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
