from datetime import date


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
