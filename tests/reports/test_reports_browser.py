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


def test_report_in_chromium(written: dict[str, Path], chromium) -> None:
    """Hostile captured content stays inert; severity, channel, offer and text filters work.

    ``chromium`` (tests/conftest.py) is the project's browser, /usr/lib/chromium/chromium here.
    """
    from playwright import sync_api

    url = written["html"].resolve().as_uri()
    dialogs: list[str] = []
    problems: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.path,
                                    args=["--disable-gpu", "--disable-quic"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)

            page.keyboard.press("Tab")  # keyboard users first reach the skip link
            assert page.evaluate("document.activeElement.textContent") == "Skip to findings"
            assert page.locator("a.skip").is_visible()
            page.keyboard.press("Enter")
            assert page.evaluate("location.hash") == "#findings"

            every = ["fee-only-in-chat", "fee-in-fine-print", "price-mismatch",
                     "campaign-missing", "contract-mismatch", "logo-mismatch", "brand-color",
                     "brand-name-spelling"]
            assert page.locator("#filters").is_visible()
            assert _visible_checks(page) == every
            assert page.locator("#filter-status").inner_text() == "8 of 8 findings shown"

            page.select_option("#f-severity", label="high and above")
            assert _visible_checks(page) == ["fee-only-in-chat", "fee-in-fine-print",
                                             "price-mismatch"]
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
            context = browser.new_context(java_script_enabled=False)
            nojs = context.new_page()
            nojs.goto(url)
            assert nojs.locator("article[data-finding]:visible").count() == 8
            assert not nojs.locator("#filters").is_visible()
            context.close()
        finally:
            browser.close()

    assert dialogs == []
    assert problems == []
    assert all(r.startswith(("file://", "data:")) for r in requests), requests
