"""Capture units are plain data: every unit and result survives JSON unchanged, and a
transcript file read as a unit gives what the channel capture gives."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from auditor.capture.batch import read_transcript_file
from auditor.capture.transcripts import capture_transcripts_channel, transcript_files
from auditor.capture.units import (
    BatchResult,
    BrandData,
    PageOutcome,
    ScopeData,
    TranscriptFile,
    TranscriptFileResult,
    WebBatch,
    batch_id,
)
from auditor.config import TranscriptChannel, WebChannel
from auditor.engine.coordinator import channel_settings
from auditor.extract.money import locale_currency
from auditor.model import Evidence, Observation, Shown


def _through_json(data: dict) -> dict:
    return json.loads(json.dumps(data))


def _obs() -> Observation:
    return Observation(id="o_1", channel="desktop", attribute="monthly_price",
                       value=Decimal("24.90"), text="24,90 €/kk",
                       evidence=Evidence(url="http://127.0.0.1:1/x", selector="p.price",
                                         viewport="1366x900"),
                       subject_hints=("Kuitu 100M", "sku:F100"), currency="EUR", period="month",
                       shown=Shown(visible=True, font_px=16.0, contrast=12.5), role="main",
                       span=(0, 5), free_from=Decimal("50"))


def test_web_batch_and_result_round_trip_through_json(demo_config):
    ch = demo_config.channels["desktop"]
    assert isinstance(ch, WebChannel)
    urls = ("http://127.0.0.1:1/", "http://127.0.0.1:1/a")
    unit = WebBatch(run_id="r1", channel="desktop", batch_id=batch_id("desktop", urls),
                    pages=((urls[0], 0), (urls[1], 1)),
                    settings=channel_settings(ch, demo_config),
                    scope=ScopeData(("127.0.0.1:1",), (), ("http://127.0.0.1:1/m/",)),
                    today="2026-11-29", evidence_root="/shared/evidence",
                    brand=BrandData("Nordtel", ("TeleNord",), None), deadline_s=60.0)
    again = WebBatch.from_dict(_through_json(unit.to_dict()))
    assert again == unit
    assert again.task_id == f"r1:{unit.batch_id}"
    assert WebChannel.model_validate(again.settings) == ch.model_copy(update={
        "start_urls": [demo_config.absolute_url(u) for u in ch.start_urls],
        "include": [], "exclude": []})
    result = BatchResult(run_id="r1", channel="desktop", batch_id=unit.batch_id,
                         pages=(PageOutcome(urls[0], 0, "ok", final=urls[0],
                                            links=("/a", "/b")),
                                PageOutcome(urls[1], 1, "failed", reason="HTTP 500"),
                                PageOutcome("http://127.0.0.1:1/c", 1, "pending")),
                         observations=(_obs(),), notes=("n",), retries=2, relaunches=1,
                         worker="w1@h")
    assert BatchResult.from_dict(_through_json(result.to_dict())) == result


def test_batch_ids_are_deterministic_and_differ_per_batch():
    assert batch_id("desktop", ["a", "b"]) == batch_id("desktop", ["a", "b"])
    assert batch_id("desktop", ["a", "b"]) != batch_id("desktop", ["b", "a"])
    assert batch_id("desktop", ["a"]) != batch_id("mobile", ["a"])


@given(st.text(min_size=1, max_size=20), st.lists(st.tuples(st.text(max_size=30),
                                                            st.integers(0, 9)), max_size=5),
       st.dates(), st.floats(1, 1e4))
def test_any_web_batch_round_trips(channel, pages, today, deadline):
    unit = WebBatch(run_id="r", channel=channel, batch_id=batch_id(channel, [u for u, _ in pages]),
                    pages=tuple(pages), settings={"kind": "web", "start_urls": ["/"]},
                    scope=ScopeData(("h",)), today=today.isoformat(), evidence_root="/e",
                    deadline_s=deadline)
    assert WebBatch.from_dict(_through_json(unit.to_dict())) == unit


def test_transcript_file_units_give_what_the_channel_capture_gives(demo_config):
    ch = demo_config.channels["chat"]
    assert isinstance(ch, TranscriptChannel)
    today = date(2026, 11, 29)
    whole = capture_transcripts_channel("chat", ch, demo_config, today)
    root = demo_config.resolve(ch.path)
    brand = BrandData(demo_config.brand.name, tuple(demo_config.brand.retired_names))
    observations: list[Observation] = []
    for path in transcript_files(root, ch.pattern):
        unit = TranscriptFile(run_id="r", channel="chat", path=str(path),
                              source=str(path.relative_to(root.parent)),
                              today=today.isoformat(), evidence_root="/e", format=ch.format,
                              company=(brand.name, *ch.agents),
                              currency=locale_currency("fi-FI"), max_file_mb=ch.max_file_mb,
                              brand=brand)
        assert TranscriptFile.from_dict(_through_json(unit.to_dict())) == unit
        result = read_transcript_file(TranscriptFile.from_dict(unit.to_dict()))
        assert TranscriptFileResult.from_dict(_through_json(result.to_dict())) == result
        assert result.error is None
        observations.extend(result.observations)
    assert observations == list(whole.observations)
    assert len(observations) > 20


def test_an_unreadable_transcript_file_comes_back_with_its_reason(tmp_path: Path):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    unit = TranscriptFile(run_id="r", channel="chat", path=str(bad), source="t/broken.json",
                          today="2026-11-29", evidence_root=str(tmp_path))
    result = read_transcript_file(unit)
    assert result.observations == () and result.error
    missing = read_transcript_file(TranscriptFile(
        run_id="r", channel="chat", path=str(tmp_path / "gone.json"), source="t/gone.json",
        today="2026-11-29", evidence_root=str(tmp_path)))
    assert missing.error and missing.error.startswith("cannot read")


def test_a_channel_read_file_by_file_is_the_channel_capture(demo_config, tmp_path: Path):
    """transcript_units + read_transcript_file + transcripts_result (what an engine's
    workers do) give the in-process channel capture's result, a broken file included."""
    import shutil

    from auditor.capture.batch import transcript_units, transcripts_result

    chats = tmp_path / "chats"
    shutil.copytree(demo_config.resolve(demo_config.channels["chat"].path), chats)
    (chats / "broken.json").write_text("{not json", encoding="utf-8")
    ch = demo_config.channels["chat"].model_copy(update={"path": chats})
    today = date(2026, 11, 20)
    whole = capture_transcripts_channel("chat", ch, demo_config, today)
    units = transcript_units("chat", ch, demo_config, run_id="r", today=today,
                             evidence_root=tmp_path / "e")
    assert isinstance(units, list) and len({u.result_id for u in units}) == len(units)
    by_file = transcripts_result("chat", units, {u.source: read_transcript_file(
        TranscriptFile.from_dict(_through_json(u.to_dict()))) for u in units})
    assert by_file == whole and whole.pages_failed == 1 and whole.pages_ok >= 3
    missing = transcript_units("chat", ch.model_copy(update={"path": tmp_path / "none"}),
                               demo_config, run_id="r", today=today, evidence_root=tmp_path)
    assert missing == capture_transcripts_channel(
        "chat", ch.model_copy(update={"path": tmp_path / "none"}), demo_config, today)
