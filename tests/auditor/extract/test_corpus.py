"""The labelled corpus (tests/corpus/) meets the accuracy targets of issue 3.

Scoring lives in ``bench/accuracy.py`` (``make bench-accuracy`` prints the same figures).
A failing target lists every wrong case in the assertion message, so a regression names
the strings, chats or pages it broke.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
assert _spec and _spec.loader
accuracy = importlib.util.module_from_spec(_spec)
sys.modules["bench_accuracy"] = accuracy  # dataclasses look their module up by name
_spec.loader.exec_module(accuracy)


def _assert_meets(score) -> None:
    target = accuracy.TARGETS[score.name]
    assert score.meets(target), score.line() + "\n" + "\n".join(score.errors)


def test_corpus_is_as_large_as_promised():
    rows = accuracy.money_rows()
    assert len(rows) >= 400
    # Every language with a lexicon file; the five first ones at least 70 rows each.
    assert {lang for lang, _, _ in rows} >= {"fi", "sv", "en", "de", "fr", "nb", "es"}
    assert all(sum(lang == x for lang, _, _ in rows) >= 70 for x in ("fi", "sv", "en", "de", "fr"))
    cases = accuracy.transcript_cases()
    assert len(cases) >= 60
    assert all(c.get("expected") for c in cases)
    pages = accuracy.page_expectations()
    assert len(pages) >= 25
    assert all((ROOT / "tests" / "corpus" / "pages" / name).is_file() for name in pages)


def test_money_strings_meet_99_precision_97_recall():
    _assert_meets(accuracy.score_money())


def test_transcript_attribution_meets_95_precision_90_recall():
    _assert_meets(accuracy.score_transcripts())


def test_corpus_transcripts_keep_no_personal_data(tmp_path):
    from auditor.capture.transcripts import load_transcript, observations_from_transcript
    from auditor.matching import Matcher

    matcher = Matcher(accuracy.corpus_subjects())
    leaks = []
    for case in accuracy.transcript_cases():
        path = tmp_path / f"{case['id']}.{case.get('ext', 'json')}"
        path.write_text(case["content"], encoding="utf-8")
        t = load_transcript(path, "auto", ["Valo", case.get("company", "Valo")])
        for o in matcher.match_observations(
                observations_from_transcript(t, channel="chat", source=path.name)):
            stored = " ".join((o.text, o.evidence.speaker or "", o.match or "",
                               *o.subject_hints))
            leaks += [(case["id"], p) for p in case.get("personal", []) if p in stored]
    assert not leaks


def test_score_counts_wrong_subject_as_one_miss_and_one_false_positive():
    s = accuracy.Score("pages")
    s.add("x", {("a", "monthly_price", 1)}, {("b", "monthly_price", 1)})
    assert (s.tp, s.fp, s.fn) == (0, 1, 1) and s.errors


@pytest.mark.browser
def test_page_fixtures_meet_98_precision_95_recall(chromium):
    # One browser session renders every page over one loopback server.
    _assert_meets(accuracy.score_pages(chromium.path))
