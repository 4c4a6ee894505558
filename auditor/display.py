"""Values as people read them: "24,90 €/kk", "24 kk", "31.12.2026"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from auditor.extract.money import format_amount
from auditor.model import MONEY_ATTRIBUTES, Observation

_PERIOD_SUFFIX = {"month": "/kk", "year": "/v", "unit": " per use"}


def display_value(o: Observation, locale: str = "fi_FI") -> str:
    """An observation's value formatted for a report reader."""
    v = o.value
    if o.attribute in MONEY_ATTRIBUTES and isinstance(v, Decimal):
        suffix = _PERIOD_SUFFIX.get(o.period or "", "")
        # An amount stated without a currency ("ei avausmaksua", a bare "29,90") is shown
        # without one rather than with a guessed sign.
        shown = format_amount(v, o.currency, locale) + suffix
        if o.free_from is not None:
            shown += f" (free from {format_amount(o.free_from, o.currency, locale)})"
        return shown
    if o.attribute in {"contract_months", "promo_months"} and isinstance(v, Decimal):
        if o.attribute == "contract_months" and v == 0:
            return "toistaiseksi voimassa (no fixed term)"
        return f"{v.normalize():f} kk"
    if o.attribute == "offer_ends" and isinstance(v, str):
        try:
            d = date.fromisoformat(v)
            return f"{d.day}.{d.month}.{d.year}"
        except ValueError:
            return v
    if o.attribute == "speed" and isinstance(v, Decimal):
        return f"{v.normalize():f} Mbit/s"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)
