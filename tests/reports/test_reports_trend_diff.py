"""The trend chart, the run comparison's resolved/unverified split and the HTML diff."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from auditor.model import Run, Severity
from auditor.store import Store
from reports import findings_document
from reports._common import compare_runs
from reports.diff import diff_documents, render_diff_html, render_diff_text
from reports.html import render_html
from reports.trend import build_trend

from .conftest import HOSTILE


def test_trend_from_the_store_ends_with_this_run(run: Run, previous: Run, tmp_path: Path,
                                                 html_parser) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.save(previous)
    store.save(run)
    history = store.trend(run.config_name)
    assert [h["id"] for h in history] == [previous.id, run.id]  # oldest first
    assert history[0]["by_severity"] == {"info": 1, "low": 0, "medium": 1, "high": 1,
                                         "critical": 0}
    assert history[1]["waived"] == 1 and history[1]["by_severity"]["high"] == 1

    trend = build_trend(run, history)
    assert trend is not None
    assert [(b.run_id, b.total, b.current) for b in trend.bars] == [
        (previous.id, 3, False), (run.id, 7, True)]
    # stacked from the baseline up: the heights add up to the bar's share of the axis
    top = trend.ticks[-1][1]
    assert top == 10
    cur = trend.bars[1]
    assert round(sum(h for _, _, h, _ in cur.segments), 1) == round(162 * 7 / 10, 1)

    dom = html_parser(render_html(run, tmp_path, previous=previous, history=history))
    section = dom.find("section", id="trend")
    bars = section.find_all("g")
    assert [g.attrs["data-total"] for g in bars] == ["3", "7"]
    assert "(this run)" in bars[1].find("title").text
    rows = section.find("table").find("tbody").find_all("tr")
    assert rows[0].attrs.get("aria-current") == "true"  # newest first in the table


def test_no_history_no_chart(run: Run, tmp_path: Path, html_parser) -> None:
    dom = html_parser(render_html(run, tmp_path))
    assert not dom.find_all("section", id="trend")
    assert build_trend(run, None) is None


def test_findings_of_a_channel_that_failed_are_unverified_not_resolved(run: Run,
                                                                       previous: Run) -> None:
    gone_on_mobile = replace(previous.findings[-1], channels=("mobile",))
    prev = replace(previous, findings=(*previous.findings[:-1], gone_on_mobile))
    c = compare_runs(run, prev)  # in ``run`` the mobile channel is incomplete
    assert c is not None and c.resolved == () and c.unverified == (gone_on_mobile,)
    ok = replace(run, channels={n: replace(ch, pages_failed=0) for n, ch in run.channels.items()})
    c = compare_runs(ok, prev)
    assert c is not None and c.resolved == (gone_on_mobile,) and c.unverified == ()


def test_diff_in_three_formats(run: Run, previous: Run, html_parser) -> None:
    old, new = findings_document(previous), findings_document(run)
    result = diff_documents(old, new)
    assert [len(result[k]) for k in ("new", "resolved", "persisting")] == [6, 1, 2]
    assert [f["check"] for f in result["new"]][:2] == ["fee-only-in-chat", "fee-in-fine-print"]
    assert result["resolved"][0]["check"] == "expired-campaign"
    assert result["changed"] == []
    json.dumps(result)  # machine format: plain JSON

    text = render_diff_text(result)
    assert text.splitlines()[0] == "new: 6" and "resolved: 1" in text
    assert "shown on two lines" in text  # messages kept on one line

    page = render_diff_html(result)
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    dom = html_parser(page)
    counts = {n.attrs["data-count"]: n.text for n in dom.iter() if "data-count" in n.attrs}
    assert counts == {"new": "6", "resolved": "1", "persisting": "2"}
    resolved = dom.find("section", id="resolved")
    assert "An expired campaign was still shown." in resolved.text
    csp = dom.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp and "script-src" not in csp


def test_diff_marks_a_persisting_finding_that_got_worse(run: Run, previous: Run) -> None:
    old = findings_document(previous)
    price = next(f for f in old["findings"] if f["check"] == "price-mismatch")
    price["severity"] = Severity.LOW.label
    result = diff_documents(old, findings_document(run))
    assert result["changed"] == [{"fingerprint": price["fingerprint"],
                                  "severity": ["low", "high"],
                                  "status": ["persisting", "persisting"]}]
    assert "was low, persisting" in render_diff_html(result)
