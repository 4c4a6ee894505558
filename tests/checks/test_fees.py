import pytest

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


def test_fine_print_a_dearer_option_in_a_closed_section_is_not_a_hidden_fee(run_check, make_obs):
    import dataclasses
    from decimal import Decimal

    collapsed = Shown(visible=False, collapsed=True)
    standard = dataclasses.replace(make_obs("desktop", "k5", "delivery_fee", "5.99"),
                                   free_from=Decimal("50"))  # "free over $50, otherwise $5.99"
    express = make_obs("desktop", "k5", "delivery_fee", "14.99", shown=collapsed)
    phone = make_obs("desktop", "k5", "price", "299")  # over $50: standard delivery is free
    assert run_check("fine_print", [phone, standard, express]) == []
    # Without the plainly shown standard fee, the closed section is all the page says.
    [f] = run_check("fine_print", [phone, express])
    assert f.values["desktop"].startswith("14,99")
    # "Free shipping" shown plainly discloses delivery, a fee kind sold in options ...
    free = make_obs("desktop", "k5", "delivery_fee", "0")
    assert run_check("fine_print", [phone, free, express]) == []
    assert len(run_check("fine_print", [phone, free, express],
                         options={"option_fees": []})) == 1
    # A free option for this offer, even in the closed section, means nothing must be paid.
    standard_closed = dataclasses.replace(standard, shown=collapsed)
    assert run_check("fine_print", [phone, standard_closed, express]) == []
    cheap_phone = make_obs("desktop", "k5", "price", "29")  # under $50: $5.99 is due
    assert len(run_check("fine_print", [cheap_phone, standard_closed, express])) == 1
    # ... but "no activation fee" shown plainly does not excuse one hidden in a closed section.
    hidden = make_obs("desktop", "k5", "activation_fee", "29", shown=collapsed)
    none = make_obs("desktop", "k5", "activation_fee", "0")
    assert len(run_check("fine_print", [phone, none, hidden])) == 1


# --- not checked, and channel-wide statements ------------------------------------------

def _fee_in_chat_mobile_silent(make_obs):
    # desktop shows the fee; mobile presents the offer (its price) but not the fee.
    return [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
            make_obs("desktop", "mbb-100", "activation_fee", "4.90"),
            make_obs("mobile", "mbb-100", "monthly_price", "24.90"),
            make_obs("chat", "mbb-100", "activation_fee", "4.90", source="transcript")]


@pytest.mark.parametrize("failed", [{"mbb-100": ("http://x/m/offer",)},
                                    {"*": ("http://x/m/offer",)}], ids=["own-page", "any-page"])
def test_hidden_fee_not_checked_where_the_offer_page_failed(run_check, make_obs,
                                                             failing_channels, failed):
    obs = _fee_in_chat_mobile_silent(make_obs)
    [f] = run_check("hidden_fee", obs, channels=failing_channels("mobile", failed))
    assert (f.subject, f.attribute) == ("mbb-100", "activation_fee")
    assert f.checked is False and f.level == "warn"
    assert f.message.startswith("Not checked:")
    assert "http://x/m/offer" in f.message and "mobile" in f.message
    assert f.channels == ("chat", "desktop", "mobile")
    assert f.values == {"chat": "4,90 €", "desktop": "4,90 €", "mobile": "not checked"}


def test_hidden_fee_without_failures_is_an_error(run_check, make_obs):
    [f] = run_check("hidden_fee", _fee_in_chat_mobile_silent(make_obs))
    assert f.checked is True and f.level == "error"
    assert not f.message.startswith("Not checked")
    assert "not shown on mobile" in f.message
    assert f.values["mobile"] == "not shown"


def test_hidden_fee_failed_page_of_another_offer_does_not_excuse(run_check, make_obs,
                                                                  failing_channels):
    channels = failing_channels("mobile", {"fiber-300": ("http://x/m/fiber",)})
    [f] = run_check("hidden_fee", _fee_in_chat_mobile_silent(make_obs), channels=channels)
    assert f.checked is True and f.level == "error"
    assert f.values["mobile"] == "not shown"


def test_hidden_fee_checked_silence_outweighs_an_unchecked_one(run_check, make_obs,
                                                               failing_channels):
    # desktop is silent and was read; mobile is silent but its page failed: the finding is
    # a real one, about desktop alone.
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
           make_obs("mobile", "mbb-100", "monthly_price", "24.90"),
           make_obs("chat", "mbb-100", "activation_fee", "4.90", source="transcript")]
    channels = failing_channels("mobile", {"mbb-100": ("http://x/m/offer",)})
    [f] = run_check("hidden_fee", obs, channels=channels)
    assert f.checked is True and f.level == "error"
    assert f.channels == ("chat", "desktop")
    assert f.values == {"chat": "4,90 €", "desktop": "not shown"}


def test_hidden_fee_a_channel_wide_fee_statement_is_not_silence(run_check, make_obs,
                                                                channel_wide):
    base = [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
            make_obs("mobile", "mbb-100", "monthly_price", "24.90"),
            make_obs("chat", "mbb-100", "delivery_fee", "4.90", source="transcript")]
    mobile_footer = channel_wide(make_obs("mobile", None, "delivery_fee", "4.90"))
    [f] = run_check("hidden_fee", [*base, mobile_footer])
    assert f.attribute == "delivery_fee"
    assert f.channels == ("chat", "desktop")
    assert f.values == {"chat": "4,90 €", "desktop": "not shown"}
    desktop_footer = channel_wide(make_obs("desktop", None, "delivery_fee", "4.90"))
    assert run_check("hidden_fee", [*base, mobile_footer, desktop_footer]) == []


def test_hidden_fee_an_unmatched_fee_that_is_not_chrome_does_not_count(run_check, make_obs,
                                                                       channel_wide):
    # Another product's card (role "other", no subject) is not a channel-wide statement.
    obs = [make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
           make_obs("chat", "mbb-100", "delivery_fee", "4.90", source="transcript"),
           channel_wide(make_obs("desktop", None, "delivery_fee", "4.90"), role="other")]
    [f] = run_check("hidden_fee", obs)
    assert f.values["desktop"] == "not shown"


def test_a_fee_waived_above_an_order_value_is_no_fee_for_an_offer_that_reaches_it(
        run_check, make_obs):
    import dataclasses
    from decimal import Decimal

    from auditor.model import Shown

    collapsed = Shown(visible=True, font_px=16, contrast=12.0, collapsed=True, above_fold=True)

    def policy(channel, subject, shown=None):
        # "Frais de livraison CHF 7.90, offerts dès CHF 50.–" in the delivery accordion.
        o = make_obs(channel, subject, "delivery_fee", "7.90", shown=shown)
        return dataclasses.replace(o, free_from=Decimal("50"))

    phone = [make_obs("desktop", "phone", "price", "599"), make_obs("mobile", "phone", "price",
                                                                    "599"),
             make_obs("desktop", "phone", "delivery_fee", "0"), policy("desktop", "phone",
                                                                     collapsed),
             make_obs("mobile", "phone", "delivery_fee", "0"), policy("mobile", "phone",
                                                                    collapsed)]
    # "Free delivery" and "7.90, free from 50" agree for a 599 phone; nothing is hidden.
    for check in ("fee_mismatch", "fine_print", "hidden_fee"):
        assert run_check(check, phone) == [], check
    # A 29.90 charger does pay it: the same policy, shown only collapsed, is fine print,
    # and "free delivery" elsewhere is a contradiction.
    charger = [make_obs("desktop", "charger", "price", "29.90"),
               policy("desktop", "charger", collapsed),
               make_obs("mobile", "charger", "price", "29.90"),
               make_obs("mobile", "charger", "delivery_fee", "0")]
    [fp] = run_check("fine_print", charger)
    assert fp.channels == ("desktop",) and "free from" in fp.message
    [fm] = run_check("fee_mismatch", charger)
    assert fm.values["desktop"].startswith("7,90") and fm.values["mobile"].startswith("0,00")


def test_fine_print_a_closed_section_titled_with_the_fee_is_where_buyers_look(run_check,
                                                                              make_obs):
    filed = Shown(visible=False, collapsed=True, section="Livraison", section_names_it=True)
    tucked = Shown(visible=False, collapsed=True, section="See full terms",
                   section_names_it=False)
    obs = [make_obs("mobile", "t", "delivery_fee", "5.90", shown=filed)]
    assert run_check("fine_print", obs) == []
    assert len(run_check("fine_print", obs, options={"titled_sections": False})) == 1
    [f] = run_check("fine_print", [make_obs("mobile", "t", "delivery_fee", "5.90",
                                            shown=tucked)])
    assert "'See full terms'" in f.message
