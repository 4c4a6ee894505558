from datetime import date

import pytest

from auditor.model import Severity


def test_price_mismatch_flags_a_monthly_price_that_differs_on_mobile(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-300", "monthly_price", "29.90"),
           make_obs("mobile", "mbb-300", "monthly_price", "32.90"),
           make_obs("chat", "mbb-100", "monthly_price", "24.90")]
    [f] = run_check("price_mismatch", obs)
    assert (f.check, f.subject, f.attribute) == ("price_mismatch", "mbb-300", "monthly_price")
    assert f.channels == ("desktop", "mobile")
    assert f.values == {"desktop": "29,90 €/kk", "mobile": "32,90 €/kk"}
    assert f.severity == Severity.HIGH
    assert set(f.observations) == {obs[0].id, obs[1].id}


def test_price_mismatch_passes_equal_prices_written_differently(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-1000", "monthly_price", "39.90"),
           make_obs("mobile", "mbb-1000", "monthly_price", "39.9"),
           make_obs("chat", "mbb-1000", "monthly_price", "39.90", source="transcript")]
    assert run_check("price_mismatch", obs) == []


def test_price_mismatch_tolerance_option(run_check, make_obs):
    obs = [make_obs("desktop", "x", "monthly_price", "19.90"),
           make_obs("mobile", "x", "monthly_price", "19.91")]
    assert len(run_check("price_mismatch", obs)) == 1
    assert run_check("price_mismatch", obs, options={"tolerance": "0.01"}) == []


def test_price_mismatch_a_campaign_price_restated_as_monthly_is_not_a_second_price(
        run_check, make_obs):
    """A mobile banner "Pack Familia a 59,90 € al mes" restates the campaign its page gives
    terms to ("59,90 €/mes durante los 6 primeros meses; después 69,90 €/mes"): the
    campaign is not a second regular price. The same banner with no such campaign is."""
    banner = make_obs("mobile", "pack", "monthly_price", "59.90", url="http://h/movil/")
    regular = [make_obs("desktop", "pack", "monthly_price", "69.90"),
               make_obs("mobile", "pack", "monthly_price", "69.90", url="http://h/movil/pack"),
               make_obs("chat", "pack", "monthly_price", "69.90", source="transcript")]
    campaign = make_obs("mobile", "pack", "promo_price", "59.90", url="http://h/movil/pack",
                        period="month")
    assert run_check("price_mismatch", [banner, campaign, *regular]) == []
    [f] = run_check("price_mismatch", [banner, *regular])
    assert f.values["mobile"] == "59,90 €/kk / 69,90 €/kk"
    # Another channel's campaign does not excuse the mobile banner.
    elsewhere = make_obs("desktop", "pack", "promo_price", "59.90", period="month")
    assert len(run_check("price_mismatch", [banner, elsewhere, *regular])) == 1


def test_contract_mismatch_web_12_vs_chat_24(run_check, make_obs):
    obs = [make_obs("desktop", "puhe", "contract_months", 12),
           make_obs("mobile", "puhe", "contract_months", 12),
           make_obs("chat", "puhe", "contract_months", 24, source="transcript")]
    [f] = run_check("contract_mismatch", obs)
    assert f.channels == ("chat", "desktop", "mobile")
    assert f.values["chat"] == "24 kk" and f.values["desktop"] == "12 kk"


def test_contract_mismatch_passes_when_all_agree(run_check, make_obs):
    obs = [make_obs(ch, "puhe-10", "contract_months", 24) for ch in ("desktop", "mobile", "chat")]
    assert run_check("contract_mismatch", obs) == []


def test_contract_mismatch_compares_price_guarantees_apart_from_contract_length(run_check,
                                                                               make_obs):
    # "Sans engagement, prix bloqué 2 ans" on the site; "bloqué pendant 3 ans" in chat.
    obs = [make_obs("desktop", "fixe", "contract_months", 0),
           make_obs("desktop", "fixe", "price_lock_months", 24),
           make_obs("chat", "fixe", "contract_months", 0, source="transcript"),
           make_obs("chat", "fixe", "price_lock_months", 36, source="transcript")]
    [f] = run_check("contract_mismatch", obs)
    assert (f.attribute, f.channels) == ("price_lock_months", ("chat", "desktop"))
    assert "price guarantee" in f.message
    assert run_check("contract_mismatch", obs,
                     options={"attributes": ["contract_months"]}) == []


def test_fee_mismatch_no_fee_on_web_but_a_fee_in_chat(run_check, make_obs):
    obs = [make_obs("desktop", "f", "activation_fee", 0), make_obs("chat", "f", "activation_fee",
                                                                    "4.90")]
    [f] = run_check("fee_mismatch", obs)
    assert f.attribute == "activation_fee"
    assert run_check("fee_mismatch", obs[:1]) == []


# --- structured_data_mismatch -------------------------------------------------------------

PAGE = "http://x/d/mbb-100"


@pytest.mark.parametrize("structured_as", ["price", "monthly_price"])
def test_structured_data_mismatch_stale_schema_price(run_check, make_obs, structured_as):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "449", url=PAGE),
           make_obs("desktop", "mbb-100", structured_as, "429", url=PAGE, source="structured",
                    period="month" if structured_as == "monthly_price" else "once"),
           make_obs("mobile", "mbb-100", "monthly_price", "449")]
    [f] = run_check("structured_data_mismatch", obs)
    assert (f.check, f.subject, f.attribute) == ("structured_data_mismatch", "mbb-100",
                                                 "monthly_price")
    assert f.channels == ("desktop",)
    assert f.severity == Severity.MEDIUM
    assert "429,00 €" in f.message and "449,00 €/kk" in f.message and PAGE in f.message
    assert "429,00 €" in f.values["desktop"] and "449,00 €/kk" in f.values["desktop"]
    assert set(f.observations) == {obs[0].id, obs[1].id}
    # The stale structured value is that check's finding, not a second price of the offer.
    assert run_check("price_mismatch", obs) == []


def test_structured_data_mismatch_passes_when_structured_agrees(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "449", url=PAGE),
           make_obs("desktop", "mbb-100", "monthly_price", "449.00", url=PAGE,
                    source="structured")]
    assert run_check("structured_data_mismatch", obs) == []


def test_structured_data_mismatch_a_structured_price_equal_to_the_struck_price_is_stale(
        run_check, make_obs):
    # After a price cut the page shows "norm. <del>259 €</del> 239 €" while the JSON-LD
    # Offer still says 259: the feed carries the former price, which is the finding.
    obs = [make_obs("desktop", "router", "price", "239", url=PAGE),
           make_obs("desktop", "router", "list_price", "259", url=PAGE),
           make_obs("desktop", "router", "price", "259.00", url=PAGE, source="structured")]
    [f] = run_check("structured_data_mismatch", obs)
    assert (f.subject, f.attribute) == ("router", "price")
    assert "259,00 €" in f.values["desktop"] and "239,00 €" in f.values["desktop"]
    # A structured list price is compared with the list price the page shows.
    obs[2] = make_obs("desktop", "router", "list_price", "259.00", url=PAGE, source="structured")
    assert run_check("structured_data_mismatch", obs) == []
    # A page that shows only a list price: the structured price is compared with it.
    only_list = [obs[1], make_obs("desktop", "router", "price", "259", url=PAGE,
                                  source="structured")]
    assert run_check("structured_data_mismatch", only_list) == []


def test_structured_data_mismatch_ignores_a_page_without_a_visible_price(run_check, make_obs):
    # The structured price sits on a page that shows no price of the offer: nothing on that
    # page to disagree with, so no structured_data_mismatch — but as the only price that
    # page states, it is compared across pages and channels by price_mismatch.
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "449", url=PAGE),
           make_obs("desktop", "mbb-100", "monthly_price", "429", url="http://x/d/list",
                    source="structured")]
    assert run_check("structured_data_mismatch", obs) == []
    [f] = run_check("price_mismatch", obs)
    assert (f.subject, f.attribute) == ("mbb-100", "monthly_price")


def test_structured_data_mismatch_same_price_of_another_subject(run_check, make_obs):
    # A visible price counts only for the same subject on the same channel and page.
    obs = [make_obs("desktop", "fiber-300", "monthly_price", "449", url=PAGE),
           make_obs("desktop", "mbb-100", "monthly_price", "429", url=PAGE,
                    source="structured")]
    assert run_check("structured_data_mismatch", obs) == []


def test_structured_data_mismatch_tolerance(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "449.00", url=PAGE),
           make_obs("desktop", "mbb-100", "monthly_price", "448.99", url=PAGE,
                    source="structured")]
    assert len(run_check("structured_data_mismatch", obs)) == 1
    assert run_check("structured_data_mismatch", obs, options={"tolerance": "0.01"}) == []


def test_channels_stating_the_same_several_prices_agree(run_check, make_obs):
    # "$25/mo, or $20/mo with AutoPay" on every channel: one offer, told the same way.
    both = [make_obs(ch, "mbb-100", "monthly_price", v) for ch in ("desktop", "mobile")
            for v in ("25", "20")]
    assert run_check("price_mismatch", both + [make_obs("chat", "mbb-100", "monthly_price",
                                                        "20")]) == []
    # A price only one channel states is still a mismatch, even beside the shared ones.
    [f] = run_check("price_mismatch", both + [make_obs("mobile", "mbb-100", "monthly_price",
                                                       "30")])
    assert f.channels == ("desktop", "mobile") and "30,00" in f.values["mobile"]
    # One channel contradicting itself, the only one to state the offer, is a mismatch too.
    [g] = run_check("price_mismatch", [make_obs("desktop", "mbb-100", "monthly_price", "25"),
                                       make_obs("desktop", "mbb-100", "monthly_price", "29")])
    assert g.channels == ("desktop",)


def test_price_mismatch_a_lone_channel_contradicts_itself_only_across_pages(run_check,
                                                                             make_obs):
    page = "http://x/m/add-ons"
    parts = [make_obs("mobile", "protect", "price", "29", url=page,
                      text="Cracked screen repair $29"),
             make_obs("mobile", "protect", "price", "99", url=page, text="Replacement $99")]
    # Two prices on one page, each in its own place: the parts of the offer, not a conflict.
    assert run_check("price_mismatch", parts) == []
    # The same offer at another price on another page of that channel is a contradiction.
    listing = make_obs("mobile", "protect", "price", "39", url="http://x/m/protect")
    [f] = run_check("price_mismatch", [parts[0], listing])
    assert f.channels == ("mobile",)


def test_a_lone_channel_page_giving_one_tier_agrees_with_the_grid_of_all_tiers(
        run_check, make_obs):
    """Only desktop states the offer: its grid page lists the monthly price of every power
    (3, 6, 9 kVA) and the offer's page the 6 kVA one. They share a value: no contradiction.
    Two pages with no value in common still are one."""
    grid = [make_obs("desktop", "fixe", "monthly_price", v, url="http://h/grille")
            for v in ("11.73", "15.47", "19.39")]
    page = make_obs("desktop", "fixe", "monthly_price", "15.47", url="http://h/fixe")
    assert run_check("price_mismatch", [*grid, page]) == []
    other = make_obs("desktop", "fixe", "monthly_price", "16.47", url="http://h/fixe")
    [f] = run_check("price_mismatch", [*grid, other])
    assert f.channels == ("desktop",)


def test_a_tariff_grid_beside_the_price_every_channel_gives_is_options_not_a_contradiction(
        run_check, make_obs):
    """Desktop's grid gives the subscription for every meter power, mobile and chat the
    6 kVA one: the grid's other rows sit beside the agreed value, they are options. A
    listing that gives another price on a page of its own still contradicts."""
    grid = [make_obs("desktop", "fixe", "monthly_price", v, url="http://h/grille")
            for v in ("11.73", "15.47", "19.39")]
    elsewhere = [make_obs("mobile", "fixe", "monthly_price", "15.47"),
                 make_obs("chat", "fixe", "monthly_price", "15.47", source="transcript")]
    assert run_check("price_mismatch", [*grid, *elsewhere]) == []
    listing = make_obs("desktop", "fixe", "monthly_price", "14.47", url="http://h/offres")
    [f] = run_check("price_mismatch", [*grid, listing, *elsewhere])
    assert "14,47" in f.values["desktop"]


def test_a_shifted_pair_of_prices_is_no_listing_of_options(run_check, make_obs):
    """Mobile "$65/mo, or $60/mo with AutoPay" against desktop "$60, or $55": each page
    shares one value with the other channel but leaves out the other's second one — a
    price change, not a list of options."""
    desktop = [make_obs("desktop", "max", "monthly_price", v, url="http://h/max")
               for v in ("60", "55")]
    mobile = [make_obs("mobile", "max", "monthly_price", v, url="http://h/m/max")
              for v in ("65", "60")]
    [f] = run_check("price_mismatch", [*desktop, *mobile])
    assert f.channels == ("desktop", "mobile")


def test_price_mismatch_a_bare_price_equal_to_the_channel_s_monthly_price_is_that_price(
        run_check, make_obs):
    # "danach € 54,90" on other pages' cards; "€ 9,90 … die ersten 2 Monate" on the page.
    obs = [make_obs("desktop", "premium", "monthly_price", "54.90"),
           make_obs("desktop", "premium", "promo_price", "9.90", period="month"),
           make_obs("desktop", "premium", "price", "54.90", url="http://127.0.0.1/a"),
           make_obs("desktop", "premium", "price", "9.90", url="http://127.0.0.1/b")]
    assert run_check("price_mismatch", obs) == []
    # A one-off price that is no monthly price of the channel still disagrees.
    obs += [make_obs("desktop", "premium", "price", "19.90"),
            make_obs("mobile", "premium", "price", "24.90")]
    [f] = run_check("price_mismatch", obs)
    assert (f.attribute, f.channels) == ("price", ("desktop", "mobile"))


def test_price_mismatch_compares_prices_per_use_with_each_other(run_check, make_obs):
    # "1 195 kr per utryckning" on the site, "995 kr per utryckning" in chat.
    obs = [make_obs("desktop", "guard", "price", "1195", period="unit"),
           make_obs("chat", "guard", "price", "995", period="unit", source="transcript"),
           make_obs("desktop", "guard", "monthly_price", "99")]
    [f] = run_check("price_mismatch", obs)
    assert (f.attribute, f.channels) == ("price", ("chat", "desktop"))
    assert "price per use" in f.message
    obs[1] = make_obs("chat", "guard", "price", "1195", period="unit", source="transcript")
    assert run_check("price_mismatch", obs) == []


def test_findings_write_values_in_the_runs_locale(make_obs):
    """A Norwegian shop's finding reads "5 490,00 kr/mnd.", a Swedish one's "tillsvidare":
    the run's report.locale, in the message as in the values, never the Finnish "kk"."""
    import dataclasses

    from auditor.config import CheckSetting
    from checks import REGISTRY, active_checks, run_checks
    from tests.checks.conftest import CHANNELS

    nok = [dataclasses.replace(make_obs(ch, "ev3", "monthly_price", v), currency="NOK")
           for ch, v in (("desktop", "5490"), ("mobile", "5990"))]
    terms = [make_obs("desktop", "ev3", "contract_months", "0"),
             make_obs("chat", "ev3", "contract_months", "6")]
    settings = {s.id: CheckSetting(level="off") for s in REGISTRY}
    settings["price_mismatch"] = settings["contract_mismatch"] = CheckSetting(level="error")

    def findings(locale: str | None) -> dict[str, str]:
        return {f.check: f.message for f in run_checks(
            [*nok, *terms], CHANNELS, checks=active_checks(settings),
            today=date(2026, 11, 29), locale=locale)}

    norwegian = findings("nb-NO")
    assert "desktop: 5 490,00 kr/mnd.; mobile: 5 990,00 kr/mnd." in norwegian["price_mismatch"]
    assert "/kk" not in norwegian["price_mismatch"]
    assert "ingen bindingstid (no fixed term)" in norwegian["contract_mismatch"]
    swedish = findings("sv-SE")
    assert "tillsvidare (no fixed term)" in swedish["contract_mismatch"]
    assert "6 mån" in swedish["contract_mismatch"]
    # Without a locale (a caller outside a run), the Finnish form messages always had.
    assert "5 490,00 NOK/kk" in findings(None)["price_mismatch"]
