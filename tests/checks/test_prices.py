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


def test_fee_mismatch_no_fee_on_web_but_a_fee_in_chat(run_check, make_obs):
    obs = [make_obs("desktop", "f", "activation_fee", 0), make_obs("chat", "f", "activation_fee",
                                                                    "4.90")]
    [f] = run_check("fee_mismatch", obs)
    assert f.attribute == "activation_fee"
    assert run_check("fee_mismatch", obs[:1]) == []
