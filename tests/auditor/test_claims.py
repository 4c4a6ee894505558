"""Chat claims attributed to offers by matching: names in the message, "both" / "X and Y",
the offer under discussion, names the catalogue lacks, and re-matching with a new catalogue.

Transcripts are real files, parsed and captured as a transcripts channel does; matching
decides the subjects (capture leaves them open)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from auditor.capture.transcripts import load_transcript, observations_from_transcript
from auditor.config import SubjectConfig
from auditor.matching import Matcher
from auditor.model import Observation

FIBRE = [SubjectConfig(id="fibre-150", name="Full Fibre 150", aliases=["Fibre 150"]),
         SubjectConfig(id="fibre-500", name="Full Fibre 500", aliases=["Fibre 500"])]
FIBER_SV = [SubjectConfig(id="fiber-250", name="Fiber 250/250"),
            SubjectConfig(id="fiber-500", name="Fiber 500/500"),
            SubjectConfig(id="fiber-1000", name="Fiber 1000/1000")]
KUITU = [SubjectConfig(id="kuitu-100", name="Kuitu 100M", aliases=["Kuitu 100"]),
         SubjectConfig(id="kuitu-1000", name="Kuitu 1000M", aliases=["Kuitu 1000"])]


def write_chat(path: Path, messages: list[dict]) -> Path:
    """The project's JSON format, one message a line (as test_transcripts.py writes it)."""
    lines = ['{"format": "omniaudit-transcript/1", "id": "t1", "messages": [']
    lines += [json.dumps(m, ensure_ascii=False) + ("," if i < len(messages) - 1 else "")
              for i, m in enumerate(messages)]
    lines += ["]}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def msg(role: str, name: str, text: str) -> dict:
    return {"role": role, "name": name, "timestamp": "2026-11-16T10:01:00+02:00", "text": text}


def capture(path: Path, source: str, company_names: tuple[str, ...] = ()) -> list[Observation]:
    t = load_transcript(path, company_names=company_names)
    return observations_from_transcript(t, channel="chat", source=source)


def facts(observations: list[Observation]) -> list[tuple]:
    return sorted((o.subject or "", o.attribute, o.value, o.evidence.line, o.match or "")
                  for o in observations)


def test_both_after_a_message_naming_two_offers_is_a_claim_about_each(tmp_path):
    chat = write_chat(tmp_path / "both.json", [
        msg("customer", "Zoe Martin", "Should I take Full Fibre 150 or Full Fibre 500?"),
        msg("agent", "Dan", "Both have a 12-month contract."),
    ])
    captured = capture(chat, "chats/both.json")
    assert [(o.subject, o.attribute, o.value) for o in captured] == [
        (None, "contract_months", 12)]
    base = captured[0].id
    obs = Matcher(FIBRE).match_observations(captured)
    assert sorted((o.id, o.subject, o.attribute, o.value, o.evidence.line, o.match)
                  for o in obs) == [
        (f"{base}-fibre-150", "fibre-150", "contract_months", 12, 3,
         "both / all of the offers under discussion: 'Full Fibre 150' (alias)"),
        (f"{base}-fibre-500", "fibre-500", "contract_months", 12, 3,
         "both / all of the offers under discussion: 'Full Fibre 500' (alias)"),
    ]


def test_offers_joined_by_and_in_the_claim_each_get_it(tmp_path):
    chat = write_chat(tmp_path / "och.json", [
        msg("customer", "Sara Lind", "Vilken bindningstid har ni på fiber?"),
        msg("agent", "Kundtjänst",
            "Fiber 250/250 och Fiber 500/500 har 12 månaders bindningstid."),
    ])
    captured = capture(chat, "chats/och.json")
    assert len(captured) == 1
    base = captured[0].id
    obs = Matcher(FIBER_SV).match_observations(captured)
    assert sorted((o.id, o.subject, o.attribute, o.value, o.match) for o in obs) == [
        (f"{base}-fiber-250", "fiber-250", "contract_months", 12,
         "one of the offers named together: 'Fiber 250/250' (alias)"),
        (f"{base}-fiber-500", "fiber-500", "contract_months", 12,
         "one of the offers named together: 'Fiber 500/500' (alias)"),
    ]
    assert not any(o.subject == "fiber-1000" for o in obs)


def test_a_name_the_catalogue_lacks_keeps_the_claim_unmatched(tmp_path):
    chat = write_chat(tmp_path / "kuitu.json", [
        msg("customer", "Matti Virtanen", "Paljonko Kuitu 1000 maksaa? Onko nopeampaa?"),
        msg("agent", "Anna", "Kuitu 1000 on 49,90 €/kk."),
        msg("customer", "Matti Virtanen", "Entä se nopein?"),
        msg("agent", "Anna", "Kuitu 2000M maksaa 59,90 €/kk."),
    ])
    obs = Matcher(KUITU).match_observations(capture(chat, "chats/kuitu.json"))
    assert facts(obs) == [
        ("", "monthly_price", Decimal("59.90"), 5,
         "unknown offer name 'Kuitu 2000M' in chats/kuitu.json line 5 — add it to `subjects`"),
        ("kuitu-1000", "monthly_price", Decimal("49.90"), 3,
         "named in the message: 'Kuitu 1000' (alias)"),
    ]
    unknown = next(o for o in obs if o.subject is None)
    assert unknown.match.startswith("unknown offer name 'Kuitu 2000M'")
    # Never pinned on the sibling under discussion (Kuitu 1000, named the message before).
    assert "Kuitu 1000" not in unknown.match


def test_a_claim_without_a_name_is_about_the_offer_under_discussion(tmp_path):
    chat = tmp_path / "WhatsApp Chat with Nordtel.txt"
    chat.write_text(
        "16.11.26, 10:01 - Matti Virtanen: Paljonko Kuitu 100 maksaa?\n"
        "16.11.26, 10:02 - Nordtel Asiakaspalvelu: Kuitu 100 on 29,90 €/kk.\n"
        "16.11.26, 10:03 - Matti Virtanen: Entä avausmaksu?\n"
        "16.11.26, 10:04 - Nordtel Asiakaspalvelu: Avausmaksu on 4,90 €.\n",
        encoding="utf-8")
    captured = capture(chat, "wa/nordtel.txt", ("Nordtel",))
    fee = next(o for o in captured if o.attribute == "activation_fee")
    # Capture keeps the earlier messages, newest first, for matching to read.
    assert fee.subject is None and fee.subject_hints == (
        "msg:Entä avausmaksu?", "msg:Kuitu 100 on 29,90 €/kk.",
        "msg:Paljonko Kuitu 100 maksaa?")
    obs = Matcher(KUITU).match_observations(captured)
    assert facts(obs) == [
        ("kuitu-100", "activation_fee", Decimal("4.90"), 4,
         "offer under discussion: 'Kuitu 100' (alias)"),
        ("kuitu-100", "monthly_price", Decimal("29.90"), 2,
         "named in the message: 'Kuitu 100' (alias)"),
    ]


def test_rematching_with_a_new_alias_reattributes_without_capturing_again(tmp_path):
    chat = write_chat(tmp_path / "satanen.json", [
        msg("customer", "Matti Virtanen", "Paljonko satanen valokuitu maksaa?"),
        msg("agent", "Anna", "Sen hinta on 29,90 €/kk."),
    ])
    captured = capture(chat, "chats/satanen.json")
    before = Matcher(KUITU).match_observations(captured)
    assert [(o.id, o.subject, o.value, o.match) for o in before] == [
        (captured[0].id, None, Decimal("29.90"), None)]
    grown = [SubjectConfig(id="kuitu-100", name="Kuitu 100M",
                           aliases=["Kuitu 100", "satanen valokuitu"]), KUITU[1]]
    chat.unlink()  # the same stored observations, no transcript to read again
    after = Matcher(grown).match_observations(captured)
    assert [(o.id, o.subject, o.value, o.evidence.line, o.match) for o in after] == [
        (captured[0].id, "kuitu-100", Decimal("29.90"), 3,
         "offer under discussion: 'satanen valokuitu' (alias)")]
    # And back: the stored run re-checked with the old catalogue is unmatched again.
    assert [o.subject for o in Matcher(KUITU).match_observations(after)] == [None]
    assert captured[0].subject is None


def test_a_catalogue_name_written_exactly_is_an_alias_match_not_fuzzy(tmp_path):
    chat = write_chat(tmp_path / "exact.json", [
        msg("agent", "Anna", "Kuitu 100M on 29,90 €/kk."),
    ])
    obs = Matcher(KUITU).match_observations(capture(chat, "chats/exact.json"))
    assert [(o.subject, o.match) for o in obs] == [
        ("kuitu-100", "named in the message: 'Kuitu 100M' (alias)")]


def test_a_name_with_its_own_price_is_no_part_of_the_bundle_named_before(tmp_path):
    # "comprend" (includes) joins a bundle only when no price stands between the names.
    chat = write_chat(tmp_path / "two.json", [
        msg("agent", "Anna", "Kuitu 100M (29,90 €/kk) sisältää 100 Mbit/s, Kuitu 1000M "
                             "(39,90 €/kk) on nopein."),
    ])
    obs = Matcher(KUITU).match_observations(capture(chat, "chats/two.json"))
    assert sorted((o.subject, o.value) for o in obs if o.attribute == "monthly_price") == [
        ("kuitu-100", Decimal("29.90")), ("kuitu-1000", Decimal("39.90"))]


def test_a_claim_after_a_message_naming_several_offers_is_about_the_first(tmp_path):
    # The offer a message names first is its topic; the others are parts or comparisons.
    chat = write_chat(tmp_path / "several.json", [
        msg("customer", "Zoe Martin", "How much is the big one?"),
        msg("agent", "Dan", "Full Fibre 500 is £40 a month. It is twice as fast as Full "
                            "Fibre 150."),
        msg("customer", "Zoe Martin", "Anything to pay upfront?"),
        msg("agent", "Dan", "A one-off £20 activation fee."),
    ])
    obs = Matcher(FIBRE).match_observations(capture(chat, "chats/several.json"))
    fee = next(o for o in obs if o.attribute == "activation_fee")
    assert (fee.subject, fee.value) == ("fibre-500", Decimal("20"))
    assert fee.match == "offer under discussion: 'Full Fibre 500' (alias)"


def test_an_offer_named_as_what_another_comes_with_keeps_the_later_sentences_claims(
        tmp_path):
    # "Young … £25 a month with all the speed of Full Fibre 500. There is a one-off £15
    # activation fee": the fee is the first offer's, Full Fibre 500 only describes it.
    chat = write_chat(tmp_path / "topic.json", [
        msg("customer", "Zoe Martin", "Do you have a student plan?"),
        msg("agent", "Dan", "Yes, Full Fibre 150 is £25 a month with the speed of Full Fibre "
                            "500 at night. There is a one-off £15 activation fee."),
    ])
    obs = Matcher(FIBRE).match_observations(capture(chat, "chats/topic.json"))
    fee = next(o for o in obs if o.attribute == "activation_fee")
    assert (fee.subject, fee.value) == ("fibre-150", Decimal("15"))
    assert fee.match == "named in the message: 'Full Fibre 150' (alias)"
