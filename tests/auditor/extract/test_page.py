"""observations_from_page without a browser: selectors, OpenGraph, RDFa, and robustness."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.extract.page import observations_from_page, selected_value
from auditor.extract.units import page_data

UNIT = {"text": "Avausmaksu 4,90 € ja kuukausimaksu 19,90 €/kk", "selector": "p", "visible": True,
        "hints": ["Kuitu 100M"]}


def _obs(page, html="", **kw):
    return [po.observation for po in observations_from_page(page, html, channel="d",
                                                             viewport="v", **kw)]


def test_selectors_replace_the_heuristics_for_their_attribute_only():
    page = {"url": "http://h/", "units": [UNIT],
            "selected": [{"attribute": "activation_fee", "rule": "css:.fee", "text": "ilmainen",
                          "selector": "span.fee", "visible": True, "hints": ["Kuitu 100M"]}]}
    got = {(o.attribute, o.value, o.source) for o in _obs(page, selectors={
        "activation_fee": "css:.fee"})}
    assert got == {("activation_fee", Decimal(0), "selector"),
                   ("monthly_price", Decimal("19.90"), "text")}


def test_selected_values_read_amounts_counts_and_free_words():
    assert selected_value("monthly_price", "24,90")[:2] == (Decimal("24.90"), None)
    assert selected_value("activation_fee", "4,90 €") == (Decimal("4.90"), "EUR", "once")
    assert selected_value("delivery_fee", "Gratis") == (Decimal(0), None, "once")
    assert selected_value("contract_months", "24 kk")[0] == Decimal(24)
    assert selected_value("activation_fee", "kysy myyjältä") is None


def test_opengraph_price_and_rdfa_offer():
    og = ('<html><head><meta property="og:title" content="Reititin AX3">'
          '<meta property="product:price:amount" content="89.00">'
          '<meta property="product:price:currency" content="eur"></head></html>')
    [o] = _obs({"url": "http://h/"}, og)
    assert (o.attribute, o.value, o.currency, o.subject_hints) == (
        "price", Decimal("89.00"), "EUR", ("Reititin AX3",))
    rdfa = ('<div vocab="https://schema.org/" typeof="Product"><span property="name">TV</span>'
            '<span property="sku">TV-1</span><div property="offers" typeof="Offer">'
            '<meta property="price" content="12.90"></div></div>')
    [o] = _obs({"url": "http://h/"}, rdfa)
    assert (o.attribute, o.value, o.subject_hints) == ("price", Decimal("12.90"),
                                                       ("sku:TV-1", "TV"))


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["text", "units", "selected", "hints", "selector", "box", "url",
                         "visible", "font_px", "attribute", "chrome", "logo", "alt",
                         "colours", "rgb", "fonts", "theme_color"]), inner, max_size=6),
    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(_JSONISH, st.text(max_size=300))
def test_no_page_input_makes_extraction_raise(page, html):
    observations_from_page(page if isinstance(page, dict) else {"units": page}, html,
                           channel="d", viewport="v", selectors={"monthly_price": "css:x"})


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_markup_in_structured_data_does_not_raise(junk):
    html = (f'<html><head><meta property="product:price:amount" content="{junk}">'
            f'<script type="application/ld+json">{junk}</script></head>'
            f'<body itemscope itemtype="https://schema.org/Product">{junk}</body></html>')
    observations_from_page({"url": "http://h/"}, html, channel="d", viewport="v")


def test_an_offer_price_beside_a_monthly_price_specification_is_kept():
    # A bundle: the Offer's price is the device's one-off price; the specifications add the
    # monthly fee and the list price. All three are what the page tells search engines.
    import json

    offer = {"@type": "Offer", "priceCurrency": "EUR", "price": "49.00",
             "priceSpecification": [
                 {"@type": "UnitPriceSpecification", "price": "22.99", "priceCurrency": "EUR",
                  "referenceQuantity": {"@type": "QuantitativeValue", "value": "1",
                                        "unitCode": "MON"}},
                 {"@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice",
                  "price": "479.00", "priceCurrency": "EUR"}]}
    product = {"@context": "https://schema.org/", "@type": "Product", "name": "Galaxy A56",
               "offers": offer}
    html = ('<html><head><script type="application/ld+json">' + json.dumps(product)
            + "</script></head><body><h1>Galaxy A56</h1></body></html>")
    got = {(o.attribute, o.value, o.period) for o in _obs({"url": "http://h/", "units": []}, html)
           if o.source == "structured"}
    assert got == {("price", Decimal("49.00"), "once"), ("monthly_price", Decimal("22.99"), "month"),
                   ("list_price", Decimal("479.00"), "once")}
    # The same amount stated twice (Offer price = the monthly specification) is one value.
    offer["price"] = "22.99"
    html = html.replace('"price": "49.00"', '"price": "22.99"')
    got = {(o.attribute, o.value) for o in _obs({"url": "http://h/", "units": []}, html)
           if o.source == "structured"}
    assert got == {("monthly_price", Decimal("22.99")), ("list_price", Decimal("479.00"))}


def test_a_column_header_gives_its_period_to_the_cells_under_it():
    html = ("<html><body><main><h1>Voltéa Fixe</h1><table><thead><tr><th>Puissance</th>"
            "<th>Abonnement TTC/mois</th><th>kWh TTC</th></tr></thead><tbody>"
            "<tr><td>6 kVA</td><td>15,47 €</td><td>0,2276 €</td></tr>"
            "<tr><td>9 kVA</td><td>19,39 €</td><td>0,23 €</td></tr></tbody></table>"
            "</main></body></html>")
    obs = [po.observation for po in observations_from_page(
        page_data(html, "http://127.0.0.1:1/p"), html, channel="web", viewport="-")]
    money = sorted((o.attribute, o.value, o.period) for o in obs
                   if o.attribute in ("price", "monthly_price"))
    assert money == [("monthly_price", Decimal("15.47"), "month"),
                     ("monthly_price", Decimal("19.39"), "month"),
                     ("price", Decimal("0.2276"), "unit"),
                     ("price", Decimal("0.23"), "unit")]
