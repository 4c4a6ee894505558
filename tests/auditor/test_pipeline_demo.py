"""The Nordtel demo audited end to end through the real browser, against its answer key.

The answer key (auditor/demo/answer_key.json) is written by hand beside the demo; these
tests compare a real run with it, never with a stored copy of a previous output.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from auditor.demo import TRANSCRIPTS_DIR
from auditor.model import run_from_dict
from auditor.pipeline import check_run
from auditor.store import Store

pytestmark = pytest.mark.browser


def _key(f: dict) -> tuple[str, str, str]:
    return f["check"], f["subject"], f["attribute"]


def test_every_seeded_problem_is_found_in_findings_json(demo_run, answer_key):
    findings = demo_run.findings_doc["findings"]
    for problem in answer_key["problems"]:
        hits = [f for f in findings if _key(f) == _key(problem)]
        assert hits, f"seeded problem not found: {problem}"
        assert set(problem["channels"]) <= set(hits[0]["channels"]), (problem, hits[0])


def test_no_finding_that_the_answer_key_does_not_explain(demo_run, answer_key):
    expected = {_key(p) for p in answer_key["problems"]}
    unexpected = [(_key(f), f["message"]) for f in demo_run.findings_doc["findings"]
                  if _key(f) not in expected]
    assert unexpected == []


def test_consistent_offers_are_seen_everywhere_and_never_flagged(demo_run, answer_key):
    findings = demo_run.findings_doc["findings"]
    assert [f for f in findings if f["subject"] in answer_key["consistent"]] == []
    # "No finding" must come from agreement, not from capturing nothing.
    for subject in answer_key["consistent"]:
        for channel in ("desktop", "mobile"):
            prices = {o["value"] for o in demo_run.findings_doc["observations"]
                      if o["subject"] == subject and o["channel"] == channel
                      and o["attribute"] == "monthly_price"}
            assert len(prices) == 1, (subject, channel, prices)


def test_every_problem_is_in_the_html_report(demo_run, answer_key):
    html = demo_run.paths["html"].read_text(encoding="utf-8")
    names = {s["id"]: s["name"] for s in demo_run.findings_doc["subjects"]}
    for problem in answer_key["problems"]:
        assert problem["check"] in html
        assert names.get(problem["subject"], problem["subject"]) in html


def test_evidence_points_at_pages_elements_and_transcript_lines(demo_run):
    doc = demo_run.findings_doc
    obs = {o["id"]: o for o in doc["observations"]}
    by_check = {f["check"]: f for f in doc["findings"]}
    fee = [obs[i] for i in by_check["hidden_fee"]["observations"]]
    assert fee and all(o["channel"] == "chat" and o["value"] == "4.90" for o in fee)
    chat = fee[0]["evidence"]
    assert chat["transcript"].endswith(".json") and chat["line"] >= 2
    assert chat["speaker"].startswith(("agent", "bot"))
    fine = [obs[i] for i in by_check["fine_print"]["observations"]]
    assert all(o["shown"]["collapsed"] is True and o["shown"]["visible"] is False for o in fine)
    mismatch = [obs[i] for i in by_check["price_mismatch"]["observations"]]
    shots = [o["evidence"]["screenshot"] for o in mismatch if o["source"] == "text"]
    assert shots and all((demo_run.out_dir / s).is_file() for s in shots)
    assert all(o["evidence"]["url"].startswith("http://127.0.0.1:") for o in mismatch)
    assert {o["value"] for o in mismatch} == {"29.90", "32.90"}


def test_personal_data_from_transcripts_never_reaches_the_outputs(demo_run):
    names, emails = set(), set()
    for path in Path(TRANSCRIPTS_DIR).glob("*.json"):
        for m in json.loads(path.read_text(encoding="utf-8"))["messages"]:
            if m["role"] == "customer" and m.get("name"):
                names.update(p for p in m["name"].split() if len(p) > 2)
            emails.update(w.strip(".,!?") for w in m["text"].split() if "@" in w)
    assert names and emails  # the demo does carry personal data to mask
    for out in (demo_run.paths["html"], demo_run.paths["json"]):
        text = out.read_text(encoding="utf-8")
        leaked = [x for x in names | emails if x in text]
        assert leaked == [], (out.name, leaked)


def test_run_is_stored_and_rechecks_offline_to_the_same_findings(demo_run, demo_config):
    store = Store(demo_run.out_dir.parent / "store.sqlite")
    stored = store.load(demo_run.run.id)
    assert [f.fingerprint for f in stored.findings] == \
        [f.fingerprint for f in demo_run.run.findings]
    rechecked = check_run(run_from_dict(demo_run.findings_doc), demo_config)
    assert {f.fingerprint for f in rechecked.findings} == \
        {f["fingerprint"] for f in demo_run.findings_doc["findings"]}
    assert all(isinstance(o.value, Decimal) for o in rechecked.observations
               if o.attribute == "monthly_price")


def test_capture_stats_and_schema(demo_run):
    from reports import load_findings

    doc = load_findings(demo_run.paths["json"])  # validates against the JSON Schema
    assert doc["schema_version"] == "1" and doc["run"]["complete"] is True
    chans = doc["run"]["channels"]
    assert chans["desktop"]["pages_ok"] >= 10 and chans["mobile"]["pages_ok"] >= 10
    assert chans["chat"]["pages_ok"] >= 8
    assert all(c["pages_failed"] == 0 for c in chans.values())
    # Offer pages of the mobile site are reached through its own navigation.
    assert any("/m/tuote/" in u for u in chans["mobile"]["visited"])


def test_the_configured_reference_logo_is_shown_beside_the_drifted_one(demo_run):
    # The demo's mobile site shows an old logo; the run carries the configured logo as a PNG
    # in its output folder, and the report shows both.
    doc = demo_run.findings_doc
    assert any(f["check"] == "logo_drift" for f in doc["findings"])
    rel = doc["run"]["reference_logo"]
    assert rel == "evidence/reference-logo.png"
    out = demo_run.paths["html"].parent
    assert (out / rel).read_bytes().startswith(b"\x89PNG")
    html = demo_run.paths["html"].read_text(encoding="utf-8")
    assert "Reference: the configured logo" in html
