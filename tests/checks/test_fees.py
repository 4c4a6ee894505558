from auditor.model import Shown


def test_hidden_fee_revealed_only_in_chat(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
           make_obs("mobile", "mbb-100", "monthly_price", "24.90"),
           make_obs("chat", "mbb-100", "activation_fee", "4.90", source="transcript")]
    [f] = run_check("hidden_fee", obs)
    assert (f.subject, f.attribute) == ("mbb-100", "activation_fee")
    assert f.channels == ("chat", "desktop", "mobile")
    assert f.values == {"chat": "4,90 €", "desktop": "not shown", "mobile": "not shown"}
    assert "Mobiililaajakaista 100M" in f.message


def test_hidden_fee_passes_when_web_states_the_fee_or_says_no_fee(run_check, make_obs):
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
           make_obs("desktop", "mbb-100", "activation_fee", "4.90"),
           make_obs("mobile", "mbb-100", "monthly_price", "24.90"),
           make_obs("mobile", "mbb-100", "activation_fee", "4.90"),
           make_obs("chat", "mbb-100", "activation_fee", "4.90", source="transcript")]
    assert run_check("hidden_fee", obs) == []
    # A zero fee ("Ei avausmaksua") is not a fee that can be hidden.
    zero = [make_obs("desktop", "f", "monthly_price", "59.90"),
            make_obs("chat", "f", "activation_fee", 0, source="transcript")]
    assert run_check("hidden_fee", zero) == []


def test_fine_print_fee_only_in_a_collapsed_element(run_check, make_obs):
    collapsed = Shown(visible=False, font_px=14, contrast=10, collapsed=True, above_fold=None)
    obs = [make_obs("desktop", "fiber-100", "activation_fee", "29.00", shown=collapsed),
           make_obs("mobile", "fiber-100", "activation_fee", "29.00")]
    [f] = run_check("fine_print", obs)
    assert f.channels == ("desktop",)
    assert "collapsed" in f.message


def test_fine_print_tiny_text_and_options(run_check, make_obs):
    tiny = Shown(visible=True, font_px=9, contrast=10, collapsed=False, above_fold=True)
    obs = [make_obs("mobile", "fiber-100", "activation_fee", "29.00", shown=tiny)]
    assert len(run_check("fine_print", obs)) == 1
    assert run_check("fine_print", obs, options={"min_font_px": 8}) == []


def test_fine_print_passes_when_one_appearance_is_plain(run_check, make_obs):
    collapsed = Shown(visible=False, collapsed=True)
    obs = [make_obs("desktop", "f", "activation_fee", "29.00", shown=collapsed),
           make_obs("desktop", "f", "activation_fee", "29.00")]
    assert run_check("fine_print", obs) == []
