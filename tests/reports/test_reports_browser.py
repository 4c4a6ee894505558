"""report.html in a real Chromium: no script runs but ours, and the filters work."""

from __future__ import annotations

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
