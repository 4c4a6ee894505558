"""A failing and a passing case for each check added to the catalogue, through the engine."""

from decimal import Decimal

from auditor.model import BRAND_SUBJECT, Shown
from checks import ChannelInfo
from tests.checks.conftest import CHANNELS


def test_price_mismatch_adds_vat_to_a_net_price_before_comparing(run_check, make_obs):
    net_page = "http://127.0.0.1/yritys/mbb"
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
           make_obs("mobile", "mbb-100", "monthly_price", "19.84", url=net_page),
           make_obs("mobile", "mbb-100", "vat_included", False, url=net_page)]
    # 19,84 € + 25,5 % VAT = 24,90 €: the same price, stated net of VAT.
    assert run_check("price_mismatch", obs) == []
    [f] = run_check("price_mismatch", obs, options={"vat_rate": "0"})
    assert f.values == {"desktop": "24,90 €/kk", "mobile": "19,84 €/kk"}
    # A net price that does not add up to the gross one is still a mismatch.
    wrong = [*obs[:1], make_obs("mobile", "mbb-100", "monthly_price", "21.00", url=net_page),
             obs[2]]
    [f] = run_check("price_mismatch", wrong)
    assert f.channels == ("desktop", "mobile")
    # The reader sees the stated net price and what it was compared as.
    assert f.values == {"desktop": "24,90 €/kk", "mobile": "21,00 €/kk excl. VAT (= 26,36 €/kk)"}


def test_price_mismatch_takes_the_vat_rate_of_the_channels_country(run_check, make_obs):
    """``vat_rate: auto``: a Norwegian van at 6 392 kr/mnd excl. mva. is 7 990 kr/mnd with
    Norway's 25 % — with Finland's 25,5 % (the fallback) it would be 8 021,96 kr."""
    import dataclasses

    net_page = "http://127.0.0.1/bedrift/varebil"
    obs = [dataclasses.replace(o, currency="NOK") if o.attribute.endswith("price") else o
           for o in (make_obs("desktop", "van", "monthly_price", "7990"),
                     make_obs("mobile", "van", "monthly_price", "6392", url=net_page),
                     make_obs("mobile", "van", "vat_included", False, url=net_page))]
    norway = {n: dataclasses.replace(c, locale="nb-NO") for n, c in CHANNELS.items()}
    assert run_check("price_mismatch", obs, channels=norway) == []
    [f] = run_check("price_mismatch", obs)  # no locale: the fallback rate
    assert "8 021,96" in f.values["mobile"]
    # A channel without a locale of its own takes the country the others share; a number
    # in the config is the rate everywhere.
    mixed = {**norway, "mobile": dataclasses.replace(CHANNELS["mobile"], locale=None)}
    assert run_check("price_mismatch", obs, channels=mixed) == []
    assert run_check("price_mismatch", obs, channels=norway, options={"vat_rate": "25.5"})


def test_fine_print_below_the_fold_only_when_asked(run_check, make_obs):
    low = Shown(visible=True, font_px=16, contrast=12.0, collapsed=False, above_fold=False)
    obs = [make_obs("mobile", "fiber-100", "activation_fee", "29.00", shown=low)]
    assert run_check("fine_print", obs) == []
    [f] = run_check("fine_print", obs, options={"below_fold": True})
    assert f.channels == ("mobile",) and "below the fold" in f.message


def test_offer_terms_mismatch_campaign_length_and_end_date(run_check, make_obs):
    obs = [make_obs("desktop", "fiber-300", "promo_months", 3),
           make_obs("mobile", "fiber-300", "promo_months", 6),
           make_obs("desktop", "fiber-300", "offer_ends", "2026-12-31"),
           make_obs("mobile", "fiber-300", "offer_ends", "2026-12-15"),
           make_obs("desktop", "fiber-300", "promo_price", "0"),
           make_obs("mobile", "fiber-300", "promo_price", "0.00")]
    found = {(f.attribute, f.channels) for f in run_check("offer_terms_mismatch", obs)}
    assert found == {("promo_months", ("desktop", "mobile")),
                     ("offer_ends", ("desktop", "mobile"))}


def test_offer_terms_mismatch_passes_the_same_campaign(run_check, make_obs):
    obs = [make_obs(ch, "fiber-300", a, v) for ch in ("desktop", "mobile", "chat")
           for a, v in (("promo_months", 3), ("promo_price", "0"), ("offer_ends", "2026-12-31"))]
    assert run_check("offer_terms_mismatch", obs) == []


def _priced(make_obs, total):
    return [make_obs("desktop", "fiber-300", "monthly_price", "44.90"),
            make_obs("desktop", "fiber-300", "contract_months", 24),
            make_obs("desktop", "fiber-300", "promo_price", "0"),
            make_obs("desktop", "fiber-300", "promo_months", 3),
            make_obs("mobile", "fiber-300", "activation_fee", "9.90"),
            make_obs("desktop", "fiber-300", "total_cost", Decimal(total))]


def test_total_cost_mismatch_recomputes_campaign_months_and_fees(run_check, make_obs):
    # 3 × 0 + 21 × 44,90 + 9,90 (the fee only mobile states) = 952,80 €.
    assert run_check("total_cost_mismatch", _priced(make_obs, "952.80")) == []
    [f] = run_check("total_cost_mismatch", _priced(make_obs, "1077.60"))  # 24 × 44,90
    assert (f.subject, f.attribute, f.channels) == ("fiber-300", "total_cost", ("desktop",))
    assert "= 952,8 €" in f.message


def test_total_cost_mismatch_says_nothing_for_open_ended_contracts(run_check, make_obs):
    obs = [make_obs("desktop", "puhe-10", "monthly_price", "19.90"),
           make_obs("desktop", "puhe-10", "contract_months", 0),
           make_obs("desktop", "puhe-10", "total_cost", Decimal("100"))]
    assert run_check("total_cost_mismatch", obs) == []


def test_vat_statement_missing_on_a_page_without_one(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90", url="http://s/a"),
           make_obs("desktop", "mbb-100", "vat_included", True, url="http://s/a"),
           make_obs("mobile", "mbb-100", "monthly_price", "24.90", url="http://s/m/a"),
           make_obs("chat", "mbb-100", "monthly_price", "24.90", source="transcript")]
    [f] = run_check("vat_statement_missing", obs)
    assert (f.subject, f.attribute, f.channels) == ("mbb-100", "vat_included", ("mobile",))
    covered = [*obs, make_obs("mobile", "mbb-100", "vat_included", True, url="http://s/m/a")]
    assert run_check("vat_statement_missing", covered) == []


def test_font_drift_against_the_majority_and_configured_fonts(run_check, make_obs):
    obs = [make_obs("desktop", BRAND_SUBJECT, "font_family", '"Inter", Arial, sans-serif'),
           make_obs("desktop", BRAND_SUBJECT, "font_family", "Inter"),
           make_obs("mobile", BRAND_SUBJECT, "font_family", "Times New Roman")]
    [f] = run_check("font_drift", obs)
    assert (f.channels, f.values) == (("mobile",), {"mobile": "times new roman"})
    assert run_check("font_drift", obs[:2]) == []
    assert {f.channels for f in run_check("font_drift", obs, options={"fonts": ["Roboto"]})} \
        == {("desktop",), ("mobile",)}


def test_capture_gap_reports_unreadable_pages_and_channels(run_check):
    channels = dict(CHANNELS)
    channels["mobile"] = ChannelInfo("mobile", "web", "iPhone 13", False, 12, 1,
                                     (("http://127.0.0.1:8123/m/kuitu", "timeout after 20 s"),))
    channels["chat"] = ChannelInfo("chat", "transcripts", None, False, 0, 1,
                                   (("chats/", "folder not found"),))
    found = {(f.attribute, f.channels) for f in run_check("capture_gap", [], channels=channels)}
    assert found == {("page", ("mobile",)), ("channel", ("chat",))}
    assert run_check("capture_gap", [], channels=CHANNELS) == []


def test_capture_gap_fingerprint_ignores_the_host(run_check):
    def gap(port: int):
        ch = dict(CHANNELS)
        ch["mobile"] = ChannelInfo("mobile", "web", None, False, 3, 1,
                                   ((f"http://127.0.0.1:{port}/m/kuitu", "HTTP 500"),))
        return run_check("capture_gap", [], channels=ch)[0].fingerprint

    assert gap(8000) == gap(41234)
