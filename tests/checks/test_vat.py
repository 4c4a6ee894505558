"""vat_statement_missing: a page, or the channel as a whole, must say whether prices
include VAT."""


def _prices_on_two_pages(make_obs):
    return [make_obs("desktop", "mbb-100", "monthly_price", "24.90", url="http://x/d/mbb-100"),
            make_obs("desktop", "fiber-300", "monthly_price", "44.90", url="http://x/d/fiber")]


def test_vat_statement_missing_without_any_statement(run_check, make_obs):
    found = run_check("vat_statement_missing", _prices_on_two_pages(make_obs))
    assert [(f.subject, f.attribute, f.channels) for f in found] == [
        ("fiber-300", "vat_included", ("desktop",)), ("mbb-100", "vat_included", ("desktop",))]
    assert found[1].values == {"desktop": "24,90 €/kk — VAT not stated"}


def test_vat_statement_in_the_chrome_covers_every_page_of_the_channel(run_check, make_obs,
                                                                       channel_wide):
    footer = channel_wide(make_obs("desktop", None, "vat_included", True,
                                   url="http://x/d/", text="Hinnat sis. alv 25,5 %"))
    assert run_check("vat_statement_missing", [*_prices_on_two_pages(make_obs), footer]) == []


def test_vat_statement_in_the_chrome_covers_only_its_own_channel(run_check, make_obs,
                                                                  channel_wide):
    footer = channel_wide(make_obs("mobile", None, "vat_included", True))
    found = run_check("vat_statement_missing", [*_prices_on_two_pages(make_obs), footer])
    assert sorted(f.subject for f in found) == ["fiber-300", "mbb-100"]
    assert all(f.channels == ("desktop",) for f in found)


def test_vat_statement_unmatched_but_not_chrome_does_not_cover(run_check, make_obs,
                                                                channel_wide):
    # Text of another product's card (role "other") is not the channel's statement.
    other = channel_wide(make_obs("desktop", None, "vat_included", True), role="other")
    found = run_check("vat_statement_missing", [*_prices_on_two_pages(make_obs), other])
    assert len(found) == 2
