"""report.html in a real Chromium: no script runs but ours, and the filters work."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def _visible_checks(page) -> list[str]:
    return page.eval_on_selector_all(
        "article[data-finding]",
        "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.check)",
    )


def _press(page, selector: str) -> None:
    """Activate a button from the keyboard. In the large-report mode, sections above a
    button take their real height as they render (content-visibility: auto), so a mouse
    click can land where the button was a frame ago; keyboard users need this path anyway."""
    page.focus(selector)
    page.keyboard.press("Enter")


def _expect_visible_checks(page, expected: list[str]) -> None:
    """The large-report mode renders chunks asynchronously: wait for the filters to settle,
    then compare (so a wrong result still fails with the lists side by side)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "exp => JSON.stringify([...document.querySelectorAll('article[data-finding]')]"
            ".filter(e => e.checkVisibility()).map(e => e.dataset.check)) === "
            "JSON.stringify(exp)", arg=expected, timeout=10_000)
    except PlaywrightTimeout:
        pass
    assert _visible_checks(page) == expected


def test_report_in_chromium(written: dict[str, Path], open_in_chromium) -> None:
    """Hostile captured content stays inert; severity, channel, offer and text filters work.

    ``open_in_chromium`` (tests/conftest.py) opens it in the project's own Chromium.
    """
    url = written["html"].resolve().as_uri()
    watched = open_in_chromium(written["html"])
    page = watched.page

    page.keyboard.press("Tab")  # keyboard users first reach the skip link
    assert page.evaluate("document.activeElement.textContent") == "Skip to findings"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#findings"
    # from there Tab walks the filters in order, then into the first finding
    focused = []
    for _ in range(7):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || "
                                     "document.activeElement.className"))
    assert focused == ["f-severity", "f-check", "f-channel", "f-subject", "f-search",
                       "f-clear", "permalink"]
    page.keyboard.press("Enter")  # a finding's heading links to the finding itself
    first = page.locator("article[data-finding]").first.get_attribute("id")
    assert page.evaluate("location.hash") == f"#{first}"
    page.focus("#f-severity")
    page.keyboard.press("ArrowDown")  # filters work from the keyboard: "critical"
    assert page.locator("#filter-status").inner_text() == "1 of 8 findings shown"
    assert _visible_checks(page) == ["fee-only-in-chat"]
    page.click("#f-clear")

    # severity groups, then warnings, then the waived section
    every = ["fee-only-in-chat", "price-mismatch", "campaign-missing",
             "contract-mismatch", "logo-mismatch", "brand-color",
             "brand-name-spelling", "fee-in-fine-print"]
    assert page.locator("#filters").is_visible()
    assert _visible_checks(page) == every
    assert page.locator("#filter-status").inner_text() == "8 of 8 findings shown"

    page.select_option("#f-severity", label="high and above")
    assert _visible_checks(page) == ["fee-only-in-chat", "price-mismatch",
                                     "fee-in-fine-print"]
    assert not page.locator("#warnings").is_visible()
    assert not page.locator("#h-sev-medium").is_visible()
    assert page.locator("#filter-status").inner_text() == "3 of 8 findings shown"

    page.select_option("#f-severity", label="medium and above")
    page.select_option("#f-channel", "chat")
    assert _visible_checks(page) == ["fee-only-in-chat", "price-mismatch",
                                     "contract-mismatch"]

    page.click("#f-clear")
    page.fill("#f-search", "NORTEL")
    assert _visible_checks(page) == ["brand-name-spelling"]
    assert page.locator("#warnings").is_visible()
    assert not page.locator("#findings section[data-finding-group]").first.is_visible()

    page.fill("#f-search", "26,90")
    assert _visible_checks(page) == ["price-mismatch"]
    page.select_option("#f-subject", label="Kuitu 300M")
    assert _visible_checks(page) == []
    assert page.locator("#filter-empty").is_visible()

    page.click("#f-clear")
    assert _visible_checks(page) == every

    # the captured javascript: URL is text, never a link
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img").evaluate_all(
        "imgs => imgs.every(i => i.complete && i.naturalWidth === 4)")

    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert page.locator("article[data-finding]").first.is_visible()

    # without JavaScript everything is visible and the inert filter form is hidden
    context = watched.browser.new_context(java_script_enabled=False)
    nojs = context.new_page()
    nojs.goto(url)
    assert nojs.locator("article[data-finding]:visible").count() == 8
    assert not nojs.locator("#filters").is_visible()
    context.close()

    watched.assert_inert()


def test_large_report_renders_lazily_in_chromium(run_factory, out_dir: Path,
                                                 open_in_chromium) -> None:
    """The large-report mode (forced here on a small run): findings come from the JSON
    block a chunk at a time, filters work, screenshots load from evidence/ under the CSP,
    and the hostile content stays inert."""
    from playwright import sync_api

    from reports.html import render_html

    big = run_factory(extra_findings=150)  # 158 findings: two chunks of 100
    html = out_dir / "report.html"
    html.write_text(render_html(big, out_dir, lazy=True), encoding="utf-8")
    assert "data:image/png" not in html.read_text("utf-8")
    watched = open_in_chromium(html)
    page = watched.page
    status = page.locator("#filter-status")
    # the rows are unpacked asynchronously (DecompressionStream): wait for them
    sync_api.expect(status).to_have_text("158 of 158 findings match; 100 shown")
    assert page.locator("article[data-finding]").count() == 100
    _press(page, "#f-more")
    sync_api.expect(page.locator("article[data-finding]")).to_have_count(158)
    sync_api.expect(page.locator("#lazy-more")).to_be_hidden()

    page.select_option("#f-severity", label="critical")
    _expect_visible_checks(page, ["fee-only-in-chat"])
    _press(page, "#f-clear")
    page.fill("#f-search", "<script>alert(1)</script>")
    _expect_visible_checks(page, ["campaign-missing"])
    page.fill("#f-search", "Extra mismatch number 149")
    _expect_visible_checks(page, ["price-mismatch"])
    _press(page, "#f-clear")
    page.select_option("#f-severity", label="high and above")
    _press(page, "#f-more")
    # evidence screenshots are files next to the report, loaded under the CSP
    img = page.locator("img[loading=lazy]").first
    img.scroll_into_view_if_needed()
    assert img.evaluate("i => i.decode().then(() => i.naturalWidth)") == 4
    assert img.get_attribute("src").startswith("evidence/")
    assert page.locator("a[href^='javascript' i]").count() == 0
    watched.assert_inert()
    assert any(r.endswith("/evidence/price-desktop.png") for r in watched.requests)


# --- A phone, paper and a full-page screenshot --------------------------------------------

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1}

#: Every section of the report, in order (the run has no history, so no trend).
SECTIONS = ["matrix", "findings", "warnings", "waived", "capture-errors", "unmatched"]

_BOXES = """sel => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect();
  return {id: e.id || e.className, top: r.top + scrollY, left: r.left + scrollX,
          width: r.width, height: r.height,
          cv: getComputedStyle(e).contentVisibility,
          shown: e.checkVisibility({contentVisibilityAuto: true})};
})"""


def _ink(image, box: dict) -> float:
    """The share of dark pixels inside ``box`` (10 px in from its edges, so borders do not
    count) of a full-page screenshot: text draws several per cent; a box the browser skipped
    (content-visibility) is plain background, 0."""
    crop = image.crop((round(box["left"]) + 10, round(box["top"]) + 10,
                       round(box["left"] + box["width"]) - 10,
                       round(box["top"] + box["height"]) - 10))
    colours = crop.getcolors(maxcolors=1 << 24)
    dark = sum(n for n, rgb in colours if sum(rgb) < 600)
    return dark / (crop.width * crop.height)


def _full_page(page):
    from PIL import Image

    shot = page.screenshot(full_page=True)
    width, height = int.from_bytes(shot[16:20], "big"), int.from_bytes(shot[20:24], "big")
    return shot, (width, height), Image.open(io.BytesIO(shot)).convert("RGB")


def _matrix_scrolls_with_the_offer_column_held(page) -> None:
    box = page.locator("#matrix .scroll")
    scroll_width, client_width = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert scroll_width > client_width and client_width <= 390
    offer = page.locator("#matrix tbody th[scope=row]").first
    first_channel = page.locator("#matrix tbody td").first
    last_heading = page.locator("#matrix thead th").last
    before = offer.bounding_box()["x"]
    channel_before = first_channel.bounding_box()["x"]
    assert last_heading.bounding_box()["x"] >= 390  # the last channel starts off screen
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert box.evaluate("b => b.scrollLeft") == scroll_width - client_width
    assert offer.bounding_box()["x"] == before  # the offer column stays in place
    assert first_channel.bounding_box()["x"] < channel_before  # the channels moved
    last = last_heading.bounding_box()
    assert last["x"] + last["width"] <= 390 + 1  # and the last channel is now on screen
    box.evaluate("b => { b.scrollLeft = 0; }")


def test_report_on_a_phone_on_paper_and_in_a_full_page_screenshot(
        written: dict[str, Path], open_in_chromium) -> None:
    watched = open_in_chromium(written["html"], **PHONE)
    page = watched.page

    # (a) 390 px wide: the page never scrolls sideways; each wide table scrolls in its box
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => {
      const box = t.closest('.scroll');
      return {cls: t.className, wide: t.getBoundingClientRect().width > innerWidth,
              scrolls: !!box && box.scrollWidth > box.clientWidth
                       && getComputedStyle(box).overflowX === 'auto',
              right: (box || t).getBoundingClientRect().right};
    })""")
    assert all(t["right"] <= 390 for t in tables), tables
    assert all(t["scrolls"] for t in tables if t["wide"]), tables
    assert {"matrix", "channels", "unmatched"} <= {t["cls"] for t in tables if t["wide"]}
    _matrix_scrolls_with_the_offer_column_held(page)

    # (c) a full-page screenshot shows every section, the findings and the last one included
    shot, (width, height), image = _full_page(page)
    assert width == 390
    assert height == page.evaluate("document.documentElement.scrollHeight")
    sections = page.evaluate(_BOXES, "main > section")
    assert [s["id"] for s in sections] == SECTIONS
    for box in [*sections, *page.evaluate(_BOXES, "article.finding"),
                *page.evaluate(_BOXES, "#unmatched tbody tr, #unmatched td")]:
        assert box["height"] > 0 and box["width"] > 0 and box["shown"], box
    for box in [*sections, *page.evaluate(_BOXES, "article.finding")]:
        assert _ink(image, box) > 0.02, box
    # the measure tells a skipped box from a drawn one: with the old stylesheet's lazy
    # rendering, the findings far below the first screen come out blank
    page.add_style_tag(content="article.finding { content-visibility: auto; "
                               "contain-intrinsic-size: auto 24rem; }")
    _, _, blank = _full_page(page)
    last = page.evaluate(_BOXES, "#waived article.finding")[0]
    assert _ink(blank, last) == 0 and _ink(image, last) > 0.02
    page.reload()

    # (b) print: every section laid out, nothing skipped, the disclosures that matter open
    resolved = page.locator("#resolved li").first
    assert not resolved.evaluate("e => e.checkVisibility()")  # closed on screen
    page.emulate_media(media="print")
    assert resolved.evaluate("e => e.checkVisibility()")
    assert not page.locator("#filters").is_visible()
    printed = page.evaluate(_BOXES, "main > section, article.finding, .matrix-chunk")
    assert len(printed) == len(SECTIONS) + 8 + 1
    for box in printed:
        assert box["height"] > 0 and box["cv"] == "visible" and box["shown"], box
    # on paper the matrix fits the page: no sticky column, no minimum width
    offer = page.locator("#matrix tbody th[scope=row]").first
    assert offer.evaluate("e => getComputedStyle(e).position") == "static"
    assert page.locator("#matrix .matrix-chunk").evaluate(
        "e => getComputedStyle(e).minWidth") == "0px"
    # and nothing runs off the side of an A4 page (794 CSS px wide)
    page.set_viewport_size({"width": 794, "height": 1123})
    assert page.evaluate("document.documentElement.scrollWidth") == 794
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 5, pages
    assert len(pdf) > 50_000
    watched.assert_inert()


def test_large_report_on_a_phone_and_on_paper(run_factory, out_dir: Path,
                                              open_in_chromium) -> None:
    """The large-report mode keeps content-visibility for speed: on a phone its matrix still
    scrolls with the offer held, and on paper nothing is skipped."""
    from playwright import sync_api

    from reports.html import render_html

    big = run_factory(extra_findings=60)  # 64 offers: two matrix tables of up to 50
    html = out_dir / "report.html"
    html.write_text(render_html(big, out_dir, lazy=True), encoding="utf-8")
    watched = open_in_chromium(html, **PHONE)
    page = watched.page
    sync_api.expect(page.locator("#filter-status")).to_have_text(
        "68 of 68 findings match; 68 shown")
    assert page.evaluate("document.body.className") == "large"
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    _matrix_scrolls_with_the_offer_column_held(page)
    chunks = page.evaluate(_BOXES, ".matrix-chunk")
    assert len(chunks) == 2 and chunks[0]["width"] == chunks[1]["width"]
    assert [c["cv"] for c in chunks] == ["auto", "auto"]
    second_offer = page.locator(".matrix-chunk").nth(1).locator("tbody th").first
    skipped = "e => e.checkVisibility({contentVisibilityAuto: true})"
    assert not second_offer.evaluate(skipped)  # off screen: skipped, as intended on screen

    page.emulate_media(media="print")
    printed = page.evaluate(_BOXES, "main > section, article.finding, .matrix-chunk")
    assert len(printed) == len(SECTIONS) + 68 + 2
    for box in printed:
        assert box["height"] > 0 and box["cv"] == "visible" and box["shown"], box
    assert second_offer.evaluate(skipped)  # on paper, laid out
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > 5
    watched.assert_inert()
