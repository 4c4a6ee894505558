from datetime import date

import pytest


def test_missing_offer_campaign_missing_on_mobile(run_check, make_obs):
    obs = [make_obs("desktop", "fiber-300", "monthly_price", "44.90"),
           make_obs("desktop", "fiber-300", "offer", "Kampanja: 3 kk 0 €/kk"),
           make_obs("desktop", "fiber-300", "offer_ends", "2026-12-23"),
           make_obs("mobile", "fiber-300", "monthly_price", "44.90")]
    [f] = run_check("missing_offer", obs)
    assert (f.subject, f.attribute) == ("fiber-300", "offer")
    assert "mobile" in f.channels and f.values["mobile"] == "no campaign shown"


def test_missing_offer_passes_when_both_show_it_or_it_has_ended(run_check, make_obs):
    both = [make_obs(ch, "fiber-300", a, v) for ch in ("desktop", "mobile")
            for a, v in (("monthly_price", "44.90"), ("offer", "Kampanja"))]
    assert run_check("missing_offer", both) == []
    ended = [make_obs("desktop", "p", "monthly_price", "19.90"),
             make_obs("desktop", "p", "offer", "Syystarjous"),
             make_obs("desktop", "p", "offer_ends", "2026-11-01"),
             make_obs("mobile", "p", "monthly_price", "19.90")]
    assert run_check("missing_offer", ended) == []


def test_missing_offer_subject_absent_from_a_channel(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90")]
    [f] = run_check("missing_offer", obs)
    assert f.values == {"desktop": "offered", "mobile": "not found"}


def test_stale_offer_expired_campaign_still_shown(run_check, make_obs):
    obs = [make_obs("desktop", "puhe-5g-50", "offer_ends", "2026-11-09"),
           make_obs("mobile", "puhe-5g-50", "offer_ends", "2026-11-09"),
           make_obs("desktop", "fiber-300", "offer_ends", "2026-12-23")]
    [f] = run_check("stale_offer", obs, today=date(2026, 11, 23))
    assert f.subject == "puhe-5g-50" and f.channels == ("desktop", "mobile")
    assert f.values["desktop"] == "ended 9.11.2026"


def test_stale_offer_passes_on_the_last_day_and_with_grace(run_check, make_obs):
    obs = [make_obs("desktop", "x", "offer_ends", "2026-11-23")]
    assert run_check("stale_offer", obs, today=date(2026, 11, 23)) == []
    late = [make_obs("desktop", "x", "offer_ends", "2026-11-20")]
    assert run_check("stale_offer", late, options={"grace_days": 5}) == []


# --- absence where the pages failed: not checked ---------------------------------------

@pytest.mark.parametrize("failed", [{"mbb-100": ("http://x/m/mbb-100",)},
                                    {"*": ("http://x/m/mbb-100",)}], ids=["own-page", "any-page"])
def test_missing_offer_not_checked_where_the_subject_page_failed(run_check, make_obs,
                                                                 failing_channels, failed):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90")]
    [f] = run_check("missing_offer", obs, channels=failing_channels("mobile", failed))
    assert (f.subject, f.attribute) == ("mbb-100", "offer")
    assert f.checked is False and f.level == "warn"
    assert f.message.startswith("Not checked:")
    assert "http://x/m/mbb-100" in f.message
    assert f.channels == ("desktop", "mobile")
    assert f.values == {"desktop": "offered", "mobile": "not checked"}


def test_missing_offer_failed_page_of_another_subject_does_not_excuse(run_check, make_obs,
                                                                      failing_channels):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90")]
    channels = failing_channels("mobile", {"fiber-300": ("http://x/m/fiber-300",)})
    [f] = run_check("missing_offer", obs, channels=channels)
    assert f.checked is True and f.level == "error"
    assert f.values == {"desktop": "offered", "mobile": "not found"}
    assert f.message == "Mobiililaajakaista 100M is offered on desktop but not found on mobile."


def _campaign_on_desktop_only(make_obs):
    return [make_obs("desktop", "fiber-300", "monthly_price", "44.90"),
            make_obs("desktop", "fiber-300", "offer", "Kampanja: 3 kk 0 €/kk"),
            make_obs("mobile", "fiber-300", "monthly_price", "44.90")]


def test_missing_offer_campaign_not_checked_where_mobile_pages_failed(run_check, make_obs,
                                                                      failing_channels):
    channels = failing_channels("mobile", {"fiber-300": ("http://x/m/fiber-300",)})
    [f] = run_check("missing_offer", _campaign_on_desktop_only(make_obs), channels=channels)
    assert (f.subject, f.attribute) == ("fiber-300", "offer")
    assert f.checked is False and f.level == "warn"
    assert f.message.startswith("Not checked:") and "campaign" in f.message
    assert "http://x/m/fiber-300" in f.message
    assert f.values == {"desktop": "Kampanja: 3 kk 0 €/kk", "mobile": "not checked"}


def test_missing_offer_campaign_without_failures_is_an_error(run_check, make_obs):
    [f] = run_check("missing_offer", _campaign_on_desktop_only(make_obs))
    assert f.checked is True and f.level == "error"
    assert f.values == {"desktop": "Kampanja: 3 kk 0 €/kk", "mobile": "no campaign shown"}
    assert "is missing on mobile" in f.message


def test_missing_offer_not_checked_keeps_the_fingerprint(run_check, make_obs, failing_channels):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90")]
    [unchecked] = run_check("missing_offer", obs,
                            channels=failing_channels("mobile", {"*": ("http://x/m/",)}))
    [checked] = run_check("missing_offer", obs)
    assert unchecked.checked is False and checked.checked is True
    assert unchecked.fingerprint == checked.fingerprint


def _empty_mobile(failing_channels):
    """mobile read 3 pages and found no offer on them: the marker capture gives it."""
    from auditor.model import ChannelResult
    from auditor.pipeline import failed_pages

    result = ChannelResult("mobile", "web", "iPhone 13", pages_ok=3, pages_failed=0,
                           errors=(), observations=(), empty=True)
    failed = failed_pages(None, result)  # no errors: the matcher is not asked
    assert failed == {"*": ("every page read (no offer found on them)",)}
    return failing_channels("mobile", failed, complete=False, pages_ok=3)


def test_missing_offer_not_checked_on_a_channel_that_found_no_offer(run_check, make_obs,
                                                                    failing_channels):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90")]
    [f] = run_check("missing_offer", obs, channels=_empty_mobile(failing_channels))
    assert f.checked is False and f.level == "warn"
    assert f.values == {"desktop": "offered", "mobile": "not checked"}
    assert "no offer was found" in f.message


def test_missing_offer_not_checked_message_of_an_empty_channel_is_true(run_check, make_obs,
                                                                       failing_channels):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90")]
    [f] = run_check("missing_offer", obs, channels=_empty_mobile(failing_channels))
    assert "failed to load" not in f.message
    assert "loaded but no offer was found" in f.message
