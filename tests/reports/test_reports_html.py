"""report.html: self-contained, escaped, and showing what the run holds."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from auditor.model import Run
from reports.html import render_html, safe_href


def _captured_urls(run: Run) -> set[str]:
    return {o.evidence.url for o in run.observations if o.evidence.url}


def test_no_captured_markup_is_active(report_html: str, dom) -> None:
    assert "<script>alert" not in report_html
    assert "<img src=x" not in report_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_html
    scripts = dom.find_all("script")
    assert len(scripts) == 1 and scripts[0].attrs == {}
    for node in dom.iter():
        handlers = [a for a in node.attrs if a.lower().startswith("on")]
        assert not handlers, f"<{node.tag}> has event handler attributes {handlers}"
    assert not dom.find_all("iframe") and not dom.find_all("object") and not dom.find_all("embed")


def test_links_are_http_captured_or_internal(dom, run: Run) -> None:
    captured = _captured_urls(run)
    hrefs = [n.attrs["href"] for n in dom.iter() if "href" in n.attrs]
    assert hrefs, "the report links to its sections and the captured pages"
    for href in hrefs:
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
        if not href.startswith("#"):
            assert href in captured and href.startswith("https://"), href
    external = [n for n in dom.find_all("a") if not n.attrs["href"].startswith("#")]
    assert external and all(n.attrs.get("rel") == "noopener noreferrer" for n in external)
    # the javascript: URL is still shown, as text
    assert any(n.text == "javascript:alert(1)" for n in dom.find_all("bdi"))
    for node in dom.iter():
        for attr in ("src", "srcset", "action", "formaction", "poster", "background"):
            value = node.attrs.get(attr)
            if value is not None:
                assert attr == "src" and value.startswith("data:image/png;base64,"), (attr, value)
    assert not dom.find_all("link")


def test_self_contained_with_strict_csp(report_html: str, dom) -> None:
    csp = dom.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp and "img-src data:" in csp
    script = dom.find("script").text
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    style = "".join(n.text for n in dom.find_all("style"))
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    assert "@media print" in style
    for node in dom.iter():
        if "style" in node.attrs:  # only colour swatches, with a validated colour
            assert re.fullmatch(r"background-color: #[0-9a-fA-F]{6}", node.attrs["style"])
    assert not re.search(r"\b(?:src|href)=\"(?:https?:)?//(?!www\.nordtel|m\.nordtel)",
                         report_html)


def test_screenshots_embedded_missing_and_outside_skipped(dom, out_dir: Path,
                                                          tmp_path: Path) -> None:
    images = dom.find_all("img")
    embedded = [base64.b64decode(i.attrs["src"].split(",", 1)[1]) for i in images]
    files = {p.name: p.read_bytes() for p in (out_dir / "evidence").glob("*.png")}
    # every screenshot referenced by a finding and present in evidence/, each exactly once
    assert sorted(embedded) == sorted(files.values())
    assert (tmp_path / "outside.png").read_bytes() not in embedded
    notes = [n.text for n in dom.find_all("p", class_="meta")]
    assert "screenshot file missing" in notes
    assert "screenshot path outside the output folder; not embedded" in notes
    assert all(i.attrs.get("alt") for i in images)


def _matrix_item(dom, subject: str, channel: str, attribute: str):
    row = dom.find("tr", data_subject=subject)
    cell = row.find("td", data_channel=channel)
    return cell, cell.find("li", data_attribute=attribute)


def test_matrix_values_and_highlights(dom) -> None:
    header = [th.text for th in dom.find("table", class_="matrix").find("thead").find_all("th")]
    assert header == ["Offer", "desktop", "mobile", "chat"]
    rows = [tr.attrs["data-subject"] for tr in dom.find("table", class_="matrix").find_all("tr")
            if "data-subject" in tr.attrs]
    assert rows == ["mbb-100", "fiber-300", "mbb-1000", "brand"]

    cell, item = _matrix_item(dom, "mbb-100", "mobile", "monthly_price")
    assert cell.has_class("flagged") and item.has_class("flagged")
    assert "price-mismatch" in item.attrs["title"]
    assert "26,90 €/kk" in item.text.replace("\xa0", " ")
    _, fee = _matrix_item(dom, "mbb-100", "desktop", "activation_fee")
    assert fee.has_class("flagged") and "fee-only-in-chat" in fee.attrs["title"]
    assert "not stated" in fee.text
    _, fee = _matrix_item(dom, "mbb-100", "chat", "activation_fee")
    assert "4,90 €" in fee.text.replace("\xa0", " ")

    cell, same = _matrix_item(dom, "fiber-300", "mobile", "monthly_price")
    assert not same.has_class("flagged") and "title" not in same.attrs
    assert "39,90 €/kk" in same.text.replace("\xa0", " ")
    _, contract = _matrix_item(dom, "fiber-300", "desktop", "contract_months")
    assert "24 kk" in contract.text
    _, offer = _matrix_item(dom, "fiber-300", "mobile", "offer")
    assert offer.text.count("…") == 1 and len(offer.find("bdi").text) <= 60

    _, colour = _matrix_item(dom, "brand", "desktop", "color_primary")
    assert colour.find("span", class_="swatch").attrs["style"] == "background-color: #1d4ed8"
    _, hostile = _matrix_item(dom, "brand", "mobile", "color_primary")
    assert not hostile.find_all("span", class_="swatch")
    assert "brand-color" in hostile.attrs["title"]


def test_header(dom) -> None:
    banner = dom.find("div", id="incomplete")
    assert "Audit incomplete" in banner.text
    assert "a channel could not be captured; this run cannot pass" in banner.text
    counts = {n.attrs["data-count"]: n.text for n in dom.iter() if "data-count" in n.attrs}
    assert counts == {"critical": "1", "high": "2", "medium": "2", "low": "2", "info": "1"}
    assert dom.find("td", id="gating-count").text == "5"
    comparison = " ".join(dom.find("p", id="comparison").text.split())
    assert "6 new · 2 persisting · 1 resolved" in comparison
    channels = dom.find("table", class_="channels").find("tbody").find_all("tr")
    mobile = [c.text for c in channels[1].children if not isinstance(c, str)]
    assert mobile == ["mobile", "web", "iPhone 13", "4", "1", "0", "incomplete"]
    desktop = [c.text for c in channels[0].children if not isinstance(c, str)]
    assert desktop == ["desktop", "web", "desktop", "6", "0", "2", "complete"]
    assert "2 min 5 s" in dom.find("dl", class_="facts").text
    footer = dom.find("footer").text
    assert "Omniaudit 0.1.0" in footer and "schema version 1" in footer


def test_findings_sections(dom, run: Run) -> None:
    findings = dom.find("section", id="findings")
    order = [a.attrs["data-check"] for a in findings.find_all("article")]
    assert order == ["fee-only-in-chat", "price-mismatch", "campaign-missing",
                     "contract-mismatch", "logo-mismatch"]
    waived = dom.find("section", id="waived")
    [article] = waived.find_all("article")
    assert article.attrs["data-check"] == "fee-in-fine-print"
    assert "waived, not gating" in article.text and "never gate" in waived.text
    warnings = dom.find("section", id="warnings")
    assert [a.attrs["data-check"] for a in warnings.find_all("article")] == [
        "brand-color", "brand-name-spelling"]
    assert "never gate" in warnings.text

    price = findings.find("article", data_check="price-mismatch")
    assert price.attrs["data-channels"] == '["desktop", "mobile", "chat"]'
    assert price.find("span", class_="status").text == "persisting"
    values = price.find("table", class_="values")
    assert [th.text for th in values.find_all("th")] == ["desktop", "mobile", "chat"]
    assert [td.text for td in values.find_all("td")] == ["24,90 €/kk", "26,90 €/kk",
                                                         "24,90 €/kk"]
    evidence = price.find("ol", class_="evidence")
    text = " ".join(evidence.text.split())
    assert "https://www.nordtel.example/mobiilila" in text and ".offer-card .price" in text
    assert "font 32 px" in text and "above the fold" in text
    assert "transcripts/chat-0412.txt, line 7, said by agent" in text

    fine = waived.find("article", data_check="fee-in-fine-print")
    warns = [li.text for li in fine.find_all("li", class_="warn")]
    assert warns == ["hidden", "in a collapsed element", "font 10 px (fine print)",
                     "contrast 3.2:1 (low)"]

    capture = dom.find("section", id="capture-errors")
    assert "https://m.nordtel.example/yritys" in capture.text
    assert "Timeout 30000 ms exceeded while loading" in capture.text

    unmatched = dom.find("section", id="unmatched")
    (row,) = unmatched.find("tbody").find_all("tr")
    obs = run.unmatched[0]
    assert row.attrs["id"] == f"u-{obs.id}"
    assert "19,90 €/kk" in row.text
    full = row.find("details").find("pre").text
    assert full == obs.text and len(full) > 50_000
    assert "Supernopea <script>" in row.text  # parsed back to text: it was escaped


def test_passing_run_and_empty_sections(run: Run, out_dir: Path, html_parser) -> None:
    channels = {n: replace(c, pages_failed=0, errors=()) for n, c in run.channels.items()}
    ok = replace(run, channels=channels, findings=(),
                 observations=tuple(o for o in run.observations if o.subject))
    dom = html_parser(render_html(ok, out_dir))
    assert not dom.find_all(id="incomplete")
    assert dom.find("div", class_="banner").text == "✓ Passed: no --fail-on gate was set."
    assert "No previous run to compare with." in dom.find("p", id="comparison").text
    assert "Every channel was captured completely." in dom.find("section", id="capture-errors").text
    assert "Every observation was matched" in dom.find("section", id="unmatched").text
    assert not dom.find_all("img")


def test_safe_href() -> None:
    assert safe_href("https://www.nordtel.example/a?b=1#c") == "https://www.nordtel.example/a?b=1#c"
    assert safe_href("HTTP://x.example/") == "HTTP://x.example/"
    for bad in ["javascript:alert(1)", " https://x.example", "java\tscript:alert(1)",
                "https://x.example/\nfoo", "data:text/html,<b>", "//x.example/", "https:///x",
                "https://@x.example", "https:\\\\x.example", "file:///etc/passwd", "", None]:
        assert safe_href(bad) is None, bad


def test_second_pass_confirmation_is_shown_on_the_finding(run: Run, out_dir: Path) -> None:
    first, second, third = run.findings[:3]
    confirmed = replace(run, findings=(
        replace(first, confirmed=True, confirmation="re-visited 2 observation(s): all reproduced"),
        replace(second, confirmed=False, confirmation="the price now reads 24,90 €/kk"),
        third, *run.findings[3:]))
    html = render_html(confirmed, out_dir)
    assert html.count("confirmed on re-visit</span>") == 1
    assert html.count("did not reproduce on re-visit (not gating)</span>") == 1
    assert 'title="the price now reads 24,90 €/kk"' in html


def test_a_logo_finding_shows_reference_and_captured_side_by_side(run: Run,
                                                                  out_dir: Path) -> None:
    from auditor.model import Severity
    from tests.reports.conftest import _finding, _obs, _web, tiny_png

    (out_dir / "evidence" / "logo-desktop.png").write_bytes(tiny_png(rgb=(91, 43, 217)))
    (out_dir / "evidence" / "logo-mobile.png").write_bytes(tiny_png(rgb=(10, 143, 209)))
    right = _obs("desktop", "logo", "8f89df66f09bf000 #5B2BD9", "Nordtel", where="d#logo",
                 subject="brand", evidence=_web("https://d.example/", "header img",
                                                "evidence/logo-desktop.png"))
    wrong = _obs("mobile", "logo", "8f89df66f09bf000 #0A8FD1", "Nordtel", where="m#logo",
                 subject="brand", evidence=_web("https://m.example/", "header img",
                                                "evidence/logo-mobile.png"))
    finding = _finding("logo_drift", Severity.MEDIUM, "brand", "logo", [wrong],
                       "mobile shows a logo that differs", {"mobile": "different logo"},
                       reference=(right.id,))
    shown = replace(run, observations=(*run.observations, right, wrong), findings=(finding,))
    html = render_html(shown, out_dir)
    block = html.split("Reference and captured, side by side", 1)[1].split("</div>", 1)[0]
    # The reference (as desktop shows it) first, then what mobile showed.
    assert block.index("Reference, as desktop shows it") < block.index("Captured on mobile")
    assert block.count("data:image/png;base64,") == 2
    # With a configured logo file the run's reference_logo is shown instead.
    (out_dir / "evidence" / "reference-logo.png").write_bytes(tiny_png(rgb=(91, 43, 217)))
    configured = replace(shown, reference_logo="evidence/reference-logo.png",
                         findings=(replace(finding, reference=()),))
    block = render_html(configured, out_dir).split("Reference and captured, side by side",
                                                   1)[1].split("</div>", 1)[0]
    assert "Reference: the configured logo" in block and block.count("data:image/png") == 2
