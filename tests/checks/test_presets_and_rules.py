"""Presets and declarative rules: validated like config, run like checks."""

from datetime import date

import pytest

from auditor.config import CheckSetting, ConfigError, parse_config
from auditor.model import Severity
from checks import REGISTRY, active_checks, configured_checks, run_checks
from checks.presets import preset_setting
from tests.checks.conftest import CHANNELS

BASE = """\
name: t
channels:
  desktop: {kind: web, start_urls: ["http://127.0.0.1/"]}
  mobile: {kind: web, device: "iPhone 13", start_urls: ["http://127.0.0.1/m/"]}
  chat: {kind: transcripts, path: chats}
"""


def test_recommended_is_todays_defaults_with_advisory_checks_at_warn():
    active = {a.spec.id: a for a in active_checks({})}
    assert active["price_mismatch"].level == "error"
    assert active["price_mismatch"].severity == Severity.HIGH
    assert active["vat_statement_missing"].level == "warn"
    assert {a.spec.id for a in active.values()} == {s.id for s in REGISTRY}


def test_strict_raises_levels_severities_and_tightens_options():
    active = {a.spec.id: a for a in active_checks({}, preset="strict")}
    assert {a.level for a in active.values()} == {"error"}
    assert active["price_mismatch"].severity == Severity.CRITICAL
    assert active["brand_name"].severity == Severity.MEDIUM
    assert active["fine_print"].options["min_font_px"] == 12
    assert active["color_drift"].options["max_delta_e"] == 5.0
    # The config's own settings win over the preset.
    mine = {"fine_print": CheckSetting(level="warn", options={"min_font_px": 10})}
    fp = {a.spec.id: a for a in active_checks(mine, preset="strict")}["fine_print"]
    assert (fp.level, fp.options["min_font_px"], fp.options["min_contrast"]) == ("warn", 10, 4.5)


def test_strict_options_exist_on_their_checks():
    for spec in REGISTRY:
        for option in preset_setting("strict", spec.id, spec.severity).options:
            assert option in spec.options, (spec.id, option)


def test_preset_key_is_validated_with_its_line():
    with pytest.raises(ConfigError, match=r"audit.yaml:6: preset: "):
        parse_config(BASE + "preset: strictest\n", source="audit.yaml")
    assert parse_config(BASE + "preset: strict\n").preset == "strict"


RULES = BASE + """\
rules:
  - name: fiber-web-price
    description: Fibre prices are the same on every web channel.
    subjects: "fiber-*"
    attribute: monthly_price
    channels: [web]
    equal: true
  - name: fee-with-price
    description: The activation fee is shown wherever the monthly price is.
    attribute: activation_fee
    present_where: monthly_price
    channels: [desktop, mobile]
    severity: high
  - name: promo-below-monthly
    description: A campaign price is below the monthly price.
    attribute: promo_price
    less_than: monthly_price
checks:
  "rule:promo-below-monthly": warn
"""


def _run(text, observations):
    cfg = parse_config(text, source="audit.yaml")
    return run_checks(observations, CHANNELS, checks=configured_checks(cfg),
                      today=date(2026, 11, 23))


def test_rules_run_as_checks_with_ids_levels_and_severities(make_obs):
    obs = [make_obs("desktop", "fiber-100", "monthly_price", "29.90"),
           make_obs("mobile", "fiber-100", "monthly_price", "31.90"),
           make_obs("chat", "fiber-100", "monthly_price", "35.00", source="transcript"),
           make_obs("desktop", "fiber-100", "activation_fee", "0"),
           make_obs("desktop", "mbb-100", "monthly_price", "24.90"),
           make_obs("mobile", "mbb-100", "monthly_price", "22.90"),
           make_obs("desktop", "mbb-100", "activation_fee", "4.90"),
           make_obs("mobile", "mbb-100", "activation_fee", "4.90"),
           make_obs("desktop", "mbb-100", "promo_price", "24.90")]
    found = {(f.check, f.subject): f for f in _run(RULES, obs)
             if f.check.startswith("rule:")}
    assert set(found) == {("rule:fiber-web-price", "fiber-100"),
                          ("rule:fee-with-price", "fiber-100"),
                          ("rule:promo-below-monthly", "mbb-100")}
    # The chat's 35,00 is out of the rule's channels; mbb-100 is not a fiber-* subject.
    assert found[("rule:fiber-web-price", "fiber-100")].channels == ("desktop", "mobile")
    assert found[("rule:fee-with-price", "fiber-100")].channels == ("mobile",)
    assert found[("rule:fee-with-price", "fiber-100")].severity == Severity.HIGH
    assert found[("rule:promo-below-monthly", "mbb-100")].level == "warn"
    assert found[("rule:promo-below-monthly", "mbb-100")].values == {
        "desktop": "24,90 € vs 24,90 €/kk"}


def test_rules_pass_when_they_hold(make_obs):
    obs = [make_obs("desktop", "fiber-100", "monthly_price", "29.90"),
           make_obs("mobile", "fiber-100", "monthly_price", "29.9"),
           make_obs("desktop", "fiber-100", "activation_fee", "0"),
           make_obs("mobile", "fiber-100", "activation_fee", "0"),
           make_obs("desktop", "fiber-100", "promo_price", "19.90")]
    assert [f for f in _run(RULES, obs) if f.check.startswith("rule:")] == []


@pytest.mark.parametrize("rule, error", [
    ("    attribute: monthly_prise\n    equal: true\n",
     r"audit.yaml:\d+: rules\[0\]\.attribute: unknown attribute 'monthly_prise'; "
     r"did you mean 'monthly_price'\?"),
    ("    attribute: monthly_price\n    equal: true\n    less_than: 5\n",
     r"rules\[0\]: rule 'r' needs exactly one operator .* got equal, less_than"),
    ("    attribute: monthly_price\n",
     r"rules\[0\]: rule 'r' needs exactly one operator .* got none"),
    ("    attribute: monthly_price\n    equal: true\n    channels: [desktop, tablet]\n",
     r"audit.yaml:11: rules\[0\]\.channels: unknown channel 'tablet'"),
    ("    attribute: monthly_price\n    equal: true\n    sujects: x\n",
     r"rules\[0\]\.sujects: unknown key"),
])
def test_bad_rules_are_config_errors_naming_line_and_key(rule, error):
    text = BASE + "rules:\n  - name: r\n    description: d\n" + rule
    with pytest.raises(ConfigError, match=error):
        parse_config(text, source="audit.yaml")


def test_rule_checks_are_documented_by_their_description():
    cfg = parse_config(RULES)
    spec = {a.spec.id: a.spec for a in configured_checks(cfg)}["rule:fee-with-price"]
    assert spec.title == "The activation fee is shown wherever the monthly price is."
    assert "activation_fee of * is shown wherever monthly_price is in desktop, mobile" \
        in spec.rationale
