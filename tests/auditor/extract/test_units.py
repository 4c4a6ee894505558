"""Text units as a reader sees them, in both capture paths.

``auditor.extract.units.page_data`` (HTML no browser rendered) and ``page_script.js`` (the
rendered DOM) give the same units for the same HTML; the browser test at the end holds them
to it on a page full of the markup real shops write.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from auditor.extract.page import observations_from_page
from auditor.extract.units import page_data

URL = "http://127.0.0.1:1/p"

TRICKY = """<!doctype html><html lang="en"><head><title>t</title>
<style>.x{color:red}
.screen-reader-text,.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;
clip:rect(1px,1px,1px,1px)}</style><script>var price = "99,00 €";</script></head><body>
Straight in the body: delivery £4.95
<header><div class="cart">Basket £0.00</div></header>
<main>
 <h1>Full Fibre 300</h1> <span class="badge">now £32.99 a month</span>
 <p class="price">$229<sup>99</sup></p>
 <p class="split"><span>19</span><span>,90 €</span></p>
 <p class="was"><del>£37.99</del> £32.99 a month</p>
 <div class="legal">Setup fee £0 <script>var fee = "£50";</script><noscript>£60</noscript>
  <template><p>£70</p></template></div>
 <div class="row"><h3>Notes</h3> Contract 18 months</div>
 <p class="price woo"><del aria-hidden="true">kr&nbsp;349,50</del> <span
  class="screen-reader-text">Original price was: kr&nbsp;349,50.</span><ins
  aria-hidden="true">kr&nbsp;299,50</ins><span class="screen-reader-text">Current price is:
  kr&nbsp;299,50.</span> / mnd</p>
 <div class="sr-only">Price 10,00 €</div>
 <dl><dt>Danach</dt><dd>monatlich kündbar</dd><dt>Grundpreis</dt><dd>9,99 € mtl.</dd></dl>
 <section class="related"><h2>Popular with other customers</h2>
  <div class="tile"><h3><a href="/tv/starter">TV Starter</a></h3><p>£36.99 a month</p></div>
  <div class="tile"><h3><a href="/sim/5gb">SIM 5GB</a></h3><p>£6 a month</p></div>
 </section>
 <div class="grid">
  <a class="kort" href="/m/a"><span class="kort-navn">Familietillegg</span><span>99,-/mnd</span></a>
  <a class="kort" href="/m/b"><span class="kort-navn">Tvillingkort</span><span>49,-</span></a>
  <a class="kort" href="/m/c"><span class="badge">Populär</span><span>Fiber 250</span><span
    >199:-/mån</span></a>
 </div>
 <p class="legal-long">LEGAL_LONG</p>
 <button type="button" aria-controls="acc-ship">Delivery</button>
 <div id="acc-ship" hidden><p>Delivery costs £4.95, free over £40.</p></div>
 <details><summary>See full terms</summary><p>Set-up fee £25.00 on the first bill.</p></details>
 <table><thead><tr><th></th><th>5 GB</th><th>15 GB</th></tr></thead>
  <tbody><tr><th>Pris</th><td>299,-/mnd</td><td>399,-/mnd</td></tr>
  <tr><th>Binding</th><td>Ingen</td><td>12 mnd</td></tr></tbody></table>
</main>
<footer>All prices include VAT.</footer>
</body></html>""".replace("LEGAL_LONG", " ".join(
    ["Offer for private customers at one address, while stocks last."] * 8
    + ["A connection fee of £29.00 is charged on the first bill."]))


@pytest.fixture(scope="module")
def static_units():
    return {u["text"]: u for u in page_data(TRICKY, URL)["units"]}


def test_text_straight_in_the_body_and_beside_a_heading_is_read(static_units):
    assert static_units["Straight in the body: delivery £4.95"]["selector"] == "body"
    badge = static_units["now £32.99 a month"]  # a span beside the h1, straight in <main>
    assert badge["selector"] == "body > main:nth-of-type(1)" and badge["hints"] == [
        "Full Fibre 300"]
    assert static_units["Contract 18 months"]["hints"][:1] == ["Notes"]


def test_prices_split_over_elements_are_one_amount(static_units):
    assert "$229.99" in static_units
    assert "19,90 €" in static_units


def test_script_style_noscript_and_template_text_never_enter_a_unit(static_units):
    legal = next(t for t in static_units if t.startswith("Setup fee"))
    assert legal == "Setup fee £0"
    assert not any("£50" in t or "£60" in t or "£70" in t or "99,00" in t
                   for t in static_units)


def test_struck_prices_are_marked_and_read_as_list_prices(static_units):
    was = static_units["£37.99 £32.99 a month"]
    assert was["struck"] == [[0, 6]]
    obs = [po.observation for po in observations_from_page(
        page_data(TRICKY, URL), TRICKY, channel="web", viewport="-")]
    assert {(o.attribute, o.value) for o in obs if o.text == "£37.99 £32.99 a month"} == {
        ("list_price", Decimal("37.99")), ("monthly_price", Decimal("32.99"))}


def test_roles_and_hints_keep_other_products_off_the_page_offer(static_units):
    assert static_units["Basket £0.00"]["role"] == "chrome"
    assert static_units["All prices include VAT."]["role"] == "chrome"
    tile = static_units["£36.99 a month"]
    assert (tile["role"], tile["hints"]) == ("other", ["TV Starter"])  # never "Full Fibre 300"
    card = static_units["Familietillegg 99,-/mnd"]
    assert (card["role"], card["hints"]) == ("other", ["Familietillegg"])
    assert static_units["$229.99"]["role"] == "main"
    assert static_units["$229.99"]["hints"][-1] == "Full Fibre 300"


def test_comparison_table_cells_carry_their_column_and_row(static_units):
    cell = static_units["399,-/mnd"]
    assert cell["table"] == {"column": "15 GB", "row": "Pris"}
    obs = [po.observation for po in observations_from_page(
        page_data(TRICKY, URL), TRICKY, channel="web", viewport="-")]
    by_text = {o.text: o for o in obs if o.attribute == "contract_months"}
    assert by_text["Binding 12 mnd"].subject_hints[0] == "15 GB"


def test_the_page_s_price_comes_first_in_reading_order():
    page = ("<html><body><header><p>Cart $0.00</p></header><main><h1>Kettle</h1>"
            "<p>Free delivery on orders over $35</p><p class='price-tag old-price'>$59.00</p>"
            "<p class='price-tag new-price'>$49.00</p><ul><li><a href='/k2'>Toaster "
            "<span>$25.00</span></a></li><li><a href='/k3'>Mug <span>$9.00</span></a></li>"
            "</ul></main></body></html>")
    obs = [po.observation for po in observations_from_page(
        page_data(page, URL), page, channel="web", viewport="-")]
    first = next(o for o in obs if o.attribute == "price")
    assert (first.value, first.role) == (Decimal("49.00"), "main")
    assert [(o.attribute, o.value) for o in obs if o.attribute == "list_price"] == [
        ("list_price", Decimal("59.00"))]
    assert not any(o.value == Decimal("35") for o in obs)  # a threshold, not a price

def test_screen_reader_only_text_is_left_out_and_aria_hidden_text_is_read(static_units):
    # WooCommerce: the struck and current prices are aria-hidden (the screen shows them),
    # the "Original price was" sentences are for screen readers only (the screen does not).
    woo = next(u for t, u in static_units.items() if t.startswith("kr"))
    assert woo["text"] == "kr 349,50 kr 299,50 / mnd" and woo["struck"] == [[0, 9]]
    assert not any("price was" in t or "Price 10,00" in t for t in static_units)


def test_numbers_in_two_elements_stay_two_numbers_and_tiles_offer_two_name_lines(
        static_units):
    # Spans with nothing between run together as a browser draws them ("PopulärFiber"),
    # but two numbers never become one ("250" + "199:-", not 250199).
    tile = static_units["PopulärFiber 250 199:-/mån"]
    # A badge before the name: both lines are hints, matching takes the one naming an offer.
    assert tile["hints"] == ["Populär", "Fiber 250"]


def test_a_definition_takes_its_term_as_label(static_units):
    # "monatlich kündbar" after "Danach" (then) is what happens after the term, not a term.
    assert "Danach monatlich kündbar" in static_units
    assert "Grundpreis 9,99 € mtl." in static_units


def test_a_long_paragraph_is_read_not_dropped(static_units):
    # Legal notes run long; the fee at the end of one is what fine print is about.
    [legal] = [u for t, u in static_units.items() if t.startswith("Offer for private")]
    assert len(legal["text"]) > 400 and legal["text"].endswith("on the first bill.")
    obs = [po.observation for po in observations_from_page(
        page_data(TRICKY, URL), TRICKY, channel="web", viewport="-")]
    assert any(o.attribute == "activation_fee" and o.value == Decimal("29.00") for o in obs)


def test_an_overlong_text_is_cut_at_its_last_full_sentence():
    from auditor.extract.units import MAX_TEXT, cut_long

    text = "Short sentence here. " * 200
    cut, struck = cut_long(text, [[5, 10], [MAX_TEXT + 5, MAX_TEXT + 9]])
    assert len(cut) <= MAX_TEXT and cut.endswith("here.")
    assert struck == [[5, 10]]


def test_a_closed_section_carries_its_title_and_whether_it_names_the_fee(static_units):
    assert static_units["Delivery costs £4.95, free over £40."]["section"] == "Delivery"
    assert static_units["Set-up fee £25.00 on the first bill."]["section"] == "See full terms"
    assert static_units["$229.99"].get("section") is None  # not collapsed
    obs = {o.attribute: o.shown for o in (po.observation for po in observations_from_page(
        page_data(TRICKY, URL), TRICKY, channel="web", viewport="-")) if o.shown.collapsed}
    assert obs["delivery_fee"].section_names_it is True
    assert obs["activation_fee"].section_names_it is False


@pytest.mark.browser
def test_browser_and_static_paths_give_the_same_units(chromium):
    """The same HTML, rendered in Chromium and read without a browser: the same units."""
    from playwright.async_api import async_playwright

    from auditor.browser import launch_args
    from auditor.capture.web import PAGE_SCRIPT

    async def render() -> dict:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium.path,
                                              args=launch_args(["http://127.0.0.1:1/"]))
            try:
                page = await browser.new_page()
                await page.route("**/*", lambda route: route.fulfill(
                    body=TRICKY, content_type="text/html; charset=utf-8"))
                await page.goto(URL)
                return await page.evaluate(PAGE_SCRIPT, {})
            finally:
                await browser.close()

    rendered = asyncio.run(render())
    static = page_data(TRICKY, URL)

    def key(u: dict) -> tuple:
        return (u["text"], u["role"], tuple(u["hints"]), tuple(map(tuple, u["struck"])),
                (u.get("table") or {}).get("column"), u.get("price_class"))

    assert sorted(map(key, rendered["units"])) == sorted(map(key, static["units"]))
    sections = {(u["text"], u.get("section")) for u in static["units"] if u.get("collapsed")}
    assert sections == {(u["text"], u.get("section")) for u in rendered["units"]
                        if u.get("collapsed")}
    assert rendered["main_title"] == static["main_title"]
