"""Hostile captured content, end to end: a loopback shop and a chat transcript carrying
script tags, event-handler attributes, ``javascript:`` links, a 1 MB string and odd Unicode
go through the REAL pipeline (real Chromium capture, transcripts, matching, checks, store)
and the report opened in the real Chromium shows all of it as text and runs none of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.pipeline import execute
from auditor.store import Store
from reports import load_findings, write_reports

pytestmark = pytest.mark.browser

HTML = "text/html; charset=utf-8"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
#: Right-to-left override, zero-width space/joiner, an isolate and combining marks.
ODD = "\u202eevil\u202c z\u0351\u0352\u035da\u200blgo\u200d \u2067kk\u2069 \u05de\u05d7\u05d9\u05e8"
#: A 1 MB unbroken token: visible on the page (a page many screens wide must still be
#: captured) and inside a company claim in the transcript (so it reaches the report).
HUGE = "x" * 1_000_000

#: The shop's page: a live script, handlers, a javascript: link, and the same payloads as
#: visible text (entity-escaped by the site, so they are what a customer would read).
PAGE = f"""<!doctype html><html lang="fi"><head><title>Kuitu {SCRIPT}</title>
<script>window.__site_script_ran = true;</script></head>
<body onload="alert('body')">
<main>
 <article><h2>Kuitu 100M</h2>
  <p class="price" onclick="alert(2)" onmouseover="alert(3)">34,90 €/kk
   &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; {ODD}</p>
  <img src="/missing.png" onerror="alert(4)" alt="">
  <a href="javascript:alert(5)">Tilaa {ODD}</a>
  <a href="/offer?q=%3Cscript%3Ealert(6)%3C/script%3E">Lisää</a>
  <details><summary>Ehdot</summary><p class="terms">Avausmaksu 4,90 € {HUGE}</p></details>
  <p class="wide">{HUGE}</p>
 </article>
</main></body></html>"""

OFFER = f"""<!doctype html><html><body><h1>Kuitu 100M</h1>
<p class="price">34,90 €/kk</p><p>Avausmaksu 0,00 € {SCRIPT}</p></body></html>"""


def _transcript() -> str:
    """One conversation, one message per line (lines are evidence)."""
    messages = [
        {"role": "customer", "name": "Matti Virtanen",
         "text": "Paljonko Kuitu 100M maksaa? Sähköpostini on matti.virtanen@example.com, "
                 "puhelin 040 123 4567."},
        {"role": "agent", "name": f"Anna {SCRIPT}",
         "text": f"Kuitu 100M maksaa 29,90 €/kk {SCRIPT}{IMG} "
                 f"<a href=\"javascript:alert(7)\">tilaa</a> {ODD} Kiitos, Matti!"},
        {"role": "agent", "name": "Anna", "text": "Avausmaksu on 4,90 €. " + HUGE},
    ]
    lines = ['{"format": "omniaudit-transcript/1", "id": "hostile-1", "messages": [']
    lines += [" " + json.dumps(m, ensure_ascii=False) + ("," if i < len(messages) - 1 else "")
              for i, m in enumerate(messages)]
    lines.append("]}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def hostile_run(tmp_path: Path, serve_pages, chromium):
    site = serve_pages({"/": (200, HTML, PAGE), "/offer": (200, HTML, OFFER),
                        "/offer?q=%3Cscript%3Ealert(6)%3C/script%3E": (200, HTML, OFFER)})
    chat = tmp_path / "chat"
    chat.mkdir()
    (chat / "hostile-1.json").write_text(_transcript(), encoding="utf-8")
    cfg_path = tmp_path / "audit.yaml"
    cfg_path.write_text(
        f"name: hostile\nbase_url: {site.url}\nchannels:\n"
        "  desktop:\n    kind: web\n    start_urls: ['/']\n    timeout: 15\n"
        "  chat:\n    kind: transcripts\n    path: chat\n"
        "subjects:\n  - id: fiber-100\n    name: Kuitu 100M\n", encoding="utf-8")
    out = tmp_path / "out"
    store = Store(tmp_path / "store.sqlite")
    run, previous = execute(load_config(cfg_path), out, store=store, browser=chromium)
    paths = write_reports(run, out, previous=previous, history=store.trend(run.config_name))
    return run, paths


def test_hostile_content_is_shown_as_text_and_never_runs(hostile_run, open_in_chromium):
    run, paths = hostile_run
    doc = load_findings(paths["json"])  # schema-valid even with all of this inside
    # the megabyte strings neither crashed nor stalled capture: both channels were read
    assert doc["run"]["complete"], doc["run"]["channels"]
    texts = " ".join(o["text"] for o in doc["observations"])
    assert SCRIPT in texts, "the payload must really have been captured for this test to mean"
    assert any(len(o["text"]) > 1_000_000 for o in doc["observations"])  # the megabyte claim
    price = [f for f in doc["findings"] if f["attribute"] == "monthly_price"]
    assert price, doc["findings"]

    html = paths["html"].read_text(encoding="utf-8")
    # personal data from the transcript never reaches the report
    assert "matti.virtanen@example.com" not in html and "040 123 4567" not in html
    assert "Virtanen" not in html

    from playwright import sync_api

    watched = open_in_chromium(paths["html"])
    page = watched.page

    # only our one script; no element carries a handler; no javascript: link
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
        ".some(a => a.name.startsWith('on'))).length") == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.evaluate("window.__site_script_ran") is None

    finding = page.locator("article[data-finding][data-check]").filter(
        has_text="29,90").first
    assert finding.is_visible()
    # articles off screen are not rendered yet (content-visibility: auto), so look
    # at it the way a reader does: scrolled to
    finding.scroll_into_view_if_needed()
    sync_api.expect(finding).to_contain_text(SCRIPT, use_inner_text=True)
    shown = finding.inner_text()
    assert SCRIPT in shown and "onerror=alert(1)" in shown
    assert "\u202eevil\u202c" in shown  # odd Unicode kept, isolated in <bdi>
    assert "Matti" not in shown

    # the search still works with all of this in the page
    page.fill("#f-search", "<script>alert(1)</script>")
    assert page.locator("article[data-finding]:visible").count() >= 1
    page.click("#f-clear")

    watched.assert_inert()
