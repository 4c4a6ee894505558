from collections.abc import Iterable

import pytest

from auditor.config import CheckSetting, ConfigError
from auditor.model import Severity
from checks import REGISTRY, Option, RegistrationError, Registry, active_checks, check

BUILT_INS = {"price_mismatch", "fee_mismatch", "contract_mismatch", "hidden_fee", "fine_print",
             "missing_offer", "stale_offer", "brand_name", "logo_drift", "color_drift",
             "offer_terms_mismatch", "total_cost_mismatch", "vat_statement_missing",
             "font_drift", "capture_gap"}


def test_every_built_in_is_registered_with_rationale_severity_and_documented_options():
    ids = {s.id for s in REGISTRY}
    assert BUILT_INS <= ids
    for spec in REGISTRY:
        assert len(spec.rationale) > 120, spec.id
        assert isinstance(spec.severity, Severity)
        for name, opt in spec.options.items():
            assert opt.help, (spec.id, name)


def test_duplicate_ids_are_rejected():
    reg = Registry()

    @check("dup_check", severity="low", registry=reg)
    def first(ctx) -> Iterable:
        """First."""
        return []

    with pytest.raises(RegistrationError, match="duplicate check id 'dup_check'"):
        @check("dup_check", severity="low", registry=reg)
        def second(ctx) -> Iterable:
            """Second."""
            return []


@pytest.mark.parametrize("source, message", [
    ("def f(ctx, extra):\n    '''Doc.'''\n", "exactly one parameter"),
    ("def f():\n    '''Doc.'''\n", "exactly one parameter"),
    ("def f(ctx):\n    pass\n", "needs a docstring"),
])
def test_bad_signatures_and_missing_docs_are_rejected(source, message):
    ns: dict = {}
    exec(source, ns)
    with pytest.raises(RegistrationError, match=message):
        check("some_check", severity="low", registry=Registry())(ns["f"])


def test_bad_id_severity_and_option_are_rejected():
    def f(ctx):
        """Doc."""
    with pytest.raises(RegistrationError, match="lower_snake_case"):
        check("Bad-Id", severity="low", registry=Registry())(f)
    with pytest.raises(RegistrationError, match="unknown severity"):
        check("ok_id", severity="urgent", registry=Registry())(f)
    with pytest.raises(RegistrationError, match="must be an Option"):
        check("ok_id", severity="low", options={"x": 1}, registry=Registry())(f)
    with pytest.raises(RegistrationError, match="needs help text"):
        check("ok_id", severity="low", options={"x": Option(1, "")}, registry=Registry())(f)


def test_levels_severity_and_options_from_config():
    settings = {"price_mismatch": CheckSetting(level="warn", severity=Severity.CRITICAL,
                                               options={"tolerance": "0.05"}),
                "fine_print": CheckSetting(level="off")}
    active = {a.spec.id: a for a in active_checks(settings)}
    assert "fine_print" not in active
    pm = active["price_mismatch"]
    assert (pm.level, pm.severity, pm.options["tolerance"]) == ("warn", Severity.CRITICAL, "0.05")
    assert pm.options["attributes"] == ["monthly_price", "price"]
    assert active["hidden_fee"].level == "error"


def test_unknown_check_and_option_are_config_errors():
    with pytest.raises(ConfigError, match=r"checks\.no_such_check: unknown check"):
        active_checks({"no_such_check": CheckSetting(level="error")})
    with pytest.raises(ConfigError, match=r"checks\.price_mismatch\.tolerence: unknown option"):
        active_checks({"price_mismatch": CheckSetting(level="error",
                                                      options={"tolerence": 1})})
