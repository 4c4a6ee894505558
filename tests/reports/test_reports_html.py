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


def test_second_pass_confirmation_is_shown_on_the_finding(run: Run, out_dir: Path,
                                                          html_parser) -> None:
    from auditor.model import Severity

    first, second, third = run.findings[:3]
    confirmed = replace(run, findings=(
        replace(first, confirmed=True, confirmation="re-visited 2 observation(s): all reproduced"),
        replace(second, confirmed=False, confirmation="the price now reads 24,90 €/kk"),
        third, *run.findings[3:]))
    html = render_html(confirmed, out_dir, fail_on=Severity.LOW)
    assert html.count("confirmed on re-visit</span>") == 1
    assert 'title="the price now reads 24,90 €/kk"' in html
    dom = html_parser(html)
    article = dom.find("article", data_check=second.check)
    badge = article.find("span", class_="unconfirmed")
    assert badge.text == "unconfirmed"
    # explained in plain words right under the badge, which points at the explanation
    head = article.find("div", class_="finding-head")
    note = article.children[article.children.index(head) + 2]
    assert note.attrs["id"] == badge.attrs["aria-describedby"]
    text = " ".join(note.text.split())
    assert text.startswith("Unconfirmed: not seen on a second visit.")
    assert "went back to this page to take a screenshot" in text
    assert "no longer showed this" in text and "never fails the run" in text
    assert "What the second visit found: the price now reads 24,90 €/kk" in text
    # it is not gating, and says so where the gating label would be
    assert "unconfirmed, not gating" in head.text and "gating" not in [
        s.text for s in head.find_all("span", class_="bad")]
    assert len(dom.find_all("p", class_="unconfirmed-note")) == 1


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
    # The evidence says what the logo value is, in words, with its colour as a swatch.
    from tests.reports.conftest import parse_html

    article = parse_html(html).find("article", data_check="logo_drift")
    value = article.find("dl", class_="ev").find("dd")
    assert " ".join(value.text.split()) == (
        "logo (perceptual hash 8f89df66f09bf000, colour #0A8FD1) (logo)")
    assert value.find("span", class_="swatch").attrs["style"] == "background-color: #0A8FD1"
    # With a configured logo file the run's reference_logo is shown instead.
    (out_dir / "evidence" / "reference-logo.png").write_bytes(tiny_png(rgb=(91, 43, 217)))
    configured = replace(shown, reference_logo="evidence/reference-logo.png",
                         findings=(replace(finding, reference=()),))
    block = render_html(configured, out_dir).split("Reference and captured, side by side",
                                                   1)[1].split("</div>", 1)[0]
    assert "Reference: the configured logo" in block and block.count("data:image/png") == 2


# --- The run's locale: values as the shop's customers write them ------------------------

#: Attributes whose values the report formats itself (an offer's text is shown as captured).
_FORMATTED = {"monthly_price", "activation_fee", "contract_months", "offer_ends"}


def _matrix_text(dom) -> str:
    return " ".join(li.text.replace("\xa0", " ")
                    for t in dom.find_all("table", class_="matrix") for li in t.find_all("li")
                    if li.attrs.get("data-attribute") in _FORMATTED)


def _evidence_values(dom) -> list[str]:
    values = []
    for dl in dom.find_all("dl", class_="ev"):
        dd = dl.find("dd")
        if dd.find("span", class_="muted").text.strip("()").replace(" ", "_") in _FORMATTED:
            values.append(dd.find("bdi").text.replace("\xa0", " "))
    return values


def _in_kronor(run: Run) -> Run:
    """The Nordtel run as a Swedish shop: every amount in SEK, one open-ended contract."""
    obs = []
    for o in run.observations:
        if o.currency == "EUR":
            o = replace(o, currency="SEK", value=o.value * 10)
        if o.attribute == "contract_months" and o.channel == "chat":
            o = replace(o, value=type(o.value)(0))
        obs.append(o)
    return replace(run, observations=tuple(obs), locale="sv-SE")


def test_a_swedish_run_reads_swedish_in_its_own_currency(run: Run, out_dir: Path,
                                                         html_parser) -> None:
    dom = html_parser(render_html(_in_kronor(run), out_dir))
    matrix = _matrix_text(dom)
    _, price = _matrix_item(dom, "mbb-100", "mobile", "monthly_price")
    assert "269,00 kr/mån" in price.text.replace("\xa0", " ")
    _, contract = _matrix_item(dom, "fiber-300", "desktop", "contract_months")
    assert "24 mån" in contract.text
    _, open_ended = _matrix_item(dom, "fiber-300", "chat", "contract_months")
    assert "tillsvidare (no fixed term)" in open_ended.text
    _, ends = _matrix_item(dom, "fiber-300", "desktop", "offer_ends")
    assert "31 maj 2025" in ends.text.replace("\xa0", " ")
    # no Finnish unit, no euro sign beside kronor, anywhere a value is formatted
    for text in (matrix, *_evidence_values(dom)):
        assert "€" not in text and "/kk" not in text and " kk" not in text, text
        assert "toistaiseksi" not in text
    assert "249,00 kr/mån" in _evidence_values(dom)
    assert dom.find("dd", id="report-locale").find("code").text == "sv-SE"


def test_an_english_run_and_an_old_run_without_a_locale(run: Run, out_dir: Path,
                                                        html_parser) -> None:
    for locale, note in (("en-GB", "the run's locale"), (None, "names no locale")):
        dom = html_parser(render_html(replace(run, locale=locale), out_dir))
        _, price = _matrix_item(dom, "mbb-100", "mobile", "monthly_price")
        assert "€26.90/month" in price.text
        _, contract = _matrix_item(dom, "fiber-300", "chat", "contract_months")
        assert "12 months" in contract.text
        _, ends = _matrix_item(dom, "fiber-300", "desktop", "offer_ends")
        assert "31 May 2025" in ends.text
        values = _evidence_values(dom)
        assert "€24.90/month" in values and "24 months" in values
        assert not any("/kk" in v or " kk" in v for v in values + [_matrix_text(dom)])
        fact = dom.find("dd", id="report-locale")
        assert fact.find("code").text == "en-GB" and note in fact.text
        # the checks' own words (finding.values) are left as the checks wrote them
        price_finding = dom.find("article", data_check="price-mismatch")
        assert [td.text for td in price_finding.find("table", class_="values").find_all("td")] \
            == ["24,90 €/kk", "26,90 €/kk", "24,90 €/kk"]


# --- Waivers in plain sight, and a header whose counts agree -----------------------------

def test_waived_section_shows_reason_owner_and_expiry(run: Run, out_dir: Path,
                                                       html_parser) -> None:
    from tests.reports.conftest import with_waiver

    dom = html_parser(render_html(with_waiver(run), out_dir))
    waived = dom.find("section", id="waived")
    table = waived.find("table", id="waiver-table")
    [row] = table.find("tbody").find_all("tr")
    cells = [c.text for c in row.children if not isinstance(c, str) and c.tag == "td"]
    assert cells == ["Legal approved the collapsed fee table until the redesign.",
                     "anna.virtanen@nordtel.example", "31.3.2027"]
    assert row.find("time").attrs["datetime"] == "2027-03-31"
    assert row.find("a").attrs["href"].startswith("#f-")
    note = waived.find("article").find("p", class_="waiver-note")
    assert " ".join(note.text.split()) == (
        "Waived until 31.3.2027 by anna.virtanen@nordtel.example. "
        "Reason: Legal approved the collapsed fee table until the redesign.")
    assert not dom.find_all(id="expired-waivers")
    # a waived finding whose waiver the run did not record still says so
    dom = html_parser(render_html(run, out_dir))
    row = dom.find("table", id="waiver-table").find("tbody").find("tr")
    assert "the waiver is not recorded in this run" in row.text


def test_an_expired_waiver_is_shown_with_its_finding(run: Run, out_dir: Path,
                                                     html_parser) -> None:
    lapsed = {"reason": "Campaign text approved for the summer.", "owner": "brand@nordtel.example",
              "expires": "2025-05-31", "expired": True, "where": "waivers.yaml:9"}
    findings = tuple(replace(f, waiver=lapsed) if f.check == "campaign-missing" else f
                     for f in run.findings)
    dom = html_parser(render_html(replace(run, findings=findings, locale="en-GB"), out_dir))
    article = dom.find("section", id="findings").find("article", data_check="campaign-missing")
    note = " ".join(article.find("p", class_="waiver-expired").text.split())
    assert note == ("A waiver for this finding expired on 31 May 2025, so it counts again. "
                    "Reason given: Campaign text approved for the summer. · "
                    "owner: brand@nordtel.example")
    assert dom.find("h3", id="expired-waivers")
    expired = dom.find("table", class_="expired").find("tbody").find_all("tr")
    assert [c.text for c in expired[0].children if not isinstance(c, str) and c.tag == "td"] \
        == ["Campaign text approved for the summer.", "brand@nordtel.example", "31 May 2025"]
    assert "1 finding whose waiver has expired" in dom.find("p", id="expired-note").text


def _header_numbers(dom) -> dict[str, int]:
    counts = {n.attrs["data-count"]: int(n.text) for n in dom.iter() if "data-count" in n.attrs}
    comparison = dom.find("p", id="comparison")
    new, persisting, resolved = (int(s.text) for s in comparison.find_all("strong"))
    return {"severities": sum(counts.values()), "total": int(dom.find(id="total-count").text),
            "waived": int(dom.find(id="waived-count").text), "new": new,
            "persisting": persisting, "resolved": resolved}


def test_header_counts_agree_with_each_other_and_the_sections(dom) -> None:
    n = _header_numbers(dom)
    assert n == {"severities": 8, "total": 8, "waived": 1, "new": 6, "persisting": 2,
                 "resolved": 1}
    assert n["new"] + n["persisting"] == n["total"]
    assert n["waived"] == len(dom.find("section", id="waived").find_all("article"))
    header = dom.find("header")
    assert "Status:" not in header.text  # the old second, disagreeing set of counts
    assert "1 waived" in dom.find("p", id="waived-note").text
    assert "this run's 8 findings, the waived included" in " ".join(
        dom.find("p", id="comparison-note").text.split())


def test_header_counts_agree_when_most_findings_are_waived(run: Run, out_dir: Path,
                                                           html_parser) -> None:
    """The issue's case: every finding was there last time and most are now waived. The
    header used to say "0 new · 3 persisting · 6 waived" beside "0 new · 9 persisting"."""
    waiver = {"reason": "Known.", "owner": "qa@nordtel.example", "expires": "2027-01-31",
              "expired": False, "where": "w.yaml:1"}
    findings = tuple(replace(f, status="waived", waiver=waiver) if i < 6
                     else replace(f, status="persisting")
                     for i, f in enumerate(run.findings))
    now = replace(run, findings=findings)
    before = replace(run, id="r_before", findings=run.findings)
    dom = html_parser(render_html(now, out_dir, previous=before))
    n = _header_numbers(dom)
    assert n == {"severities": 8, "total": 8, "waived": 6, "new": 0, "persisting": 8,
                 "resolved": 0}
    assert "0 new · 8 persisting · 0 resolved" in " ".join(
        dom.find("p", id="comparison").text.split())
    assert "2 persisting" not in dom.find("header").text
    assert len(dom.find("table", id="waiver-table").find("tbody").find_all("tr")) == 6


# --- A report that reads well on a phone (structure; the browser test measures it) -------

def test_every_wide_table_sits_in_its_own_scroll_box(dom) -> None:
    for cls in ("matrix", "channels", "values", "errors", "unmatched", "waivers"):
        tables = dom.find_all("table", class_=cls)
        assert tables, cls
        for table in tables:
            parents = [n for n in dom.iter() if table in n.children
                       or any(table in c.children for c in n.children
                              if not isinstance(c, str) and c.has_class("matrix-chunk"))]
            assert any(p.has_class("scroll") for p in parents), cls
    box = dom.find("section", id="matrix").find("div", class_="scroll")
    assert box.attrs["role"] == "region" and box.attrs["tabindex"] == "0"
    style = "".join(n.text for n in dom.find_all("style"))
    # as wide as the offer column and one column per channel (three here)
    assert ("min-width: calc(var(--offer-col) + 3 * var(--channel-col))" in style)
    assert "position: sticky; left: 0" in style
    # only a large report skips rendering what is off screen
    assert "body.large article.finding { content-visibility: auto" in style
    assert "\narticle.finding { content-visibility" not in style
    assert "class" not in dom.find("body").attrs


def test_a_closed_section_is_named_and_a_fee_filed_under_its_own_name_is_no_warning(make_obs):
    from auditor.model import Shown
    from reports.html import _shown_view

    filed = make_obs("mobile", "t", "delivery_fee", "5.90", shown=Shown(
        visible=False, collapsed=True, section="Livraison", section_names_it=True))
    tucked = make_obs("mobile", "t", "delivery_fee", "5.90", shown=Shown(
        visible=False, collapsed=True, section="See full terms", section_names_it=False))
    assert {"label": "in the closed section “Livraison”", "warn": False} in _shown_view(filed)
    assert {"label": "in the closed section “See full terms”", "warn": True} in _shown_view(
        tucked)
